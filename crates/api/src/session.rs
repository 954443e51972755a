//! Sessions: signing in with a username and password, a graduate's first sign-in (activation,
//! R-INFO-03), changing one's password (R-AUTH-06), who the session belongs to, and ending it.
//! Where the token is kept is the transport's business (the desktop's keychain, a server's
//! cookie or header); these operations only open, read and close it in the engine.

use gradsign_engine::{AccountView, Actor, Role, SessionToken};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::Cx;
use crate::error::{CommandError, CommandResult, ErrorCode};

/// The sign-in form's credentials.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignInRequest {
    pub username: String,
    pub password: String,
}

/// A session just opened: its token (to send with every later call) and who it belongs to.
#[derive(Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionOpened {
    pub token: String,
    /// UTC seconds.
    pub expires_at: i64,
    pub user: SessionUser,
}

impl std::fmt::Debug for SessionOpened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionOpened")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("user", &self.user)
            .finish()
    }
}

/// Who is signed in (a desktop reads it back from its school's server).
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionUser {
    pub display_name: String,
    pub role: UserRole,
}

/// The roles of DOMAIN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserRole {
    Graduate,
    Employer,
    DepartmentReviewer,
    SchoolReviewer,
    SchoolAdmin,
}

/// Signs in with a username and password (throttled by the engine after repeated failures).
pub async fn sign_in(cx: &Cx<'_>, req: SignInRequest) -> CommandResult<SessionOpened> {
    let session = cx
        .engine
        .sign_in(&req.username, &req.password, cx.now)
        .await?;
    opened(session)
}

/// A graduate's first sign-in (R-INFO-03): student number and ID number, and the password to set.
#[derive(Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActivateRequest {
    pub student_number: String,
    pub id_number: String,
    pub password: String,
}

impl std::fmt::Debug for ActivateRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActivateRequest")
            .field("student_number", &self.student_number)
            .field("id_number", &"<redacted>")
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Changing one's own password (R-AUTH-06).
#[derive(Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

impl std::fmt::Debug for ChangePasswordRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangePasswordRequest { <redacted> }")
    }
}

/// Activates a graduate's account and opens its first session (R-INFO-03, R-AUTH-05): a student
/// number the school never uploaded, or a wrong ID number, is `not_imported` with the school's
/// message; repeated failures are `throttled` per student number.
pub async fn activate(cx: &Cx<'_>, req: ActivateRequest) -> CommandResult<SessionOpened> {
    let session = cx
        .engine
        .activate_graduate(&req.student_number, &req.id_number, &req.password, cx.now)
        .await?;
    opened(session)
}

/// Changes the caller's password (R-AUTH-06). Every session of the account ends, the caller's
/// included; the answer is the new session, which the transport keeps instead of the old one.
pub async fn change_password(
    cx: &Cx<'_>,
    actor: &Actor,
    req: ChangePasswordRequest,
) -> CommandResult<SessionOpened> {
    let session = cx
        .engine
        .change_password(actor, &req.current_password, &req.new_password, cx.now)
        .await?;
    opened(session)
}

fn opened(session: gradsign_engine::Session) -> CommandResult<SessionOpened> {
    Ok(SessionOpened {
        token: session.token.0,
        expires_at: session.expires_at,
        user: session.account.try_into()?,
    })
}

/// Who the caller's session belongs to (an expired or unknown one: `unauthenticated`).
pub async fn user(cx: &Cx<'_>, _actor: &Actor, _: ()) -> CommandResult<SessionUser> {
    let account = cx.engine.session_account(token(cx)?, cx.now).await?;
    account.try_into()
}

/// Ends the caller's session in the engine. Anonymous on purpose: holding the token is all the
/// right it takes, and an expired session (or a disabled account's) is still ended, not refused;
/// a call without a token, or with an unknown one, does nothing.
pub async fn close(cx: &Cx<'_>, _: ()) -> CommandResult<()> {
    if let Some(token) = &cx.caller.token {
        cx.engine.sign_out(token).await?;
    }
    Ok(())
}

fn token<'a>(cx: &Cx<'a>) -> CommandResult<&'a SessionToken> {
    cx.caller.token.as_ref().ok_or_else(|| {
        CommandError::new(
            ErrorCode::Unauthenticated,
            "请先登录",
            "Please sign in first",
        )
    })
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
