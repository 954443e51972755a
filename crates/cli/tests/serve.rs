//! `gradsign serve` as a process on a real PostgreSQL: it listens, answers, writes one JSON
//! access line per request with operation, status, latency and request id and never a name, ID
//! number, phone number, token or password, and stops on SIGTERM after the requests in flight.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn psql(url: &str, sql: &str) -> String {
    let o = Command::new("psql")
        .args([url, "-qtA", "-c", sql])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

/// A running `gradsign serve` on a free port of 127.0.0.1: the process, its URL, the rest of its
/// standard output as it comes, the thread reading it, and the lines read so far.
fn start_server(
    db: &str,
    files: &str,
) -> (
    std::process::Child,
    String,
    std::sync::mpsc::Receiver<String>,
    std::thread::JoinHandle<()>,
    Vec<String>,
) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gradsign"))
        .args([
            "--db",
            db,
            "--files",
            files,
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines_rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = vec![];
    let url = loop {
        let line = lines_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server says where it listens");
        let v: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        lines.push(line);
        if v["message"] == "listening" {
            break v["url"].as_str().unwrap().to_string();
        }
    };
    (child, url, lines_rx, reader, lines)
}

/// A fresh database on the test cluster and the demo school in it (through the CLI).
fn demo_database(prefix: &str) -> (String, tempfile::TempDir) {
    let admin_url = std::env::var("GRADSIGN_TEST_PG").expect(
        "GRADSIGN_TEST_PG is not set: run the tests through scripts/test.sh, which starts PostgreSQL",
    );
    let name = format!("{prefix}_{}", std::process::id());
    psql(&admin_url, &format!("CREATE DATABASE {name}"));
    let db = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files").display().to_string();
    let demo = Command::new(env!("CARGO_BIN_EXE_gradsign"))
        .args(["--db", &db, "--files", &files, "demo"])
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    (db, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_logs_json_without_personal_data_and_stops_on_sigterm() {
    let (db, dir) = demo_database("serve");
    let files = dir.path().join("files").display().to_string();
    let (mut child, url, lines_rx, reader, mut lines) = start_server(&db, &files);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let client = reqwest::Client::new();
    let call = |op: &str, token: Option<&str>, body: Value| {
        let mut r = client.post(format!("{url}/api/v1/{op}")).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    let wrong_password = "Wrong-Pa55word-9";
    let r = call(
        "session_open",
        None,
        json!({ "username": "admin", "password": wrong_password }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 401);
    let r = call(
        "session_open",
        None,
        json!({ "username": "admin", "password": "demo2026" }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let admin_token = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let graduates: Value = call(
        "admin_graduates",
        Some(&admin_token),
        json!({ "cohort": 2026, "departmentId": null, "major": null, "educationLevel": null, "text": null }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let a_name = graduates[0]["name"].as_str().unwrap().to_string();
    let student_number = "2026000011";
    let id_number = psql(
        &db,
        &format!("SELECT id_number FROM graduates WHERE student_number = '{student_number}'"),
    );
    assert_eq!(id_number.len(), 18);
    let new_password = "Activ8-Now-2026";
    let r = call(
        "account_activate",
        None,
        json!({ "studentNumber": student_number, "idNumber": id_number, "password": new_password }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let graduate_token = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let phone = "13912345678";
    // Confirmed already or now: either way the contact can change next (R-INFO-02).
    let r = call("graduate_confirm_info", Some(&graduate_token), Value::Null)
        .await
        .unwrap();
    assert!(matches!(r.status().as_u16(), 200 | 409), "{}", r.status());
    let r = call(
        "graduate_update_contact",
        Some(&graduate_token),
        json!({ "phone": phone, "email": "new-address@example.edu.cn" }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    let pid = child.id().to_string();
    let term = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(term.success());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server stops on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "a graceful stop exits 0: {status:?}");
    reader.join().unwrap();
    lines.extend(lines_rx.try_iter());

    let mut access = vec![];
    for line in &lines {
        let v: Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not a JSON line: {line}"));
        for secret in [
            wrong_password,
            "demo2026",
            new_password,
            &admin_token,
            &graduate_token,
            &id_number,
            phone,
            &a_name,
            "new-address@example.edu.cn",
        ] {
            assert!(
                !line.contains(secret),
                "the log holds personal data or a secret: {line}"
            );
        }
        if v["target"] == "access" {
            access.push(v);
        }
    }
    let seen: Vec<(String, u64)> = access
        .iter()
        .map(|v| {
            (
                v["operation"].as_str().unwrap_or("").to_string(),
                v["status"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    for expected in [
        ("session_open".to_string(), 401),
        ("session_open".to_string(), 200),
        ("admin_graduates".to_string(), 200),
        ("account_activate".to_string(), 200),
        ("graduate_update_contact".to_string(), 200),
    ] {
        assert!(seen.contains(&expected), "{expected:?} in {seen:?}");
    }
    for v in &access {
        assert!(
            v["request_id"].as_str().is_some_and(|s| s.len() >= 16),
            "{v}"
        );
        assert!(v["latency_ms"].as_f64().is_some(), "{v}");
    }
    let refused = access.iter().find(|v| v["status"] == 401).unwrap();
    assert_eq!(refused["code"], "wrong_credentials");
    assert!(
        lines.iter().any(|l| l.contains("\"stopped\"")),
        "it says it stopped"
    );
}

/// What a client of the kill test saw for one action: applied (its first answer, or "already
/// applied" for a key whose answer the killed server never kept).
fn applied(status: u16, body: &Value) -> bool {
    status == 200
        || (status == 409
            && body["code"] == "duplicate"
            && body["details"]["field"] == "Idempotency-Key")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_idem_01_a_server_killed_mid_load_loses_and_doubles_nothing() {
    let (db, dir) = demo_database("kill");
    let files = dir.path().join("files").display().to_string();
    let (mut child, url, _rx, _reader, _) = start_server(&db, &files);
    let url = std::sync::Arc::new(std::sync::Mutex::new(url));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let base = url.lock().unwrap().clone();
    let token = client
        .post(format!("{base}/api/v1/session_open"))
        .json(&json!({ "username": "admin", "password": "demo2026" }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();

    // Four clients, each adding its departments one after another, every request with its own
    // key, retried (same key, same body) until it is answered as applied.
    const PER_CLIENT: usize = 25;
    let mut clients = vec![];
    for c in 0..4 {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        clients.push(tokio::spawn(async move {
            let mut acknowledged = vec![];
            for i in 0..PER_CLIENT {
                let name = format!("院系{c}-{i}");
                let key = format!("add-{c}-{i}");
                let mut tries = 0;
                loop {
                    tries += 1;
                    assert!(tries < 400, "{name} was never answered");
                    let base = url.lock().unwrap().clone();
                    let sent = client
                        .post(format!("{base}/api/v1/admin_department_add"))
                        .bearer_auth(&token)
                        .header("idempotency-key", &key)
                        .json(&json!({ "name": name }))
                        .send()
                        .await;
                    let Ok(response) = sent else {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    };
                    let status = response.status().as_u16();
                    let body: Value = response.json().await.unwrap_or(Value::Null);
                    if applied(status, &body) {
                        acknowledged.push(name);
                        break;
                    }
                    assert!(
                        status == 503 || status >= 500,
                        "{name}: a retry is answered as applied or as retryable, not {status} {body}"
                    );
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            acknowledged
        }));
    }

    // Kill the server twice mid-load (SIGKILL: no graceful anything), restarting it each time.
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        child.kill().unwrap();
        child.wait().unwrap();
        let (next, next_url, _rx, _reader, _) = start_server(&db, &files);
        child = next;
        *url.lock().unwrap() = next_url;
    }
    let mut acknowledged = vec![];
    for c in clients {
        acknowledged.extend(c.await.unwrap());
    }
    assert_eq!(acknowledged.len(), 4 * PER_CLIENT);

    let base = url.lock().unwrap().clone();
    let departments: Value = client
        .post(format!("{base}/api/v1/admin_departments"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<String> = departments
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect();
    for name in &acknowledged {
        assert_eq!(
            names.iter().filter(|n| *n == name).count(),
            1,
            "{name} is there exactly once"
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let check = Command::new(env!("CARGO_BIN_EXE_gradsign"))
        .args(["--db", &db, "--files", &files, "check"])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "gradsign check after the kills: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}
