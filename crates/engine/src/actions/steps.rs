//! The one step driver of the item workflows (signing, termination, registrations): inside one
//! write transaction it loads the item, checks the version the actor saw, reads the graduate and
//! the workflow's facts, parses the item's state once, runs the workflow's pure step (next state,
//! history line, notices), lets the workflow apply what the new state implies (a signed
//! agreement's number and snapshot, a cascade to the parent), saves the item with the conditional
//! update (`WHERE id = $ AND version = $`: zero rows means someone acted first, R-REV-02), writes
//! the one history entry (R-AUDIT-01) and the notices, and commits.

use crate::actions::signing::check_own_cohort;
use crate::audit::{self, Entry};
use crate::engine::{
    item_subject, load_graduate, load_item, notify, notify_school_change, save_item, Engine,
    Graduate, Item, Recipient,
};
use crate::error::{DomainError, Result};
use crate::model::ItemKind;
use crate::store::Tx;
use crate::time::Timestamp;
use crate::workflow::{Actor, Addressee, NoticeBody, Step, WorkflowState};

/// One workflow's part in a step: which items it moves, the facts it reads, its pure step and
/// what the new state implies beyond the item's state.
pub(crate) trait ItemWorkflow {
    type State: WorkflowState;
    type Facts;

    /// Whether this workflow moves items of `kind`.
    fn accepts(kind: ItemKind) -> bool;
    /// The refusal for an item of another kind (as if it did not exist).
    fn not_found() -> DomainError;
    /// Reads the facts the rule needs, in the step's transaction, after the graduate's own-cohort
    /// check; refusals that need the store (an open request elsewhere) come from here.
    async fn facts(
        &self,
        engine: &Engine,
        tx: &mut Tx,
        it: &Item,
        g: &Graduate,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Self::Facts>;
    /// The pure step.
    fn step(
        &self,
        from: Self::State,
        actor: &Actor,
        facts: &Self::Facts,
        g: &Graduate,
        now: Timestamp,
    ) -> Result<Step<Self::State>>;
    /// Changes the new state implies (the item's other columns, other items); returns the history
    /// entry's `changes`.
    #[allow(clippy::too_many_arguments)]
    async fn apply(
        &self,
        engine: &Engine,
        tx: &mut Tx,
        it: &mut Item,
        g: &Graduate,
        facts: &Self::Facts,
        step: &Step<Self::State>,
        now: Timestamp,
    ) -> Result<serde_json::Value>;
}

impl Engine {
    /// Runs one step of `flow` on item `id`; `expected_version` is the version a reviewer saw.
    pub(crate) async fn drive<W: ItemWorkflow>(
        &self,
        flow: &W,
        actor: &Actor,
        id: i64,
        expected_version: Option<i64>,
        now: Timestamp,
    ) -> Result<Item> {
        let mut tx = self.store.begin().await?;
        let mut it = load_item(tx.conn(), id).await?;
        // R-ONE-02: the graduate first, then the item as it is once this action holds them.
        if crate::engine::lock_graduate(&mut tx, it.graduate_id).await? {
            it = load_item(tx.conn(), id).await?;
        }
        if !W::accepts(it.kind) {
            return Err(W::not_found());
        }
        if expected_version.is_some_and(|v| v != it.version) {
            return Err(DomainError::already_reviewed());
        }
        let g = load_graduate(tx.conn(), it.graduate_id).await?;
        check_own_cohort(tx.conn(), actor, &g).await?;
        let facts = flow.facts(self, &mut tx, &it, &g, actor, now).await?;
        let from = W::State::from_parts(&it.state, usize::try_from(it.step).unwrap_or(0))
            .ok_or_else(|| DomainError::internal("item_state"))?;
        let step = flow.step(from, actor, &facts, &g, now)?;
        let version = it.version;
        it.state = step.next.name().into();
        it.step = i64::try_from(step.next.step()).map_err(|_| DomainError::internal("step"))?;
        it.updated_at = now;
        let changes = flow
            .apply(self, &mut tx, &mut it, &g, &facts, &step, now)
            .await?;
        save_item(&mut tx, &it, version).await?;
        // The item's graduate is known here, so the entry goes to that scope without a look-up.
        audit::append_to(
            &mut tx,
            &audit::graduate_scope(g.id),
            &Entry {
                subject: item_subject(id),
                item_id: Some(id),
                actor,
                at: now,
                action: step.action,
                level: step.level,
                from_state: from.name(),
                to_state: step.next.name(),
                reason: &step.reason,
                changes,
            },
        )
        .await?;
        for n in &step.notices {
            let body = match &n.body {
                NoticeBody::Text(t) => t.clone(),
                NoticeBody::AroundAgreementNumber { before, after } => format!(
                    "{before}{}{after}",
                    it.agreement_number.clone().unwrap_or_default()
                ),
            };
            if n.school_change {
                notify_school_change(&mut tx, g.id, n.kind, &n.title, &body, Some(id), now).await?;
                continue;
            }
            let to = match n.to {
                Addressee::Graduate => Recipient::Graduate(g.id),
                Addressee::Employer => Recipient::Employer(it.employer_id.unwrap_or(-1)),
            };
            notify(&mut tx, to, n.kind, &n.title, &body, Some(id), now).await?;
        }
        tx.commit().await?;
        Ok(it)
    }
}
