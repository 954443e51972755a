//! Counters in the database for look-ups that have no account row to count on, shared by every
//! server on one database: failures of graduate activation by student number (table `throttles`,
//! migration 0003, R-AUTH-05) and agreement verification look-ups per client in one-minute windows
//! (table `rate_windows`, migration 0004, R-VERIFY-02/-03). Counters are incremented by the
//! database in one statement (an upsert), never read, incremented and written back, so concurrent
//! attempts are all counted.

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

/// Counts one look-up by `key` in its fixed window of `window_seconds` (R-VERIFY-03): the first
/// look-up after a window ended opens a new one ending `window_seconds` later. One upsert that
/// returns the count, so look-ups through different servers at the same moment are each counted
/// once. Returns the window's end when this look-up is over `max`, None when it is allowed.
pub(crate) async fn count_look_up(
    c: &mut AnyConnection,
    key: &str,
    max: i64,
    window_seconds: i64,
    now: Timestamp,
) -> Result<Option<Timestamp>> {
    let row = sqlx::query(
        "INSERT INTO rate_windows (key, hits, window_ends_at) VALUES ($1, 1, $2) \
         ON CONFLICT (key) DO UPDATE SET \
         hits = CASE WHEN rate_windows.window_ends_at <= $3 THEN 1 ELSE rate_windows.hits + 1 END, \
         window_ends_at = CASE WHEN rate_windows.window_ends_at <= $3 THEN $2 ELSE rate_windows.window_ends_at END \
         RETURNING hits, window_ends_at",
    )
    .bind(key)
    .bind(now.saturating_add(window_seconds))
    .bind(now)
    .fetch_one(c)
    .await?;
    let hits: i64 = row.try_get("hits")?;
    let ends: Timestamp = row.try_get("window_ends_at")?;
    Ok((hits > max).then_some(ends))
}

/// Removes counters that no longer count at `now`: look-up windows that have ended, and
/// activation rows whose lock is over with no failure counting since (R-AUTH-05 restarts the
/// count at 0 when it locks). A row still counting failures is kept: they count "in a row",
/// however long ago. Returns how many rows went.
pub(crate) async fn prune(c: &mut AnyConnection, now: Timestamp) -> Result<u64> {
    let windows = sqlx::query("DELETE FROM rate_windows WHERE window_ends_at <= $1")
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected();
    let locks = sqlx::query("DELETE FROM throttles WHERE failures = 0 AND locked_until <= $1")
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected();
    Ok(windows.saturating_add(locks))
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
