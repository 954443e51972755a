//! Idempotency keys of requests (R-IDEM-01). A transport that received a request with a key runs
//! the operation inside `with_request_key`; the first write transaction the operation commits
//! records the key in that same transaction (`Tx::commit`), so "the action was applied" and "its
//! key is recorded" commit together or not at all. A retry with the same key finds the row and
//! gets the first answer (kept beside the key once the operation returned) instead of applying
//! the action again; two copies of one request racing each other cannot both commit, because the
//! second insert of the key violates its primary key and rolls its own transaction back.
//!
//! The row is not school data (no actor): it holds hashes, a time, and the answer's bytes for a
//! day, after which the sweep prunes it.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sqlx::{AnyConnection, Row};

use crate::error::{DomainError, ErrorCode, Result};
use crate::time::Timestamp;
use crate::Engine;

/// How long a recorded key (and its answer) is kept: a client retries within minutes.
pub const REQUEST_KEY_SECONDS: i64 = 24 * 3600;

/// A request's key as the transport hashed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestKey {
    /// SHA-256 (hex) of the caller's scope and the client's key: keys of different callers never
    /// meet.
    pub key_hash: String,
    /// SHA-256 (hex) of the operation and its request body: the same key with another request is
    /// refused, not answered with the first request's answer.
    pub request_hash: String,
    pub now: Timestamp,
}

/// A key found recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub request_hash: String,
    pub created_at: Timestamp,
    /// The first answer, once the operation returned it (None: still running, or the process
    /// stopped between the commit and keeping the answer).
    pub answer: Option<RecordedAnswer>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedAnswer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

struct Scope {
    key: RequestKey,
    recorded: AtomicBool,
}

tokio::task_local! {
    static REQUEST_KEY: Arc<Scope>;
}

/// Runs `operation` with `key` as its request key; answers its output and whether a write
/// transaction of it committed with the key recorded.
pub async fn with_request_key<F: Future>(key: RequestKey, operation: F) -> (F::Output, bool) {
    let scope = Arc::new(Scope {
        key,
        recorded: AtomicBool::new(false),
    });
    let output = REQUEST_KEY.scope(scope.clone(), operation).await;
    (output, scope.recorded.load(Ordering::SeqCst))
}

/// Inside `Tx::commit`, before COMMIT: records the running request's key once, in the
/// transaction; answers whether it did (the caller marks it after the COMMIT succeeded).
pub(crate) async fn record_in(conn: &mut AnyConnection) -> Result<bool> {
    let Ok(key) =
        REQUEST_KEY.try_with(|s| (!s.recorded.load(Ordering::SeqCst)).then(|| s.key.clone()))
    else {
        return Ok(false);
    };
    let Some(key) = key else { return Ok(false) };
    let inserted = sqlx::query(
        "INSERT INTO request_keys (key_hash, request_hash, created_at) VALUES ($1, $2, $3)",
    )
    .bind(&key.key_hash)
    .bind(&key.request_hash)
    .bind(key.now)
    .execute(conn)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Err(already_applied()),
        Err(e) => Err(e.into()),
    }
}

/// After a COMMIT that recorded the key.
pub(crate) fn mark_recorded() {
    let _ = REQUEST_KEY.try_with(|s| s.recorded.store(true, Ordering::SeqCst));
}

/// The same key was recorded by another copy of this request in the meantime.
pub fn already_applied() -> DomainError {
    DomainError::new(
        ErrorCode::Duplicate,
        "该请求已经处理过（同一 Idempotency-Key），未再次执行",
        "This request was already applied (same Idempotency-Key); it was not applied again",
    )
    .with_details(serde_json::json!({ "field": "Idempotency-Key" }))
}

impl Engine {
    /// The recorded request of `key_hash`, if any (and not yet pruned).
    pub async fn recorded_request(&self, key_hash: &str) -> Result<Option<RecordedRequest>> {
        let mut c = self.store().read().await?;
        let row = sqlx::query(
            "SELECT request_hash, created_at, answer_status, answer_type, answer_body \
             FROM request_keys WHERE key_hash = $1",
        )
        .bind(key_hash)
        .fetch_optional(&mut *c)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let status: Option<i64> = row.try_get("answer_status")?;
        let answer = match status {
            Some(status) => Some(RecordedAnswer {
                status: u16::try_from(status).unwrap_or(500),
                content_type: row
                    .try_get::<Option<String>, _>("answer_type")?
                    .unwrap_or_default(),
                body: row
                    .try_get::<Option<Vec<u8>>, _>("answer_body")?
                    .unwrap_or_default(),
            }),
            None => None,
        };
        Ok(Some(RecordedRequest {
            request_hash: row.try_get("request_hash")?,
            created_at: row.try_get("created_at")?,
            answer,
        }))
    }

    /// Keeps the first answer of a recorded request, for its retries.
    pub async fn keep_request_answer(&self, key_hash: &str, answer: &RecordedAnswer) -> Result<()> {
        let mut tx = self.store().begin_unkeyed().await?;
        sqlx::query(
            "UPDATE request_keys SET answer_status = $1, answer_type = $2, answer_body = $3 \
             WHERE key_hash = $4 AND answer_status IS NULL",
        )
        .bind(i64::from(answer.status))
        .bind(&answer.content_type)
        .bind(&answer.body)
        .bind(key_hash)
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }

    /// Removes keys recorded more than a day before `now`; answers how many.
    pub async fn prune_request_keys(&self, now: Timestamp) -> Result<u64> {
        let mut tx = self.store().begin_unkeyed().await?;
        let before = now.saturating_sub(REQUEST_KEY_SECONDS);
        let done = sqlx::query("DELETE FROM request_keys WHERE created_at < $1")
            .bind(before)
            .execute(tx.conn())
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}
