//! Signing in and out, and the remembered session: the keychain is the desktop's, so these stay
//! desktop commands; the engine's part of each is the catalog's (crates/api, session.rs:
//! `session_open`, `session_user`, `session_close`).

use gradsign_api::session::{ChangePasswordRequest, SessionUser};
use gradsign_api::CommandError;
use gradsign_engine::SessionToken;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::error::{CommandResult, ErrorCode};
use crate::state::{AppState, RememberOutcome};

/// The sign-in form.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignInInput {
    pub username: String,
    pub password: String,
    /// Keep the session in the OS keychain ("remember me").
    pub remember: bool,
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
    let request = serde_json::json!({ "username": input.username, "password": input.password });
    let opened = opened(&state, None, "session_open", request).await?;
    let remembered = state
        .start_session(SessionToken(opened.token), input.remember)
        .await
        .into();
    Ok(SignInOutcome {
        user: opened.user,
        remembered,
    })
}

/// The first-sign-in form (R-INFO-03): student number, ID number and the password to set.
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivateInput {
    pub student_number: String,
    pub id_number: String,
    pub password: String,
    /// Keep the session in the OS keychain ("remember me").
    pub remember: bool,
}

impl std::fmt::Debug for ActivateInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActivateInput")
            .field("student_number", &self.student_number)
            .field("remember", &self.remember)
            .finish_non_exhaustive()
    }
}

/// A graduate's first sign-in: activates the account (catalog `account_activate`) and keeps its
/// session like `session_sign_in`.
#[tauri::command]
pub async fn session_activate(
    state: State<'_, AppState>,
    input: ActivateInput,
) -> CommandResult<SignInOutcome> {
    let request = serde_json::json!({
        "studentNumber": input.student_number,
        "idNumber": input.id_number,
        "password": input.password,
    });
    let opened = opened(&state, None, "account_activate", request).await?;
    let remembered = state
        .start_session(SessionToken(opened.token), input.remember)
        .await
        .into();
    Ok(SignInOutcome {
        user: opened.user,
        remembered,
    })
}

/// Changes the signed-in user's password (catalog `account_change_password`, R-AUTH-06). The
/// engine ends every session of the account, this one included, and opens a new one: the window
/// keeps the new token (and the keychain too, when it remembered the old one), so the user stays
/// signed in; the token never reaches the UI.
#[tauri::command]
pub async fn session_change_password(
    state: State<'_, AppState>,
    input: ChangePasswordRequest,
) -> CommandResult<SignInOutcome> {
    let old = state.token()?;
    let request = serde_json::json!({
        "currentPassword": input.current_password,
        "newPassword": input.new_password,
    });
    let opened = opened(&state, Some(&old), "account_change_password", request).await?;
    let remembered = state
        .rotate_session(&old, SessionToken(opened.token))
        .await
        .into();
    Ok(SignInOutcome {
        user: opened.user,
        remembered,
    })
}

/// Signs in with the remembered session, if there is one and it is still valid.
#[tauri::command]
pub async fn session_resume(state: State<'_, AppState>) -> CommandResult<Option<SessionUser>> {
    let Some(token) = state.remembered_token().await else {
        return Ok(None);
    };
    let user = state
        .call_as(Some(&token), "session_user", serde_json::Value::Null)
        .await
        .and_then(|r| r.into_json())
        .and_then(|v| serde_json::from_value::<SessionUser>(v).map_err(CommandError::internal));
    match user {
        Ok(user) => {
            state.keep_session(token);
            Ok(Some(user))
        }
        Err(e) if e.code == ErrorCode::Unauthenticated => {
            state.end_session().await?;
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Signs out and forgets the remembered session.
#[tauri::command]
pub async fn session_sign_out(state: State<'_, AppState>) -> CommandResult<()> {
    if let Some(token) = state.end_session().await? {
        state
            .call_as(Some(&token), "session_close", serde_json::Value::Null)
            .await?;
    }
    Ok(())
}

impl From<RememberOutcome> for Remembered {
    fn from(outcome: RememberOutcome) -> Self {
        match outcome {
            RememberOutcome::Stored => Remembered::Yes,
            RememberOutcome::NotAsked => Remembered::No,
            RememberOutcome::KeychainUnavailable => Remembered::KeychainUnavailable,
        }
    }
}

/// A session operation's answer (here or from the server): the new session and its user.
#[derive(Deserialize)]
struct Opened {
    token: String,
    user: SessionUser,
}

async fn opened(
    state: &AppState,
    token: Option<&SessionToken>,
    name: &str,
    request: serde_json::Value,
) -> CommandResult<Opened> {
    let answer = state.call_as(token, name, request).await?.into_json()?;
    serde_json::from_value(answer).map_err(CommandError::internal)
}
