//! R-IDEM-01: a request's idempotency key commits in the transaction of the action it applied, so
//! a second run under the same key is refused before it commits and changes nothing, on both
//! backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use gradsign_engine::request_keys::{with_request_key, RecordedAnswer, RequestKey};
use gradsign_engine::ErrorCode;

fn key(k: &str, request: &str, now: i64) -> RequestKey {
    RequestKey {
        key_hash: k.into(),
        request_hash: request.into(),
        now,
    }
}

async fn r_idem_01_a_key_commits_with_its_action_and_a_second_run_changes_nothing(w: World) {
    let (first, applied) = with_request_key(
        key("k", "add 数学学院", w.t0),
        w.engine.add_department(&w.admin, "数学学院", w.t0),
    )
    .await;
    first.unwrap();
    assert!(applied, "the action committed its key");
    let recorded = w.engine.recorded_request("k").await.unwrap().unwrap();
    assert_eq!(recorded.request_hash, "add 数学学院");
    assert_eq!(recorded.answer, None, "no answer kept yet");

    let before = w.digest().await;
    let (second, applied) = with_request_key(
        key("k", "add 数学学院", w.t0),
        w.engine.add_department(&w.admin, "物理学院", w.t0),
    )
    .await;
    assert_eq!(second.unwrap_err().code, ErrorCode::Duplicate);
    assert!(!applied);
    assert_eq!(w.digest().await, before, "the second run changed nothing");

    // A refused action records no key: the retry runs again.
    let (refused, applied) = with_request_key(
        key("k2", "add empty", w.t0),
        w.engine.add_department(&w.admin, "", w.t0),
    )
    .await;
    assert!(refused.is_err());
    assert!(!applied);
    assert_eq!(w.engine.recorded_request("k2").await.unwrap(), None);

    let answer = RecordedAnswer {
        status: 200,
        content_type: "application/json".into(),
        body: b"{}".to_vec(),
    };
    w.engine.keep_request_answer("k", &answer).await.unwrap();
    let other = RecordedAnswer {
        status: 500,
        ..answer.clone()
    };
    w.engine.keep_request_answer("k", &other).await.unwrap();
    assert_eq!(
        w.engine
            .recorded_request("k")
            .await
            .unwrap()
            .unwrap()
            .answer,
        Some(answer),
        "the first answer is the one kept"
    );

    assert_eq!(w.engine.prune_request_keys(w.t0 + 3600).await.unwrap(), 0);
    assert_eq!(
        w.engine
            .prune_request_keys(w.t0 + 2 * 86_400)
            .await
            .unwrap(),
        1
    );
    assert_eq!(w.engine.recorded_request("k").await.unwrap(), None);
}

on_both_backends!(r_idem_01_a_key_commits_with_its_action_and_a_second_run_changes_nothing);
