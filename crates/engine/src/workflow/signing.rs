//! Invitations and online signing (R-SIGN): one item from invitation to signed agreement.
//! `pending` → `rejected` | `expired` | `withdrawn` | accepted = `under_review` (one step per level)
//! → `signed` | `review_failed`; `signed` → `terminated` (R-TERM, R-OFF).

use super::review::{level_at, review_step, ReviewOutcome};
use super::{
    ActiveDestination, Actor, Addressee, GraduateStanding, Notice, NoticeBody, ReviewChain,
    ReviewDecision, Role, Step, WorkflowState,
};
use crate::error::{DomainError, ErrorCode, Result};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SigningState {
    Pending,
    Rejected,
    Expired,
    Withdrawn,
    UnderReview { step: usize },
    Signed,
    ReviewFailed,
    Terminated,
}

impl SigningState {
    pub fn name(self) -> &'static str {
        match self {
            SigningState::Pending => "pending",
            SigningState::Rejected => "rejected",
            SigningState::Expired => "expired",
            SigningState::Withdrawn => "withdrawn",
            SigningState::UnderReview { .. } => "under_review",
            SigningState::Signed => "signed",
            SigningState::ReviewFailed => "review_failed",
            SigningState::Terminated => "terminated",
        }
    }
    pub fn from_parts(name: &str, step: usize) -> Option<SigningState> {
        Some(match name {
            "pending" => SigningState::Pending,
            "rejected" => SigningState::Rejected,
            "expired" => SigningState::Expired,
            "withdrawn" => SigningState::Withdrawn,
            "under_review" => SigningState::UnderReview { step },
            "signed" => SigningState::Signed,
            "review_failed" => SigningState::ReviewFailed,
            "terminated" => SigningState::Terminated,
            _ => return None,
        })
    }
    pub fn step(self) -> usize {
        match self {
            SigningState::UnderReview { step } => step,
            _ => 0,
        }
    }
    /// Counts for R-ONE-01: accepted and not failed or terminated.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            SigningState::UnderReview { .. } | SigningState::Signed
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigningEvent {
    Accept,
    Reject,
    Withdraw,
    Expire,
    Review(ReviewDecision),
    /// Cascade of an approved termination (online or offline).
    Terminate,
}

/// What the engine read for this invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningFacts {
    pub graduate_id: i64,
    pub employer_id: i64,
    pub department_id: i64,
    pub deadline: Timestamp,
    pub chain: ReviewChain,
    pub graduate: GraduateStanding,
}

fn expired() -> DomainError {
    DomainError::new(
        ErrorCode::Expired,
        "已过应约截止时间，不能再应约或拒绝",
        "The response deadline has passed; the invitation can no longer be answered",
    )
}

fn signing_locked() -> DomainError {
    DomainError::new(ErrorCode::SigningLocked, "您已接受其他单位的签约邀请，在该协议签约失败或解约之前，其他邀请仅可查看", "You have accepted another invitation; other invitations are view-only until it fails review or is terminated")
}

/// The pure transition of the signing workflow.
pub fn transition(
    state: SigningState,
    event: &SigningEvent,
    actor: &Actor,
    f: &SigningFacts,
    now: Timestamp,
) -> Result<SigningState> {
    use SigningEvent as E;
    use SigningState as S;
    match event {
        E::Accept | E::Reject => {
            actor.require(actor.is_graduate(f.graduate_id))?;
            f.graduate.require_can_act()?;
            if f.graduate.directed {
                return Err(directed());
            }
            if state != S::Pending {
                return Err(if state == S::Expired {
                    expired()
                } else {
                    DomainError::invalid_state(state.name())
                });
            }
            if now >= f.deadline {
                return Err(expired());
            }
            if f.graduate.active == Some(ActiveDestination::OnlineAgreement) {
                return Err(signing_locked());
            }
            if *event == E::Reject {
                return Ok(S::Rejected);
            }
            f.graduate.require_free()?;
            Ok(S::UnderReview { step: 0 })
        }
        E::Withdraw => {
            actor.require(actor.is_employer(Some(f.employer_id)))?;
            if state != S::Pending {
                return Err(DomainError::invalid_state(state.name()));
            }
            if now >= f.deadline {
                return Err(expired());
            }
            Ok(S::Withdrawn)
        }
        E::Expire => {
            actor.require(actor.role == Role::System)?;
            if state != S::Pending || now < f.deadline {
                return Err(DomainError::invalid_state(state.name()));
            }
            Ok(S::Expired)
        }
        E::Review(decision) => {
            let S::UnderReview { step } = state else {
                return Err(DomainError::invalid_state(state.name()));
            };
            Ok(
                match review_step(actor, f.chain, step, f.department_id, decision, false)? {
                    ReviewOutcome::Advanced(next) => S::UnderReview { step: next },
                    ReviewOutcome::Completed => S::Signed,
                    ReviewOutcome::Returned | ReviewOutcome::Rejected => S::ReviewFailed,
                },
            )
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

impl WorkflowState for SigningState {
    fn name(self) -> &'static str {
        SigningState::name(self)
    }
    fn step(self) -> usize {
        SigningState::step(self)
    }
    fn from_parts(name: &str, step: usize) -> Option<SigningState> {
        SigningState::from_parts(name, step)
    }
}

/// One signing step: [`transition`] plus its history line and notices. `graduate_name` is what
/// the employer's notice calls the graduate.
pub fn step(
    state: SigningState,
    event: &SigningEvent,
    actor: &Actor,
    f: &SigningFacts,
    graduate_name: &str,
    now: Timestamp,
) -> Result<Step<SigningState>> {
    use Addressee::{Employer, Graduate};
    let next = transition(state, event, actor, f, now)?;
    Ok(match event {
        SigningEvent::Accept => Step {
            notices: vec![Notice::new(
                Employer,
                "answer_received",
                "毕业生已接受签约邀请",
                format!("{graduate_name}已接受您的签约邀请，协议进入审核。"),
            )],
            ..Step::new(next, "accept")
        },
        SigningEvent::Reject => Step {
            notices: vec![Notice::new(
                Employer,
                "answer_received",
                "毕业生已拒绝签约邀请",
                format!("{graduate_name}拒绝了您的签约邀请。"),
            )],
            ..Step::new(next, "reject")
        },
        SigningEvent::Withdraw => Step {
            notices: vec![Notice::new(
                Graduate,
                "invitation_withdrawn",
                "签约邀请已撤销",
                "用人单位撤销了对您的签约邀请。",
            )],
            ..Step::new(next, "withdraw")
        },
        SigningEvent::Expire => Step::new(next, "expire"),
        SigningEvent::Terminate => Step::new(next, "terminate"),
        SigningEvent::Review(d) => {
            let level = level_at(f.chain, state.step());
            let lvl = level.map(|l| l.label()).unwrap_or("");
            let (title, body) = match next {
                SigningState::Signed => (
                    "网签协议审核通过，签约成功".to_string(),
                    NoticeBody::AroundAgreementNumber {
                        before: format!("{lvl}通过，协议编号"),
                        after: "。",
                    },
                ),
                SigningState::ReviewFailed => (
                    "签约失败：网签协议审核未通过".to_string(),
                    NoticeBody::Text(format!("{lvl}未通过，原因：{}", d.text())),
                ),
                _ => (
                    format!("网签协议{lvl}通过"),
                    NoticeBody::Text("已进入下一级审核。".to_string()),
                ),
            };
            let notice = |to| Notice {
                to,
                kind: "review_result",
                title: title.clone(),
                body: body.clone(),
                school_change: false,
            };
            Step {
                next,
                action: d.name(),
                level: level.map(|l| l.as_str()).unwrap_or(""),
                reason: d.text().to_string(),
                notices: vec![notice(Graduate), notice(Employer)],
            }
        }
    })
}

pub(crate) fn directed() -> DomainError {
    DomainError::new(ErrorCode::DirectedGraduate, "定向/委培毕业生不能网上签约，请进行定向/委培毕业去向补充登记", "定向/委培 (directed or commissioned) graduates cannot sign online; use the directed-destination registration")
}

/// What the engine read before an employer invites (R-SIGN-01, -04, -05, -09).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteFacts {
    pub employer_id: i64,
    pub employer_approved: bool,
    pub module_open: bool,
    pub directed: bool,
    pub pending_from_same_employer: bool,
    pub deadline: Timestamp,
    pub max_deadline: Timestamp,
}

/// An employer's invitation is the signing item's first state.
pub fn invite(actor: &Actor, f: &InviteFacts, now: Timestamp) -> Result<SigningState> {
    actor.require(actor.is_employer(Some(f.employer_id)))?;
    if !f.employer_approved {
        return Err(DomainError::new(
            ErrorCode::EmployerNotApproved,
            "单位注册尚未经学校审核通过，暂不能发起签约邀请",
            "The employer's sign-up is not approved by the school yet",
        ));
    }
    if !f.module_open {
        return Err(super::module_closed());
    }
    if f.directed {
        return Err(directed());
    }
    if f.pending_from_same_employer {
        return Err(DomainError::new(
            ErrorCode::DuplicateInvitation,
            "已向该毕业生发出邀请且对方尚未答复，不能重复邀请",
            "A pending invitation to this graduate already exists",
        ));
    }
    if f.deadline <= now || f.deadline > f.max_deadline {
        return Err(DomainError::field(
            "deadline",
            "应约截止时间须晚于当前时间且不超过学校允许的期限",
            "The response deadline must be in the future and within the school's limit",
        ));
    }
    Ok(SigningState::Pending)
}
