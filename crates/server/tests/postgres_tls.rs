//! The school's database over TLS: the engine connects to PostgreSQL with `sslmode=require`, and
//! with `sslmode=verify-full` against the CA the school names, refusing a server whose certificate
//! another CA signed (scripts/pg.sh starts the test cluster with TLS, GRADSIGN_TEST_PG_CA).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use gradsign_engine::{Engine, EngineOptions};
use sqlx::Row;

async fn open(url: &str) -> gradsign_engine::Result<Engine> {
    let files = tempfile::tempdir().unwrap();
    Engine::open_with(
        url,
        files.path(),
        EngineOptions {
            max_connections: 2,
            ..EngineOptions::default()
        },
    )
    .await
}

async fn over_tls(engine: &Engine) -> bool {
    sqlx::query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(engine.store().pool())
        .await
        .unwrap()
        .try_get::<bool, _>("ssl")
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_speaks_tls_to_postgresql_and_checks_the_schools_ca() {
    let ca = std::env::var("GRADSIGN_TEST_PG_CA").expect(
        "GRADSIGN_TEST_PG_CA is not set: run the tests through scripts/test.sh (scripts/pg.sh)",
    );
    let db = support::fresh_postgres().await;
    let required = open(&format!("{db}?sslmode=require")).await.unwrap();
    assert!(
        over_tls(&required).await,
        "sslmode=require connects over TLS"
    );
    required.store().close().await;

    let verified = open(&format!("{db}?sslmode=verify-full&sslrootcert={ca}"))
        .await
        .unwrap();
    assert!(over_tls(&verified).await);
    verified.store().close().await;

    let dir = tempfile::tempdir().unwrap();
    let stranger = dir.path().join("other-ca.pem");
    std::fs::write(&stranger, support::test_ca("another").ca_pem).unwrap();
    let refused = open(&format!(
        "{db}?sslmode=verify-full&sslrootcert={}",
        stranger.display()
    ))
    .await
    .unwrap_err();
    assert_eq!(refused.code, gradsign_engine::ErrorCode::Internal);
    assert!(refused.message.en.contains("database"), "{refused:?}");
}
