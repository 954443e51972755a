//! `Idempotency-Key` (R-IDEM-01): a client that may retry a mutating request sends a key with it;
//! a retry with the same key answers the first answer and applies nothing twice. The key is
//! recorded by the engine in the transaction of the action itself (gradsign_engine::request_keys),
//! so even a server killed between the commit and the answer leaves the key behind.

use gradsign_api::{CommandError, ErrorCode};
use gradsign_engine::request_keys::{with_request_key, RecordedAnswer, RequestKey};
use gradsign_engine::{SessionToken, Timestamp};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::routes::Shared;
use crate::wire::{self, Answer};

pub(crate) const HEADER: &str = "idempotency-key";

/// Operations whose answer is a new session token: it is never kept in the database, so these
/// take no key; retrying them is safe as it is (a second sign-in opens a second session, a second
/// activation or password change is refused by the engine).
const UNKEYED: [&str; 3] = [
    "session_open",
    "account_activate",
    "account_change_password",
];

fn hex_sha256(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The request's key, if it carries one: scoped by its session (or, anonymous, by its client),
/// so two callers' keys never meet.
pub(crate) fn request_key(
    headers: &axum::http::HeaderMap,
    operation: &'static str,
    token: Option<&SessionToken>,
    client: &str,
    body: &[u8],
    now: Timestamp,
) -> Result<Option<RequestKey>, CommandError> {
    let Some(value) = headers.get(HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default();
    if key.is_empty() || key.len() > 128 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(wire::refused(
            ErrorCode::Validation,
            "Idempotency-Key 必须是 1 到 128 个可见 ASCII 字符",
            "Idempotency-Key must be 1 to 128 visible ASCII characters",
            json!({ "field": "Idempotency-Key" }),
        ));
    }
    if UNKEYED.contains(&operation) {
        return Ok(None);
    }
    let scope = match token {
        Some(t) => format!("session:{}", hex_sha256(&[t.0.as_bytes()])),
        None => format!("client:{client}"),
    };
    Ok(Some(RequestKey {
        key_hash: hex_sha256(&[scope.as_bytes(), key.as_bytes()]),
        request_hash: hex_sha256(&[operation.as_bytes(), body]),
        now,
    }))
}

/// Runs `operation` under `key`: the first answer again when the key was recorded before,
/// otherwise the operation, keeping its answer when it applied something.
pub(crate) async fn run_keyed<F>(shared: &Shared, key: RequestKey, operation: F) -> Answer
where
    F: std::future::Future<Output = Answer>,
{
    if let Some(answer) = recorded(shared, &key).await {
        return answer;
    }
    let (answer, applied) = with_request_key(key.clone(), operation).await;
    if applied {
        let kept = RecordedAnswer {
            status: answer.status,
            content_type: answer.content_type.clone(),
            body: answer.body.clone(),
        };
        if let Err(e) = shared
            .engine
            .keep_request_answer(&key.key_hash, &kept)
            .await
        {
            // The action is applied and its key recorded: a retry is answered "already
            // applied" instead of the first answer, never applied twice.
            tracing::warn!(target: "server", code = ?e.code, "could not keep a request's answer");
        }
        return answer;
    }
    if answer.code == Some(ErrorCode::Duplicate) {
        // Another copy of this request recorded the key first: answer as a retry would be.
        if let Some(again) = recorded(shared, &key).await {
            return again;
        }
    }
    answer
}

/// The answer to a retry of a recorded key, if the key is recorded.
async fn recorded(shared: &Shared, key: &RequestKey) -> Option<Answer> {
    let found = match shared.engine.recorded_request(&key.key_hash).await {
        Ok(found) => found?,
        Err(e) => return Some(Answer::of_error(&e.into())),
    };
    if found.request_hash != key.request_hash {
        return Some(Answer::of_error(&wire::refused(
            ErrorCode::Validation,
            "同一 Idempotency-Key 已用于另一个请求",
            "this Idempotency-Key was used for another request",
            json!({ "field": "Idempotency-Key" }),
        )));
    }
    Some(match found.answer {
        Some(a) => Answer {
            status: a.status,
            content_type: a.content_type,
            body: a.body,
            code: None,
        },
        // Applied, its answer not kept yet: still running, or its server stopped in between.
        None if key.now.saturating_sub(found.created_at)
            <= i64::try_from(shared.limits.request_timeout.as_secs()).unwrap_or(i64::MAX) =>
        {
            Answer::of_error(&wire::refused(
                ErrorCode::Unavailable,
                "同一请求正在处理中，请稍后重试",
                "the same request is still being applied, please retry shortly",
                json!({ "field": "Idempotency-Key", "context": "in_progress" }),
            ))
        }
        None => Answer::of_error(&gradsign_engine::request_keys::already_applied().into()),
    })
}
