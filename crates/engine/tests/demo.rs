//! The demo school is made through the engine's own actions, holds records in every state of
//! every workflow, and passes the integrity check.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use gradsign_engine::time::shanghai_time;
use sqlx::Row;
use std::collections::BTreeSet;

async fn demo_has_every_state_of_every_workflow(backend: Backend) {
    let (engine, _dir, _files) = World::empty(backend).await;
    let accounts = engine
        .create_demo(shanghai_time(2026, 11, 27, 9, 0, 0))
        .await
        .unwrap();
    assert!(accounts.iter().any(|a| a.role == "school_admin"));
    assert_eq!(accounts.iter().filter(|a| a.role == "employer").count(), 10);
    let mut c = engine.store().read().await.unwrap();
    let rows = sqlx::query("SELECT DISTINCT kind, state FROM items")
        .fetch_all(&mut *c)
        .await
        .unwrap();
    let have: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.get::<String, _>("kind"), r.get::<String, _>("state")))
        .collect();
    let want = [
        (
            "signing",
            &[
                "pending",
                "rejected",
                "expired",
                "withdrawn",
                "under_review",
                "signed",
                "review_failed",
                "terminated",
            ][..],
        ),
        (
            "termination",
            &[
                "awaiting_counterparty",
                "under_review",
                "approved",
                "review_failed",
                "counterparty_refused",
                "cancelled",
            ][..],
        ),
        (
            "paper",
            &[
                "draft",
                "submitted",
                "under_review",
                "approved",
                "returned",
                "rejected",
                "terminated",
            ][..],
        ),
        (
            "destination",
            &[
                "draft",
                "submitted",
                "under_review",
                "approved",
                "returned",
                "rejected",
                "voided",
            ][..],
        ),
        (
            "offline_signing",
            gradsign_engine::workflow::offline_signing::STATES,
        ),
        (
            "offline_termination",
            &[
                "submitted",
                "under_review",
                "approved",
                "returned",
                "rejected",
                "withdrawn",
            ][..],
        ),
    ];
    for (kind, states) in want {
        for s in states {
            assert!(
                have.contains(&(kind.to_string(), s.to_string())),
                "demo lacks {kind} in state {s}"
            );
        }
    }
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM graduates WHERE training_mode <> '非定向'")
        .fetch_one(&mut *c)
        .await
        .unwrap()
        .get("n");
    assert!(n >= 10, "some 定向 and 委培 graduates");
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM graduates")
        .fetch_one(&mut *c)
        .await
        .unwrap()
        .get("n");
    assert_eq!(n, 200);
    assert!(engine
        .check(&gradsign_engine::Actor::system(), None)
        .await
        .unwrap()
        .ok());
    assert!(
        engine
            .create_demo(shanghai_time(2026, 11, 27, 9, 0, 0))
            .await
            .is_err(),
        "only on an empty database"
    );
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn demo_has_every_state_of_every_workflow() {
        super::demo_has_every_state_of_every_workflow(super::Backend::Sqlite).await
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn demo_has_every_state_of_every_workflow() {
        super::demo_has_every_state_of_every_workflow(super::Backend::Postgres).await
    }
}
