//! `cargo bench -p gradsign-engine --bench writes`: write throughput on PostgreSQL with many
//! concurrent writers acting on unrelated graduates. Each of W tasks owns one graduate and repeats
//! invite → accept → department approval → school rejection (four actions, each its own write
//! transaction with its history entry and messages) for a fixed time. The figure that matters is
//! the ratio of W writers to one writer: writes that queue behind one shared row scale by ~1.
//! The database comes from GRADSIGN_BENCH_PG (else GRADSIGN_TEST_PG, as scripts/pg.sh exports);
//! a fresh database is created in it. GRADSIGN_BENCH_WRITERS (default 16) and
//! GRADSIGN_BENCH_SECONDS (default 10) change the load.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

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
    let admin_id = engine
        .init_school(
            &SchoolSetup {
                name: "基准大学".into(),
                code: "10001".into(),
                contact: "x".into(),
                departments: vec!["计算机学院".into()],
                admin_login: "admin".into(),
                admin_password: "admin12345".into(),
                admin_name: "a".into(),
            },
            t0,
        )
        .await
        .unwrap();
    let admin = Actor {
        account_id: Some(admin_id),
        ..actor(Role::SchoolAdmin)
    };
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
    let header: Vec<String> = IMPORT_HEADER.iter().map(|s| s.to_string()).collect();
    let mut people = vec![];
    let rows: Vec<ImportRow> = (0..writers)
        .map(|i| {
            let id = id_for(i);
            people.push((format!("学生{i}"), id.clone()));
            ImportRow {
                line: i as usize + 2,
                cells: vec![
                    format!("B{i:08}"),
                    format!("学生{i}"),
                    gender(&id).into(),
                    id,
                    "本科".into(),
                    "软件工程".into(),
                    "计算机学院".into(),
                    "非定向".into(),
                    String::new(),
                    "北京".into(),
                    "13800000000".into(),
                    "a@b.cn".into(),
                ],
            }
        })
        .collect();
    engine
        .import_graduates(&admin, 2026, &header, &rows, t0)
        .await
        .unwrap();
    let employer = engine
        .employer_sign_up(
            &EmployerSignUp {
                details: EmployerDetails {
                    name: "基准公司".into(),
                    credit_code: "91350100M000100Y43".into(),
                    nature: "其他企业".into(),
                    industry: "软件".into(),
                    address: "北京".into(),
                    contact_person: "王".into(),
                    contact_phone: "010-12345678".into(),
                },
                login: "emp".into(),
                password: "employer123".into(),
                display_name: "王".into(),
            },
            t0,
        )
        .await
        .unwrap();
    engine
        .set_employer_approval(&admin, employer.employer_id.unwrap(), true, t0)
        .await
        .unwrap();
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
        employer: employer.actor(),
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
