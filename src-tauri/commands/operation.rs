//! The catalog over Tauri IPC: one command, `operation`, runs any catalog operation by name with
//! the signed-in session of this window. The desktop's own commands (dialogs, keychain, updater)
//! live beside it; everything else is in crates/api.

use gradsign_api::{Caller, Reply};
use tauri::ipc::{InvokeResponseBody, Response};
use tauri::State;

use crate::error::CommandResult;
use crate::state::{now, AppState};

/// What the desktop's anonymous look-ups are throttled by (R-VERIFY-02): the app is one client.
pub(crate) const DESKTOP_CLIENT: &str = "desktop";

/// The catalog operations whose answer opens or ends a session: on the desktop the session token
/// stays in the shell (and the keychain), so the window reaches them only through the desktop's
/// own session commands, never with the token in the web view.
const SESSION_OPERATIONS: &[&str] = &["session_open", "session_close", "account_activate"];

/// Runs the catalog operation `name` with its JSON `request`; the answer is JSON or raw bytes as
/// the catalog declares.
#[tauri::command]
pub async fn operation(
    state: State<'_, AppState>,
    name: String,
    request: serde_json::Value,
) -> CommandResult<Response> {
    if SESSION_OPERATIONS.contains(&name.as_str()) {
        return Err(gradsign_api::CommandError::unknown_operation(&name));
    }
    Ok(match state.call(&name, request).await? {
        Reply::Json(value) => Response::new(InvokeResponseBody::Json(value.to_string())),
        Reply::Bytes(bytes) => Response::new(bytes),
    })
}

impl AppState {
    /// Runs one catalog operation as this window's session (anonymous when signed out).
    pub async fn call(&self, name: &str, request: serde_json::Value) -> CommandResult<Reply> {
        let caller = match self.token() {
            Ok(token) => Caller::with_token(token, DESKTOP_CLIENT),
            Err(_) => Caller::anonymous(DESKTOP_CLIENT),
        };
        let cx = gradsign_api::Cx {
            engine: self.engine()?,
            now: now(),
            caller: &caller,
        };
        gradsign_api::dispatch(&cx, name, request).await
    }
}
