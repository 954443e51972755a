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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_logs_json_without_personal_data_and_stops_on_sigterm() {
    let admin_url = std::env::var("GRADSIGN_TEST_PG").expect(
        "GRADSIGN_TEST_PG is not set: run the tests through scripts/test.sh, which starts PostgreSQL",
    );
    let name = format!("serve_{}", std::process::id());
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

    let mut child = Command::new(env!("CARGO_BIN_EXE_gradsign"))
        .args([
            "--db",
            &db,
            "--files",
            &files,
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
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
