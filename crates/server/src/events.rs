//! `GET /api/v1/events`: a server-sent event stream that tells a desktop, within a second, that
//! its account's in-app messages changed (R-NOTE-01), so the notification and the unread badge
//! work on a desktop at home as on the school's own machine (R-SERVER-06).
//!
//! The stream is authenticated like every operation (`Authorization: Bearer …`; refused with the
//! one error shape before it opens). Its first event is where the messages stand; then one
//! `messages` event per change, each `{newest, unread}`; `session_ended` (the error shape) when
//! the session expires or is ended, after which the stream closes. It holds no request slot and
//! has no request time limit (it is routed beside the guard, not through it), but its own limit
//! of open streams, and it closes when the server stops.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use gradsign_api::{Caller, CommandError, Cx, ErrorCode};
use gradsign_engine::MessageState;
use serde_json::json;
use tokio::sync::{watch, OwnedSemaphorePermit};

use crate::routes::{bearer_token, Shared};
use crate::wire::{self, LoggedCode};

/// A comment line this often keeps proxies and the client's read timeout from closing an idle
/// stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub(crate) async fn events(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let started = Instant::now();
    let response = open(&shared, &headers).await;
    let code = LoggedCode::of(&response);
    // The access line of a stream is written when it opens (or is refused); it lasts as long as
    // the desktop stays connected, which is no latency worth logging.
    tracing::info!(
        target: "access",
        method = "GET",
        operation = "events",
        status = response.status().as_u16(),
        code = code.as_deref().unwrap_or(""),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
    );
    response
}

async fn open(shared: &Arc<Shared>, headers: &HeaderMap) -> Response {
    let token = match bearer_token(headers) {
        Ok(token) => token,
        Err(e) => return wire::error(e),
    };
    let caller = Caller {
        token,
        client: String::new(),
    };
    let first = {
        let cx = Cx {
            engine: &shared.engine,
            now: (shared.clock)(),
            caller: &caller,
        };
        gradsign_api::messages::wait_for_change(&cx, None, Duration::ZERO).await
    };
    let first = match first {
        Ok(state) => state,
        Err(e) => return wire::error(e),
    };
    let Ok(permit) = shared.event_streams.clone().try_acquire_owned() else {
        return wire::refusal(
            ErrorCode::Unavailable,
            "服务器的消息推送连接已满，请稍后重试",
            "the server holds as many message streams as it may; please try again shortly",
            json!({ "context": "event_streams" }),
        );
    };
    let watch = Watch {
        shared: shared.clone(),
        caller,
        stop: shared.stop.clone(),
        _permit: permit,
    };
    let stream =
        futures_util::stream::unfold((watch, Next::Tell(first)), |(mut watch, next)| async move {
            let (event, next) = watch.step(next).await?;
            Some((Ok::<_, Infallible>(event), (watch, next)))
        });
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response();
    // A reverse proxy (nginx) must pass each event on at once rather than buffer the stream.
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// One open stream: whose it is, and what ends it.
struct Watch {
    shared: Arc<Shared>,
    caller: Caller,
    stop: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
}

enum Next {
    /// Tell the desktop where its messages stand.
    Tell(MessageState),
    /// Wait until they stand otherwise than this.
    WaitAfter(MessageState),
    End,
}

impl Watch {
    /// The next event of the stream, or None when it ends (the server stops, the session ended
    /// and was told, or the database failed: the desktop reconnects).
    async fn step(&mut self, next: Next) -> Option<(Event, Next)> {
        let seen = match next {
            Next::Tell(state) => return Some((messages_event(state), Next::WaitAfter(state))),
            Next::WaitAfter(state) => state,
            Next::End => return None,
        };
        loop {
            if *self.stop.borrow() {
                return None;
            }
            let cx = Cx {
                engine: &self.shared.engine,
                now: (self.shared.clock)(),
                caller: &self.caller,
            };
            let changed = tokio::select! {
                _ = self.stop.changed() => return None,
                changed = gradsign_api::messages::wait_for_change(&cx, Some(seen), self.shared.limits.event_recheck) => changed,
            };
            match changed {
                Ok(state) if state == seen => {}
                Ok(state) => return Some((messages_event(state), Next::WaitAfter(state))),
                Err(e) if e.code == ErrorCode::Unauthenticated => {
                    return Some((session_ended_event(&e), Next::End));
                }
                Err(e) => {
                    tracing::warn!(target: "server", code = ?e.code, "a message stream ends: its wait failed");
                    return None;
                }
            }
        }
    }
}

fn messages_event(state: MessageState) -> Event {
    Event::default()
        .event("messages")
        .data(json!(state).to_string())
}

fn session_ended_event(e: &CommandError) -> Event {
    Event::default()
        .event("session_ended")
        .data(json!(e).to_string())
}
