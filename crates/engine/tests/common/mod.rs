//! A small school for the engine's tests, on a fresh SQLite file or a fresh PostgreSQL database.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use gradsign_engine::time::shanghai_time;
use gradsign_engine::types::{CreditCode, IdNumber};
use gradsign_engine::*;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one `#[tokio::test]` per backend for each listed rule test:
/// `sqlite::r_x_01_…` and `postgres::r_x_01_…` (crates/server's `rules_over_http` runs the same
/// bodies a third time, through its own macro of this name).
macro_rules! on_both_backends {
    // After `engine_only:`, tests about what exists inside the engine alone (the system, an actor
    // without an account): the HTTP run has no such actor and leaves them out.
    ($($name:ident),+ $(,)? $(; engine_only: $($only:ident),+ $(,)?)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::common::World::new($crate::common::Backend::Sqlite).await).await }) +
            $($(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $only() { super::$only($crate::common::World::new($crate::common::Backend::Sqlite).await).await }) +)?
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::common::World::new($crate::common::Backend::Postgres).await).await }) +
            $($(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $only() { super::$only($crate::common::World::new($crate::common::Backend::Postgres).await).await }) +)?
        }
    };
}

include!("steps.rs");

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh database location for the backend (SQLite file in a temp dir kept alive by the world).
pub async fn fresh_db(backend: Backend) -> (String, Option<tempfile::TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            (
                dir.path().join("gradsign.db").display().to_string(),
                Some(dir),
            )
        }
        Backend::Postgres => {
            let admin = std::env::var("GRADSIGN_TEST_PG").expect("GRADSIGN_TEST_PG is not set: run the tests through scripts/test.sh, which starts a PostgreSQL server");
            let name = format!(
                "t_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst),
                rand_suffix()
            );
            sqlx::any::install_default_drivers();
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
                .await
                .unwrap();
            sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
                .await
                .unwrap();
            let base = admin.rsplit_once('/').unwrap().0;
            (format!("{base}/{name}"), None)
        }
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64
}

/// An ID number for test person `n` (born 2003), male or female.
pub fn id_for(n: u32, male: bool) -> String {
    let seq = (n % 500) * 2 + if male { 1 } else { 0 };
    let first = format!(
        "11010120030{}{:02}{:03}",
        1 + (n / 500) % 9,
        1 + (n / 9) % 28,
        seq % 1000
    );
    let first17 = &first[..17];
    format!("{first17}{}", IdNumber::check_char(first17).unwrap())
}

/// A valid unified social credit code for employer `n`.
pub fn credit_for(n: u32) -> String {
    CreditCode::compose("91", "110108", &format!("{:08}", 10_000_000 + n))
        .unwrap()
        .as_str()
        .to_string()
}

pub fn terms() -> AgreementTerms {
    AgreementTerms {
        position: "软件工程师".into(),
        work_location: "北京市海淀区".into(),
        salary: "月薪15000元".into(),
        probation: "3个月".into(),
        agreement_term: "3年".into(),
        liquidated_damages: "5000元".into(),
        archive_handling: "单位接收".into(),
        archive_receiving_unit: "北京某科技有限公司人事部".into(),
        archive_address: "北京市海淀区中关村大街1号".into(),
        archive_postcode: "100080".into(),
        hukou_address: "北京市海淀区".into(),
        other_terms: "".into(),
    }
}

pub fn employer_details(n: u32) -> EmployerDetails {
    EmployerDetails {
        name: format!("北京测试科技有限公司{n}"),
        credit_code: credit_for(n),
        nature: "其他企业".into(),
        industry: "信息传输、软件和信息技术服务业".into(),
        address: "北京市海淀区".into(),
        contact_person: "张经理".into(),
        contact_phone: "010-62345678".into(),
    }
}

/// One row of the import file for graduate `n`.
pub fn import_cells(n: u32, department: &str, mode: &str) -> Vec<String> {
    let male = n.is_multiple_of(2);
    vec![
        format!("2026{:05}", n),
        format!("学生{n}"),
        if male { "男" } else { "女" }.into(),
        id_for(n, male),
        "本科".into(),
        "计算机科学与技术".into(),
        department.into(),
        mode.into(),
        if mode == "非定向" {
            String::new()
        } else {
            "某定向单位".into()
        },
        "北京".into(),
        format!("138{:08}", n),
        format!("s{n}@example.edu.cn"),
    ]
}

pub fn header() -> Vec<String> {
    IMPORT_HEADER.iter().map(|s| s.to_string()).collect()
}

/// The test school: two departments, cohort 2026 open with the department + school chain,
/// graduates 1..=4 in department A (4 is 定向), 5..=6 in department B, two approved employers.
pub struct World {
    pub engine: Engine,
    pub backend: Backend,
    pub admin: Actor,
    pub dep_a: i64,
    pub dep_b: i64,
    pub dep_rev_a: Actor,
    pub dep_rev_b: Actor,
    pub school_rev: Actor,
    pub employers: Vec<Actor>,
    pub graduates: BTreeMap<u32, Actor>,
    pub t0: Timestamp,
    /// The database location, to open a second engine on it.
    pub db: String,
    _dir: Option<tempfile::TempDir>,
    _files: tempfile::TempDir,
}

impl World {
    pub async fn empty(backend: Backend) -> (Engine, Option<tempfile::TempDir>, tempfile::TempDir) {
        let (engine, _, dir, files) = World::empty_at(backend).await;
        (engine, dir, files)
    }

    /// [`World::empty`] with the database location.
    pub async fn empty_at(
        backend: Backend,
    ) -> (Engine, String, Option<tempfile::TempDir>, tempfile::TempDir) {
        let (db, dir) = fresh_db(backend).await;
        let files = tempfile::tempdir().unwrap();
        let engine = Engine::open_with(
            &db,
            files.path(),
            EngineOptions {
                max_connections: 8,
                seed: Some(7),
                ..EngineOptions::default()
            },
        )
        .await
        .unwrap();
        (engine, db, dir, files)
    }

    pub async fn new(backend: Backend) -> World {
        let (engine, db, dir, files) = World::empty_at(backend).await;
        let t0 = shanghai_time(2026, 3, 2, 10, 0, 0);
        let admin_id = engine
            .init_school(
                &SchoolSetup {
                    name: "测试大学".into(),
                    code: "10001".into(),
                    contact: "就业指导中心 010-12345678".into(),
                    departments: vec!["计算机学院".into(), "经济管理学院".into()],
                    admin_login: "admin".into(),
                    admin_password: "admin12345".into(),
                    admin_name: "管理员".into(),
                },
                t0,
            )
            .await
            .unwrap();
        let admin = Actor {
            account_id: Some(admin_id),
            role: Role::SchoolAdmin,
            graduate_id: None,
            employer_id: None,
            department_id: None,
        };
        let deps = engine.departments(&admin).await.unwrap();
        let (dep_a, dep_b) = (deps[0].id, deps[1].id);
        engine
            .configure_cohort(
                &admin,
                &CohortSettings {
                    year: 2026,
                    chain: ReviewChain::Both,
                    invite_limit_days: 15,
                    changes_until: None,
                    agreement_title: None,
                },
                t0,
            )
            .await
            .unwrap();
        engine.set_module(&admin, 2026, true, t0).await.unwrap();
        let mut rows = Vec::new();
        for n in 1..=6u32 {
            let dep = if n <= 4 {
                "计算机学院"
            } else {
                "经济管理学院"
            };
            let mode = if n == 4 { "定向" } else { "非定向" };
            rows.push(ImportRow {
                line: n as usize + 1,
                cells: import_cells(n, dep, mode),
            });
        }
        engine
            .import_graduates(&admin, 2026, &header(), &rows, t0)
            .await
            .unwrap();
        let mut graduates = BTreeMap::new();
        for n in 1..=6u32 {
            let sn = format!("2026{:05}", n);
            let id: i64 = {
                let mut c = engine.store().read().await.unwrap();
                sqlx::Row::try_get(
                    &sqlx::query("SELECT id FROM graduates WHERE student_number = $1")
                        .bind(&sn)
                        .fetch_one(&mut *c)
                        .await
                        .unwrap(),
                    "id",
                )
                .unwrap()
            };
            graduates.insert(
                n,
                Actor {
                    account_id: None,
                    role: Role::Graduate,
                    graduate_id: Some(id),
                    employer_id: None,
                    department_id: None,
                },
            );
        }
        let mut employers = Vec::new();
        for n in 1..=2u32 {
            let acc = engine
                .employer_sign_up(
                    &EmployerSignUp {
                        details: employer_details(n),
                        login: format!("employer{n}"),
                        password: "employer123".into(),
                        display_name: "张经理".into(),
                    },
                    t0,
                )
                .await
                .unwrap();
            engine
                .set_employer_approval(&admin, acc.employer_id.unwrap(), true, t0)
                .await
                .unwrap();
            employers.push(acc.actor());
        }
        // The reviewers are real accounts, as they are when the same school is served over HTTP.
        let mut reviewers = Vec::new();
        for (login, role, dep) in [
            ("reviewer-a", Role::DepartmentReviewer, Some(dep_a)),
            ("reviewer-b", Role::DepartmentReviewer, Some(dep_b)),
            ("reviewer-school", Role::SchoolReviewer, None),
        ] {
            let account = engine
                .create_staff_account(
                    &admin,
                    &NewStaff {
                        login: login.into(),
                        password: "review12345".into(),
                        display_name: login.into(),
                        role,
                        department_id: dep,
                    },
                    t0,
                )
                .await
                .unwrap();
            reviewers.push(account.actor());
        }
        let [dep_rev_a, dep_rev_b, school_rev] = <[Actor; 3]>::try_from(reviewers).unwrap();
        World {
            dep_rev_a,
            dep_rev_b,
            school_rev,
            engine,
            backend,
            admin,
            dep_a,
            dep_b,
            employers,
            graduates,
            t0,
            db,
            _dir: dir,
            _files: files,
        }
    }

    world_steps!();
}

/// A stored file's bytes by hash (R-UPLOAD-02: files live in the database), None when absent.
pub async fn stored_file(engine: &Engine, hash: &str) -> Option<Vec<u8>> {
    use sqlx::Row;
    let mut c = engine.store().read().await.unwrap();
    sqlx::query("SELECT data FROM files WHERE hash = $1")
        .bind(hash)
        .fetch_optional(&mut *c)
        .await
        .unwrap()
        .and_then(|r| r.try_get::<Option<Vec<u8>>, _>("data").unwrap())
}

/// How many files the database holds, and how many staged uploads.
pub async fn stored_counts(engine: &Engine) -> (i64, i64) {
    use sqlx::Row;
    let mut c = engine.store().read().await.unwrap();
    let files: i64 = sqlx::query("SELECT COUNT(*) AS n FROM files")
        .fetch_one(&mut *c)
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    let staged: i64 = sqlx::query("SELECT COUNT(*) AS n FROM staged_uploads")
        .fetch_one(&mut *c)
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    (files, staged)
}

pub const TABLES: &[&str] = &[
    "school",
    "departments",
    "cohorts",
    "graduates",
    "employers",
    "accounts",
    "sessions",
    "items",
    "history",
    "chain_heads",
    "seals",
    "sealed_heads",
    "seal_head",
    "serials",
    "messages",
    "outbox",
    "files",
    "settings",
    "throttles",
    "staged_uploads",
    "person_links",
];

pub async fn digest(engine: &Engine) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut c = engine.store().read().await.unwrap();
    for t in TABLES {
        // Every column cast to text, in a stable order, so both backends digest the same way.
        let rows = sqlx::query(&format!("SELECT * FROM {t}"))
            .fetch_all(&mut *c)
            .await
            .unwrap();
        let mut lines: Vec<String> = rows
            .iter()
            .map(|r| {
                use sqlx::{Row, ValueRef};
                (0..r.columns().len())
                    .map(|i| {
                        let raw = r.try_get_raw(i).unwrap();
                        if raw.is_null() {
                            "NULL".to_string()
                        } else {
                            r.try_get::<String, _>(i)
                                .or_else(|_| r.try_get::<i64, _>(i).map(|v| v.to_string()))
                                .or_else(|_| r.try_get::<Vec<u8>, _>(i).map(hex::encode))
                                .unwrap_or_else(|_| "?".into())
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        lines.sort();
        h.update(t.as_bytes());
        for l in lines {
            h.update(l.as_bytes());
            h.update(b"\n");
        }
    }
    hex::encode(h.finalize())
}
