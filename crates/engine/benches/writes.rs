//! `cargo bench -p gradsign-engine --bench writes`: write throughput on PostgreSQL with many
//! concurrent writers acting on unrelated graduates. Each of W tasks owns one graduate and repeats
//! invite → accept → department approval → school rejection (four actions, each its own write
//! transaction with its history entry and messages) for a fixed time. The figure that matters is
//! the ratio of W writers to one writer: writes that queue behind one shared row scale by ~1.
//! The database comes from GRADSIGN_BENCH_PG (else GRADSIGN_TEST_PG, as scripts/pg.sh exports);
//! a fresh database is created in it. GRADSIGN_BENCH_WRITERS (default 16) and
//! GRADSIGN_BENCH_SECONDS (default 10) change the load.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod bench_school;

use gradsign_engine::time::shanghai_time;
use gradsign_engine::types::IdNumber;
use gradsign_engine::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn id_for(n: u32) -> String {
    let first = format!("110101199001{:02}{:03}", 1 + n / 1000, n % 1000);
    format!("{first}{}", IdNumber::check_char(&first).unwrap())
}

fn gender(id: &str) -> &'static str {
    if (id.as_bytes()[16] - b'0') % 2 == 1 {
        "男"
    } else {
        "女"
    }
}

fn actor(role: Role) -> Actor {
    Actor {
        account_id: None,
        role,
        graduate_id: None,
        employer_id: None,
        department_id: None,
    }
}

fn terms() -> AgreementTerms {
    AgreementTerms {
        position: "工程师".into(),
        work_location: "北京".into(),
        salary: "10000".into(),
        probation: String::new(),
        agreement_term: "3年".into(),
        liquidated_damages: String::new(),
        archive_handling: "回生源地".into(),
        archive_receiving_unit: String::new(),
        archive_address: String::new(),
        archive_postcode: String::new(),
        hukou_address: String::new(),
        other_terms: String::new(),
    }
}

/// A fresh database inside the server `admin` points at.
async fn fresh_database(admin: &str) -> String {
    sqlx::any::install_default_drivers();
    let name = format!("bench_writes_{}", std::process::id());
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(admin)
        .await
        .unwrap();
    sqlx::Executor::execute(
        &mut conn,
        format!("DROP DATABASE IF EXISTS {name}").as_str(),
    )
    .await
    .unwrap();
    sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
}

struct School {
    engine: Arc<Engine>,
    people: Vec<(String, String)>,
    employer: Actor,
    department: Actor,
    school: Actor,
    t0: i64,
}

async fn school(db: &str, files: &std::path::Path, writers: u32) -> School {
    let engine = Engine::open_with(
        db,
        files,
        EngineOptions {
            max_connections: writers + 4,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let t0 = shanghai_time(2026, 3, 2, 9, 0, 0);
    let admin = bench_school::open_school(&engine, &["计算机学院"], t0).await;
    let header: Vec<String> = IMPORT_HEADER.iter().map(|s| s.to_string()).collect();
    let mut people = vec![];
    let rows: Vec<ImportRow> = (0..writers)
        .map(|i| {
            let id = id_for(i);
            people.push((format!("学生{i}"), id.clone()));
            let g = gender(&id);
            bench_school::import_row(i as usize + 2, i, id, g, "计算机学院")
        })
        .collect();
    engine
        .import_graduates(&admin, 2026, &header, &rows, t0)
        .await
        .unwrap();
    let employer = bench_school::approved_employer(&engine, &admin, t0).await;
    let dep = engine.departments(&admin).await.unwrap()[0].id;
    for i in 0..writers {
        let g = Actor {
            graduate_id: Some(i64::from(i) + 1),
            ..actor(Role::Graduate)
        };
        engine.confirm_info(&g, t0).await.unwrap();
    }
    School {
        engine: Arc::new(engine),
        people,
        employer,
        department: Actor {
            department_id: Some(dep),
            ..actor(Role::DepartmentReviewer)
        },
        school: actor(Role::SchoolReviewer),
        t0,
    }
}

/// Runs `writers` tasks for `secs` seconds; returns the actions per second.
async fn run(s: &School, writers: u32, secs: u64) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let until = start + Duration::from_secs(secs);
    let mut tasks = vec![];
    for i in 0..writers {
        let (engine, done) = (s.engine.clone(), done.clone());
        let (name, id_number) = s.people[i as usize].clone();
        let (emp, dep, school, t0) = (
            s.employer.clone(),
            s.department.clone(),
            s.school.clone(),
            s.t0,
        );
        tasks.push(tokio::spawn(async move {
            let g = Actor {
                graduate_id: Some(i64::from(i) + 1),
                ..actor(Role::Graduate)
            };
            let mut round = 0i64;
            while Instant::now() < until {
                round += 1;
                let now = t0 + 60 + round;
                let inv = engine
                    .invite(
                        &emp,
                        &InviteInput {
                            graduate: GraduateLookup::IdNumber {
                                name: name.clone(),
                                id_number: id_number.clone(),
                            },
                            terms: terms(),
                            deadline_days: Some(5),
                        },
                        now,
                    )
                    .await
                    .unwrap();
                engine.accept_invitation(&g, inv, now).await.unwrap();
                let approve = ReviewDecision::Approve {
                    note: String::new(),
                };
                engine.review(&dep, inv, 1, approve, now).await.unwrap();
                let reject = ReviewDecision::Reject {
                    reason: "基准".into(),
                };
                engine.review(&school, inv, 2, reject, now).await.unwrap();
                done.fetch_add(4, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let Some(admin) = std::env::var("GRADSIGN_BENCH_PG")
        .or_else(|_| std::env::var("GRADSIGN_TEST_PG"))
        .ok()
    else {
        println!("writes: GRADSIGN_BENCH_PG (or GRADSIGN_TEST_PG) is not set; start one with scripts/pg.sh");
        return;
    };
    let writers: u32 = std::env::var("GRADSIGN_BENCH_WRITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(16);
    let secs: u64 = std::env::var("GRADSIGN_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let files = tempfile::tempdir().unwrap();
    let db = fresh_database(&admin).await;
    let s = school(&db, files.path(), writers).await;
    let one = run(&s, 1, secs).await;
    let many = run(&s, writers, secs).await;
    let r = s.engine.check(&Actor::system(), None).await.unwrap();
    assert!(r.ok(), "{:?}", r.chain.problems);
    println!(
        "writes on PostgreSQL (invite, accept, department approval, school rejection per round):"
    );
    println!("  1 writer: {one:.0} actions/s");
    println!(
        "  {writers} writers on {writers} unrelated graduates: {many:.0} actions/s ({:.2}× one writer)",
        many / one
    );
    println!("  check: {} history entries verified", r.chain.entries);
}
