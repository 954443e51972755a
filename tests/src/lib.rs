//! The harness of the end-to-end tests: starts tauri-driver (which starts WebKitWebDriver, which
//! starts the app), opens a WebDriver session on the built app with a data folder of its own, and
//! ends every process it started, by pid, when dropped.
//!
//! Run through `bash scripts/e2e.sh`: it builds the app, starts Xvfb, a D-Bus session and an
//! unlocked gnome-keyring, and sets GRADSIGN_APP_BIN and TAURI_DRIVER. The tests are `#[ignore]`d
//! so that a plain `cargo test` never opens a window.

pub mod update_signing;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

/// How long to wait for a screen to appear.
pub const SCREEN_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest one WebDriver call may take before the test fails (a hung WebKit must not hang
/// the whole run).
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// Runs one WebDriver step, failing the test when it takes longer than [`STEP_TIMEOUT`].
pub async fn within<T>(what: &str, step: impl std::future::Future<Output = T>) -> T {
    eprintln!("e2e: {what}");
    tokio::time::timeout(STEP_TIMEOUT, step)
        .await
        .unwrap_or_else(|_| panic!("{what}: no answer within {STEP_TIMEOUT:?}"))
}

/// One running app under WebDriver, with its own data folder.
#[derive(Debug)]
pub struct App {
    pub client: Client,
    pub data_dir: tempfile::TempDir,
    driver: Driver,
    /// Whether [`App::screenshot`] writes docs/screenshots (one of the suite's two modes does).
    screenshots: bool,
}

impl App {
    /// Starts the app on a new, empty data folder.
    pub async fn start() -> App {
        let data_dir = tempfile::tempdir().expect("temp data dir");
        Self::start_in(data_dir).await
    }

    /// Starts the app on the given data folder (e.g. to restart on the same database).
    pub async fn start_in(data_dir: tempfile::TempDir) -> App {
        Self::start_in_with_env(data_dir, &[]).await
    }

    /// [`App::start_in`] with extra environment variables for the app (tauri-driver passes its
    /// own environment on to WebKitWebDriver and the app), e.g. no D-Bus session: no keychain.
    pub async fn start_in_with_env(data_dir: tempfile::TempDir, env: &[(&str, &str)]) -> App {
        let driver = start_driver(env);
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
        let client = tokio::time::timeout(
            SCREEN_TIMEOUT,
            ClientBuilder::native()
                .capabilities(capabilities)
                .connect(&format!("http://127.0.0.1:{}", driver.port)),
        )
        .await
        .unwrap_or_else(|_| panic!("no WebDriver session within {SCREEN_TIMEOUT:?}"));
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
            screenshots: true,
        }
    }

    /// Turns [`App::screenshot`] on or off: a test that runs in both modes documents one of them.
    pub fn take_screenshots(&mut self, on: bool) {
        self.screenshots = on;
    }

    /// Waits for the element matching `css`; when it does not come, saves what the window shows
    /// (screenshot and page source, in the system temp folder) and fails the test.
    pub async fn element(&self, css: &str) -> Element {
        self.element_within(css, SCREEN_TIMEOUT).await
    }

    /// [`App::element`] for a screen that takes up to `wait` to come (e.g. making the demo school).
    pub async fn element_within(&self, css: &str, wait: Duration) -> Element {
        let found = tokio::time::timeout(
            wait + STEP_TIMEOUT,
            self.client
                .wait()
                .at_most(wait)
                .for_element(Locator::Css(css)),
        )
        .await;
        eprintln!(
            "e2e: element {css}: {}",
            if matches!(found, Ok(Ok(_))) {
                "found"
            } else {
                "missing"
            }
        );
        match found.unwrap_or_else(|_| panic!("finding {css}: no answer")) {
            Ok(element) => element,
            Err(e) => {
                let dir = std::env::temp_dir().join("gradsign-e2e-failures");
                let _ = std::fs::create_dir_all(&dir);
                // The X display, as `screenshot` takes it (WebKitWebDriver's own never answers
                // under Xvfb).
                let _ = Command::new("import")
                    .args(["-window", "root"])
                    .arg(dir.join("window.png"))
                    .status();
                let source = tokio::time::timeout(STEP_TIMEOUT, self.client.source())
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .unwrap_or_default();
                let _ = std::fs::write(dir.join("window.html"), &source);
                panic!(
                    "no element {css}: {e}; the window is saved in {}",
                    dir.display()
                );
            }
        }
    }

    /// Waits for the element matching `css` and returns its text.
    pub async fn text_of(&self, css: &str) -> String {
        let element = self.element(css).await;
        within(&format!("text of {css}"), element.text())
            .await
            .expect("element text")
    }

    /// The element's textContent (WebDriver's rendered text leaves out Element Plus table cells).
    pub async fn content(&self, css: &str) -> String {
        self.element(css).await;
        let script =
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';";
        let v = within(
            &format!("textContent of {css}"),
            self.client.execute(script, vec![serde_json::json!(css)]),
        )
        .await
        .unwrap();
        v.as_str().unwrap_or_default().to_string()
    }

    /// Waits until `css`'s textContent satisfies `ok`.
    pub async fn wait_content(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let text = self.content(css).await;
            if ok(&text) {
                return text;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{css} still shows {text:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits for `css`, then clicks it.
    pub async fn click(&self, css: &str) {
        let element = self.element(css).await;
        within(&format!("click {css}"), element.click())
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// Waits for the field `css`, empties it, then types `text` into it. WebDriver's clear fires
    /// no `input` event, so a Vue model keeps its old value: use it on fields the app has
    /// emptied itself (or never filled).
    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.element(css).await;
        within(&format!("clear {css}"), field.clear())
            .await
            .unwrap_or_else(|e| panic!("cannot clear {css}: {e}"));
        within(&format!("type into {css}"), field.send_keys(text))
            .await
            .unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
    }

    /// Saves a PNG of the window to docs/screenshots/NAME.png.
    ///
    /// Taken from the X display (ImageMagick's `import`, cropped to the window's rectangle as
    /// WebDriver reports it): WebKitWebDriver's own Take Screenshot never answers under Xvfb here.
    pub async fn screenshot(&self, name: &str) {
        self.check_page_text(name).await;
        if !self.screenshots {
            return;
        }
        let (x, y, w, h) = within("window rect", self.client.get_window_rect())
            .await
            .expect("window rect");
        // Let a just-clicked screen finish painting.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).expect("screenshots dir");
        let out = dir.join(format!("{name}.png"));
        let status = Command::new("import")
            .args(["-window", "root", "-crop"])
            .arg(format!("{w}x{h}+{x}+{y}"))
            .arg("+repage")
            .arg(format!("PNG32:{}", out.display()))
            .status()
            .expect("run ImageMagick's import");
        assert!(status.success(), "import failed for {}", out.display());
    }

    /// Removes the passing "saved" toasts of earlier steps: they sit over the top bar and would
    /// take a click or show in a screenshot.
    pub async fn clear_toasts(&self) {
        let _ = self
            .client
            .execute(
                "document.querySelectorAll('.el-message').forEach((e) => e.remove())",
                vec![],
            )
            .await;
    }

    /// What every screen the suite documents must not show: a time that is not set drawn as the
    /// epoch, and the rule ids that belong in the code and its tests (R-UI-01 in docs/rules.md).
    pub async fn check_page_text(&self, screen: &str) {
        let text = within(
            "read the page text",
            self.client
                .execute("return document.body.innerText", vec![]),
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
        assert!(
            !text.contains("1970-01-01") && !text.contains("1970/01/01"),
            "{screen}: a time shown as the epoch: {text}"
        );
        if let Some(id) = rule_id_in(&text) {
            panic!("{screen}: the screen shows the rule id {id}: {text}");
        }
        // R-A11Y-01: axe-core finds no serious or critical violation on the screen.
        let violations = self.accessibility_violations().await;
        if std::env::var_os("GRADSIGN_AXE_REPORT").is_some() {
            eprintln!("AXE {screen}: {violations:#?}");
        } else {
            assert!(
                violations.is_empty(),
                "{screen}: axe-core finds serious or critical accessibility violations: {violations:#?}"
            );
        }
    }

    /// The serious and critical violations axe-core (ui/node_modules/axe-core, the version the
    /// UI's lockfile pins) finds on the window's page as it is now: rule, help, where. An open
    /// select's popup list is left out (Element Plus's widget).
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let source = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../ui/node_modules/axe-core/axe.min.js"
        ))
        .expect("axe-core is installed with the UI's packages (npm ci in ui/)");
        // Loaded once per page: the script defines window.axe.
        let loaded = within(
            "load axe-core",
            self.client.execute(
                &format!("if (!window.axe) {{ {source}\n }} return typeof window.axe;"),
                vec![],
            ),
        )
        .await
        .expect("axe-core loads");
        assert_eq!(
            loaded,
            serde_json::json!("object"),
            "axe-core defined window.axe"
        );
        let found = within(
            "run axe-core",
            self.client.execute_async(
                r#"const done = arguments[arguments.length - 1];
                // The screen as it settles: fades and slides (a closing message box, a toast,
                // a route's entrance) finish first, so no colour is read half-way (at most 3 s).
                const finite = () => document.getAnimations().filter((a) => {
                  const end = a.effect && a.effect.getComputedTiming().endTime;
                  return a.playState === 'running' && Number.isFinite(end);
                });
                const settle = () => Promise.race([
                  Promise.all(finite().map((a) => a.finished.catch(() => null))),
                  new Promise((r) => setTimeout(r, 3000)),
                ]).then(() => new Promise((r) => setTimeout(r, 150)));
                settle().then(settle).then(() =>
                // An open select's popup list is Element Plus's own widget (its listbox and
                // tooltip roles), out of this app's reach: the page around it is checked.
                window.axe.run({ exclude: [['.el-select__popper']] }, { resultTypes: ['violations'] })
                  .then((r) => done(r.violations
                    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} (${(n.any[0] || n.all[0] || n.none[0] || {}).message || ''})`).join(' | ')}`)))
                  .catch((e) => done([`axe-core failed: ${e}`])));"#,
                vec![],
            ),
        )
        .await
        .expect("axe-core answers");
        serde_json::from_value(found).unwrap_or_default()
    }

    /// Closes the session and ends the processes; returns the data folder for a restart.
    pub async fn quit(self) -> tempfile::TempDir {
        let App {
            client,
            data_dir,
            driver,
            ..
        } = self;
        let _ = tokio::time::timeout(STEP_TIMEOUT, client.close()).await;
        drop(driver);
        data_dir
    }
}

/// tauri-driver and everything it started, ended by pid when dropped (also when a test panics),
/// with the two ports this app's drivers were given: tauri-driver's and WebKitWebDriver's.
#[derive(Debug)]
struct Driver {
    child: Child,
    port: u16,
    native_port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        stop_tree(&mut self.child);
    }
}

/// Two free ports on 127.0.0.1, held (bound) until [`FreePorts::release`]: both are bound at
/// once, so they differ, and a port some other process still holds (a WebKitWebDriver of an
/// app that has not quite gone) is never handed out.
#[derive(Debug)]
pub struct FreePorts {
    driver: TcpListener,
    native: TcpListener,
}

impl FreePorts {
    /// Binds two ports the system picks (port 0).
    pub fn pick() -> FreePorts {
        let bind = || TcpListener::bind(("127.0.0.1", 0)).expect("bind a free port on 127.0.0.1");
        FreePorts {
            driver: bind(),
            native: bind(),
        }
    }

    /// tauri-driver's port and WebKitWebDriver's (`--native-port`).
    pub fn ports(&self) -> (u16, u16) {
        let port = |l: &TcpListener| l.local_addr().expect("bound address").port();
        (port(&self.driver), port(&self.native))
    }

    /// Lets both ports go (just before the drivers start on them) and returns them.
    pub fn release(self) -> (u16, u16) {
        self.ports()
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

/// Starts tauri-driver on two free ports of this app's own, so two apps can run side by side and
/// a restart never meets the previous WebKitWebDriver on its port.
fn start_driver(env: &[(&str, &str)]) -> Driver {
    let (port, native_port) = FreePorts::pick().release();
    let driver = std::env::var_os("TAURI_DRIVER").unwrap_or_else(|| "tauri-driver".into());
    let child = Command::new(driver)
        .args(["--port", &port.to_string()])
        .args(["--native-port", &native_port.to_string()])
        .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tauri-driver (cargo install tauri-driver --locked)");
    let driver = Driver {
        child,
        port,
        native_port,
    };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(20) {
            panic!(
                "tauri-driver did not listen on {port} (native port {})",
                driver.native_port
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    driver
}

/// Ends `child` and every process below it (WebKitWebDriver, the app, WebKit's helpers): the
/// deepest first, by pid, so nothing is left behind holding the port or the display.
fn stop_tree(child: &mut Child) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    for pid in descendants(child.id()).into_iter().rev() {
        let _ = Command::new("kill")
            .arg(pid.to_string())
            .stderr(Stdio::null())
            .status();
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

/// Answers the app's native save dialog (GTK) with `path`: finds the dialog by its title, gives
/// it the keyboard (no window manager under Xvfb) and types the path into its name field.
pub async fn answer_save_dialog(title: &str, path: &std::path::Path) {
    let started = std::time::Instant::now();
    let window = loop {
        let found = std::process::Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", title])
            .output()
            .expect("run xdotool");
        let ids = String::from_utf8_lossy(&found.stdout).to_string();
        if let Some(id) = ids.lines().next() {
            break id.to_string();
        }
        assert!(started.elapsed() < SCREEN_TIMEOUT, "no save dialog {title}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // Let the dialog finish mapping and focus its name field.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let xdotool = |args: &[&str]| {
        let status = std::process::Command::new("xdotool")
            .args(args)
            .status()
            .expect("run xdotool");
        assert!(status.success(), "xdotool {args:?}");
    };
    xdotool(&["windowfocus", "--sync", &window]);
    xdotool(&["key", "--clearmodifiers", "ctrl+a"]);
    xdotool(&["type", "--delay", "20", &path.display().to_string()]);
    xdotool(&["key", "Return"]);
}

/// The first rule id (`R-SIGN-03`, `R-TERM-04` …) in `text`, if any.
pub fn rule_id_in(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find("R-") {
        let start = from + at;
        let mut i = start + 2;
        while i < bytes.len() && bytes[i].is_ascii_uppercase() {
            i += 1;
        }
        if i > start + 2 && i + 1 < bytes.len() && bytes[i] == b'-' && bytes[i + 1].is_ascii_digit()
        {
            let mut end = i + 1;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            return Some(&text[start..end]);
        }
        from = start + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_found_in_text_and_nothing_else_is() {
        assert_eq!(
            rule_id_in("其他邀请仅可查看（R-SIGN-03）"),
            Some("R-SIGN-03")
        );
        assert_eq!(rule_id_in("R-TERM-04"), Some("R-TERM-04"));
        assert_eq!(rule_id_in("HR-Team, R-2, R-ab-1, R-SIGN-, BR-"), None);
        assert_eq!(rule_id_in("x R- R-X-9y"), Some("R-X-9"));
    }

    #[test]
    fn free_ports_differ_and_are_free_once_released() {
        let first = FreePorts::pick();
        let second = FreePorts::pick();
        let (a, b) = first.ports();
        let (c, d) = second.ports();
        let all = [a, b, c, d];
        for (i, p) in all.iter().enumerate() {
            assert!(
                !all[i + 1..].contains(p),
                "port {p} handed out twice: {all:?}"
            );
        }
        // Held ports are not free; released ones are.
        assert!(TcpListener::bind(("127.0.0.1", a)).is_err());
        let (a, b) = first.release();
        TcpListener::bind(("127.0.0.1", a)).expect("released driver port is free");
        TcpListener::bind(("127.0.0.1", b)).expect("released native port is free");
    }
}
