//! The permission table: every catalog operation run as every kind of caller, each on its own
//! copy of the demo school, against the outcome written here: `ok` or the exact refusal code. An
//! operation of the catalog without a row fails the test, so a new operation cannot arrive without
//! its permissions being written down.
//!
//! The columns, for the row's subject (a graduate `g` and an employer `e` of the demo school):
//! the graduate of the item, another graduate, the employer of the item, another (approved)
//! employer, an unapproved employer, the department reviewer of the graduate's department, a
//! department reviewer of another department, the school reviewer, the admin, and no session.
//!
//! `GRADSIGN_PERMISSIONS_PRINT=1` prints the observed table in this file's notation.
//!
//! The table runs over a `Transport`: straight into the catalog's dispatch, every request and answer
//! also held to the OpenAPI document (crates/api/tests/openapi.rs), and over HTTPS to a server
//! started on each copy (crates/server/tests/permissions.rs), so both transports are held to the
//! same outcomes.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use base64::Engine as _;
use gradsign_api::{dispatch, Caller, Cx, OPERATIONS};
use gradsign_engine::{Engine, SessionToken, Timestamp};
use serde_json::{json, Value};

const NOW: Timestamp = 1_780_000_000;
const COLUMNS: [&str; 10] = [
    "grad",
    "other-grad",
    "emp",
    "other-emp",
    "unapproved",
    "dept-in",
    "dept-out",
    "school",
    "admin",
    "anon",
];
const DEPARTMENT_REVIEWERS: [&str; 3] = ["cs-reviewer", "econ-reviewer", "lang-reviewer"];
/// The demo's graduates with an account beyond the first ten: the offline signing examples
/// (submitted, under review, returned, issued, …).
const OFFLINE_EXAMPLES: std::ops::RangeInclusive<usize> = 190..=198;

/// How one cell's call travels to the engine of its copy of the demo school: `Ok` with the JSON
/// answer (`{"bytes": n}` for a binary one), `Err` with the refusal's wire code, or `Err` with
/// "panicked: …" when the call never got an answer.
pub trait Transport: Send + Sync {
    fn call(
        &self,
        engine: Arc<Engine>,
        token: Option<SessionToken>,
        op: &'static str,
        request: Value,
    ) -> Pin<Box<dyn Future<Output = Result<Value, String>> + Send + '_>>;
}

/// The catalog's own dispatch, in a task of its own so that a panic is caught as one.
pub struct InProcess;

impl Transport for InProcess {
    fn call(
        &self,
        engine: Arc<Engine>,
        token: Option<SessionToken>,
        op: &'static str,
        request: Value,
    ) -> Pin<Box<dyn Future<Output = Result<Value, String>> + Send + '_>> {
        Box::pin(async move {
            let task =
                tokio::spawn(async move { call(&engine, token.as_ref(), op, request).await });
            match task.await {
                Ok(answer) => answer,
                Err(e) => Err(format!("panicked: {e}")),
            }
        })
    }
}

/// The demo school once, with a session for every account, copied for every cell.
pub struct Fixture {
    transport: Box<dyn Transport>,
    _dir: tempfile::TempDir,
    base: PathBuf,
    files: PathBuf,
    tokens: BTreeMap<String, SessionToken>,
    /// Every item of graduates 0–9 and of the offline examples, as each sees it
    /// (`graduate_items`).
    items: Vec<(usize, Value)>,
    employer_names: Vec<String>,
    /// Each demo employer's details as its profile shows them.
    employer_details: Vec<Value>,
    departments: Vec<Value>,
    graduates: Vec<Value>,
    accounts: Vec<Value>,
    employers: Vec<Value>,
    outbox: Vec<Value>,
    messages_of_g0: Vec<Value>,
    /// Every item's version, as the school reviewer sees it (the reviewers' decisions carry it).
    versions: BTreeMap<i64, i64>,
}

fn graduate_login(g: usize) -> String {
    format!("2026{:06}", g + 1)
}

fn employer_login(e: usize) -> String {
    format!("employer{:02}", e + 1)
}

async fn call(
    engine: &Engine,
    token: Option<&SessionToken>,
    name: &str,
    req: Value,
) -> Result<Value, String> {
    let caller = match token {
        Some(t) => Caller::with_token(t.clone(), "permissions"),
        None => Caller::anonymous("permissions"),
    };
    let cx = Cx {
        engine,
        now: NOW,
        caller: &caller,
    };
    match dispatch(&cx, name, req).await {
        Ok(gradsign_api::Reply::Json(v)) => Ok(v),
        Ok(gradsign_api::Reply::Bytes(b)) => Ok(json!({ "bytes": b.len() })),
        Err(e) => Err(serde_json::to_value(e.code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()),
    }
}

impl Fixture {
    pub async fn new(transport: Box<dyn Transport>) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("base.sqlite3");
        let files = dir.path().join("files");
        let engine = Engine::open(base.to_str().unwrap(), &files).await.unwrap();
        engine.create_demo(NOW - 3600).await.unwrap();
        let mut logins: Vec<String> = (0..10)
            .chain(OFFLINE_EXAMPLES)
            .map(graduate_login)
            .collect();
        logins.extend((0..10).map(employer_login));
        logins.extend(DEPARTMENT_REVIEWERS.iter().map(|s| s.to_string()));
        logins.push("school-reviewer".into());
        logins.push("admin".into());
        let mut tokens = BTreeMap::new();
        for login in logins {
            let s = engine.sign_in(&login, "demo2026", NOW).await.unwrap();
            tokens.insert(login, s.token);
        }
        let mut items = vec![];
        for g in (0..10).chain(OFFLINE_EXAMPLES) {
            let t = tokens.get(&graduate_login(g));
            let list = call(&engine, t, "graduate_items", json!({})).await.unwrap();
            for it in list.as_array().unwrap() {
                items.push((g, it.clone()));
            }
        }
        let (mut employer_names, mut employer_details) = (vec![], vec![]);
        for e in 0..10 {
            let t = tokens.get(&employer_login(e));
            let p = call(&engine, t, "employer_profile", Value::Null)
                .await
                .unwrap();
            employer_names.push(p["details"]["name"].as_str().unwrap().to_owned());
            employer_details.push(p["details"].clone());
        }
        let admin = tokens.get("admin");
        let arr = |v: Value| v.as_array().cloned().unwrap_or_default();
        let departments = arr(call(&engine, admin, "admin_departments", Value::Null)
            .await
            .unwrap());
        let graduates = arr(call(&engine, admin, "admin_graduates", graduate_filter())
            .await
            .unwrap());
        let accounts = arr(call(&engine, admin, "admin_accounts", Value::Null)
            .await
            .unwrap());
        let employers = arr(call(&engine, admin, "admin_employers", Value::Null)
            .await
            .unwrap());
        let outbox = arr(call(&engine, admin, "admin_outbox", Value::Null)
            .await
            .unwrap());
        let messages_of_g0 = arr(call(
            &engine,
            tokens.get(&graduate_login(0)),
            "messages_list",
            Value::Null,
        )
        .await
        .unwrap());
        let mut versions = BTreeMap::new();
        for (_, it) in &items {
            let id = it["id"].as_i64().unwrap();
            let detail = call(
                &engine,
                tokens.get("school-reviewer"),
                "review_item",
                json!({ "id": id }),
            )
            .await;
            if let Some(v) = detail.ok().and_then(|d| d["item"]["version"].as_i64()) {
                versions.insert(id, v);
            }
        }
        engine.store().close().await;
        Fixture {
            transport,
            versions,
            _dir: dir,
            base,
            files,
            tokens,
            items,
            employer_names,
            employer_details,
            departments,
            graduates,
            accounts,
            employers,
            outbox,
            messages_of_g0,
        }
    }

    /// The first item of graduate `g` of `kind` in `state` (any state when none).
    fn item(&self, g: usize, kind: &str, state: Option<&str>) -> &Value {
        self.items
            .iter()
            .find(|(owner, it)| {
                *owner == g && it["kind"] == kind && state.is_none_or(|s| it["state"] == s)
            })
            .map(|(_, it)| it)
            .unwrap_or_else(|| {
                let have: Vec<_> = self
                    .items
                    .iter()
                    .filter(|(owner, _)| *owner == g)
                    .map(|(_, it)| format!("{} {}", it["kind"], it["state"]))
                    .collect();
                panic!("graduate {g} has no {kind} item in {state:?}: {have:?}")
            })
    }

    fn id(&self, g: usize, kind: &str, state: Option<&str>) -> i64 {
        self.item(g, kind, state)["id"].as_i64().unwrap()
    }

    /// The demo employer (0–9) of an item.
    fn employer_of(&self, item: &Value) -> usize {
        let name = item["employerName"].as_str().unwrap_or_default();
        self.employer_names
            .iter()
            .position(|n| n == name)
            .unwrap_or(0)
    }

    fn graduate_row(&self, g: usize) -> &Value {
        let sn = graduate_login(g);
        self.graduates
            .iter()
            .find(|r| r["studentNumber"] == sn.as_str())
            .unwrap()
    }

    fn account_id(&self, login: &str) -> i64 {
        self.accounts
            .iter()
            .find(|a| a["login"] == login)
            .and_then(|a| a["id"].as_i64())
            .unwrap()
    }

    fn employer_id(&self, e: usize) -> i64 {
        let name = &self.employer_names[e];
        self.employers
            .iter()
            .find(|r| r["name"] == name.as_str())
            .and_then(|r| r["id"].as_i64())
            .unwrap()
    }

    /// The login of `column` for a row about graduate `g` and employer `e`.
    fn login(column: usize, g: usize, e: usize) -> Option<String> {
        Some(match column {
            0 => graduate_login(g),
            1 => graduate_login(if g == 0 { 1 } else { 0 }),
            2 => employer_login(e),
            3 => employer_login((e + 1) % 9),
            4 => employer_login(9),
            5 => DEPARTMENT_REVIEWERS[g % 3].to_owned(),
            6 => DEPARTMENT_REVIEWERS[(g + 1) % 3].to_owned(),
            7 => "school-reviewer".to_owned(),
            8 => "admin".to_owned(),
            _ => return None,
        })
    }

    /// Runs one cell on a fresh copy of the demo school.
    async fn cell(&self, column: usize, row: &Row) -> String {
        let login = Self::login(column, row.g, row.e);
        self.run_on_copy(login.as_deref(), row.op, row.request.clone())
            .await
            .unwrap_or_else(|panic| panic!("{} as {}: {panic}", row.op, COLUMNS[column]))
    }

    /// Runs one call as `login` (none: anonymous) on a fresh copy of the demo school: `ok`, the
    /// refusal's code, or Err with the panic's message if the call panicked.
    async fn run_on_copy(
        &self,
        login: Option<&str>,
        op: &'static str,
        request: Value,
    ) -> Result<String, String> {
        let copy = tempfile::Builder::new()
            .suffix(".sqlite3")
            .tempfile()
            .unwrap();
        std::fs::copy(&self.base, copy.path()).unwrap();
        let engine = Engine::open(copy.path().to_str().unwrap(), &self.files)
            .await
            .unwrap();
        let token = login.and_then(|l| self.tokens.get(l).cloned());
        let engine = Arc::new(engine);
        let answer = self
            .transport
            .call(engine.clone(), token, op, request)
            .await;
        engine.store().close().await;
        match answer {
            Ok(_) => Ok("ok".into()),
            Err(e) if e.starts_with("panicked") => Err(e),
            Err(code) => Ok(code),
        }
    }
}

fn graduate_filter() -> Value {
    json!({ "cohort": 2026, "departmentId": null, "major": null, "educationLevel": null, "text": null })
}

fn queue_filter(kind: Option<&str>) -> Value {
    json!({
        "kind": kind, "awaitingMe": false, "state": null, "departmentId": null, "major": null,
        "educationLevel": null, "destCode": null, "submittedFrom": null, "submittedTo": null,
        "newestFirst": false, "after": null, "limit": 50
    })
}

fn png_base64() -> String {
    base64::engine::general_purpose::STANDARD.encode(gradsign_engine::demo::BLANK_PNG)
}

fn upload(name: &str) -> Value {
    json!({ "name": name, "dataBase64": png_base64() })
}

/// A valid unified social credit code (GB 32100) of its own for each `n`.
fn credit_code(n: u32) -> String {
    gradsign_engine::types::CreditCode::compose(
        "91",
        "110108",
        &format!("{:08}", 40_000_000 + n * 7),
    )
    .unwrap()
    .as_str()
    .to_owned()
}

/// A valid ID number (GB 11643) of its own for each `n`.
fn id_number(n: u32) -> String {
    let first = format!("11010120030101{:03}", n % 1000);
    let check = gradsign_engine::types::IdNumber::check_char(&first).unwrap();
    format!("{first}{check}")
}

fn employer_input(name: &str) -> Value {
    json!({
        "name": name, "creditCode": credit_code(1), "nature": "其他企业",
        "industry": "信息传输、软件和信息技术服务业", "address": "北京市海淀区中关村大街1号",
        "contactPerson": "李女士", "contactPhone": "010-88886666"
    })
}

fn terms() -> Value {
    json!({
        "position": "软件工程师", "workLocation": "北京", "salary": "月薪12000元", "probation": "3个月",
        "agreementTerm": "3年", "liquidatedDamages": "5000元", "archiveHandling": "单位接收",
        "archiveReceivingUnit": "北京人才服务中心", "archiveAddress": "北京人才大厦",
        "archivePostcode": "100000", "hukouAddress": "北京", "otherTerms": ""
    })
}

fn destination_form() -> Value {
    json!({ "typeId": "job_seeking", "fields": { "status": "求职中" } })
}

/// The first file hash an item's payload refers to.
fn first_hash(v: &Value) -> Option<String> {
    match v {
        Value::Object(m) => m
            .get("hash")
            .and_then(|h| h.as_str().map(str::to_owned))
            .or_else(|| m.values().find_map(first_hash)),
        Value::Array(a) => a.iter().find_map(first_hash),
        _ => None,
    }
}

/// One row of the table: an operation, its subject, its request and the expected outcome per
/// column.
struct Row {
    op: &'static str,
    g: usize,
    e: usize,
    request: Value,
    expect: &'static str,
}

fn row(op: &'static str, g: usize, e: usize, request: Value, expect: &'static str) -> Row {
    Row {
        op,
        g,
        e,
        request,
        expect,
    }
}

fn rows(f: &Fixture) -> Vec<Row> {
    let signed0 = f.item(0, "signing", Some("signed"));
    let (agreement0, emp0) = (signed0["id"].as_i64().unwrap(), f.employer_of(signed0));
    let pending1 = f.item(1, "signing", Some("pending"));
    let (invitation1, emp1) = (pending1["id"].as_i64().unwrap(), f.employer_of(pending1));
    let accepted2 = f.item(2, "signing", Some("under_review"));
    let (accepted2_id, emp2) = (accepted2["id"].as_i64().unwrap(), f.employer_of(accepted2));
    let termination8 = f.item(8, "termination", None);
    let (termination8_id, emp8) = (
        termination8["id"].as_i64().unwrap(),
        f.employer_of(termination8),
    );
    let paper4 = f.item(4, "paper", None);
    let paper4_id = paper4["id"].as_i64().unwrap();
    let paper4_hash = first_hash(&paper4["payload"]).unwrap_or_default();
    let draft9 = f.id(9, "paper", None);
    let approved9 = f.id(9, "destination", Some("approved"));
    let destination7 = f.id(7, "destination", None);
    let offline190 = f.id(190, "offline_signing", Some("submitted"));
    let offline191 = f.id(191, "offline_signing", Some("under_review"));
    let offline192 = f.id(192, "offline_signing", Some("returned"));
    let offline193 = f.id(193, "offline_signing", Some("approved_for_print"));
    let offline_form =
        json!({ "employer": employer_input("某县农业科技合作社"), "terms": terms() });
    let message0 = f
        .messages_of_g0
        .first()
        .and_then(|m| m["id"].as_i64())
        .unwrap_or(1);
    let outbox0 = f.outbox.first().and_then(|m| m["id"].as_i64()).unwrap_or(1);
    let dept = |k: usize| f.departments[k]["id"].as_i64().unwrap();
    let g0 = f.graduate_row(0);
    let g0_id = g0["id"].as_i64().unwrap();
    let g0_version = g0["version"].as_i64().unwrap_or(1);
    let code0 = signed0["verificationCode"].as_str().unwrap_or_default();
    let hash0 = signed0["snapshotHash"].as_str().unwrap_or_default();
    let fix = json!({
        "name": null, "gender": null, "idNumber": null, "educationLevel": null, "major": null,
        "departmentId": null, "trainingMode": null, "directedUnit": null, "origin": null,
        "phone": "13912345678", "email": null
    });
    let csv = format!(
        "{}\n2026000901,测试生,男,{},本科,软件工程,计算机学院,非定向,,北京市,13800000901,t901@example.cn\n",
        gradsign_engine::IMPORT_HEADER.join(","),
        id_number(901)
    );
    let import = json!({
        "cohort": 2026, "fileName": "graduates.csv",
        "dataBase64": base64::engine::general_purpose::STANDARD.encode(csv.as_bytes())
    });
    vec![
        // The app and the first start (anonymous by design; the engine refuses a school twice).
        row("app_status", 0, 0, Value::Null, "ok ok ok ok ok ok ok ok ok ok"),
        row("school_demo_create", 0, 0, Value::Null, "duplicate duplicate duplicate duplicate duplicate duplicate duplicate duplicate duplicate duplicate"),
        row("school_setup", 0, 0, json!({
            "name": "示范大学", "code": "10001", "contact": "就业指导中心", "departments": ["计算机学院"],
            "adminLogin": "office", "adminPassword": "Admin2026pass", "adminName": "王老师"
        }), "duplicate duplicate duplicate duplicate duplicate duplicate duplicate duplicate duplicate duplicate"),
        row("session_open", 0, 0, json!({ "username": "2026000001", "password": "demo2026" }), "ok ok ok ok ok ok ok ok ok ok"),
        row("session_user", 0, 0, Value::Null, "ok ok ok ok ok ok ok ok ok unauthenticated"),
        row("session_close", 0, 0, Value::Null, "ok ok ok ok ok ok ok ok ok ok"),
        // A student number the school never uploaded is the school's answer for everyone
        // (R-INFO-03); everyone signed in changes their own password (R-AUTH-06).
        row("account_activate", 0, 0, json!({ "studentNumber": "2026999999", "idNumber": id_number(977), "password": "Newpass2026" }), "not_imported not_imported not_imported not_imported not_imported not_imported not_imported not_imported not_imported not_imported"),
        row("account_change_password", 0, 0, json!({ "currentPassword": "demo2026", "newPassword": "Newpass2026" }), "ok ok ok ok ok ok ok ok ok unauthenticated"),
        // The graduate.
        row("graduate_portal", 0, emp0, json!({ "graduateId": null }), "ok ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_confirm_info", 0, emp0, Value::Null, "invalid_state invalid_state forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_update_contact", 0, emp0, json!({ "phone": "13800138000", "email": "g0@example.cn" }), "ok ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_items", 0, emp0, json!({ "kind": null, "graduateId": null }), "ok ok ok ok ok ok ok ok ok unauthenticated"),
        row("graduate_item", 0, emp0, json!({ "id": agreement0 }), "ok not_found ok not_found not_found ok not_found ok ok unauthenticated"),
        row("graduate_accept_invitation", 1, emp1, json!({ "id": invitation1 }), "ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_reject_invitation", 1, emp1, json!({ "id": invitation1 }), "ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_request_offline_termination", 4, 0, json!({
            "paperId": paper4_id, "reason": "毕业生出国出境", "explanation": "出国留学", "scans": [upload("letter.png")]
        }), "invalid_state not_found not_found not_found not_found not_found not_found not_found not_found unauthenticated"),
        row("graduate_edit_offline_termination", 4, 0, json!({
            "id": paper4_id, "reason": "毕业生出国出境", "explanation": "出国留学", "scans": null
        }), "not_found not_found not_found not_found not_found not_found not_found not_found not_found unauthenticated"),
        row("graduate_create_paper", 1, 0, json!({
            "form": { "employer": employer_input("北京纸质协议有限公司"), "terms": terms() }, "scans": [upload("p.png")]
        }), "ok ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_edit_paper", 9, 0, json!({
            "id": draft9, "form": { "employer": employer_input("北京纸质协议有限公司"), "terms": terms() }, "scans": null
        }), "ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_create_destination", 1, 0, json!({ "form": destination_form(), "proofs": [] }), "ok ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_edit_destination", 7, 0, json!({ "id": destination7, "form": destination_form(), "proofs": null }), "invalid_state forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_submit_registration", 9, 0, json!({ "id": draft9 }), "one_destination forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_withdraw_registration", 7, 0, json!({ "id": destination7 }), "ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_void_destination", 9, 0, json!({ "id": approved9 }), "ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_data_export", 0, emp0, Value::Null, "ok ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_reference", 0, 0, Value::Null, "ok ok ok ok ok ok ok ok ok ok"),
        // Offline signing (R-OFFSIGN): only the graduate applies and acts on their application.
        row("graduate_apply_offline_signing", 1, 0, json!({ "form": offline_form }), "ok one_destination forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_edit_offline_signing", 192, 0, json!({ "id": offline192, "form": offline_form }), "ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_submit_offline_signing", 192, 0, json!({ "id": offline192 }), "ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_withdraw_offline_signing", 190, 0, json!({ "id": offline190 }), "ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_cancel_offline_signing", 193, 0, json!({ "id": offline193 }), "ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("graduate_upload_stamped_pages", 193, 0, json!({ "id": offline193, "pages": [upload("盖章页.png")] }), "ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("messages_list", 0, emp0, Value::Null, "ok ok ok ok ok ok ok ok ok unauthenticated"),
        row("messages_state", 0, emp0, Value::Null, "ok ok ok ok ok ok ok ok ok unauthenticated"),
        row("messages_mark_read", 0, emp0, json!({ "id": message0 }), "ok not_found not_found not_found not_found not_found not_found not_found not_found unauthenticated"),
        // The agreement and its verification.
        row("agreement_pdf", 0, emp0, json!({ "id": agreement0 }), "ok not_found ok not_found not_found ok not_found ok ok unauthenticated"),
        row("verify_agreement", 0, emp0, json!({ "code": code0, "hash": hash0 }), "ok ok ok ok ok ok ok ok ok ok"),
        row("verify_read_qr", 0, emp0, json!({ "imageBase64": png_base64() }), "validation validation validation validation validation validation validation validation validation validation"),
        // Online termination (R-TERM), for both parties.
        row("termination_request", 0, emp0, json!({ "agreementId": agreement0, "reason": "毕业生出国出境", "explanation": "" }), "ok forbidden ok forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("termination_answer", 8, emp8, json!({ "id": termination8_id, "accept": false }), "ok forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        row("termination_cancel", 8, emp8, json!({ "id": termination8_id }), "forbidden forbidden ok forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        // The employer.
        row("employer_sign_up", 0, 0, json!({
            "details": employer_input("北京新注册科技有限公司"), "login": "new-employer",
            "password": "Employer2026", "displayName": "王先生", "licence": upload("licence.png")
        }), "ok ok ok ok ok ok ok ok ok ok"),
        row("employer_profile", 0, 0, Value::Null, "forbidden forbidden ok ok ok forbidden forbidden forbidden validation unauthenticated"),
        row("employer_update_profile", 0, 0, f.employer_details[0].clone(), "forbidden forbidden ok validation validation forbidden forbidden forbidden forbidden unauthenticated"),
        row("employer_replace_licence", 0, 0, upload("licence.png"), "forbidden forbidden ok ok ok forbidden forbidden forbidden forbidden unauthenticated"),
        row("employer_licence", 0, 0, Value::Null, "forbidden forbidden not_found not_found not_found forbidden forbidden forbidden validation unauthenticated"),
        row("employer_add_staff", 0, 0, json!({ "login": "hr-staff", "password": "Staff2026pass", "displayName": "张三" }), "forbidden forbidden ok ok employer_not_approved forbidden forbidden forbidden forbidden unauthenticated"),
        row("employer_invite", 3, 5, json!({
            "graduate": { "by": "student_number", "name": g0["name"].clone(), "idNumber": "", "studentNumber": "2026000001" },
            "terms": terms(), "deadlineDays": 5
        }), "forbidden forbidden ok ok employer_not_approved forbidden forbidden forbidden forbidden unauthenticated"),
        row("employer_items", 0, emp0, Value::Null, "ok ok ok ok ok ok ok ok ok unauthenticated"),
        row("employer_withdraw_invitation", 1, emp1, json!({ "id": invitation1 }), "forbidden forbidden ok forbidden forbidden forbidden forbidden forbidden forbidden unauthenticated"),
        // The reviewers.
        row("review_queue", 2, emp2, queue_filter(None), "forbidden forbidden forbidden forbidden forbidden ok ok ok ok unauthenticated"),
        row("review_item", 2, emp2, json!({ "id": accepted2_id }), "ok not_found ok not_found not_found ok not_found ok ok unauthenticated"),
        row("review_decide", 2, emp2, json!({ "id": accepted2_id, "version": f.versions[&accepted2_id], "input": { "decision": "approve", "reason": "" } }), "forbidden forbidden forbidden forbidden forbidden ok forbidden forbidden forbidden unauthenticated"),
        // The school level of an offline signing's 协议审核 (the department has approved).
        row("review_decide", 191, 0, json!({ "id": offline191, "version": f.versions[&offline191], "input": { "decision": "approve", "reason": "" } }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok forbidden unauthenticated"),
        // The print copy of an issued offline agreement: the graduate and the school.
        row("agreement_pdf", 193, 0, json!({ "id": offline193 }), "ok not_found not_found not_found not_found ok not_found ok ok unauthenticated"),
        row("review_edit_destination", 7, 0, json!({ "id": destination7, "version": f.versions[&destination7], "form": destination_form() }), "forbidden forbidden forbidden forbidden forbidden ok forbidden forbidden forbidden unauthenticated"),
        row("review_item_file", 4, 0, json!({ "id": paper4_id, "hash": paper4_hash }), "ok not_found not_found not_found not_found ok not_found ok ok unauthenticated"),
        row("workspace_reference", 0, 0, Value::Null, "forbidden forbidden ok ok ok ok ok ok ok unauthenticated"),
        row("reason_templates_set", 0, 0, json!({ "templates": ["材料不全"] }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("review_agreements_count", 0, emp0, queue_filter(Some("signing")), "forbidden forbidden forbidden forbidden forbidden ok ok ok ok unauthenticated"),
        row("review_agreements_pdf", 0, emp0, queue_filter(Some("signing")), "forbidden forbidden forbidden forbidden forbidden ok ok ok ok unauthenticated"),
        // The school admin.
        row("admin_import_check", 0, 0, import.clone(), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_import", 0, 0, import, "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_graduates", 0, 0, graduate_filter(), "forbidden forbidden forbidden forbidden forbidden ok ok ok ok unauthenticated"),
        row("admin_fix_preview", 0, 0, json!({ "id": g0_id, "fix": fix.clone() }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_fix_graduate", 0, 0, json!({ "id": g0_id, "version": g0_version, "fix": fix }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_person_links", 0, 0, Value::Null, "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        // A record is never linked to itself: the admin's answer names the field.
        row("admin_person_link_set", 0, 0, json!({ "graduateId": g0_id, "otherId": g0_id, "linked": true }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden validation unauthenticated"),
        row("admin_departments", 0, 0, Value::Null, "forbidden forbidden forbidden forbidden forbidden ok ok ok ok unauthenticated"),
        row("admin_department_add", 0, 0, json!({ "name": "数学学院" }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_department_rename", 0, 0, json!({ "id": dept(2), "name": "外国语言文学学院" }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_department_merge", 0, 0, json!({ "from": dept(2), "into": dept(1) }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_cohorts", 0, 0, Value::Null, "forbidden forbidden ok ok ok ok ok ok ok unauthenticated"),
        row("admin_cohort_configure", 0, 0, json!({ "year": 2027, "chain": "both", "inviteLimitDays": 5, "changesUntil": null, "agreementTitle": null }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_cohort_set_module", 0, 0, json!({ "year": 2026, "open": false }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_settings", 0, 0, Value::Null, "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_keep_originals_set", 0, 0, json!({ "keep": true }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_gateway_set", 0, 0, json!({ "url": "https://sms.example.cn/send", "token": "", "smsTemplate": "", "wechatTemplate": "" }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_outbox_deliver", 0, 0, Value::Null, "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_accounts", 0, 0, Value::Null, "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_account_create", 0, 0, json!({ "login": "math-reviewer", "password": "Review2026pass", "displayName": "数学审核员", "role": "department_reviewer", "departmentId": dept(0) }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_account_set_disabled", 0, 0, json!({ "id": f.account_id("cs-reviewer"), "disabled": true }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_password_reset", 0, 0, json!({ "id": f.account_id("2026000001"), "password": "Reset2026pass" }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_employers", 0, 0, Value::Null, "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_employer_approve", 0, 9, json!({ "id": f.employer_id(9), "approved": true }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_employer_set_disabled", 0, 0, json!({ "id": f.employer_id(0), "disabled": true }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_outbox", 0, 0, Value::Null, "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden ok unauthenticated"),
        row("admin_outbox_retry", 0, 0, json!({ "id": outbox0 }), "forbidden forbidden forbidden forbidden forbidden forbidden forbidden forbidden invalid_state unauthenticated"),
        // Statistics and exports (R-STAT).
        row("stats_get", 0, 0, json!({ "cohort": 2026 }), "forbidden forbidden forbidden forbidden forbidden ok ok ok ok unauthenticated"),
        row("stats_cohorts", 0, 0, Value::Null, "forbidden forbidden ok ok ok ok ok ok ok unauthenticated"),
        row("stats_workbook", 0, 0, json!({ "cohort": 2026 }), "forbidden forbidden forbidden forbidden forbidden ok ok ok ok unauthenticated"),
        row("graduates_workbook", 0, 0, graduate_filter(), "forbidden forbidden forbidden forbidden forbidden ok ok ok ok unauthenticated"),
        row("queue_workbook", 0, 0, queue_filter(None), "forbidden forbidden forbidden forbidden forbidden ok ok ok ok unauthenticated"),
    ]
}

/// Every operation as every caller, against the table.
pub async fn every_operation_as_every_caller(transport: Box<dyn Transport>) {
    let f = Fixture::new(transport).await;
    let rows = rows(&f);
    let print = std::env::var_os("GRADSIGN_PERMISSIONS_PRINT").is_some();
    let declared: BTreeSet<&str> = OPERATIONS.iter().map(|o| o.name).collect();
    let tabled: BTreeSet<&str> = rows.iter().map(|r| r.op).collect();
    let missing: Vec<_> = declared.difference(&tabled).collect();
    let stale: Vec<_> = tabled.difference(&declared).collect();
    let mut failures = vec![];
    let mut cells = 0;
    for r in &rows {
        let mut observed = vec![];
        for column in 0..COLUMNS.len() {
            observed.push(f.cell(column, r).await);
            cells += 1;
        }
        let observed = observed.join(" ");
        if print {
            println!("{:<40} {observed}", r.op);
        }
        if observed != r.expect {
            failures.push(format!(
                "{}:\n    expected {}\n    observed {observed}\n    columns  {}",
                r.op,
                r.expect,
                COLUMNS.join(" ")
            ));
        }
    }
    println!(
        "permission table: {} operations × {} callers = {cells} cells",
        rows.len(),
        COLUMNS.len()
    );
    assert!(
        missing.is_empty(),
        "catalog operations without rows: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows for operations not in the catalog: {stale:?}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every number of a request, put where a number or null stands in a row's request.
const EXTREMES: [i64; 7] = [
    i64::MAX,
    i64::MIN,
    i64::MAX / 86_400,
    100_000_000,
    -1,
    0,
    9_007_199_254_740_993,
];

/// The paths (object keys and array indexes) of every number or null inside `v`.
fn numeric_slots(v: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Number(_) | Value::Null if !path.is_empty() => out.push(path.clone()),
        Value::Object(m) => {
            for (k, x) in m {
                path.push(k.clone());
                numeric_slots(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(i.to_string());
                numeric_slots(x, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn with_number(v: &Value, path: &[String], n: Value) -> Value {
    let mut v = v.clone();
    let mut slot = &mut v;
    for p in path {
        slot = match slot {
            Value::Array(a) => &mut a[p.parse::<usize>().unwrap()],
            other => &mut other[p.as_str()],
        };
    }
    *slot = n;
    v
}

/// No request is a panic or an internal error, whatever its numbers: an out-of-range number is a
/// field error (or the refusal the caller gets anyway), never an overflow.
/// Every number of every request at its extremes: answered, never a panic or an internal error.
pub async fn the_extremes_of_every_numeric_field_are_answered_not_panicked(
    transport: Box<dyn Transport>,
) {
    let f = Fixture::new(transport).await;
    let mut tried = 0;
    let mut failures = vec![];
    for r in rows(&f) {
        let mut slots = vec![];
        numeric_slots(&r.request, &mut vec![], &mut slots);
        for slot in &slots {
            for n in EXTREMES
                .iter()
                .map(|&n| json!(n))
                .chain([json!(1e308), json!(-0.5)])
            {
                let request = with_number(&r.request, slot, n.clone());
                // The callers for whom the request can get past the permission check.
                for column in [0, 2, 5, 8] {
                    let login = Fixture::login(column, r.g, r.e);
                    tried += 1;
                    match f.run_on_copy(login.as_deref(), r.op, request.clone()).await {
                        Ok(code) if code == "internal" => failures.push(format!(
                            "{} {}={n} as {}: internal error",
                            r.op,
                            slot.join("."),
                            COLUMNS[column]
                        )),
                        Ok(_) => {}
                        Err(panic) => failures.push(format!(
                            "{} {}={n} as {}: panicked: {panic}",
                            r.op,
                            slot.join("."),
                            COLUMNS[column]
                        )),
                    }
                }
            }
        }
    }
    println!("extremes: {tried} calls");
    assert!(
        tried > 500,
        "only {tried} calls: the rows lost their numbers"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
