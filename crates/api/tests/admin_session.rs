//! The admin's, statistics', first-start and session operations through the catalog's dispatch,
//! on the demo school: what the desktop's commands rely on.

use gradsign_api::{Caller, ErrorCode};
use gradsign_engine::{Engine, SessionToken};
use serde_json::{json, Value};

mod common;
use common::{demo, run, NOW};

async fn json_of(engine: &Engine, caller: &Caller, name: &str, request: Value) -> Value {
    run(engine, caller, name, request)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
        .into_json()
        .unwrap()
}

async fn admin(engine: &Engine) -> Caller {
    let session = engine.sign_in("admin", "demo2026", NOW).await.unwrap();
    Caller::with_token(session.token, "test")
}

#[tokio::test]
async fn a_session_opens_names_its_user_and_closes_once_and_for_all() {
    let (_dir, engine) = demo().await;
    let anon = Caller::anonymous("test");
    let opened = json_of(
        &engine,
        &anon,
        "session_open",
        json!({ "username": " admin ", "password": "demo2026" }),
    )
    .await;
    assert_eq!(opened["user"]["role"], "school_admin");
    assert!(opened["expiresAt"].as_i64().unwrap() > NOW);
    let token = SessionToken(opened["token"].as_str().unwrap().to_string());
    let caller = Caller::with_token(token, "test");
    let user = json_of(&engine, &caller, "session_user", Value::Null).await;
    assert_eq!(user, opened["user"]);

    json_of(&engine, &caller, "session_close", Value::Null).await;
    let e = run(&engine, &caller, "session_user", Value::Null)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    // Closing again, or without any session, is not an error.
    json_of(&engine, &caller, "session_close", Value::Null).await;
    json_of(&engine, &anon, "session_close", Value::Null).await;

    let wrong = run(
        &engine,
        &anon,
        "session_open",
        json!({ "username": "admin", "password": "nope-2026" }),
    )
    .await
    .unwrap_err();
    assert_eq!(wrong.code, ErrorCode::WrongCredentials);
}

#[tokio::test]
async fn the_gateway_token_is_never_answered_and_an_empty_one_keeps_it() {
    let (_dir, engine) = demo().await;
    let admin = admin(&engine).await;
    let gateway = |token: &str| json!({ "url": " https://sms.example.edu.cn/hook ", "token": token, "smsTemplate": " SMS_1 ", "wechatTemplate": "" });
    json_of(
        &engine,
        &admin,
        "admin_gateway_set",
        gateway("s3cret-token"),
    )
    .await;
    let settings = json_of(&engine, &admin, "admin_settings", Value::Null).await;
    assert_eq!(settings["gatewayUrl"], "https://sms.example.edu.cn/hook");
    assert_eq!(settings["smsTemplate"], "SMS_1");
    assert_eq!(settings["tokenSet"], true);
    assert!(!settings.to_string().contains("s3cret"), "{settings}");

    json_of(&engine, &admin, "admin_gateway_set", gateway("")).await;
    let settings = json_of(&engine, &admin, "admin_settings", Value::Null).await;
    assert_eq!(
        settings["tokenSet"], true,
        "an empty token keeps the stored one"
    );

    let none = json!({ "url": "  ", "token": "", "smsTemplate": "", "wechatTemplate": "" });
    json_of(&engine, &admin, "admin_gateway_set", none).await;
    let settings = json_of(&engine, &admin, "admin_settings", Value::Null).await;
    assert_eq!(settings["gatewayUrl"], "");
    assert_eq!(
        settings["tokenSet"], false,
        "a blank URL removes the gateway"
    );

    // Only the admin sees or sends; the engine decides.
    let reviewer = engine
        .sign_in("school-reviewer", "demo2026", NOW)
        .await
        .unwrap();
    let reviewer = Caller::with_token(reviewer.token, "test");
    for name in ["admin_settings", "admin_outbox_deliver"] {
        let e = run(&engine, &reviewer, name, Value::Null)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden, "{name}");
    }
    let sent = json_of(&engine, &admin, "admin_outbox_deliver", Value::Null).await;
    assert!(sent["noGateway"].as_u64().is_some(), "{sent}");
}

#[tokio::test]
async fn workbooks_are_raw_xlsx_bytes() {
    let (_dir, engine) = demo().await;
    let admin = admin(&engine).await;
    let queue = json!({
        "kind": null, "awaitingMe": false, "state": null, "departmentId": null, "major": null,
        "educationLevel": null, "destCode": null, "submittedFrom": null, "submittedTo": null,
        "newestFirst": false, "after": null, "limit": 50
    });
    let graduates = json!({ "cohort": 2026, "departmentId": null, "major": null, "educationLevel": null, "text": null });
    for (name, request) in [
        ("stats_workbook", json!({ "cohort": 2026 })),
        ("graduates_workbook", graduates),
        ("queue_workbook", queue),
    ] {
        let bytes = run(&engine, &admin, name, request)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"))
            .into_bytes()
            .unwrap();
        assert!(bytes.starts_with(b"PK"), "{name}: an .xlsx is a zip");
    }
    let cohorts = json_of(&engine, &admin, "stats_cohorts", Value::Null).await;
    assert_eq!(cohorts[0], 2026);
}

#[tokio::test]
async fn a_set_up_school_refuses_another_set_up_or_demo() {
    let (_dir, engine) = demo().await;
    let anon = Caller::anonymous("test");
    let status = json_of(&engine, &anon, "app_status", Value::Null).await;
    assert_eq!(status["firstStart"], false);
    let school = engine.school_name().await.unwrap().unwrap();
    assert_eq!(
        status["schoolName"],
        school.as_str(),
        "whose school it is, before sign-in"
    );
    let setup = json!({
        "name": "另一所大学", "code": "10002", "contact": "就业中心", "departments": ["文学院"],
        "adminLogin": "other-admin", "adminPassword": "Admin2026pass", "adminName": "李老师"
    });
    for (name, request) in [("school_setup", setup), ("school_demo_create", Value::Null)] {
        let e = run(&engine, &anon, name, request).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Duplicate, "{name}");
    }
    let e = engine
        .sign_in("other-admin", "Admin2026pass", NOW)
        .await
        .unwrap_err();
    assert_eq!(e.code, gradsign_engine::ErrorCode::WrongCredentials);
}
