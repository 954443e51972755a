//! The desktop's side of a school's server: a real `gradsign serve` (crates/server) over TLS on
//! 127.0.0.1 with a test CA, on the test PostgreSQL, reached as a desktop reaches it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../server/tests/support/mod.rs"]
mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use base64::Engine as _;
use gradsign_api::{ErrorCode, Reply};
use gradsign_remote::{SchoolServer, Trust};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use support::*;

fn school_ca(ca: &TestCa) -> Trust {
    Trust::SchoolCa {
        pem: ca.ca_pem.clone(),
    }
}

/// SHA-256 of the server certificate's DER, read from the PEM file the server uses.
fn expected_fingerprint(ca: &TestCa) -> String {
    let pem = std::fs::read_to_string(&ca.files.cert).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn json_of(reply: Reply) -> Value {
    reply.into_json().unwrap()
}

/// Before anyone signs in, the desktop shows whose server it reached: the school's name and the
/// certificate's fingerprint; then every operation runs with the session's token, a refusal is
/// the server's own error shape, an upload streams with its progress, and a keyed retry is
/// applied once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_school_is_named_before_sign_in_and_the_catalog_runs_over_https() {
    let (engine, _files) = demo_on_postgres().await;
    let ca = test_ca("school");
    let server = serve(engine.clone(), &ca).await;
    let remote = SchoolServer::new(
        &format!("127.0.0.1:{}", server.addr.port()),
        &school_ca(&ca),
    )
    .unwrap();
    let id = remote.identify().await.unwrap();
    assert_eq!(id.school_name, engine.school_name().await.unwrap());
    assert!(id.school_name.is_some());
    assert_eq!(id.fingerprint, expected_fingerprint(&ca));
    assert_eq!(id.url, server.url());

    let opened = json_of(
        remote
            .call(
                None,
                "session_open",
                &json!({"username": "admin", "password": gradsign_engine::demo::DEMO_PASSWORD}),
                None,
            )
            .await
            .unwrap(),
    );
    let token = opened["token"].as_str().unwrap();
    let departments = |reply: Reply| json_of(reply).as_array().unwrap().len();
    let before = departments(
        remote
            .call(Some(token), "admin_departments", &Value::Null, None)
            .await
            .unwrap(),
    );

    // A refusal arrives as the server's error shape, code and both languages.
    let e = remote
        .call(
            Some("not-a-session"),
            "admin_departments",
            &Value::Null,
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    assert!(!e.message.zh.is_empty() && !e.message.en.is_empty());
    let e = remote
        .call(
            Some(token),
            "admin_department_add",
            &json!({"name": ""}),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.details["field"].as_str()),
        (ErrorCode::Validation, Some("department"))
    );

    // A keyed request sent twice (an answer lost on the way) is applied once.
    let add = json!({"name": "远程学院"});
    let first = remote
        .call(
            Some(token),
            "admin_department_add",
            &add,
            Some("remote-add-1"),
        )
        .await
        .unwrap();
    let again = remote
        .call(
            Some(token),
            "admin_department_add",
            &add,
            Some("remote-add-1"),
        )
        .await
        .unwrap();
    assert_eq!(first, again, "the retry answers the first answer");
    let after = departments(
        remote
            .call(Some(token), "admin_departments", &Value::Null, None)
            .await
            .unwrap(),
    );
    assert_eq!(after, before + 1);

    // An upload streams in chunks with its progress, up to its whole size.
    let photo: Vec<u8> = gradsign_engine::demo::BLANK_PNG.to_vec();
    let seen = Arc::new(AtomicU64::new(0));
    let calls = Arc::new(AtomicU64::new(0));
    let (s, c) = (seen.clone(), calls.clone());
    let staged = remote
        .upload(
            token,
            "licence.png",
            "image/png",
            photo.clone(),
            None,
            move |sent, total| {
                assert!(sent <= total);
                s.store(sent, Ordering::SeqCst);
                c.fetch_add(1, Ordering::SeqCst);
            },
        )
        .await
        .unwrap();
    assert_eq!(seen.load(Ordering::SeqCst), photo.len() as u64);
    assert!(calls.load(Ordering::SeqCst) >= 1);
    assert_eq!(staged.id.len(), 64, "a 256-bit id in hex");
    // A non-image is the server's refusal, read back in the one shape.
    let e = remote
        .upload(
            token,
            "notes.txt",
            "text/plain",
            b"hello".to_vec(),
            None,
            |_, _| {},
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::UnsupportedMedia);
    // A stamped page (R-OFFSIGN-04) is staged with its purpose; an unknown purpose is refused.
    let page = remote
        .upload(
            token,
            "盖章页.png",
            "image/png",
            photo.clone(),
            Some("stamped_page"),
            |_, _| {},
        )
        .await
        .unwrap();
    assert_eq!(page.id.len(), 64);
    let e = remote
        .upload(
            token,
            "p.png",
            "image/png",
            photo.clone(),
            Some("poster"),
            |_, _| {},
        )
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.details["field"].as_str()),
        (ErrorCode::Validation, Some("purpose"))
    );

    // The server gone: the desktop says it cannot reach it, naming the server.
    server.shutdown().await.unwrap();
    let e = remote
        .call(Some(token), "admin_departments", &Value::Null, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unavailable, "{e:?}");
    assert!(e.message.en.contains("127.0.0.1"), "{}", e.message.en);
}

/// A certificate the desktop does not trust is refused before anything is sent, with a message
/// that names the problem: another CA's, the system's roots for a school CA's certificate, a
/// CA file that is no certificate; nothing answering is `unavailable`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_certificate_or_no_server_is_refused_with_the_reason() {
    let (engine, _files) = demo_on_postgres().await;
    let ca = test_ca("school");
    let server = serve(engine, &ca).await;
    let address = format!("https://127.0.0.1:{}", server.addr.port());

    let other = test_ca("another school");
    for trust in [school_ca(&other), Trust::SystemRoots] {
        let e = SchoolServer::new(&address, &trust)
            .unwrap()
            .identify()
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::UntrustedServer, "{trust:?}: {e:?}");
        assert_eq!(e.details["field"], "ca");
        assert!(e.message.zh.contains("证书不受信任"), "{}", e.message.zh);
        assert!(
            e.message.en.contains("issued by a CA that is not trusted"),
            "{}",
            e.message.en
        );
    }

    let e = SchoolServer::new(
        &address,
        &Trust::SchoolCa {
            pem: "not a certificate".into(),
        },
    )
    .unwrap_err();
    assert_eq!(
        (e.code, e.details["field"].as_str()),
        (ErrorCode::Validation, Some("ca"))
    );

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    // Made while nothing answers (a desktop starting with its server down), refused on use.
    let down = SchoolServer::new(&format!("127.0.0.1:{port}"), &school_ca(&ca)).unwrap();
    let e = down.identify().await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Unavailable);
    assert!(
        e.message.zh.contains("无法连接学校服务器"),
        "{}",
        e.message.zh
    );
}

/// A server restarting while the desktop sends: `run` sends again with the same key until the
/// server answers, and the request is applied once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_sent_while_the_server_restarts_goes_through_once() {
    let (engine, _files) = demo_on_postgres().await;
    let ca = test_ca("school");
    let first = serve(engine.clone(), &ca).await;
    let addr = first.addr;
    let remote = SchoolServer::new(&format!("127.0.0.1:{}", addr.port()), &school_ca(&ca)).unwrap();
    let opened = json_of(
        remote
            .run(
                None,
                "session_open",
                &json!({"username": "admin", "password": gradsign_engine::demo::DEMO_PASSWORD}),
                None,
            )
            .await
            .unwrap(),
    );
    let token = opened["token"].as_str().unwrap().to_string();
    let count = || async {
        json_of(
            remote
                .run(Some(&token), "admin_departments", &Value::Null, None)
                .await
                .unwrap(),
        )
        .as_array()
        .unwrap()
        .len()
    };
    let before = count().await;
    first.shutdown().await.unwrap();

    // The server comes back on the same address a little later.
    let files = ca.files.clone();
    let back = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        let mut config = gradsign_server::ServerConfig::new(addr, Some(files));
        config.clock = Arc::new(|| NOW);
        config.workers_every = None;
        gradsign_server::start(engine, config).await.unwrap()
    });
    let added = remote
        .run(
            Some(&token),
            "admin_department_add",
            &json!({"name": "重启学院"}),
            None,
        )
        .await
        .unwrap();
    assert_eq!(json_of(added)["name"], "重启学院");
    let _server = back.await.unwrap();
    assert_eq!(count().await, before + 1, "applied once");
}

/// The message stream as a desktop reads it (R-SERVER-06): where the messages stand first, a
/// new one within seconds of its commit, an ended session refused in the one error shape, and
/// the end of the stream when the server stops. The window's own key, sent twice, applies once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_message_stream_tells_new_messages_and_ends_with_the_server() {
    use gradsign_remote::ServerEvent;
    let (engine, _files) = demo_on_postgres().await;
    let ca = test_ca("school");
    let server = serve(engine.clone(), &ca).await;
    let remote = SchoolServer::new(
        &format!("127.0.0.1:{}", server.addr.port()),
        &school_ca(&ca),
    )
    .unwrap();
    let sign_in = |login: &'static str| {
        let remote = remote.clone();
        async move {
            let opened = remote
                .run(
                    None,
                    "session_open",
                    &json!({"username": login, "password": gradsign_engine::demo::DEMO_PASSWORD}),
                    None,
                )
                .await
                .unwrap();
            json_of(opened)["token"].as_str().unwrap().to_string()
        }
    };
    let employer = sign_in("employer03").await;
    let graduate = sign_in("2026000002").await;

    let refused = remote.events("not-a-token").await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::Unauthenticated);

    let mut stream = remote.events(&employer).await.unwrap();
    let wait = std::time::Duration::from_secs(5);
    let Some(ServerEvent::Messages(before)) = tokio::time::timeout(wait, stream.next())
        .await
        .unwrap()
        .unwrap()
    else {
        panic!("the first event is where the messages stand");
    };
    let items = json_of(
        remote
            .run(Some(&employer), "employer_items", &Value::Null, None)
            .await
            .unwrap(),
    );
    let invitation = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["studentNumber"] == "2026000002" && i["state"] == "pending")
        .unwrap()["id"]
        .clone();
    // The window sends its key; sent again (the banner's retry), the same answer, applied once.
    for _ in 0..2 {
        remote
            .run(
                Some(&graduate),
                "graduate_reject_invitation",
                &json!({ "id": invitation }),
                Some("window-key-0001"),
            )
            .await
            .unwrap();
    }
    let Some(ServerEvent::Messages(after)) = tokio::time::timeout(wait, stream.next())
        .await
        .unwrap()
        .unwrap()
    else {
        panic!("a messages event");
    };
    assert_eq!(after.unread, before.unread + 1, "one answer, one message");
    assert!(after.newest > before.newest);

    server.shutdown().await.unwrap();
    let ended = tokio::time::timeout(wait, stream.next()).await.unwrap();
    assert!(
        matches!(ended, Ok(None) | Err(_)),
        "the stream ends with the server: {ended:?}"
    );
}
