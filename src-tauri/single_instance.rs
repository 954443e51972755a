//! One app per data folder (R-DESK-02): two processes on one SQLite database and one keychain
//! entry would each believe they hold the school. The first holds an exclusive lock on the
//! folder's `gradsign.lock` (released by the OS when it exits, also after a crash) and listens
//! on the folder's `gradsign.sock`; a second launch on the same folder finds the lock taken,
//! tells the first to bring its window forward, and ends. Another data folder (another school,
//! a test's) runs its own app beside it.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

/// What claiming a data folder found.
#[derive(Debug)]
pub enum Claim {
    /// This process holds the folder; keep the value as long as the app runs.
    First(FolderLock),
    /// Another process holds it and was asked to show its window.
    Second,
}

/// The held lock (and, on Unix, the listening socket's path).
#[derive(Debug)]
pub struct FolderLock {
    _file: File,
}

const LOCK_FILE: &str = "gradsign.lock";
#[cfg(unix)]
const SOCKET_FILE: &str = "gradsign.sock";

/// Claims `data_dir` for this process; `focus` is called (on a thread of its own) whenever a
/// later launch on the same folder asks for the window.
pub fn claim(data_dir: &Path, focus: impl Fn() + Send + 'static) -> std::io::Result<Claim> {
    std::fs::create_dir_all(data_dir)?;
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data_dir.join(LOCK_FILE))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            ask_the_first(data_dir);
            return Ok(Claim::Second);
        }
        Err(TryLockError::Error(e)) => return Err(e),
    }
    listen(data_dir, focus);
    Ok(Claim::First(FolderLock { _file: file }))
}

#[cfg(unix)]
fn ask_the_first(data_dir: &Path) {
    use std::io::Write;
    match std::os::unix::net::UnixStream::connect(data_dir.join(SOCKET_FILE)) {
        Ok(mut s) => {
            let _ = s.write_all(b"focus\n");
        }
        Err(e) => tracing::warn!(error = %e, "the running app does not answer on its socket"),
    }
}

#[cfg(not(unix))]
fn ask_the_first(_data_dir: &Path) {
    // No socket here: the second launch ends and the person finds the open window.
}

/// Listens for later launches. The lock is held, so a socket file left by a crashed app is stale
/// and replaced.
#[cfg(unix)]
fn listen(data_dir: &Path, focus: impl Fn() + Send + 'static) {
    use std::io::Read;
    let path = data_dir.join(SOCKET_FILE);
    let _ = std::fs::remove_file(&path);
    let listener = match std::os::unix::net::UnixListener::bind(&path) {
        Ok(l) => l,
        Err(e) => {
            // A folder path too long for a socket: a second launch then just ends.
            tracing::warn!(error = %e, "cannot listen for a second launch");
            return;
        }
    };
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut ask = [0u8; 16];
            let n = stream.read(&mut ask).unwrap_or(0);
            if ask[..n].starts_with(b"focus") {
                tracing::info!(target: "gradsign", "a second launch on this data folder: showing the window");
                focus();
            }
        }
    });
}

#[cfg(not(unix))]
fn listen(_data_dir: &Path, _focus: impl Fn() + Send + 'static) {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn a_second_claim_on_a_folder_asks_the_first_and_another_folder_is_free() {
        let dir = tempfile::tempdir().unwrap();
        let (tx, rx) = mpsc::channel();
        let first = claim(dir.path(), move || {
            let _ = tx.send(());
        })
        .unwrap();
        assert!(matches!(first, Claim::First(_)));
        // File locks are per open file: a second open in this process meets the first's lock
        // as another process would.
        let second = claim(dir.path(), || {}).unwrap();
        assert!(matches!(second, Claim::Second));
        #[cfg(unix)]
        rx.recv_timeout(Duration::from_secs(5))
            .expect("the first was asked to show its window");
        let other = tempfile::tempdir().unwrap();
        assert!(matches!(
            claim(other.path(), || {}).unwrap(),
            Claim::First(_)
        ));
        drop(first);
        // Released (as at the first's exit): the folder can be claimed again.
        assert!(matches!(claim(dir.path(), || {}).unwrap(), Claim::First(_)));
    }
}
