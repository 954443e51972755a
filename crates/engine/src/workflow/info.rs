//! Basic-info confirmation (R-INFO-01): a graduate enters the system only after confirming.

use super::Actor;
use crate::error::{DomainError, ErrorCode, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InfoState {
    Unconfirmed,
    Confirmed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfoEvent {
    Confirm,
}

/// `graduate_id` is the record the confirmation is for.
pub fn transition(
    state: InfoState,
    event: InfoEvent,
    actor: &Actor,
    graduate_id: i64,
) -> Result<InfoState> {
    actor.require(actor.is_graduate(graduate_id))?;
    match (state, event) {
        (InfoState::Unconfirmed, InfoEvent::Confirm) => Ok(InfoState::Confirmed),
        (InfoState::Confirmed, InfoEvent::Confirm) => Err(DomainError::new(
            ErrorCode::InvalidState,
            "基本信息已确认",
            "Basic info is already confirmed",
        )),
    }
}
