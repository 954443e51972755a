//! The store refuses a database written by a newer version and migrates an older one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
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

/// A newer build records its migrations for the Migrator only: one unknown to this build is
/// refused the same way (R-BACKUP-01), before anything is written.
async fn store_refuses_a_newer_migrators_schema(backend: Backend) {
    let (db, _dir) = fresh_db(backend).await;
    let files = tempfile::tempdir().unwrap();
    Engine::open(&db, files.path())
        .await
        .unwrap()
        .store()
        .close()
        .await;
    let store = Store::connect(&db, 1).await.unwrap();
    let mut c = store.read().await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ($1, 'later', TRUE, $2, 0)",
    )
    .bind(SCHEMA_VERSION + 1)
    .bind(vec![0u8; 48])
    .execute(&mut *c)
    .await
    .unwrap();
    drop(c);
    let before = migration_rows(&store).await;
    let e = Engine::open(&db, files.path()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::SchemaTooNew);
    assert!(e
        .message
        .en
        .contains(&format!("schema {}", SCHEMA_VERSION + 1)));
    assert_eq!(migration_rows(&store).await, before);
    store.close().await;
}

/// The old runner's bookkeeping, as GradSign up to schema 3 created it.
const LEGACY_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)";

/// The migrations the old runner knew, applied its way: each file, then its `schema_version` row.
async fn legacy_database(backend: Backend) -> (String, Option<tempfile::TempDir>) {
    let (db, dir) = fresh_db(backend).await;
    let store = Store::connect(&db, 1).await.unwrap();
    let files: [(i64, &str, &str); 3] = [
        (
            1,
            include_str!("../../../migrations/sqlite/0001_init.sql"),
            include_str!("../../../migrations/postgres/0001_init.sql"),
        ),
        (
            2,
            include_str!("../../../migrations/sqlite/0002_queue_indexes.sql"),
            include_str!("../../../migrations/postgres/0002_queue_indexes.sql"),
        ),
        (
            3,
            include_str!("../../../migrations/sqlite/0003_throttles.sql"),
            include_str!("../../../migrations/postgres/0003_throttles.sql"),
        ),
    ];
    let mut c = store.read().await.unwrap();
    sqlx::Executor::execute(&mut *c, LEGACY_TABLE)
        .await
        .unwrap();
    for (version, sqlite, postgres) in files {
        let sql = if backend == Backend::Sqlite {
            sqlite
        } else {
            postgres
        };
        sqlx::Executor::execute(&mut *c, sql).await.unwrap();
        sqlx::query("INSERT INTO schema_version (version) VALUES ($1)")
            .bind(version)
            .execute(&mut *c)
            .await
            .unwrap();
    }
    sqlx::query("INSERT INTO settings (key, value) VALUES ('kept', 'from the old runner')")
        .execute(&mut *c)
        .await
        .unwrap();
    drop(c);
    store.close().await;
    (db, dir)
}

/// `_sqlx_migrations` as (version, checksum hex, success), in order.
async fn migration_rows(store: &Store) -> Vec<(i64, String, bool)> {
    let mut c = store.read().await.unwrap();
    sqlx::query(
        "SELECT version, checksum, CASE WHEN success = TRUE THEN 1 ELSE 0 END AS ok FROM _sqlx_migrations ORDER BY version",
    )
    .fetch_all(&mut *c)
    .await
    .unwrap()
    .iter()
    .map(|r| {
        let sum: Vec<u8> = sqlx::Row::get(r, "checksum");
        let ok: i32 = sqlx::Row::get(r, "ok");
        (sqlx::Row::get(r, "version"), hex::encode(sum), ok == 1)
    })
    .collect()
}

/// The `.sql` files of the backend's migrations folder, as `(version, SHA-384 hex)`.
fn migration_files(backend: Backend) -> Vec<(i64, String)> {
    use sha2::Digest;
    let folder = if backend == Backend::Sqlite {
        "sqlite"
    } else {
        "postgres"
    };
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../migrations/{folder}"));
    let mut out: Vec<(i64, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .map(|p| {
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            let version: i64 = name.split('_').next().unwrap().parse().unwrap();
            let sum = sha2::Sha384::digest(std::fs::read(&p).unwrap());
            (version, hex::encode(sum))
        })
        .collect();
    out.sort();
    out
}

/// R-MIGRATE-01 (docs/rules.md): a database the old runner wrote (`schema_version` rows only) is
/// adopted: its versions are recorded for the Migrator with their files' checksums, the newer
/// migrations are applied, its rows are kept, and it opens again afterwards (checksums right).
async fn r_migrate_01_a_database_of_the_old_runner_is_adopted(backend: Backend) {
    let (db, _dir) = legacy_database(backend).await;
    let files = tempfile::tempdir().unwrap();
    let engine = Engine::open(&db, files.path()).await.unwrap();
    assert_eq!(
        engine.store().schema_version().await.unwrap(),
        SCHEMA_VERSION
    );
    let rows = migration_rows(engine.store()).await;
    let expected: Vec<(i64, String, bool)> = migration_files(backend)
        .into_iter()
        .map(|(v, sum)| (v, sum, true))
        .collect();
    assert_eq!(
        rows, expected,
        "every migration recorded once, with its file's checksum"
    );
    let mut c = engine.store().read().await.unwrap();
    let kept: String = sqlx::Row::get(
        &sqlx::query("SELECT value FROM settings WHERE key = 'kept'")
            .fetch_one(&mut *c)
            .await
            .unwrap(),
        "value",
    );
    assert_eq!(kept, "from the old runner");
    drop(c);
    engine.store().close().await;
    let again = Engine::open(&db, files.path()).await.unwrap();
    assert_eq!(migration_rows(again.store()).await, expected);
    again.store().close().await;
}

/// R-MIGRATE-01: a migration file changed after it was applied (its stored checksum differs) is
/// refused at open, naming the migration in both languages; nothing is written.
async fn r_migrate_01_a_changed_migration_refuses_the_open(backend: Backend) {
    let (db, _dir) = fresh_db(backend).await;
    let files = tempfile::tempdir().unwrap();
    Engine::open(&db, files.path())
        .await
        .unwrap()
        .store()
        .close()
        .await;
    let store = Store::connect(&db, 1).await.unwrap();
    let mut c = store.read().await.unwrap();
    sqlx::query("UPDATE _sqlx_migrations SET checksum = $1 WHERE version = 1")
        .bind(vec![7u8; 48])
        .execute(&mut *c)
        .await
        .unwrap();
    let legacy: i64 = sqlx::Row::get(
        &sqlx::query("SELECT COUNT(*) AS n FROM schema_version")
            .fetch_one(&mut *c)
            .await
            .unwrap(),
        "n",
    );
    drop(c);
    let before = migration_rows(&store).await;
    let e = Engine::open(&db, files.path()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Internal);
    assert!(e.message.zh.contains("0001_init"), "{}", e.message.zh);
    assert!(e.message.en.contains("0001_init"), "{}", e.message.en);
    assert!(e.message.en.contains("checksum"), "{}", e.message.en);
    assert_eq!(e.details["migration"], "0001_init");
    assert_eq!(migration_rows(&store).await, before, "nothing written");
    let mut c = store.read().await.unwrap();
    let after: i64 = sqlx::Row::get(
        &sqlx::query("SELECT COUNT(*) AS n FROM schema_version")
            .fetch_one(&mut *c)
            .await
            .unwrap(),
        "n",
    );
    assert_eq!(after, legacy);
    drop(c);
    // Every later open is refused the same way, until the right build opens it.
    let e = Engine::open(&db, files.path()).await.unwrap_err();
    assert_eq!(e.details["migration"], "0001_init");
    store.close().await;
}

/// R-MIGRATE-01: four engines opening one fresh PostgreSQL database at the same moment migrate it
/// once (the Migrator's advisory lock): all four open, every migration is recorded once, and the
/// old runner's table (kept for older builds, no key of its own) has each version once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r_migrate_01_four_engines_migrate_a_fresh_postgres_database_once() {
    let (db, _dir) = fresh_db(Backend::Postgres).await;
    let files = tempfile::tempdir().unwrap();
    let opens: Vec<_> = (0..4)
        .map(|_| {
            let db = db.clone();
            let files = files.path().to_path_buf();
            tokio::spawn(async move { Engine::open(&db, files).await })
        })
        .collect();
    let mut engines = Vec::new();
    for o in opens {
        engines.push(o.await.unwrap().unwrap());
    }
    let expected: Vec<(i64, String, bool)> = migration_files(Backend::Postgres)
        .into_iter()
        .map(|(v, sum)| (v, sum, true))
        .collect();
    assert_eq!(migration_rows(engines[0].store()).await, expected);
    let mut c = engines[0].store().read().await.unwrap();
    let legacy: Vec<i64> = sqlx::query("SELECT version FROM schema_version ORDER BY version")
        .fetch_all(&mut *c)
        .await
        .unwrap()
        .iter()
        .map(|r| sqlx::Row::get(r, "version"))
        .collect();
    let versions: Vec<i64> = expected.iter().map(|e| e.0).collect();
    assert_eq!(legacy, versions, "each version mirrored once");
    drop(c);
    for e in &engines {
        assert_eq!(e.store().schema_version().await.unwrap(), SCHEMA_VERSION);
        assert!(e.is_empty().await.unwrap(), "the schema is there");
        e.store().close().await;
    }
}

mod sqlite {
    #[tokio::test]
    async fn store_refuses_a_newer_schema() {
        super::store_refuses_a_newer_schema(super::Backend::Sqlite).await
    }
    #[tokio::test]
    async fn store_refuses_a_newer_migrators_schema() {
        super::store_refuses_a_newer_migrators_schema(super::Backend::Sqlite).await
    }
    #[tokio::test]
    async fn r_migrate_01_a_database_of_the_old_runner_is_adopted() {
        super::r_migrate_01_a_database_of_the_old_runner_is_adopted(super::Backend::Sqlite).await
    }
    #[tokio::test]
    async fn r_migrate_01_a_changed_migration_refuses_the_open() {
        super::r_migrate_01_a_changed_migration_refuses_the_open(super::Backend::Sqlite).await
    }
}

mod postgres {
    #[tokio::test]
    async fn store_refuses_a_newer_schema() {
        super::store_refuses_a_newer_schema(super::Backend::Postgres).await
    }
    #[tokio::test]
    async fn store_refuses_a_newer_migrators_schema() {
        super::store_refuses_a_newer_migrators_schema(super::Backend::Postgres).await
    }
    #[tokio::test]
    async fn r_migrate_01_a_database_of_the_old_runner_is_adopted() {
        super::r_migrate_01_a_database_of_the_old_runner_is_adopted(super::Backend::Postgres).await
    }
    #[tokio::test]
    async fn r_migrate_01_a_changed_migration_refuses_the_open() {
        super::r_migrate_01_a_changed_migration_refuses_the_open(super::Backend::Postgres).await
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
    {
        let mut c = store.read().await.unwrap();
        sqlx::Executor::execute(&mut *c, LEGACY_TABLE)
            .await
            .unwrap();
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
