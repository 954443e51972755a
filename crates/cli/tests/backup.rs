//! `gradsign backup` / `gradsign restore` (R-BACKUP-01) on real SQLite files and a real
//! PostgreSQL server (GRADSIGN_TEST_PG, started by scripts/test.sh).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

fn gradsign(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gradsign"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn ok(o: Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "failed: {out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

fn refused(o: Output) -> String {
    assert!(!o.status.success(), "expected a refusal");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The last line of `gradsign check`: the history chain's head hash.
fn head(db: &str) -> String {
    ok(gradsign(db, &["check"]))
        .lines()
        .last()
        .unwrap()
        .to_string()
}

#[test]
fn r_backup_01_sqlite_backup_and_restore_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.db").display().to_string();
    ok(gradsign(&db, &["demo"]));
    let before = head(&db);
    let out = dir.path().join("school-backup.sqlite3");
    let said = ok(gradsign(&db, &["backup", "--out", out.to_str().unwrap()]));
    assert!(said.contains("schema"), "{said}");
    // Never overwrites.
    let e = refused(gradsign(&db, &["backup", "--out", out.to_str().unwrap()]));
    assert!(e.contains("已存在"), "{e}");

    // Into a new file: the same history head.
    let fresh = dir.path().join("restored.db").display().to_string();
    ok(gradsign(
        &fresh,
        &["restore", "--from", out.to_str().unwrap()],
    ));
    assert_eq!(head(&fresh), before);

    // Over the existing database: only with --force, and the replaced one is kept.
    let e = refused(gradsign(&db, &["restore", "--from", out.to_str().unwrap()]));
    assert!(e.contains("--force"), "{e}");
    let said = ok(gradsign(
        &db,
        &["restore", "--from", out.to_str().unwrap(), "--force"],
    ));
    assert!(said.contains("before-restore"), "{said}");
    assert!(dir.path().join("school.db.before-restore").is_file());
    assert_eq!(head(&db), before);
}

#[test]
fn r_backup_01_restore_refuses_what_is_not_a_gradsign_backup() {
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("notes.sqlite3");
    std::fs::write(&bogus, "this is not a database").unwrap();
    let db = dir.path().join("school.db").display().to_string();
    let e = refused(gradsign(
        &db,
        &["restore", "--from", bogus.to_str().unwrap()],
    ));
    assert!(e.contains("GradSign"), "{e}");
    // Nothing was created under the target name, and no staging file remains.
    assert!(!dir.path().join("school.db").exists());
    assert!(!dir.path().join("school.db.restoring").exists());
    let e = refused(gradsign(
        &db,
        &[
            "restore",
            "--from",
            dir.path().join("missing").to_str().unwrap(),
        ],
    ));
    assert!(e.contains("from"), "{e}");
}

#[test]
fn r_backup_01_postgres_backup_and_restore_round_trip() {
    let admin = std::env::var("GRADSIGN_TEST_PG").expect(
        "GRADSIGN_TEST_PG is not set: run the tests through scripts/test.sh, which starts PostgreSQL",
    );
    let base = admin.rsplit_once('/').unwrap().0.to_string();
    let suffix = std::process::id();
    let create = |name: &str| {
        let o = Command::new("psql")
            .args([
                admin.as_str(),
                "-q",
                "-c",
                &format!("CREATE DATABASE {name}"),
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        format!("{base}/{name}")
    };
    let src = create(&format!("bk_src_{suffix}"));
    let dst = create(&format!("bk_dst_{suffix}"));
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files").display().to_string();
    let o = Command::new(env!("CARGO_BIN_EXE_gradsign"))
        .args(["--db", &src, "--files", &files, "demo"])
        .output()
        .unwrap();
    ok(o);
    let before = head(&src);
    let out = dir.path().join("school.dump");
    ok(gradsign(&src, &["backup", "--out", out.to_str().unwrap()]));
    ok(gradsign(
        &dst,
        &["restore", "--from", out.to_str().unwrap()],
    ));
    assert_eq!(head(&dst), before);
}
