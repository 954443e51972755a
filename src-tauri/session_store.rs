//! "Remember me": the signed-in session token kept in the OS keychain (Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows) through keyring, never in a file.
//!
//! One entry per data folder, so two databases on one machine (or two e2e tests) never read each
//! other's session. When there is no keychain (no Secret Service on the session bus, or it is
//! locked), [`KeychainError::Unavailable`] says so and the app signs in without remembering.
//! Every call blocks (D-Bus round trips): call from a blocking task, not the UI thread.

use std::path::Path;

use gradsign_engine::SessionToken;

/// The keychain's service name for GradSign entries.
pub const SERVICE: &str = "org.gradsign.desktop";

/// Why the keychain could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeychainError {
    /// No keychain on this machine or session, or it is locked: sign in without remembering.
    #[error("no keychain available: {0}")]
    Unavailable(String),
    /// The keychain answered with an error.
    #[error("keychain error: {0}")]
    Failed(String),
}

/// The remembered session of one data folder.
#[derive(Debug, Clone)]
pub struct SessionStore {
    account: String,
}

impl SessionStore {
    /// The store for the data folder `data_dir`.
    pub fn for_data_dir(data_dir: &Path) -> Self {
        Self {
            account: format!(
                "session-{:016x}",
                fnv1a(data_dir.to_string_lossy().as_bytes())
            ),
        }
    }

    /// Remembers `token`, replacing any earlier one.
    pub fn save(&self, token: &SessionToken) -> Result<(), KeychainError> {
        self.entry()?.set_password(&token.0).map_err(map_error)
    }

    /// The remembered token, if any.
    pub fn load(&self) -> Result<Option<SessionToken>, KeychainError> {
        match self.entry()?.get_password() {
            Ok(token) => Ok(Some(SessionToken(token))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    /// Forgets the remembered token; forgetting nothing is fine.
    pub fn clear(&self) -> Result<(), KeychainError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e)),
        }
    }

    fn entry(&self) -> Result<keyring::Entry, KeychainError> {
        keyring::Entry::new(SERVICE, &self.account).map_err(map_error)
    }
}

fn map_error(e: keyring::Error) -> KeychainError {
    match e {
        keyring::Error::NoDefaultStore | keyring::Error::NoStorageAccess(_) => {
            KeychainError::Unavailable(e.to_string())
        }
        other => KeychainError::Failed(other.to_string()),
    }
}

/// FNV-1a, 64 bits: a stable name for a folder's entry (the std hasher may change between
/// Rust releases, which would forget every remembered session).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_data_dir_has_its_own_entry() {
        let a = SessionStore::for_data_dir(Path::new("/tmp/a"));
        let b = SessionStore::for_data_dir(Path::new("/tmp/b"));
        assert_ne!(a.account, b.account);
        assert_eq!(
            a.account,
            SessionStore::for_data_dir(Path::new("/tmp/a")).account
        );
    }

    /// Round trip through the real keychain. With GRADSIGN_KEYCHAIN_TEST=1 (the way
    /// scripts/e2e.sh runs it, inside dbus-run-session with gnome-keyring unlocked) the keychain
    /// must work; without it, the test also accepts "unavailable" (e.g. no session bus).
    #[test]
    fn remember_load_and_forget_in_the_os_keychain() {
        let dir = tempfile::tempdir().unwrap();
        let store = SessionStore::for_data_dir(dir.path());
        let token = SessionToken("tok-123".into());
        match store.save(&token) {
            Err(KeychainError::Unavailable(why)) => {
                assert!(
                    std::env::var_os("GRADSIGN_KEYCHAIN_TEST").is_none(),
                    "keychain required but unavailable: {why}"
                );
                assert!(matches!(store.load(), Err(KeychainError::Unavailable(_))));
                return;
            }
            other => other.unwrap(),
        }
        assert_eq!(store.load().unwrap(), Some(token));
        store.clear().unwrap();
        assert_eq!(store.load().unwrap(), None);
        store.clear().unwrap();
    }
}
