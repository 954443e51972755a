//! The store refuses a database written by a newer version and migrates an older one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use gradsign_engine::store::{Store, SCHEMA_VERSION};
use gradsign_engine::*;

async fn store_refuses_a_newer_schema(backend: Backend) {
    let (db, _dir) = fresh_db(backend).await;
    let files = tempfile::tempdir().unwrap();
    let engine = Engine::open(&db, files.path()).await.unwrap();
    assert_eq!(
        engine.store().schema_version().await.unwrap(),
        SCHEMA_VERSION
    );
    engine.store().close().await;
    let store = Store::connect(&db, 1).await.unwrap();
    let mut c = store.read().await.unwrap();
    sqlx::query("INSERT INTO schema_version (version) VALUES ($1)")
        .bind(SCHEMA_VERSION + 1)
        .execute(&mut *c)
        .await
        .unwrap();
    drop(c);
    store.close().await;
    let e = Engine::open(&db, files.path()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::SchemaTooNew);
    assert!(e.message.zh.contains("升级"));
}

mod sqlite {
    #[tokio::test]
    async fn store_refuses_a_newer_schema() {
        super::store_refuses_a_newer_schema(super::Backend::Sqlite).await
    }
}

mod postgres {
    #[tokio::test]
    async fn store_refuses_a_newer_schema() {
        super::store_refuses_a_newer_schema(super::Backend::Postgres).await
    }
}
