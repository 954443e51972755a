//! Time conventions: stored in UTC as unix seconds, shown in Asia/Shanghai (UTC+8, no DST since 1991).

use chrono::{DateTime, Days, FixedOffset, NaiveTime, Offset, TimeZone, Utc};

/// UTC unix seconds. Every engine action takes `now` from its caller.
pub type Timestamp = i64;

/// Asia/Shanghai as a fixed offset (China has kept UTC+8 without DST since 1991).
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or(Utc.fix())
}

/// "N days": 23:59:59 Asia/Shanghai of the N-th day after `now` (N = 0 is today's end), or None
/// when `now` or the day it lands on is outside chrono's calendar (R-INPUT-01: callers turn that
/// into a field error, never a panic).
pub fn checked_end_of_day_after(now: Timestamp, days: i64) -> Option<Timestamp> {
    let local = shanghai().timestamp_opt(now, 0).single()?;
    let date = if days >= 0 {
        local
            .date_naive()
            .checked_add_days(Days::new(days.unsigned_abs()))?
    } else {
        local
            .date_naive()
            .checked_sub_days(Days::new(days.unsigned_abs()))?
    };
    let end = date.and_time(NaiveTime::from_hms_opt(23, 59, 59)?);
    shanghai()
        .from_local_datetime(&end)
        .single()
        .map(|d| d.timestamp())
}

/// [`checked_end_of_day_after`], saturating instead of failing: far future (or past) days are
/// `Timestamp::MAX` (or `MIN`), so a deadline computed from an absurd input is never "on time".
pub fn end_of_day_after(now: Timestamp, days: i64) -> Timestamp {
    checked_end_of_day_after(now, days).unwrap_or(if days >= 0 {
        Timestamp::MAX
    } else {
        Timestamp::MIN
    })
}

/// A UTC instant for a Shanghai wall-clock time; used for settings like "31 August".
pub fn shanghai_time(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> Timestamp {
    shanghai()
        .with_ymd_and_hms(y, m, d, h, min, s)
        .single()
        .map(|t| t.timestamp())
        .unwrap_or(0)
}

/// Formats a timestamp in Asia/Shanghai, e.g. `2026-06-01 09:30`.
pub fn format_shanghai(t: Timestamp) -> String {
    match DateTime::<Utc>::from_timestamp(t, 0) {
        Some(u) => u
            .with_timezone(&shanghai())
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        None => String::new(),
    }
}
