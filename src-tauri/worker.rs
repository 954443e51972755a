//! While the app is open: the engine's deadline sweep (expiry, 24-hour reminders) and the outbox
//! delivery every minute when the school is on this machine (on a server, the servers run them),
//! and, for the signed-in session, the watch on its in-app messages (R-NOTE-01): on this machine
//! it wakes on the engine's commits, on a server it reads the server's message stream
//! (R-SERVER-06). Each change is told to the window (`messages-changed`, the badge) and each new
//! unread message shown as a desktop notification. The stream's loss and return are told to the
//! window (`school-connection`, the banner), an ended session too (`session-ended`). Failures
//! are logged without personal data and retried.

use std::time::Duration;

use gradsign_engine::{Engine, MessageState, SessionToken};
use gradsign_remote::{SchoolServer, ServerEvent};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::error::ErrorCode;
use crate::state::{now, AppState, School};

/// How often the sweep and the outbox run.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// On this machine, the messages are looked at this often even when no commit of this app woke
/// the watch: another program may write the same SQLite file (the CLI's import, a second engine).
const LOOK_EVERY: Duration = Duration::from_secs(15);
/// The pause before opening the server's message stream again: doubled after each failure, at
/// most the longest.
const RECONNECT_FIRST: Duration = Duration::from_secs(1);
const RECONNECT_LONGEST: Duration = Duration::from_secs(30);

/// Starts the background tasks (called once from the app's setup).
pub fn start(app: &AppHandle) {
    let sweeping = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            sweep(&sweeping).await;
            tokio::time::sleep(SWEEP_EVERY).await;
        }
    });
    let watching = app.clone();
    tauri::async_runtime::spawn(async move { watch_messages(&watching).await });
}

async fn sweep(app: &AppHandle) {
    let state = app.state::<AppState>();
    let school = state.school();
    let Ok(School::Here(engine)) = &*school else {
        return;
    };
    if engine.is_empty().await.unwrap_or(true) {
        return;
    }
    // Machine work runs as the engine's own system actor (R-AUTH-07), never as the signed-in person.
    let system = gradsign_engine::Actor::system();
    if let Err(e) = engine.sweep(&system, now()).await {
        tracing::warn!(target: "gradsign", code = ?e.code, "the deadline sweep failed; retried in a minute");
    }
    if let Err(e) = engine.deliver_outbox(&system, now()).await {
        tracing::warn!(target: "gradsign", code = ?e.code, "the outbox delivery failed; retried in a minute");
    }
}

/// Watches the signed-in session's messages; starts over whenever the session or the school
/// changes (sign-in, sign-out, a switch to another school).
async fn watch_messages(app: &AppHandle) {
    let state = app.state::<AppState>();
    let mut sessions = state.session_changes();
    let mut seen = Seen::default();
    loop {
        sessions.borrow_and_update();
        let token = state.token().ok();
        let school = state.school();
        let watching = async {
            match (token, &*school) {
                (Some(token), Ok(School::Here(engine))) => {
                    watch_here(app, engine, &token, &mut seen).await
                }
                (Some(token), Ok(School::Server(server))) => {
                    watch_server(app, server, &token, &mut seen).await
                }
                _ => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            changed = sessions.changed() => if changed.is_err() { return },
            () = watching => if sessions.changed().await.is_err() { return },
        }
    }
}

/// On this machine: a look after every commit that wrote messages (and once a minute).
async fn watch_here(app: &AppHandle, engine: &Engine, token: &SessionToken, seen: &mut Seen) {
    loop {
        // Subscribed before the look, so a commit during the look still wakes the next wait.
        let mut changes = engine.message_changes();
        changes.borrow_and_update();
        announce(app, token, seen).await;
        let _ = tokio::time::timeout(LOOK_EVERY, changes.changed()).await;
    }
}

/// On the school's server: its message stream, opened again after a pause when it breaks (the
/// window is told the connection is lost, and when it is back). Returns when the session ended.
async fn watch_server(
    app: &AppHandle,
    server: &SchoolServer,
    token: &SessionToken,
    seen: &mut Seen,
) {
    let mut pause = RECONNECT_FIRST;
    let mut lost = false;
    loop {
        match server.events(&token.0).await {
            Ok(mut stream) => {
                tracing::info!(target: "gradsign", "the school's message stream is open");
                if lost {
                    lost = false;
                    tracing::info!(target: "gradsign", "the school's server answers again");
                    let _ = app.emit("school-connection", serde_json::json!({ "state": "ok" }));
                }
                pause = RECONNECT_FIRST;
                loop {
                    match stream.next().await {
                        Ok(Some(ServerEvent::Messages(_))) => announce(app, token, seen).await,
                        Ok(Some(ServerEvent::SessionEnded(e))) => {
                            let _ = app.emit("session-ended", e);
                            return;
                        }
                        Ok(None) | Err(_) => break,
                    }
                }
            }
            Err(e) if e.code == ErrorCode::Unauthenticated => {
                let _ = app.emit("session-ended", e);
                return;
            }
            Err(e) => {
                if !lost {
                    lost = true;
                    tracing::warn!(target: "gradsign", code = ?e.code, "the school's server cannot be reached; retrying");
                    let _ = app.emit(
                        "school-connection",
                        serde_json::json!({ "state": "lost", "error": e }),
                    );
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(RECONNECT_LONGEST);
            }
        }
    }
}

/// The newest message id already known, per signed-in session.
#[derive(Debug, Default)]
struct Seen {
    session: Option<String>,
    newest: i64,
}

impl Seen {
    /// The messages to announce: on the first look at an account nothing (its backlog is in the
    /// app's list), afterwards the unread ones newer than the newest seen.
    fn fresh<'a>(
        &mut self,
        session: &str,
        messages: &'a [gradsign_engine::Message],
    ) -> Vec<&'a gradsign_engine::Message> {
        let newest = messages.iter().map(|m| m.id).max().unwrap_or(0);
        let out = if self.session.as_deref() == Some(session) {
            messages
                .iter()
                .filter(|m| m.id > self.newest && !m.read)
                .collect()
        } else {
            vec![]
        };
        if self.session.as_deref() != Some(session) {
            self.session = Some(session.to_string());
            self.newest = 0;
        }
        self.newest = self.newest.max(newest);
        out
    }
}

/// Looks at the session's messages (the catalog's list, here or from the server: the same call
/// the messages screen makes), tells the window where they stand and shows the new ones.
async fn announce(app: &AppHandle, token: &SessionToken, seen: &mut Seen) {
    let state = app.state::<AppState>();
    let answer = match state
        .call_as(Some(token), "messages_list", serde_json::Value::Null)
        .await
        .and_then(|r| r.into_json())
    {
        Ok(answer) => answer,
        Err(e) => {
            tracing::warn!(target: "gradsign", code = ?e.code, "the messages could not be read");
            return;
        }
    };
    let messages = match serde_json::from_value::<Vec<gradsign_engine::Message>>(answer) {
        Ok(messages) => messages,
        Err(e) => {
            tracing::warn!(target: "gradsign", error = %e, "the message list is not as expected");
            return;
        }
    };
    let standing = MessageState {
        newest: messages.iter().map(|m| m.id).max().unwrap_or(0),
        unread: messages.iter().filter(|m| !m.read).count() as i64,
    };
    let _ = app.emit("messages-changed", standing);
    // Sessions are told apart by a digest of their token (the token itself stays in the state).
    let session = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(token.0.as_bytes()))
    };
    for m in seen.fresh(&session, &messages) {
        let shown = app
            .notification()
            .builder()
            .title(&m.title)
            .body(&m.body)
            .show();
        if shown.is_err() {
            // No notification service (e.g. a bare X session): the in-app badge still shows it.
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: i64, read: bool) -> gradsign_engine::Message {
        gradsign_engine::Message {
            id,
            kind: "invitation".into(),
            title: "新的签约邀请".into(),
            body: "".into(),
            item_id: None,
            created_at: 0,
            read,
        }
    }

    #[test]
    fn only_unread_messages_newer_than_the_first_look_are_announced() {
        let mut seen = Seen::default();
        assert!(seen
            .fresh("a", &[message(2, false), message(1, false)])
            .is_empty());
        let now = [message(4, true), message(3, false), message(2, false)];
        let fresh: Vec<i64> = seen.fresh("a", &now).iter().map(|m| m.id).collect();
        assert_eq!(fresh, vec![3]);
        assert!(seen.fresh("a", &now).is_empty());
        // Another session (another account, or another school's server): its backlog is not
        // announced, and its ids are its own.
        assert!(seen.fresh("b", &[message(2, false)]).is_empty());
        assert_eq!(seen.newest, 2);
        let fresh: Vec<i64> = seen
            .fresh("b", &[message(3, false), message(2, false)])
            .iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(fresh, vec![3]);
    }
}
