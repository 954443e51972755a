//! The harness of the end-to-end tests: starts tauri-driver (which starts WebKitWebDriver, which
//! starts the app), opens a WebDriver session on the built app with a data folder of its own, and
//! ends every process it started, by pid, when dropped.
//!
//! Run through `bash scripts/e2e.sh`: it builds the app, starts Xvfb, a D-Bus session and an
//! unlocked gnome-keyring, and sets GRADSIGN_APP_BIN and TAURI_DRIVER. The tests are `#[ignore]`d
//! so that a plain `cargo test` never opens a window.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

/// The port tauri-driver listens on (127.0.0.1 only).
pub const DRIVER_PORT: u16 = 4444;

/// How long to wait for a screen to appear.
pub const SCREEN_TIMEOUT: Duration = Duration::from_secs(30);

/// One running app under WebDriver, with its own data folder.
#[derive(Debug)]
pub struct App {
    pub client: Client,
    pub data_dir: tempfile::TempDir,
    driver: Driver,
}

impl App {
    /// Starts the app on a new, empty data folder.
    pub async fn start() -> App {
        let data_dir = tempfile::tempdir().expect("temp data dir");
        Self::start_in(data_dir).await
    }

    /// Starts the app on the given data folder (e.g. to restart on the same database).
    pub async fn start_in(data_dir: tempfile::TempDir) -> App {
        let driver = Driver(start_driver());
        let app_bin = app_binary();
        let capabilities = serde_json::json!({
            "tauri:options": {
                "application": app_bin,
                "args": ["--data-dir", data_dir.path()],
            }
        });
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("a JSON object"),
        };
        let client = ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{DRIVER_PORT}"))
            .await;
        let client = match client {
            Ok(client) => client,
            Err(e) => {
                drop(driver);
                panic!("no WebDriver session on {}: {e}", app_bin.display());
            }
        };
        App {
            client,
            data_dir,
            driver,
        }
    }

    /// Waits for the element matching `css` and returns its text.
    pub async fn text_of(&self, css: &str) -> String {
        self.client
            .wait()
            .at_most(SCREEN_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
            .text()
            .await
            .expect("element text")
    }

    /// Waits for `css`, then clicks it.
    pub async fn click(&self, css: &str) {
        self.client
            .wait()
            .at_most(SCREEN_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// Waits for `css`, then types `text` into it.
    pub async fn type_into(&self, css: &str, text: &str) {
        self.client
            .wait()
            .at_most(SCREEN_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
    }

    /// Saves a PNG of the window to docs/screenshots/NAME.png.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).expect("screenshots dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// Closes the session and ends the processes; returns the data folder for a restart.
    pub async fn quit(self) -> tempfile::TempDir {
        let App {
            client,
            data_dir,
            driver,
        } = self;
        let _ = client.close().await;
        drop(driver);
        data_dir
    }
}

/// tauri-driver and everything it started, ended by pid when dropped (also when a test panics).
#[derive(Debug)]
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        stop_tree(&mut self.0);
    }
}

/// The repository's docs/screenshots folder.
pub fn screenshots_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots")
}

fn app_binary() -> PathBuf {
    let bin = std::env::var_os("GRADSIGN_APP_BIN")
        .map(PathBuf::from)
        .expect("GRADSIGN_APP_BIN: run the e2e tests through scripts/e2e.sh");
    assert!(bin.is_file(), "no app binary at {}", bin.display());
    bin
}

fn start_driver() -> Child {
    assert!(
        TcpStream::connect(("127.0.0.1", DRIVER_PORT)).is_err(),
        "port {DRIVER_PORT} is taken: a tauri-driver from an earlier run is still running"
    );
    let driver = std::env::var_os("TAURI_DRIVER").unwrap_or_else(|| "tauri-driver".into());
    let mut child = Command::new(driver)
        .args(["--port", &DRIVER_PORT.to_string()])
        .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tauri-driver (cargo install tauri-driver --locked)");
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", DRIVER_PORT)).is_err() {
        if started.elapsed() > Duration::from_secs(20) {
            stop_tree(&mut child);
            panic!("tauri-driver did not listen on {DRIVER_PORT}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child
}

/// Ends `child` and every process below it (WebKitWebDriver, the app, WebKit's helpers): the
/// deepest first, by pid, so nothing is left behind holding the port or the display.
fn stop_tree(child: &mut Child) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    for pid in descendants(child.id()).into_iter().rev() {
        let _ = Command::new("kill").arg(pid.to_string()).status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The pids below `root`, parents before children, read from /proc.
fn descendants(root: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            if let Some(ppid) = parent_of(pid) {
                parents.push((pid, ppid));
            }
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let current = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == current)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    found.remove(0);
    found
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(1)?.parse().ok()
}
