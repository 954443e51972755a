//! Updates, end to end in the real window: the app (version N = the workspace version) asks a
//! manifest served on 127.0.0.1 and finds N+1, shows its notes, downloads it with progress and
//! checks its signature; a tampered package and a manifest announcing another version than the
//! signature records are refused, and nothing is saved for them. The key pair is made here;
//! development builds read its public key from GRADSIGN_UPDATE_PUBKEY (release builds trust only
//! tauri.conf.json's).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gradsign_e2e::update_signing::SigningKey;
use gradsign_e2e::App;

const PACKAGE: &str = "GradSign_0.2.0_amd64.deb";

/// What the little update server answers: the manifest and the package.
#[derive(Clone, Default)]
struct Served {
    manifest: Arc<Mutex<String>>,
    package: Arc<Mutex<Vec<u8>>>,
}

/// Serves `/latest.json` and `/PACKAGE` on 127.0.0.1 (one connection at a time, then closed).
fn serve(served: Served) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the update server");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            // Skip the headers.
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/");
            let (status, kind, body) = if path.starts_with("/latest.json") {
                let m = served.manifest.lock().unwrap().clone().into_bytes();
                ("200 OK", "application/json", m)
            } else if path == format!("/{PACKAGE}") {
                let p = served.package.lock().unwrap().clone();
                ("200 OK", "application/octet-stream", p)
            } else {
                ("404 Not Found", "text/plain", b"not found".to_vec())
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    port
}

fn manifest(port: u16, version: &str, signature: &str) -> String {
    let platform = serde_json::json!({
        "signature": signature,
        "url": format!("http://127.0.0.1:{port}/{PACKAGE}"),
    });
    serde_json::json!({
        "version": version,
        "notes": "新增：审核员批量通过\nNew: batch approval for reviewers",
        "pub_date": "2026-11-27T08:00:00Z",
        "platforms": { "linux-x86_64": platform.clone(), "linux-x86_64-deb": platform },
    })
    .to_string()
}

/// Waits until the element's text contains `wanted`.
async fn wait_for_text(app: &App, css: &str, wanted: &str) -> String {
    let started = Instant::now();
    loop {
        let text = app.text_of(css).await;
        if text.contains(wanted) {
            return text;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{css} shows {text:?}, not {wanted:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn the_app_finds_a_signed_update_and_refuses_a_tampered_or_mislabelled_one() {
    let key = SigningKey::generate();
    let package: Vec<u8> = b"GradSign 0.2.0 package "
        .iter()
        .cycle()
        .take(300_000)
        .copied()
        .collect();
    let signature = key.sign(&package, PACKAGE, "0.2.0", 1_795_737_600);
    let served = Served::default();
    let port = serve(served.clone());
    *served.manifest.lock().unwrap() = manifest(port, "0.2.0", &signature);
    *served.package.lock().unwrap() = package.clone();
    // tauri-driver → WebKitWebDriver → the app inherit these.
    std::env::set_var(
        "GRADSIGN_UPDATE_ENDPOINT",
        format!("http://127.0.0.1:{port}/latest.json"),
    );
    std::env::set_var("GRADSIGN_UPDATE_PUBKEY", key.tauri_pubkey());

    let app = App::start().await;
    app.click("[data-testid=about-open]").await;
    assert_eq!(
        app.text_of("[data-testid=about-version]").await,
        env!("CARGO_PKG_VERSION")
    );
    let schema = app.text_of("[data-testid=about-schema]").await;
    assert!(schema.contains("本程序支持"), "{schema}");
    let database = app.text_of("[data-testid=about-database]").await;
    assert!(database.ends_with("gradsign.sqlite3"), "{database}");

    // N+1 is found, with its notes.
    app.click("[data-testid=update-check]").await;
    let found = wait_for_text(&app, "[data-testid=update-version]", "0.2.0").await;
    assert!(found.contains(env!("CARGO_PKG_VERSION")), "{found}");
    let notes = app.text_of("[data-testid=update-notes]").await;
    assert!(notes.contains("批量通过"), "{notes}");

    // Downloaded, verified, saved for the package manager (a development build never replaces
    // itself).
    app.click("[data-testid=update-download]").await;
    wait_for_text(&app, "[data-testid=update-verified]", "签名校验通过").await;
    let saved_text = app.text_of("[data-testid=update-saved]").await;
    let saved = app.data_dir.path().join("updates").join(PACKAGE);
    assert!(saved_text.contains(PACKAGE), "{saved_text}");
    assert_eq!(std::fs::read(&saved).expect("saved package"), package);
    app.screenshot("about-update").await;

    // A tampered package: refused, and the verified copy saved earlier is untouched.
    let mut tampered = package.clone();
    tampered[1000] ^= 0x20;
    *served.package.lock().unwrap() = tampered;
    app.click("[data-testid=update-check]").await;
    wait_for_text(&app, "[data-testid=update-version]", "0.2.0").await;
    app.click("[data-testid=update-download]").await;
    let error = wait_for_text(&app, "[data-testid=about-error]", "签名校验").await;
    assert!(error.contains("拒绝"), "{error}");
    assert_eq!(std::fs::read(&saved).expect("saved package"), package);

    // A manifest announcing 0.3.0 with the genuine package and signature made for 0.2.0.
    *served.package.lock().unwrap() = package.clone();
    *served.manifest.lock().unwrap() = manifest(port, "0.3.0", &signature);
    app.click("[data-testid=update-check]").await;
    wait_for_text(&app, "[data-testid=update-version]", "0.3.0").await;
    app.click("[data-testid=update-download]").await;
    wait_for_text(&app, "[data-testid=about-error]", "签名校验").await;
    let files = std::fs::read_dir(app.data_dir.path().join("updates"))
        .expect("updates folder")
        .count();
    assert_eq!(files, 1, "nothing but the verified 0.2.0 package is kept");

    // The current version announced again: nothing to do.
    *served.manifest.lock().unwrap() = manifest(port, env!("CARGO_PKG_VERSION"), &signature);
    app.click("[data-testid=update-check]").await;
    wait_for_text(&app, "[data-testid=update-none]", "最新").await;
    app.quit().await;
}
