//! Creating the school on first start: the engine's demo school, or a real one.

use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::state::AppState;

/// A new school with its first admin account.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SchoolSetupInput {
    pub name: String,
    /// The 5-digit school code (学校代码) used in agreement numbers.
    pub code: String,
    /// The employment office's contact, shown to graduates whose info is wrong.
    pub contact: String,
    pub departments: Vec<String>,
    pub admin_login: String,
    pub admin_password: String,
    pub admin_name: String,
}

/// Fills the empty database with the engine's demo school.
#[tauri::command]
pub async fn school_demo_create(state: State<'_, AppState>) -> CommandResult<()> {
    let _ = state;
    Err(engine_missing())
}

/// Creates a school and its admin account in the empty database.
#[tauri::command]
pub async fn school_setup(
    state: State<'_, AppState>,
    input: SchoolSetupInput,
) -> CommandResult<()> {
    let _ = (state, input);
    Err(engine_missing())
}

fn engine_missing() -> CommandError {
    CommandError::new(
        ErrorCode::Internal,
        "此版本尚未接入业务引擎",
        "The workflow engine is not part of this build yet",
    )
}
