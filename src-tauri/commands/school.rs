//! Creating the school on first start: the engine's demo school, or a real one.

use gradsign_engine::SchoolSetup;
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::state::{now, AppState};

/// A new school with its first admin account (the engine's `SchoolSetup`).
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
    let _ = state.engine()?;
    Err(CommandError::new(
        ErrorCode::Internal,
        "此版本的业务引擎尚无示范学校",
        "The engine in this build has no demo school yet",
    ))
}

/// Creates a school and its admin account in the empty database.
#[tauri::command]
pub async fn school_setup(
    state: State<'_, AppState>,
    input: SchoolSetupInput,
) -> CommandResult<()> {
    state.engine()?.init_school(&input.into(), now()).await?;
    Ok(())
}

impl From<SchoolSetupInput> for SchoolSetup {
    fn from(i: SchoolSetupInput) -> Self {
        SchoolSetup {
            name: i.name,
            code: i.code,
            contact: i.contact,
            departments: i.departments,
            admin_login: i.admin_login,
            admin_password: i.admin_password,
            admin_name: i.admin_name,
        }
    }
}
