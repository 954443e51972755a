//! Paper agreement registration (R-PAPER), other destinations (R-DEST) and offline termination
//! (R-OFF): created by the graduate, reviewed along the cohort's chain.

use crate::actions::agreements::next_agreement_number;
use crate::actions::steps::ItemWorkflow;
use crate::audit::Entry;
use crate::engine::{
    item_subject, load_cohort, load_graduate, load_item, record, save_item, standing, Engine,
    Graduate, Item, NewItem,
};
use crate::error::{DomainError, ErrorCode, Result};
use crate::files::{PreparedFiles, Upload, UploadField};
use crate::model::{
    validate_reason, AgreementTerms, DestinationPayload, EmployerDetails, ItemKind,
    OfflineTerminationPayload, PaperPayload,
};
use crate::reference::{destination_type, validate_fields};
use crate::store::Tx;
use crate::time::Timestamp;
use crate::workflow::registration::{
    self, RegistrationEvent, RegistrationFacts, RegistrationKind, RegistrationState,
};
use crate::workflow::{Actor, ReviewDecision, Role, Step};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// A paper agreement's details (R-PAPER-01, the fields of R-AGR-01).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaperInput {
    pub employer: EmployerDetails,
    pub terms: AgreementTerms,
}

/// An other destination (R-DEST-01).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DestinationInput {
    pub type_id: String,
    pub fields: BTreeMap<String, String>,
}

fn kind_of(k: ItemKind) -> Option<RegistrationKind> {
    match k {
        ItemKind::Paper => Some(RegistrationKind::Paper),
        ItemKind::Destination => Some(RegistrationKind::Destination),
        ItemKind::OfflineTermination => Some(RegistrationKind::OfflineTermination),
        _ => None,
    }
}

pub(crate) fn registration_state(it: &Item) -> Result<RegistrationState> {
    RegistrationState::from_parts(&it.state, usize::try_from(it.step).unwrap_or(0))
        .ok_or_else(|| DomainError::internal("registration_state"))
}

async fn own_graduate(c: &mut AnyConnection, actor: &Actor) -> Result<Graduate> {
    let gid = actor
        .graduate_id
        .filter(|_| actor.role == Role::Graduate)
        .ok_or_else(DomainError::forbidden)?;
    load_graduate(c, gid).await
}

/// Validates a destination against its type and the graduate's training mode (R-DEST-05).
fn checked_destination(
    g: &Graduate,
    input: &DestinationInput,
) -> Result<(String, BTreeMap<String, String>)> {
    let t = destination_type(&input.type_id)?;
    if t.directed_only != g.is_directed() {
        return Err(if g.is_directed() {
            crate::workflow::signing::directed()
        } else {
            DomainError::field(
                "type",
                "只有定向/委培毕业生可选择该类型",
                "Only directed or commissioned graduates can choose this type",
            )
        });
    }
    let mut fields = input.fields.clone();
    if t.directed_only {
        // The unit comes from basic info (REFERENCE.md), not from the graduate's typing.
        fields.remove("unit");
    }
    Ok((t.code.clone(), validate_fields(t, &fields)?))
}

impl Engine {
    /// R-PAPER-01: a draft paper registration with scans of the stamped agreement.
    pub async fn create_paper(
        &self,
        actor: &Actor,
        input: &PaperInput,
        scans: &[Upload],
        now: Timestamp,
    ) -> Result<i64> {
        let employer = input.employer.validate()?;
        let terms = input.terms.validate()?;
        let files = self
            .prepare_uploads(Some(actor), scans, true, UploadField::List("scans"), now)
            .await?;
        let payload = serde_json::to_string(&PaperPayload {
            employer,
            terms,
            scans: files.refs.clone(),
        })?;
        self.create_registration(
            actor,
            ItemKind::Paper,
            "10".into(),
            payload,
            None,
            &files,
            now,
        )
        .await
    }

    /// R-DEST-01: a draft other-destination registration with its type's fields and proof.
    pub async fn create_destination(
        &self,
        actor: &Actor,
        input: &DestinationInput,
        proofs: &[Upload],
        now: Timestamp,
    ) -> Result<i64> {
        let g = {
            let mut c = self.store.read().await?;
            own_graduate(&mut c, actor).await?
        };
        let (code, fields) = checked_destination(&g, input)?;
        let t = destination_type(&input.type_id)?;
        let files = self
            .prepare_uploads(
                Some(actor),
                proofs,
                t.proof_required,
                UploadField::List("proofs"),
                now,
            )
            .await?;
        let payload = serde_json::to_string(&DestinationPayload {
            type_id: t.id.clone(),
            fields,
            proofs: files.refs.clone(),
        })?;
        self.create_registration(
            actor,
            ItemKind::Destination,
            code,
            payload,
            None,
            &files,
            now,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn create_registration(
        &self,
        actor: &Actor,
        kind: ItemKind,
        dest_code: String,
        payload: String,
        parent: Option<i64>,
        files: &PreparedFiles,
        now: Timestamp,
    ) -> Result<i64> {
        let mut tx = self.store.begin().await?;
        if let Some(id) = actor.graduate_id {
            // R-ONE-02: no other write on this graduate between the standing and the commit.
            crate::engine::lock_graduate(&mut tx, id).await?;
        }
        let g = own_graduate(tx.conn(), actor).await?;
        let st = standing(tx.conn(), &g, actor, None, now).await?;
        st.require_can_act()?;
        if kind == ItemKind::Paper && g.is_directed() {
            return Err(crate::workflow::signing::directed());
        }
        let cohort = load_cohort(tx.conn(), g.cohort).await?;
        let state = if kind == ItemKind::OfflineTermination {
            RegistrationState::Submitted
        } else {
            RegistrationState::Draft
        };
        files.save(&mut tx, now).await?;
        let id = crate::engine::insert_item(
            &mut tx,
            &NewItem {
                kind,
                graduate: g.clone(),
                employer_id: None,
                parent_id: parent,
                state: state.name().into(),
                chain: cohort.chain,
                dest_code,
                deadline: None,
                payload,
                submitted_at: if state == RegistrationState::Submitted {
                    now
                } else {
                    0
                },
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
                action: "create",
                level: "",
                from_state: "",
                to_state: state.name(),
                reason: "",
                changes: serde_json::Value::Null,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Runs one registration event through the step driver; `new_payload` replaces the payload
    /// (edits).
    #[allow(clippy::too_many_arguments)]
    async fn registration_action(
        &self,
        actor: &Actor,
        id: i64,
        event: RegistrationEvent,
        expected_version: Option<i64>,
        new_payload: Option<(String, String)>,
        files: &PreparedFiles,
        now: Timestamp,
    ) -> Result<Item> {
        let flow = RegistrationStep {
            event,
            new_payload,
            files,
        };
        self.drive(&flow, actor, id, expected_version, now).await
    }

    /// R-OFF: the parent must be an approved paper registration or a signed offline agreement
    /// (R-OFFSIGN-06) of the same graduate with no other open offline termination.
    async fn check_offline_parent(&self, c: &mut AnyConnection, it: &Item) -> Result<()> {
        let parent_id = it
            .parent_id
            .ok_or_else(|| DomainError::internal("offline_parent"))?;
        let parent = load_item(&mut *c, parent_id).await?;
        let terminable = match parent.kind {
            ItemKind::Paper => parent.state == "approved",
            ItemKind::OfflineSigning => parent.state == "signed",
            _ => false,
        };
        if !terminable || parent.graduate_id != it.graduate_id {
            return Err(DomainError::new(
                ErrorCode::InvalidState,
                "只有已生效的纸质协议或线下签约协议可以申请线下解约",
                "Only an approved paper agreement or a signed offline agreement can be terminated offline",
            ));
        }
        let open: i64 = sqlx::query("SELECT COUNT(*) AS n FROM items WHERE kind = 'offline_termination' AND parent_id = $1 AND id <> $2 AND state IN ('submitted', 'under_review', 'returned')")
            .bind(parent_id)
            .bind(it.id)
            .fetch_one(c)
            .await
            .and_then(|r| sqlx::Row::try_get(&r, "n"))?;
        if open > 0 {
            return Err(DomainError::new(
                ErrorCode::OpenTermination,
                "该协议已有进行中的解约申请",
                "This agreement already has an open termination request",
            ));
        }
        Ok(())
    }

    /// R-OFF-02: an approved offline termination terminates its paper agreement (or its signed
    /// offline agreement, R-OFFSIGN-06).
    async fn terminate_parent(
        &self,
        tx: &mut crate::store::Tx,
        it: &Item,
        now: Timestamp,
    ) -> Result<serde_json::Value> {
        let parent_id = it
            .parent_id
            .ok_or_else(|| DomainError::internal("offline_parent"))?;
        let mut parent = load_item(tx.conn(), parent_id).await?;
        if parent.kind == ItemKind::OfflineSigning {
            return self.terminate_offline_agreement(tx, &mut parent, now).await;
        }
        let from = registration_state(&parent)?;
        let g = load_graduate(tx.conn(), parent.graduate_id).await?;
        let f = RegistrationFacts {
            kind: RegistrationKind::Paper,
            graduate_id: g.id,
            department_id: parent.department_id,
            chain: parent.chain,
            graduate: Default::default(),
        };
        let next = registration::transition(
            from,
            &RegistrationEvent::Terminate,
            &Actor::system(),
            &f,
            now,
        )?;
        let version = parent.version;
        parent.state = next.name().into();
        parent.updated_at = now;
        save_item(tx, &parent, version).await?;
        Ok(
            serde_json::json!({ "terminated": { "item_id": parent_id, "from": from.name(), "to": next.name() } }),
        )
    }

    /// R-PAPER-02: edit a draft or returned paper registration (scans replaced when given).
    pub async fn edit_paper(
        &self,
        actor: &Actor,
        id: i64,
        input: &PaperInput,
        scans: Option<&[Upload]>,
        now: Timestamp,
    ) -> Result<()> {
        let employer = input.employer.validate()?;
        let terms = input.terms.validate()?;
        let current: PaperPayload = {
            let mut c = self.store.read().await?;
            let it = load_item(&mut c, id).await?;
            if it.kind != ItemKind::Paper {
                return Err(DomainError::not_found("登记", "Registration"));
            }
            serde_json::from_str(&it.payload)?
        };
        let files = match scans {
            Some(s) => {
                self.prepare_uploads(Some(actor), s, true, UploadField::List("scans"), now)
                    .await?
            }
            None => PreparedFiles::kept(current.scans),
        };
        let payload = serde_json::to_string(&PaperPayload {
            employer,
            terms,
            scans: files.refs.clone(),
        })?;
        self.registration_action(
            actor,
            id,
            RegistrationEvent::Edit,
            None,
            Some(("10".into(), payload)),
            &files,
            now,
        )
        .await?;
        Ok(())
    }

    /// R-DEST-01: edit a draft or returned destination (proofs replaced when given).
    pub async fn edit_destination(
        &self,
        actor: &Actor,
        id: i64,
        input: &DestinationInput,
        proofs: Option<&[Upload]>,
        now: Timestamp,
    ) -> Result<()> {
        self.change_destination(actor, id, None, input, proofs, RegistrationEvent::Edit, now)
            .await
    }

    /// R-DEST-03: a reviewer at the current level changes the type and fields during review; the
    /// change is kept (before/after) and the graduate notified in the app, by SMS and WeChat.
    pub async fn reviewer_edit_destination(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        input: &DestinationInput,
        now: Timestamp,
    ) -> Result<()> {
        self.change_destination(
            actor,
            id,
            Some(expected_version),
            input,
            None,
            RegistrationEvent::ReviewerEdit,
            now,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn change_destination(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: Option<i64>,
        input: &DestinationInput,
        proofs: Option<&[Upload]>,
        event: RegistrationEvent,
        now: Timestamp,
    ) -> Result<()> {
        let (g, current) = {
            let mut c = self.store.read().await?;
            let it = load_item(&mut c, id).await?;
            if it.kind != ItemKind::Destination {
                return Err(DomainError::not_found("登记", "Registration"));
            }
            let current: DestinationPayload = serde_json::from_str(&it.payload)?;
            (load_graduate(&mut c, it.graduate_id).await?, current)
        };
        let (code, fields) = checked_destination(&g, input)?;
        let t = destination_type(&input.type_id)?;
        let files = match proofs {
            Some(p) => {
                self.prepare_uploads(
                    Some(actor),
                    p,
                    t.proof_required,
                    UploadField::List("proofs"),
                    now,
                )
                .await?
            }
            None => PreparedFiles::kept(current.proofs),
        };
        let payload = serde_json::to_string(&DestinationPayload {
            type_id: t.id.clone(),
            fields,
            proofs: files.refs.clone(),
        })?;
        self.registration_action(
            actor,
            id,
            event,
            expected_version,
            Some((code, payload)),
            &files,
            now,
        )
        .await?;
        Ok(())
    }

    /// Submits (or resubmits after a return) a registration.
    pub async fn submit_registration(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        self.registration_action(
            actor,
            id,
            RegistrationEvent::Submit,
            None,
            None,
            &PreparedFiles::default(),
            now,
        )
        .await
        .map(|_| ())
    }

    /// R-PAPER-02 / R-DEST-01 / R-OFF: withdraws before any reviewer has acted.
    pub async fn withdraw_registration(
        &self,
        actor: &Actor,
        id: i64,
        now: Timestamp,
    ) -> Result<()> {
        self.registration_action(
            actor,
            id,
            RegistrationEvent::Withdraw,
            None,
            None,
            &PreparedFiles::default(),
            now,
        )
        .await
        .map(|_| ())
    }

    /// R-DEST-04: voids an approved destination at once, without review.
    pub async fn void_destination(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        self.registration_action(
            actor,
            id,
            RegistrationEvent::Void,
            None,
            None,
            &PreparedFiles::default(),
            now,
        )
        .await
        .map(|_| ())
    }

    pub(crate) async fn review_registration(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        d: ReviewDecision,
        now: Timestamp,
    ) -> Result<()> {
        self.registration_action(
            actor,
            id,
            RegistrationEvent::Review(d),
            Some(expected_version),
            None,
            &PreparedFiles::default(),
            now,
        )
        .await
        .map(|_| ())
    }

    /// R-OFF-01: the graduate asks the school to terminate an approved paper agreement, with a
    /// reason, an explanation (≤ 200 characters) and scans of the termination letter.
    pub async fn request_offline_termination(
        &self,
        actor: &Actor,
        agreement_id: i64,
        reason: &str,
        explanation: &str,
        scans: &[Upload],
        now: Timestamp,
    ) -> Result<i64> {
        let (reason, explanation) = validate_reason(reason, explanation, true)?;
        let files = self
            .prepare_uploads(Some(actor), scans, true, UploadField::List("scans"), now)
            .await?;
        {
            let mut c = self.store.read().await?;
            let parent = load_item(&mut c, agreement_id).await?;
            if !actor.is_graduate(parent.graduate_id) {
                return Err(DomainError::not_found("协议", "Agreement"));
            }
        }
        let payload = serde_json::to_string(&OfflineTerminationPayload {
            reason,
            explanation,
            scans: files.refs.clone(),
        })?;
        let mut tx = self.store.begin().await?;
        let mut parent = load_item(tx.conn(), agreement_id).await?;
        if crate::engine::lock_graduate(&mut tx, parent.graduate_id).await? {
            parent = load_item(tx.conn(), agreement_id).await?;
        }
        let probe = Item {
            id: -1,
            parent_id: Some(agreement_id),
            ..parent.clone()
        };
        self.check_offline_parent(tx.conn(), &probe).await?;
        let g = load_graduate(tx.conn(), parent.graduate_id).await?;
        standing(tx.conn(), &g, actor, None, now)
            .await?
            .require_can_act()?;
        let cohort = load_cohort(tx.conn(), g.cohort).await?;
        files.save(&mut tx, now).await?;
        let id = crate::engine::insert_item(
            &mut tx,
            &NewItem {
                kind: ItemKind::OfflineTermination,
                graduate: g,
                employer_id: None,
                parent_id: Some(agreement_id),
                state: "submitted".into(),
                chain: cohort.chain,
                dest_code: String::new(),
                deadline: None,
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
                action: "request",
                level: "",
                from_state: "",
                to_state: "submitted",
                reason: "",
                changes: serde_json::json!({"agreement_item": agreement_id}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// R-OFF-02: edits a returned offline termination (then resubmit).
    pub async fn edit_offline_termination(
        &self,
        actor: &Actor,
        id: i64,
        reason: &str,
        explanation: &str,
        scans: Option<&[Upload]>,
        now: Timestamp,
    ) -> Result<()> {
        let (reason, explanation) = validate_reason(reason, explanation, true)?;
        let current: OfflineTerminationPayload = {
            let mut c = self.store.read().await?;
            let it = load_item(&mut c, id).await?;
            if it.kind != ItemKind::OfflineTermination {
                return Err(DomainError::not_found("解约申请", "Termination request"));
            }
            serde_json::from_str(&it.payload)?
        };
        let files = match scans {
            Some(s) => {
                self.prepare_uploads(Some(actor), s, true, UploadField::List("scans"), now)
                    .await?
            }
            None => PreparedFiles::kept(current.scans),
        };
        let payload = serde_json::to_string(&OfflineTerminationPayload {
            reason,
            explanation,
            scans: files.refs.clone(),
        })?;
        self.registration_action(
            actor,
            id,
            RegistrationEvent::Edit,
            None,
            Some((String::new(), payload)),
            &files,
            now,
        )
        .await?;
        Ok(())
    }
}

/// A registration event as a step of the step driver; `new_payload` (dest code, payload) and
/// `files` are an edit's new contents.
struct RegistrationStep<'a> {
    event: RegistrationEvent,
    new_payload: Option<(String, String)>,
    files: &'a PreparedFiles,
}

impl ItemWorkflow for RegistrationStep<'_> {
    type State = RegistrationState;
    type Facts = RegistrationFacts;

    fn accepts(kind: ItemKind) -> bool {
        kind_of(kind).is_some()
    }

    fn not_found() -> DomainError {
        DomainError::not_found("登记", "Registration")
    }

    async fn facts(
        &self,
        engine: &Engine,
        tx: &mut Tx,
        it: &Item,
        g: &Graduate,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<RegistrationFacts> {
        let kind = kind_of(it.kind).ok_or_else(Self::not_found)?;
        let graduate = standing(tx.conn(), g, actor, Some(it.id), now).await?;
        if self.event == RegistrationEvent::Submit && kind == RegistrationKind::OfflineTermination {
            engine.check_offline_parent(tx.conn(), it).await?;
        }
        Ok(RegistrationFacts {
            kind,
            graduate_id: g.id,
            department_id: it.department_id,
            chain: it.chain,
            graduate,
        })
    }

    fn step(
        &self,
        from: RegistrationState,
        actor: &Actor,
        f: &RegistrationFacts,
        _g: &Graduate,
        now: Timestamp,
    ) -> Result<Step<RegistrationState>> {
        registration::step(from, &self.event, actor, f, now)
    }

    async fn apply(
        &self,
        engine: &Engine,
        tx: &mut Tx,
        it: &mut Item,
        g: &Graduate,
        f: &RegistrationFacts,
        step: &Step<RegistrationState>,
        now: Timestamp,
    ) -> Result<serde_json::Value> {
        let mut changes = serde_json::Value::Null;
        if let Some((code, payload)) = &self.new_payload {
            changes = serde_json::json!({ "before": serde_json::from_str::<serde_json::Value>(&it.payload)?, "after": serde_json::from_str::<serde_json::Value>(payload)? });
            it.payload = payload.clone();
            it.dest_code = code.clone();
            self.files.save(tx, now).await?;
        }
        if self.event == RegistrationEvent::Submit {
            // A (re)submission starts at the first level of the chain in force now.
            it.chain = load_cohort(tx.conn(), g.cohort).await?.chain;
            it.submitted_at = now;
        }
        if step.next == RegistrationState::Approved {
            match f.kind {
                RegistrationKind::Paper => {
                    let number = next_agreement_number(tx, it.cohort, &it.education_level).await?;
                    it.agreement_number = Some(number.clone());
                    changes = serde_json::json!({ "agreement_number": number });
                }
                RegistrationKind::OfflineTermination => {
                    changes = engine.terminate_parent(tx, it, now).await?
                }
                RegistrationKind::Destination => {}
            }
        }
        Ok(changes)
    }
}
