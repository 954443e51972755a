//! Signing in and out, and the remembered session: the keychain is the desktop's, so these stay
//! desktop commands; the engine's part of each is the catalog's (crates/api, session.rs:
//! `session_open`, `session_user`, `session_close`).

use gradsign_api::session::{ActivateRequest, ChangePasswordRequest, SessionUser, SignInRequest};
use gradsign_api::{Caller, Cx};
use gradsign_engine::SessionToken;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::commands::operation::DESKTOP_CLIENT;
use crate::error::{CommandResult, ErrorCode};
use crate::state::{now, AppState, RememberOutcome};

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
    let caller = Caller::anonymous(DESKTOP_CLIENT);
    let request = SignInRequest {
        username: input.username,
        password: input.password,
    };
    let opened = gradsign_api::session::sign_in(&cx(&state, &caller)?, request).await?;
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
    let caller = Caller::anonymous(DESKTOP_CLIENT);
    let request = ActivateRequest {
        student_number: input.student_number,
        id_number: input.id_number,
        password: input.password,
    };
    let opened = gradsign_api::session::activate(&cx(&state, &caller)?, request).await?;
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
    let caller = Caller::with_token(old.clone(), DESKTOP_CLIENT);
    let cx = cx(&state, &caller)?;
    let actor = cx.actor().await?;
    let opened = gradsign_api::session::change_password(&cx, &actor, input).await?;
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
    let caller = Caller::with_token(token.clone(), DESKTOP_CLIENT);
    let cx = cx(&state, &caller)?;
    let user = match cx.actor().await {
        Ok(actor) => gradsign_api::session::user(&cx, &actor, ()).await,
        Err(e) => Err(e),
    };
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
        let caller = Caller::with_token(token, DESKTOP_CLIENT);
        gradsign_api::session::close(&cx(&state, &caller)?, ()).await?;
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

/// A catalog call's context for a session the window does not hold (yet, or any more).
fn cx<'a>(state: &'a AppState, caller: &'a Caller) -> CommandResult<Cx<'a>> {
    Ok(Cx {
        engine: state.engine()?,
        now: now(),
        caller,
    })
}
