//! The desktop's own log file (R-DESK-01): `gradsign.log` in the OS log folder (in the data
//! folder's `logs/` when the app is started on a folder of its own, `--data-dir`), one line per
//! event: start-up, the school's server lost and back, the background work's failures, a crash.
//! Never a name, an ID or phone number, a password or a session token: what is logged is what
//! the engine and the desktop write with `tracing`, which carries codes and counts only. A file
//! over 5 MB at start-up is kept as `gradsign.log.1` (one older copy) and a new one begun.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The log file's name in its folder.
pub const FILE_NAME: &str = "gradsign.log";
/// A log over this size at start-up is rotated.
const ROTATE_AT: u64 = 5 * 1024 * 1024;

/// Where the log goes: the data folder's `logs/` for a folder given on the command line (a
/// portable copy, the tests), else the OS log folder Tauri names.
pub fn folder(
    requested_data_dir: Option<&Path>,
    os_log_dir: Option<PathBuf>,
    data_dir: &Path,
) -> PathBuf {
    match (requested_data_dir, os_log_dir) {
        (None, Some(os)) => os,
        _ => data_dir.join("logs"),
    }
}

/// Opens (and, when large, rotates) the log in `dir`, sends every `tracing` event at `info` and
/// above there, and records a panic there before the default hook runs. Returns the file's path.
pub fn start(dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(FILE_NAME);
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > ROTATE_AT) {
        std::fs::rename(&path, dir.join(format!("{FILE_NAME}.1")))?;
    }
    let file = OpenOptions::new().create(true).append(true).open(&path)?;
    let writer = SharedFile(Arc::new(Mutex::new(file)));
    let _ = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_target(true)
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .try_init();
    record_panics();
    Ok(path)
}

/// A panic is written to the log (where, and its message cut to 300 characters) before the
/// default hook prints it, so a crash on a person's machine leaves its trace behind.
fn record_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(target: "crash", "{}", crash_line(info));
        previous(info);
    }));
}

/// One panic as the log line says it.
pub fn crash_line(info: &std::panic::PanicHookInfo<'_>) -> String {
    let message = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_default();
    let message: String = message.chars().take(300).collect();
    let place = info
        .location()
        .map(|l| format!("{}:{}", l.file(), l.line()))
        .unwrap_or_default();
    format!("the app crashed at {place}: {message}")
}

#[derive(Clone)]
struct SharedFile(Arc<Mutex<File>>);

impl Write for SharedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_goes_to_the_given_folder_or_the_os_one() {
        let data = Path::new("/data");
        let os = Some(PathBuf::from("/os/logs"));
        assert_eq!(folder(Some(data), os.clone(), data), data.join("logs"));
        assert_eq!(folder(None, os.clone(), data), PathBuf::from("/os/logs"));
        assert_eq!(folder(None, None, data), data.join("logs"));
    }

    /// The log is written, a large one rotated at start, and a panic leaves its line (where
    /// and why) in the file. (The subscriber and the hook are the process's: one test sets them.)
    #[test]
    fn events_and_a_panic_reach_the_file_and_a_large_log_is_rotated() {
        let dir = tempfile::tempdir().unwrap();
        let old = vec![b'x'; (ROTATE_AT + 1) as usize];
        std::fs::write(dir.path().join(FILE_NAME), &old).unwrap();
        let path = start(dir.path()).unwrap();
        assert_eq!(
            std::fs::metadata(dir.path().join(format!("{FILE_NAME}.1")))
                .unwrap()
                .len(),
            old.len() as u64,
            "the large log kept as .1"
        );
        tracing::info!(target: "gradsign", "started");
        let crashed = std::thread::spawn(|| panic!("a test crash")).join();
        assert!(crashed.is_err());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("started"), "{text}");
        assert!(
            text.contains("the app crashed at src-tauri/log_file.rs"),
            "{text}"
        );
        assert!(text.contains("a test crash"), "{text}");
        assert!(text.len() < 10_000, "a new file was begun");
    }
}
