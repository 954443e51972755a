//! A graduate's first sign-in (`account_activate`, R-INFO-03, R-AUTH-05) and a password change
//! (`account_change_password`, R-AUTH-06) through the catalog's dispatch.

use gradsign_api::{Caller, ErrorCode};
use gradsign_engine::types::IdNumber;
use gradsign_engine::{Engine, ImportRow, SessionToken, IMPORT_HEADER};
use serde_json::{json, Value};

mod common;
use common::{run, NOW};

const STUDENT: &str = "2026800001";

fn id_number() -> String {
    let first = "32010220030507001";
    format!("{first}{}", IdNumber::check_char(first).unwrap())
}

/// The demo school with one more graduate, imported but not activated.
async fn school() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.sqlite3");
    let engine = Engine::open(db.to_str().unwrap(), dir.path().join("files"))
        .await
        .unwrap();
    engine.create_demo(NOW).await.unwrap();
    let admin = engine
        .sign_in("admin", "demo2026", NOW)
        .await
        .unwrap()
        .account
        .actor();
    let cells = [
        STUDENT,
        "赵一",
        "男",
        &id_number(),
        "本科",
        "软件工程",
        "计算机学院",
        "非定向",
        "",
        "江苏",
        "13700000001",
        "zhao@demo.edu.cn",
    ];
    let header: Vec<String> = IMPORT_HEADER.iter().map(|s| s.to_string()).collect();
    let rows = [ImportRow {
        line: 2,
        cells: cells.iter().map(|s| s.to_string()).collect(),
    }];
    engine
        .import_graduates(&admin, 2026, &header, &rows, NOW)
        .await
        .unwrap();
    (dir, engine)
}

fn activation(id: &str) -> Value {
    json!({ "studentNumber": STUDENT, "idNumber": id, "password": "Graduate2026a" })
}

#[tokio::test]
async fn activation_opens_a_session_and_a_password_change_rotates_it() {
    let (_dir, engine) = school().await;
    let anon = Caller::anonymous("test");
    let unknown = run(
        &engine,
        &anon,
        "account_activate",
        json!({ "studentNumber": "2026999999", "idNumber": id_number(), "password": "Graduate2026a" }),
    )
    .await
    .unwrap_err();
    assert_eq!(unknown.code, ErrorCode::NotImported);
    assert!(unknown.message.zh.contains("学校就业部门"), "{unknown:?}");

    // The x in either case.
    let opened = run(
        &engine,
        &anon,
        "account_activate",
        activation(&id_number().to_lowercase()),
    )
    .await
    .unwrap()
    .into_json()
    .unwrap();
    assert_eq!(opened["user"]["role"], "graduate");
    assert_eq!(opened["user"]["displayName"], "赵一");
    let old = Caller::with_token(
        SessionToken(opened["token"].as_str().unwrap().into()),
        "test",
    );
    let again = run(&engine, &anon, "account_activate", activation(&id_number()))
        .await
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::AlreadyActivated);

    let wrong = run(
        &engine,
        &old,
        "account_change_password",
        json!({ "currentPassword": "nope-2026x", "newPassword": "Graduate2026b" }),
    )
    .await
    .unwrap_err();
    assert_eq!(wrong.code, ErrorCode::WrongCredentials);
    assert_eq!(wrong.details["field"], "current_password");
    let changed = run(
        &engine,
        &old,
        "account_change_password",
        json!({ "currentPassword": "Graduate2026a", "newPassword": "Graduate2026b" }),
    )
    .await
    .unwrap()
    .into_json()
    .unwrap();
    // The old session ended; the new one is the caller's now.
    let e = run(&engine, &old, "session_user", Value::Null)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    let new = Caller::with_token(
        SessionToken(changed["token"].as_str().unwrap().into()),
        "test",
    );
    let user = run(&engine, &new, "session_user", Value::Null)
        .await
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(user["displayName"], "赵一");
    run(
        &engine,
        &anon,
        "session_open",
        json!({ "username": STUDENT, "password": "Graduate2026b" }),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn six_wrong_id_numbers_lock_activation_even_for_the_right_one() {
    let (_dir, engine) = school().await;
    let anon = Caller::anonymous("test");
    for n in 0..6 {
        let first = format!("3201022003050710{n}");
        let wrong = format!("{first}{}", IdNumber::check_char(&first).unwrap());
        let e = run(&engine, &anon, "account_activate", activation(&wrong))
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotImported, "attempt {n}");
    }
    let e = run(&engine, &anon, "account_activate", activation(&id_number()))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Throttled);
    assert!(e.details["retry_after"].as_i64().unwrap() > 0, "{e:?}");
}
