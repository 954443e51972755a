//! What the app holds while it runs: its data folder, the remembered-session store and the
//! signed-in session.

use std::path::PathBuf;
use std::sync::Mutex;

use crate::session_store::{SessionStore, SessionToken};

/// The state every command receives.
#[derive(Debug)]
pub struct AppState {
    /// The data folder (database, stored files).
    pub data_dir: PathBuf,
    /// The keychain entry of this data folder.
    pub session_store: SessionStore,
    /// The signed-in session, if any.
    pub session: Mutex<Option<SessionToken>>,
}

impl AppState {
    /// Opens (creating if needed) the data folder.
    pub fn open(data_dir: PathBuf) -> std::io::Result<Self> {
        std::fs::create_dir_all(&data_dir)?;
        Ok(Self {
            session_store: SessionStore::for_data_dir(&data_dir),
            data_dir,
            session: Mutex::new(None),
        })
    }

    /// The SQLite database file inside the data folder.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("gradsign.sqlite3")
    }

    /// Replaces the signed-in session.
    pub fn set_session(&self, token: Option<SessionToken>) {
        *self.session.lock().unwrap_or_else(|p| p.into_inner()) = token;
    }
}
