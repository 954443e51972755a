//! The server over real TLS on 127.0.0.1 against a real PostgreSQL: the catalog's operations,
//! the one error shape with its statuses, the transport's own refusals (size, type, a body that
//! breaks off, overload, time), plain HTTP only on loopback, a foreign CA refused, and a graceful
//! shutdown that finishes the request in flight.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use gradsign_server::ServerConfig;
use serde_json::{json, Value};
use support::*;

async fn departments(
    client: &reqwest::Client,
    server: &gradsign_server::RunningServer,
    admin: &str,
) -> usize {
    let (status, body) = call(
        client,
        server,
        Some(admin),
        "admin_departments",
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_over_https_answers_json_bytes_and_the_one_error_shape() {
    let (engine, _files) = demo_on_postgres().await;
    let ca = test_ca("school");
    let server = serve(engine, &ca).await;
    let client = client(&ca.ca_pem);

    let health = client
        .get(format!("{}/healthz", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let ready: Value = client
        .get(format!("{}/readyz", server.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["status"], "ok");
    assert_eq!(
        ready["schemaVersion"],
        gradsign_engine::store::SCHEMA_VERSION
    );

    let document: Value = client
        .get(format!("{}/api/v1/openapi.json", server.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(document, gradsign_api::openapi::document());
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(
        document["paths"].as_object().unwrap().len(),
        gradsign_api::OPERATIONS.len() + 4,
        "every operation, the health and readiness probes, uploads"
    );

    let admin = sign_in(&client, &server, "admin").await;
    assert!(departments(&client, &server, &admin).await >= 2);

    // Binary answers are raw bytes (an .xlsx is a zip: "PK").
    let workbook = client
        .post(format!("{}/api/v1/stats_workbook", server.url()))
        .bearer_auth(&admin)
        .json(&json!({ "cohort": 2026 }))
        .send()
        .await
        .unwrap();
    assert_eq!(workbook.status(), 200);
    assert_eq!(
        workbook.headers()["content-type"],
        "application/octet-stream"
    );
    assert!(workbook.headers().contains_key("x-request-id"));
    assert!(workbook.bytes().await.unwrap().starts_with(b"PK"));

    // The error shape and its statuses, chosen in one place.
    let shape = |body: &Value, code: &str| {
        assert_eq!(body["code"], code, "{body}");
        assert!(
            body["message"]["zh"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{body}"
        );
        assert!(
            body["message"]["en"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{body}"
        );
    };
    let (s, b) = call(&client, &server, None, "admin_departments", Value::Null).await;
    assert_eq!(s, 401);
    shape(&b, "unauthenticated");
    let (s, b) = call(
        &client,
        &server,
        Some("not-a-token"),
        "admin_departments",
        Value::Null,
    )
    .await;
    assert_eq!(s, 401);
    shape(&b, "unauthenticated");
    let graduate = sign_in(&client, &server, "2026000001").await;
    let (s, b) = call(
        &client,
        &server,
        Some(&graduate),
        "admin_departments",
        Value::Null,
    )
    .await;
    assert_eq!(s, 403, "another role's operation");
    shape(&b, "forbidden");
    let (s, b) = call(
        &client,
        &server,
        Some(&admin),
        "no_such_operation",
        Value::Null,
    )
    .await;
    assert_eq!(s, 404);
    shape(&b, "not_found");
    let (s, b) = call(
        &client,
        &server,
        Some(&admin),
        "admin_department_add",
        json!({ "name": "数学学院", "extra": 1 }),
    )
    .await;
    assert_eq!(s, 400);
    shape(&b, "validation");
    let (s, b) = call(
        &client,
        &server,
        None,
        "session_open",
        json!({ "username": "admin", "password": "wrong-password" }),
    )
    .await;
    assert_eq!(s, 401);
    shape(&b, "wrong_credentials");
    let basic = client
        .post(format!("{}/api/v1/admin_departments", server.url()))
        .header("authorization", "Basic YWRtaW46eA==")
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
    let not_json = client
        .post(format!("{}/api/v1/admin_department_add", server.url()))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    let b: Value = not_json.json().await.unwrap();
    shape(&b, "validation");
    assert_eq!(b["details"]["field"], "body");
    let unknown_route = client
        .get(format!("{}/api/v2/x", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_route.status(), 404);
    shape(&unknown_route.json().await.unwrap(), "not_found");
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_too_large_of_the_wrong_type_or_broken_off_are_refused_and_change_nothing() {
    let (engine, _files) = demo_on_postgres().await;
    let ca = test_ca("school");
    let server = serve(engine, &ca).await;
    let client = client(&ca.ca_pem);
    let admin = sign_in(&client, &server, "admin").await;
    let before = departments(&client, &server, &admin).await;
    let url = format!("{}/api/v1/admin_department_add", server.url());

    // A 10 MB JSON request: refused by its size, announced or not. The client sends a part and
    // then holds its body open, so the answer is read, not lost to a broken pipe.
    let announced = over_limit(
        client
            .post(&url)
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .header("content-length", (10 * 1024 * 1024).to_string()),
        1,
    )
    .await;
    assert_eq!(announced.status(), 413);
    assert_eq!(
        announced.json::<Value>().await.unwrap()["code"],
        "too_large"
    );
    let streamed = over_limit(
        client
            .post(&url)
            .bearer_auth(&admin)
            .header("content-type", "application/json"),
        3,
    )
    .await;
    assert_eq!(
        streamed.status(),
        413,
        "a streamed body without a length is counted as it comes"
    );

    // A NUL character, which PostgreSQL's text cannot hold: a field error, not a database one.
    let (s, b) = call(
        &client,
        &server,
        Some(&admin),
        "admin_department_add",
        json!({ "name": "数\u{0}学" }),
    )
    .await;
    assert_eq!(
        (s, b["details"]["field"].as_str()),
        (400, Some("name")),
        "{b}"
    );
    let (s, _) = call(
        &client,
        &server,
        None,
        "session_open",
        json!({ "username": "\u{0}admin", "password": "x" }),
    )
    .await;
    assert_eq!(s, 400);

    // Not JSON.
    let r = client
        .post(&url)
        .bearer_auth(&admin)
        .header("content-type", "text/plain")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    assert_eq!(
        r.json::<Value>().await.unwrap()["code"],
        "unsupported_media"
    );

    // A body that breaks off half-way: the client gets no answer, the engine never sees it.
    let parts: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(b"{\"name\": \"\xe6\x95\xb0\xe5\xad\xa6".to_vec()),
        Err(std::io::Error::other("the connection broke off")),
    ];
    let broken = client
        .post(&url)
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            parts,
        )))
        .send()
        .await;
    assert!(broken.is_err() || broken.unwrap().status() == 400);

    assert_eq!(
        departments(&client, &server, &admin).await,
        before,
        "nothing was added"
    );
    // And the server still serves.
    let (s, _) = call(
        &client,
        &server,
        Some(&admin),
        "admin_department_add",
        json!({ "name": "数学学院" }),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(departments(&client, &server, &admin).await, before + 1);
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_session_is_unauthenticated() {
    let (engine, _files) = demo_on_postgres().await;
    let ca = test_ca("school");
    let now_server = serve(engine.clone(), &ca).await;
    let client = client(&ca.ca_pem);
    let admin = sign_in(&client, &now_server, "admin").await;
    let mut later = ServerConfig::new("127.0.0.1:0".parse().unwrap(), Some(ca.files.clone()));
    later.clock = Arc::new(|| NOW + 366 * 86_400);
    later.workers_every = None;
    let later = gradsign_server::start(engine, later).await.unwrap();
    let (s, b) = call(
        &client,
        &later,
        Some(&admin),
        "admin_departments",
        Value::Null,
    )
    .await;
    assert_eq!(
        (s, b["code"].as_str()),
        (401, Some("unauthenticated")),
        "{b}"
    );
    let (s, _) = call(
        &client,
        &now_server,
        Some(&admin),
        "admin_departments",
        Value::Null,
    )
    .await;
    assert_eq!(s, 200, "the same token before it expires");
    later.shutdown().await.unwrap();
    now_server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_server_01_plain_http_only_on_loopback_and_a_foreign_ca_is_refused() {
    let (engine, _files) = demo_on_postgres().await;
    let open = ServerConfig::new("0.0.0.0:0".parse().unwrap(), None);
    let refused = gradsign_server::start(engine.clone(), open)
        .await
        .unwrap_err();
    assert!(refused.en.contains("--tls-cert"), "{refused}");
    assert!(refused.zh.contains("明文"), "{refused}");

    let mut local = ServerConfig::new("127.0.0.1:0".parse().unwrap(), None);
    local.workers_every = None;
    let local = gradsign_server::start(engine.clone(), local).await.unwrap();
    assert!(local.url().starts_with("http://127.0.0.1:"));
    let r = reqwest::get(format!("{}/healthz", local.url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    local.shutdown().await.unwrap();

    let ca = test_ca("school");
    let server = serve(engine, &ca).await;
    let stranger = test_ca("another");
    let err = client(&stranger.ca_pem)
        .get(format!("{}/healthz", server.url()))
        .send()
        .await
        .unwrap_err();
    assert!(
        err.is_connect(),
        "a certificate of another CA fails the handshake: {err:?}"
    );
    let ok = client(&ca.ca_pem)
        .get(format!("{}/healthz", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    server.shutdown().await.unwrap();
}

/// Sends `megabytes` MB of a JSON-looking body and then holds the body open until the answer
/// arrives (a server that refuses a body by its size answers before reading it all).
async fn over_limit(request: reqwest::RequestBuilder, megabytes: usize) -> reqwest::Response {
    let (tx, body) = held_body();
    let feeder = tokio::spawn(async move {
        let _ = tx.send(b"{\"name\": \"".to_vec()).await;
        for _ in 0..megabytes * 16 {
            if tx.send(vec![b'x'; 64 * 1024]).await.is_err() {
                return;
            }
        }
        tx.closed().await;
    });
    let response = request.body(body).send().await.unwrap();
    feeder.abort();
    response
}

/// A request whose body the test feeds by hand, to hold a request in flight.
fn held_body() -> (tokio::sync::mpsc::Sender<Vec<u8>>, reqwest::Body) {
    let (tx, rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, std::io::Error>(chunk), rx))
    });
    (tx, reqwest::Body::wrap_stream(stream))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graceful_shutdown_finishes_the_request_in_flight() {
    let (engine, _files) = demo_on_postgres().await;
    let ca = test_ca("school");
    let server = serve(engine.clone(), &ca).await;
    let client = client(&ca.ca_pem);
    let admin = sign_in(&client, &server, "admin").await;
    let url = server.url();
    let (tx, body) = held_body();
    let in_flight = {
        let (client, admin, url) = (client.clone(), admin.clone(), url.clone());
        tokio::spawn(async move {
            client
                .post(format!("{url}/api/v1/admin_department_add"))
                .bearer_auth(admin)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
        })
    };
    tx.send(b"{\"name\": ".to_vec()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopping = tokio::spawn(server.shutdown());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !stopping.is_finished(),
        "the server waits for the request in flight"
    );
    tx.send("\"数学学院\"}".as_bytes().to_vec()).await.unwrap();
    drop(tx);
    let answered = in_flight.await.unwrap().unwrap();
    assert_eq!(answered.status(), 200);
    stopping.await.unwrap().unwrap();
    let refused = client.get(format!("{url}/healthz")).send().await;
    assert!(refused.is_err(), "a stopped server takes no new connection");
    let names: Vec<String> = engine
        .departments(
            &engine
                .school_admin(&gradsign_engine::Actor::system(), None)
                .await
                .unwrap(),
        )
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert!(names.contains(&"数学学院".to_string()), "{names:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overload_and_slow_requests_get_503_in_the_one_shape() {
    let (engine, _files) = demo_on_postgres().await;
    let ca = test_ca("school");
    let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), Some(ca.files.clone()));
    config.clock = Arc::new(|| NOW);
    config.workers_every = None;
    config.limits.max_in_flight = 1;
    config.limits.queue_wait = Duration::from_millis(200);
    config.limits.request_timeout = Duration::from_secs(2);
    let server = gradsign_server::start(engine, config).await.unwrap();
    let client = client(&ca.ca_pem);
    let url = server.url();
    let (tx, body) = held_body();
    let slow = {
        let (client, url) = (client.clone(), url.clone());
        tokio::spawn(async move {
            client
                .post(format!("{url}/api/v1/app_status"))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
        })
    };
    tx.send(b"nul".to_vec()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let busy = client.get(format!("{url}/healthz")).send().await.unwrap();
    assert_eq!(busy.status(), 503);
    let b: Value = busy.json().await.unwrap();
    assert_eq!(
        (b["code"].as_str(), b["details"]["context"].as_str()),
        (Some("unavailable"), Some("overloaded"))
    );
    // The held request never completes its body: the time limit answers it.
    let timed_out = slow.await.unwrap().unwrap();
    assert_eq!(timed_out.status(), 503);
    let b: Value = timed_out.json().await.unwrap();
    assert_eq!(b["details"]["context"], "timeout");
    drop(tx);
    let free = client.get(format!("{url}/healthz")).send().await.unwrap();
    assert_eq!(free.status(), 200, "the place is free again");
    server.shutdown().await.unwrap();
}

async fn keyed(
    client: &reqwest::Client,
    server: &gradsign_server::RunningServer,
    token: &str,
    key: &str,
    operation: &str,
    request: Value,
) -> (u16, Value) {
    let r = client
        .post(format!("{}/api/v1/{operation}", server.url()))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(&request)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_idem_01_a_retry_with_the_same_key_answers_the_first_answer_and_applies_once() {
    let (engine, _files) = demo_on_postgres().await;
    let ca = test_ca("school");
    let server = serve(engine.clone(), &ca).await;
    let client = client(&ca.ca_pem);
    let admin = sign_in(&client, &server, "admin").await;
    let before = departments(&client, &server, &admin).await;
    let add = |name: &str| json!({ "name": name });

    let first = keyed(
        &client,
        &server,
        &admin,
        "k-1",
        "admin_department_add",
        add("数学学院"),
    )
    .await;
    assert_eq!(first.0, 200, "{first:?}");
    let again = keyed(
        &client,
        &server,
        &admin,
        "k-1",
        "admin_department_add",
        add("数学学院"),
    )
    .await;
    assert_eq!(again, first, "the retry answers the first answer");
    assert_eq!(
        departments(&client, &server, &admin).await,
        before + 1,
        "applied once"
    );

    let other = keyed(
        &client,
        &server,
        &admin,
        "k-1",
        "admin_department_add",
        add("物理学院"),
    )
    .await;
    assert_eq!(other.0, 400);
    assert_eq!(other.1["details"]["field"], "Idempotency-Key");
    assert_eq!(departments(&client, &server, &admin).await, before + 1);

    // Another caller's identical key is its own.
    let admin2 = sign_in(&client, &server, "admin").await;
    let theirs = keyed(
        &client,
        &server,
        &admin2,
        "k-1",
        "admin_department_add",
        add("化学学院"),
    )
    .await;
    assert_eq!(theirs.0, 200, "{theirs:?}");
    assert_eq!(departments(&client, &server, &admin).await, before + 2);

    // Eight copies of one request at once: one applies, the others answer its answer or "in
    // progress", never a second department.
    let copies: Vec<_> = (0..8)
        .map(|_| {
            let (client, admin) = (client.clone(), admin.clone());
            let url = server.url();
            tokio::spawn(async move {
                let r = client
                    .post(format!("{url}/api/v1/admin_department_add"))
                    .bearer_auth(admin)
                    .header("idempotency-key", "k-race")
                    .json(&json!({ "name": "生命科学学院" }))
                    .send()
                    .await
                    .unwrap();
                r.status().as_u16()
            })
        })
        .collect();
    let mut statuses = vec![];
    for c in copies {
        statuses.push(c.await.unwrap());
    }
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 503),
        "{statuses:?}"
    );
    assert!(statuses.contains(&200), "{statuses:?}");
    assert_eq!(
        departments(&client, &server, &admin).await,
        before + 3,
        "{statuses:?}"
    );
    let settled = keyed(
        &client,
        &server,
        &admin,
        "k-race",
        "admin_department_add",
        json!({ "name": "生命科学学院" }),
    )
    .await;
    assert_eq!(settled.0, 200);
    assert_eq!(settled.1["name"], "生命科学学院");

    // A server stopped between the commit and keeping the answer: the key is still there (it
    // committed with the action), so a later retry is "already applied", not a second department.
    sqlx::query(
        "UPDATE request_keys SET answer_status = NULL, answer_type = NULL, answer_body = NULL",
    )
    .execute(engine.store().pool())
    .await
    .unwrap();
    let mut later = ServerConfig::new("127.0.0.1:0".parse().unwrap(), Some(ca.files.clone()));
    later.clock = Arc::new(|| NOW + 600);
    later.workers_every = None;
    let later = gradsign_server::start(engine.clone(), later).await.unwrap();
    let lost = keyed(
        &client,
        &later,
        &admin,
        "k-1",
        "admin_department_add",
        add("数学学院"),
    )
    .await;
    assert_eq!(
        (lost.0, lost.1["code"].as_str()),
        (409, Some("duplicate")),
        "{lost:?}"
    );
    assert_eq!(departments(&client, &server, &admin).await, before + 3);
    later.shutdown().await.unwrap();
    server.shutdown().await.unwrap();
}

async fn staged_count(engine: &gradsign_engine::Engine) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) AS n FROM staged_uploads")
        .fetch_one(engine.store().pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_stream_in_as_raw_bytes_within_r_upload_01s_limit() {
    let (engine, _files) = demo_on_postgres().await;
    let ca = test_ca("school");
    let server = serve(engine.clone(), &ca).await;
    let client = client(&ca.ca_pem);
    let graduate = sign_in(&client, &server, "2026000001").await;
    let url = format!("{}/api/v1/uploads", server.url());
    let png = gradsign_engine::demo::BLANK_PNG.to_vec();
    let before = staged_count(&engine).await;

    let staged = client
        .post(format!("{url}?name=proof.png"))
        .bearer_auth(&graduate)
        .header("content-type", "image/png")
        .body(png.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(staged.status(), 200);
    let staged: Value = staged.json().await.unwrap();
    assert!(
        staged["id"].as_str().is_some_and(|id| id.len() >= 16),
        "{staged}"
    );
    assert_eq!(staged["size"], png.len());
    assert_eq!(staged_count(&engine).await, before + 1);

    // 30 MB, streamed without a length: counted as it comes and refused at 20 MB.
    let big = over_limit(
        client
            .post(format!("{url}?name=big.jpg"))
            .bearer_auth(&graduate)
            .header("content-type", "image/jpeg"),
        30,
    )
    .await;
    assert_eq!(big.status(), 413);
    assert_eq!(big.json::<Value>().await.unwrap()["code"], "too_large");

    let pdf = client
        .post(format!("{url}?name=a.pdf"))
        .bearer_auth(&graduate)
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.4".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 415);
    let fake = client
        .post(format!("{url}?name=fake.png"))
        .bearer_auth(&graduate)
        .header("content-type", "image/png")
        .body(b"this is not an image at all".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(
        fake.status(),
        400,
        "the engine looks at the bytes, not the label"
    );
    let fake: Value = fake.json().await.unwrap();
    assert_eq!(fake["details"]["field"], "file", "{fake}");
    let nameless = client
        .post(url.clone())
        .bearer_auth(&graduate)
        .header("content-type", "image/png")
        .body(png.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(nameless.status(), 400);
    let anonymous = client
        .post(format!("{url}?name=proof.png"))
        .header("content-type", "image/png")
        .body(png)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        staged_count(&engine).await,
        before + 1,
        "no refused upload was stored"
    );
    server.shutdown().await.unwrap();
}

/// A PNG of noise (which does not compress) of about `megabytes`, as a phone's photo of a licence.
fn photo(megabytes: usize) -> Vec<u8> {
    let side = ((megabytes * 1024 * 1024 / 3) as f64).sqrt() as u32;
    let mut seed = 0x2545_f491_u32;
    let img = image::RgbImage::from_fn(side, side, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        image::Rgb([seed as u8, (seed >> 8) as u8, (seed >> 16) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn sign_up(login: &str, licence: &[u8]) -> Value {
    use base64::Engine as _;
    json!({
        "details": {
            "name": format!("{login}科技有限公司"),
            "creditCode": gradsign_engine::types::CreditCode::compose("91", "110108", "10000077")
                .unwrap()
                .as_str(),
            "nature": "其他企业",
            "industry": "信息传输、软件和信息技术服务业",
            "address": "北京市海淀区",
            "contactPerson": "张经理",
            "contactPhone": "010-62345678",
        },
        "login": login,
        "password": "employer123",
        "displayName": "张经理",
        "licence": {
            "name": "licence.png",
            "dataBase64": base64::engine::general_purpose::STANDARD.encode(licence),
        },
    })
}

/// R-SERVER-05: employer sign-up has no account to stage its licence with, so its body may hold
/// a licence photo of R-UPLOAD-01's size inline; every other operation keeps the 2 MB JSON limit,
/// and a sign-up over its own limit is refused with nothing written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_server_05_employer_sign_up_carries_a_phone_sized_licence_inline() {
    let (engine, _files) = demo_on_postgres().await;
    let ca = test_ca("school");
    let server = serve(engine.clone(), &ca).await;
    let client = client(&ca.ca_pem);
    let admin = sign_in(&client, &server, "admin").await;
    let employers = |body: &Value| body.as_array().unwrap().len();
    let (_, before) = call(
        &client,
        &server,
        Some(&admin),
        "admin_employers",
        Value::Null,
    )
    .await;

    let licence = photo(4);
    assert!(licence.len() > 3 * 1024 * 1024, "{} bytes", licence.len());
    let (status, body) = call(
        &client,
        &server,
        None,
        "employer_sign_up",
        sign_up("bigphoto", &licence),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, after) = call(
        &client,
        &server,
        Some(&admin),
        "admin_employers",
        Value::Null,
    )
    .await;
    assert_eq!(employers(&after), employers(&before) + 1);

    // The same 4 MB photo inside another operation's JSON: that operation's limit holds.
    let (status, body) = call(
        &client,
        &server,
        Some(&admin),
        "admin_department_add",
        json!({ "name": sign_up("x", &licence).to_string() }),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (413, Some("too_large")));

    // A sign-up over its own limit (a 30 MB body): refused, no employer written.
    let url = format!("{}/api/v1/employer_sign_up", server.url());
    let refused = over_limit(
        client.post(&url).header("content-type", "application/json"),
        30,
    )
    .await;
    assert_eq!(refused.status(), 413);
    let (_, last) = call(
        &client,
        &server,
        Some(&admin),
        "admin_employers",
        Value::Null,
    )
    .await;
    assert_eq!(employers(&last), employers(&after));
}
