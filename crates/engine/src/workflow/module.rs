//! The module "毕业去向登记与网签" per cohort (R-MOD-01), opened and closed by the school admin.

use super::{Actor, Role};
use crate::error::{DomainError, ErrorCode, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModuleState {
    Closed,
    Open,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleEvent {
    Open,
    Close,
}

pub fn transition(state: ModuleState, event: ModuleEvent, actor: &Actor) -> Result<ModuleState> {
    actor.require(actor.role == Role::SchoolAdmin)?;
    match (state, event) {
        (ModuleState::Closed, ModuleEvent::Open) => Ok(ModuleState::Open),
        (ModuleState::Open, ModuleEvent::Close) => Ok(ModuleState::Closed),
        (ModuleState::Open, ModuleEvent::Open) => Err(DomainError::new(
            ErrorCode::InvalidState,
            "模块已开放",
            "The module is already open",
        )),
        (ModuleState::Closed, ModuleEvent::Close) => Err(DomainError::new(
            ErrorCode::InvalidState,
            "模块已关闭",
            "The module is already closed",
        )),
    }
}
