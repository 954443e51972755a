//! Creating the school on first start: the engine's demo school, or a real one.

use gradsign_engine::demo::DemoAccount;
use gradsign_engine::SchoolSetup;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::error::CommandResult;
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

/// A demo account, shown on the sign-in screen after the demo school is made.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DemoAccountView {
    pub role: String,
    pub login: String,
    pub password: String,
    pub note: String,
}

/// Fills the empty database with the engine's demo school; returns its accounts.
#[tauri::command]
pub async fn school_demo_create(state: State<'_, AppState>) -> CommandResult<Vec<DemoAccountView>> {
    let accounts = state.engine()?.create_demo(now()).await?;
    Ok(accounts.into_iter().map(DemoAccountView::from).collect())
}

impl From<DemoAccount> for DemoAccountView {
    fn from(a: DemoAccount) -> Self {
        DemoAccountView {
            role: a.role,
            login: a.login,
            password: a.password,
            note: a.note,
        }
    }
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
