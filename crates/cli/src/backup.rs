//! `gradsign backup` and `gradsign restore` (R-BACKUP-01): whole-database copies for school IT.
//!
//! SQLite: `VACUUM INTO` (a consistent copy while the app runs). PostgreSQL: `pg_dump` in its
//! custom format, restored with `pg_restore` in one transaction. Either way nothing half-written
//! is left under the name asked for: copies go to a temporary name first, then are renamed.
//! Uploaded files are in the database (R-UPLOAD-02), so the copy is whole. A database of an
//! earlier version, not yet opened by this one, still has them in its `files` folder: open it
//! once (any command) before backing it up, or copy that folder alongside.

use gradsign_engine::store::{database_url, Backend, Store, SCHEMA_VERSION};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes a backup of `db` to `out` (which must not exist); returns what to print.
pub async fn backup(db: &str, out: &Path) -> Result<String, String> {
    if out.exists() {
        return Err(format!(
            "out: 文件已存在，不会覆盖 / the file already exists and is not overwritten: {}",
            out.display()
        ));
    }
    match database_url(db).1 {
        Backend::Sqlite => {
            let path = sqlite_path(db);
            if !path.is_file() {
                return Err(format!(
                    "db: 数据库文件不存在 / no database file at {}",
                    path.display()
                ));
            }
            let store = Store::connect(db, 1).await.map_err(|e| e.to_string())?;
            let version = store.schema_version().await.map_err(|e| e.to_string())?;
            let copied = store.vacuum_into(out).await.map_err(|e| e.to_string());
            store.close().await;
            copied?;
            Ok(format!(
                "backup written: {} (SQLite, schema {version}, {} bytes)",
                out.display(),
                size(out)
            ))
        }
        Backend::Postgres => {
            let tmp = partial(out);
            let status = pg_command("pg_dump", db)
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(&tmp)
                .status()
                .map_err(|e| {
                    format!("pg_dump: cannot start it (install postgresql-client): {e}")
                })?;
            if !status.success() {
                let _ = std::fs::remove_file(&tmp);
                return Err(format!("pg_dump failed ({status}); nothing was written"));
            }
            std::fs::rename(&tmp, out).map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                format!("out: {}: {e}", out.display())
            })?;
            Ok(format!(
                "backup written: {} (PostgreSQL custom format, {} bytes)",
                out.display(),
                size(out)
            ))
        }
    }
}

/// Replaces `db` with the backup `from`. An existing SQLite database is replaced only with
/// `force`, and is itself copied to `<db>.before-restore[-N]` first.
pub async fn restore(db: &str, from: &Path, force: bool) -> Result<String, String> {
    if !from.is_file() {
        return Err(format!(
            "from: 备份文件不存在 / no backup file at {}",
            from.display()
        ));
    }
    match database_url(db).1 {
        Backend::Sqlite => restore_sqlite(db, from, force).await,
        Backend::Postgres => restore_postgres(db, from),
    }
}

async fn restore_sqlite(db: &str, from: &Path, force: bool) -> Result<String, String> {
    let target = sqlite_path(db);
    if target.exists() && !force {
        return Err(format!(
            "db: 数据库已存在；确认替换请加 --force（替换前会先备份） / the database exists; pass --force to replace it (it is copied first): {}",
            target.display()
        ));
    }
    // Checked on a private copy: opening the user's backup would change its journal mode.
    let staged = tagged(&target, "restoring");
    let _ = std::fs::remove_file(&staged);
    std::fs::copy(from, &staged).map_err(|e| format!("db: {}: {e}", staged.display()))?;
    let checked = check_sqlite_backup(&staged).await;
    if let Err(e) = checked {
        remove_sqlite_files(&staged);
        return Err(e);
    }
    let version = checked.unwrap_or_default();
    let mut kept = None;
    if target.exists() {
        let copy = free_name(&target, "before-restore");
        let store = Store::connect(db, 1).await.map_err(|e| e.to_string())?;
        let copied = store.vacuum_into(&copy).await.map_err(|e| e.to_string());
        store.close().await;
        if let Err(e) = copied {
            remove_sqlite_files(&staged);
            return Err(e);
        }
        kept = Some(copy);
        remove_sqlite_files(&target);
    }
    std::fs::rename(&staged, &target).map_err(|e| format!("db: {}: {e}", target.display()))?;
    remove_sqlite_files(&staged);
    let mut said = format!(
        "restored {} from {} (schema {version})",
        target.display(),
        from.display()
    );
    if let Some(k) = kept {
        said.push_str(&format!(
            "; the replaced database was kept as {}",
            k.display()
        ));
    }
    Ok(said)
}

/// A SQLite file is a GradSign database this build can open: intact, with a schema version
/// between 1 and ours.
async fn check_sqlite_backup(path: &Path) -> Result<i64, String> {
    let not_ours = || {
        format!(
            "from: 不是 GradSign 数据库备份 / not a GradSign database backup: {}",
            path.display()
        )
    };
    // SQLite's file header; anything else would only time out in the connection pool.
    let mut head = [0u8; 16];
    let is_sqlite = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && &head == b"SQLite format 3\0";
    if !is_sqlite {
        return Err(not_ours());
    }
    let db = path.to_str().ok_or("from: the path is not UTF-8")?;
    let store = Store::connect(db, 1).await.map_err(|_| not_ours())?;
    let result = async {
        let ok = store.integrity_check().await.map_err(|_| not_ours())?;
        if ok != "ok" {
            return Err(format!(
                "from: 备份文件已损坏 / the backup is damaged: {ok}"
            ));
        }
        let version = store.schema_version().await.map_err(|_| not_ours())?;
        if version == 0 {
            return Err(not_ours());
        }
        if version > SCHEMA_VERSION {
            return Err(format!(
                "from: 备份由更新版本的 GradSign 写入（结构版本 {version}，本程序支持 {SCHEMA_VERSION}） / the backup was written by a newer GradSign (schema {version}, this build knows {SCHEMA_VERSION})"
            ));
        }
        Ok(version)
    }
    .await;
    store.close().await;
    result
}

fn restore_postgres(db: &str, from: &Path) -> Result<String, String> {
    // The dump's schema version, read without touching the database.
    let listing = Command::new("pg_restore")
        .args(["--data-only", "--table=schema_version", "--file=-"])
        .arg(from)
        .output()
        .map_err(|e| format!("pg_restore: cannot start it (install postgresql-client): {e}"))?;
    if !listing.status.success() {
        return Err(format!(
            "from: 不是 pg_dump 备份 / not a pg_dump backup: {}",
            from.display()
        ));
    }
    let text = String::from_utf8_lossy(&listing.stdout);
    let version = text
        .lines()
        .skip_while(|l| !l.starts_with("COPY "))
        .skip(1)
        .take_while(|l| *l != "\\.")
        .filter_map(|l| l.trim().parse::<i64>().ok())
        .max()
        .ok_or_else(|| {
            format!(
                "from: 不是 GradSign 数据库备份 / not a GradSign database backup: {}",
                from.display()
            )
        })?;
    if version > SCHEMA_VERSION {
        return Err(format!(
            "from: 备份由更新版本的 GradSign 写入（结构版本 {version}） / the backup was written by a newer GradSign (schema {version}, this build knows {SCHEMA_VERSION})"
        ));
    }
    let status = pg_command("pg_restore", db)
        .args([
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
        ])
        .arg(from)
        .status()
        .map_err(|e| format!("pg_restore: cannot start it: {e}"))?;
    if !status.success() {
        return Err(format!(
            "pg_restore failed ({status}); the database was left as it was (one transaction)"
        ));
    }
    Ok(format!(
        "restored the PostgreSQL database from {} (schema {version})",
        from.display()
    ))
}

/// A PostgreSQL client program for database `db`: the address on its command line without the
/// password, which travels in PGPASSWORD instead, so it never shows in the process list.
fn pg_command(program: &str, db: &str) -> Command {
    let (url, password) = split_password(db);
    let mut command = Command::new(program);
    command.arg("--dbname").arg(url);
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    command
}

/// `postgres://user:secret@host/db` → (`postgres://user@host/db`, Some("secret"), percent-decoded).
fn split_password(db: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = db.split_once("://") else {
        return (db.to_string(), None);
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return (db.to_string(), None);
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return (db.to_string(), None);
    };
    (
        format!("{scheme}://{user}@{host}{tail}"),
        Some(percent_decode(password)),
    )
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn sqlite_path(db: &str) -> PathBuf {
    let url = database_url(db).0;
    let rest = url.trim_start_matches("sqlite://");
    PathBuf::from(rest.split('?').next().unwrap_or(rest))
}

fn partial(p: &Path) -> PathBuf {
    tagged(p, "partial")
}

/// `NAME.tag` beside `p` (`Path::with_extension` would replace an extension instead).
fn tagged(p: &Path, tag: &str) -> PathBuf {
    let mut name = p.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(tag);
    p.with_file_name(name)
}

fn free_name(p: &Path, tag: &str) -> PathBuf {
    let base = p
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    (0..)
        .map(|n| {
            let name = if n == 0 {
                format!("{base}.{tag}")
            } else {
                format!("{base}.{tag}-{n}")
            };
            p.with_file_name(name)
        })
        .find(|c| !c.exists())
        .unwrap_or_else(|| p.with_file_name(format!("{base}.{tag}")))
}

/// Removes a SQLite file and its WAL companions.
fn remove_sqlite_files(p: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = p.as_os_str().to_os_string();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

fn size(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_goes_to_the_environment_not_the_command_line() {
        let c = pg_command(
            "pg_dump",
            "postgres://school:s%40cret:x@db.example.edu:5432/gradsign?sslmode=require",
        );
        let args: Vec<String> = c
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args,
            [
                "--dbname",
                "postgres://school@db.example.edu:5432/gradsign?sslmode=require"
            ]
        );
        assert!(args.iter().all(|a| !a.contains("cret")));
        let env: Vec<_> = c.get_envs().collect();
        assert_eq!(
            env,
            [(
                std::ffi::OsStr::new("PGPASSWORD"),
                Some(std::ffi::OsStr::new("s@cret:x"))
            )]
        );
        let plain = pg_command("pg_dump", "postgres://postgres@127.0.0.1:5432/t");
        assert_eq!(plain.get_envs().count(), 0);
        assert_eq!(split_password("postgres://u@h/d").1, None);
    }
}
