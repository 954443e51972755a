//! The store: one code path over SQLite and PostgreSQL through sqlx's `Any` driver with `$n` binds.
//! Write transactions begin IMMEDIATE on SQLite (a deferred transaction that later writes gets
//! SQLITE_BUSY without busy_timeout applying, which would break R-REV-02).

use crate::error::{DomainError, ErrorCode, Result};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor, Row};
use std::str::FromStr;
use std::time::Duration;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Schema migrations, same numbers and meaning on both backends.
const MIGRATIONS: &[(i64, &str, &str)] = &[
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

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = 3;

/// A pool plus its backend.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

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
        Ok(Store { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The schema version the database holds (0 when empty).
    pub async fn schema_version(&self) -> Result<i64> {
        let mut c = self.pool.acquire().await?;
        c.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
            .await?;
        let v: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM schema_version")
            .fetch_one(&mut *c)
            .await?
            .try_get("v")?;
        Ok(v.unwrap_or(0))
    }

    /// Applies pending migrations; refuses a database written by a newer version.
    pub async fn migrate(&self) -> Result<()> {
        let current = self.schema_version().await?;
        if current > SCHEMA_VERSION {
            return Err(DomainError::new(
                ErrorCode::SchemaTooNew,
                format!("数据库由更新版本的 GradSign 写入（结构版本 {current}，本程序支持 {SCHEMA_VERSION}），请升级程序"),
                format!("The database was written by a newer GradSign (schema {current}, this build knows {SCHEMA_VERSION}); upgrade the app"),
            ));
        }
        for (version, sqlite, postgres) in MIGRATIONS.iter().filter(|m| m.0 > current) {
            let mut tx = self.begin().await?;
            let sql = if self.backend == Backend::Sqlite {
                sqlite
            } else {
                postgres
            };
            tx.conn().execute(*sql).await?;
            sqlx::query("INSERT INTO schema_version (version) VALUES ($1)")
                .bind(*version)
                .execute(tx.conn())
                .await?;
            tx.commit().await?;
        }
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

    /// A write transaction (BEGIN IMMEDIATE on SQLite). Dropped without commit, it rolls back by
    /// closing its connection, so no half-written action survives an early return.
    pub async fn begin(&self) -> Result<Tx> {
        let mut conn = self.pool.acquire().await?;
        let begin = if self.backend == Backend::Sqlite {
            "BEGIN IMMEDIATE"
        } else {
            "BEGIN"
        };
        conn.execute(begin).await?;
        Ok(Tx { conn: Some(conn) })
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

/// An open write transaction.
#[derive(Debug)]
pub struct Tx {
    conn: Option<PoolConnection<Any>>,
}

impl Tx {
    pub fn conn(&mut self) -> &mut AnyConnection {
        match self.conn.as_mut() {
            Some(c) => &mut *c,
            None => unreachable_conn(),
        }
    }

    pub async fn commit(mut self) -> Result<()> {
        if let Some(mut c) = self.conn.take() {
            if let Err(e) = c.execute("COMMIT").await {
                c.close_on_drop();
                return Err(e.into());
            }
        }
        Ok(())
    }
}

#[allow(clippy::panic)]
fn unreachable_conn() -> ! {
    // `conn` is only None after commit consumed the Tx, so no caller can reach this.
    panic!("transaction used after commit")
}

impl Drop for Tx {
    fn drop(&mut self) {
        if let Some(c) = self.conn.as_mut() {
            // Closing the connection rolls the transaction back on both backends.
            c.close_on_drop();
        }
    }
}

/// Pings the connection (used by health checks).
pub async fn ping(conn: &mut AnyConnection) -> Result<()> {
    conn.ping().await?;
    Ok(())
}
