//! Two servers on one PostgreSQL database and no shared folder, as a school runs them behind a
//! load balancer: a licence uploaded through one downloads through the other, a session opened on
//! one is good on the other, and with the sweep and the outbox running in both every message
//! reaches a real HTTP gateway on 127.0.0.1 exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::post;
use gradsign_engine::{Actor, Engine, GatewayConfig};
use gradsign_server::ServerConfig;
use serde_json::{json, Value};
use support::*;

/// A gateway that records the message id of every delivery it receives.
async fn gateway() -> (String, Arc<Mutex<Vec<i64>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let seen = received.clone();
    let app = axum::Router::new().route(
        "/send",
        post(move |body: axum::Json<Value>| {
            let seen = seen.clone();
            async move {
                seen.lock()
                    .unwrap()
                    .push(body.0["message_id"].as_i64().unwrap_or(-1));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

async fn serve_with_workers(engine: Arc<Engine>, ca: &TestCa) -> gradsign_server::RunningServer {
    let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), Some(ca.files.clone()));
    config.clock = Arc::new(|| NOW);
    config.workers_every = Some(Duration::from_millis(150));
    gradsign_server::start(engine, config).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_files_sessions_and_deliver_every_message_once() {
    let db = fresh_postgres().await;
    let (a, _files_a) = engine_on(&db).await;
    let (b, _files_b) = engine_on(&db).await;
    a.create_demo(NOW - 3600).await.unwrap();
    let (gateway_url, received) = gateway().await;
    let admin = a.school_admin(&Actor::system(), None).await.unwrap();
    a.set_gateway(
        &admin,
        Some(&GatewayConfig {
            url: gateway_url,
            token: "gateway-token".into(),
            sms_template: "SMS_1".into(),
            wechat_template: "WX_1".into(),
        }),
        NOW,
    )
    .await
    .unwrap();

    let ca = test_ca("school");
    let server_a = serve_with_workers(a.clone(), &ca).await;
    let server_b = serve_with_workers(b.clone(), &ca).await;
    let client = client(&ca.ca_pem);

    // A session opened on A is good on B.
    let employer = sign_in(&client, &server_a, "employer01").await;
    let (s, _) = call(
        &client,
        &server_b,
        Some(&employer),
        "employer_profile",
        Value::Null,
    )
    .await;
    assert_eq!(s, 200);

    // A licence streamed into A, used in a request to A, downloads through B.
    let staged: Value = client
        .post(format!(
            "{}/api/v1/uploads?name=licence.png",
            server_a.url()
        ))
        .bearer_auth(&employer)
        .header("content-type", "image/png")
        .body(gradsign_engine::demo::BLANK_PNG.to_vec())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (s, body) = call(
        &client,
        &server_a,
        Some(&employer),
        "employer_replace_licence",
        json!({ "name": "licence.png", "uploadId": staged["id"] }),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    let download = |server: &gradsign_server::RunningServer| {
        client
            .post(format!("{}/api/v1/employer_licence", server.url()))
            .bearer_auth(&employer)
            .send()
    };
    let via_a = download(&server_a).await.unwrap().bytes().await.unwrap();
    let via_b = download(&server_b).await.unwrap();
    assert_eq!(via_b.status(), 200);
    let via_b = via_b.bytes().await.unwrap();
    assert!(
        via_b.len() > 100 && via_b == via_a,
        "the same file through both servers"
    );
    assert!(via_b.starts_with(&[0xff, 0xd8]), "a compressed JPEG");

    // The school fixes six graduates' phone numbers, through both servers while their workers
    // run: each fix sends an SMS and a WeChat message through the outbox (R-NOTE-02).
    let school_admin = sign_in(&client, &server_b, "admin").await;
    let (s, rows) = call(
        &client,
        &server_a,
        Some(&school_admin),
        "admin_graduates",
        json!({ "cohort": 2026, "departmentId": null, "major": null, "educationLevel": null, "text": null }),
    )
    .await;
    assert_eq!(s, 200, "{rows}");
    for (n, row) in rows.as_array().unwrap().iter().take(6).enumerate() {
        let server = if n % 2 == 0 { &server_a } else { &server_b };
        let fix = json!({
            "name": null, "gender": null, "idNumber": null, "educationLevel": null, "major": null,
            "departmentId": null, "trainingMode": null, "directedUnit": null, "origin": null,
            "phone": format!("1391234560{n}"), "email": null
        });
        let (s, body) = call(
            &client,
            server,
            Some(&school_admin),
            "admin_fix_graduate",
            json!({ "id": row["id"], "version": row["version"], "fix": fix }),
        )
        .await;
        assert_eq!(s, 200, "{body}");
    }

    // Both servers' workers deliver the outbox until nothing is due.
    let mut outbox = vec![];
    for _ in 0..200 {
        let (s, body) = call(
            &client,
            &server_b,
            Some(&school_admin),
            "admin_outbox",
            Value::Null,
        )
        .await;
        assert_eq!(s, 200);
        outbox = body.as_array().unwrap().clone();
        if outbox.iter().all(|m| m["status"] == "sent") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(outbox.len() >= 12, "two messages per fix: {outbox:?}");
    assert!(
        outbox.iter().all(|m| m["status"] == "sent"),
        "every message sent: {outbox:?}"
    );
    // Let a few more rounds of both workers pass: nothing is sent again.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let mut deliveries: BTreeMap<i64, usize> = BTreeMap::new();
    for id in received.lock().unwrap().iter() {
        *deliveries.entry(*id).or_default() += 1;
    }
    let sent: BTreeMap<i64, usize> = outbox
        .iter()
        .map(|m| (m["id"].as_i64().unwrap(), 1))
        .collect();
    assert_eq!(
        deliveries, sent,
        "each message reached the gateway exactly once"
    );
    server_a.shutdown().await.unwrap();
    server_b.shutdown().await.unwrap();
}
