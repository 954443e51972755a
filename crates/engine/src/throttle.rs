//! Failure counters in the database (table `throttles`, migration 0003) for look-ups that have no
//! account row to count on: graduate activation by student number (R-AUTH-05). Counters are
//! incremented by the database in one statement (an upsert), never read, incremented and written
//! back, so concurrent failures are all counted.

use crate::error::{DomainError, ErrorCode, Result};
use crate::time::Timestamp;
use sqlx::{AnyConnection, Row};

/// The instant until which `key` is locked, if it is locked at `now`.
pub(crate) async fn locked_until(
    c: &mut AnyConnection,
    key: &str,
    now: Timestamp,
) -> Result<Option<Timestamp>> {
    let row = sqlx::query("SELECT locked_until FROM throttles WHERE key = $1")
        .bind(key)
        .fetch_optional(c)
        .await?;
    let until: Timestamp = match row {
        Some(r) => r.try_get("locked_until")?,
        None => return Ok(None),
    };
    Ok((now < until).then_some(until))
}

/// Counts one failure for `key`; the `max`-th failure in a row locks it for `lock_seconds` (and
/// starts the count again). One statement, so the database does the arithmetic.
pub(crate) async fn record_failure(
    c: &mut AnyConnection,
    key: &str,
    max: i64,
    lock_seconds: i64,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO throttles (key, failures, locked_until) VALUES ($1, 1, 0) \
         ON CONFLICT (key) DO UPDATE SET \
         failures = CASE WHEN throttles.failures + 1 >= $2 THEN 0 ELSE throttles.failures + 1 END, \
         locked_until = CASE WHEN throttles.failures + 1 >= $2 THEN $3 ELSE throttles.locked_until END",
    )
    .bind(key)
    .bind(max)
    .bind(now.saturating_add(lock_seconds))
    .execute(c)
    .await?;
    Ok(())
}

/// Forgets `key`'s failures (after a success).
pub(crate) async fn clear(c: &mut AnyConnection, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM throttles WHERE key = $1")
        .bind(key)
        .execute(c)
        .await?;
    Ok(())
}

/// The `throttled` refusal, with the minutes to wait and `details.retry_after` in seconds.
pub(crate) fn throttled(
    what_zh: &str,
    what_en: &str,
    until: Timestamp,
    now: Timestamp,
) -> DomainError {
    let wait = until.saturating_sub(now).max(0);
    let minutes = wait.saturating_add(59) / 60;
    DomainError::new(
        ErrorCode::Throttled,
        format!("{what_zh}，请{minutes}分钟后再试"),
        format!("{what_en}; try again in {minutes} minutes"),
    )
    .with_details(serde_json::json!({ "retry_after": wait }))
}
