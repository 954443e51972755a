//! Online termination of a signed online agreement (R-TERM):
//! `awaiting_counterparty` → `under_review` → `approved` | `review_failed`;
//! or `counterparty_refused`; or `cancelled` by its initiator while awaiting the counterparty.

use super::review::{level_at, review_step, ReviewOutcome};
use super::{Actor, Addressee, Notice, ReviewChain, ReviewDecision, Role, Step, WorkflowState};
use crate::error::{DomainError, ErrorCode, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Graduate,
    Employer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TerminationState {
    AwaitingCounterparty,
    UnderReview { step: usize },
    Approved,
    ReviewFailed,
    CounterpartyRefused,
    Cancelled,
}

impl TerminationState {
    pub fn name(self) -> &'static str {
        match self {
            TerminationState::AwaitingCounterparty => "awaiting_counterparty",
            TerminationState::UnderReview { .. } => "under_review",
            TerminationState::Approved => "approved",
            TerminationState::ReviewFailed => "review_failed",
            TerminationState::CounterpartyRefused => "counterparty_refused",
            TerminationState::Cancelled => "cancelled",
        }
    }
    pub fn from_parts(name: &str, step: usize) -> Option<TerminationState> {
        Some(match name {
            "awaiting_counterparty" => TerminationState::AwaitingCounterparty,
            "under_review" => TerminationState::UnderReview { step },
            "approved" => TerminationState::Approved,
            "review_failed" => TerminationState::ReviewFailed,
            "counterparty_refused" => TerminationState::CounterpartyRefused,
            "cancelled" => TerminationState::Cancelled,
            _ => return None,
        })
    }
    pub fn step(self) -> usize {
        match self {
            TerminationState::UnderReview { step } => step,
            _ => 0,
        }
    }
    /// R-TERM-04: an open request blocks a second one.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            TerminationState::AwaitingCounterparty | TerminationState::UnderReview { .. }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TerminationEvent {
    /// The counterparty agrees.
    Accept,
    /// The counterparty refuses (R-TERM-02).
    Refuse,
    /// The initiator cancels while awaiting the counterparty.
    Cancel,
    Review(ReviewDecision),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminationFacts {
    pub initiator: Party,
    pub graduate_id: i64,
    pub employer_id: i64,
    pub department_id: i64,
    pub chain: ReviewChain,
}

fn party_of(actor: &Actor, f: &TerminationFacts) -> Option<Party> {
    if actor.is_graduate(f.graduate_id) {
        Some(Party::Graduate)
    } else if actor.is_employer(Some(f.employer_id)) {
        Some(Party::Employer)
    } else {
        None
    }
}

/// R-TERM-02: no deadline, so `now` is unused; it stays for the common workflow signature.
pub fn transition(
    state: TerminationState,
    event: &TerminationEvent,
    actor: &Actor,
    f: &TerminationFacts,
    _now: crate::time::Timestamp,
) -> Result<TerminationState> {
    use TerminationEvent as E;
    use TerminationState as S;
    match event {
        E::Accept | E::Refuse => {
            let party = party_of(actor, f).ok_or_else(DomainError::forbidden)?;
            if party == f.initiator {
                return Err(DomainError::new(
                    ErrorCode::Forbidden,
                    "解约申请须由对方答复",
                    "Only the other party can answer a termination request",
                ));
            }
            if state != S::AwaitingCounterparty {
                return Err(DomainError::invalid_state(state.name()));
            }
            Ok(if *event == E::Accept {
                S::UnderReview { step: 0 }
            } else {
                S::CounterpartyRefused
            })
        }
        E::Cancel => {
            if party_of(actor, f) != Some(f.initiator) {
                return Err(DomainError::forbidden());
            }
            if state != S::AwaitingCounterparty {
                return Err(DomainError::invalid_state(state.name()));
            }
            Ok(S::Cancelled)
        }
        E::Review(decision) => {
            let S::UnderReview { step } = state else {
                return Err(DomainError::invalid_state(state.name()));
            };
            if actor.role == Role::System {
                return Err(DomainError::forbidden());
            }
            Ok(
                match review_step(actor, f.chain, step, f.department_id, decision, false)? {
                    ReviewOutcome::Advanced(next) => S::UnderReview { step: next },
                    ReviewOutcome::Completed => S::Approved,
                    ReviewOutcome::Returned | ReviewOutcome::Rejected => S::ReviewFailed,
                },
            )
        }
    }
}

impl WorkflowState for TerminationState {
    fn name(self) -> &'static str {
        TerminationState::name(self)
    }
    fn step(self) -> usize {
        TerminationState::step(self)
    }
    fn from_parts(name: &str, step: usize) -> Option<TerminationState> {
        TerminationState::from_parts(name, step)
    }
}

/// One termination step: [`transition`] plus its history line and notices.
pub fn step(
    state: TerminationState,
    event: &TerminationEvent,
    actor: &Actor,
    f: &TerminationFacts,
    now: crate::time::Timestamp,
) -> Result<Step<TerminationState>> {
    let next = transition(state, event, actor, f, now)?;
    let initiator = match f.initiator {
        Party::Graduate => Addressee::Graduate,
        Party::Employer => Addressee::Employer,
    };
    Ok(match event {
        TerminationEvent::Accept => Step {
            notices: vec![Notice::new(
                initiator,
                "answer_received",
                "对方同意解约",
                "对方已同意解约，申请进入学校审核。",
            )],
            ..Step::new(next, "accept")
        },
        TerminationEvent::Refuse => Step {
            notices: vec![Notice::new(
                initiator,
                "answer_received",
                "对方拒绝解约",
                "对方拒绝了解约申请，协议继续有效。",
            )],
            ..Step::new(next, "refuse")
        },
        TerminationEvent::Cancel => Step::new(next, "cancel"),
        TerminationEvent::Review(d) => {
            let level = level_at(f.chain, state.step());
            let lvl = level.map(|l| l.label()).unwrap_or("");
            let body = match next {
                TerminationState::Approved => format!("解约申请{lvl}通过，协议已解除。"),
                TerminationState::ReviewFailed => {
                    format!("解约申请{lvl}未通过，协议继续有效。原因：{}", d.text())
                }
                _ => format!("解约申请{lvl}通过，进入下一级审核。"),
            };
            Step {
                next,
                action: d.name(),
                level: level.map(|l| l.as_str()).unwrap_or(""),
                reason: d.text().to_string(),
                notices: vec![
                    Notice::new(Addressee::Graduate, "review_result", "解约审核结果", &body),
                    Notice::new(Addressee::Employer, "review_result", "解约审核结果", body),
                ],
            }
        }
    })
}
