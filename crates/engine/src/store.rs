//! The store: one code path over SQLite and PostgreSQL through sqlx's `Any` driver with `$n` binds.
//! Write transactions begin IMMEDIATE on SQLite (a deferred transaction that later writes gets
//! SQLITE_BUSY without busy_timeout applying, which would break R-REV-02).

use crate::error::{DomainError, ErrorCode, Result};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migrate, MigrateError, Migration, Migrator};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor, Row};
use std::borrow::Cow;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Schema migrations, embedded from `migrations/sqlite` and `migrations/postgres` (same numbers,
/// same meaning) and applied by sqlx's Migrator, which records each in `_sqlx_migrations` with the
/// SHA-384 of its file.
const SQLITE_MIGRATIONS: &Migrator = &sqlx_macros::migrate!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: &Migrator = &sqlx_macros::migrate!("../../migrations/postgres");

/// The newest schema version this build knows: the highest migration number.
pub const SCHEMA_VERSION: i64 = newest_version(SQLITE_MIGRATIONS);

// Both folders hold the same migration numbers, so a schema version means one thing everywhere.
const _: () = assert!(
    same_versions(SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS),
    "migrations/sqlite and migrations/postgres must hold the same migration numbers"
);

const fn migrations_of(m: &Migrator) -> &[Migration] {
    match &m.migrations {
        Cow::Borrowed(list) => list,
        // migrate! always borrows its embedded list.
        Cow::Owned(_) => &[],
    }
}

const fn newest_version(m: &Migrator) -> i64 {
    let list = migrations_of(m);
    let mut newest = 0;
    let mut i = 0;
    while i < list.len() {
        if list[i].version > newest {
            newest = list[i].version;
        }
        i += 1;
    }
    newest
}

const fn same_versions(a: &Migrator, b: &Migrator) -> bool {
    let (a, b) = (migrations_of(a), migrations_of(b));
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i].version != b[i].version {
            return false;
        }
        i += 1;
    }
    true
}

/// `0003_throttles`: a migration as its file is named, for messages.
fn migration_name(m: &Migration) -> String {
    format!("{:04}_{}", m.version, m.description.replace(' ', "_"))
}

/// A pool plus its backend.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Counts the commits that wrote in-app messages (R-NOTE-01), so a desktop waiting for its
    /// messages hears of a new one at once instead of polling.
    messages: Arc<watch::Sender<u64>>,
    /// The database's address, for PostgreSQL's LISTEN (another server's messages). Never logged:
    /// it may carry the password.
    url: Arc<str>,
    listening: Arc<std::sync::Once>,
}

/// The PostgreSQL channel a commit that wrote messages notifies, so every server of the school
/// wakes its waiting desktops (NOTIFY is delivered at commit, never for a rolled-back write).
const MESSAGES_CHANNEL: &str = "gradsign_messages";

/// Turns `--db` into a sqlx URL: `postgres://…` as is, anything else a SQLite file path.
pub fn database_url(db: &str) -> (String, Backend) {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        (db.to_string(), Backend::Postgres)
    } else if db.starts_with("sqlite:") {
        (db.to_string(), Backend::Sqlite)
    } else {
        let path = std::path::Path::new(db);
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|d| d.join(path))
                .unwrap_or_else(|_| path.to_path_buf())
        };
        (
            format!("sqlite://{}?mode=rwc", abs.display()),
            Backend::Sqlite,
        )
    }
}

impl Store {
    /// Opens (creating a SQLite file if needed) with `max` connections. Does not migrate.
    pub async fn connect(db: &str, max: u32) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let (url, backend) = database_url(db);
        let opts = AnyConnectOptions::from_str(&url)
            .map_err(|_| DomainError::field("db", "数据库地址无效", "Invalid database location"))?;
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(60))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "cannot open database");
                DomainError::new(ErrorCode::Internal, "无法打开数据库", "Cannot open the database").with_details(serde_json::json!({"context": "open"}))
            })?;
        Ok(Store {
            pool,
            backend,
            messages: Arc::new(watch::channel(0).0),
            url: url.into(),
            listening: Arc::new(std::sync::Once::new()),
        })
    }

    /// Changes whenever a commit wrote in-app messages: on this process at once, and on
    /// PostgreSQL also for every other server's commits (LISTEN, started at the first call; on a
    /// lost connection it reconnects and reports a change, as messages may have come meanwhile).
    /// The value itself means nothing; that it changed does.
    pub fn message_changes(&self) -> watch::Receiver<u64> {
        if self.backend == Backend::Postgres {
            self.listening.call_once(|| {
                let signal = Arc::downgrade(&self.messages);
                let url = self.url.clone();
                tokio::spawn(listen_for_messages(url, signal));
            });
        }
        self.messages.subscribe()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    fn migrator(&self) -> &'static Migrator {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        }
    }

    /// The schema version the database holds (0 when empty): the newest migration recorded by the
    /// Migrator (`_sqlx_migrations`) or by GradSign's earlier runner (`schema_version`, which is
    /// still kept so an older GradSign refuses a database this one migrated). Reads only.
    pub async fn schema_version(&self) -> Result<i64> {
        let mut c = self.pool.acquire().await?;
        let mut newest = 0;
        if table_exists(&mut c, self.backend, "_sqlx_migrations").await? {
            let v: Option<i64> =
                sqlx::query("SELECT MAX(version) AS v FROM _sqlx_migrations WHERE success = TRUE")
                    .fetch_one(&mut *c)
                    .await?
                    .try_get("v")?;
            newest = newest.max(v.unwrap_or(0));
        }
        if table_exists(&mut c, self.backend, "schema_version").await? {
            let v: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM schema_version")
                .fetch_one(&mut *c)
                .await?
                .try_get("v")?;
            newest = newest.max(v.unwrap_or(0));
        }
        Ok(newest)
    }

    /// Applies pending migrations through sqlx's Migrator; refuses a database written by a newer
    /// version (R-BACKUP-01) or holding a migration whose file changed after it was applied
    /// (R-MIGRATE-01). On PostgreSQL the whole run holds the Migrator's advisory lock, so engines
    /// opening one database at the same moment migrate it once: the others wait, then find
    /// nothing pending. A database from GradSign's earlier runner (`schema_version` only) is
    /// adopted first: its versions are recorded for the Migrator with their files' checksums.
    pub async fn migrate(&self) -> Result<()> {
        // Its own connection, out of the pool: a failed run may leave the session's advisory lock
        // held, and closing the connection is what releases it.
        let mut conn = self.pool.acquire().await?.detach();
        let result = self.migrate_on(&mut conn).await;
        if result.is_ok() {
            conn.close().await?;
        }
        result
    }

    async fn migrate_on(&self, conn: &mut AnyConnection) -> Result<()> {
        let migrator = self.migrator();
        conn.lock().await.map_err(|e| migrate_failed(&e, None))?;
        let current = self.schema_version().await?;
        if current > SCHEMA_VERSION {
            return Err(schema_too_new(current));
        }
        conn.ensure_migrations_table()
            .await
            .map_err(|e| migrate_failed(&e, None))?;
        let applied = conn
            .list_applied_migrations()
            .await
            .map_err(|e| migrate_failed(&e, None))?;
        // Checked before anything is written: a changed file refuses the open untouched.
        for a in &applied {
            let Some(m) = migrator.iter().find(|m| m.version == a.version) else {
                return Err(schema_too_new(a.version));
            };
            if m.checksum != a.checksum {
                return Err(migration_changed(m));
            }
        }
        if table_exists(conn, self.backend, "schema_version").await? {
            let legacy = sqlx::query("SELECT DISTINCT version FROM schema_version")
                .fetch_all(&mut *conn)
                .await?;
            for r in legacy {
                let version: i64 = r.try_get("version")?;
                if applied.iter().any(|a| a.version == version) {
                    continue;
                }
                let Some(m) = migrator.iter().find(|m| m.version == version) else {
                    return Err(schema_too_new(version));
                };
                sqlx::query(
                    "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                     VALUES ($1, $2, TRUE, $3, -1)",
                )
                .bind(m.version)
                .bind(m.description.to_string())
                .bind(m.checksum.to_vec())
                .execute(&mut *conn)
                .await?;
                tracing::info!(version, "migration of the earlier runner adopted");
            }
        }
        // The Migrator takes the same advisory lock again (it is re-entrant within a session) and
        // releases its own hold; ours is released below. `run_direct` is `run` on a connection
        // we hold (`run` takes an `Acquire`, whose lifetimes keep the open future from being
        // `Send`); sqlx is pinned to 0.8.6 for it.
        migrator.run_direct(&mut *conn).await.map_err(|e| match e {
            MigrateError::VersionMismatch(v) => migrator
                .iter()
                .find(|m| m.version == v)
                .map(migration_changed)
                .unwrap_or_else(|| migrate_failed(&e, Some(v))),
            MigrateError::VersionMissing(v) => schema_too_new(v),
            MigrateError::ExecuteMigration(_, v) | MigrateError::Dirty(v) => {
                migrate_failed(&e, Some(v))
            }
            _ => migrate_failed(&e, None),
        })?;
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
            .await?;
        conn.execute(
            "INSERT INTO schema_version (version) SELECT m.version FROM _sqlx_migrations m \
             WHERE m.success = TRUE AND NOT EXISTS (SELECT 1 FROM schema_version s WHERE s.version = m.version)",
        )
        .await?;
        conn.unlock().await.map_err(|e| migrate_failed(&e, None))?;
        Ok(())
    }

    /// Before a migration would change an existing SQLite database, copies it whole into `dir` as
    /// `gradsign-schema{old}.sqlite3` (then `-1`, `-2` … so no earlier copy is overwritten) with
    /// `VACUUM INTO` (a consistent copy even while other connections read). Returns the copy's
    /// path, or None when nothing is pending (a newer schema included: [`Store::migrate`] refuses
    /// it), the database is new, or the backend is PostgreSQL (its operators use
    /// `gradsign backup`, i.e. pg_dump).
    pub async fn backup_before_migrating(
        &self,
        dir: &std::path::Path,
    ) -> Result<Option<std::path::PathBuf>> {
        if self.backend != Backend::Sqlite {
            return Ok(None);
        }
        let current = self.schema_version().await?;
        if current == 0 || current >= SCHEMA_VERSION {
            return Ok(None);
        }
        std::fs::create_dir_all(dir).map_err(|e| backup_failed(dir, &e))?;
        let mut n = 0;
        let path = loop {
            let name = if n == 0 {
                format!("gradsign-schema{current}.sqlite3")
            } else {
                format!("gradsign-schema{current}-{n}.sqlite3")
            };
            let p = dir.join(name);
            if !p.exists() {
                break p;
            }
            n += 1;
        };
        self.vacuum_into(&path).await?;
        tracing::info!(schema = current, "database copied before migrating");
        Ok(Some(path))
    }

    /// SQLite's `PRAGMA integrity_check`: "ok" for an intact file, else the first problems.
    pub async fn integrity_check(&self) -> Result<String> {
        let mut c = self.read().await?;
        let row = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&mut *c)
            .await?;
        Ok(row.try_get::<String, _>(0)?)
    }

    /// Writes a consistent copy of a SQLite database to `out` (which must not exist): `VACUUM
    /// INTO` a temporary name in the same folder, then a rename, so no partial copy is ever found
    /// under `out`.
    pub async fn vacuum_into(&self, out: &std::path::Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(DomainError::field(
                "db",
                "VACUUM INTO 只适用于 SQLite 数据库",
                "VACUUM INTO applies to SQLite databases only",
            ));
        }
        if out.exists() {
            return Err(DomainError::field(
                "out",
                format!("备份文件已存在：{}", out.display()),
                format!("The backup file already exists: {}", out.display()),
            ));
        }
        let tmp = out.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        let target = tmp.to_str().ok_or_else(|| {
            DomainError::field("out", "备份路径不是 UTF-8", "The backup path is not UTF-8")
        })?;
        let mut c = self.read().await?;
        let copied = sqlx::query("VACUUM INTO $1")
            .bind(target.to_string())
            .execute(&mut *c)
            .await;
        drop(c);
        if let Err(e) = copied {
            let _ = std::fs::remove_file(&tmp);
            return Err(backup_failed(out, &e));
        }
        std::fs::rename(&tmp, out).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            backup_failed(out, &e)
        })
    }

    /// A write transaction (BEGIN IMMEDIATE on SQLite). Dropped without commit, it rolls back
    /// before its connection is used again, so no half-written action survives an early return.
    pub async fn begin(&self) -> Result<Tx> {
        let mut conn = self.pool.acquire().await?;
        let begin = if self.backend == Backend::Sqlite {
            "BEGIN IMMEDIATE"
        } else {
            "BEGIN"
        };
        conn.execute(begin).await?;
        Ok(Tx {
            conn: Some(conn),
            keyed: true,
            backend: self.backend,
            messages: self.messages.clone(),
            wrote_messages: false,
        })
    }

    /// A write transaction that never records the running request's key (R-IDEM-01): for the
    /// bookkeeping of request keys themselves.
    pub async fn begin_unkeyed(&self) -> Result<Tx> {
        let mut tx = self.begin().await?;
        tx.keyed = false;
        Ok(tx)
    }

    /// A connection for reads.
    pub async fn read(&self) -> Result<PoolConnection<Any>> {
        Ok(self.pool.acquire().await?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn backup_failed(path: &std::path::Path, e: &dyn std::fmt::Display) -> DomainError {
    tracing::error!(error = %e, "backup failed");
    DomainError::new(
        ErrorCode::Internal,
        format!("无法写入数据库备份：{}", path.display()),
        format!("Cannot write the database backup: {}", path.display()),
    )
    .with_details(serde_json::json!({ "field": "out" }))
}

fn schema_too_new(version: i64) -> DomainError {
    DomainError::new(
        ErrorCode::SchemaTooNew,
        format!("数据库由更新版本的 GradSign 写入（结构版本 {version}，本程序支持 {SCHEMA_VERSION}），请升级程序"),
        format!("The database was written by a newer GradSign (schema {version}, this build knows {SCHEMA_VERSION}); upgrade the app"),
    )
}

/// R-MIGRATE-01: an applied migration whose file is not the one that was applied.
fn migration_changed(m: &Migration) -> DomainError {
    let name = migration_name(m);
    tracing::error!(migration = %name, "applied migration changed");
    DomainError::new(
        ErrorCode::Internal,
        format!("数据库迁移 {name} 在应用后被修改（校验和不符），程序拒绝打开此数据库；请安装与该数据库相符的 GradSign 版本"),
        format!("Migration {name} was changed after it was applied (checksum mismatch); the database is not opened. Install the GradSign build that matches this database"),
    )
    .with_details(serde_json::json!({ "context": "migrate", "migration": name }))
}

fn migrate_failed(e: &MigrateError, version: Option<i64>) -> DomainError {
    tracing::error!(error = %e, version, "migration failed");
    DomainError::new(
        ErrorCode::Internal,
        "数据库结构迁移失败",
        "The database schema migration failed",
    )
    .with_details(serde_json::json!({ "context": "migrate", "version": version }))
}

/// Whether `table` exists (in the connection's schema on PostgreSQL).
async fn table_exists(c: &mut AnyConnection, backend: Backend, table: &str) -> Result<bool> {
    let sql = match backend {
        Backend::Sqlite => "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = $1",
        Backend::Postgres => "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1",
    };
    let n: i64 = sqlx::query(sql)
        .bind(table)
        .fetch_one(c)
        .await?
        .try_get("n")?;
    Ok(n > 0)
}

/// An open write transaction.
#[derive(Debug)]
pub struct Tx {
    conn: Option<PoolConnection<Any>>,
    /// Whether committing records the running request's idempotency key (R-IDEM-01).
    keyed: bool,
    backend: Backend,
    messages: Arc<watch::Sender<u64>>,
    /// Whether this transaction wrote in-app messages: its commit tells the waiting desktops.
    wrote_messages: bool,
}

impl Tx {
    pub fn conn(&mut self) -> &mut AnyConnection {
        match self.conn.as_mut() {
            Some(c) => &mut *c,
            None => unreachable_conn(),
        }
    }

    /// Commits; first records the running request's idempotency key in this same transaction,
    /// so the action and its key commit together (R-IDEM-01). A key another copy of the request
    /// recorded meanwhile refuses the commit (`duplicate`), and the transaction rolls back.
    pub async fn commit(mut self) -> Result<()> {
        let keyed = if self.keyed {
            crate::request_keys::record_in(self.conn()).await?
        } else {
            false
        };
        if let Some(mut c) = self.conn.take() {
            if let Err(e) = c.execute("COMMIT").await {
                c.close_on_drop();
                return Err(e.into());
            }
        }
        if keyed {
            crate::request_keys::mark_recorded();
        }
        if self.wrote_messages {
            self.messages.send_modify(|n| *n = n.wrapping_add(1));
        }
        Ok(())
    }

    /// Records that this transaction wrote in-app messages: once it commits, the desktops waiting
    /// for theirs hear of it (on PostgreSQL every server's, through NOTIFY, sent at commit).
    pub(crate) async fn wrote_messages(&mut self) -> Result<()> {
        if !self.wrote_messages && self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(MESSAGES_CHANNEL)
                .execute(self.conn())
                .await?;
        }
        self.wrote_messages = true;
        Ok(())
    }
}

/// The LISTEN side of [`Store::message_changes`] on PostgreSQL: runs while the store lives
/// (ends at the first notification after the last handle is gone).
async fn listen_for_messages(url: Arc<str>, signal: std::sync::Weak<watch::Sender<u64>>) {
    let bump = |signal: &std::sync::Weak<watch::Sender<u64>>| match signal.upgrade() {
        Some(s) => {
            s.send_modify(|n| *n = n.wrapping_add(1));
            true
        }
        None => false,
    };
    loop {
        let listener = async {
            let mut l = sqlx::postgres::PgListener::connect(&url).await?;
            l.listen(MESSAGES_CHANNEL).await?;
            Ok::<_, sqlx::Error>(l)
        };
        let mut listener = match listener.await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for new messages; retrying in 5 s");
                tokio::time::sleep(Duration::from_secs(5)).await;
                if signal.strong_count() == 0 {
                    return;
                }
                continue;
            }
        };
        // Messages may have been written while nobody listened.
        if !bump(&signal) {
            return;
        }
        loop {
            match listener.try_recv().await {
                // A notification, or (None) a lost connection that try_recv has re-established:
                // either way the waiting desktops look again.
                Ok(_) => {
                    if !bump(&signal) {
                        return;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "lost the LISTEN connection for new messages");
                    break;
                }
            }
        }
    }
}

#[allow(clippy::panic)]
fn unreachable_conn() -> ! {
    // `conn` is only None after commit consumed the Tx, so no caller can reach this.
    panic!("transaction used after commit")
}

impl Drop for Tx {
    fn drop(&mut self) {
        let Some(mut c) = self.conn.take() else {
            return;
        };
        // A refused action (another reviewer decided first, a second pending invitation …)
        // ends here. The connection goes back to the pool only after its ROLLBACK has run, so no
        // later user sees the half-done transaction; closing it instead would cost the next
        // request a new database session (on PostgreSQL a new process, a TLS handshake, cold
        // caches) for every refusal. Without a runtime to roll back on, or when the rollback
        // fails, closing the connection rolls the transaction back on both backends.
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if c.execute("ROLLBACK").await.is_err() {
                        c.close_on_drop();
                    }
                });
            }
            Err(_) => c.close_on_drop(),
        }
    }
}

/// Pings the connection (used by health checks).
pub async fn ping(conn: &mut AnyConnection) -> Result<()> {
    conn.ping().await?;
    Ok(())
}
