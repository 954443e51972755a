//! One review step of the cohort's chain (R-REV-01..03), shared by every reviewed workflow.

use super::{Actor, Level, ReviewChain, ReviewDecision, Role};
use crate::error::{DomainError, Result};
use crate::types::Explanation;

/// Where the item goes after one decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewOutcome {
    /// Approved at this level; the next level (index) reviews next.
    Advanced(usize),
    /// Approved at the last level.
    Completed,
    /// Sent back to the graduate (only where the workflow allows return).
    Returned,
    /// Rejected: the item ends.
    Rejected,
}

/// The level awaiting a decision, or None when `step` is past the chain.
pub fn level_at(chain: ReviewChain, step: usize) -> Option<Level> {
    chain.levels().get(step).copied()
}

/// May this actor decide at `step` for an item of `department_id`?
pub fn may_review(actor: &Actor, chain: ReviewChain, step: usize, department_id: i64) -> bool {
    match (level_at(chain, step), actor.role) {
        (Some(Level::Department), Role::DepartmentReviewer) => {
            actor.department_id == Some(department_id)
        }
        (Some(Level::School), Role::SchoolReviewer) => true,
        _ => false,
    }
}

/// Decides one review step. `allow_return` is false for online signing and termination, which
/// DOMAIN.md reviews by approve or reject only.
pub fn review_step(
    actor: &Actor,
    chain: ReviewChain,
    step: usize,
    department_id: i64,
    decision: &ReviewDecision,
    allow_return: bool,
) -> Result<ReviewOutcome> {
    if !matches!(actor.role, Role::DepartmentReviewer | Role::SchoolReviewer) {
        return Err(DomainError::forbidden());
    }
    if !may_review(actor, chain, step, department_id) {
        let level = level_at(chain, step).map(Level::label).unwrap_or("-");
        return Err(
            DomainError::forbidden().with_details(serde_json::json!({ "awaiting_level": level }))
        );
    }
    let text = Explanation::parse(decision.text()).map_err(|e| {
        e.with_details(serde_json::json!({"field": "reason", "max": Explanation::MAX}))
    })?;
    match decision {
        ReviewDecision::Approve { .. } => {
            if step + 1 < chain.levels().len() {
                Ok(ReviewOutcome::Advanced(step + 1))
            } else {
                Ok(ReviewOutcome::Completed)
            }
        }
        ReviewDecision::Return { .. } | ReviewDecision::Reject { .. } if text.is_empty() => {
            Err(DomainError::field(
                "reason",
                "退回或不通过必须填写原因",
                "Return and rejection need a reason",
            ))
        }
        ReviewDecision::Return { .. } if !allow_return => Err(DomainError::field(
            "decision",
            "此类事项只能审核通过或不通过",
            "This kind of item can only be approved or rejected",
        )),
        ReviewDecision::Return { .. } => Ok(ReviewOutcome::Returned),
        ReviewDecision::Reject { .. } => Ok(ReviewOutcome::Rejected),
    }
}
