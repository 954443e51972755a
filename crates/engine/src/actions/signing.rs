//! Invitations and online signing (R-SIGN), the deadline sweep and its reminders.

use crate::actions::setup::MAX_INVITE_LIMIT_DAYS;
use crate::actions::steps::ItemWorkflow;
use crate::audit::Entry;
use crate::engine::{
    item_subject, load_cohort, load_graduate, notify, record, standing, Engine, Graduate, Item,
    NewItem, Recipient, GRADUATE_SELECT,
};
use crate::error::{DomainError, ErrorCode, Result};
use crate::model::{AgreementTerms, EmployerDetails, InvitationPayload, ItemKind};
use crate::store::Tx;
use crate::time::{checked_end_of_day_after, format_shanghai, Timestamp};
use crate::types::{IdNumber, PersonName};
use crate::workflow::signing::{self, InviteFacts, SigningEvent, SigningFacts, SigningState};
use crate::workflow::{Actor, GraduateStanding, Role, Step};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

/// How an employer finds the graduate (R-SIGN-01).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum GraduateLookup {
    /// Name + ID number.
    IdNumber { name: String, id_number: String },
    /// This school's student number (+ name, so a typo finds nobody rather than someone else).
    StudentNumber {
        name: String,
        student_number: String,
    },
}

/// An employer's invitation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InviteInput {
    pub graduate: GraduateLookup,
    pub terms: AgreementTerms,
    /// Response window in days (default 5, at most the cohort's limit).
    pub deadline_days: Option<i64>,
}

/// What the sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepReport {
    pub expired: usize,
    pub reminded: usize,
}

/// Reads an employer's profile as the invitation's employer details.
pub(crate) async fn employer_profile(
    c: &mut AnyConnection,
    employer_id: i64,
) -> Result<(EmployerDetails, bool)> {
    let row = sqlx::query("SELECT name, credit_code, nature, industry, address, contact_person, contact_phone, approved, disabled FROM employers WHERE id = $1")
        .bind(employer_id)
        .fetch_optional(c)
        .await?;
    let Some(r) = row else {
        return Err(DomainError::not_found("单位", "Employer"));
    };
    let approved: i64 = r.try_get("approved")?;
    let disabled: i64 = r.try_get("disabled")?;
    Ok((
        EmployerDetails {
            name: r.try_get("name")?,
            credit_code: r.try_get("credit_code")?,
            nature: r.try_get("nature")?,
            industry: r.try_get("industry")?,
            address: r.try_get("address")?,
            contact_person: r.try_get("contact_person")?,
            contact_phone: r.try_get("contact_phone")?,
        },
        approved != 0 && disabled == 0,
    ))
}

/// R-AUTH-03 / R-SIGN-14: the employer's details if it is approved and enabled; otherwise a
/// refusal that says only that (read before any graduate is looked up).
pub(crate) async fn require_active_employer(
    c: &mut AnyConnection,
    employer_id: i64,
) -> Result<EmployerDetails> {
    let row = sqlx::query("SELECT approved, disabled FROM employers WHERE id = $1")
        .bind(employer_id)
        .fetch_optional(&mut *c)
        .await?;
    let Some(r) = row else {
        return Err(DomainError::forbidden());
    };
    if r.try_get::<i64, _>("disabled")? != 0 {
        return Err(DomainError::new(
            ErrorCode::EmployerNotApproved,
            "单位已被学校停用，暂不能发起签约邀请或添加账号，请联系学校就业部门",
            "The employer is disabled by the school; contact the school's employment office",
        ));
    }
    if r.try_get::<i64, _>("approved")? == 0 {
        return Err(DomainError::new(
            ErrorCode::EmployerNotApproved,
            "单位注册尚未经学校审核通过，暂不能发起签约邀请或添加账号",
            "The employer's sign-up is not approved by the school yet",
        ));
    }
    Ok(employer_profile(c, employer_id).await?.0)
}

/// Refuses an action by a graduate on the same person's record of another cohort (R-MOD-02).
pub(crate) async fn check_own_cohort(
    c: &mut AnyConnection,
    actor: &Actor,
    g: &Graduate,
) -> Result<()> {
    if actor.role != Role::Graduate || actor.graduate_id == Some(g.id) {
        return Ok(());
    }
    let Ok(own) = load_graduate(&mut *c, actor.graduate_id.unwrap_or(-1)).await else {
        return Err(DomainError::forbidden());
    };
    if crate::actions::person_links::same_person(c, &own, g).await? {
        Err(DomainError::new(
            ErrorCode::ReadOnlyCohort,
            "往届记录只能查看，不能修改",
            "Records of an earlier cohort are read-only",
        ))
    } else {
        Err(DomainError::forbidden())
    }
}

pub(crate) async fn signing_facts(
    c: &mut AnyConnection,
    it: &Item,
    actor: &Actor,
    now: Timestamp,
) -> Result<(Graduate, SigningFacts)> {
    let g = load_graduate(&mut *c, it.graduate_id).await?;
    check_own_cohort(&mut *c, actor, &g).await?;
    let st = standing(&mut *c, &g, actor, Some(it.id), now).await?;
    let f = facts_of(it, &g, st);
    Ok((g, f))
}

fn facts_of(it: &Item, g: &Graduate, graduate: GraduateStanding) -> SigningFacts {
    SigningFacts {
        graduate_id: g.id,
        employer_id: it.employer_id.unwrap_or(-1),
        department_id: it.department_id,
        deadline: it.deadline.unwrap_or(i64::MIN),
        chain: it.chain,
        graduate,
    }
}

/// A signing event as a step of the step driver.
pub(crate) struct SigningStep(pub SigningEvent);

impl ItemWorkflow for SigningStep {
    type State = SigningState;
    type Facts = SigningFacts;

    fn accepts(kind: ItemKind) -> bool {
        kind == ItemKind::Signing
    }

    fn not_found() -> DomainError {
        DomainError::not_found("签约邀请", "Invitation")
    }

    async fn facts(
        &self,
        _engine: &Engine,
        tx: &mut Tx,
        it: &Item,
        g: &Graduate,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<SigningFacts> {
        let st = standing(tx.conn(), g, actor, Some(it.id), now).await?;
        Ok(facts_of(it, g, st))
    }

    fn step(
        &self,
        from: SigningState,
        actor: &Actor,
        f: &SigningFacts,
        g: &Graduate,
        now: Timestamp,
    ) -> Result<Step<SigningState>> {
        signing::step(from, &self.0, actor, f, &g.name, now)
    }

    async fn apply(
        &self,
        engine: &Engine,
        tx: &mut Tx,
        it: &mut Item,
        g: &Graduate,
        _f: &SigningFacts,
        step: &Step<SigningState>,
        now: Timestamp,
    ) -> Result<serde_json::Value> {
        if self.0 == SigningEvent::Accept {
            // The agreement keeps the chain it was submitted under (acceptance = submission).
            it.chain = load_cohort(tx.conn(), g.cohort).await?.chain;
            it.submitted_at = now;
        }
        if step.next == SigningState::Signed {
            return engine.sign_agreement(tx, it, g, now).await;
        }
        Ok(serde_json::Value::Null)
    }
}

pub(crate) fn signing_state(it: &Item) -> Result<SigningState> {
    SigningState::from_parts(&it.state, usize::try_from(it.step).unwrap_or(0))
        .ok_or_else(|| DomainError::internal("signing_state"))
}

impl Engine {
    /// R-SIGN-01: an employer invites a graduate with the terms and a response deadline.
    /// R-SIGN-14: the employer's approval is checked before the graduate is looked up, so an
    /// unapproved or disabled employer learns nothing about anyone (not even whether they exist).
    pub async fn invite(&self, actor: &Actor, input: &InviteInput, now: Timestamp) -> Result<i64> {
        actor.require(actor.role == Role::Employer && actor.employer_id.is_some())?;
        let employer_id = actor.employer_id.unwrap_or(-1);
        let terms = input.terms.validate()?;
        let days = input
            .deadline_days
            .unwrap_or(crate::reference::lists().invitation_days_default);
        // R-INPUT-01: no school allows more than MAX_INVITE_LIMIT_DAYS, so anything beyond is a
        // field error here, before any date arithmetic.
        if !(1..=MAX_INVITE_LIMIT_DAYS).contains(&days) {
            return Err(DomainError::field(
                "deadline_days",
                format!("应约期限应为1至{MAX_INVITE_LIMIT_DAYS}天"),
                format!("The response window must be 1 to {MAX_INVITE_LIMIT_DAYS} days"),
            ));
        }
        let mut tx = self.store.begin().await?;
        let employer = require_active_employer(tx.conn(), employer_id).await?;
        let mut g = find_graduate(tx.conn(), &input.graduate).await?;
        // R-ONE-02: no other write on this graduate between the checks below and the commit.
        if crate::engine::lock_graduate(&mut tx, g.id).await? {
            g = load_graduate(tx.conn(), g.id).await?;
        }
        let cohort = load_cohort(tx.conn(), g.cohort).await?;
        let pending: i64 = sqlx::query("SELECT COUNT(*) AS n FROM items WHERE kind = 'signing' AND state = 'pending' AND employer_id = $1 AND graduate_id = $2 AND deadline > $3")
            .bind(employer_id)
            .bind(g.id)
            .bind(now)
            .fetch_one(tx.conn())
            .await?
            .try_get("n")?;
        let out_of_range = || {
            DomainError::field(
                "deadline_days",
                "应约截止时间超出可表示的日期范围",
                "The response deadline is outside the representable dates",
            )
        };
        let facts = InviteFacts {
            employer_id,
            employer_approved: true,
            module_open: cohort.module_open,
            directed: g.is_directed(),
            pending_from_same_employer: pending > 0,
            deadline: checked_end_of_day_after(now, days).ok_or_else(out_of_range)?,
            max_deadline: checked_end_of_day_after(now, cohort.invite_limit_days)
                .ok_or_else(out_of_range)?,
        };
        let state = signing::invite(actor, &facts, now)?;
        let payload = serde_json::to_string(&InvitationPayload {
            employer: employer.clone(),
            terms,
        })?;
        let id = crate::engine::insert_item(
            &mut tx,
            &NewItem {
                kind: ItemKind::Signing,
                graduate: g.clone(),
                employer_id: Some(employer_id),
                parent_id: None,
                state: state.name().into(),
                chain: cohort.chain,
                dest_code: "10".into(),
                deadline: Some(facts.deadline),
                payload,
                submitted_at: now,
            },
            now,
        )
        .await?;
        record(
            &mut tx,
            Entry {
                subject: item_subject(id),
                item_id: Some(id),
                actor,
                at: now,
                action: "invite",
                level: "",
                from_state: "",
                to_state: state.name(),
                reason: "",
                changes: serde_json::json!({"deadline": facts.deadline}),
            },
        )
        .await?;
        notify(
            &mut tx,
            Recipient::Graduate(g.id),
            "invitation_received",
            "收到签约邀请",
            &format!(
                "{}向您发出签约邀请，请在{}前应约。",
                employer.name,
                format_shanghai(facts.deadline)
            ),
            Some(id),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Runs one signing event on an item through the step driver.
    async fn signing_action(
        &self,
        actor: &Actor,
        id: i64,
        event: SigningEvent,
        expected_version: Option<i64>,
        now: Timestamp,
    ) -> Result<Item> {
        self.drive(&SigningStep(event), actor, id, expected_version, now)
            .await
    }

    /// R-SIGN-02/03/10: the graduate accepts before the deadline.
    pub async fn accept_invitation(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        self.signing_action(actor, id, SigningEvent::Accept, None, now)
            .await
            .map(|_| ())
    }

    /// R-SIGN-02/03: the graduate rejects before the deadline.
    pub async fn reject_invitation(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        self.signing_action(actor, id, SigningEvent::Reject, None, now)
            .await
            .map(|_| ())
    }

    /// The employer withdraws a pending invitation.
    pub async fn withdraw_invitation(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        self.signing_action(actor, id, SigningEvent::Withdraw, None, now)
            .await
            .map(|_| ())
    }

    pub(crate) async fn review_signing(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        d: crate::workflow::ReviewDecision,
        now: Timestamp,
    ) -> Result<()> {
        self.signing_action(
            actor,
            id,
            SigningEvent::Review(d),
            Some(expected_version),
            now,
        )
        .await
        .map(|_| ())
    }

    /// R-SIGN-02 + R-NOTE-01: expires invitations whose deadline has passed and reminds graduates
    /// of those ending within 24 hours. Each expiry is its own action with its own history entry,
    /// made by [`Actor::system`] whoever started the sweep: the admin or the system (R-AUTH-07).
    /// Several servers may sweep one database at once (R-SWEEP-01): every change is conditional
    /// (an expiry on the item's version, a reminder on `reminded = 0`), so one of them acts on an
    /// item and the others find nothing left to do; counters that no longer count are pruned
    /// (R-VERIFY-03, R-AUTH-05).
    /// Expired staged uploads are removed first (R-UPLOAD-03).
    pub async fn sweep(&self, actor: &Actor, now: Timestamp) -> Result<SweepReport> {
        actor.require(matches!(actor.role, Role::SchoolAdmin | Role::System))?;
        let mut report = SweepReport::default();
        let due: Vec<i64> = {
            let mut c = self.store.read().await?;
            crate::files::prune_staged_uploads(&mut c, now).await?;
            sqlx::query("SELECT id FROM items WHERE kind = 'signing' AND state = 'pending' AND deadline <= $1 ORDER BY id")
                .bind(now)
                .fetch_all(&mut *c)
                .await?
                .iter()
                .map(|r| r.try_get("id"))
                .collect::<std::result::Result<_, _>>()?
        };
        for id in due {
            match self
                .signing_action(&Actor::system(), id, SigningEvent::Expire, None, now)
                .await
            {
                Ok(_) => report.expired += 1,
                // Answered or withdrawn since the list was read: nothing to expire.
                Err(e)
                    if matches!(e.code, ErrorCode::InvalidState | ErrorCode::AlreadyReviewed) => {}
                Err(e) => return Err(e),
            }
        }
        let mut tx = self.store.begin().await?;
        let rows = sqlx::query("SELECT id, graduate_id, deadline FROM items WHERE kind = 'signing' AND state = 'pending' AND reminded = 0 AND deadline > $1 AND deadline <= $2")
            .bind(now)
            .bind(now.saturating_add(24 * 3600))
            .fetch_all(tx.conn())
            .await?;
        for r in rows {
            let (id, gid, deadline): (i64, i64, Option<i64>) = (
                r.try_get("id")?,
                r.try_get("graduate_id")?,
                r.try_get("deadline")?,
            );
            let claimed = sqlx::query(
                "UPDATE items SET reminded = 1 WHERE id = $1 AND reminded = 0 AND state = 'pending'",
            )
            .bind(id)
            .execute(tx.conn())
            .await?;
            // Another sweep reminded (or the item moved on) since the list was read.
            if claimed.rows_affected() != 1 {
                continue;
            }
            notify(
                &mut tx,
                Recipient::Graduate(gid),
                "invitation_expiring",
                "签约邀请即将截止",
                &format!(
                    "您有一份签约邀请将于{}截止，请及时应约。",
                    format_shanghai(deadline.unwrap_or(now))
                ),
                Some(id),
                now,
            )
            .await?;
            report.reminded += 1;
        }
        crate::throttle::prune(tx.conn(), now).await?;
        tx.commit().await?;
        // R-AUDIT-04: every sweep seals what changed since the last one.
        self.seal().await?;
        Ok(report)
    }
}

async fn find_graduate(c: &mut AnyConnection, lookup: &GraduateLookup) -> Result<Graduate> {
    let not_found = || {
        DomainError::new(
            ErrorCode::NotFound,
            "未找到该毕业生，请核对姓名和证件号（或学号）",
            "No graduate found with that name and ID number (or student number)",
        )
    };
    let row = match lookup {
        GraduateLookup::IdNumber { name, id_number } => {
            let id = IdNumber::parse(id_number)?;
            let name = PersonName::parse(name)?;
            sqlx::query(&format!(
                "{GRADUATE_SELECT} WHERE g.id_number = $1 AND g.name = $2 ORDER BY g.cohort DESC"
            ))
            .bind(id.as_str())
            .bind(name.as_str())
            .fetch_optional(c)
            .await?
        }
        GraduateLookup::StudentNumber {
            name,
            student_number,
        } => {
            let name = PersonName::parse(name)?;
            sqlx::query(&format!("{GRADUATE_SELECT} WHERE g.student_number = $1 AND g.name = $2 ORDER BY g.cohort DESC")).bind(student_number.trim()).bind(name.as_str()).fetch_optional(c).await?
        }
    };
    match row {
        Some(r) => crate::engine::graduate_from_row(&r),
        None => Err(not_found()),
    }
}
