//! Offline signing 申请就业协议线下签约 (R-OFFSIGN): the graduate fills in the agreement online,
//! the chain reviews it (协议审核), the platform issues the agreement to print, the employer stamps
//! the printed copy, the graduate uploads photos of the stamped pages (回传) and the chain reviews
//! again (签约审核).
//! `submitted` → `under_review` → `approved_for_print` | `returned` (edit → `submitted`) |
//! `rejected`; `submitted` → `withdrawn` (edit → `submitted`);
//! `approved_for_print` → `stamped_submitted` → `stamped_under_review` → `signed` |
//! `stamped_returned` (upload again → `stamped_submitted`) | `failed`;
//! `approved_for_print` | `stamped_returned` → `cancelled` (R-OFFSIGN-08);
//! `signed` → `terminated` only through R-OFF.

use super::review::{level_at, may_review, review_step, ReviewOutcome};
use super::{Actor, Addressee, GraduateStanding, Notice, ReviewChain, ReviewDecision, Role, Step};
use crate::error::{DomainError, ErrorCode, Result};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum OfflineSigningState {
    Submitted,
    UnderReview { step: usize },
    Returned,
    Rejected,
    Withdrawn,
    ApprovedForPrint,
    StampedSubmitted,
    StampedUnderReview { step: usize },
    StampedReturned,
    Failed,
    Cancelled,
    Signed,
    Terminated,
}

/// Every state, for the tests and the state labels.
pub const STATES: &[&str] = &[
    "submitted",
    "under_review",
    "returned",
    "rejected",
    "withdrawn",
    "approved_for_print",
    "stamped_submitted",
    "stamped_under_review",
    "stamped_returned",
    "failed",
    "cancelled",
    "signed",
    "terminated",
];

/// R-ONE-01: the states in which an application is pending or effective, as SQL's `IN (…)`
/// list: from submission until `failed`, `rejected`, withdrawn or cancelled (a returned
/// application is still the graduate's one pending destination).
pub const ACTIVE_STATES_SQL: &str = "'submitted', 'under_review', 'returned', 'approved_for_print', 'stamped_submitted', 'stamped_under_review', 'stamped_returned', 'signed'";

impl OfflineSigningState {
    pub fn name(self) -> &'static str {
        use OfflineSigningState as S;
        match self {
            S::Submitted => "submitted",
            S::UnderReview { .. } => "under_review",
            S::Returned => "returned",
            S::Rejected => "rejected",
            S::Withdrawn => "withdrawn",
            S::ApprovedForPrint => "approved_for_print",
            S::StampedSubmitted => "stamped_submitted",
            S::StampedUnderReview { .. } => "stamped_under_review",
            S::StampedReturned => "stamped_returned",
            S::Failed => "failed",
            S::Cancelled => "cancelled",
            S::Signed => "signed",
            S::Terminated => "terminated",
        }
    }
    pub fn from_parts(name: &str, step: usize) -> Option<OfflineSigningState> {
        use OfflineSigningState as S;
        Some(match name {
            "submitted" => S::Submitted,
            "under_review" => S::UnderReview { step },
            "returned" => S::Returned,
            "rejected" => S::Rejected,
            "withdrawn" => S::Withdrawn,
            "approved_for_print" => S::ApprovedForPrint,
            "stamped_submitted" => S::StampedSubmitted,
            "stamped_under_review" => S::StampedUnderReview { step },
            "stamped_returned" => S::StampedReturned,
            "failed" => S::Failed,
            "cancelled" => S::Cancelled,
            "signed" => S::Signed,
            "terminated" => S::Terminated,
            _ => return None,
        })
    }
    /// The chain step awaiting a decision (0 outside review).
    pub fn step(self) -> usize {
        match self {
            OfflineSigningState::UnderReview { step }
            | OfflineSigningState::StampedUnderReview { step } => step,
            _ => 0,
        }
    }
    /// R-ONE-01: pending or effective (the same list as [`ACTIVE_STATES_SQL`]).
    pub fn is_active(self) -> bool {
        use OfflineSigningState as S;
        !matches!(
            self,
            S::Rejected | S::Withdrawn | S::Failed | S::Cancelled | S::Terminated
        )
    }
    /// Which review the item awaits, if any: 协议审核 of the application or 签约审核 of the
    /// stamped pages.
    pub fn review(self) -> Option<OfflineReview> {
        use OfflineSigningState as S;
        match self {
            S::Submitted | S::UnderReview { .. } => Some(OfflineReview::Application),
            S::StampedSubmitted | S::StampedUnderReview { .. } => Some(OfflineReview::Stamped),
            _ => None,
        }
    }
    /// R-OFFSIGN-03: the agreement has been issued (number, snapshot, hash and code frozen).
    pub fn is_issued(self) -> bool {
        use OfflineSigningState as S;
        matches!(
            self,
            S::ApprovedForPrint
                | S::StampedSubmitted
                | S::StampedUnderReview { .. }
                | S::StampedReturned
                | S::Failed
                | S::Cancelled
                | S::Signed
                | S::Terminated
        )
    }
}

/// The two reviews of an offline signing, each its own kind of work in the reviewers' queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfflineReview {
    /// 协议审核 (R-OFFSIGN-02).
    Application,
    /// 签约审核 of the stamped pages (R-OFFSIGN-05).
    Stamped,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfflineSigningEvent {
    /// A returned or withdrawn application is submitted again.
    Submit,
    /// 撤回: only before any reviewer has acted.
    Withdraw,
    /// The graduate edits a returned or withdrawn application.
    Edit,
    Review(ReviewDecision),
    /// 回传: the graduate uploads the stamped pages (again after a return; replaced before any
    /// reviewer has acted).
    UploadStamped,
    /// R-OFFSIGN-08: the graduate gives up an issued agreement the employer will not stamp.
    Cancel,
    /// R-OFFSIGN-06: cascade of an approved offline termination.
    Terminate,
}

/// What the engine read for this application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineSigningFacts {
    pub graduate_id: i64,
    pub department_id: i64,
    pub chain: ReviewChain,
    pub graduate: GraduateStanding,
}

/// R-OFFSIGN-01: a new application is the workflow's first state.
pub fn apply(actor: &Actor, f: &OfflineSigningFacts) -> Result<OfflineSigningState> {
    actor.require(actor.is_graduate(f.graduate_id))?;
    f.graduate.require_can_act()?;
    if f.graduate.directed {
        return Err(super::signing::directed());
    }
    f.graduate.require_free()?;
    Ok(OfflineSigningState::Submitted)
}

/// The pure transition of the offline signing workflow.
pub fn transition(
    state: OfflineSigningState,
    event: &OfflineSigningEvent,
    actor: &Actor,
    f: &OfflineSigningFacts,
    _now: Timestamp,
) -> Result<OfflineSigningState> {
    use OfflineSigningEvent as E;
    use OfflineSigningState as S;
    let graduate_gate = || -> Result<()> {
        actor.require(actor.is_graduate(f.graduate_id))?;
        f.graduate.require_can_act()
    };
    match event {
        E::Submit => {
            graduate_gate()?;
            if !matches!(state, S::Returned | S::Withdrawn) {
                return Err(DomainError::invalid_state(state.name()));
            }
            f.graduate.require_changes_open()?;
            if f.graduate.directed {
                return Err(super::signing::directed());
            }
            f.graduate.require_free()?;
            Ok(S::Submitted)
        }
        E::Withdraw => {
            graduate_gate()?;
            if state != S::Submitted {
                return Err(DomainError::invalid_state(state.name()));
            }
            f.graduate.require_changes_open()?;
            Ok(S::Withdrawn)
        }
        E::Edit => {
            graduate_gate()?;
            if !matches!(state, S::Returned | S::Withdrawn) {
                return Err(DomainError::invalid_state(state.name()));
            }
            f.graduate.require_changes_open()?;
            Ok(state)
        }
        E::Review(decision) => {
            let Some(review) = state.review() else {
                return Err(DomainError::invalid_state(state.name()));
            };
            let outcome = review_step(
                actor,
                f.chain,
                state.step(),
                f.department_id,
                decision,
                true,
            )?;
            Ok(match (review, outcome) {
                (OfflineReview::Application, ReviewOutcome::Advanced(step)) => {
                    S::UnderReview { step }
                }
                (OfflineReview::Application, ReviewOutcome::Completed) => S::ApprovedForPrint,
                (OfflineReview::Application, ReviewOutcome::Returned) => S::Returned,
                (OfflineReview::Application, ReviewOutcome::Rejected) => S::Rejected,
                (OfflineReview::Stamped, ReviewOutcome::Advanced(step)) => {
                    S::StampedUnderReview { step }
                }
                (OfflineReview::Stamped, ReviewOutcome::Completed) => S::Signed,
                (OfflineReview::Stamped, ReviewOutcome::Returned) => S::StampedReturned,
                (OfflineReview::Stamped, ReviewOutcome::Rejected) => S::Failed,
            })
        }
        E::UploadStamped => {
            graduate_gate()?;
            if !matches!(
                state,
                S::ApprovedForPrint | S::StampedReturned | S::StampedSubmitted
            ) {
                return Err(DomainError::invalid_state(state.name()));
            }
            Ok(S::StampedSubmitted)
        }
        E::Cancel => {
            graduate_gate()?;
            if !matches!(state, S::ApprovedForPrint | S::StampedReturned) {
                return Err(DomainError::invalid_state(state.name()));
            }
            Ok(S::Cancelled)
        }
        E::Terminate => {
            actor.require(actor.role == Role::System)?;
            if state != S::Signed {
                return Err(DomainError::invalid_state(state.name()));
            }
            Ok(S::Terminated)
        }
    }
}

impl super::WorkflowState for OfflineSigningState {
    fn name(self) -> &'static str {
        OfflineSigningState::name(self)
    }
    fn step(self) -> usize {
        OfflineSigningState::step(self)
    }
    fn from_parts(name: &str, step: usize) -> Option<OfflineSigningState> {
        OfflineSigningState::from_parts(name, step)
    }
}

/// May this actor decide the review the item awaits now (for the queue's "awaiting me")?
pub fn may_decide(actor: &Actor, state: OfflineSigningState, f: &OfflineSigningFacts) -> bool {
    state.review().is_some() && may_review(actor, f.chain, state.step(), f.department_id)
}

/// One offline signing step: [`transition`] plus its history line and the messages of
/// R-OFFSIGN-07 (each review result, and the issue of the PDF to print).
pub fn step(
    state: OfflineSigningState,
    event: &OfflineSigningEvent,
    actor: &Actor,
    f: &OfflineSigningFacts,
    now: Timestamp,
) -> Result<Step<OfflineSigningState>> {
    use OfflineSigningEvent as E;
    use OfflineSigningState as S;
    let next = transition(state, event, actor, f, now)?;
    Ok(match event {
        E::Submit => Step::new(next, "submit"),
        E::Withdraw => Step::new(next, "withdraw"),
        E::Edit => Step::new(next, "edit"),
        E::UploadStamped => Step::new(next, "upload_stamped"),
        E::Cancel => Step::new(next, "cancel"),
        E::Terminate => Step::new(next, "terminate"),
        E::Review(d) => {
            let level = level_at(f.chain, state.step());
            let lvl = level.map(|l| l.label()).unwrap_or("");
            let (title, body) = match next {
                S::UnderReview { .. } => (
                    "线下签约申请审核结果",
                    format!("线下签约申请{lvl}通过，进入下一级审核。"),
                ),
                S::ApprovedForPrint => (
                    "线下签约协议书已下发，请打印盖章",
                    format!("线下签约申请{lvl}通过，协议书已下发：请下载打印，交用人单位盖章后，拍照上传盖章页（回传）。"),
                ),
                S::Returned => (
                    "线下签约申请被退回修改",
                    format!("线下签约申请被{lvl}退回修改，原因：{}", d.text()),
                ),
                S::Rejected => (
                    "线下签约申请未通过",
                    format!("线下签约申请{lvl}未通过，原因：{}", d.text()),
                ),
                S::StampedUnderReview { .. } => (
                    "线下签约盖章页审核结果",
                    format!("盖章协议书{lvl}通过，进入下一级审核。"),
                ),
                S::Signed => (
                    "线下签约成功",
                    format!("盖章协议书{lvl}通过，协议已签约生效。"),
                ),
                S::StampedReturned => (
                    "盖章页被退回，请重新上传",
                    format!("盖章协议书被{lvl}退回，请重新上传盖章页，原因：{}", d.text()),
                ),
                _ => (
                    "线下签约失败",
                    format!("盖章协议书{lvl}未通过，签约失败，原因：{}", d.text()),
                ),
            };
            Step {
                next,
                action: d.name(),
                level: level.map(|l| l.as_str()).unwrap_or(""),
                reason: d.text().to_string(),
                notices: vec![Notice::new(
                    Addressee::Graduate,
                    "review_result",
                    title,
                    body,
                )],
            }
        }
    })
}

/// What the QR code read off one uploaded stamped page says, against the agreement it was
/// uploaded for (R-OFFSIGN-04).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageQr {
    /// The page's QR carries this agreement's verification code and hash.
    Matched,
    /// No readable QR: accepted, flagged for the reviewer.
    NotFound,
}

/// R-OFFSIGN-04: decides one page from the QR read off it (`read`: code, hash) and the issued
/// agreement's code and hash. A page of another agreement, or with another hash, is refused
/// naming the page (1-based) and why.
pub fn check_page(
    page: usize,
    read: Option<(&str, &str)>,
    code: &str,
    hash: &str,
) -> Result<PageQr> {
    let Some((read_code, read_hash)) = read else {
        return Ok(PageQr::NotFound);
    };
    if !read_code.eq_ignore_ascii_case(code) {
        return Err(DomainError::new(
            ErrorCode::PageMismatch,
            format!("第{page}张图片的二维码属于另一份协议书，请上传本协议盖章后的页面"),
            format!("The QR code on image {page} belongs to another agreement; upload the stamped pages of this agreement"),
        )
        .with_details(serde_json::json!({ "field": format!("pages[{}]", page - 1), "page": page, "reason": "other_agreement" })));
    }
    if !read_hash.eq_ignore_ascii_case(hash) {
        return Err(DomainError::new(
            ErrorCode::PageMismatch,
            format!("第{page}张图片二维码中的内容哈希与下发的协议书不一致，页面可能被改动或不是最新下发的版本"),
            format!("The content hash in the QR code on image {page} differs from the issued agreement's"),
        )
        .with_details(serde_json::json!({ "field": format!("pages[{}]", page - 1), "page": page, "reason": "hash_differs" })));
    }
    Ok(PageQr::Matched)
}
