//! The catalog's dispatch as a transport sees it: names, request parsing, access, answers. Runs
//! against a real SQLite database holding the demo school.

use gradsign_api::{Access, Caller, ErrorCode, OPERATIONS};
use serde_json::{json, Value};

mod common;
use common::{demo, run, signed_in};

#[tokio::test]
async fn names_are_unique_and_snake_case() {
    let mut names: Vec<_> = OPERATIONS.iter().map(|o| o.name).collect();
    assert!(names
        .iter()
        .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
    let count = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), count, "an operation is declared twice");
}

#[tokio::test]
async fn an_unknown_operation_is_not_found_and_named() {
    let (_dir, engine) = demo().await;
    let e = run(
        &engine,
        &Caller::anonymous("test"),
        "graduate_steal",
        Value::Null,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(e.details["operation"], "graduate_steal");
}

#[tokio::test]
async fn a_signed_in_operation_without_a_session_is_unauthenticated() {
    let (_dir, engine) = demo().await;
    for op in OPERATIONS.iter().filter(|o| o.access == Access::SignedIn) {
        // Whatever the request, no session means no answer (checked before the engine runs).
        let e = run(&engine, &Caller::anonymous("test"), op.name, json!({}))
            .await
            .unwrap_err();
        assert!(
            matches!(e.code, ErrorCode::Unauthenticated | ErrorCode::Validation),
            "{}: {:?}",
            op.name,
            e.code
        );
    }
    let e = run(
        &engine,
        &Caller::anonymous("test"),
        "graduate_portal",
        json!({}),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
}

#[tokio::test]
async fn a_malformed_request_names_its_field_and_changes_nothing() {
    let (_dir, engine) = demo().await;
    let caller = signed_in(&engine, "2026000001").await;
    let before = run(&engine, &caller, "messages_list", Value::Null)
        .await
        .unwrap()
        .into_json()
        .unwrap();
    let e = run(
        &engine,
        &caller,
        "messages_mark_read",
        json!({ "id": "seven" }),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(e.details["field"], "id");
    assert!(e.message.zh.contains("id") && e.message.en.contains("id"));
    let e = run(
        &engine,
        &caller,
        "messages_mark_read",
        json!({ "id": 1, "extra": 2 }),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    let after = run(&engine, &caller, "messages_list", Value::Null)
        .await
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn answers_are_camel_case_json_of_the_signed_in_graduate() {
    let (_dir, engine) = demo().await;
    let caller = signed_in(&engine, "2026000001").await;
    let portal = run(
        &engine,
        &caller,
        "graduate_portal",
        json!({ "graduateId": null }),
    )
    .await
    .unwrap()
    .into_json()
    .unwrap();
    assert_eq!(portal["graduate"]["studentNumber"], "2026000001");
    assert!(portal["schoolName"].as_str().is_some_and(|s| !s.is_empty()));
    // The optional field may be left out.
    let again = run(&engine, &caller, "graduate_portal", json!({}))
        .await
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(portal, again);
}

#[tokio::test]
async fn reference_data_needs_no_session() {
    let (_dir, engine) = demo().await;
    let reference = run(
        &engine,
        &Caller::anonymous("test"),
        "graduate_reference",
        Value::Null,
    )
    .await
    .unwrap()
    .into_json()
    .unwrap();
    assert!(reference["destinations"].is_object());
    assert!(reference["lists"].is_object());
}
