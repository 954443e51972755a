//! R-REV-02: eight reviewers approve the same submission at the same moment, on a pool of eight
//! connections: exactly one wins, the others are told "already reviewed", one history entry.
//! R-ONE-02: two acceptances of one graduate at the same moment: exactly one wins.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use gradsign_engine::*;
use std::sync::Arc;

async fn r_rev_02_eight_concurrent_approvals_one_wins(w: World) {
    w.confirm(1).await;
    let id = w.invite(0, 1, w.t0).await.unwrap();
    w.engine.accept_invitation(w.g(1), id, w.t0).await.unwrap();
    let version = w.version(id).await;
    let entries_before = w.history_len().await;
    let w = Arc::new(w);
    let barrier = Arc::new(tokio::sync::Barrier::new(8));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (w, barrier) = (w.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            w.engine
                .review(
                    &w.dep_rev_a,
                    id,
                    version,
                    ReviewDecision::Approve {
                        note: String::new(),
                    },
                    w.t0 + 1,
                )
                .await
        }));
    }
    let mut won = 0;
    let mut lost = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => won += 1,
            Err(e) => {
                assert_eq!(e.code, ErrorCode::AlreadyReviewed, "{e}");
                lost += 1;
            }
        }
    }
    assert_eq!((won, lost), (1, 7));
    assert_eq!(
        w.history_len().await,
        entries_before + 1,
        "exactly one history entry"
    );
    let d = w.engine.item_detail(&w.admin, id, w.t0).await.unwrap();
    assert_eq!(
        (d.item.state.as_str(), d.item.awaiting_level, d.item.version),
        ("under_review", Some(Level::School), version + 1)
    );
    assert!(w.engine.check(&Actor::system(), None).await.unwrap().ok());
}

/// R-ONE-02 (R-SIGN-03, R-ONE-01 under concurrency): a graduate accepts two employers'
/// invitations at the same moment, for each of five graduates: exactly one acceptance wins, the
/// other is refused, never two accepted agreements for one graduate.
async fn r_one_02_two_acceptances_at_once_only_one_wins(w: World) {
    let w = Arc::new(w);
    let mut won_per_graduate = vec![];
    for n in [1u32, 2, 3, 5, 6] {
        w.confirm(n).await;
        let first = w.invite(0, n, w.t0).await.unwrap();
        let second = w.invite(1, n, w.t0).await.unwrap();
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let mut tasks = vec![];
        for id in [first, second] {
            let (w, barrier) = (w.clone(), barrier.clone());
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                w.engine.accept_invitation(w.g(n), id, w.t0 + 60).await
            }));
        }
        let mut won = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(()) => won += 1,
                Err(e) => assert!(
                    matches!(e.code, ErrorCode::SigningLocked | ErrorCode::OneDestination),
                    "{e}"
                ),
            }
        }
        let accepted = [first, second].len() - {
            let mut pending = 0;
            for id in [first, second] {
                if w.state(id).await == "pending" {
                    pending += 1;
                }
            }
            pending
        };
        assert_eq!((won, accepted), (1, 1), "graduate {n}");
        won_per_graduate.push(won);
    }
    assert_eq!(won_per_graduate, vec![1; 5]);
    assert!(w.engine.check(&Actor::system(), None).await.unwrap().ok());
}

on_both_backends!(
    r_rev_02_eight_concurrent_approvals_one_wins,
    r_one_02_two_acceptances_at_once_only_one_wins
);
