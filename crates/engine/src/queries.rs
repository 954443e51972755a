//! What each role may see: item views (ID numbers masked for all but the graduate and the
//! admin), item detail with history and the actions the engine allows now, reviewer queues with
//! keyset paging, messages, and statistics (R-STAT-01).

use crate::actions::offline_signing::offline_signing_state;
use crate::actions::registrations::registration_state;
use crate::actions::signing::{signing_facts, signing_state};
use crate::engine::{load_graduate, load_item, standing, Engine, Item, ITEM_COLUMNS};
use crate::error::{DomainError, Result};
use crate::model::ItemKind;
use crate::time::Timestamp;
use crate::types::mask_id;
use crate::workflow::offline_signing::{
    self as offline_wf, OfflineSigningEvent, OfflineSigningFacts,
};
use crate::workflow::registration::{self, RegistrationEvent, RegistrationFacts, RegistrationKind};
use crate::workflow::review::{level_at, may_review};
use crate::workflow::signing::{self as signing_wf, SigningEvent};
use crate::workflow::termination::{
    self as termination_wf, TerminationEvent, TerminationFacts, TerminationState,
};
use crate::workflow::{Actor, Level, ReviewDecision, Role};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;

/// An item as a role sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemView {
    pub id: i64,
    pub kind: ItemKind,
    pub state: String,
    pub step: i64,
    /// The level whose decision is awaited, while in review.
    pub awaiting_level: Option<Level>,
    pub version: i64,
    pub parent_id: Option<i64>,
    pub graduate_id: i64,
    pub graduate_name: String,
    pub student_number: String,
    /// Masked (first 6 and last 4) for everyone but the graduate and the admin.
    pub id_number: String,
    pub department: String,
    pub major: String,
    pub education_level: String,
    pub employer_id: Option<i64>,
    pub employer_name: Option<String>,
    pub dest_code: String,
    pub deadline: Option<Timestamp>,
    pub agreement_number: Option<String>,
    pub verification_code: Option<String>,
    pub snapshot_hash: Option<String>,
    pub payload: serde_json::Value,
    pub submitted_at: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One history entry as the timeline shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "WorkHistoryEntry"))]
#[cfg_attr(feature = "schema", schemars(rename = "WorkHistoryEntry"))]
#[serde(rename_all = "camelCase")]
pub struct HistoryView {
    pub seq: i64,
    pub at: Timestamp,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub level: String,
    pub from_state: String,
    pub to_state: String,
    pub reason: String,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub changes: serde_json::Value,
}

/// An item with its timeline and what the actor may do now (the UI shows only these).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemDetail {
    pub item: ItemView,
    pub history: Vec<HistoryView>,
    pub allowed: Vec<String>,
    /// Why answering is not possible, for view-only invitations (R-SIGN-03, R-SIGN-10, expiry).
    pub blocked_reason: Option<crate::error::DomainError>,
}

/// An in-app message (R-NOTE-01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "MessageView"))]
#[cfg_attr(feature = "schema", schemars(rename = "MessageView"))]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub item_id: Option<i64>,
    pub created_at: Timestamp,
    pub read: bool,
}

/// Where an account's in-app messages stand (R-NOTE-01): the newest one's id (0 for none) and
/// how many are unread. A desktop compares it with the last it saw to know that something came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessageState {
    pub newest: i64,
    pub unread: i64,
}

/// Keyset position in a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "QueueCursor"))]
#[cfg_attr(feature = "schema", schemars(rename = "QueueCursor"))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Cursor {
    pub submitted_at: Timestamp,
    pub id: i64,
}

/// A reviewer queue query (R-REV, the reviewers' workspace).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct QueueQuery {
    pub kind: Option<ItemKind>,
    /// Offline signings at one of their two reviews only (协议审核 or 签约审核).
    #[serde(default)]
    pub offline_review: Option<crate::workflow::offline_signing::OfflineReview>,
    /// Only items awaiting the actor's level (the default work queue).
    pub awaiting_me: bool,
    pub state: Option<String>,
    pub department_id: Option<i64>,
    pub major: Option<String>,
    pub education_level: Option<String>,
    pub dest_code: Option<String>,
    pub submitted_from: Option<Timestamp>,
    pub submitted_to: Option<Timestamp>,
    pub newest_first: bool,
    pub after: Option<Cursor>,
    pub limit: i64,
}

/// A queue row: what a list shows, ID numbers masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "QueueRowView"))]
#[cfg_attr(feature = "schema", schemars(rename = "QueueRowView"))]
#[serde(rename_all = "camelCase")]
pub struct QueueRow {
    pub id: i64,
    pub kind: ItemKind,
    pub state: String,
    pub step: i64,
    pub version: i64,
    pub graduate_name: String,
    pub student_number: String,
    pub id_number: String,
    pub department: String,
    pub major: String,
    pub education_level: String,
    pub dest_code: String,
    pub submitted_at: Timestamp,
}

/// One page and where the next starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "QueuePageView"))]
#[cfg_attr(feature = "schema", schemars(rename = "QueuePageView"))]
pub struct QueuePage {
    pub rows: Vec<QueueRow>,
    pub next: Option<Cursor>,
}

/// Placement figures of one group (R-STAT-01).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "PlacementView"))]
#[cfg_attr(feature = "schema", schemars(rename = "PlacementView"))]
pub struct PlacementGroup {
    pub name: String,
    pub total: i64,
    pub placed: i64,
    /// placed / total, 0 when total is 0.
    pub rate: f64,
}

/// R-STAT-01 for one cohort in the actor's scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statistics {
    pub cohort: i64,
    pub formula_zh: String,
    pub formula_en: String,
    pub overall: PlacementGroup,
    /// (code, state, count) over every registration and agreement in scope.
    pub by_code_and_state: Vec<(String, String, i64)>,
    /// Effective destinations per code.
    pub effective_by_code: BTreeMap<String, i64>,
    /// Shares of the watched codes (12, 75, 76) among all graduates in scope.
    pub watched_shares: BTreeMap<String, f64>,
    pub by_department: Vec<PlacementGroup>,
    pub by_major: Vec<PlacementGroup>,
    pub by_education_level: Vec<PlacementGroup>,
}

/// The placement formula, in one place (R-STAT-01).
pub const PLACEMENT_FORMULA_ZH: &str = "落实率 = 有效去向代码为10（含定向/委培补充登记）、11、12、27、46、50、51、75、76、80、85的毕业生人数 ÷ 范围内毕业生总人数";
pub const PLACEMENT_FORMULA_EN: &str = "Placement rate = graduates whose effective destination code is 10 (incl. the directed supplement), 11, 12, 27, 46, 50, 51, 75, 76, 80 or 85 ÷ all graduates in scope";

fn rate(placed: i64, total: i64) -> f64 {
    if total == 0 {
        0.0
    } else {
        placed as f64 / total as f64
    }
}

/// Whether the actor may see the item at all.
pub(crate) async fn visible(c: &mut AnyConnection, actor: &Actor, it: &Item) -> Result<bool> {
    Ok(match actor.role {
        Role::Graduate => {
            if actor.graduate_id == Some(it.graduate_id) {
                true
            } else {
                // R-MOD-02: the same person's records of earlier cohorts (R-MOD-04).
                let own = load_graduate(&mut *c, actor.graduate_id.unwrap_or(-1)).await?;
                let g = load_graduate(&mut *c, it.graduate_id).await?;
                crate::actions::person_links::same_person(&mut *c, &own, &g).await?
            }
        }
        Role::Employer => actor.employer_id.is_some() && it.employer_id == actor.employer_id,
        Role::DepartmentReviewer => actor.department_id == Some(it.department_id),
        Role::SchoolReviewer | Role::SchoolAdmin => true,
        Role::System => false,
    })
}

/// Callers have checked visibility: a graduate only ever sees their own records (any cohort).
fn sees_full_id(actor: &Actor) -> bool {
    matches!(actor.role, Role::SchoolAdmin | Role::Graduate)
}

impl Engine {
    async fn view(&self, c: &mut AnyConnection, actor: &Actor, it: &Item) -> Result<ItemView> {
        let g = load_graduate(&mut *c, it.graduate_id).await?;
        let employer_name = match it.employer_id {
            Some(e) => sqlx::query("SELECT name FROM employers WHERE id = $1")
                .bind(e)
                .fetch_optional(&mut *c)
                .await?
                .map(|r| r.try_get::<String, _>("name"))
                .transpose()?,
            None => None,
        };
        let in_review = matches!(
            it.state.as_str(),
            "submitted" | "under_review" | "stamped_submitted" | "stamped_under_review"
        );
        let mut payload: serde_json::Value = serde_json::from_str(&it.payload)?;
        if let Some(obj) = payload.as_object_mut() {
            // Which party may see the verification code: the parties and the school.
            obj.remove("internal");
        }
        Ok(ItemView {
            id: it.id,
            kind: it.kind,
            state: it.state.clone(),
            step: it.step,
            awaiting_level: if in_review {
                level_at(it.chain, usize::try_from(it.step).unwrap_or(0))
            } else {
                None
            },
            version: it.version,
            parent_id: it.parent_id,
            graduate_id: g.id,
            graduate_name: g.name.clone(),
            student_number: g.student_number.clone(),
            id_number: if sees_full_id(actor) {
                g.id_number.clone()
            } else {
                mask_id(&g.id_number)
            },
            department: g.department.clone(),
            major: it.major.clone(),
            education_level: it.education_level.clone(),
            employer_id: it.employer_id,
            employer_name,
            dest_code: it.dest_code.clone(),
            deadline: it.deadline,
            agreement_number: it.agreement_number.clone(),
            verification_code: it.verification_code.clone(),
            snapshot_hash: it.snapshot_hash.clone(),
            payload,
            submitted_at: it.submitted_at,
            created_at: it.created_at,
            updated_at: it.updated_at,
        })
    }

    /// One item with its timeline and the actions allowed now.
    pub async fn item_detail(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<ItemDetail> {
        let mut c = self.store.read().await?;
        let it = load_item(&mut c, id).await?;
        if !visible(&mut c, actor, &it).await? {
            return Err(DomainError::not_found("事项", "Item"));
        }
        let item = self.view(&mut c, actor, &it).await?;
        // The agreement's timeline includes its termination requests' entries. The item ids
        // are one list (the item, then its children) so the history is read through its
        // item_id index: an `item_id = $1 OR item_id IN (…)` filter is a scan of the whole
        // history on PostgreSQL, a cost that grows with every write the school makes.
        let rows = sqlx::query(
            "SELECT h.seq, h.at, COALESCE(a.display_name, '系统') AS actor_name, h.actor_role, h.action, h.level, h.from_state, h.to_state, h.reason, h.changes \
             FROM history h LEFT JOIN accounts a ON a.id = h.actor_account_id \
             WHERE h.item_id IN (SELECT $1 UNION ALL SELECT id FROM items WHERE parent_id = $1) ORDER BY h.seq",
        )
        .bind(id)
        .fetch_all(&mut *c)
        .await?;
        let mut history = Vec::new();
        for r in rows {
            let changes: String = r.try_get("changes")?;
            history.push(HistoryView {
                seq: r.try_get("seq")?,
                at: r.try_get("at")?,
                actor_name: r.try_get("actor_name")?,
                actor_role: r.try_get("actor_role")?,
                action: r.try_get("action")?,
                level: r.try_get("level")?,
                from_state: r.try_get("from_state")?,
                to_state: r.try_get("to_state")?,
                reason: r.try_get("reason")?,
                changes: serde_json::from_str(&changes).unwrap_or(serde_json::Value::Null),
            });
        }
        let (allowed, blocked_reason) = self.allowed_actions(&mut c, actor, &it, now).await?;
        Ok(ItemDetail {
            item,
            history,
            allowed,
            blocked_reason,
        })
    }

    /// Dry-runs each candidate event through the workflow's transition with the facts read now.
    async fn allowed_actions(
        &self,
        c: &mut AnyConnection,
        actor: &Actor,
        it: &Item,
        now: Timestamp,
    ) -> Result<(Vec<String>, Option<DomainError>)> {
        let mut out = Vec::new();
        let mut blocked = None;
        let decisions = [
            (
                "approve",
                ReviewDecision::Approve {
                    note: String::new(),
                },
            ),
            ("return", ReviewDecision::Return { reason: "-".into() }),
            ("reject", ReviewDecision::Reject { reason: "-".into() }),
        ];
        match it.kind {
            ItemKind::Signing => {
                let f = match signing_facts(&mut *c, it, actor, now).await {
                    Ok((_, f)) => f,
                    // An earlier cohort's record (R-MOD-02) or someone outside the item: view only.
                    Err(e) => return Ok((vec![], Some(e))),
                };
                let s = signing_state(it)?;
                for (name, ev) in [
                    ("accept", SigningEvent::Accept),
                    ("reject", SigningEvent::Reject),
                    ("withdraw", SigningEvent::Withdraw),
                ] {
                    match signing_wf::transition(s, &ev, actor, &f, now) {
                        Ok(_) => out.push(name.to_string()),
                        Err(e)
                            if name == "accept"
                                && actor.is_graduate(it.graduate_id)
                                && s == signing_wf::SigningState::Pending =>
                        {
                            blocked = Some(e)
                        }
                        Err(_) => {}
                    }
                }
                for (name, d) in &decisions {
                    if signing_wf::transition(s, &SigningEvent::Review(d.clone()), actor, &f, now)
                        .is_ok()
                    {
                        out.push(name.to_string());
                    }
                }
                if it.state == "signed"
                    && (actor.is_graduate(it.graduate_id) || actor.is_employer(it.employer_id))
                {
                    let open: i64 = sqlx::query("SELECT COUNT(*) AS n FROM items WHERE kind = 'termination' AND parent_id = $1 AND state IN ('awaiting_counterparty', 'under_review')")
                        .bind(it.id)
                        .fetch_one(&mut *c)
                        .await?
                        .try_get("n")?;
                    if open == 0 {
                        out.push("request_termination".into());
                    }
                }
            }
            ItemKind::Termination => {
                let p: crate::model::TerminationPayload = serde_json::from_str(&it.payload)?;
                let f = TerminationFacts {
                    initiator: p.initiator,
                    graduate_id: it.graduate_id,
                    employer_id: it.employer_id.unwrap_or(-1),
                    department_id: it.department_id,
                    chain: it.chain,
                };
                let s =
                    TerminationState::from_parts(&it.state, usize::try_from(it.step).unwrap_or(0))
                        .ok_or_else(|| DomainError::internal("state"))?;
                for (name, ev) in [
                    ("accept", TerminationEvent::Accept),
                    ("refuse", TerminationEvent::Refuse),
                    ("cancel", TerminationEvent::Cancel),
                ] {
                    if termination_wf::transition(s, &ev, actor, &f, now).is_ok() {
                        out.push(name.to_string());
                    }
                }
                for (name, d) in &decisions {
                    if termination_wf::transition(
                        s,
                        &TerminationEvent::Review(d.clone()),
                        actor,
                        &f,
                        now,
                    )
                    .is_ok()
                    {
                        out.push(name.to_string());
                    }
                }
            }
            ItemKind::Paper | ItemKind::Destination | ItemKind::OfflineTermination => {
                let kind = match it.kind {
                    ItemKind::Paper => RegistrationKind::Paper,
                    ItemKind::Destination => RegistrationKind::Destination,
                    _ => RegistrationKind::OfflineTermination,
                };
                let g = load_graduate(&mut *c, it.graduate_id).await?;
                let st = standing(&mut *c, &g, actor, Some(it.id), now).await?;
                let f = RegistrationFacts {
                    kind,
                    graduate_id: g.id,
                    department_id: it.department_id,
                    chain: it.chain,
                    graduate: st,
                };
                let s = registration_state(it)?;
                for (name, ev) in [
                    ("submit", RegistrationEvent::Submit),
                    ("withdraw", RegistrationEvent::Withdraw),
                    ("edit", RegistrationEvent::Edit),
                    ("reviewer_edit", RegistrationEvent::ReviewerEdit),
                    ("void", RegistrationEvent::Void),
                ] {
                    match registration::transition(s, &ev, actor, &f, now) {
                        Ok(_) => out.push(name.to_string()),
                        Err(e)
                            if name == "submit"
                                && actor.is_graduate(it.graduate_id)
                                && matches!(
                                    s,
                                    registration::RegistrationState::Draft
                                        | registration::RegistrationState::Returned
                                ) =>
                        {
                            blocked = Some(e)
                        }
                        Err(_) => {}
                    }
                }
                for (name, d) in &decisions {
                    if registration::transition(
                        s,
                        &RegistrationEvent::Review(d.clone()),
                        actor,
                        &f,
                        now,
                    )
                    .is_ok()
                    {
                        out.push(name.to_string());
                    }
                }
                if kind == RegistrationKind::Paper
                    && it.state == "approved"
                    && actor.is_graduate(it.graduate_id)
                {
                    // R-OFF: one open offline termination per agreement (as the action checks).
                    let open: i64 = sqlx::query("SELECT COUNT(*) AS n FROM items WHERE kind = 'offline_termination' AND parent_id = $1 AND state IN ('submitted', 'under_review', 'returned')")
                        .bind(it.id)
                        .fetch_one(&mut *c)
                        .await?
                        .try_get("n")?;
                    if open == 0 {
                        out.push("request_offline_termination".into());
                    }
                }
            }
            ItemKind::OfflineSigning => {
                let g = load_graduate(&mut *c, it.graduate_id).await?;
                let f = OfflineSigningFacts {
                    graduate_id: g.id,
                    department_id: it.department_id,
                    chain: it.chain,
                    graduate: standing(&mut *c, &g, actor, Some(it.id), now).await?,
                };
                let s = offline_signing_state(it)?;
                for (name, ev) in [
                    ("submit", OfflineSigningEvent::Submit),
                    ("withdraw", OfflineSigningEvent::Withdraw),
                    ("edit", OfflineSigningEvent::Edit),
                    ("upload_stamped", OfflineSigningEvent::UploadStamped),
                    ("cancel", OfflineSigningEvent::Cancel),
                ] {
                    match offline_wf::transition(s, &ev, actor, &f, now) {
                        Ok(_) => out.push(name.to_string()),
                        Err(e)
                            if name == "submit"
                                && actor.is_graduate(it.graduate_id)
                                && matches!(
                                    s,
                                    offline_wf::OfflineSigningState::Returned
                                        | offline_wf::OfflineSigningState::Withdrawn
                                ) =>
                        {
                            blocked = Some(e)
                        }
                        Err(_) => {}
                    }
                }
                for (name, d) in &decisions {
                    if offline_wf::transition(
                        s,
                        &OfflineSigningEvent::Review(d.clone()),
                        actor,
                        &f,
                        now,
                    )
                    .is_ok()
                    {
                        out.push(name.to_string());
                    }
                }
                if s == offline_wf::OfflineSigningState::Signed && actor.is_graduate(it.graduate_id)
                {
                    // R-OFFSIGN-06: one open offline termination per agreement.
                    let open: i64 = sqlx::query("SELECT COUNT(*) AS n FROM items WHERE kind = 'offline_termination' AND parent_id = $1 AND state IN ('submitted', 'under_review', 'returned')")
                        .bind(it.id)
                        .fetch_one(&mut *c)
                        .await?
                        .try_get("n")?;
                    if open == 0 {
                        out.push("request_offline_termination".into());
                    }
                }
            }
        }
        Ok((out, blocked))
    }

    /// The actor's items: a graduate's own (optionally of an earlier cohort record), an
    /// employer's invitations and terminations, a reviewer's scope (newest first, at most 500).
    pub async fn list_items(
        &self,
        actor: &Actor,
        kind: Option<ItemKind>,
        graduate_id: Option<i64>,
    ) -> Result<Vec<ItemView>> {
        let mut c = self.store.read().await?;
        let kind_str = kind.map(|k| k.as_str().to_string()).unwrap_or_default();
        let rows = match actor.role {
            Role::Graduate => {
                let gid = graduate_id.or(actor.graduate_id).unwrap_or(-1);
                sqlx::query(&format!("SELECT {ITEM_COLUMNS} FROM items WHERE graduate_id = $1 AND ($2 = '' OR kind = $2) ORDER BY id DESC LIMIT 500")).bind(gid).bind(&kind_str).fetch_all(&mut *c).await?
            }
            Role::Employer => {
                sqlx::query(&format!("SELECT {ITEM_COLUMNS} FROM items WHERE employer_id = $1 AND ($2 = '' OR kind = $2) ORDER BY id DESC LIMIT 500")).bind(actor.employer_id.unwrap_or(-1)).bind(&kind_str).fetch_all(&mut *c).await?
            }
            Role::DepartmentReviewer => {
                sqlx::query(&format!("SELECT {ITEM_COLUMNS} FROM items WHERE department_id = $1 AND ($2 = '' OR kind = $2) ORDER BY id DESC LIMIT 500")).bind(actor.department_id.unwrap_or(-1)).bind(&kind_str).fetch_all(&mut *c).await?
            }
            Role::SchoolReviewer | Role::SchoolAdmin => sqlx::query(&format!("SELECT {ITEM_COLUMNS} FROM items WHERE ($1 = '' OR kind = $1) ORDER BY id DESC LIMIT 500")).bind(&kind_str).fetch_all(&mut *c).await?,
            Role::System => return Err(DomainError::forbidden()),
        };
        let mut out = Vec::new();
        for r in rows {
            let it = crate::engine::item_from_row(&r)?;
            if visible(&mut c, actor, &it).await? {
                out.push(self.view(&mut c, actor, &it).await?);
            }
        }
        Ok(out)
    }

    /// A reviewer's queue, keyset-paged on (submitted_at, id), ID numbers masked.
    pub async fn review_queue(&self, actor: &Actor, q: &QueueQuery) -> Result<QueuePage> {
        let level = match actor.role {
            Role::DepartmentReviewer => Level::Department,
            Role::SchoolReviewer => Level::School,
            Role::SchoolAdmin => Level::School,
            _ => return Err(DomainError::forbidden()),
        };
        enum B {
            I(i64),
            S(String),
        }
        let mut binds: Vec<B> = Vec::new();
        let mut wh: Vec<String> = Vec::new();
        let push = |binds: &mut Vec<B>, b: B| {
            binds.push(b);
            format!("${}", binds.len())
        };
        if let Some(k) = q.kind {
            let p = push(&mut binds, B::S(k.as_str().into()));
            wh.push(format!("i.kind = {p}"));
        }
        if actor.role == Role::DepartmentReviewer {
            let p = push(&mut binds, B::I(actor.department_id.unwrap_or(-1)));
            wh.push(format!("i.department_id = {p}"));
        }
        if q.awaiting_me {
            if actor.role == Role::SchoolAdmin {
                return Err(DomainError::forbidden());
            }
            let idx = if level == Level::Department { 0 } else { 1 };
            wh.push(format!("i.state IN ('submitted', 'under_review', 'stamped_submitted', 'stamped_under_review') AND ((i.chain = 'both' AND i.step = {idx}) OR (i.chain = '{}' AND i.step = 0))", level.as_str()));
        } else {
            // Pending invitations and drafts are the parties' business, not the reviewers'.
            wh.push("i.state NOT IN ('pending', 'draft')".into());
        }
        if let Some(s) = &q.state {
            let p = push(&mut binds, B::S(s.clone()));
            wh.push(format!("i.state = {p}"));
        }
        // The two reviews of an offline signing are their own kinds of work (R-OFFSIGN-02, -05).
        match q.offline_review {
            Some(offline_wf::OfflineReview::Application) => wh.push(
                "i.kind = 'offline_signing' AND i.state IN ('submitted', 'under_review', 'returned', 'rejected', 'withdrawn', 'approved_for_print')".into(),
            ),
            Some(offline_wf::OfflineReview::Stamped) => wh.push(
                "i.kind = 'offline_signing' AND i.state IN ('stamped_submitted', 'stamped_under_review', 'stamped_returned', 'failed', 'cancelled', 'signed', 'terminated')".into(),
            ),
            None => {}
        }
        if let Some(d) = q.department_id {
            let p = push(&mut binds, B::I(d));
            wh.push(format!("i.department_id = {p}"));
        }
        if let Some(m) = &q.major {
            let p = push(&mut binds, B::S(m.clone()));
            wh.push(format!("i.major = {p}"));
        }
        if let Some(l) = &q.education_level {
            let p = push(&mut binds, B::S(l.clone()));
            wh.push(format!("i.education_level = {p}"));
        }
        if let Some(dc) = &q.dest_code {
            let p = push(&mut binds, B::S(dc.clone()));
            wh.push(format!("i.dest_code = {p}"));
        }
        if let Some(f) = q.submitted_from {
            let p = push(&mut binds, B::I(f));
            wh.push(format!("i.submitted_at >= {p}"));
        }
        if let Some(t) = q.submitted_to {
            let p = push(&mut binds, B::I(t));
            wh.push(format!("i.submitted_at < {p}"));
        }
        let (cmp, dir) = if q.newest_first {
            ("<", "DESC")
        } else {
            (">", "ASC")
        };
        if let Some(cur) = q.after {
            let a = push(&mut binds, B::I(cur.submitted_at));
            let b = push(&mut binds, B::I(cur.id));
            wh.push(format!(
                "(i.submitted_at {cmp} {a} OR (i.submitted_at = {a} AND i.id {cmp} {b}))"
            ));
        }
        let limit = q.limit.clamp(1, 200);
        let sql = format!(
            "SELECT i.id, i.kind, i.state, i.step, i.version, i.major, i.education_level, i.dest_code, i.submitted_at, g.name AS graduate_name, g.student_number, g.id_number, d.name AS department \
             FROM items i JOIN graduates g ON g.id = i.graduate_id JOIN departments d ON d.id = i.department_id WHERE {} ORDER BY i.submitted_at {dir}, i.id {dir} LIMIT {}",
            if wh.is_empty() { "1 = 1".to_string() } else { wh.join(" AND ") },
            limit + 1
        );
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = match b {
                B::I(i) => query.bind(i),
                B::S(s) => query.bind(s),
            };
        }
        let mut c = self.store.read().await?;
        let rows = query.fetch_all(&mut *c).await?;
        let mut out = Vec::new();
        for r in rows.iter().take(limit as usize) {
            let kind: String = r.try_get("kind")?;
            let id_number: String = r.try_get("id_number")?;
            out.push(QueueRow {
                id: r.try_get("id")?,
                kind: ItemKind::parse(&kind)?,
                state: r.try_get("state")?,
                step: r.try_get("step")?,
                version: r.try_get("version")?,
                graduate_name: r.try_get("graduate_name")?,
                student_number: r.try_get("student_number")?,
                id_number: if actor.role == Role::SchoolAdmin {
                    id_number
                } else {
                    mask_id(&id_number)
                },
                department: r.try_get("department")?,
                major: r.try_get("major")?,
                education_level: r.try_get("education_level")?,
                dest_code: r.try_get("dest_code")?,
                submitted_at: r.try_get("submitted_at")?,
            });
        }
        let next = if rows.len() as i64 > limit {
            out.last().map(|r| Cursor {
                submitted_at: r.submitted_at,
                id: r.id,
            })
        } else {
            None
        };
        Ok(QueuePage { rows: out, next })
    }

    /// R-NOTE-01: the actor's in-app messages, newest first.
    pub async fn messages(&self, actor: &Actor) -> Result<Vec<Message>> {
        let account = actor.account_id.ok_or_else(DomainError::forbidden)?;
        let mut c = self.store.read().await?;
        let rows = sqlx::query("SELECT id, kind, title, body, item_id, created_at, read_at FROM messages WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT 500").bind(account).fetch_all(&mut *c).await?;
        rows.iter()
            .map(|r| {
                let read_at: Option<i64> = r.try_get("read_at")?;
                Ok(Message {
                    id: r.try_get("id")?,
                    kind: r.try_get("kind")?,
                    title: r.try_get("title")?,
                    body: r.try_get("body")?,
                    item_id: r.try_get("item_id")?,
                    created_at: r.try_get("created_at")?,
                    read: read_at.is_some(),
                })
            })
            .collect()
    }

    /// Where the actor's in-app messages stand (R-NOTE-01).
    pub async fn message_state(&self, actor: &Actor) -> Result<MessageState> {
        let account = actor.account_id.ok_or_else(DomainError::forbidden)?;
        let mut c = self.store.read().await?;
        let row = sqlx::query("SELECT COALESCE(MAX(id), 0) AS newest, COALESCE(SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END), 0) AS unread FROM messages WHERE account_id = $1").bind(account).fetch_one(&mut *c).await?;
        Ok(MessageState {
            newest: row.try_get("newest")?,
            unread: row.try_get("unread")?,
        })
    }

    /// Changes whenever a commit wrote in-app messages, on this process or (PostgreSQL) on any
    /// server of the school: a desktop's wait for its messages wakes on it.
    pub fn message_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.store.message_changes()
    }

    /// Marks one of the actor's messages read.
    pub async fn mark_message_read(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        let account = actor.account_id.ok_or_else(DomainError::forbidden)?;
        let mut c = self.store.read().await?;
        let done = sqlx::query("UPDATE messages SET read_at = $1 WHERE id = $2 AND account_id = $3 AND read_at IS NULL").bind(now).bind(id).bind(account).execute(&mut *c).await?;
        if done.rows_affected() == 0
            && sqlx::query("SELECT id FROM messages WHERE id = $1 AND account_id = $2")
                .bind(id)
                .bind(account)
                .fetch_optional(&mut *c)
                .await?
                .is_none()
        {
            return Err(DomainError::not_found("消息", "Message"));
        }
        Ok(())
    }

    /// R-STAT-01 for a cohort: department reviewers see their department, school staff everything.
    pub async fn statistics(&self, actor: &Actor, cohort: i64) -> Result<Statistics> {
        let dep = match actor.role {
            Role::DepartmentReviewer => actor.department_id.unwrap_or(-1),
            Role::SchoolReviewer | Role::SchoolAdmin => -1,
            _ => return Err(DomainError::forbidden()),
        };
        let mut c = self.store.read().await?;
        let rows = sqlx::query(&format!(
            "SELECT g.id, d.name AS department, g.major, g.education_level, \
             (SELECT i.dest_code FROM items i WHERE i.graduate_id = g.id AND {} ORDER BY i.id DESC LIMIT 1) AS code \
             FROM graduates g JOIN departments d ON d.id = g.department_id WHERE g.cohort = $1 AND ($2 = -1 OR g.department_id = $2)",
            crate::model::effective_destination_sql("i.")
        ))
        .bind(cohort)
        .bind(dep)
        .fetch_all(&mut *c)
        .await?;
        let mut groups: [BTreeMap<String, (i64, i64)>; 3] = Default::default();
        let mut effective: BTreeMap<String, i64> = BTreeMap::new();
        let (mut total, mut placed) = (0i64, 0i64);
        for r in &rows {
            let code: Option<String> = r.try_get("code")?;
            let is_placed = code
                .as_deref()
                .is_some_and(crate::reference::is_placement_code);
            if let Some(code) = &code {
                *effective.entry(code.clone()).or_default() += 1;
            }
            total += 1;
            placed += i64::from(is_placed);
            let keys: [String; 3] = [
                r.try_get("department")?,
                r.try_get("major")?,
                r.try_get("education_level")?,
            ];
            for (g, k) in groups.iter_mut().zip(keys) {
                let e = g.entry(k).or_default();
                e.0 += 1;
                e.1 += i64::from(is_placed);
            }
        }
        let by_code = sqlx::query("SELECT dest_code, state, COUNT(*) AS n FROM items WHERE cohort = $1 AND ($2 = -1 OR department_id = $2) AND kind IN ('signing', 'paper', 'destination', 'offline_signing') AND dest_code <> '' GROUP BY dest_code, state ORDER BY dest_code, state")
            .bind(cohort)
            .bind(dep)
            .fetch_all(&mut *c)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("dest_code")?, r.try_get("state")?, r.try_get("n")?)))
            .collect::<Result<Vec<_>>>()?;
        let watched = crate::reference::destinations()
            .watched_codes
            .iter()
            .map(|code| {
                (
                    code.clone(),
                    rate(effective.get(code).copied().unwrap_or(0), total),
                )
            })
            .collect();
        let to_groups = |g: &BTreeMap<String, (i64, i64)>| {
            g.iter()
                .map(|(k, (t, p))| PlacementGroup {
                    name: k.clone(),
                    total: *t,
                    placed: *p,
                    rate: rate(*p, *t),
                })
                .collect::<Vec<_>>()
        };
        Ok(Statistics {
            cohort,
            formula_zh: PLACEMENT_FORMULA_ZH.into(),
            formula_en: PLACEMENT_FORMULA_EN.into(),
            overall: PlacementGroup {
                name: "全部".into(),
                total,
                placed,
                rate: rate(placed, total),
            },
            by_code_and_state: by_code,
            effective_by_code: effective,
            watched_shares: watched,
            by_department: to_groups(&groups[0]),
            by_major: to_groups(&groups[1]),
            by_education_level: to_groups(&groups[2]),
        })
    }
}

/// Whether `actor` may review the item now (used by lists to mark actionable rows).
pub fn can_review(
    actor: &Actor,
    it_chain: crate::workflow::ReviewChain,
    step: i64,
    department_id: i64,
) -> bool {
    may_review(
        actor,
        it_chain,
        usize::try_from(step).unwrap_or(0),
        department_id,
    )
}
