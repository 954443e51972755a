//! Where this desktop's school is: here (the data folder's database, today's single-machine mode)
//! or on the school's server (every operation goes there). The choice is kept in the data
//! folder's `school.json`; the About dialog shows it and offers to switch.

use std::path::{Path, PathBuf};

use gradsign_remote::Trust;
use serde::{Deserialize, Serialize};

use crate::error::{CommandError, CommandResult};

/// Where the school's records are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum SchoolPlace {
    /// On this machine (the demo school, or a school set up here).
    #[default]
    Here,
    /// On the school's server.
    #[serde(rename_all = "camelCase")]
    Server {
        /// `https://host[:port]`.
        address: String,
        /// The CA certificate (PEM) the school handed out; none: the system's roots.
        ca_pem: Option<String>,
    },
}

impl SchoolPlace {
    fn path(data_dir: &Path) -> PathBuf {
        data_dir.join("school.json")
    }

    /// The saved choice; here when there is none (a first start, or an earlier version's folder).
    pub fn load(data_dir: &Path) -> Self {
        std::fs::read(Self::path(data_dir))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Saves whole (temporary file, then rename).
    pub fn save(&self, data_dir: &Path) -> CommandResult<()> {
        let path = Self::path(data_dir);
        let tmp = path.with_extension("json.partial");
        let bytes = serde_json::to_vec_pretty(self).map_err(CommandError::internal)?;
        std::fs::write(&tmp, bytes)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                CommandError::internal(format!("school.json: {e}"))
            })
    }

    /// Whose certificates a server's must chain to.
    pub fn trust(ca_pem: &Option<String>) -> Trust {
        match ca_pem {
            Some(pem) => Trust::SchoolCa { pem: pem.clone() },
            None => Trust::SystemRoots,
        }
    }
}
