//! Offline signing 申请就业协议线下签约 (R-OFFSIGN): the application, its two reviews along the
//! cohort's chain, the issued agreement to print and the stamped pages uploaded back.

use crate::actions::registrations::PaperInput;
use crate::actions::steps::ItemWorkflow;
use crate::audit::Entry;
use crate::engine::{
    item_subject, load_cohort, load_graduate, record, save_item, standing, Engine, Graduate, Item,
    NewItem,
};
use crate::error::{DomainError, Result};
use crate::files::{PreparedFiles, Upload, UploadField, UploadPurpose};
use crate::model::{ItemKind, OfflineSigningPayload, StampedPage};
use crate::store::Tx;
use crate::time::Timestamp;
use crate::workflow::offline_signing::{
    self, OfflineSigningEvent, OfflineSigningFacts, OfflineSigningState,
};
use crate::workflow::{Actor, ReviewDecision, Role, Step};

/// What the graduate fills in for an offline signing: the employer and the terms (R-AGR-01),
/// as for a paper registration.
pub type OfflineSigningInput = PaperInput;

pub(crate) fn offline_signing_state(it: &Item) -> Result<OfflineSigningState> {
    OfflineSigningState::from_parts(&it.state, usize::try_from(it.step).unwrap_or(0))
        .ok_or_else(|| DomainError::internal("offline_signing_state"))
}

fn not_found() -> DomainError {
    DomainError::not_found("线下签约申请", "Offline signing")
}

impl Engine {
    /// R-OFFSIGN-01: the graduate applies with the employer's details and the agreement terms;
    /// the application is submitted at once and awaits 协议审核.
    pub async fn apply_offline_signing(
        &self,
        actor: &Actor,
        input: &OfflineSigningInput,
        now: Timestamp,
    ) -> Result<i64> {
        let employer = input.employer.validate()?;
        let terms = input.terms.validate()?;
        let gid = actor
            .graduate_id
            .filter(|_| actor.role == Role::Graduate)
            .ok_or_else(DomainError::forbidden)?;
        let mut tx = self.store.begin().await?;
        // R-ONE-02: no other write on this graduate between the standing and the commit.
        crate::engine::lock_graduate(&mut tx, gid).await?;
        let g = load_graduate(tx.conn(), gid).await?;
        let facts = OfflineSigningFacts {
            graduate_id: g.id,
            department_id: g.department_id,
            chain: load_cohort(tx.conn(), g.cohort).await?.chain,
            graduate: standing(tx.conn(), &g, actor, None, now).await?,
        };
        let state = offline_signing::apply(actor, &facts)?;
        let payload = serde_json::to_string(&OfflineSigningPayload {
            employer,
            terms,
            pages: Vec::new(),
        })?;
        let id = crate::engine::insert_item(
            &mut tx,
            &NewItem {
                kind: ItemKind::OfflineSigning,
                graduate: g,
                employer_id: None,
                parent_id: None,
                state: state.name().into(),
                chain: facts.chain,
                dest_code: "10".into(),
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
                action: "apply",
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

    /// Edits a returned or withdrawn application (then submit it again).
    pub async fn edit_offline_signing(
        &self,
        actor: &Actor,
        id: i64,
        input: &OfflineSigningInput,
        now: Timestamp,
    ) -> Result<()> {
        let employer = input.employer.validate()?;
        let terms = input.terms.validate()?;
        let payload = serde_json::to_string(&OfflineSigningPayload {
            employer,
            terms,
            pages: Vec::new(),
        })?;
        self.offline_signing_action(
            actor,
            id,
            OfflineSigningEvent::Edit,
            None,
            Some(payload),
            &PreparedFiles::default(),
            now,
        )
        .await
    }

    /// Submits a returned or withdrawn application again; it starts at the first level of the
    /// chain in force now.
    pub async fn submit_offline_signing(
        &self,
        actor: &Actor,
        id: i64,
        now: Timestamp,
    ) -> Result<()> {
        self.offline_signing_action(
            actor,
            id,
            OfflineSigningEvent::Submit,
            None,
            None,
            &PreparedFiles::default(),
            now,
        )
        .await
    }

    /// 撤回: withdraws an application no reviewer has acted on yet.
    pub async fn withdraw_offline_signing(
        &self,
        actor: &Actor,
        id: i64,
        now: Timestamp,
    ) -> Result<()> {
        self.offline_signing_action(
            actor,
            id,
            OfflineSigningEvent::Withdraw,
            None,
            None,
            &PreparedFiles::default(),
            now,
        )
        .await
    }

    /// R-OFFSIGN-08: gives up an issued agreement before the stamped pages are accepted.
    pub async fn cancel_offline_signing(
        &self,
        actor: &Actor,
        id: i64,
        now: Timestamp,
    ) -> Result<()> {
        self.offline_signing_action(
            actor,
            id,
            OfflineSigningEvent::Cancel,
            None,
            None,
            &PreparedFiles::default(),
            now,
        )
        .await
    }

    /// R-OFFSIGN-04 回传: the photos of the stamped pages, each compressed (R-SCAN) and its QR
    /// code read; a page of another agreement or with another hash refuses the upload (nothing
    /// stored), a page without a readable QR is kept and flagged for the reviewer.
    pub async fn upload_stamped_pages(
        &self,
        actor: &Actor,
        id: i64,
        pages: &[Upload],
        now: Timestamp,
    ) -> Result<()> {
        let files = self
            .prepare_uploads_for(
                Some(actor),
                pages,
                true,
                UploadField::List("pages"),
                UploadPurpose::StampedPage,
                now,
            )
            .await?;
        self.offline_signing_action(
            actor,
            id,
            OfflineSigningEvent::UploadStamped,
            None,
            None,
            &files,
            now,
        )
        .await
    }

    pub(crate) async fn review_offline_signing(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        d: ReviewDecision,
        now: Timestamp,
    ) -> Result<()> {
        self.offline_signing_action(
            actor,
            id,
            OfflineSigningEvent::Review(d),
            Some(expected_version),
            None,
            &PreparedFiles::default(),
            now,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn offline_signing_action(
        &self,
        actor: &Actor,
        id: i64,
        event: OfflineSigningEvent,
        expected_version: Option<i64>,
        new_payload: Option<String>,
        files: &PreparedFiles,
        now: Timestamp,
    ) -> Result<()> {
        let flow = OfflineSigningStep {
            event,
            new_payload,
            files,
        };
        self.drive(&flow, actor, id, expected_version, now)
            .await
            .map(|_| ())
    }

    /// R-OFFSIGN-06: the cascade of an approved offline termination of a signed offline
    /// agreement.
    pub(crate) async fn terminate_offline_agreement(
        &self,
        tx: &mut Tx,
        agreement: &mut Item,
        now: Timestamp,
    ) -> Result<serde_json::Value> {
        let from = offline_signing_state(agreement)?;
        let f = OfflineSigningFacts {
            graduate_id: agreement.graduate_id,
            department_id: agreement.department_id,
            chain: agreement.chain,
            graduate: Default::default(),
        };
        let next = offline_signing::transition(
            from,
            &OfflineSigningEvent::Terminate,
            &Actor::system(),
            &f,
            now,
        )?;
        let version = agreement.version;
        agreement.state = next.name().into();
        agreement.updated_at = now;
        save_item(tx, agreement, version).await?;
        Ok(
            serde_json::json!({ "terminated": { "item_id": agreement.id, "from": from.name(), "to": next.name() } }),
        )
    }
}

/// An offline signing event as a step of the step driver; `new_payload` is an edit's new
/// application, `files` the stamped pages of an upload.
struct OfflineSigningStep<'a> {
    event: OfflineSigningEvent,
    new_payload: Option<String>,
    files: &'a PreparedFiles,
}

impl ItemWorkflow for OfflineSigningStep<'_> {
    type State = OfflineSigningState;
    type Facts = OfflineSigningFacts;

    fn accepts(kind: ItemKind) -> bool {
        kind == ItemKind::OfflineSigning
    }

    fn not_found() -> DomainError {
        not_found()
    }

    async fn facts(
        &self,
        _engine: &Engine,
        tx: &mut Tx,
        it: &Item,
        g: &Graduate,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<OfflineSigningFacts> {
        Ok(OfflineSigningFacts {
            graduate_id: g.id,
            department_id: it.department_id,
            chain: it.chain,
            graduate: standing(tx.conn(), g, actor, Some(it.id), now).await?,
        })
    }

    fn step(
        &self,
        from: OfflineSigningState,
        actor: &Actor,
        f: &OfflineSigningFacts,
        _g: &Graduate,
        now: Timestamp,
    ) -> Result<Step<OfflineSigningState>> {
        offline_signing::step(from, &self.event, actor, f, now)
    }

    async fn apply(
        &self,
        engine: &Engine,
        tx: &mut Tx,
        it: &mut Item,
        g: &Graduate,
        _f: &OfflineSigningFacts,
        step: &Step<OfflineSigningState>,
        now: Timestamp,
    ) -> Result<serde_json::Value> {
        let mut changes = serde_json::Value::Null;
        if let Some(payload) = &self.new_payload {
            changes = serde_json::json!({ "before": serde_json::from_str::<serde_json::Value>(&it.payload)?, "after": serde_json::from_str::<serde_json::Value>(payload)? });
            it.payload = payload.clone();
        }
        match self.event {
            OfflineSigningEvent::Submit | OfflineSigningEvent::UploadStamped => {
                // A submission (of the application, or of the stamped pages for 签约审核)
                // starts at the first level of the chain in force now.
                it.chain = load_cohort(tx.conn(), g.cohort).await?.chain;
                it.submitted_at = now;
            }
            _ => {}
        }
        if self.event == OfflineSigningEvent::UploadStamped {
            let (Some(code), Some(hash)) = (&it.verification_code, &it.snapshot_hash) else {
                return Err(DomainError::internal("offline_signing_not_issued"));
            };
            let mut pages = Vec::with_capacity(self.files.refs.len());
            for (index, file) in self.files.refs.iter().enumerate() {
                let read = file.qr.as_ref().map(|q| (q.code.as_str(), q.hash.as_str()));
                let qr = offline_signing::check_page(index + 1, read, code, hash)?;
                pages.push(StampedPage {
                    file: file.clone(),
                    qr,
                });
            }
            self.files.save(tx, now).await?;
            let mut payload: OfflineSigningPayload = serde_json::from_str(&it.payload)?;
            changes = serde_json::json!({
                "pages": pages.iter().map(|p| serde_json::json!({ "hash": p.file.hash, "qr": p.qr })).collect::<Vec<_>>()
            });
            payload.pages = pages;
            it.payload = serde_json::to_string(&payload)?;
        }
        if step.next == OfflineSigningState::ApprovedForPrint {
            let payload: OfflineSigningPayload = serde_json::from_str(&it.payload)?;
            changes = engine
                .freeze_agreement(tx, it, g, payload.employer, payload.terms)
                .await?;
        }
        Ok(changes)
    }
}
