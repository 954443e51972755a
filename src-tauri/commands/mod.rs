//! The Tauri commands, one file per area, named `area_verb`. Each command parses its input, calls
//! the engine and maps the answer; rules live in the engine, not here.

pub mod about;
pub mod admin;
pub mod agreement;
pub mod app;
pub mod employer;
pub mod graduate;
pub mod messages;
pub mod review;
pub mod school;
pub mod session;
pub mod stats;
pub mod termination;

use crate::error::CommandResult;
use crate::state::{now, AppState};

/// The signed-in person as the engine knows them (role, scope), from the session token; every
/// command that acts for someone starts here.
pub(crate) async fn actor(state: &AppState) -> CommandResult<gradsign_engine::Actor> {
    Ok(state.engine()?.authenticate(&state.token()?, now()).await?)
}
