//! The engine's test school, served: the same school as crates/engine/tests/common's `World`
//! (two departments, cohort 2026 open with the department + school chain, graduates 1..=6 with 4
//! 定向, two approved employers), built through the HTTPS API of a `gradsign serve` on 127.0.0.1
//! over a fresh database of the test PostgreSQL, and a `World::engine` whose methods have the
//! engine's names and types but send every operation the catalog has over HTTP:
//!
//! - each actor calls with a session of its own (the admin, the employers and three reviewer
//!   accounts sign in; each graduate is activated), opened at a far clock so that no test's time
//!   outlives it;
//! - the server's clock is the `now` each call passes (set just before the request is sent);
//! - a refusal is the wire's `{code, message, details}` read back as the engine's error;
//! - an answer is the wire's JSON; where the catalog answers a view with fewer fields than the
//!   engine's type (a reviewer's item has no graduate id), the engine's own answer for the same
//!   actor fills the fields the wire does not carry, and every field the wire does carry is the
//!   wire's, so the tests' assertions read what went over HTTP;
//! - what no operation answers (the database itself, `check`, the history head, the sweep the
//!   servers run, an agreement's print snapshot, a graduate's record by id) is asked of the
//!   engine the server runs on, as a school's own tools would.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

// The engine tests' own school (its World and its macro are not used here).
#[allow(unused_macros)]
#[path = "../../../engine/tests/common/mod.rs"]
mod direct;

pub use direct::{credit_for, employer_details, header, id_for, import_cells, terms, Backend};

use base64::Engine as _;
use gradsign_engine::check::CheckReport;
use gradsign_engine::export::GraduateQuery;
use gradsign_engine::outbox::{DeliveryReport, GatewayConfig, GatewaySettings, OutboxMessage};
use gradsign_engine::print::PrintableAgreement;
use gradsign_engine::time::shanghai_time;
use gradsign_engine::workflow::offline_signing::OfflineReview;
use gradsign_engine::*;
use gradsign_server::{RunningServer, ServerConfig};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use crate::support::{client, fresh_postgres, test_ca, TestCa};

include!("../../../engine/tests/common/steps.rs");

/// Generates one `#[tokio::test]` for each listed rule test, `http::r_x_01_…`, on a served World.
/// The `engine_only:` tests are about actors that exist inside the engine alone (the system, an
/// actor without an account): nothing over the wire can present one, so they are not generated.
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)? $(; engine_only: $($only:ident),+ $(,)?)?) => {
        mod http {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::common::World::new($crate::common::Backend::Postgres).await).await }) +
            #[allow(dead_code)]
            fn left_to_the_engine() {
                $($(let _ = super::$only;)+)?
            }
        }
    };
}

/// Sessions are opened at this clock: ten years after the test school's start, so a session
/// outlives every `now` a test passes (sessions last seven days from their opening).
fn session_clock(t0: Timestamp) -> Timestamp {
    t0 + 10 * 365 * 24 * 3600
}

const PASSWORD: &str = "pass12345";

/// Whose session a call uses: a graduate's record, or any other account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Caller {
    Graduate(i64),
    Account(i64),
}

fn caller_of(actor: &Actor) -> Caller {
    match (actor.role, actor.graduate_id, actor.account_id) {
        (Role::Graduate, Some(g), _) => Caller::Graduate(g),
        (_, _, Some(a)) => Caller::Account(a),
        _ => panic!("an actor without an account cannot call over HTTP: {actor:?}"),
    }
}

/// The engine's methods, over the HTTPS API of a server on the same database.
pub struct Engine {
    /// The engine the server runs on (for what no operation answers).
    pub direct: Arc<gradsign_engine::Engine>,
    server: RunningServer,
    http: reqwest::Client,
    clock: Arc<AtomicI64>,
    sessions: Mutex<HashMap<Caller, String>>,
    /// The passwords of accounts a test made, by login, for their first call.
    passwords: Mutex<HashMap<String, String>>,
    /// Accounts this World activated for its graduates, by student number: a test that
    /// activates one itself gets a graduate who never was (the account is removed first).
    activated_by_world: Mutex<HashMap<String, i64>>,
    /// One request at a time, so the clock a request set is the clock it runs at.
    one_at_a_time: tokio::sync::Mutex<()>,
    t0: Timestamp,
    _ca: TestCa,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("server", &self.server.addr)
            .finish_non_exhaustive()
    }
}

/// What went over the wire for one call.
enum Answer {
    Json(Value),
    Bytes(Vec<u8>),
}

impl Engine {
    async fn start(t0: Timestamp) -> (Engine, String, tempfile::TempDir) {
        let db = fresh_postgres().await;
        let files = tempfile::tempdir().unwrap();
        let direct = Arc::new(
            gradsign_engine::Engine::open_with(
                &db,
                files.path(),
                EngineOptions {
                    max_connections: 8,
                    seed: Some(7),
                    ..EngineOptions::default()
                },
            )
            .await
            .unwrap(),
        );
        let ca = test_ca("rules over http");
        let clock = Arc::new(AtomicI64::new(t0));
        let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), Some(ca.files.clone()));
        let read = clock.clone();
        config.clock = Arc::new(move || read.load(Ordering::SeqCst));
        config.workers_every = None;
        // The tests name the client a verify comes from (R-VERIFY-02 throttles per client): the
        // test stands in for the school's load balancer on this machine.
        config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        let server = gradsign_server::start(direct.clone(), config)
            .await
            .unwrap();
        let engine = Engine {
            direct,
            server,
            http: client(&ca.ca_pem),
            clock,
            sessions: Mutex::new(HashMap::new()),
            passwords: Mutex::new(HashMap::new()),
            activated_by_world: Mutex::new(HashMap::new()),
            one_at_a_time: tokio::sync::Mutex::new(()),
            t0,
            _ca: ca,
        };
        (engine, db, files)
    }

    fn now(&self) -> Timestamp {
        self.clock.load(Ordering::SeqCst)
    }

    /// One operation: the request as JSON, the answer (or the refusal) as the server gave it.
    async fn send(
        &self,
        token: Option<&str>,
        operation: &str,
        request: Value,
        now: Timestamp,
        client: Option<&str>,
    ) -> Result<Answer> {
        let _turn = self.one_at_a_time.lock().await;
        self.clock.store(now, Ordering::SeqCst);
        let mut r = self
            .http
            .post(format!("{}/api/v1/{operation}", self.server.url()))
            .json(&request);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(c) = client {
            r = r.header("x-forwarded-for", c);
        }
        let response = r.send().await.unwrap();
        let status = response.status();
        let json = response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap_or("").starts_with("application/json"));
        let body = response.bytes().await.unwrap().to_vec();
        if !status.is_success() {
            let e: DomainError = serde_json::from_slice(&body).unwrap_or_else(|e| {
                panic!(
                    "{operation}: {status} with a body that is not the error shape ({e}): {}",
                    String::from_utf8_lossy(&body)
                )
            });
            return Err(e);
        }
        if json {
            Ok(Answer::Json(serde_json::from_slice(&body).unwrap()))
        } else {
            Ok(Answer::Bytes(body))
        }
    }

    /// An operation as `actor` (its session), answering JSON.
    async fn call(
        &self,
        actor: &Actor,
        operation: &str,
        request: Value,
        now: Timestamp,
    ) -> Result<Value> {
        let token = self.token(actor).await;
        match self
            .send(Some(&token), operation, request, now, None)
            .await?
        {
            Answer::Json(v) => Ok(v),
            Answer::Bytes(_) => panic!("{operation} answered bytes, not JSON"),
        }
    }

    /// An operation without a session.
    async fn anonymous(&self, operation: &str, request: Value, now: Timestamp) -> Result<Value> {
        match self.send(None, operation, request, now, None).await? {
            Answer::Json(v) => Ok(v),
            Answer::Bytes(_) => panic!("{operation} answered bytes, not JSON"),
        }
    }

    /// The session of `actor`, a graduate record without one activated now (an earlier
    /// cohort's record a test acts as).
    async fn token(&self, actor: &Actor) -> String {
        let caller = caller_of(actor);
        if let Some(t) = self.sessions.lock().unwrap().get(&caller) {
            return t.clone();
        }
        let gid = match caller {
            Caller::Graduate(gid) => gid,
            Caller::Account(id) => {
                // An account a test made (an employer's sign-up, a staff account): it signs in
                // with the password the test gave it.
                let accounts = self.direct.accounts(&self.admin_actor()).await.unwrap();
                let login = accounts
                    .into_iter()
                    .find(|a| a.id == id)
                    .expect("the account")
                    .login;
                let password = self.passwords.lock().unwrap().get(&login).cloned();
                let password =
                    password.unwrap_or_else(|| panic!("no session over HTTP for {actor:?}"));
                return self.sign_in_account(&login, &password).await;
            }
        };
        let g = self
            .direct
            .graduate(&self.admin_actor(), gid)
            .await
            .unwrap();
        let opened = self
            .anonymous(
                "account_activate",
                json!({"studentNumber": g.student_number, "idNumber": g.id_number, "password": PASSWORD}),
                session_clock(self.t0),
            )
            .await
            .unwrap();
        let token = opened["token"].as_str().unwrap().to_string();
        let account = self
            .direct
            .session_account(&SessionToken(token.clone()), session_clock(self.t0))
            .await
            .unwrap();
        self.activated_by_world
            .lock()
            .unwrap()
            .insert(g.student_number, account.id);
        self.sessions.lock().unwrap().insert(caller, token.clone());
        token
    }

    /// Opens a session for an account by login and password, kept for every later call of it.
    async fn sign_in_account(&self, login: &str, password: &str) -> String {
        let opened = self
            .anonymous(
                "session_open",
                json!({"username": login, "password": password}),
                session_clock(self.t0),
            )
            .await
            .unwrap();
        let token = opened["token"].as_str().unwrap().to_string();
        let actor = self
            .direct
            .authenticate(&SessionToken(token.clone()), session_clock(self.t0))
            .await
            .unwrap();
        self.sessions
            .lock()
            .unwrap()
            .insert(caller_of(&actor), token.clone());
        token
    }

    /// Signs in an account of the World's making and answers its actor.
    async fn world_account(&self, login: &str, password: &str) -> Actor {
        let token = self.sign_in_account(login, password).await;
        self.direct
            .authenticate(&SessionToken(token), session_clock(self.t0))
            .await
            .unwrap()
    }

    // ------------------------------------------------------------ what no operation answers

    pub fn store(&self) -> &gradsign_engine::store::Store {
        self.direct.store()
    }

    pub async fn check(&self, actor: &Actor, expect_head: Option<&str>) -> Result<CheckReport> {
        self.direct.check(actor, expect_head).await
    }

    pub async fn head_hash(&self, actor: &Actor) -> Result<String> {
        self.direct.head_hash(actor).await
    }

    pub async fn sweep(&self, actor: &Actor, now: Timestamp) -> Result<SweepReport> {
        self.direct.sweep(actor, now).await
    }

    pub async fn graduate(&self, actor: &Actor, graduate_id: i64) -> Result<Graduate> {
        self.direct.graduate(actor, graduate_id).await
    }

    pub async fn printable_agreement(
        &self,
        actor: &Actor,
        item_id: i64,
        now: Timestamp,
    ) -> Result<PrintableAgreement> {
        self.direct.printable_agreement(actor, item_id, now).await
    }

    pub async fn init_school(&self, setup: &SchoolSetup, now: Timestamp) -> Result<i64> {
        self.direct.init_school(setup, now).await
    }

    // ------------------------------------------------------------ sessions

    pub async fn sign_in(&self, login: &str, password: &str, now: Timestamp) -> Result<Session> {
        let opened = self
            .anonymous(
                "session_open",
                json!({"username": login, "password": password}),
                now,
            )
            .await?;
        self.session_from_wire(opened, now).await
    }

    pub async fn activate_graduate(
        &self,
        student_number: &str,
        id_number: &str,
        password: &str,
        now: Timestamp,
    ) -> Result<Session> {
        let made = self
            .activated_by_world
            .lock()
            .unwrap()
            .remove(student_number.trim());
        if let Some(account) = made {
            // The World's own activation of this graduate, undone: the test activates them.
            let mut c = self.direct.store().read().await.unwrap();
            for sql in [
                "DELETE FROM sessions WHERE account_id = $1",
                "DELETE FROM accounts WHERE id = $1",
            ] {
                sqlx::query(sql)
                    .bind(account)
                    .execute(&mut *c)
                    .await
                    .unwrap();
            }
        }
        let opened = self
            .anonymous(
                "account_activate",
                json!({"studentNumber": student_number, "idNumber": id_number, "password": password}),
                now,
            )
            .await?;
        let session = self.session_from_wire(opened, now).await?;
        if let Some(g) = session.account.graduate_id {
            // The graduate acts with the session of their own activation from now on.
            self.sessions
                .lock()
                .unwrap()
                .insert(Caller::Graduate(g), session.token.0.clone());
        }
        Ok(session)
    }

    async fn session_from_wire(&self, opened: Value, now: Timestamp) -> Result<Session> {
        let token = SessionToken(opened["token"].as_str().unwrap().to_string());
        let account = self.direct.session_account(&token, now).await?;
        assert_eq!(
            opened["user"]["role"].as_str(),
            Some(account.role.as_str()),
            "the wire's role is the account's"
        );
        let caller = caller_of(&account.actor());
        self.sessions
            .lock()
            .unwrap()
            .entry(caller)
            .or_insert(token.0.clone());
        Ok(Session {
            token,
            expires_at: opened["expiresAt"].as_i64().unwrap(),
            account,
        })
    }

    pub async fn authenticate(&self, token: &SessionToken, now: Timestamp) -> Result<Actor> {
        let user = match self
            .send(Some(&token.0), "session_user", Value::Null, now, None)
            .await?
        {
            Answer::Json(v) => v,
            Answer::Bytes(_) => panic!("session_user answered bytes"),
        };
        let actor = self.direct.authenticate(token, now).await.unwrap();
        assert_eq!(user["role"].as_str(), Some(actor.role.as_str()));
        Ok(actor)
    }

    pub async fn sign_out(&self, token: &SessionToken) -> Result<()> {
        self.send(
            Some(&token.0),
            "session_close",
            Value::Null,
            self.now(),
            None,
        )
        .await
        .map(|_| ())
    }

    pub async fn session_account(
        &self,
        token: &SessionToken,
        now: Timestamp,
    ) -> Result<AccountView> {
        self.authenticate(token, now).await?;
        self.direct.session_account(token, now).await
    }

    // ------------------------------------------------------------ the graduate

    pub async fn confirm_info(&self, actor: &Actor, now: Timestamp) -> Result<Graduate> {
        let wire = self
            .call(actor, "graduate_confirm_info", Value::Null, now)
            .await?;
        let own = self
            .direct
            .graduate(actor, actor.graduate_id.unwrap())
            .await
            .unwrap();
        Ok(overlay(own, wire))
    }

    pub async fn update_contact(
        &self,
        actor: &Actor,
        phone: &str,
        email: &str,
        now: Timestamp,
    ) -> Result<Graduate> {
        let wire = self
            .call(
                actor,
                "graduate_update_contact",
                json!({"phone": phone, "email": email}),
                now,
            )
            .await?;
        let own = self
            .direct
            .graduate(actor, actor.graduate_id.unwrap())
            .await
            .unwrap();
        Ok(overlay(own, wire))
    }

    pub async fn my_cohorts(&self, actor: &Actor) -> Result<Vec<(i64, i64)>> {
        let portal = self
            .call(actor, "graduate_portal", json!({}), self.now())
            .await?;
        Ok(portal["cohorts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["cohort"].as_i64().unwrap(),
                    c["graduateId"].as_i64().unwrap(),
                )
            })
            .collect())
    }

    pub async fn accept_invitation(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        self.unit(actor, "graduate_accept_invitation", json!({"id": id}), now)
            .await
    }

    pub async fn reject_invitation(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        self.unit(actor, "graduate_reject_invitation", json!({"id": id}), now)
            .await
    }

    pub async fn create_paper(
        &self,
        actor: &Actor,
        input: &PaperInput,
        scans: &[Upload],
        now: Timestamp,
    ) -> Result<i64> {
        let request = json!({"form": paper_form(input), "scans": uploads(scans)});
        self.id(actor, "graduate_create_paper", request, now).await
    }

    pub async fn edit_paper(
        &self,
        actor: &Actor,
        id: i64,
        input: &PaperInput,
        scans: Option<&[Upload]>,
        now: Timestamp,
    ) -> Result<()> {
        let request = json!({"id": id, "form": paper_form(input), "scans": scans.map(uploads)});
        self.unit(actor, "graduate_edit_paper", request, now).await
    }

    pub async fn create_destination(
        &self,
        actor: &Actor,
        input: &DestinationInput,
        proofs: &[Upload],
        now: Timestamp,
    ) -> Result<i64> {
        let request = json!({"form": destination_form(input), "proofs": uploads(proofs)});
        self.id(actor, "graduate_create_destination", request, now)
            .await
    }

    pub async fn edit_destination(
        &self,
        actor: &Actor,
        id: i64,
        input: &DestinationInput,
        proofs: Option<&[Upload]>,
        now: Timestamp,
    ) -> Result<()> {
        let request =
            json!({"id": id, "form": destination_form(input), "proofs": proofs.map(uploads)});
        self.unit(actor, "graduate_edit_destination", request, now)
            .await
    }

    pub async fn submit_registration(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        self.unit(
            actor,
            "graduate_submit_registration",
            json!({"id": id}),
            now,
        )
        .await
    }

    pub async fn withdraw_registration(
        &self,
        actor: &Actor,
        id: i64,
        now: Timestamp,
    ) -> Result<()> {
        self.unit(
            actor,
            "graduate_withdraw_registration",
            json!({"id": id}),
            now,
        )
        .await
    }

    pub async fn void_destination(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        self.unit(actor, "graduate_void_destination", json!({"id": id}), now)
            .await
    }

    pub async fn request_offline_termination(
        &self,
        actor: &Actor,
        paper_id: i64,
        reason: &str,
        explanation: &str,
        scans: &[Upload],
        now: Timestamp,
    ) -> Result<i64> {
        let request = json!({"paperId": paper_id, "reason": reason, "explanation": explanation, "scans": uploads(scans)});
        self.id(actor, "graduate_request_offline_termination", request, now)
            .await
    }

    pub async fn edit_offline_termination(
        &self,
        actor: &Actor,
        id: i64,
        reason: &str,
        explanation: &str,
        scans: Option<&[Upload]>,
        now: Timestamp,
    ) -> Result<()> {
        let request = json!({"id": id, "reason": reason, "explanation": explanation, "scans": scans.map(uploads)});
        self.unit(actor, "graduate_edit_offline_termination", request, now)
            .await
    }

    pub async fn apply_offline_signing(
        &self,
        actor: &Actor,
        input: &OfflineSigningInput,
        now: Timestamp,
    ) -> Result<i64> {
        let request = json!({"form": paper_form(input)});
        self.id(actor, "graduate_apply_offline_signing", request, now)
            .await
    }

    pub async fn edit_offline_signing(
        &self,
        actor: &Actor,
        id: i64,
        input: &OfflineSigningInput,
        now: Timestamp,
    ) -> Result<()> {
        let request = json!({"id": id, "form": paper_form(input)});
        self.unit(actor, "graduate_edit_offline_signing", request, now)
            .await
    }

    pub async fn submit_offline_signing(
        &self,
        actor: &Actor,
        id: i64,
        now: Timestamp,
    ) -> Result<()> {
        let request = json!({ "id": id });
        self.unit(actor, "graduate_submit_offline_signing", request, now)
            .await
    }

    pub async fn withdraw_offline_signing(
        &self,
        actor: &Actor,
        id: i64,
        now: Timestamp,
    ) -> Result<()> {
        let request = json!({ "id": id });
        self.unit(actor, "graduate_withdraw_offline_signing", request, now)
            .await
    }

    pub async fn cancel_offline_signing(
        &self,
        actor: &Actor,
        id: i64,
        now: Timestamp,
    ) -> Result<()> {
        let request = json!({ "id": id });
        self.unit(actor, "graduate_cancel_offline_signing", request, now)
            .await
    }

    pub async fn upload_stamped_pages(
        &self,
        actor: &Actor,
        id: i64,
        pages: &[Upload],
        now: Timestamp,
    ) -> Result<()> {
        let request = json!({"id": id, "pages": uploads(pages)});
        self.unit(actor, "graduate_upload_stamped_pages", request, now)
            .await
    }

    /// The agreement's PDF as the operation answers it (the server renders with its fonts).
    pub async fn graduate_data_export(
        &self,
        actor: &Actor,
        _fonts: &gradsign_documents::Fonts,
        now: Timestamp,
    ) -> Result<Vec<u8>> {
        self.bytes(actor, "graduate_data_export", Value::Null, now)
            .await
    }

    pub async fn agreement_pdf(
        &self,
        actor: &Actor,
        item_id: i64,
        _fonts: &gradsign_documents::Fonts,
        now: Timestamp,
    ) -> Result<Vec<u8>> {
        self.bytes(actor, "agreement_pdf", json!({ "id": item_id }), now)
            .await
    }

    // ------------------------------------------------------------ items and messages, any role

    pub async fn item_detail(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<ItemDetail> {
        let operation = if actor.role == Role::Graduate {
            "graduate_item"
        } else {
            "review_item"
        };
        let wire = self.call(actor, operation, json!({"id": id}), now).await?;
        let own = self.direct.item_detail(actor, id, now).await.unwrap();
        Ok(overlay(own, wire))
    }

    pub async fn list_items(
        &self,
        actor: &Actor,
        kind: Option<ItemKind>,
        graduate_id: Option<i64>,
    ) -> Result<Vec<ItemView>> {
        let now = self.now();
        let kind_name = kind.map(|k| k.as_str());
        let wire = match (actor.role, graduate_id) {
            (Role::Employer, None) => {
                // The employer's list: every item of theirs, the kind chosen on the screen.
                let all = self.call(actor, "employer_items", Value::Null, now).await?;
                Value::Array(
                    all.as_array()
                        .unwrap()
                        .iter()
                        .filter(|i| kind_name.is_none_or(|k| i["kind"] == k))
                        .cloned()
                        .collect(),
                )
            }
            (Role::DepartmentReviewer | Role::SchoolReviewer | Role::SchoolAdmin, None) => {
                // Everything in the reviewer's scope: the queue without "awaiting me".
                let page = self
                    .call(
                        actor,
                        "review_queue",
                        json!({"kind": kind_name, "awaitingMe": false, "newestFirst": false, "limit": 200}),
                        now,
                    )
                    .await?;
                assert!(page["next"].is_null(), "one page holds a test's items");
                page["rows"].clone()
            }
            _ => {
                self.call(
                    actor,
                    "graduate_items",
                    json!({"kind": kind_name, "graduateId": graduate_id}),
                    now,
                )
                .await?
            }
        };
        let own = self
            .direct
            .list_items(actor, kind, graduate_id)
            .await
            .unwrap();
        Ok(overlay(own, wire))
    }

    pub async fn messages(&self, actor: &Actor) -> Result<Vec<Message>> {
        let wire = self
            .call(actor, "messages_list", Value::Null, self.now())
            .await?;
        Ok(from_wire(wire))
    }

    pub async fn mark_message_read(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        self.unit(actor, "messages_mark_read", json!({"id": id}), now)
            .await
    }

    pub async fn verify_agreement(
        &self,
        client: &str,
        code: &str,
        printed_hash: &str,
        now: Timestamp,
    ) -> Result<VerifyResult> {
        match self
            .send(
                None,
                "verify_agreement",
                json!({"code": code, "hash": printed_hash}),
                now,
                Some(client),
            )
            .await?
        {
            Answer::Json(v) => Ok(from_wire(v)),
            Answer::Bytes(_) => panic!("verify_agreement answered bytes"),
        }
    }

    // ------------------------------------------------------------ terminations, both parties

    pub async fn request_termination(
        &self,
        actor: &Actor,
        agreement_id: i64,
        reason: &str,
        explanation: &str,
        now: Timestamp,
    ) -> Result<i64> {
        let request =
            json!({"agreementId": agreement_id, "reason": reason, "explanation": explanation});
        self.id(actor, "termination_request", request, now).await
    }

    pub async fn answer_termination(
        &self,
        actor: &Actor,
        id: i64,
        accept: bool,
        now: Timestamp,
    ) -> Result<()> {
        self.unit(
            actor,
            "termination_answer",
            json!({"id": id, "accept": accept}),
            now,
        )
        .await
    }

    pub async fn cancel_termination(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        self.unit(actor, "termination_cancel", json!({"id": id}), now)
            .await
    }

    // ------------------------------------------------------------ the employer

    pub async fn employer_sign_up(
        &self,
        s: &EmployerSignUp,
        now: Timestamp,
    ) -> Result<AccountView> {
        let licence = Upload::Bytes {
            name: "licence.png".into(),
            bytes: gradsign_engine::demo::BLANK_PNG.to_vec(),
        };
        self.employer_sign_up_with_licence(s, &licence, now).await
    }

    pub async fn employer_sign_up_with_licence(
        &self,
        s: &EmployerSignUp,
        licence: &Upload,
        now: Timestamp,
    ) -> Result<AccountView> {
        let request = json!({
            "details": camel(&s.details),
            "login": s.login,
            "password": s.password,
            "displayName": s.display_name,
            "licence": uploads(std::slice::from_ref(licence))[0],
        });
        self.anonymous("employer_sign_up", request, now).await?;
        self.passwords
            .lock()
            .unwrap()
            .insert(s.login.trim().to_string(), s.password.clone());
        // Signed in at once, so a later refusal's digest does not see its session arrive.
        self.sign_in_account(s.login.trim(), &s.password).await;
        let accounts = self.direct.accounts(&self.admin_actor()).await.unwrap();
        Ok(accounts
            .into_iter()
            .find(|a| a.login == s.login.trim())
            .expect("the signed-up account"))
    }

    pub async fn invite(&self, actor: &Actor, input: &InviteInput, now: Timestamp) -> Result<i64> {
        let graduate = match &input.graduate {
            GraduateLookup::IdNumber { name, id_number } => {
                json!({"by": "id_number", "name": name, "idNumber": id_number, "studentNumber": ""})
            }
            GraduateLookup::StudentNumber {
                name,
                student_number,
            } => {
                json!({"by": "student_number", "name": name, "idNumber": "", "studentNumber": student_number})
            }
        };
        let request = json!({"graduate": graduate, "terms": camel(&input.terms), "deadlineDays": input.deadline_days});
        self.id(actor, "employer_invite", request, now).await
    }

    pub async fn withdraw_invitation(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        self.unit(
            actor,
            "employer_withdraw_invitation",
            json!({"id": id}),
            now,
        )
        .await
    }

    pub async fn add_employer_staff(
        &self,
        actor: &Actor,
        login: &str,
        password: &str,
        display_name: &str,
        now: Timestamp,
    ) -> Result<AccountView> {
        let wire = self
            .call(
                actor,
                "employer_add_staff",
                json!({"login": login, "password": password, "displayName": display_name}),
                now,
            )
            .await?;
        self.passwords
            .lock()
            .unwrap()
            .insert(login.trim().to_string(), password.to_string());
        self.sign_in_account(login.trim(), password).await;
        let accounts = self.direct.accounts(&self.admin_actor()).await.unwrap();
        let own = accounts
            .into_iter()
            .find(|a| a.login == login.trim())
            .expect("the staff account");
        Ok(overlay(own, wire))
    }

    // ------------------------------------------------------------ the reviewers

    pub async fn review(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        decision: ReviewDecision,
        now: Timestamp,
    ) -> Result<()> {
        let (name, reason) = match &decision {
            ReviewDecision::Approve { note } => ("approve", note),
            ReviewDecision::Return { reason } => ("return", reason),
            ReviewDecision::Reject { reason } => ("reject", reason),
        };
        let request = json!({"id": id, "version": expected_version, "input": {"decision": name, "reason": reason}});
        self.unit(actor, "review_decide", request, now).await
    }

    pub async fn reviewer_edit_destination(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        input: &DestinationInput,
        now: Timestamp,
    ) -> Result<()> {
        let request =
            json!({"id": id, "version": expected_version, "form": destination_form(input)});
        self.unit(actor, "review_edit_destination", request, now)
            .await
    }

    pub async fn review_queue(&self, actor: &Actor, q: &QueueQuery) -> Result<QueuePage> {
        let request = queue_filter(q);
        let wire = self
            .call(actor, "review_queue", request, self.now())
            .await?;
        Ok(from_wire(wire))
    }

    pub async fn statistics(&self, actor: &Actor, cohort: i64) -> Result<Statistics> {
        let mut wire = self
            .call(actor, "stats_get", json!({"cohort": cohort}), self.now())
            .await?;
        // The engine's (code, state, count) triples are objects on the wire.
        let triples: Vec<Value> = wire["byCodeAndState"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| json!([t["code"], t["state"], t["count"]]))
            .collect();
        wire["byCodeAndState"] = Value::Array(triples);
        let own = self.direct.statistics(actor, cohort).await.unwrap();
        Ok(overlay(own, wire))
    }

    // ------------------------------------------------------------ the school admin

    pub async fn departments(&self, actor: &Actor) -> Result<Vec<Department>> {
        let wire = self
            .call(actor, "admin_departments", Value::Null, self.now())
            .await?;
        Ok(from_wire(wire))
    }

    pub async fn configure_cohort(
        &self,
        actor: &Actor,
        s: &CohortSettings,
        now: Timestamp,
    ) -> Result<Cohort> {
        let request = json!({
            "year": s.year,
            "chain": s.chain.as_str(),
            "inviteLimitDays": s.invite_limit_days,
            "changesUntil": s.changes_until,
            "agreementTitle": s.agreement_title,
        });
        let wire = self
            .call(actor, "admin_cohort_configure", request, now)
            .await?;
        let own = self.direct.cohort(actor, s.year).await.unwrap();
        Ok(overlay(own, wire))
    }

    pub async fn set_module(
        &self,
        actor: &Actor,
        year: i64,
        open: bool,
        now: Timestamp,
    ) -> Result<Cohort> {
        let wire = self
            .call(
                actor,
                "admin_cohort_set_module",
                json!({"year": year, "open": open}),
                now,
            )
            .await?;
        let own = self.direct.cohort(actor, year).await.unwrap();
        Ok(overlay(own, wire))
    }

    pub async fn import_graduates(
        &self,
        actor: &Actor,
        cohort: i64,
        header: &[String],
        rows: &[ImportRow],
        now: Timestamp,
    ) -> Result<ImportReport> {
        let request = import_file(cohort, header, rows);
        let wire = self.call(actor, "admin_import", request, now).await?;
        Ok(from_wire(wire))
    }

    pub async fn fix_graduate(
        &self,
        actor: &Actor,
        graduate_id: i64,
        expected_version: i64,
        fix: &GraduateFix,
        now: Timestamp,
    ) -> Result<Graduate> {
        let request = json!({"id": graduate_id, "version": expected_version, "fix": camel(fix)});
        let wire = self.call(actor, "admin_fix_graduate", request, now).await?;
        let own = self
            .direct
            .graduate(&self.admin().await, graduate_id)
            .await
            .unwrap();
        Ok(overlay(own, wire))
    }

    pub async fn set_employer_approval(
        &self,
        actor: &Actor,
        employer_id: i64,
        approved: bool,
        now: Timestamp,
    ) -> Result<()> {
        let request = json!({"id": employer_id, "approved": approved});
        self.unit(actor, "admin_employer_approve", request, now)
            .await
    }

    pub async fn outbox(&self, actor: &Actor) -> Result<Vec<OutboxMessage>> {
        let wire = self
            .call(actor, "admin_outbox", Value::Null, self.now())
            .await?;
        Ok(from_wire(wire))
    }

    pub async fn deliver_outbox(&self, actor: &Actor, now: Timestamp) -> Result<DeliveryReport> {
        if actor.role == Role::System {
            // The servers' own worker, not an operation anyone calls.
            return self.direct.deliver_outbox(actor, now).await;
        }
        let wire = self
            .call(actor, "admin_outbox_deliver", Value::Null, now)
            .await?;
        Ok(from_wire(wire))
    }

    pub async fn list_graduates(
        &self,
        actor: &Actor,
        q: &GraduateQuery,
        limit: usize,
    ) -> Result<Vec<Graduate>> {
        let request = graduate_filter(q);
        let mut wire = self
            .call(actor, "admin_graduates", request, self.now())
            .await?;
        // The screen shows the first rows of the operation's list.
        wire.as_array_mut().unwrap().truncate(limit);
        let own = self.direct.list_graduates(actor, q, limit).await.unwrap();
        Ok(overlay(own, wire))
    }

    pub async fn check_import(
        &self,
        actor: &Actor,
        cohort: i64,
        header: &[String],
        rows: &[ImportRow],
    ) -> Result<Vec<ImportProblem>> {
        let request = import_file(cohort, header, rows);
        let wire = self
            .call(actor, "admin_import_check", request, self.now())
            .await?;
        let own = self
            .direct
            .check_import(actor, cohort, header, rows)
            .await
            .unwrap();
        Ok(overlay(own, wire["problems"].clone()))
    }

    pub async fn create_staff_account(
        &self,
        actor: &Actor,
        s: &NewStaff,
        now: Timestamp,
    ) -> Result<AccountView> {
        let request = json!({
            "login": s.login,
            "password": s.password,
            "displayName": s.display_name,
            "role": s.role.as_str(),
            "departmentId": s.department_id,
        });
        let wire = self
            .call(actor, "admin_account_create", request, now)
            .await?;
        self.passwords
            .lock()
            .unwrap()
            .insert(s.login.trim().to_string(), s.password.clone());
        self.sign_in_account(s.login.trim(), &s.password).await;
        let accounts = self.direct.accounts(&self.admin_actor()).await.unwrap();
        let own = accounts
            .into_iter()
            .find(|a| Some(a.id) == wire["id"].as_i64())
            .expect("the new account");
        Ok(overlay(own, wire))
    }

    pub async fn set_employer_disabled(
        &self,
        actor: &Actor,
        employer_id: i64,
        disabled: bool,
        now: Timestamp,
    ) -> Result<()> {
        let request = json!({"id": employer_id, "disabled": disabled});
        self.unit(actor, "admin_employer_set_disabled", request, now)
            .await
    }

    pub async fn set_gateway(
        &self,
        actor: &Actor,
        cfg: Option<&GatewayConfig>,
        now: Timestamp,
    ) -> Result<()> {
        // No gateway is a blank form.
        let request = match cfg {
            Some(g) => {
                json!({"url": g.url, "token": g.token, "smsTemplate": g.sms_template, "wechatTemplate": g.wechat_template})
            }
            None => json!({"url": "", "token": "", "smsTemplate": "", "wechatTemplate": ""}),
        };
        self.unit(actor, "admin_gateway_set", request, now).await
    }

    pub async fn retry_outbox(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        self.unit(actor, "admin_outbox_retry", json!({"id": id}), now)
            .await
    }

    pub async fn change_password(
        &self,
        actor: &Actor,
        current_password: &str,
        new_password: &str,
        now: Timestamp,
    ) -> Result<Session> {
        let request = json!({"currentPassword": current_password, "newPassword": new_password});
        let opened = self
            .call(actor, "account_change_password", request, now)
            .await?;
        // The account's other sessions ended (R-AUTH-06): it goes on with the new one.
        self.sessions.lock().unwrap().insert(
            caller_of(actor),
            opened["token"].as_str().unwrap().to_string(),
        );
        self.session_from_wire(opened, now).await
    }

    pub async fn cohorts(&self, actor: &Actor) -> Result<Vec<Cohort>> {
        let wire = self
            .call(actor, "admin_cohorts", Value::Null, self.now())
            .await?;
        let own = self.direct.cohorts(actor).await.unwrap();
        Ok(overlay(own, wire))
    }

    /// One cohort: the cohorts screen's entry of that year.
    pub async fn cohort(&self, actor: &Actor, year: i64) -> Result<Cohort> {
        let wire = self
            .call(actor, "admin_cohorts", Value::Null, self.now())
            .await?;
        let own = self.direct.cohort(actor, year).await?;
        let entry = wire
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["year"] == year)
            .unwrap_or_else(|| panic!("the wire lists no cohort {year}: {wire}"))
            .clone();
        Ok(overlay(own, entry))
    }

    pub async fn person_link_candidates(&self, actor: &Actor) -> Result<Vec<PersonLinkCandidate>> {
        let wire = self
            .call(actor, "admin_person_links", Value::Null, self.now())
            .await?;
        Ok(from_wire(wire))
    }

    pub async fn set_person_link(
        &self,
        actor: &Actor,
        graduate_id: i64,
        other_id: i64,
        linked: bool,
        now: Timestamp,
    ) -> Result<()> {
        let request = json!({"graduateId": graduate_id, "otherId": other_id, "linked": linked});
        self.unit(actor, "admin_person_link_set", request, now)
            .await
    }

    pub async fn set_account_disabled(
        &self,
        actor: &Actor,
        account_id: i64,
        disabled: bool,
        now: Timestamp,
    ) -> Result<()> {
        let request = json!({"id": account_id, "disabled": disabled});
        self.unit(actor, "admin_account_set_disabled", request, now)
            .await
    }

    pub async fn accounts(&self, actor: &Actor) -> Result<Vec<AccountView>> {
        let wire = self
            .call(actor, "admin_accounts", Value::Null, self.now())
            .await?;
        let own = self.direct.accounts(actor).await.unwrap();
        Ok(overlay(own, wire))
    }

    pub async fn employers(&self, actor: &Actor) -> Result<Vec<EmployerView>> {
        let wire = self
            .call(actor, "admin_employers", Value::Null, self.now())
            .await?;
        Ok(from_wire(wire))
    }

    pub async fn preview_fix(
        &self,
        actor: &Actor,
        graduate_id: i64,
        fix: &GraduateFix,
    ) -> Result<FixPreview> {
        let request = json!({"id": graduate_id, "fix": camel(fix)});
        let wire = self
            .call(actor, "admin_fix_preview", request, self.now())
            .await?;
        Ok(from_wire(wire))
    }

    pub async fn rename_department(
        &self,
        actor: &Actor,
        id: i64,
        name: &str,
        now: Timestamp,
    ) -> Result<Department> {
        let request = json!({"id": id, "name": name});
        let wire = self
            .call(actor, "admin_department_rename", request, now)
            .await?;
        Ok(from_wire(wire))
    }

    pub async fn merge_departments(
        &self,
        actor: &Actor,
        from: i64,
        into: i64,
        now: Timestamp,
    ) -> Result<MergeReport> {
        let request = json!({"from": from, "into": into});
        let wire = self
            .call(actor, "admin_department_merge", request, now)
            .await?;
        Ok(from_wire(wire))
    }

    pub async fn reason_templates(&self, actor: &Actor) -> Result<Vec<String>> {
        let wire = self
            .call(actor, "workspace_reference", Value::Null, self.now())
            .await?;
        Ok(from_wire(wire["reasonTemplates"].clone()))
    }

    pub async fn set_reason_templates(
        &self,
        actor: &Actor,
        templates: &[String],
        now: Timestamp,
    ) -> Result<Vec<String>> {
        let request = json!({"templates": templates});
        let wire = self
            .call(actor, "reason_templates_set", request, now)
            .await?;
        Ok(from_wire(wire))
    }

    pub async fn keep_original_scans(&self, actor: &Actor) -> Result<bool> {
        let wire = self
            .call(actor, "admin_settings", Value::Null, self.now())
            .await?;
        Ok(wire["keepOriginalScans"].as_bool().unwrap())
    }

    pub async fn set_keep_original_scans(
        &self,
        actor: &Actor,
        keep: bool,
        now: Timestamp,
    ) -> Result<()> {
        self.unit(
            actor,
            "admin_keep_originals_set",
            json!({"keep": keep}),
            now,
        )
        .await
    }

    /// The settings screen's gateway: none while its address is blank.
    pub async fn gateway_settings(&self, actor: &Actor) -> Result<Option<GatewaySettings>> {
        let wire = self
            .call(actor, "admin_settings", Value::Null, self.now())
            .await?;
        let own = self.direct.gateway_settings(actor).await.unwrap();
        let url = wire["gatewayUrl"].as_str().unwrap().to_string();
        assert_eq!(
            own.is_some(),
            !url.is_empty(),
            "the wire's gateway is the engine's: {wire}"
        );
        let shown = json!({
            "url": url,
            "smsTemplate": wire["smsTemplate"],
            "wechatTemplate": wire["wechatTemplate"],
            "tokenSet": wire["tokenSet"],
        });
        Ok(own.map(|g| overlay(g, shown)))
    }

    pub async fn export_statistics(
        &self,
        actor: &Actor,
        cohort: i64,
        now: Timestamp,
    ) -> Result<Vec<u8>> {
        self.bytes(actor, "stats_workbook", json!({"cohort": cohort}), now)
            .await
    }

    pub async fn export_queue(
        &self,
        actor: &Actor,
        q: &QueueQuery,
        now: Timestamp,
    ) -> Result<Vec<u8>> {
        self.bytes(actor, "queue_workbook", queue_filter(q), now)
            .await
    }

    pub async fn export_graduates(
        &self,
        actor: &Actor,
        q: &GraduateQuery,
        now: Timestamp,
    ) -> Result<Vec<u8>> {
        self.bytes(actor, "graduates_workbook", graduate_filter(q), now)
            .await
    }

    pub async fn item_file(
        &self,
        actor: &Actor,
        item_id: i64,
        hash: &str,
        now: Timestamp,
    ) -> Result<Vec<u8>> {
        let request = json!({"id": item_id, "hash": hash});
        self.bytes(actor, "review_item_file", request, now).await
    }

    /// The agreements' printout and how many it holds (the count the screen shows beside it).
    pub async fn agreements_pdf(
        &self,
        actor: &Actor,
        filter: &QueueQuery,
        _fonts: &gradsign_documents::Fonts,
        now: Timestamp,
    ) -> Result<(Vec<u8>, usize)> {
        let count = self
            .call(actor, "review_agreements_count", queue_filter(filter), now)
            .await?;
        let pdf = self
            .bytes(actor, "review_agreements_pdf", queue_filter(filter), now)
            .await?;
        Ok((pdf, usize::try_from(count.as_u64().unwrap()).unwrap()))
    }

    /// An employer's profile: its own staff's page; the school's look at one employer has no
    /// operation of its own and is the engine's.
    pub async fn employer_profile(
        &self,
        actor: &Actor,
        employer_id: Option<i64>,
    ) -> Result<EmployerProfile> {
        if employer_id.is_some() {
            return self.direct.employer_profile(actor, employer_id).await;
        }
        let wire = self
            .call(actor, "employer_profile", Value::Null, self.now())
            .await?;
        let own = self.direct.employer_profile(actor, None).await.unwrap();
        Ok(overlay(own, wire))
    }

    pub async fn update_employer_profile(
        &self,
        actor: &Actor,
        details: &EmployerDetails,
        now: Timestamp,
    ) -> Result<EmployerProfile> {
        let wire = self
            .call(actor, "employer_update_profile", camel(details), now)
            .await?;
        let own = self.direct.employer_profile(actor, None).await.unwrap();
        Ok(overlay(own, wire))
    }

    /// An employer's licence: its own staff's download; the school's look has no operation of
    /// its own and is the engine's.
    pub async fn employer_licence(
        &self,
        actor: &Actor,
        employer_id: Option<i64>,
    ) -> Result<Vec<u8>> {
        if employer_id.is_some() {
            return self.direct.employer_licence(actor, employer_id).await;
        }
        self.bytes(actor, "employer_licence", Value::Null, self.now())
            .await
    }

    /// The command line's look-up of an agreement by its number, not an operation.
    pub async fn agreement_by_number(&self, actor: &Actor, number: &str) -> Result<i64> {
        self.direct.agreement_by_number(actor, number).await
    }

    /// The system's own look-up (the command line's), not an operation.
    pub async fn school_admin(&self, actor: &Actor, login: Option<&str>) -> Result<Actor> {
        self.direct.school_admin(actor, login).await
    }

    async fn bytes(
        &self,
        actor: &Actor,
        operation: &str,
        request: Value,
        now: Timestamp,
    ) -> Result<Vec<u8>> {
        let token = self.token(actor).await;
        match self
            .send(Some(&token), operation, request, now, None)
            .await?
        {
            Answer::Bytes(b) => Ok(b),
            Answer::Json(v) => panic!("{operation} answered JSON, not bytes: {v}"),
        }
    }

    /// The school admin of this World (signed in at its start).
    async fn admin(&self) -> Actor {
        let accounts = self.direct.accounts(&self.admin_actor()).await.unwrap();
        accounts
            .into_iter()
            .find(|a| a.role == Role::SchoolAdmin)
            .unwrap()
            .actor()
    }

    fn admin_actor(&self) -> Actor {
        Actor {
            account_id: None,
            role: Role::SchoolAdmin,
            graduate_id: None,
            employer_id: None,
            department_id: None,
        }
    }

    async fn unit(
        &self,
        actor: &Actor,
        operation: &str,
        request: Value,
        now: Timestamp,
    ) -> Result<()> {
        let v = self.call(actor, operation, request, now).await?;
        assert_eq!(v, Value::Null, "{operation} answers nothing");
        Ok(())
    }

    async fn id(
        &self,
        actor: &Actor,
        operation: &str,
        request: Value,
        now: Timestamp,
    ) -> Result<i64> {
        let v = self.call(actor, operation, request, now).await?;
        Ok(v.as_i64()
            .unwrap_or_else(|| panic!("{operation} answers an id, not {v}")))
    }
}

/// The engine's answer with every field the wire carries replaced by the wire's value (field
/// names compared without case and underscores: the engine's snake_case, the wire's camelCase).
fn overlay<T: Serialize + DeserializeOwned>(own: T, wire: Value) -> T {
    let mut merged = serde_json::to_value(own).unwrap();
    lay(&mut merged, &wire);
    serde_json::from_value(merged.clone()).unwrap_or_else(|e| {
        panic!("the wire's answer does not fit the engine's type ({e}): {merged}")
    })
}

fn lay(own: &mut Value, wire: &Value) {
    match (own, wire) {
        (Value::Object(o), Value::Object(w)) => {
            let by_name: BTreeMap<String, &Value> = w.iter().map(|(k, v)| (plain(k), v)).collect();
            for (k, v) in o.iter_mut() {
                if let Some(wv) = by_name.get(&plain(k)) {
                    lay(v, wv);
                }
            }
        }
        (Value::Array(o), Value::Array(w)) if o.iter().chain(w).all(|v| v["id"].is_i64()) => {
            // Records by their id: a list's order is the screen's, not the engine's.
            let by_id: BTreeMap<i64, &Value> =
                w.iter().map(|v| (v["id"].as_i64().unwrap(), v)).collect();
            assert_eq!(by_id.len(), o.len(), "the wire lists other records: {w:?}");
            for a in o.iter_mut() {
                let wv = by_id
                    .get(&a["id"].as_i64().unwrap())
                    .unwrap_or_else(|| panic!("the wire lacks record {}: {w:?}", a["id"]));
                lay(a, wv);
            }
        }
        (Value::Array(o), Value::Array(w)) if o.len() == w.len() => {
            for (a, b) in o.iter_mut().zip(w) {
                lay(a, b);
            }
        }
        (Value::Array(_), Value::Array(w)) => {
            panic!(
                "the wire has {} entries where the engine has others: {w:?}",
                w.len()
            )
        }
        (o, w) => *o = w.clone(),
    }
}

fn plain(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

fn from_wire<T: DeserializeOwned>(wire: Value) -> T {
    serde_json::from_value(wire.clone())
        .unwrap_or_else(|e| panic!("the wire's answer is not the engine's type ({e}): {wire}"))
}

/// An engine input struct as the catalog's camelCase request.
fn camel<T: Serialize>(v: &T) -> Value {
    let Value::Object(o) = serde_json::to_value(v).unwrap() else {
        panic!("not a struct")
    };
    Value::Object(
        o.into_iter()
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
                (out, v)
            })
            .collect(),
    )
}

/// The file an admin would pick: CSV, the header on line 1 and each row on its own line.
fn import_file(cohort: i64, header: &[String], rows: &[ImportRow]) -> Value {
    let mut lines = vec![header.to_vec()];
    for r in rows {
        while lines.len() + 1 < r.line {
            lines.push(vec![String::new(); header.len()]);
        }
        lines.push(r.cells.clone());
    }
    let mut file = csv::Writer::from_writer(Vec::new());
    for l in &lines {
        file.write_record(l).unwrap();
    }
    let bytes = file.into_inner().unwrap();
    json!({"cohort": cohort, "fileName": "graduates.csv", "dataBase64": base64(&bytes)})
}

fn queue_filter(q: &QueueQuery) -> Value {
    json!({
        "kind": match (q.kind, q.offline_review) {
            (_, Some(OfflineReview::Application)) => Some("offline_signing_application"),
            (_, Some(OfflineReview::Stamped)) => Some("offline_signing_stamped"),
            (k, None) => k.map(|k| k.as_str()),
        },
        "awaitingMe": q.awaiting_me,
        "state": q.state,
        "departmentId": q.department_id,
        "major": q.major,
        "educationLevel": q.education_level,
        "destCode": q.dest_code,
        "submittedFrom": q.submitted_from,
        "submittedTo": q.submitted_to,
        "newestFirst": q.newest_first,
        "after": q.after,
        "limit": q.limit,
    })
}

fn graduate_filter(q: &GraduateQuery) -> Value {
    json!({
        "cohort": q.cohort,
        "departmentId": q.department_id,
        "major": q.major,
        "educationLevel": q.education_level,
        "text": q.text,
    })
}

fn paper_form(p: &PaperInput) -> Value {
    json!({"employer": camel(&p.employer), "terms": camel(&p.terms)})
}

fn destination_form(d: &DestinationInput) -> Value {
    json!({"typeId": d.type_id, "fields": d.fields})
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Files as the catalog takes them inline (a staged upload would outlive a refused request and
/// change the database the refusal must leave as it was).
fn uploads(files: &[Upload]) -> Value {
    Value::Array(
        files
            .iter()
            .map(|f| match f {
                Upload::Bytes { name, bytes } => json!({"name": name, "dataBase64": base64(bytes)}),
                Upload::Staged { name, id } => json!({"name": name, "uploadId": id}),
            })
            .collect(),
    )
}

/// The World of the HTTP run, field for field the engine tests' World.
pub struct World {
    pub engine: Engine,
    pub backend: Backend,
    pub admin: Actor,
    pub dep_a: i64,
    pub dep_b: i64,
    pub dep_rev_a: Actor,
    pub dep_rev_b: Actor,
    pub school_rev: Actor,
    pub employers: Vec<Actor>,
    pub graduates: BTreeMap<u32, Actor>,
    pub t0: Timestamp,
    pub db: String,
    _files: tempfile::TempDir,
}

impl World {
    /// The engine tests' school, every step of its making through the API.
    pub async fn new(backend: Backend) -> World {
        assert_eq!(backend, Backend::Postgres, "the server runs on PostgreSQL");
        let t0 = shanghai_time(2026, 3, 2, 10, 0, 0);
        let (engine, db, files) = Engine::start(t0).await;
        engine
            .anonymous(
                "school_setup",
                json!({
                    "name": "测试大学",
                    "code": "10001",
                    "contact": "就业指导中心 010-12345678",
                    "departments": ["计算机学院", "经济管理学院"],
                    "adminLogin": "admin",
                    "adminPassword": "admin12345",
                    "adminName": "管理员",
                }),
                t0,
            )
            .await
            .unwrap();
        let admin = engine.world_account("admin", "admin12345").await;
        let deps = engine.departments(&admin).await.unwrap();
        let (dep_a, dep_b) = (deps[0].id, deps[1].id);
        engine
            .configure_cohort(
                &admin,
                &CohortSettings {
                    year: 2026,
                    chain: ReviewChain::Both,
                    invite_limit_days: 15,
                    changes_until: None,
                    agreement_title: None,
                },
                t0,
            )
            .await
            .unwrap();
        engine.set_module(&admin, 2026, true, t0).await.unwrap();
        let rows: Vec<ImportRow> = (1..=6u32)
            .map(|n| ImportRow {
                line: n as usize + 1,
                cells: import_cells(
                    n,
                    if n <= 4 {
                        "计算机学院"
                    } else {
                        "经济管理学院"
                    },
                    if n == 4 { "定向" } else { "非定向" },
                ),
            })
            .collect();
        engine
            .import_graduates(&admin, 2026, &header(), &rows, t0)
            .await
            .unwrap();
        let mut graduates = BTreeMap::new();
        // Each graduate's account, as their own activation would leave it but without its history
        // line (the engine tests' graduates act without one; R-AUDIT tests count the lines), with
        // the admin's password; each signs in through the API.
        let admin_hash: String = {
            let mut c = engine.direct.store().read().await.unwrap();
            sqlx::Row::try_get(
                &sqlx::query("SELECT password_hash FROM accounts WHERE login = 'admin'")
                    .fetch_one(&mut *c)
                    .await
                    .unwrap(),
                "password_hash",
            )
            .unwrap()
        };
        for n in 1..=6u32 {
            let sn = format!("2026{n:05}");
            let account: i64 = {
                let mut c = engine.direct.store().read().await.unwrap();
                sqlx::Row::try_get(
                    &sqlx::query("INSERT INTO accounts (login, role, display_name, password_hash, graduate_id, created_at) SELECT student_number, 'graduate', name, $1, id, $2 FROM graduates WHERE student_number = $3 RETURNING id")
                        .bind(&admin_hash)
                        .bind(t0)
                        .bind(&sn)
                        .fetch_one(&mut *c)
                        .await
                        .unwrap(),
                    "id",
                )
                .unwrap()
            };
            engine
                .activated_by_world
                .lock()
                .unwrap()
                .insert(sn.clone(), account);
            graduates.insert(n, engine.world_account(&sn, "admin12345").await);
        }
        let mut employers = Vec::new();
        for n in 1..=2u32 {
            let account = engine
                .employer_sign_up(
                    &EmployerSignUp {
                        details: employer_details(n),
                        login: format!("employer{n}"),
                        password: "employer123".into(),
                        display_name: "张经理".into(),
                    },
                    t0,
                )
                .await
                .unwrap();
            engine
                .set_employer_approval(&admin, account.employer_id.unwrap(), true, t0)
                .await
                .unwrap();
            employers.push(
                engine
                    .world_account(&format!("employer{n}"), "employer123")
                    .await,
            );
        }
        let reviewer = async |login: &str, role: Role, dep: Option<i64>| {
            engine
                .call(
                    &admin,
                    "admin_account_create",
                    json!({"login": login, "password": "review12345", "displayName": login, "role": role.as_str(), "departmentId": dep}),
                    t0,
                )
                .await
                .unwrap();
            engine.world_account(login, "review12345").await
        };
        let dep_rev_a = reviewer("reviewer-a", Role::DepartmentReviewer, Some(dep_a)).await;
        let dep_rev_b = reviewer("reviewer-b", Role::DepartmentReviewer, Some(dep_b)).await;
        let school_rev = reviewer("reviewer-school", Role::SchoolReviewer, None).await;
        World {
            engine,
            backend,
            admin,
            dep_a,
            dep_b,
            dep_rev_a,
            dep_rev_b,
            school_rev,
            employers,
            graduates,
            t0,
            db,
            _files: files,
        }
    }

    world_steps!();
}

/// A stored file's bytes by hash, from the server's database.
pub async fn stored_file(engine: &Engine, hash: &str) -> Option<Vec<u8>> {
    direct::stored_file(&engine.direct, hash).await
}

/// How many files and staged uploads the server's database holds.
pub async fn stored_counts(engine: &Engine) -> (i64, i64) {
    direct::stored_counts(&engine.direct).await
}

/// A digest of every table's rows of the server's database.
pub async fn digest(engine: &Engine) -> String {
    direct::digest(&engine.direct).await
}
