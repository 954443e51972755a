//! The graduate's operations: their page and basic info (R-INFO, R-MOD), invitations (R-SIGN),
//! offline termination (R-OFF), paper registration (R-PAPER) and other destinations (R-DEST).
//! Each one: the signed-in actor, the engine, the mapped answer.

use base64::Engine as _;
use gradsign_engine::{
    AgreementTerms, CohortRecord, DestinationInput, EmployerDetails, GraduatePortal, ItemDetail,
    ItemKind, ItemView, PaperInput, Upload,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

use gradsign_engine::Actor;

use crate::catalog::Cx;
use crate::error::{CommandError, CommandResult};

/// A graduate's basic info (R-INFO-04).
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GraduateInfo {
    pub id: i64,
    pub cohort: i64,
    pub student_number: String,
    pub name: String,
    pub gender: String,
    /// In full: it is the graduate's own record.
    pub id_number: String,
    pub education_level: String,
    pub major: String,
    pub department: String,
    pub training_mode: String,
    pub directed_unit: String,
    pub origin: String,
    pub phone: String,
    pub email: String,
    pub confirmed_at: Option<i64>,
    /// 定向/委培 (R-DEST-05): no signing section, one destination type.
    pub directed: bool,
}

/// The cohort's settings a graduate needs.
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CohortInfo {
    pub year: i64,
    pub module_open: bool,
    pub changes_until: i64,
    pub agreement_title: String,
}

/// An item as the graduate sees it.
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ItemSummary {
    pub id: i64,
    /// signing | termination | paper | destination | offline_termination
    pub kind: String,
    pub state: String,
    /// department | school, while in review.
    pub awaiting_level: Option<String>,
    pub parent_id: Option<i64>,
    pub graduate_name: String,
    pub student_number: String,
    pub employer_name: Option<String>,
    pub dest_code: String,
    pub deadline: Option<i64>,
    pub agreement_number: Option<String>,
    pub verification_code: Option<String>,
    pub snapshot_hash: Option<String>,
    /// The kind's own record (terms, fields, file references), as the engine stores it.
    #[ts(type = "Record<string, unknown>")]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub payload: serde_json::Value,
    pub submitted_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One timeline entry (R-SIGN-06, R-REV-03).
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub seq: i64,
    pub at: i64,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub level: String,
    pub from_state: String,
    pub to_state: String,
    pub reason: String,
    /// A reviewer's edit of the destination (R-DEST-03): the record before and after, so the
    /// graduate sees what changed; none for every other entry.
    #[ts(type = "unknown")]
    #[schemars(with = "Option<serde_json::Value>")]
    pub changes: Option<serde_json::Value>,
}

/// An item with its timeline and the actions the engine allows now.
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ItemDetailView {
    pub item: ItemSummary,
    pub history: Vec<HistoryEntry>,
    pub allowed: Vec<String>,
    /// Why a view-only invitation cannot be answered (R-SIGN-03, R-SIGN-10, expiry).
    pub blocked_reason: Option<CommandError>,
}

/// The graduate's home page.
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalView {
    pub graduate: GraduateInfo,
    pub cohort: CohortInfo,
    pub school_name: String,
    pub school_contact: String,
    pub cohorts: Vec<CohortRecord>,
    pub read_only: bool,
    pub current: Option<ItemSummary>,
    /// Why the graduate may not act now; none when they may.
    pub blocked: Option<CommandError>,
}

/// A file from the UI: its name and either its bytes in base64 (`dataBase64`) or the id of an
/// upload staged before the request (`uploadId`, R-UPLOAD-03: the HTTP server's uploads route).
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadInput {
    pub name: String,
    #[ts(optional)]
    pub data_base64: Option<String>,
    #[ts(optional)]
    pub upload_id: Option<String>,
}

impl UploadInput {
    /// The engine's upload; `field` names this file in errors (`scans[1]`). Exactly one of the
    /// bytes and a staged id; a file that is not base64 names `files`, as the engine's scan
    /// errors do.
    fn into_upload(self, field: &str) -> CommandResult<Upload> {
        match (self.data_base64, self.upload_id) {
            (Some(data), None) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(data.as_bytes())
                    .map_err(|_| {
                        let mut e = CommandError::new(
                            crate::error::ErrorCode::Validation,
                            format!("文件“{}”未能读取", self.name),
                            format!("The file “{}” could not be read", self.name),
                        );
                        e.details = serde_json::json!({ "field": "files" });
                        e
                    })?;
                Ok(Upload::Bytes {
                    name: self.name,
                    bytes,
                })
            }
            (None, Some(id)) => Ok(Upload::Staged {
                name: self.name,
                id,
            }),
            _ => {
                let mut e = CommandError::new(
                    crate::error::ErrorCode::Validation,
                    format!("文件“{}”须给出 dataBase64 或 uploadId 之一", self.name),
                    format!(
                        "The file “{}” needs exactly one of dataBase64 and uploadId",
                        self.name
                    ),
                );
                e.details = serde_json::json!({ "field": field });
                Err(e)
            }
        }
    }
}

/// The employer of a paper agreement (R-AGR-01).
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmployerInput {
    pub name: String,
    pub credit_code: String,
    pub nature: String,
    pub industry: String,
    pub address: String,
    pub contact_person: String,
    pub contact_phone: String,
}

/// The agreement's terms (R-AGR-01).
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TermsInput {
    pub position: String,
    pub work_location: String,
    pub salary: String,
    pub probation: String,
    pub agreement_term: String,
    pub liquidated_damages: String,
    pub archive_handling: String,
    pub archive_receiving_unit: String,
    pub archive_address: String,
    pub archive_postcode: String,
    pub hukou_address: String,
    pub other_terms: String,
}

/// A paper agreement registration (R-PAPER-01).
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaperForm {
    pub employer: EmployerInput,
    pub terms: TermsInput,
}

/// An other destination (R-DEST-01): a type of data/destinations.json and its fields.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DestinationForm {
    pub type_id: String,
    pub fields: BTreeMap<String, String>,
}

/// The reference tables the forms offer (the engine's data files, verbatim).
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceData {
    #[ts(type = "import('../platform/reference').DestinationTable")]
    #[schemars(with = "gradsign_engine::reference::DestinationTable")]
    pub destinations: serde_json::Value,
    #[ts(type = "import('../platform/reference').ReferenceLists")]
    #[schemars(with = "gradsign_engine::reference::ReferenceLists")]
    pub lists: serde_json::Value,
    /// R-UPLOAD-01: the most bytes one uploaded file may have, as the engine checks it (the
    /// upload control states it and refuses a larger file before sending it).
    pub max_upload_bytes: u32,
    /// R-UPLOAD-01: the most files one registration may carry.
    pub max_files: u32,
}

/// `graduate_portal`: R-MOD-02, `graduateId` of an earlier cohort's record shows that one.
#[derive(Debug, Clone, Default, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PortalRequest {
    #[serde(default)]
    pub graduate_id: Option<i64>,
}

/// R-INFO-02: the graduate's phone and e-mail.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactRequest {
    pub phone: String,
    pub email: String,
}

/// `graduate_items`: one kind (all when none), of the signed-in record or an earlier one's.
#[derive(Debug, Clone, Default, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ItemsRequest {
    #[serde(default)]
    #[schemars(with = "Option<gradsign_engine::ItemKind>")]
    #[ts(
        type = "\"signing\" | \"termination\" | \"paper\" | \"destination\" | \"offline_termination\" | \"offline_signing\" | null"
    )]
    pub kind: Option<String>,
    #[serde(default)]
    pub graduate_id: Option<i64>,
}

/// An operation on one item.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ItemRef {
    pub id: i64,
}

/// R-OFF-01: terminate an approved paper agreement (or a signed offline agreement,
/// R-OFFSIGN-06), with the letter's scans. `paperId` names the agreement's item.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfflineTerminationRequest {
    pub paper_id: i64,
    pub reason: String,
    pub explanation: String,
    pub scans: Vec<UploadInput>,
}

/// R-OFF-02: edit a returned offline termination (scans replaced when given).
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfflineTerminationEdit {
    pub id: i64,
    pub reason: String,
    pub explanation: String,
    pub scans: Option<Vec<UploadInput>>,
}

/// R-PAPER-01: a new paper registration with scans of the stamped agreement.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaperCreate {
    pub form: PaperForm,
    pub scans: Vec<UploadInput>,
}

/// R-PAPER-02: edit a draft or returned paper registration (scans replaced when given).
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaperEdit {
    pub id: i64,
    pub form: PaperForm,
    pub scans: Option<Vec<UploadInput>>,
}

/// R-OFFSIGN-01: an application for offline signing (the R-AGR-01 form of a paper agreement).
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfflineSigningApply {
    pub form: PaperForm,
}

/// R-OFFSIGN-01: edit a returned or withdrawn application.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfflineSigningEdit {
    pub id: i64,
    pub form: PaperForm,
}

/// R-OFFSIGN-04 回传: photos or scans of the stamped pages of an issued offline agreement.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StampedPagesUpload {
    pub id: i64,
    pub pages: Vec<UploadInput>,
}

/// R-DEST-01: a new other-destination registration with its proof.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DestinationCreate {
    pub form: DestinationForm,
    pub proofs: Vec<UploadInput>,
}

/// R-DEST-01: edit a draft or returned destination (proofs replaced when given).
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DestinationEdit {
    pub id: i64,
    pub form: DestinationForm,
    pub proofs: Option<Vec<UploadInput>>,
}

/// The graduate's page: info, cohort, contact, current destination, why blocked.
pub async fn portal(cx: &Cx<'_>, actor: &Actor, req: PortalRequest) -> CommandResult<PortalView> {
    let portal = cx
        .engine
        .graduate_portal(actor, req.graduate_id, cx.now)
        .await?;
    Ok(portal.into())
}

/// R-INFO-01: "信息确认无误，进入系统".
pub async fn confirm_info(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<GraduateInfo> {
    Ok(cx.engine.confirm_info(actor, cx.now).await?.into())
}

/// R-INFO-02: the graduate edits phone and e-mail only.
pub async fn update_contact(
    cx: &Cx<'_>,
    actor: &Actor,
    req: ContactRequest,
) -> CommandResult<GraduateInfo> {
    let g = cx
        .engine
        .update_contact(actor, &req.phone, &req.email, cx.now)
        .await?;
    Ok(g.into())
}

/// The graduate's items of one kind (all kinds when none).
pub async fn items(
    cx: &Cx<'_>,
    actor: &Actor,
    req: ItemsRequest,
) -> CommandResult<Vec<ItemSummary>> {
    let kind = req.kind.as_deref().map(ItemKind::parse).transpose()?;
    let items = cx.engine.list_items(actor, kind, req.graduate_id).await?;
    Ok(items.into_iter().map(ItemSummary::from).collect())
}

/// One item with its timeline and the allowed actions.
pub async fn item(cx: &Cx<'_>, actor: &Actor, req: ItemRef) -> CommandResult<ItemDetailView> {
    Ok(cx.engine.item_detail(actor, req.id, cx.now).await?.into())
}

/// R-SIGN-02: accept an invitation.
pub async fn accept_invitation(cx: &Cx<'_>, actor: &Actor, req: ItemRef) -> CommandResult<()> {
    Ok(cx.engine.accept_invitation(actor, req.id, cx.now).await?)
}

/// R-SIGN-02: reject an invitation.
pub async fn reject_invitation(cx: &Cx<'_>, actor: &Actor, req: ItemRef) -> CommandResult<()> {
    Ok(cx.engine.reject_invitation(actor, req.id, cx.now).await?)
}

/// R-OFF-01: ask the school to terminate an approved paper agreement.
pub async fn request_offline_termination(
    cx: &Cx<'_>,
    actor: &Actor,
    req: OfflineTerminationRequest,
) -> CommandResult<i64> {
    let scans = uploads("scans", req.scans)?;
    Ok(cx
        .engine
        .request_offline_termination(
            actor,
            req.paper_id,
            &req.reason,
            &req.explanation,
            &scans,
            cx.now,
        )
        .await?)
}

/// R-OFF-02: edit a returned offline termination.
pub async fn edit_offline_termination(
    cx: &Cx<'_>,
    actor: &Actor,
    req: OfflineTerminationEdit,
) -> CommandResult<()> {
    let scans = req.scans.map(|s| uploads("scans", s)).transpose()?;
    Ok(cx
        .engine
        .edit_offline_termination(
            actor,
            req.id,
            &req.reason,
            &req.explanation,
            scans.as_deref(),
            cx.now,
        )
        .await?)
}

/// R-OFFSIGN-01: apply for offline signing; the application awaits 协议审核.
pub async fn apply_offline_signing(
    cx: &Cx<'_>,
    actor: &Actor,
    req: OfflineSigningApply,
) -> CommandResult<i64> {
    Ok(cx
        .engine
        .apply_offline_signing(actor, &req.form.into(), cx.now)
        .await?)
}

/// R-OFFSIGN-01: edit a returned or withdrawn application.
pub async fn edit_offline_signing(
    cx: &Cx<'_>,
    actor: &Actor,
    req: OfflineSigningEdit,
) -> CommandResult<()> {
    Ok(cx
        .engine
        .edit_offline_signing(actor, req.id, &req.form.into(), cx.now)
        .await?)
}

/// Submit a returned or withdrawn application again.
pub async fn submit_offline_signing(cx: &Cx<'_>, actor: &Actor, req: ItemRef) -> CommandResult<()> {
    Ok(cx
        .engine
        .submit_offline_signing(actor, req.id, cx.now)
        .await?)
}

/// 撤回 an application before any reviewer has acted.
pub async fn withdraw_offline_signing(
    cx: &Cx<'_>,
    actor: &Actor,
    req: ItemRef,
) -> CommandResult<()> {
    Ok(cx
        .engine
        .withdraw_offline_signing(actor, req.id, cx.now)
        .await?)
}

/// R-OFFSIGN-08: give up an issued agreement the employer will not stamp.
pub async fn cancel_offline_signing(cx: &Cx<'_>, actor: &Actor, req: ItemRef) -> CommandResult<()> {
    Ok(cx
        .engine
        .cancel_offline_signing(actor, req.id, cx.now)
        .await?)
}

/// R-OFFSIGN-04 回传: upload the stamped pages for 签约审核.
pub async fn upload_stamped_pages(
    cx: &Cx<'_>,
    actor: &Actor,
    req: StampedPagesUpload,
) -> CommandResult<()> {
    let pages = uploads("pages", req.pages)?;
    Ok(cx
        .engine
        .upload_stamped_pages(actor, req.id, &pages, cx.now)
        .await?)
}

/// R-PAPER-01: a draft paper registration.
pub async fn create_paper(cx: &Cx<'_>, actor: &Actor, req: PaperCreate) -> CommandResult<i64> {
    let scans = uploads("scans", req.scans)?;
    Ok(cx
        .engine
        .create_paper(actor, &req.form.into(), &scans, cx.now)
        .await?)
}

/// R-PAPER-02: edit a draft or returned paper registration.
pub async fn edit_paper(cx: &Cx<'_>, actor: &Actor, req: PaperEdit) -> CommandResult<()> {
    let scans = req.scans.map(|s| uploads("scans", s)).transpose()?;
    Ok(cx
        .engine
        .edit_paper(actor, req.id, &req.form.into(), scans.as_deref(), cx.now)
        .await?)
}

/// R-DEST-01: a draft other-destination registration.
pub async fn create_destination(
    cx: &Cx<'_>,
    actor: &Actor,
    req: DestinationCreate,
) -> CommandResult<i64> {
    let proofs = uploads("proofs", req.proofs)?;
    Ok(cx
        .engine
        .create_destination(actor, &req.form.into(), &proofs, cx.now)
        .await?)
}

/// R-DEST-01: edit a draft or returned destination.
pub async fn edit_destination(
    cx: &Cx<'_>,
    actor: &Actor,
    req: DestinationEdit,
) -> CommandResult<()> {
    let proofs = req.proofs.map(|p| uploads("proofs", p)).transpose()?;
    Ok(cx
        .engine
        .edit_destination(actor, req.id, &req.form.into(), proofs.as_deref(), cx.now)
        .await?)
}

/// Submits (or resubmits after a return) a paper, destination or offline termination.
pub async fn submit_registration(cx: &Cx<'_>, actor: &Actor, req: ItemRef) -> CommandResult<()> {
    Ok(cx.engine.submit_registration(actor, req.id, cx.now).await?)
}

/// R-PAPER-02 / R-DEST-01 / R-OFF: withdraw before any reviewer has acted.
pub async fn withdraw_registration(cx: &Cx<'_>, actor: &Actor, req: ItemRef) -> CommandResult<()> {
    Ok(cx
        .engine
        .withdraw_registration(actor, req.id, cx.now)
        .await?)
}

/// R-DEST-04: void an approved destination at once.
pub async fn void_destination(cx: &Cx<'_>, actor: &Actor, req: ItemRef) -> CommandResult<()> {
    Ok(cx.engine.void_destination(actor, req.id, cx.now).await?)
}

/// The destination table and fixed lists (reason lists, natures, archive handling): public
/// reference data of DOMAIN.md, the same for every school.
pub async fn reference(_: &Cx<'_>, _: ()) -> CommandResult<ReferenceData> {
    Ok(ReferenceData {
        destinations: serde_json::to_value(gradsign_engine::reference::destinations())
            .map_err(CommandError::internal)?,
        lists: serde_json::to_value(gradsign_engine::reference::lists())
            .map_err(CommandError::internal)?,
        max_upload_bytes: u32::try_from(gradsign_engine::files::MAX_UPLOAD_BYTES)
            .map_err(CommandError::internal)?,
        max_files: u32::try_from(gradsign_engine::files::MAX_FILES)
            .map_err(CommandError::internal)?,
    })
}

/// The request's files of `field` (`scans`, `proofs`) as the engine's uploads; a file that is
/// not base64 is named in the error.
pub fn uploads(field: &str, files: Vec<UploadInput>) -> CommandResult<Vec<Upload>> {
    files
        .into_iter()
        .enumerate()
        .map(|(i, f)| f.into_upload(&format!("{field}[{i}]")))
        .collect()
}

impl From<gradsign_engine::Graduate> for GraduateInfo {
    fn from(g: gradsign_engine::Graduate) -> Self {
        GraduateInfo {
            directed: g.is_directed(),
            id: g.id,
            cohort: g.cohort,
            student_number: g.student_number,
            name: g.name,
            gender: g.gender,
            id_number: g.id_number,
            education_level: g.education_level,
            major: g.major,
            department: g.department,
            training_mode: g.training_mode,
            directed_unit: g.directed_unit,
            origin: g.origin,
            phone: g.phone,
            email: g.email,
            confirmed_at: g.confirmed_at,
        }
    }
}

impl From<GraduatePortal> for PortalView {
    fn from(p: GraduatePortal) -> Self {
        PortalView {
            graduate: p.graduate.into(),
            cohort: CohortInfo {
                year: p.cohort.year,
                module_open: p.cohort.module_open,
                changes_until: p.cohort.changes_until,
                agreement_title: p.cohort.agreement_title,
            },
            school_name: p.school_name,
            school_contact: p.school_contact,
            cohorts: p.cohorts,
            read_only: p.read_only,
            current: p.current.map(ItemSummary::from),
            blocked: p.blocked.map(CommandError::from),
        }
    }
}

impl From<ItemView> for ItemSummary {
    fn from(i: ItemView) -> Self {
        ItemSummary {
            id: i.id,
            kind: i.kind.as_str().to_string(),
            state: i.state,
            awaiting_level: i.awaiting_level.map(|l| l.as_str().to_string()),
            parent_id: i.parent_id,
            graduate_name: i.graduate_name,
            student_number: i.student_number,
            employer_name: i.employer_name,
            dest_code: i.dest_code,
            deadline: i.deadline,
            agreement_number: i.agreement_number,
            verification_code: i.verification_code,
            snapshot_hash: i.snapshot_hash,
            payload: i.payload,
            submitted_at: i.submitted_at,
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

impl From<ItemDetail> for ItemDetailView {
    fn from(d: ItemDetail) -> Self {
        ItemDetailView {
            item: d.item.into(),
            history: d
                .history
                .into_iter()
                .map(|h| HistoryEntry {
                    changes: (h.action == "reviewer_edit").then(|| h.changes.clone()),
                    seq: h.seq,
                    at: h.at,
                    actor_name: h.actor_name,
                    actor_role: h.actor_role,
                    action: h.action,
                    level: h.level,
                    from_state: h.from_state,
                    to_state: h.to_state,
                    reason: h.reason,
                })
                .collect(),
            allowed: d.allowed,
            blocked_reason: d.blocked_reason.map(CommandError::from),
        }
    }
}

impl From<PaperForm> for PaperInput {
    fn from(f: PaperForm) -> Self {
        PaperInput {
            employer: f.employer.into(),
            terms: f.terms.into(),
        }
    }
}

impl From<EmployerInput> for EmployerDetails {
    fn from(e: EmployerInput) -> Self {
        EmployerDetails {
            name: e.name,
            credit_code: e.credit_code,
            nature: e.nature,
            industry: e.industry,
            address: e.address,
            contact_person: e.contact_person,
            contact_phone: e.contact_phone,
        }
    }
}

impl From<TermsInput> for AgreementTerms {
    fn from(t: TermsInput) -> Self {
        AgreementTerms {
            position: t.position,
            work_location: t.work_location,
            salary: t.salary,
            probation: t.probation,
            agreement_term: t.agreement_term,
            liquidated_damages: t.liquidated_damages,
            archive_handling: t.archive_handling,
            archive_receiving_unit: t.archive_receiving_unit,
            archive_address: t.archive_address,
            archive_postcode: t.archive_postcode,
            hukou_address: t.hukou_address,
            other_terms: t.other_terms,
        }
    }
}

impl From<DestinationForm> for DestinationInput {
    fn from(f: DestinationForm) -> Self {
        DestinationInput {
            type_id: f.type_id,
            fields: f.fields,
        }
    }
}

/// R-PIPL-01: everything GradSign holds about the signed-in graduate, as one ZIP archive (the
/// desktop saves it where the graduate chooses: graduate_save_data_export).
pub async fn data_export(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<crate::Bytes> {
    let fonts = crate::agreement::fonts()?;
    // Boxed: the archive's future is large, and the catalog's dispatch holds the largest of all.
    let archive = Box::pin(cx.engine.graduate_data_export(actor, fonts, cx.now)).await?;
    Ok(crate::Bytes(archive))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(name: &str, data: &str) -> UploadInput {
        UploadInput {
            name: name.into(),
            data_base64: Some(data.into()),
            upload_id: None,
        }
    }

    #[test]
    fn uploads_decode_base64_and_name_a_bad_file() {
        let ok = uploads("scans", vec![inline("scan.jpg", "/9j/4A==")]).unwrap();
        assert!(
            matches!(&ok[0], Upload::Bytes { bytes, .. } if bytes == &[0xFF, 0xD8, 0xFF, 0xE0])
        );
        let bad = uploads("scans", vec![inline("协议.jpg", "not base64!")]).unwrap_err();
        assert_eq!(bad.code, crate::error::ErrorCode::Validation);
        assert!(bad.message.zh.contains("协议.jpg"));
        assert_eq!(bad.details["field"], "files");
    }

    #[test]
    fn r_upload_03_an_upload_is_inline_or_staged_never_both_nor_neither() {
        let staged = UploadInput {
            name: "p2.jpg".into(),
            data_base64: None,
            upload_id: Some("abc".into()),
        };
        let ok = uploads("scans", vec![inline("p1.jpg", "/9j/4A=="), staged.clone()]).unwrap();
        assert!(matches!(&ok[1], Upload::Staged { name, id } if name == "p2.jpg" && id == "abc"));
        let both = UploadInput {
            data_base64: Some("/9j/4A==".into()),
            ..staged.clone()
        };
        let e = uploads("proofs", vec![inline("p1.jpg", "/9j/4A=="), both]).unwrap_err();
        assert_eq!(e.details["field"], "proofs[1]");
        let neither = UploadInput {
            upload_id: None,
            ..staged
        };
        let e = uploads("scans", vec![neither]).unwrap_err();
        assert_eq!(e.details["field"], "scans[0]");
        let json: UploadInput =
            serde_json::from_str(r#"{"name":"a.jpg","uploadId":"0123"}"#).unwrap();
        assert_eq!(json.upload_id.as_deref(), Some("0123"));
    }
}
