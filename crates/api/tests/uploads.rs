//! R-UPLOAD-03 through the catalog: a file staged with `Engine::stage_upload` (what the HTTP
//! server's uploads route calls) is named by `{name, uploadId}` in the request that uses it, once,
//! by its own account; a bad id is a validation error naming the field. On the demo school, on
//! SQLite and (when GRADSIGN_TEST_PG is set, as the test command sets it) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{run, signed_in, NOW};
use gradsign_api::{Caller, Cx, ErrorCode, Reply};
use gradsign_engine::{Actor, Engine};
use serde_json::{json, Value};

/// The demo school on SQLite, or on a fresh PostgreSQL database.
async fn demo_on(postgres: bool) -> Option<(tempfile::TempDir, Engine)> {
    let dir = tempfile::tempdir().unwrap();
    let db = if postgres {
        let admin = std::env::var("GRADSIGN_TEST_PG").ok()?;
        let name = format!("api_uploads_{}_{}", std::process::id(), rand_suffix());
        sqlx::any::install_default_drivers();
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
            .await
            .unwrap();
        sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
    } else {
        dir.path().join("school.sqlite3").display().to_string()
    };
    let engine = Engine::open(&db, dir.path().join("files")).await.unwrap();
    engine.create_demo(NOW).await.unwrap();
    Some((dir, engine))
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
}

async fn actor_of(engine: &Engine, caller: &Caller) -> Actor {
    Cx {
        engine,
        now: NOW,
        caller,
    }
    .actor()
    .await
    .unwrap()
}

async fn stage(engine: &Engine, caller: &Caller, name: &str) -> String {
    let actor = actor_of(engine, caller).await;
    let s = engine
        .stage_upload(&actor, name, gradsign_engine::demo::BLANK_PNG, NOW)
        .await
        .unwrap();
    // What the uploads route answers.
    let answer = serde_json::to_value(&s).unwrap();
    assert_eq!(
        answer,
        json!({ "id": s.id, "size": gradsign_engine::demo::BLANK_PNG.len() })
    );
    s.id
}

/// `{"credit_code": …}` as the engine stores it → `{"creditCode": …}` as a form sends it.
fn camel(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let mut out = String::new();
                    let mut up = false;
                    for c in k.chars() {
                        if c == '_' {
                            up = true;
                        } else if up {
                            out.extend(c.to_uppercase());
                            up = false;
                        } else {
                            out.push(c);
                        }
                    }
                    (out, camel(v))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

async fn r_upload_03_staged_files_through_the_catalog(postgres: bool) {
    let Some((_dir, engine)) = demo_on(postgres).await else {
        eprintln!("GRADSIGN_TEST_PG is not set: the PostgreSQL run is skipped");
        return;
    };
    // An employer replaces its licence with a staged scan, then downloads it.
    let employer = signed_in(&engine, "employer01").await;
    let id = stage(&engine, &employer, "执照.png").await;
    let licence = json!({ "name": "营业执照.png", "uploadId": id });
    let profile = run(
        &engine,
        &employer,
        "employer_replace_licence",
        licence.clone(),
    )
    .await
    .unwrap();
    assert_eq!(
        profile.into_json().unwrap()["licenceName"],
        "营业执照.png",
        "the request's name is shown"
    );
    match run(&engine, &employer, "employer_licence", Value::Null)
        .await
        .unwrap()
    {
        Reply::Bytes(b) => assert!(b.starts_with(&[0xFF, 0xD8, 0xFF])),
        other => panic!("expected bytes, got {other:?}"),
    }
    // Once only.
    let e = run(&engine, &employer, "employer_replace_licence", licence)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(e.details["field"], "licence.uploadId");

    // Graduate 5 of the demo edits its returned paper registration: one page inline, one
    // staged by the employer (refused: not theirs), then one staged by themselves.
    let graduate = signed_in(&engine, "2026000005").await;
    let graduate_id = actor_of(&engine, &graduate).await.graduate_id.unwrap();
    let item: i64 = {
        use sqlx::Row;
        let mut c = engine.store().read().await.unwrap();
        sqlx::query(
            "SELECT id FROM items WHERE graduate_id = $1 AND kind = 'paper' AND state = 'returned'",
        )
        .bind(graduate_id)
        .fetch_one(&mut *c)
        .await
        .unwrap()
        .try_get("id")
        .unwrap()
    };
    let detail = run(&engine, &graduate, "graduate_item", json!({ "id": item }))
        .await
        .unwrap()
        .into_json()
        .unwrap();
    let payload = &detail["item"]["payload"];
    let form =
        json!({ "employer": camel(&payload["employer"]), "terms": camel(&payload["terms"]) });
    let foreign = stage(&engine, &employer, "别人的.png").await;
    let inline = json!({ "name": "第1页.png", "dataBase64": base64_png() });
    let e = run(
        &engine,
        &graduate,
        "graduate_edit_paper",
        json!({ "id": item, "form": form, "scans": [inline, { "name": "第2页.png", "uploadId": foreign }] }),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(e.details["field"], "scans[1].uploadId");
    let unchanged = run(&engine, &graduate, "graduate_item", json!({ "id": item }))
        .await
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(unchanged["item"]["version"], detail["item"]["version"]);

    let own = stage(&engine, &graduate, "第2页.png").await;
    run(
        &engine,
        &graduate,
        "graduate_edit_paper",
        json!({ "id": item, "form": form, "scans": [inline, { "name": "第2页.png", "uploadId": own }] }),
    )
    .await
    .unwrap();
    let after = run(&engine, &graduate, "graduate_item", json!({ "id": item }))
        .await
        .unwrap()
        .into_json()
        .unwrap();
    let scans = after["item"]["payload"]["scans"].as_array().unwrap();
    assert_eq!(scans.len(), 2);
    assert_eq!(scans[1]["name"], "第2页.png");
    let hash = scans[1]["hash"].as_str().unwrap();
    match run(
        &engine,
        &graduate,
        "review_item_file",
        json!({ "id": item, "hash": hash }),
    )
    .await
    .unwrap()
    {
        Reply::Bytes(b) => assert!(b.starts_with(&[0xFF, 0xD8, 0xFF])),
        other => panic!("expected bytes, got {other:?}"),
    }
    // Neither bytes nor an id: the file is named.
    let e = run(
        &engine,
        &graduate,
        "graduate_edit_paper",
        json!({ "id": item, "form": form, "scans": [{ "name": "空.png" }] }),
    )
    .await
    .unwrap_err();
    assert_eq!(e.details["field"], "scans[0]");
}

fn base64_png() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(gradsign_engine::demo::BLANK_PNG)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_upload_03_staged_files_through_the_catalog_sqlite() {
    r_upload_03_staged_files_through_the_catalog(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_upload_03_staged_files_through_the_catalog_postgres() {
    r_upload_03_staged_files_through_the_catalog(true).await;
}
