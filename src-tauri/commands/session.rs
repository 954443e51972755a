//! Signing in and out, and the remembered session.

use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::state::AppState;

/// The sign-in form.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignInInput {
    pub username: String,
    pub password: String,
    /// Keep the session in the OS keychain ("remember me").
    pub remember: bool,
}

/// Who is signed in.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionUser {
    pub display_name: String,
    pub role: UserRole,
}

/// The roles of DOMAIN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UserRole {
    Graduate,
    Employer,
    DepartmentReviewer,
    SchoolReviewer,
    SchoolAdmin,
}

/// What happened to "remember me".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Remembered {
    /// The session is in the keychain.
    Yes,
    /// Not asked for.
    No,
    /// Asked for, but there is no keychain: signed in without remembering.
    KeychainUnavailable,
}

/// A successful sign-in.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignInOutcome {
    pub user: SessionUser,
    pub remembered: Remembered,
}

/// Signs in with a username and password.
#[tauri::command]
pub async fn session_sign_in(
    state: State<'_, AppState>,
    input: SignInInput,
) -> CommandResult<SignInOutcome> {
    let _ = (state, input);
    Err(engine_missing())
}

/// Signs in with the remembered session, if there is one and it is still valid.
#[tauri::command]
pub async fn session_resume(state: State<'_, AppState>) -> CommandResult<Option<SessionUser>> {
    let _ = state;
    Ok(None)
}

/// Signs out and forgets the remembered session.
#[tauri::command]
pub async fn session_sign_out(state: State<'_, AppState>) -> CommandResult<()> {
    state.set_session(None);
    let store = state.session_store.clone();
    tauri::async_runtime::spawn_blocking(move || store.clear())
        .await
        .map_err(CommandError::internal)?
        .map_err(CommandError::internal)
}

fn engine_missing() -> CommandError {
    CommandError::new(
        ErrorCode::Internal,
        "此版本尚未接入业务引擎",
        "The workflow engine is not part of this build yet",
    )
}
