//! The message stream `GET /api/v1/events` (R-SERVER-06) over real TLS on a real PostgreSQL:
//! a message written through one server reaches a desktop streaming from another within
//! seconds, the stream outlives the request time limit, needs a session and ends with it, has
//! its own limit, and closes when the server stops.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gradsign_engine::Engine;
use gradsign_server::{RunningServer, ServerConfig};
use serde_json::{json, Value};
use support::*;

/// A reader of one event stream: each `next` is the next event's name and JSON data
/// (keep-alive comments skipped), or None when the stream ended.
struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    async fn open(client: &reqwest::Client, server: &RunningServer, token: &str) -> Events {
        let response = client
            .get(format!("{}/api/v1/events", server.url()))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "text/event-stream",
            "an event stream"
        );
        Events {
            response,
            buffer: String::new(),
        }
    }

    async fn next(&mut self) -> Option<(String, Value)> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut name, mut data) = (String::new(), String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim());
                    }
                }
                if !name.is_empty() {
                    return Some((name, serde_json::from_str(&data).unwrap()));
                }
                continue;
            }
            let chunk = self.response.chunk().await.ok()??;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// The next event within `limit`, which it must arrive in.
    async fn within(&mut self, limit: Duration) -> Option<(String, Value)> {
        tokio::time::timeout(limit, self.next())
            .await
            .expect("an event within the limit")
    }
}

async fn serve_as(
    engine: Arc<Engine>,
    ca: &TestCa,
    clock: Arc<AtomicI64>,
    adjust: impl FnOnce(&mut ServerConfig),
) -> RunningServer {
    let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), Some(ca.files.clone()));
    config.clock = Arc::new(move || clock.load(Ordering::SeqCst));
    config.workers_every = None;
    adjust(&mut config);
    gradsign_server::start(engine, config).await.unwrap()
}

/// The pending invitation employer03 sent demo graduate 2026000002, as the employer lists it.
async fn pending_invitation(
    client: &reqwest::Client,
    server: &RunningServer,
    employer: &str,
) -> i64 {
    let (s, items) = call(
        client,
        server,
        Some(employer),
        "employer_items",
        Value::Null,
    )
    .await;
    assert_eq!(s, 200, "{items}");
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["studentNumber"] == "2026000002" && i["state"] == "pending")
        .unwrap_or_else(|| panic!("a pending invitation in {items}"))["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_server_06_a_message_written_through_one_server_reaches_a_stream_on_the_other() {
    let db = fresh_postgres().await;
    let (a, _files_a) = engine_on(&db).await;
    let (b, _files_b) = engine_on(&db).await;
    a.create_demo(NOW - 3600).await.unwrap();
    let ca = test_ca("school");
    let clock = Arc::new(AtomicI64::new(NOW));
    // A request may take one second on A; the stream is no request and lasts longer.
    let server_a = serve_as(a, &ca, clock.clone(), |c| {
        c.limits.request_timeout = Duration::from_secs(1);
    })
    .await;
    let server_b = serve_as(b, &ca, clock.clone(), |_| {}).await;
    let client = client(&ca.ca_pem);

    let employer = sign_in(&client, &server_a, "employer03").await;
    let (s, before) = call(
        &client,
        &server_a,
        Some(&employer),
        "messages_state",
        Value::Null,
    )
    .await;
    assert_eq!(s, 200, "{before}");
    let mut events = Events::open(&client, &server_a, &employer).await;
    let (name, first) = events.within(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        (name.as_str(), &first),
        ("messages", &before),
        "the first event is where they stand"
    );

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let graduate = sign_in(&client, &server_b, "2026000002").await;
    let invitation = pending_invitation(&client, &server_b, &employer).await;
    let (s, body) = call(
        &client,
        &server_b,
        Some(&graduate),
        "graduate_reject_invitation",
        json!({ "id": invitation }),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    let (name, after) = events.within(Duration::from_secs(5)).await.unwrap();
    assert_eq!(name, "messages");
    assert_eq!(
        after["unread"].as_i64().unwrap(),
        before["unread"].as_i64().unwrap() + 1,
        "{before} {after}"
    );
    assert!(after["newest"].as_i64() > before["newest"].as_i64());
    let (_, list) = call(
        &client,
        &server_a,
        Some(&employer),
        "messages_list",
        Value::Null,
    )
    .await;
    assert_eq!(list[0]["id"], after["newest"]);
    assert_eq!(list[0]["kind"], "answer_received");

    server_a.shutdown().await.unwrap();
    server_b.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_server_06_the_stream_needs_a_session_ends_with_it_and_has_its_own_limit() {
    let (engine, _files) = demo_on_postgres().await;
    let ca = test_ca("school");
    let clock = Arc::new(AtomicI64::new(NOW));
    let server = serve_as(engine, &ca, clock.clone(), |c| {
        c.limits.max_event_streams = 1;
        c.limits.event_recheck = Duration::from_millis(200);
        c.limits.shutdown_grace = Duration::from_secs(60);
    })
    .await;
    let client = client(&ca.ca_pem);

    for token in [None, Some("not-a-token")] {
        let mut r = client.get(format!("{}/api/v1/events", server.url()));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        let r = r.send().await.unwrap();
        assert_eq!(r.status(), 401);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["code"], "unauthenticated", "{body}");
        assert!(
            body["message"]["zh"].as_str().unwrap().contains("登录"),
            "{body}"
        );
    }

    let employer = sign_in(&client, &server, "employer01").await;
    let mut events = Events::open(&client, &server, &employer).await;
    assert_eq!(
        events.within(Duration::from_secs(5)).await.unwrap().0,
        "messages"
    );
    let second = client
        .get(format!("{}/api/v1/events", server.url()))
        .bearer_auth(&employer)
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 503, "one stream at most");
    let body: Value = second.json().await.unwrap();
    assert_eq!(body["code"], "unavailable");
    assert_eq!(body["details"]["context"], "event_streams");

    // The session expires: the stream says so in the one error shape and ends.
    clock.fetch_add(400 * 24 * 3600, Ordering::SeqCst);
    let (name, ended) = events.within(Duration::from_secs(5)).await.unwrap();
    assert_eq!(name, "session_ended");
    assert_eq!(ended["code"], "unauthenticated", "{ended}");
    assert!(
        events.within(Duration::from_secs(5)).await.is_none(),
        "then the stream ends"
    );

    // A stream is open when the server stops: it closes, and the shutdown does not wait out
    // its minute of grace for it.
    clock.store(NOW, Ordering::SeqCst);
    let employer = sign_in(&client, &server, "employer01").await;
    let mut events = Events::open(&client, &server, &employer).await;
    assert_eq!(
        events.within(Duration::from_secs(5)).await.unwrap().0,
        "messages"
    );
    tokio::time::timeout(Duration::from_secs(20), server.shutdown())
        .await
        .expect("the shutdown closes the open stream rather than wait out the grace")
        .unwrap();
    assert!(events.within(Duration::from_secs(5)).await.is_none());
}
