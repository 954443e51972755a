//! The OpenAPI document (gradsign_api::openapi) against the catalog: its committed copy is fresh,
//! every operation has its path and every reference resolves, and it describes the wire: real
//! answers of `dispatch` fit it, and a document that is wrong in any of the ways a hand-written
//! one drifts (a field missing, a field's type, an error's status, a request's shape) does not.
//! The permission table (permissions.rs) holds every one of its calls to the same document.

mod common;
mod permission_table;

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use base64::Engine as _;
use common::wire::Wire;
use gradsign_api::openapi::{document, error_statuses};
use gradsign_api::{Access, Caller, Encoding, Reply, OPERATIONS};
use gradsign_engine::{Engine, SessionToken};
use serde_json::{json, Value};

fn committed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

/// docs/openapi.json is what `document()` writes: pretty JSON and a final newline.
#[test]
fn openapi_is_fresh() {
    let mut fresh = serde_json::to_string_pretty(&document()).unwrap();
    fresh.push('\n');
    let path = committed_path();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p gradsign-api openapi` and commit"
    );
}

/// Every `$ref` string in `v`, with where it stands.
fn refs(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => out.push((at.to_owned(), r.clone())),
                    _ => refs(x, &format!("{at}/{k}"), out),
                }
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                refs(x, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn openapi_every_operation_has_its_path_and_every_reference_resolves() {
    let doc = document();
    let wire = Wire::new(doc.clone());
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "GradSign");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    let tags: BTreeSet<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    let statuses = error_statuses();
    for op in OPERATIONS {
        let post = wire.operation(op.name);
        assert!(post.is_object(), "{}: no path /api/v1/{}", op.name, op.name);
        assert_eq!(post["operationId"], op.name);
        assert_eq!(post["tags"], json!([op.area()]), "{}", op.name);
        assert!(tags.contains(op.area()), "{}: tag not declared", op.name);
        let security = match op.access {
            Access::Anonymous => json!([]),
            Access::SignedIn => json!([{ "bearer": [] }]),
        };
        assert_eq!(post["security"], security, "{}", op.name);
        assert_eq!(
            post["parameters"],
            json!([{ "$ref": "#/components/parameters/IdempotencyKey" }]),
            "{}",
            op.name
        );
        let ok = wire.response(op.name, 200).unwrap();
        let types: Vec<&String> = ok["content"].as_object().unwrap().keys().collect();
        let expected = match op.encoding {
            Encoding::Json => "application/json",
            Encoding::Bytes => "application/octet-stream",
        };
        assert_eq!(types, [expected], "{}", op.name);
        for status in statuses.keys() {
            assert!(
                wire.response(op.name, *status).is_some(),
                "{}: no {status} answer",
                op.name
            );
        }
        // A `()` request is `null`, which an empty body stands for: only then is it optional.
        let unit = wire.request_schema(op.name) == &json!({ "type": "null" });
        assert_eq!(
            post["requestBody"]["required"],
            json!(!unit),
            "{}: requestBody.required",
            op.name
        );
    }
    let paths = doc["paths"].as_object().unwrap();
    for route in [
        "/healthz",
        "/readyz",
        "/api/v1/openapi.json",
        "/api/v1/uploads",
    ] {
        assert!(paths.contains_key(route), "no {route}");
    }
    assert_eq!(
        paths.len(),
        OPERATIONS.len() + 4,
        "paths beyond the catalog's"
    );

    // Every reference resolves, into the document's own components.
    let mut all = vec![];
    refs(&doc, "", &mut all);
    assert!(
        all.len() > OPERATIONS.len(),
        "only {} references",
        all.len()
    );
    let mut used = BTreeSet::new();
    for (at, r) in &all {
        assert!(
            r.starts_with("#/components/"),
            "{at}: {r} points outside the document"
        );
        assert!(wire.pointer(r).is_some(), "{at}: {r} does not resolve");
        used.insert(r.clone());
    }
    // Every named schema is a valid draft 2020-12 schema and something uses it.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(schemas.len() > 40, "only {} schemas", schemas.len());
    for (name, schema) in schemas {
        if let Err(e) = jsonschema::draft202012::meta::validate(schema) {
            panic!("components.schemas.{name} is not a JSON Schema: {e}");
        }
        assert!(
            used.contains(&format!("#/components/schemas/{name}")),
            "components.schemas.{name} is never used"
        );
        // schemars numbers a second type of the same name (`Foo2`): two types, one name.
        assert!(
            !name.ends_with(|c: char| c.is_ascii_digit()),
            "{name}: two wire types share a name"
        );
    }
    // The error codes of the statuses are exactly the codes of the error shape.
    let codes: BTreeSet<String> = statuses.values().flatten().cloned().collect();
    let code_schema = &schemas["ErrorCode"];
    let declared: BTreeSet<String> = code_schema["oneOf"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["const"].as_str().or_else(|| v["enum"][0].as_str()))
        .chain(
            code_schema["enum"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str),
        )
        .map(str::to_owned)
        .collect();
    assert_eq!(codes, declared);
    assert!(codes.contains("internal") && codes.contains("validation"));
}

/// An engine on an empty database.
async fn empty_school() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.sqlite3");
    let engine = Engine::open(db.to_str().unwrap(), dir.path().join("files"))
        .await
        .unwrap();
    (dir, engine)
}

/// One call through `dispatch`, held to the document; the answer.
async fn checked(
    engine: &Engine,
    caller: &Caller,
    name: &str,
    request: Value,
) -> gradsign_api::CommandResult<Reply> {
    let answer = common::run(engine, caller, name, request.clone()).await;
    assert!(
        Wire::catalog().check(name, &request, &answer),
        "{name}: the test's own request {request} does not fit the document"
    );
    answer
}

/// The answers the permission table never gets as a success: a school's first start (the demo
/// accounts, the set-up) and a QR code read back from the agreement's own page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_first_start_and_qr_answers_fit_the_document() {
    let anon = Caller::anonymous("openapi");
    let (_dir, engine) = empty_school().await;
    let status = checked(&engine, &anon, "app_status", Value::Null)
        .await
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(
        (&status["firstStart"], &status["schoolName"]),
        (&Value::Bool(true), &Value::Null),
        "an empty database: no school, no name"
    );
    let accounts = checked(&engine, &anon, "school_demo_create", Value::Null)
        .await
        .unwrap()
        .into_json()
        .unwrap();
    assert!(accounts.as_array().is_some_and(|a| !a.is_empty()));

    let (_dir2, fresh) = empty_school().await;
    let setup = json!({
        "name": "示范大学", "code": "10001", "contact": "就业指导中心", "departments": ["计算机学院"],
        "adminLogin": "office", "adminPassword": "Admin2026pass", "adminName": "王老师"
    });
    let done = checked(&fresh, &anon, "school_setup", setup).await;
    assert_eq!(done, Ok(Reply::Json(Value::Null)));

    // The agreement's PDF, its first page as an image, the QR code read back and verified.
    let g0 = common::signed_in(&engine, "2026000001").await;
    let items = checked(&engine, &g0, "graduate_items", json!({}))
        .await
        .unwrap()
        .into_json()
        .unwrap();
    let signed = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "signing" && i["state"] == "signed")
        .expect("graduate 0 has a signed agreement")
        .clone();
    let pdf = checked(&engine, &g0, "agreement_pdf", json!({ "id": signed["id"] }))
        .await
        .unwrap()
        .into_bytes()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.pdf"), &pdf).unwrap();
    let rendered = std::process::Command::new("pdftoppm")
        .args(["-r", "200", "-png", "-singlefile", "-f", "1", "-l", "1"])
        .arg(dir.path().join("a.pdf"))
        .arg(dir.path().join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) renders the page");
    assert!(rendered.success());
    let png = std::fs::read(dir.path().join("page.png")).unwrap();
    let image = base64::engine::general_purpose::STANDARD.encode(png);
    let read = checked(
        &engine,
        &anon,
        "verify_read_qr",
        json!({ "imageBase64": image }),
    )
    .await
    .unwrap()
    .into_json()
    .unwrap();
    assert_eq!(read["code"], signed["verificationCode"]);
    let verified = checked(&engine, &anon, "verify_agreement", read)
        .await
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(verified["exists"], true);
}

/// A copy of the catalog's document changed by `f`.
fn changed(f: impl FnOnce(&mut Value)) -> Wire {
    let mut doc = document();
    f(&mut doc);
    Wire::new(doc)
}

/// The document is exact enough that each way of getting it wrong fails the check on a real
/// call: a field left out or mistyped, an error code under another status, a request schema
/// stricter or looser than what the catalog reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_a_wrong_document_fails_the_check() {
    let (_dir, engine) = common::demo().await;
    let g0 = common::signed_in(&engine, "2026000001").await;
    let anon = Caller::anonymous("openapi");
    let portal_req = json!({ "graduateId": null });
    let portal = common::run(&engine, &g0, "graduate_portal", portal_req.clone()).await;
    assert!(portal.is_ok());
    let right = Wire::catalog();
    assert_eq!(
        right.problems("graduate_portal", &portal_req, &portal),
        Vec::<String>::new()
    );

    // A field the answer has but the document does not declare.
    let missing = changed(|doc| {
        let view = &mut doc["components"]["schemas"]["PortalView"];
        view["properties"]
            .as_object_mut()
            .unwrap()
            .remove("readOnly");
        view["required"]
            .as_array_mut()
            .unwrap()
            .retain(|f| f != "readOnly");
    });
    assert!(!missing
        .problems("graduate_portal", &portal_req, &portal)
        .is_empty());
    // A field of another type.
    let mistyped = changed(|doc| {
        doc["components"]["schemas"]["GraduateInfo"]["properties"]["id"] =
            json!({ "type": "string" });
    });
    assert!(!mistyped
        .problems("graduate_portal", &portal_req, &portal)
        .is_empty());
    // A field the document says is always there, which the answer does not have.
    let extra = changed(|doc| {
        let view = &mut doc["components"]["schemas"]["CohortInfo"];
        view["properties"]["extra"] = json!({ "type": "string" });
        view["required"]
            .as_array_mut()
            .unwrap()
            .push(json!("extra"));
    });
    assert!(!extra
        .problems("graduate_portal", &portal_req, &portal)
        .is_empty());

    // An error whose code the document lists under another status.
    let refused = common::run(&engine, &anon, "graduate_portal", portal_req.clone()).await;
    assert_eq!(
        refused.as_ref().map_err(|e| e.code.http_status()).err(),
        Some(401)
    );
    assert!(right
        .problems("graduate_portal", &portal_req, &refused)
        .is_empty());
    let moved = changed(|doc| {
        doc["components"]["responses"]["Error401"]["content"]["application/json"]["schema"]
            ["allOf"][1]["properties"]["code"]["enum"] = json!(["wrong_credentials"]);
    });
    assert!(!moved
        .problems("graduate_portal", &portal_req, &refused)
        .is_empty());

    // A request schema stricter than the catalog: the document refuses what was answered.
    let items = common::run(&engine, &g0, "graduate_items", json!({})).await;
    assert!(items.is_ok());
    assert!(right
        .problems("graduate_items", &json!({}), &items)
        .is_empty());
    let strict = changed(|doc| {
        doc["components"]["schemas"]["ItemsRequest"]["required"] = json!(["kind"]);
    });
    assert!(!strict
        .problems("graduate_items", &json!({}), &items)
        .is_empty());
    // A request schema looser than the catalog: the document allows what the catalog cannot
    // read (an unknown field where serde refuses them).
    let unknown = json!({ "graduateId": null, "page": 2 });
    let unread = common::run(&engine, &g0, "graduate_portal", unknown.clone()).await;
    assert!(unread.is_err());
    assert!(right
        .problems("graduate_portal", &unknown, &unread)
        .is_empty());
    let loose = changed(|doc| {
        doc["components"]["schemas"]["PortalRequest"]
            .as_object_mut()
            .unwrap()
            .remove("additionalProperties");
    });
    assert!(!loose
        .problems("graduate_portal", &unknown, &unread)
        .is_empty());
}

/// Each status lists the codes `ErrorCode::http_status` gives it, and only those.
#[test]
fn openapi_error_statuses_come_from_the_codes() {
    let statuses = error_statuses();
    let all: Vec<&String> = statuses.values().flatten().collect();
    assert!(all.len() >= 26, "only {} codes: {all:?}", all.len());
    for (status, codes) in &statuses {
        for code in codes {
            let c: gradsign_api::ErrorCode = serde_json::from_value(json!(code)).unwrap();
            assert_eq!(c.http_status(), *status, "{code}");
        }
    }
    assert!(statuses[&400].contains(&"validation".to_owned()));
    assert!(statuses[&401].contains(&"unauthenticated".to_owned()));
    assert!(statuses[&500].contains(&"internal".to_owned()));
}

/// The catalog's dispatch with every call held to the document: the permission table's requests
/// fit their request schemas (or are refused as bad requests), and every answer, success or
/// refusal, fits the schema of its status.
struct Documented;

impl permission_table::Transport for Documented {
    fn call(
        &self,
        engine: Arc<Engine>,
        token: Option<SessionToken>,
        op: &'static str,
        request: Value,
    ) -> Pin<Box<dyn Future<Output = Result<Value, String>> + Send + '_>> {
        Box::pin(async move {
            let task = tokio::spawn(async move {
                let caller = match token {
                    Some(t) => Caller::with_token(t, "permissions"),
                    None => Caller::anonymous("permissions"),
                };
                let answer = common::run(&engine, &caller, op, request.clone()).await;
                Wire::catalog().check(op, &request, &answer);
                match answer {
                    Ok(Reply::Json(v)) => Ok(v),
                    Ok(Reply::Bytes(b)) => Ok(json!({ "bytes": b.len() })),
                    Err(e) => Err(serde_json::to_value(e.code)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()),
                }
            });
            match task.await {
                Ok(answer) => answer,
                Err(e) => Err(format!("panicked: {e}")),
            }
        })
    }
}

/// Every cell of the permission table (every operation as each of ten callers), held to the
/// document.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_every_answer_of_the_permission_table_fits_the_document() {
    permission_table::every_operation_as_every_caller(Box::new(Documented)).await;
}

/// Every number of every request at its extremes: a number outside its Rust type's range is
/// outside the schema's and refused as a bad request; one inside is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_the_extremes_of_every_number_fit_the_document() {
    permission_table::the_extremes_of_every_numeric_field_are_answered_not_panicked(Box::new(
        Documented,
    ))
    .await;
}
