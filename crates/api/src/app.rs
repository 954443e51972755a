//! The app as a whole: what the first screen needs to know.

use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::CommandResult;
use crate::state::AppState;

/// What the app shows first.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    /// No school in the database yet: offer the demo school or the school set-up.
    pub first_start: bool,
}

/// Whether the database is empty (first start).
#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> CommandResult<AppStatus> {
    let first_start = state.engine()?.is_empty().await?;
    Ok(AppStatus { first_start })
}
