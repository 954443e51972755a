//! R-INPUT-01 (docs/rules.md): numbers from callers never overflow or panic; out-of-range values
//! are field errors naming the field. Each test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use gradsign_engine::time::{checked_end_of_day_after, end_of_day_after};
use gradsign_engine::*;

fn field_of(r: Result<impl std::fmt::Debug>) -> (ErrorCode, String) {
    match r {
        Ok(v) => panic!("expected a refusal, got Ok({v:?})"),
        Err(e) => (
            e.code,
            e.details["field"].as_str().unwrap_or_default().to_string(),
        ),
    }
}

fn validation(field: &str) -> (ErrorCode, String) {
    (ErrorCode::Validation, field.to_string())
}

async fn invite_with(w: &World, days: Option<i64>, now: Timestamp) -> Result<i64> {
    let g = w.engine.graduate(&w.admin, w.gid(1)).await.unwrap();
    w.engine
        .invite(
            &w.employers[0],
            &InviteInput {
                graduate: GraduateLookup::IdNumber {
                    name: g.name,
                    id_number: g.id_number,
                },
                terms: terms(),
                deadline_days: days,
            },
            now,
        )
        .await
}

/// R-INPUT-01: an employer's response window of 10^8 days, i64::MAX or a negative number is a
/// field error, not an overflow; so is one beyond the cohort's limit (the deadline).
async fn r_input_01_invitation_window_out_of_range_is_a_field_error(w: World) {
    let before = w.digest().await;
    for days in [
        100_000_000,
        i64::MAX,
        i64::MAX / 86_400 + 1,
        i64::MIN,
        -1,
        0,
        31,
    ] {
        assert_eq!(
            field_of(invite_with(&w, Some(days), w.t0).await),
            validation("deadline_days"),
            "{days} days"
        );
    }
    // Within the engine's bound but beyond this cohort's limit of 15 days.
    assert_eq!(
        field_of(invite_with(&w, Some(16), w.t0).await),
        validation("deadline")
    );
    // A clock at the end of time does not overflow either.
    assert_eq!(
        field_of(invite_with(&w, Some(5), i64::MAX).await),
        validation("deadline_days")
    );
    assert_eq!(w.digest().await, before, "refusals change nothing");
    invite_with(&w, Some(15), w.t0).await.unwrap();
}

/// R-INPUT-01: the cohort's invitation limit and change deadline are checked ranges.
async fn r_input_01_cohort_numbers_out_of_range_are_field_errors(w: World) {
    let settings = |limit: i64, until: Option<Timestamp>| CohortSettings {
        year: 2026,
        chain: ReviewChain::Both,
        invite_limit_days: limit,
        changes_until: until,
        agreement_title: None,
    };
    for limit in [i64::MAX, i64::MIN, 0, 31] {
        assert_eq!(
            field_of(
                w.engine
                    .configure_cohort(&w.admin, &settings(limit, None), w.t0)
                    .await
            ),
            validation("invite_limit_days")
        );
    }
    for until in [i64::MAX, i64::MIN, -1, 0, 946_655_999, 7_289_625_600] {
        assert_eq!(
            field_of(
                w.engine
                    .configure_cohort(&w.admin, &settings(15, Some(until)), w.t0)
                    .await
            ),
            validation("changes_until"),
            "{until}"
        );
    }
    for year in [i64::MAX, i64::MIN] {
        let mut s = settings(15, None);
        s.year = year;
        assert_eq!(
            field_of(w.engine.configure_cohort(&w.admin, &s, w.t0).await).0,
            ErrorCode::Validation
        );
    }
    // The edges of the range are accepted.
    for until in [946_656_000, 7_289_625_599] {
        let c = w
            .engine
            .configure_cohort(&w.admin, &settings(30, Some(until)), w.t0)
            .await
            .unwrap();
        assert_eq!((c.changes_until, c.invite_limit_days), (until, 30));
    }
}

/// R-INPUT-01: page sizes, ids, versions and clocks at the ends of i64 are answered, not panics.
async fn r_input_01_extreme_ids_pages_and_clocks_do_not_panic(w: World) {
    for limit in [i64::MAX, i64::MIN, 0] {
        let page = w
            .engine
            .review_queue(
                &w.school_rev,
                &QueueQuery {
                    limit,
                    after: Some(Cursor {
                        submitted_at: i64::MIN,
                        id: i64::MIN,
                    }),
                    submitted_from: Some(i64::MIN),
                    submitted_to: Some(i64::MAX),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(page.rows.is_empty());
    }
    let all = w
        .engine
        .list_graduates(
            &w.admin,
            &GraduateQuery {
                cohort: 2026,
                ..Default::default()
            },
            usize::MAX,
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 6);
    for id in [i64::MAX, i64::MIN] {
        assert_eq!(
            w.engine
                .item_detail(&w.admin, id, w.t0)
                .await
                .unwrap_err()
                .code,
            ErrorCode::NotFound
        );
    }
    w.confirm(1).await;
    let id = invite_with(&w, Some(5), w.t0).await.unwrap();
    w.engine
        .accept_invitation(w.g(1), id, w.t0 + 1)
        .await
        .unwrap();
    for version in [i64::MAX, i64::MIN] {
        let e = w
            .engine
            .review(
                &w.dep_rev_a,
                id,
                version,
                ReviewDecision::Approve {
                    note: String::new(),
                },
                w.t0 + 2,
            )
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::AlreadyReviewed);
    }
    // Clocks at the ends of time: sessions saturate, the sweep runs.
    let s = w
        .engine
        .sign_in("employer1", "employer123", i64::MAX)
        .await
        .unwrap();
    assert_eq!(s.expires_at, i64::MAX);
    w.engine.sweep(&Actor::system(), i64::MAX).await.unwrap();
    w.engine.sweep(&Actor::system(), i64::MIN).await.unwrap();
    w.engine
        .deliver_outbox(&Actor::system(), i64::MAX)
        .await
        .unwrap();
}

on_both_backends!(
    r_input_01_invitation_window_out_of_range_is_a_field_error,
    r_input_01_cohort_numbers_out_of_range_are_field_errors,
    r_input_01_extreme_ids_pages_and_clocks_do_not_panic,
);

/// R-INPUT-01: date arithmetic is checked (None) or saturating, never a panic.
#[test]
fn r_input_01_day_arithmetic_is_checked() {
    let t = gradsign_engine::time::shanghai_time(2026, 3, 2, 10, 0, 0);
    assert_eq!(
        end_of_day_after(t, 5),
        gradsign_engine::time::shanghai_time(2026, 3, 7, 23, 59, 59)
    );
    assert_eq!(
        end_of_day_after(t, 0),
        gradsign_engine::time::shanghai_time(2026, 3, 2, 23, 59, 59)
    );
    for days in [i64::MAX, 100_000_000_000, i64::MAX / 86_400 + 1] {
        assert_eq!(checked_end_of_day_after(t, days), None, "{days}");
        assert_eq!(end_of_day_after(t, days), i64::MAX);
    }
    assert_eq!(checked_end_of_day_after(t, i64::MIN), None);
    assert_eq!(end_of_day_after(t, i64::MIN), i64::MIN);
    assert_eq!(checked_end_of_day_after(i64::MAX, 1), None);
    assert_eq!(checked_end_of_day_after(i64::MIN, 1), None);
    assert!(checked_end_of_day_after(t, 10_000_000).is_some());
}
