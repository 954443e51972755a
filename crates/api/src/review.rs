//! The reviewers' workspace (department and school level, issue 5): one keyset-paged queue per
//! kind, the item with its scans and timeline, approve / return / reject, the reviewer's edit of
//! a destination (R-DEST-03), the reason templates (a school setting) and the filtered list of
//! signed agreements as one PDF (the desktop saves it through its dialog). The item types here
//! serve the employer too.

use gradsign_engine::queries::HistoryView;
use gradsign_engine::workflow::offline_signing::OfflineReview;
use gradsign_engine::{Actor, Cursor, DestinationInput, ItemDetail, ItemKind, ItemView};
use gradsign_engine::{Department, QueuePage, QueueQuery, ReviewDecision};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{Bytes, Cx};
use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::graduate::{DestinationForm, ItemRef};

/// An item as a reviewer or an employer sees it (ID number masked by the engine).
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkItem {
    pub id: i64,
    /// signing | termination | paper | destination | offline_termination
    pub kind: String,
    pub state: String,
    pub step: i64,
    /// department | school, while in review.
    pub awaiting_level: Option<String>,
    /// The version a decision is made against (R-REV-02).
    pub version: i64,
    pub parent_id: Option<i64>,
    pub graduate_name: String,
    pub student_number: String,
    pub id_number: String,
    pub department: String,
    pub major: String,
    pub education_level: String,
    pub employer_name: Option<String>,
    pub dest_code: String,
    pub deadline: Option<i64>,
    pub agreement_number: Option<String>,
    pub verification_code: Option<String>,
    /// The kind's own record (employer, terms, fields, file references) as the engine keeps it.
    #[ts(type = "Record<string, unknown>")]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub payload: serde_json::Value,
    pub submitted_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An item, its timeline and the actions the engine allows the signed-in user now.
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkItemDetail {
    pub item: WorkItem,
    pub history: Vec<HistoryView>,
    pub allowed: Vec<String>,
    pub blocked_reason: Option<CommandError>,
}

/// The queue's filter, sort and page position.
#[derive(Debug, Clone, Default, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueueFilter {
    /// signing | termination | paper | destination | offline_termination | offline_signing, or
    /// one of an offline signing's two reviews as its own kind of work:
    /// offline_signing_application (协议审核) | offline_signing_stamped (签约审核); none: every
    /// kind.
    pub kind: Option<String>,
    /// Only what awaits the reviewer's level (the work queue); otherwise everything in scope.
    pub awaiting_me: bool,
    pub state: Option<String>,
    pub department_id: Option<i64>,
    pub major: Option<String>,
    pub education_level: Option<String>,
    pub dest_code: Option<String>,
    /// UTC seconds, inclusive.
    pub submitted_from: Option<i64>,
    /// UTC seconds, exclusive.
    pub submitted_to: Option<i64>,
    pub newest_first: bool,
    pub after: Option<Cursor>,
    pub limit: i64,
}

/// A reviewer's decision.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecisionInput {
    /// approve | return | reject
    pub decision: String,
    /// Required to return or reject; a note when approving.
    pub reason: String,
}

/// What the workspaces' forms offer: departments, reason templates, the engine's reference lists.
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceReference {
    pub departments: Vec<Department>,
    pub reason_templates: Vec<String>,
    pub termination_reasons: Vec<String>,
    pub education_levels: Vec<String>,
    pub employer_natures: Vec<String>,
    pub archive_handling: Vec<String>,
    pub invitation_days_default: i64,
    /// The most an invitation may wait (the largest limit of an open cohort).
    pub invitation_days_max: i64,
    #[ts(type = "import('../platform/reference').DestinationTable")]
    #[schemars(with = "gradsign_engine::reference::DestinationTable")]
    pub destinations: serde_json::Value,
}

/// `review_decide`: a decision on the version the reviewer saw (R-REV-02).
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DecideRequest {
    pub id: i64,
    pub version: i64,
    pub input: DecisionInput,
}

/// `review_edit_destination`: the reviewer's change of a destination (R-DEST-03).
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReviewDestinationEdit {
    pub id: i64,
    pub version: i64,
    pub form: DestinationForm,
}

/// `review_item_file`: one scan or proof of an item, by its hash.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ItemFileRef {
    pub id: i64,
    pub hash: String,
}

/// `reason_templates_set`: the reviewers' reason templates (empty: the defaults).
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReasonTemplatesRequest {
    pub templates: Vec<String>,
}

/// The reviewer's queue: one keyset page.
pub async fn queue(cx: &Cx<'_>, actor: &Actor, filter: QueueFilter) -> CommandResult<QueuePage> {
    Ok(cx.engine.review_queue(actor, &filter.try_into()?).await?)
}

/// An item with its timeline and the actions allowed now (reviewers and employers alike).
pub async fn item(cx: &Cx<'_>, actor: &Actor, req: ItemRef) -> CommandResult<WorkItemDetail> {
    Ok(cx.engine.item_detail(actor, req.id, cx.now).await?.into())
}

/// Approve, return or reject, against the version the reviewer saw (R-REV-02).
pub async fn decide(cx: &Cx<'_>, actor: &Actor, req: DecideRequest) -> CommandResult<()> {
    let d = req.input.try_into()?;
    Ok(cx
        .engine
        .review(actor, req.id, req.version, d, cx.now)
        .await?)
}

/// R-DEST-03: the reviewer changes a destination's type and fields; the graduate is notified.
pub async fn edit_destination(
    cx: &Cx<'_>,
    actor: &Actor,
    req: ReviewDestinationEdit,
) -> CommandResult<()> {
    let input = DestinationInput::from(req.form);
    Ok(cx
        .engine
        .reviewer_edit_destination(actor, req.id, req.version, &input, cx.now)
        .await?)
}

/// A scan or proof of an item (JPEG bytes), for whoever may see the item.
pub async fn item_file(cx: &Cx<'_>, actor: &Actor, req: ItemFileRef) -> CommandResult<Bytes> {
    let bytes = cx
        .engine
        .item_file(actor, req.id, &req.hash, cx.now)
        .await?;
    Ok(Bytes(bytes))
}

/// The forms' reference data.
pub async fn workspace_reference(
    cx: &Cx<'_>,
    actor: &Actor,
    _: (),
) -> CommandResult<WorkspaceReference> {
    let engine = cx.engine;
    let lists = gradsign_engine::reference::lists();
    let open_max = engine
        .cohorts(actor)
        .await?
        .iter()
        .filter(|c| c.module_open)
        .map(|c| c.invite_limit_days)
        .max();
    // Departments and reason templates are the school staff's (the engine refuses employers,
    // R-AUTH-07); an employer's reference has neither.
    let staff = matches!(
        actor.role,
        gradsign_engine::Role::SchoolAdmin
            | gradsign_engine::Role::SchoolReviewer
            | gradsign_engine::Role::DepartmentReviewer
    );
    Ok(WorkspaceReference {
        departments: if staff {
            engine.departments(actor).await?
        } else {
            Vec::new()
        },
        reason_templates: if staff {
            engine.reason_templates(actor).await?
        } else {
            Vec::new()
        },
        termination_reasons: lists.termination_reasons.clone(),
        education_levels: lists.education_levels.clone(),
        employer_natures: lists.employer_natures.clone(),
        archive_handling: lists.archive_handling.clone(),
        invitation_days_default: lists.invitation_days_default,
        invitation_days_max: open_max.unwrap_or(lists.invitation_days_max),
        destinations: serde_json::to_value(gradsign_engine::reference::destinations())
            .map_err(CommandError::internal)?,
    })
}

/// The admin sets the reviewers' reason templates (an empty list restores the defaults).
pub async fn set_reason_templates(
    cx: &Cx<'_>,
    actor: &Actor,
    req: ReasonTemplatesRequest,
) -> CommandResult<Vec<String>> {
    Ok(cx
        .engine
        .set_reason_templates(actor, &req.templates, cx.now)
        .await?)
}

/// The filtered list of signed (or terminated) agreements as one PDF, for printing.
pub async fn agreements_pdf(
    cx: &Cx<'_>,
    actor: &Actor,
    filter: QueueFilter,
) -> CommandResult<Bytes> {
    let fonts = gradsign_documents::Fonts::system_shared().map_err(CommandError::internal)?;
    let (pdf, _count) = cx
        .engine
        .agreements_pdf(actor, &filter.try_into()?, fonts, cx.now)
        .await?;
    Ok(Bytes(pdf))
}

/// How many agreements `review_agreements_pdf` prints for the filter (R-PDF-05): the PDF travels
/// as bytes alone, so the count the reviewer is told comes from the engine's same selection.
pub async fn agreements_count(
    cx: &Cx<'_>,
    actor: &Actor,
    filter: QueueFilter,
) -> CommandResult<u32> {
    let count = cx
        .engine
        .printable_agreement_count(actor, &filter.try_into()?)
        .await?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

impl TryFrom<QueueFilter> for QueueQuery {
    type Error = CommandError;

    fn try_from(f: QueueFilter) -> CommandResult<Self> {
        let blank = |s: Option<String>| s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let (kind, offline_review) = match blank(f.kind).as_deref() {
            Some("offline_signing_application") => (
                Some(ItemKind::OfflineSigning),
                Some(OfflineReview::Application),
            ),
            Some("offline_signing_stamped") => {
                (Some(ItemKind::OfflineSigning), Some(OfflineReview::Stamped))
            }
            Some(k) => (Some(ItemKind::parse(k)?), None),
            None => (None, None),
        };
        Ok(QueueQuery {
            kind,
            offline_review,
            awaiting_me: f.awaiting_me,
            state: blank(f.state),
            department_id: f.department_id,
            major: blank(f.major),
            education_level: blank(f.education_level),
            dest_code: blank(f.dest_code),
            submitted_from: f.submitted_from,
            submitted_to: f.submitted_to,
            newest_first: f.newest_first,
            after: f.after,
            limit: f.limit,
        })
    }
}

impl TryFrom<DecisionInput> for ReviewDecision {
    type Error = CommandError;

    fn try_from(d: DecisionInput) -> CommandResult<Self> {
        let reason = d.reason.trim().to_string();
        match d.decision.as_str() {
            "approve" => Ok(ReviewDecision::Approve { note: reason }),
            "return" => Ok(ReviewDecision::Return { reason }),
            "reject" => Ok(ReviewDecision::Reject { reason }),
            _ => {
                let mut e = CommandError::new(
                    ErrorCode::Validation,
                    "请选择审核结果：通过、退回或驳回",
                    "Choose a decision: approve, return or reject",
                );
                e.details = serde_json::json!({ "field": "decision" });
                Err(e)
            }
        }
    }
}

impl From<ItemView> for WorkItem {
    fn from(i: ItemView) -> Self {
        WorkItem {
            id: i.id,
            kind: i.kind.as_str().to_string(),
            state: i.state,
            step: i.step,
            awaiting_level: i.awaiting_level.map(|l| l.as_str().to_string()),
            version: i.version,
            parent_id: i.parent_id,
            graduate_name: i.graduate_name,
            student_number: i.student_number,
            id_number: i.id_number,
            department: i.department,
            major: i.major,
            education_level: i.education_level,
            employer_name: i.employer_name,
            dest_code: i.dest_code,
            deadline: i.deadline,
            agreement_number: i.agreement_number,
            verification_code: i.verification_code,
            payload: i.payload,
            submitted_at: i.submitted_at,
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

impl From<ItemDetail> for WorkItemDetail {
    fn from(d: ItemDetail) -> Self {
        WorkItemDetail {
            item: d.item.into(),
            history: d.history,
            allowed: d.allowed,
            blocked_reason: d.blocked_reason.map(CommandError::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_maps_blanks_to_none_and_refuses_an_unknown_kind() {
        let f = QueueFilter {
            kind: Some("paper".into()),
            major: Some("  ".into()),
            state: Some(" submitted ".into()),
            after: Some(Cursor {
                submitted_at: 5,
                id: 9,
            }),
            limit: 50,
            ..QueueFilter::default()
        };
        let q = QueueQuery::try_from(f).unwrap();
        assert_eq!(q.kind, Some(ItemKind::Paper));
        assert_eq!(q.major, None);
        assert_eq!(q.state.as_deref(), Some("submitted"));
        assert_eq!(
            q.after,
            Some(Cursor {
                submitted_at: 5,
                id: 9
            })
        );
        let bad = QueueQuery::try_from(QueueFilter {
            kind: Some("banana".into()),
            ..QueueFilter::default()
        })
        .unwrap_err();
        assert_eq!(bad.code, ErrorCode::Validation);
    }

    #[test]
    fn a_decision_is_one_of_three() {
        let d = ReviewDecision::try_from(DecisionInput {
            decision: "return".into(),
            reason: " 材料未盖章 ".into(),
        })
        .unwrap();
        assert_eq!(
            d,
            ReviewDecision::Return {
                reason: "材料未盖章".into()
            }
        );
        let e = ReviewDecision::try_from(DecisionInput {
            decision: "maybe".into(),
            reason: String::new(),
        })
        .unwrap_err();
        assert_eq!(e.details["field"], "decision");
    }
}
