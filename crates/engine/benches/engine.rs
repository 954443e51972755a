//! `cargo bench -p gradsign-engine`: (1) the full lifecycle of 10,000 graduates on SQLite (invite,
//! accept, department approval, school approval → signed), through the engine's actions;
//! (2) one page of 50 of a reviewer queue holding 100,000 submissions: first page, a deep page,
//! a filtered page, keyset against OFFSET; (3) paper registrations with two scans each, the time
//! and the disk the uploads take. Figures are printed; compare ratios, not absolutes.
//! GRADSIGN_BENCH_GRADUATES / GRADSIGN_BENCH_QUEUE / GRADSIGN_BENCH_UPLOADS change the sizes;
//! GRADSIGN_BENCH_ONLY=queue|lifecycle|uploads runs one part.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod bench_school;

use gradsign_engine::time::shanghai_time;
use gradsign_engine::types::IdNumber;
use gradsign_engine::*;
use std::time::{Duration, Instant};

fn id_for(n: u32) -> String {
    // Unique per n: the birth date advances one day per 1,000 people, the sequence takes the rest.
    let date = chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap()
        + chrono::Duration::days(i64::from(n / 1000));
    let first = format!("110101{}{:03}", date.format("%Y%m%d"), n % 1000);
    format!("{first}{}", IdNumber::check_char(&first).unwrap())
}

fn gender(id: &str) -> &'static str {
    if (id.as_bytes()[16] - b'0') % 2 == 1 {
        "男"
    } else {
        "女"
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn lifecycle(n: u32) {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(
        &dir.path().join("bench.db").display().to_string(),
        dir.path().join("files"),
    )
    .await
    .unwrap();
    let t0 = shanghai_time(2026, 3, 2, 9, 0, 0);
    let admin = bench_school::open_school(&engine, &["计算机学院", "外国语学院"], t0).await;
    let header: Vec<String> = IMPORT_HEADER.iter().map(|s| s.to_string()).collect();
    let mut people = vec![];
    for chunk in (0..n).collect::<Vec<_>>().chunks(2000) {
        let rows: Vec<ImportRow> = chunk
            .iter()
            .enumerate()
            .map(|(k, i)| {
                let id = id_for(*i);
                people.push((format!("学生{i}"), id.clone()));
                let g = gender(&id);
                let department = if i % 2 == 0 {
                    "计算机学院"
                } else {
                    "外国语学院"
                };
                bench_school::import_row(k + 2, *i, id, g, department)
            })
            .collect();
        engine
            .import_graduates(&admin, 2026, &header, &rows, t0)
            .await
            .unwrap();
    }
    let emp = bench_school::approved_employer(&engine, &admin, t0).await;
    let deps = engine.departments(&admin).await.unwrap();
    let dep_rev = |k: usize| Actor {
        account_id: None,
        role: Role::DepartmentReviewer,
        graduate_id: None,
        employer_id: None,
        department_id: Some(deps[k].id),
    };
    let school = Actor {
        account_id: None,
        role: Role::SchoolReviewer,
        graduate_id: None,
        employer_id: None,
        department_id: None,
    };
    let terms = AgreementTerms {
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
    };
    let start = Instant::now();
    for (i, (name, id)) in people.iter().enumerate() {
        let now = t0 + 10 + i as i64;
        let g = Actor {
            account_id: None,
            role: Role::Graduate,
            graduate_id: Some(i as i64 + 1),
            employer_id: None,
            department_id: None,
        };
        engine.confirm_info(&g, now).await.unwrap();
        let inv = engine
            .invite(
                &emp,
                &InviteInput {
                    graduate: GraduateLookup::IdNumber {
                        name: name.clone(),
                        id_number: id.clone(),
                    },
                    terms: terms.clone(),
                    deadline_days: Some(5),
                },
                now,
            )
            .await
            .unwrap();
        engine.accept_invitation(&g, inv, now).await.unwrap();
        engine
            .review(
                &dep_rev(i % 2),
                inv,
                1,
                ReviewDecision::Approve {
                    note: String::new(),
                },
                now,
            )
            .await
            .unwrap();
        engine
            .review(
                &school,
                inv,
                2,
                ReviewDecision::Approve {
                    note: String::new(),
                },
                now,
            )
            .await
            .unwrap();
    }
    let took = start.elapsed();
    let actions = f64::from(n) * 5.0;
    println!("lifecycle: {n} graduates (confirm, invite, accept, 2 approvals = {} actions) in {:.1} s: {:.0} actions/s, {:.2} ms per graduate", actions as u64, took.as_secs_f64(), actions / took.as_secs_f64(), took.as_secs_f64() * 1000.0 / f64::from(n));
    let check = Instant::now();
    let r = engine.check(&Actor::system(), None).await.unwrap();
    assert!(r.ok());
    println!(
        "check: {} history entries verified in {:.2} s",
        r.chain.entries,
        check.elapsed().as_secs_f64()
    );
}

async fn queue(n: i64) {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(
        &dir.path().join("queue.db").display().to_string(),
        dir.path().join("files"),
    )
    .await
    .unwrap();
    let t0 = shanghai_time(2026, 3, 2, 9, 0, 0);
    engine
        .init_school(
            &SchoolSetup {
                name: "基准大学".into(),
                code: "10001".into(),
                contact: "x".into(),
                departments: (1..=10).map(|d| format!("学院{d}")).collect(),
                admin_login: "admin".into(),
                admin_password: "admin12345".into(),
                admin_name: "a".into(),
            },
            t0,
        )
        .await
        .unwrap();
    // Seeding 100,000 submissions through the actions would take minutes and measure nothing new
    // (the lifecycle bench does that); the queue is seeded with plain inserts.
    let pool = engine.store().pool();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("INSERT INTO cohorts (year, module_open, chain, invite_limit_days, changes_until, agreement_title, version) VALUES (2026, 1, 'both', 15, 0, 't', 0)").execute(&mut *tx).await.unwrap();
    let majors = ["软件工程", "会计学", "英语", "法学", "数学"];
    let levels = ["本科", "硕士研究生", "专科"];
    let codes = ["80", "70", "11", "12", "75", "76", "85"];
    for i in 0..n {
        let id = id_for(i as u32);
        let dep = 1 + i % 10;
        sqlx::query("INSERT INTO graduates (cohort, student_number, name, gender, id_number, education_level, major, department_id, training_mode, directed_unit, origin, phone, email, confirmed_at, version) VALUES (2026, $1, $2, $3, $4, $5, $6, $7, '非定向', '', '北京', '13800000000', 'a@b.cn', 1, 0)")
            .bind(format!("Q{i:08}"))
            .bind(format!("学生{i}"))
            .bind(gender(&id))
            .bind(&id)
            .bind(levels[(i % 3) as usize])
            .bind(majors[(i % 5) as usize])
            .bind(dep)
            .execute(&mut *tx)
            .await
            .unwrap();
        let step = i % 2;
        sqlx::query("INSERT INTO items (kind, graduate_id, state, step, chain, version, cohort, department_id, major, education_level, dest_code, reminded, payload, submitted_at, created_at, updated_at) VALUES ('destination', $1, $2, $3, 'both', 0, 2026, $4, $5, $6, $7, 0, '{}', $8, $8, $8)")
            .bind(i + 1)
            .bind(if step == 0 { "submitted" } else { "under_review" })
            .bind(step)
            .bind(dep)
            .bind(majors[(i % 5) as usize])
            .bind(levels[(i % 3) as usize])
            .bind(codes[(i % 7) as usize])
            .bind(t0 + i * 7)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
    let school = Actor {
        account_id: None,
        role: Role::SchoolReviewer,
        graduate_id: None,
        employer_id: None,
        department_id: None,
    };
    let dep3 = Actor {
        account_id: None,
        role: Role::DepartmentReviewer,
        graduate_id: None,
        employer_id: None,
        department_id: Some(3),
    };
    let base = QueueQuery {
        kind: Some(ItemKind::Destination),
        awaiting_me: true,
        limit: 50,
        ..Default::default()
    };
    let time = |q: QueueQuery, who: Actor| {
        let engine = &engine;
        async move {
            let mut v = vec![];
            let mut rows = 0;
            for _ in 0..30 {
                let s = Instant::now();
                rows = engine.review_queue(&who, &q).await.unwrap().rows.len();
                v.push(s.elapsed());
            }
            (median(v), rows)
        }
    };
    let (first, r1) = time(base.clone(), school.clone()).await;
    // The cursor of the last page but one: walk to it once.
    let mut q = base.clone();
    let mut pages = 0;
    let mut deep_cursor = None;
    loop {
        let p = engine.review_queue(&school, &q).await.unwrap();
        pages += 1;
        match p.next {
            Some(c) => {
                deep_cursor = Some(c);
                q.after = Some(c);
            }
            None => break,
        }
    }
    let (deep, r2) = time(
        QueueQuery {
            after: deep_cursor,
            ..base.clone()
        },
        school.clone(),
    )
    .await;
    let filtered = QueueQuery {
        department_id: Some(3),
        major: Some("英语".into()),
        education_level: Some("本科".into()),
        dest_code: Some("12".into()),
        submitted_from: Some(t0),
        submitted_to: Some(t0 + n * 7),
        ..base.clone()
    };
    let (filt, r3) = time(filtered, dep3.clone()).await;
    // The workspace's "everything in scope" view (finished items included), newest first, and
    // a department's view of one state, newest first: the same indexes read backwards.
    let everything = QueueQuery {
        awaiting_me: false,
        newest_first: true,
        ..base.clone()
    };
    let (all_newest, r4) = time(everything.clone(), school.clone()).await;
    let one_state = QueueQuery {
        state: Some("submitted".into()),
        ..everything.clone()
    };
    let (dep_state, r5) = time(one_state, dep3.clone()).await;
    // Worst case: a state none of the department's items is in (its whole index range is read).
    let no_match = QueueQuery {
        state: Some("under_review".into()),
        ..everything
    };
    let (dep_none, r6) = time(no_match, dep3.clone()).await;
    // OFFSET for the same deep page, for the ratio.
    let offset = (pages - 1) * 50;
    let mut v = vec![];
    for _ in 0..30 {
        let s = Instant::now();
        let rows = sqlx::query("SELECT i.id FROM items i JOIN graduates g ON g.id = i.graduate_id JOIN departments d ON d.id = i.department_id WHERE i.kind = 'destination' AND i.state IN ('submitted', 'under_review') AND ((i.chain = 'both' AND i.step = 1) OR (i.chain = 'school' AND i.step = 0)) ORDER BY i.submitted_at, i.id LIMIT 50 OFFSET $1")
            .bind(offset)
            .fetch_all(pool)
            .await
            .unwrap();
        assert!(!rows.is_empty());
        v.push(s.elapsed());
    }
    let off = median(v);
    println!("queue of {n} submissions ({pages} pages of 50 at the school level):");
    println!(
        "  first page: {:.2} ms ({r1} rows)",
        first.as_secs_f64() * 1000.0
    );
    println!("  deep page (keyset, page {pages}): {:.2} ms ({r2} rows); OFFSET {offset}: {:.2} ms; OFFSET/keyset = {:.1}×", deep.as_secs_f64() * 1000.0, off.as_secs_f64() * 1000.0, off.as_secs_f64() / deep.as_secs_f64());
    println!(
        "  filtered page (department, major, level, code, dates): {:.2} ms ({r3} rows)",
        filt.as_secs_f64() * 1000.0
    );
    println!(
        "  everything in scope, newest first: {:.2} ms ({r4} rows); one department, one state, newest first: {:.2} ms ({r5} rows); a state no item of the department is in: {:.2} ms ({r6} rows)",
        all_newest.as_secs_f64() * 1000.0,
        dep_state.as_secs_f64() * 1000.0,
        dep_none.as_secs_f64() * 1000.0
    );
}

/// A scan-sized photo (1240×1754, A4 at 150 DPI) whose pixels depend on `seed`, so every
/// graduate's upload is its own file (content addressing would otherwise store one copy).
fn scan_png(seed: u32) -> Vec<u8> {
    let (w, h) = (1240u32, 1754u32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let v = x.wrapping_mul(31) ^ y.wrapping_mul(17) ^ seed.wrapping_mul(2_654_435_761);
        let ink = if (y / 24) % 3 == 0 && (x / 9 + seed) % 7 < 5 {
            60
        } else {
            235
        };
        let n = (v >> 5) % 18;
        image::Rgb([(ink + n) as u8, (ink + n / 2) as u8, (ink + n / 3) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Bytes under `path` (a file, or every file below a folder).
fn disk_bytes(path: &std::path::Path) -> u64 {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(m) if m.is_dir() => std::fs::read_dir(path)
            .map(|d| d.flatten().map(|e| disk_bytes(&e.path())).sum())
            .unwrap_or(0),
        _ => 0,
    }
}

/// (3) Paper registrations with uploads: `n` graduates each create a paper registration with two
/// scans, submit it, have it approved at both levels, and download the first scan; the scans are
/// prepared before the clock starts, so the figures are the engine's (compression included).
/// Prints the time and what the database and the files folder take on disk.
async fn uploads(n: u32) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let files = dir.path().join("files");
    let engine = Engine::open(&db.display().to_string(), &files)
        .await
        .unwrap();
    let t0 = shanghai_time(2026, 3, 2, 9, 0, 0);
    let admin = Actor {
        account_id: Some(
            engine
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
                .unwrap(),
        ),
        role: Role::SchoolAdmin,
        graduate_id: None,
        employer_id: None,
        department_id: None,
    };
    let cohort = CohortSettings {
        year: 2026,
        chain: ReviewChain::Both,
        invite_limit_days: 15,
        changes_until: None,
        agreement_title: None,
    };
    engine.configure_cohort(&admin, &cohort, t0).await.unwrap();
    engine.set_module(&admin, 2026, true, t0).await.unwrap();
    let header: Vec<String> = IMPORT_HEADER.iter().map(|s| s.to_string()).collect();
    let rows: Vec<ImportRow> = (0..n)
        .map(|i| {
            let id = id_for(i);
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
    let deps = engine.departments(&admin).await.unwrap();
    let reviewer = |role: Role, department_id: Option<i64>| Actor {
        account_id: None,
        role,
        graduate_id: None,
        employer_id: None,
        department_id,
    };
    let dep_rev = reviewer(Role::DepartmentReviewer, Some(deps[0].id));
    let school = reviewer(Role::SchoolReviewer, None);
    let paper = PaperInput {
        employer: EmployerDetails {
            name: "基准公司".into(),
            credit_code: "91350100M000100Y43".into(),
            nature: "其他企业".into(),
            industry: "软件".into(),
            address: "北京".into(),
            contact_person: "王".into(),
            contact_phone: "010-12345678".into(),
        },
        terms: AgreementTerms {
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
        },
    };
    let scans: Vec<[Upload; 2]> = (0..n)
        .map(|i| {
            [
                Upload::Bytes {
                    name: "第1页.png".into(),
                    bytes: scan_png(i * 2),
                },
                Upload::Bytes {
                    name: "第2页.png".into(),
                    bytes: scan_png(i * 2 + 1),
                },
            ]
        })
        .collect();
    let uploaded: usize = scans
        .iter()
        .flat_map(|s| s.iter())
        .map(|u| match u {
            Upload::Bytes { bytes, .. } => bytes.len(),
            _ => 0,
        })
        .sum();
    let db_before = disk_bytes(&db) + disk_bytes(&db.with_extension("db-wal"));
    let start = Instant::now();
    let mut reads = Duration::ZERO;
    for (i, pages) in scans.iter().enumerate() {
        let now = t0 + 10 + i as i64;
        let g = reviewer(Role::Graduate, None);
        let g = Actor {
            graduate_id: Some(i as i64 + 1),
            ..g
        };
        engine.confirm_info(&g, now).await.unwrap();
        let id = engine.create_paper(&g, &paper, pages, now).await.unwrap();
        engine.submit_registration(&g, id, now).await.unwrap();
        for r in [&dep_rev, &school] {
            let v = engine.item_detail(r, id, now).await.unwrap().item.version;
            engine
                .review(
                    r,
                    id,
                    v,
                    ReviewDecision::Approve {
                        note: String::new(),
                    },
                    now,
                )
                .await
                .unwrap();
        }
        let d = engine.item_detail(&g, id, now).await.unwrap();
        let hash = d.item.payload["scans"][0]["hash"]
            .as_str()
            .unwrap()
            .to_string();
        let read = Instant::now();
        let bytes = engine.item_file(&g, id, &hash, now).await.unwrap();
        reads += read.elapsed();
        assert!(bytes.starts_with(&[0xFF, 0xD8]));
    }
    let took = start.elapsed();
    let actions = f64::from(n) * 5.0;
    engine.store().close().await;
    let db_after = disk_bytes(&db) + disk_bytes(&db.with_extension("db-wal"));
    println!(
        "uploads: {n} graduates (confirm, paper with 2 scans, submit, 2 approvals = {} actions, {:.1} MB uploaded) in {:.1} s: {:.0} actions/s, {:.1} ms per graduate; scan downloads {:.2} ms each",
        actions as u64,
        uploaded as f64 / 1e6,
        took.as_secs_f64(),
        actions / took.as_secs_f64(),
        took.as_secs_f64() * 1000.0 / f64::from(n),
        reads.as_secs_f64() * 1000.0 / f64::from(n)
    );
    println!(
        "uploads: database grew {:.2} MB ({:.1} KB per graduate); files folder {:.2} MB",
        (db_after.saturating_sub(db_before)) as f64 / 1e6,
        (db_after.saturating_sub(db_before)) as f64 / 1e3 / f64::from(n),
        disk_bytes(&files) as f64 / 1e6
    );
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let graduates = std::env::var("GRADSIGN_BENCH_GRADUATES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let queue_size = std::env::var("GRADSIGN_BENCH_QUEUE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let uploads_n = std::env::var("GRADSIGN_BENCH_UPLOADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    // GRADSIGN_BENCH_ONLY=queue|lifecycle|uploads runs one part.
    let only = std::env::var("GRADSIGN_BENCH_ONLY").unwrap_or_default();
    let runs = |part: &str| only.is_empty() || only == part;
    if runs("queue") {
        queue(queue_size).await;
    }
    if runs("lifecycle") {
        lifecycle(graduates).await;
    }
    if runs("uploads") {
        uploads(uploads_n).await;
    }
}
