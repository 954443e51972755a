//! The catalog over Tauri IPC: one command, `operation`, runs any catalog operation by name with
//! the signed-in session of this window. The desktop's own commands (dialogs, keychain, updater)
//! live beside it; everything else is in crates/api.

use gradsign_api::Reply;
use tauri::ipc::{InvokeResponseBody, Response};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// The catalog operations whose answer opens or ends a session: on the desktop the session token
/// stays in the shell (and the keychain), so the window reaches them only through the desktop's
/// own session commands, never with the token in the web view.
const SESSION_OPERATIONS: &[&str] = &[
    "session_open",
    "session_close",
    "account_activate",
    "account_change_password",
];

/// Whether the window may run `name` through `operation` (every catalog operation but the
/// session ones).
fn window_may_call(name: &str) -> CommandResult<()> {
    if SESSION_OPERATIONS.contains(&name) {
        return Err(gradsign_api::CommandError::unknown_operation(name));
    }
    Ok(())
}

/// Runs the catalog operation `name` with its JSON `request`; the answer is JSON or raw bytes as
/// the catalog declares. `key` is the window's idempotency key for this submission (the same
/// when the person sends it again after a lost connection), at most 128 visible ASCII
/// characters (R-IDEM-01).
#[tauri::command]
pub async fn operation(
    state: State<'_, AppState>,
    name: String,
    request: serde_json::Value,
    key: Option<String>,
) -> CommandResult<Response> {
    window_may_call(&name)?;
    let key =
        key.filter(|k| !k.is_empty() && k.len() <= 128 && k.bytes().all(|b| b.is_ascii_graphic()));
    Ok(
        match state.call_keyed(&name, request, key.as_deref()).await? {
            Reply::Json(value) => Response::new(InvokeResponseBody::Json(value.to_string())),
            Reply::Bytes(bytes) => Response::new(bytes),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation kept from the window is a catalog operation (a renamed one would slip
    /// through), and the window's `operation` answers it with "no such operation".
    #[test]
    fn the_session_operations_stay_behind_the_desktop_commands() {
        for name in SESSION_OPERATIONS {
            assert!(
                gradsign_api::OPERATIONS.iter().any(|o| o.name == *name),
                "{name} is not in the catalog"
            );
            let e = window_may_call(name).unwrap_err();
            assert_eq!(e.code, crate::error::ErrorCode::NotFound);
        }
        assert!(window_may_call("graduate_portal").is_ok());
    }
}
