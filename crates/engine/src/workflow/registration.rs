//! Registrations the graduate submits and the chain reviews: paper agreements (R-PAPER), other
//! destinations (R-DEST) and offline terminations (R-OFF).
//! `draft` → `submitted` → `under_review` (a reviewer has acted) → `approved` | `returned` | `rejected`;
//! `submitted` → `draft` by withdrawal (offline termination: → `withdrawn`); `returned` → `submitted`;
//! paper `approved` → `terminated` (R-OFF); destination `approved` → `voided` (R-DEST-04).

use super::review::{level_at, may_review, review_step, ReviewOutcome};
use super::{
    Actor, Addressee, GraduateStanding, Notice, ReviewChain, ReviewDecision, Role, Step,
    WorkflowState,
};
use crate::error::{DomainError, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationKind {
    Paper,
    Destination,
    OfflineTermination,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RegistrationState {
    Draft,
    Submitted,
    UnderReview { step: usize },
    Approved,
    Returned,
    Rejected,
    Withdrawn,
    Terminated,
    Voided,
}

impl RegistrationState {
    pub fn name(self) -> &'static str {
        match self {
            RegistrationState::Draft => "draft",
            RegistrationState::Submitted => "submitted",
            RegistrationState::UnderReview { .. } => "under_review",
            RegistrationState::Approved => "approved",
            RegistrationState::Returned => "returned",
            RegistrationState::Rejected => "rejected",
            RegistrationState::Withdrawn => "withdrawn",
            RegistrationState::Terminated => "terminated",
            RegistrationState::Voided => "voided",
        }
    }
    pub fn from_parts(name: &str, step: usize) -> Option<RegistrationState> {
        Some(match name {
            "draft" => RegistrationState::Draft,
            "submitted" => RegistrationState::Submitted,
            "under_review" => RegistrationState::UnderReview { step },
            "approved" => RegistrationState::Approved,
            "returned" => RegistrationState::Returned,
            "rejected" => RegistrationState::Rejected,
            "withdrawn" => RegistrationState::Withdrawn,
            "terminated" => RegistrationState::Terminated,
            "voided" => RegistrationState::Voided,
            _ => return None,
        })
    }
    /// The chain step awaiting a decision (submitted = 0).
    pub fn step(self) -> usize {
        match self {
            RegistrationState::UnderReview { step } => step,
            _ => 0,
        }
    }
    /// Pending or effective: counts for R-ONE-01 (paper and destination).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            RegistrationState::Submitted
                | RegistrationState::UnderReview { .. }
                | RegistrationState::Approved
        )
    }
    pub fn in_review(self) -> bool {
        matches!(
            self,
            RegistrationState::Submitted | RegistrationState::UnderReview { .. }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrationEvent {
    Submit,
    /// 撤回: only before any reviewer has acted.
    Withdraw,
    /// The graduate edits a draft or returned registration.
    Edit,
    /// R-DEST-03: a reviewer at the current level edits a destination during review.
    ReviewerEdit,
    Review(ReviewDecision),
    /// R-DEST-04: the graduate voids an approved destination, no review.
    Void,
    /// R-OFF: cascade of an approved offline termination.
    Terminate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationFacts {
    pub kind: RegistrationKind,
    pub graduate_id: i64,
    pub department_id: i64,
    pub chain: ReviewChain,
    pub graduate: GraduateStanding,
}

/// `now` is part of every workflow's signature; registrations have no deadline of their own
/// (the cohort's change deadline arrives through `f.graduate.changes_closed`).
pub fn transition(
    state: RegistrationState,
    event: &RegistrationEvent,
    actor: &Actor,
    f: &RegistrationFacts,
    _now: crate::time::Timestamp,
) -> Result<RegistrationState> {
    use RegistrationEvent as E;
    use RegistrationState as S;
    let graduate_gate = || -> Result<()> {
        actor.require(actor.is_graduate(f.graduate_id))?;
        f.graduate.require_can_act()
    };
    match event {
        E::Submit => {
            graduate_gate()?;
            if !matches!(state, S::Draft | S::Returned) {
                return Err(DomainError::invalid_state(state.name()));
            }
            if state == S::Returned {
                f.graduate.require_changes_open()?;
            }
            if f.kind != RegistrationKind::OfflineTermination {
                f.graduate.require_free()?;
            }
            Ok(S::Submitted)
        }
        E::Withdraw => {
            graduate_gate()?;
            if state != S::Submitted {
                return Err(DomainError::invalid_state(state.name()));
            }
            f.graduate.require_changes_open()?;
            Ok(if f.kind == RegistrationKind::OfflineTermination {
                S::Withdrawn
            } else {
                S::Draft
            })
        }
        E::Edit => {
            graduate_gate()?;
            if !matches!(state, S::Draft | S::Returned) {
                return Err(DomainError::invalid_state(state.name()));
            }
            if state == S::Returned {
                f.graduate.require_changes_open()?;
            }
            Ok(state)
        }
        E::ReviewerEdit => {
            if f.kind != RegistrationKind::Destination || !state.in_review() {
                return Err(DomainError::invalid_state(state.name()));
            }
            actor.require(may_review(actor, f.chain, state.step(), f.department_id))?;
            Ok(state)
        }
        E::Review(decision) => {
            if !state.in_review() {
                return Err(DomainError::invalid_state(state.name()));
            }
            Ok(
                match review_step(
                    actor,
                    f.chain,
                    state.step(),
                    f.department_id,
                    decision,
                    true,
                )? {
                    ReviewOutcome::Advanced(next) => S::UnderReview { step: next },
                    ReviewOutcome::Completed => S::Approved,
                    ReviewOutcome::Returned => S::Returned,
                    ReviewOutcome::Rejected => S::Rejected,
                },
            )
        }
        E::Void => {
            graduate_gate()?;
            if f.kind != RegistrationKind::Destination || state != S::Approved {
                return Err(DomainError::invalid_state(state.name()));
            }
            f.graduate.require_changes_open()?;
            Ok(S::Voided)
        }
        E::Terminate => {
            actor.require(actor.role == Role::System)?;
            if f.kind != RegistrationKind::Paper || state != S::Approved {
                return Err(DomainError::invalid_state(state.name()));
            }
            Ok(S::Terminated)
        }
    }
}

impl WorkflowState for RegistrationState {
    fn name(self) -> &'static str {
        RegistrationState::name(self)
    }
    fn step(self) -> usize {
        RegistrationState::step(self)
    }
    fn from_parts(name: &str, step: usize) -> Option<RegistrationState> {
        RegistrationState::from_parts(name, step)
    }
}

/// One registration step: [`transition`] plus its history line and notices.
pub fn step(
    state: RegistrationState,
    event: &RegistrationEvent,
    actor: &Actor,
    f: &RegistrationFacts,
    now: crate::time::Timestamp,
) -> Result<Step<RegistrationState>> {
    use RegistrationEvent as E;
    let next = transition(state, event, actor, f, now)?;
    let level = level_at(f.chain, state.step());
    Ok(match event {
        E::Submit => Step::new(next, "submit"),
        E::Withdraw => Step::new(next, "withdraw"),
        E::Edit => Step::new(next, "edit"),
        E::Void => Step::new(next, "void"),
        E::Terminate => Step::new(next, "terminate"),
        E::ReviewerEdit => Step {
            level: level.map(|l| l.as_str()).unwrap_or(""),
            notices: vec![Notice {
                school_change: true,
                ..Notice::new(
                    Addressee::Graduate,
                    "record_modified",
                    "审核老师修改了您的毕业去向登记",
                    "审核老师在审核中修改了您的毕业去向类型或信息，请登录查看修改前后的内容。",
                )
            }],
            ..Step::new(next, "reviewer_edit")
        },
        E::Review(d) => {
            let lvl = level.map(|l| l.label()).unwrap_or("");
            let what = match f.kind {
                RegistrationKind::Paper => "纸质协议登记",
                RegistrationKind::Destination => "毕业去向登记",
                RegistrationKind::OfflineTermination => "线下解约申请",
            };
            let body = match next {
                RegistrationState::Approved => format!("{what}{lvl}通过，已生效。"),
                RegistrationState::UnderReview { .. } => {
                    format!("{what}{lvl}通过，进入下一级审核。")
                }
                RegistrationState::Returned => {
                    format!("{what}被{lvl}退回修改，原因：{}", d.text())
                }
                _ => format!("{what}{lvl}未通过，原因：{}", d.text()),
            };
            Step {
                next,
                action: d.name(),
                level: level.map(|l| l.as_str()).unwrap_or(""),
                reason: d.text().to_string(),
                notices: vec![Notice::new(
                    Addressee::Graduate,
                    "review_result",
                    format!("{what}审核结果"),
                    body,
                )],
            }
        }
    })
}
