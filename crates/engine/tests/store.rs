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

/// R-BACKUP-01 (docs/rules.md): an existing SQLite database is copied whole before a migration
/// changes it; the copy still has the old schema and the old rows, the original is migrated.
#[tokio::test]
async fn r_backup_01_sqlite_is_copied_before_migrating() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gradsign.sqlite3");
    let db = db.to_str().unwrap();
    let backups = dir.path().join("backups");
    // A database at schema 1, as an older GradSign left it, with one school row.
    let store = Store::connect(db, 1).await.unwrap();
    store.schema_version().await.unwrap();
    {
        let mut c = store.read().await.unwrap();
        sqlx::Executor::execute(
            &mut *c,
            include_str!("../../../migrations/sqlite/0001_init.sql"),
        )
        .await
        .unwrap();
        sqlx::query("INSERT INTO schema_version (version) VALUES (1)")
            .execute(&mut *c)
            .await
            .unwrap();
    }
    store.close().await;
    let opts = || EngineOptions {
        backup_dir: Some(backups.clone()),
        ..EngineOptions::default()
    };
    let engine = Engine::open_with(db, dir.path().join("files"), opts())
        .await
        .unwrap();
    assert_eq!(
        engine.store().schema_version().await.unwrap(),
        SCHEMA_VERSION
    );
    engine.store().close().await;
    let copy = backups.join("gradsign-schema1.sqlite3");
    assert!(copy.is_file(), "no backup at {}", copy.display());
    let old = Store::connect(copy.to_str().unwrap(), 1).await.unwrap();
    assert_eq!(old.schema_version().await.unwrap(), 1);
    old.close().await;
    // Nothing pending: opening again writes no second copy.
    let engine = Engine::open_with(db, dir.path().join("files"), opts())
        .await
        .unwrap();
    engine.store().close().await;
    let copies = std::fs::read_dir(&backups).unwrap().count();
    assert_eq!(copies, 1, "a database already migrated is not copied again");
}

/// A new database has nothing to lose: no copy is written.
#[tokio::test]
async fn a_new_database_is_not_copied() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gradsign.sqlite3");
    let backups = dir.path().join("backups");
    let engine = Engine::open_with(
        db.to_str().unwrap(),
        dir.path().join("files"),
        EngineOptions {
            backup_dir: Some(backups.clone()),
            ..EngineOptions::default()
        },
    )
    .await
    .unwrap();
    engine.store().close().await;
    assert!(!backups.exists() || std::fs::read_dir(&backups).unwrap().count() == 0);
}

/// `vacuum_into` refuses to overwrite, and leaves no partial file when the folder is missing.
#[tokio::test]
async fn vacuum_into_refuses_an_existing_file_and_leaves_nothing_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gradsign.sqlite3");
    let engine = Engine::open(db.to_str().unwrap(), dir.path().join("files"))
        .await
        .unwrap();
    let out = dir.path().join("copy.sqlite3");
    engine.store().vacuum_into(&out).await.unwrap();
    let e = engine.store().vacuum_into(&out).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert!(e.message.zh.contains("已存在"), "{}", e.message.zh);
    let missing = dir.path().join("no-such-folder").join("copy.sqlite3");
    let e = engine.store().vacuum_into(&missing).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Internal);
    assert!(!missing.with_extension("partial").exists());
    engine.store().close().await;
}
