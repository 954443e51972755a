//! Signing in and out, and the remembered session.

use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use gradsign_engine::{AccountView, Role};

use crate::error::{CommandError, CommandResult};
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
    let session = state
        .engine()?
        .sign_in(&input.username, &input.password, now())
        .await?;
    let remembered = state
        .start_session(session.token, input.remember)
        .await
        .into();
    Ok(SignInOutcome {
        user: session.account.try_into()?,
        remembered,
    })
}

/// Signs in with the remembered session, if there is one and it is still valid.
#[tauri::command]
pub async fn session_resume(state: State<'_, AppState>) -> CommandResult<Option<SessionUser>> {
    let Some(token) = state.remembered_token().await else {
        return Ok(None);
    };
    match state.engine()?.session_account(&token, now()).await {
        Ok(account) => {
            state.keep_session(token);
            Ok(Some(account.try_into()?))
        }
        Err(e) if e.code == gradsign_engine::ErrorCode::Unauthenticated => {
            state.end_session().await?;
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Signs out and forgets the remembered session.
#[tauri::command]
pub async fn session_sign_out(state: State<'_, AppState>) -> CommandResult<()> {
    if let Some(token) = state.end_session().await? {
        state.engine()?.sign_out(&token).await?;
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

impl TryFrom<AccountView> for SessionUser {
    type Error = CommandError;

    fn try_from(account: AccountView) -> CommandResult<Self> {
        let role = match account.role {
            Role::Graduate => UserRole::Graduate,
            Role::Employer => UserRole::Employer,
            Role::DepartmentReviewer => UserRole::DepartmentReviewer,
            Role::SchoolReviewer => UserRole::SchoolReviewer,
            Role::SchoolAdmin => UserRole::SchoolAdmin,
            Role::System => return Err(CommandError::internal("system account signed in")),
        };
        Ok(SessionUser {
            display_name: account.display_name,
            role,
        })
    }
}
