//! Crash safety (R-CRASH-01): random write loads are killed with SIGKILL at random points, and
//! after each kill the database must be whole and hold everything that was acknowledged.
//!
//! Three writers are killed, in turn:
//! - the desktop's engine process: a child process runs the catalog in-process on a SQLite file,
//!   as the desktop alone on one machine does (departments added, graduates imported, an
//!   employer's licence scan replaced);
//! - the CLI: `gradsign import graduates` of a large file, killed mid-import;
//! - the school server: `gradsign serve` on PostgreSQL over TLS, killed while a client sends the
//!   same load over HTTPS.
//!
//! After each kill: `PRAGMA integrity_check` (SQLite) or amcheck's `bt_index_check` of every
//! index with `heapallindexed` (PostgreSQL) finds nothing; `gradsign check` passes (the history
//! chain, the items' states, every file a record names present); every action whose answer came
//! back is present; the one in flight is all there or not at all (an import of 40 rows is 40 rows
//! or none); every stored file's bytes hash to its name. The writer then goes on, on the same
//! database, for the next round.
//!
//! The test command runs `GRADSIGN_CRASH_ROUNDS` rounds (6 by default, two per writer);
//! `scripts/crash.sh` runs 100. Everything runs on 127.0.0.1 and stops by itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../crates/server/tests/support/mod.rs"]
mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use gradsign_engine::demo::DEMO_PASSWORD;
use gradsign_engine::types::IdNumber;
use gradsign_engine::{Engine, EngineOptions};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::Row;

/// The child's instructions (JSON in this variable): it is the desktop's engine process.
const WRITER_ENV: &str = "GRADSIGN_CRASH_WRITER";
const COHORT: i64 = 2026;
const EMPLOYER: &str = "employer01";

// ---------------------------------------------------------------------------------------------
// The write load

/// A small deterministic generator (xorshift64*): the seed names a round, so a failing round is
/// run again with the same actions.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One write, as the acknowledgement file names it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum LoadWrite {
    Department { name: String },
    Import { student_numbers: Vec<String> },
    Licence { name: String },
}

/// A valid 18-digit ID number of a man, unique for every `g` below 10 million, born 1970–1984
/// (the demo school's graduates are born 2002–2004: never one of theirs).
fn id_of(g: u64) -> String {
    let area = ["110101", "310104", "440305", "510107"][(g / 2_520_000 % 4) as usize];
    let g = g % 2_520_000;
    let first = format!(
        "{area}{:04}{:02}{:02}{:03}",
        1970 + g / (500 * 28 * 12) % 15,
        1 + g / (500 * 28) % 12,
        1 + g / 500 % 28,
        (g % 500) * 2 + 1
    );
    let check = IdNumber::check_char(&first).unwrap();
    format!("{first}{check}")
}

/// The `n`th write of round `seed`, and the catalog operation that makes it.
fn write_of(dice: &mut Dice, seed: u64, n: u64) -> (LoadWrite, &'static str, Value) {
    match dice.below(10) {
        0..=3 => {
            let name = format!("崩溃测试{seed}-{n}");
            (
                LoadWrite::Department { name: name.clone() },
                "admin_department_add",
                json!({ "name": name }),
            )
        }
        4..=7 => {
            let rows = 1 + dice.below(40);
            let mut csv = gradsign_engine::IMPORT_HEADER.join(",");
            let mut numbers = vec![];
            for j in 0..rows {
                let g = seed * 50_000 + n * 50 + j;
                let sn = format!("9{seed:03}{n:04}{j:02}");
                csv.push_str(&format!(
                    "\n{sn},崩溃{g},男,{},本科,软件工程,计算机学院,非定向,,北京,13800000000,c{g}@example.edu.cn",
                    id_of(g)
                ));
                numbers.push(sn);
            }
            (
                LoadWrite::Import {
                    student_numbers: numbers,
                },
                "admin_import",
                json!({
                    "cohort": COHORT,
                    "fileName": format!("crash-{seed}-{n}.csv"),
                    "dataBase64": base64::engine::general_purpose::STANDARD.encode(csv),
                }),
            )
        }
        _ => {
            let name = format!("licence-{seed}-{n}.png");
            let colour = dice.next().to_le_bytes();
            let png = licence_png(
                [colour[0], colour[1], colour[2]],
                40 + dice.below(80) as u32,
            );
            (
                LoadWrite::Licence { name: name.clone() },
                "employer_replace_licence",
                json!({
                    "name": name,
                    "dataBase64": base64::engine::general_purpose::STANDARD.encode(png),
                }),
            )
        }
    }
}

/// A licence "scan": a PNG of one colour with a stripe, of its own bytes.
fn licence_png(rgb: [u8; 3], size: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(size, size, |x, y| {
        if (x + y) % 7 == 0 {
            image::Rgb([0, 0, 0])
        } else {
            image::Rgb(rgb)
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// The acknowledgement file: `sent` before a write goes out, `ok` once its answer came back,
/// each line flushed to the disk before the write goes on.
struct Acks(std::fs::File);

impl Acks {
    fn open(path: &Path) -> Acks {
        Acks(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .unwrap(),
        )
    }
    fn note(&mut self, line: Value) {
        writeln!(self.0, "{line}").unwrap();
        self.0.sync_data().unwrap();
    }
}

/// Where the writes go: the catalog in this process (the desktop alone), or a server over HTTPS.
enum Transport {
    Here {
        engine: Box<Engine>,
        admin: gradsign_api::Caller,
        employer: gradsign_api::Caller,
    },
    Https {
        client: reqwest::Client,
        base: String,
        admin: String,
        employer: String,
    },
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Transport {
    /// Runs `op` as the admin (or, for the licence, the employer). Err: the write was refused
    /// (a bug: the load is valid) or did not get through (the server died).
    async fn run(&self, op: &str, request: Value) -> Result<(), String> {
        let as_employer = op.starts_with("employer_");
        match self {
            Transport::Here {
                engine,
                admin,
                employer,
            } => {
                let cx = gradsign_api::Cx {
                    engine,
                    now: now(),
                    caller: if as_employer { employer } else { admin },
                };
                gradsign_api::dispatch(&cx, op, request)
                    .await
                    .map(drop)
                    .map_err(|e| format!("{op}: {e:?}"))
            }
            Transport::Https {
                client,
                base,
                admin,
                employer,
            } => {
                let token = if as_employer { employer } else { admin };
                let answer = client
                    .post(format!("{base}/api/v1/{op}"))
                    .bearer_auth(token)
                    .json(&request)
                    .send()
                    .await
                    .map_err(|e| format!("{op}: no answer: {e}"))?;
                if answer.status().is_success() {
                    Ok(())
                } else {
                    Err(format!(
                        "{op}: HTTP {}: {}",
                        answer.status(),
                        answer.text().await.unwrap_or_default()
                    ))
                }
            }
        }
    }
}

/// Writes until the process is killed (the desktop's engine) or the server stops answering; a
/// refused write is a failure of the test (the load is valid), told by the exit status.
async fn write_until_stopped(transport: &Transport, acks: &Path, seed: u64) -> Result<(), String> {
    let mut acks = Acks::open(acks);
    let mut dice = Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    for n in 0..1000 {
        let (write, op, request) = write_of(&mut dice, seed, n);
        acks.note(json!({ "seed": seed, "n": n, "phase": "sent", "write": write }));
        transport.run(op, request).await?;
        acks.note(json!({ "seed": seed, "n": n, "phase": "ok" }));
    }
    Ok(())
}

/// The child process: the desktop's engine on a SQLite file, writing until it is killed. Run by
/// the harness (this test binary with `--exact crash_writer_child`); without its variable it
/// does nothing.
#[tokio::test]
async fn crash_writer_child() {
    let Ok(order) = std::env::var(WRITER_ENV) else {
        return;
    };
    let order: Value = serde_json::from_str(&order).unwrap();
    let engine = Engine::open_with(
        order["db"].as_str().unwrap(),
        PathBuf::from(order["files"].as_str().unwrap()),
        EngineOptions::default(),
    )
    .await
    .unwrap();
    let caller = |login: &str| {
        let engine = &engine;
        let login = login.to_string();
        async move {
            let s = engine.sign_in(&login, DEMO_PASSWORD, now()).await.unwrap();
            gradsign_api::Caller::with_token(s.token, "crash")
        }
    };
    let transport = Transport::Here {
        admin: caller("admin").await,
        employer: caller(EMPLOYER).await,
        engine: Box::new(engine),
    };
    let seed = order["seed"].as_u64().unwrap();
    let acks = PathBuf::from(order["acks"].as_str().unwrap());
    if let Err(e) = write_until_stopped(&transport, &acks, seed).await {
        panic!("a valid write was refused: {e}");
    }
}

// ---------------------------------------------------------------------------------------------
// The checks after a kill

/// What the acknowledgement file says, in order: each write sent, and whether its answer came
/// back (one not answered is the one in flight at a kill).
fn read_acks(path: &Path) -> Vec<(LoadWrite, bool)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut writes: Vec<(LoadWrite, bool)> = vec![];
    for line in text.lines() {
        // A line cut by the kill is the last; the write it names never went out.
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        match v["phase"].as_str() {
            Some("sent") => {
                writes.push((serde_json::from_value(v["write"].clone()).unwrap(), false))
            }
            Some("ok") => writes.last_mut().expect("ok without sent").1 = true,
            _ => panic!("unknown line {line}"),
        }
    }
    writes
}

fn gradsign_bin() -> PathBuf {
    // target/debug/deps/crash_safety-… → target/debug/gradsign
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("gradsign");
    assert!(
        bin.exists(),
        "{} is built by scripts/build.sh",
        bin.display()
    );
    bin
}

/// `gradsign check` on `db`: passes.
fn gradsign_check(db: &str, files: &Path) {
    let out = Command::new(gradsign_bin())
        .args(["--db", db, "--files"])
        .arg(files)
        .arg("check")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("all checks passed"),
        "gradsign check failed after a kill:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// How much of write `w` the database holds, and how much is the whole of it.
async fn present(engine: &Engine, w: &LoadWrite) -> (usize, usize) {
    let mut c = engine.store().read().await.unwrap();
    match w {
        LoadWrite::Department { name } => {
            let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM departments WHERE name = $1")
                .bind(name)
                .fetch_one(&mut *c)
                .await
                .unwrap()
                .try_get("n")
                .unwrap();
            (n as usize, 1)
        }
        LoadWrite::Import { student_numbers } => {
            let mut n = 0;
            for sn in student_numbers {
                let k: i64 = sqlx::query(
                    "SELECT COUNT(*) AS n FROM graduates WHERE cohort = $1 AND student_number = $2",
                )
                .bind(COHORT)
                .bind(sn)
                .fetch_one(&mut *c)
                .await
                .unwrap()
                .try_get("n")
                .unwrap();
                n += k as usize;
            }
            (n, student_numbers.len())
        }
        // The licence: checked against the order of the writes.
        LoadWrite::Licence { .. } => (1, 1),
    }
}

/// Everything a kill must not break, on the database at `db`.
async fn check_after_kill(db: &str, files: &Path, acks: &Path, what: &str) -> usize {
    let engine = Engine::open_with(db, files, EngineOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{what}: the database does not open after a kill: {e}"));
    let mut c = engine.store().read().await.unwrap();
    if db.starts_with("postgres") {
        use sqlx::Executor;
        c.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
            .await
            .unwrap();
        let checked: i64 = sqlx::query(
            "SELECT COUNT(bt_index_check(c.oid, true)) AS n FROM pg_index i \
             JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam \
             JOIN pg_namespace s ON s.oid = c.relnamespace \
             WHERE am.amname = 'btree' AND s.nspname = current_schema()",
        )
        .fetch_one(&mut *c)
        .await
        .unwrap_or_else(|e| panic!("{what}: amcheck: {e}"))
        .try_get("n")
        .unwrap();
        assert!(checked > 10, "{what}: amcheck saw {checked} indexes");
    } else {
        let rows = sqlx::query("PRAGMA integrity_check")
            .fetch_all(&mut *c)
            .await
            .unwrap();
        let said: Vec<String> = rows.iter().map(|r| r.try_get(0).unwrap()).collect();
        assert_eq!(said, vec!["ok".to_string()], "{what}: integrity_check");
    }
    // Every stored file is whole: its bytes hash to its name.
    for r in sqlx::query("SELECT hash, data FROM files WHERE data IS NOT NULL")
        .fetch_all(&mut *c)
        .await
        .unwrap()
    {
        let hash: String = r.try_get("hash").unwrap();
        let data: Vec<u8> = r.try_get("data").unwrap();
        assert_eq!(hex(&Sha256::digest(&data)), hash, "{what}: a torn file");
    }
    let writes = read_acks(acks);
    for (w, answered) in &writes {
        let (found, whole) = present(&engine, w).await;
        if *answered {
            assert_eq!(
                found, whole,
                "{what}: an acknowledged write is missing: {w:?}"
            );
        } else {
            assert!(
                found == 0 || found == whole,
                "{what}: a write in flight at a kill is half there ({found} of {whole}): {w:?}"
            );
        }
    }
    // The employer's licence is the last one answered, or one sent after it at a kill.
    let licences: Vec<(String, bool)> = writes
        .iter()
        .filter_map(|(w, answered)| match w {
            LoadWrite::Licence { name } => Some((name.clone(), *answered)),
            _ => None,
        })
        .collect();
    let last_answered = licences.iter().rposition(|(_, a)| *a);
    let possible: Vec<&String> = licences
        .iter()
        .skip(last_answered.unwrap_or(0))
        .map(|(n, _)| n)
        .collect();
    if !possible.is_empty() {
        let licence: String = sqlx::query(
            "SELECT e.licence_file FROM employers e JOIN accounts a ON a.employer_id = e.id WHERE a.login = $1",
        )
        .bind(EMPLOYER)
        .fetch_one(&mut *c)
        .await
        .unwrap()
        .try_get("licence_file")
        .unwrap();
        let name = serde_json::from_str::<Value>(&licence).unwrap()["name"]
            .as_str()
            .unwrap()
            .to_string();
        // Without an answered one, the demo's own licence may still be there.
        assert!(
            possible.contains(&&name) || (last_answered.is_none() && !name.starts_with("licence-")),
            "{what}: the licence is {name}, not the last answered or one in flight: {possible:?}"
        );
    }
    drop(c);
    engine.store().close().await;
    gradsign_check(db, files);
    writes.iter().filter(|(_, a)| *a).count()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------------------------
// The writers, killed

/// Kills `child` with SIGKILL (what `Child::kill` sends on Unix) and reaps it.
fn kill(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// A database with the demo school, through the CLI (as a school would make one).
fn demo_database(db: &str, files: &Path) {
    let out = Command::new(gradsign_bin())
        .args(["--db", db, "--files"])
        .arg(files)
        .arg("demo")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "gradsign demo: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Fails the round, with what the writer said, if it has ended (`when`): it writes until killed.
fn refuse_an_ended_writer(child: &mut Child, when: &str) {
    use std::io::Read;
    if let Some(status) = child.try_wait().unwrap() {
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        panic!("the writer ended {when} ({status}): {err}");
    }
}

/// One round of the desktop's engine: the child writes on the SQLite file until killed.
async fn app_round(db: &str, files: &Path, acks: &Path, seed: u64, after: Duration) -> usize {
    let order = json!({ "db": db, "files": files, "acks": acks, "seed": seed });
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash_writer_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(WRITER_ENV, order.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = child;
    // Wait for the first acknowledged write, so every kill lands in the load, not in start-up.
    let started = Instant::now();
    let before = read_acks(acks).iter().filter(|(_, a)| *a).count();
    while read_acks(acks).iter().filter(|(_, a)| *a).count() == before {
        refuse_an_ended_writer(&mut child, "by itself");
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the writer wrote nothing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(after).await;
    refuse_an_ended_writer(&mut child, "before the kill");
    kill(child);
    check_after_kill(db, files, acks, &format!("desktop engine, seed {seed}")).await
}

/// One round of the CLI: `gradsign import graduates` of `rows` rows, killed after `after` (or
/// done by then: then all its rows must be there).
async fn cli_round(db: &str, files: &Path, dir: &Path, seed: u64, after: Duration) -> usize {
    let rows = 300 + (seed % 5) * 200;
    let mut csv = gradsign_engine::IMPORT_HEADER.join(",");
    let mut numbers = vec![];
    for j in 0..rows {
        let g = 5_000_000 + seed * 2_000 + j;
        let sn = format!("8{seed:04}{j:04}");
        csv.push_str(&format!(
            "\n{sn},导入{g},男,{},本科,软件工程,计算机学院,非定向,,北京,13800000000,i{g}@example.edu.cn",
            id_of(g)
        ));
        numbers.push(sn);
    }
    let file = dir.join(format!("import-{seed}.csv"));
    std::fs::write(&file, csv).unwrap();
    let acks = dir.join(format!("cli-{seed}.acks"));
    let mut log = Acks::open(&acks);
    let write = LoadWrite::Import {
        student_numbers: numbers,
    };
    log.note(json!({ "seed": seed, "n": 0, "phase": "sent", "write": write }));
    let mut child = Command::new(gradsign_bin())
        .args(["--db", db, "--files"])
        .arg(files)
        .args(["import", "graduates", "--cohort", &COHORT.to_string()])
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(after).await;
    if let Some(status) = child.try_wait().unwrap() {
        assert!(status.success(), "gradsign import failed: {status}");
        log.note(json!({ "seed": seed, "n": 0, "phase": "ok" }));
    } else {
        kill(child);
    }
    check_after_kill(db, files, &acks, &format!("CLI import, seed {seed}")).await
}

/// The school server as a process, on `port`, over TLS.
fn start_server(db: &str, files: &Path, ca: &support::TestCa, port: u16) -> Child {
    Command::new(gradsign_bin())
        .args(["--db", db, "--files"])
        .arg(files)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--tls-cert")
        .arg(&ca.files.cert)
        .arg("--tls-key")
        .arg(&ca.files.key)
        .args(["--workers-every-secs", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Signs in over HTTPS once the server answers; the session token.
async fn https_sign_in(client: &reqwest::Client, base: &str, login: &str) -> String {
    let started = Instant::now();
    loop {
        let answer = client
            .post(format!("{base}/api/v1/session_open"))
            .json(&json!({ "username": login, "password": DEMO_PASSWORD }))
            .send()
            .await;
        if let Ok(a) = answer {
            let body: Value = a.json().await.unwrap();
            return body["token"]
                .as_str()
                .unwrap_or_else(|| panic!("sign-in of {login}: {body}"))
                .to_string();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One round of the server: a client writes over HTTPS while the server is killed.
#[allow(clippy::too_many_arguments)]
async fn server_round(
    db: &str,
    files: &Path,
    ca: &support::TestCa,
    client: &reqwest::Client,
    port: u16,
    acks: &Path,
    seed: u64,
    after: Duration,
) -> usize {
    let server = start_server(db, files, ca, port);
    let base = format!("https://127.0.0.1:{port}");
    let transport = Transport::Https {
        client: client.clone(),
        admin: https_sign_in(client, &base, "admin").await,
        employer: https_sign_in(client, &base, EMPLOYER).await,
        base,
    };
    let writing = write_until_stopped(&transport, acks, seed);
    tokio::pin!(writing);
    tokio::select! {
        ended = &mut writing => panic!("the client stopped before the kill: {ended:?}"),
        () = tokio::time::sleep(after) => {}
    }
    kill(server);
    // The client sees the server gone: its write in flight got no answer.
    let ended = tokio::time::timeout(Duration::from_secs(40), writing)
        .await
        .expect("the client noticed the server gone");
    let e = ended.expect_err("the client cannot finish without the server");
    assert!(
        e.contains("no answer"),
        "a write was refused, not cut off: {e}"
    );
    check_after_kill(db, files, acks, &format!("school server, seed {seed}")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_crash_01_killed_writers_leave_whole_databases_with_every_acknowledged_write() {
    let rounds: u64 = std::env::var("GRADSIGN_CRASH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);
    let base_seed: u64 = std::env::var("GRADSIGN_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| now() as u64 % 10_000);
    eprintln!(
        "crash harness: {rounds} rounds from seed {base_seed} (GRADSIGN_CRASH_SEED repeats them)"
    );
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    // The desktop's SQLite file and the CLI's, each with the demo school.
    let app_db = dir.path().join("app.db").display().to_string();
    let cli_db = dir.path().join("cli.db").display().to_string();
    demo_database(&app_db, &files);
    demo_database(&cli_db, &files);
    // The server's PostgreSQL database, and its TLS.
    let pg = support::fresh_postgres().await;
    demo_database(&pg, &files);
    let ca = support::test_ca("crash");
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(ca.ca_pem.as_bytes()).unwrap())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut dice = Dice(base_seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let (mut acknowledged, mut kills) = (0usize, [0usize; 3]);
    for round in 0..rounds {
        // Each round's writes are its own (names, student and ID numbers): the seed is the round.
        let seed = round + 1;
        let after = Duration::from_millis(50 + dice.below(1500));
        let which = (round % 3) as usize;
        acknowledged += match which {
            0 => {
                let acks = dir.path().join("app.acks");
                app_round(&app_db, &files, &acks, seed, after).await
            }
            1 => cli_round(&cli_db, &files, dir.path(), seed, after).await,
            _ => {
                let acks = dir.path().join("server.acks");
                server_round(&pg, &files, &ca, &client, port, &acks, seed, after).await
            }
        };
        kills[which] += 1;
    }
    eprintln!(
        "crash harness: {} kills of the desktop engine, {} of the CLI, {} of the server; every check passed, {acknowledged} acknowledged writes checked present",
        kills[0], kills[1], kills[2]
    );
    assert_eq!(kills.iter().sum::<usize>() as u64, rounds);
}
