//! Online termination of a signed agreement (R-TERM) and the review dispatch for every kind.

use crate::actions::signing::{check_own_cohort, signing_facts, signing_state};
use crate::actions::steps::ItemWorkflow;
use crate::audit::Entry;
use crate::engine::Graduate;
use crate::engine::{
    item_subject, load_cohort, load_graduate, load_item, notify, record, save_item, standing,
    Engine, Item, NewItem, Recipient,
};
use crate::error::{DomainError, ErrorCode, Result};
use crate::model::{validate_reason, ItemKind, TerminationPayload};
use crate::store::Tx;
use crate::time::Timestamp;
use crate::workflow::signing::{self, SigningEvent};
use crate::workflow::termination::{
    self, Party, TerminationEvent, TerminationFacts, TerminationState,
};
use crate::workflow::{Actor, ReviewDecision, Role, Step};
use sqlx::Row;

fn payload(it: &Item) -> Result<TerminationPayload> {
    Ok(serde_json::from_str(&it.payload)?)
}

impl Engine {
    /// R-TERM-01: either party of a signed online agreement asks to terminate it.
    pub async fn request_termination(
        &self,
        actor: &Actor,
        agreement_id: i64,
        reason: &str,
        explanation: &str,
        now: Timestamp,
    ) -> Result<i64> {
        let (reason, explanation) = validate_reason(reason, explanation, false)?;
        let mut tx = self.store.begin().await?;
        let mut agreement = load_item(tx.conn(), agreement_id).await?;
        if crate::engine::lock_graduate(&mut tx, agreement.graduate_id).await? {
            agreement = load_item(tx.conn(), agreement_id).await?;
        }
        if agreement.kind != ItemKind::Signing {
            return Err(DomainError::not_found("协议", "Agreement"));
        }
        let g = load_graduate(tx.conn(), agreement.graduate_id).await?;
        let initiator = if actor.is_graduate(g.id) {
            check_own_cohort(tx.conn(), actor, &g).await?;
            standing(tx.conn(), &g, actor, Some(agreement.id), now)
                .await?
                .require_can_act()?;
            Party::Graduate
        } else if actor.is_employer(agreement.employer_id) {
            Party::Employer
        } else {
            check_own_cohort(tx.conn(), actor, &g).await?;
            return Err(DomainError::forbidden());
        };
        if agreement.state != "signed" {
            return Err(DomainError::new(
                ErrorCode::InvalidState,
                "只有已签约（生效）的网签协议可以申请解约",
                "Only a signed online agreement can be terminated",
            ));
        }
        let open: i64 = sqlx::query("SELECT COUNT(*) AS n FROM items WHERE kind = 'termination' AND parent_id = $1 AND state IN ('awaiting_counterparty', 'under_review')")
            .bind(agreement_id)
            .fetch_one(tx.conn())
            .await?
            .try_get("n")?;
        if open > 0 {
            return Err(DomainError::new(
                ErrorCode::OpenTermination,
                "该协议已有进行中的解约申请",
                "This agreement already has an open termination request",
            ));
        }
        let cohort = load_cohort(tx.conn(), g.cohort).await?;
        let body = TerminationPayload {
            initiator,
            reason,
            explanation,
            agreement_number: agreement.agreement_number.clone().unwrap_or_default(),
        };
        let id = crate::engine::insert_item(
            &mut tx,
            &NewItem {
                kind: ItemKind::Termination,
                graduate: g.clone(),
                employer_id: agreement.employer_id,
                parent_id: Some(agreement_id),
                state: TerminationState::AwaitingCounterparty.name().into(),
                chain: cohort.chain,
                dest_code: String::new(),
                deadline: None,
                payload: serde_json::to_string(&body)?,
                submitted_at: 0,
            },
            now,
        )
        .await?;
        record(&mut tx, Entry { subject: item_subject(id), item_id: Some(id), actor, at: now, action: "request", level: "", from_state: "", to_state: "awaiting_counterparty", reason: &body.reason, changes: serde_json::json!({"agreement_item": agreement_id, "initiator": initiator}) }).await?;
        let (to, who) = match initiator {
            Party::Graduate => (
                Recipient::Employer(agreement.employer_id.unwrap_or(-1)),
                g.name.clone(),
            ),
            Party::Employer => (Recipient::Graduate(g.id), "用人单位".to_string()),
        };
        notify(
            &mut tx,
            to,
            "termination_requested",
            "收到解约申请",
            &format!(
                "{who}申请解除协议{}，原因：{}",
                body.agreement_number, body.reason
            ),
            Some(id),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn termination_action(
        &self,
        actor: &Actor,
        id: i64,
        event: TerminationEvent,
        expected_version: Option<i64>,
        now: Timestamp,
    ) -> Result<()> {
        self.drive(&TerminationStep(event), actor, id, expected_version, now)
            .await
            .map(|_| ())
    }

    /// R-TERM-02: the other party accepts (`true`) or refuses.
    pub async fn answer_termination(
        &self,
        actor: &Actor,
        id: i64,
        accept: bool,
        now: Timestamp,
    ) -> Result<()> {
        self.termination_action(
            actor,
            id,
            if accept {
                TerminationEvent::Accept
            } else {
                TerminationEvent::Refuse
            },
            None,
            now,
        )
        .await
    }

    /// The initiator cancels while the counterparty has not answered.
    pub async fn cancel_termination(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        self.termination_action(actor, id, TerminationEvent::Cancel, None, now)
            .await
    }

    /// R-REV: a reviewer decides on any reviewed item at their level. `expected_version` is the
    /// version the reviewer saw; if another decision came first the answer is "already reviewed".
    pub async fn review(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        decision: ReviewDecision,
        now: Timestamp,
    ) -> Result<()> {
        if !matches!(actor.role, Role::DepartmentReviewer | Role::SchoolReviewer) {
            return Err(DomainError::forbidden());
        }
        let kind = {
            let mut c = self.store.read().await?;
            load_item(&mut c, id).await?.kind
        };
        match kind {
            ItemKind::Signing => {
                self.review_signing(actor, id, expected_version, decision, now)
                    .await
            }
            ItemKind::Termination => {
                self.termination_action(
                    actor,
                    id,
                    TerminationEvent::Review(decision),
                    Some(expected_version),
                    now,
                )
                .await
            }
            ItemKind::Paper | ItemKind::Destination | ItemKind::OfflineTermination => {
                self.review_registration(actor, id, expected_version, decision, now)
                    .await
            }
            ItemKind::OfflineSigning => {
                self.review_offline_signing(actor, id, expected_version, decision, now)
                    .await
            }
        }
    }
}

/// A termination event as a step of the step driver.
struct TerminationStep(TerminationEvent);

impl ItemWorkflow for TerminationStep {
    type State = TerminationState;
    type Facts = TerminationFacts;

    fn accepts(kind: ItemKind) -> bool {
        kind == ItemKind::Termination
    }

    fn not_found() -> DomainError {
        DomainError::not_found("解约申请", "Termination request")
    }

    async fn facts(
        &self,
        _engine: &Engine,
        tx: &mut Tx,
        it: &Item,
        g: &Graduate,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<TerminationFacts> {
        if actor.is_graduate(g.id)
            && matches!(
                self.0,
                TerminationEvent::Accept | TerminationEvent::Refuse | TerminationEvent::Cancel
            )
        {
            standing(tx.conn(), g, actor, None, now)
                .await?
                .require_can_act()?;
        }
        let p = payload(it)?;
        Ok(TerminationFacts {
            initiator: p.initiator,
            graduate_id: g.id,
            employer_id: it.employer_id.unwrap_or(-1),
            department_id: it.department_id,
            chain: it.chain,
        })
    }

    fn step(
        &self,
        from: TerminationState,
        actor: &Actor,
        f: &TerminationFacts,
        _g: &Graduate,
        now: Timestamp,
    ) -> Result<Step<TerminationState>> {
        termination::step(from, &self.0, actor, f, now)
    }

    async fn apply(
        &self,
        _engine: &Engine,
        tx: &mut Tx,
        it: &mut Item,
        g: &Graduate,
        _f: &TerminationFacts,
        step: &Step<TerminationState>,
        now: Timestamp,
    ) -> Result<serde_json::Value> {
        if self.0 == TerminationEvent::Accept {
            it.chain = load_cohort(tx.conn(), g.cohort).await?.chain;
            it.submitted_at = now;
        }
        if step.next != TerminationState::Approved {
            return Ok(serde_json::Value::Null);
        }
        // R-TERM-03: approval terminates the agreement in the same transaction.
        let parent_id = it
            .parent_id
            .ok_or_else(|| DomainError::internal("termination_parent"))?;
        let mut agreement = load_item(tx.conn(), parent_id).await?;
        let system = Actor::system();
        let (_, af) = signing_facts(tx.conn(), &agreement, &system, now).await?;
        let afrom = signing_state(&agreement)?;
        let anext = signing::transition(afrom, &SigningEvent::Terminate, &system, &af, now)?;
        let aversion = agreement.version;
        agreement.state = anext.name().into();
        agreement.updated_at = now;
        save_item(tx, &agreement, aversion).await?;
        Ok(
            serde_json::json!({ "terminated": { "item_id": parent_id, "from": afrom.name(), "to": anext.name() } }),
        )
    }
}
