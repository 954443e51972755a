//! Where the app's school lives in an end-to-end test, so the core of the suite runs in both of
//! the desktop's modes with the same steps: on this machine (the app's own SQLite file, which the
//! test's engine keeps open beside it) or on the school's server (a real `gradsign serve` of
//! crates/server on 127.0.0.1, TLS with a test CA, over a fresh database of the test PostgreSQL;
//! the app's data folder connected to it as the connect screen keeps it). Either way the test
//! acts as employers and reviewers through an engine on the same database.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../crates/server/tests/support/mod.rs"]
mod support;

use std::sync::Arc;

use gradsign_e2e::App;
use gradsign_engine::Engine;
use gradsign_server::{RunningServer, ServerConfig};

/// The two modes of the desktop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The school on this machine (embedded SQLite).
    Here,
    /// The school on its server, the desktop connected to it.
    Server,
}

/// A data folder for the app, the engine over the school's database, and in server mode the
/// running server (it lives as long as this value: keep it until the app has quit).
pub struct Place {
    pub mode: Mode,
    pub engine: Arc<Engine>,
    data_dir: Option<tempfile::TempDir>,
    server: Option<(RunningServer, support::TestCa, tempfile::TempDir)>,
}

impl Place {
    /// An empty school database in `mode` (the test makes the school through `engine`).
    pub async fn new(mode: Mode) -> Place {
        let data_dir = tempfile::tempdir().unwrap();
        match mode {
            Mode::Here => {
                let engine = Engine::open(
                    data_dir.path().join("gradsign.sqlite3").to_str().unwrap(),
                    data_dir.path().join("files"),
                )
                .await
                .unwrap();
                Place {
                    mode,
                    engine: Arc::new(engine),
                    data_dir: Some(data_dir),
                    server: None,
                }
            }
            Mode::Server => {
                let (engine, files) = support::engine_on(&support::fresh_postgres().await).await;
                let ca = support::test_ca("示范大学");
                // The machine's clock, as the test's own engine calls use: no fixed test clock.
                let mut config =
                    ServerConfig::new("127.0.0.1:0".parse().unwrap(), Some(ca.files.clone()));
                config.workers_every = None;
                let server = gradsign_server::start(engine.clone(), config)
                    .await
                    .unwrap();
                let place = serde_json::json!({
                    "kind": "server", "address": server.url(), "caPem": ca.ca_pem,
                });
                std::fs::write(data_dir.path().join("school.json"), place.to_string()).unwrap();
                Place {
                    mode,
                    engine,
                    data_dir: Some(data_dir),
                    server: Some((server, ca, files)),
                }
            }
        }
    }

    /// Starts the app on the data folder (once). The screenshots in docs/screenshots are the
    /// machine mode's; the server mode's run takes none, so it does not overwrite them.
    pub async fn start_app(&mut self) -> App {
        self.start_app_with_env(&[]).await
    }

    /// [`Place::start_app`] with extra environment variables for the app.
    pub async fn start_app_with_env(&mut self, env: &[(&str, &str)]) -> App {
        let data_dir = self.data_dir.take().expect("the app starts once");
        let mut app = App::start_in_with_env(data_dir, env).await;
        if self.mode == Mode::Server {
            app.take_screenshots(false);
        }
        app
    }
}
