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

/// xorshift64*: deterministic, so a failure reproduces from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A hostile JSON value: the catalog's field names with values of every type and extreme.
fn hostile(rng: &mut Rng, depth: usize) -> Value {
    const KEYS: [&str; 24] = [
        "id",
        "version",
        "name",
        "cohort",
        "fileName",
        "dataBase64",
        "filter",
        "kind",
        "year",
        "open",
        "login",
        "password",
        "text",
        "graduateId",
        "otherId",
        "linked",
        "uploadId",
        "scans",
        "input",
        "reason",
        "after",
        "limit",
        "code",
        "imageBase64",
    ];
    let strings = [
        String::new(),
        "a".repeat(10_000),
        "𠮷\u{202E}\u{200B}\u{0301}".into(),
        "../../etc/passwd".into(),
        "1e400".into(),
        "%00<script>".into(),
    ];
    match rng.below(if depth == 0 { 6 } else { 8 }) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 0),
        2 => json!([0i64, -1, i64::MAX, i64::MIN, 2026, 1][rng.below(6)]),
        3 => json!([1e308, -0.0, 0.5, -1e-308][rng.below(4)]),
        4 | 5 => json!(strings[rng.below(strings.len())]),
        6 => Value::Array((0..rng.below(4)).map(|_| hostile(rng, depth - 1)).collect()),
        _ => Value::Object(
            (0..rng.below(6))
                .map(|_| {
                    (
                        KEYS[rng.below(KEYS.len())].to_string(),
                        hostile(rng, depth - 1),
                    )
                })
                .collect(),
        ),
    }
}

/// R-FUZZ-01: every operation, as the admin, a graduate and an employer, with hostile request
/// bodies: an answer or a refusal, never a panic and never an internal error.
#[tokio::test]
async fn r_fuzz_01_hostile_request_bodies_are_refused_never_a_panic() {
    let (_dir, engine) = demo().await;
    let callers = [
        signed_in(&engine, "admin").await,
        signed_in(&engine, "2026000002").await,
        signed_in(&engine, "employer01").await,
    ];
    let mut rng = Rng(0x0F0A_2026_0000_0003);
    let (mut answered, mut refused) = (0usize, 0usize);
    for op in OPERATIONS {
        // Closing the session would leave the rest unauthenticated; it takes no body anyway.
        if op.name == "session_close" {
            continue;
        }
        for caller in &callers {
            for _ in 0..6 {
                let body = hostile(&mut rng, 3);
                match run(&engine, caller, op.name, body.clone()).await {
                    Ok(_) => answered += 1,
                    Err(e) => {
                        assert_ne!(
                            e.code,
                            ErrorCode::Internal,
                            "{}: an internal error for {body}: {e:?}",
                            op.name
                        );
                        refused += 1;
                    }
                }
            }
        }
    }
    eprintln!("request fuzz smoke: {answered} answered, {refused} refused");
    assert!(refused > answered, "hostile bodies are mostly refused");
}
