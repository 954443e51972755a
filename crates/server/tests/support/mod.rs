//! What the server's tests share: a test certificate authority and a server certificate for
//! 127.0.0.1, a fresh PostgreSQL database (the throwaway cluster scripts/test.sh starts), a
//! server started on a free port, and an HTTPS client that trusts only the test CA.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use gradsign_engine::{Engine, EngineOptions, Timestamp};
use gradsign_server::{RunningServer, ServerConfig, TlsFiles};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use serde_json::Value;

/// A certificate authority of the test, and a server certificate it signed for 127.0.0.1 and
/// localhost, as PEM files in a folder that lives as long as this value.
pub struct TestCa {
    pub ca_pem: String,
    pub files: TlsFiles,
    _dir: tempfile::TempDir,
}

pub fn test_ca(name: &str) -> TestCa {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, format!("{name} test CA"));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
    let mut server =
        CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
    server
        .distinguished_name
        .push(DnType::CommonName, "gradsign test server");
    let key = KeyPair::generate().unwrap();
    let cert = server.signed_by(&key, &ca).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert_path, key_path) = (dir.path().join("server.pem"), dir.path().join("server.key"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    TestCa {
        ca_pem: ca.pem(),
        files: TlsFiles {
            cert: cert_path,
            key: key_path,
        },
        _dir: dir,
    }
}

/// An HTTPS client that trusts the given CA only (not the system's roots).
pub fn client(ca_pem: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap())
        .build()
        .unwrap()
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh, empty database on the test cluster (GRADSIGN_TEST_PG, set by scripts/test.sh).
pub async fn fresh_postgres() -> String {
    let admin = std::env::var("GRADSIGN_TEST_PG").expect(
        "GRADSIGN_TEST_PG is not set: run the tests through scripts/test.sh, which starts a PostgreSQL server",
    );
    let name = format!(
        "srv_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
        .await
        .unwrap();
    sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let base = admin.rsplit_once('/').unwrap().0;
    format!("{base}/{name}")
}

/// An engine on `db` as a server process opens it (its own files folder, in the guard), as
/// each of several servers on one database does.
pub async fn engine_on(db: &str) -> (Arc<Engine>, tempfile::TempDir) {
    let files = tempfile::tempdir().unwrap();
    let engine = Engine::open_with(
        db,
        files.path(),
        EngineOptions {
            max_connections: 8,
            ..EngineOptions::default()
        },
    )
    .await
    .unwrap();
    (Arc::new(engine), files)
}

/// The clock of the demo school's tests.
pub const NOW: Timestamp = 1_780_000_000;

/// The demo school on a fresh PostgreSQL database, its files in a folder of the guard.
pub async fn demo_on_postgres() -> (Arc<Engine>, tempfile::TempDir) {
    let (engine, files) = engine_on(&fresh_postgres().await).await;
    engine.create_demo(NOW - 3600).await.unwrap();
    (engine, files)
}

/// A server for `engine` with TLS from `ca` on a free port of 127.0.0.1, at the fixed clock, with
/// no workers (a test runs them when it means to).
pub async fn serve(engine: Arc<Engine>, ca: &TestCa) -> RunningServer {
    let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), Some(ca.files.clone()));
    config.clock = Arc::new(|| NOW);
    config.workers_every = None;
    gradsign_server::start(engine, config).await.unwrap()
}

/// One operation over HTTP: its status and JSON body.
pub async fn call(
    client: &reqwest::Client,
    server: &RunningServer,
    token: Option<&str>,
    operation: &str,
    request: Value,
) -> (u16, Value) {
    let mut r = client
        .post(format!("{}/api/v1/{operation}", server.url()))
        .json(&request);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let response = r.send().await.unwrap();
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap();
    let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    (status, value)
}

/// Signs in a demo account over HTTP and returns its session token.
pub async fn sign_in(client: &reqwest::Client, server: &RunningServer, login: &str) -> String {
    let (status, body) = call(
        client,
        server,
        None,
        "session_open",
        serde_json::json!({ "username": login, "password": gradsign_engine::demo::DEMO_PASSWORD }),
    )
    .await;
    assert_eq!(status, 200, "sign-in of {login}: {body}");
    body["token"].as_str().unwrap().to_string()
}

pub fn tmp_path(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}
