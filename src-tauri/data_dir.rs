//! Which folder holds the app's data: `--data-dir DIR` (or `--data-dir=DIR`), else the
//! GRADSIGN_DATA_DIR environment variable, else the OS app-data folder (decided by the caller,
//! which has the Tauri path resolver). Each end-to-end test passes its own folder.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// The environment variable naming the data folder.
pub const ENV_VAR: &str = "GRADSIGN_DATA_DIR";

/// The data folder asked for on the command line or in the environment, if any.
pub fn requested(
    args: impl IntoIterator<Item = OsString>,
    env: impl Fn(&str) -> Option<OsString>,
) -> Option<PathBuf> {
    from_args(args).or_else(|| env(ENV_VAR).filter(|v| !v.is_empty()).map(PathBuf::from))
}

fn from_args(args: impl IntoIterator<Item = OsString>) -> Option<PathBuf> {
    let mut args = args.into_iter().skip(1);
    while let Some(arg) = args.next() {
        if arg == OsStr::new("--data-dir") {
            return args.next().map(PathBuf::from);
        }
        if let Some(value) = arg.to_str().and_then(|a| a.strip_prefix("--data-dir=")) {
            return Some(PathBuf::from(value));
        }
    }
    None
}

/// R-CRASH-02: what a write killed half-way left in the data folder: `*.partial` files (the
/// settings, a backup, an update being saved; each is written whole beside its place, then
/// renamed) in the folder, `backups/` and `updates/`. Removed at start-up, before anything else
/// writes there (one app per folder, R-DESK-02), each one logged; the database and everything
/// renamed into place are never touched. Returns what was removed.
pub fn sweep_leftovers(data_dir: &std::path::Path) -> Vec<PathBuf> {
    let mut removed = vec![];
    for folder in [
        data_dir.to_path_buf(),
        data_dir.join("backups"),
        data_dir.join("updates"),
    ] {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let leftover = path.extension() == Some(OsStr::new("partial"))
                && entry.file_type().is_ok_and(|t| t.is_file());
            if leftover && std::fs::remove_file(&path).is_ok() {
                tracing::warn!(target: "gradsign", file = %path.display(), "removed what an interrupted write left");
                removed.push(path);
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    /// R-CRASH-02: the leftovers go, everything else stays.
    #[test]
    fn r_crash_02_leftovers_of_interrupted_writes_are_swept_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("backups")).unwrap();
        std::fs::create_dir_all(d.join("updates")).unwrap();
        let leftovers = [
            d.join("settings.json.partial"),
            d.join("backups/gradsign-2026.sqlite3.partial"),
            d.join("updates/gradsign_0.2.0_amd64.partial"),
        ];
        let kept = [
            d.join("gradsign.sqlite3"),
            d.join("gradsign.sqlite3-wal"),
            d.join("settings.json"),
            d.join("backups/gradsign-2026.sqlite3"),
            d.join("updates/gradsign_0.2.0_amd64.deb"),
        ];
        for f in leftovers.iter().chain(kept.iter()) {
            std::fs::write(f, b"x").unwrap();
        }
        std::fs::create_dir_all(d.join("a-folder.partial")).unwrap();
        let mut removed = super::sweep_leftovers(d);
        removed.sort();
        let mut expected = leftovers.to_vec();
        expected.sort();
        assert_eq!(removed, expected);
        for f in &kept {
            assert!(f.exists(), "{} kept", f.display());
        }
        assert!(d.join("a-folder.partial").is_dir(), "folders are not files");
        assert!(
            super::sweep_leftovers(d).is_empty(),
            "nothing left the second time"
        );
    }

    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn flag_with_separate_value() {
        let got = requested(args(&["app", "--data-dir", "/tmp/a"]), |_| None);
        assert_eq!(got, Some(PathBuf::from("/tmp/a")));
    }

    #[test]
    fn flag_with_equals_wins_over_env() {
        let got = requested(args(&["app", "--data-dir=/tmp/b"]), |_| {
            Some(OsString::from("/tmp/env"))
        });
        assert_eq!(got, Some(PathBuf::from("/tmp/b")));
    }

    #[test]
    fn env_when_no_flag_and_nothing_when_empty() {
        let env = |k: &str| (k == ENV_VAR).then(|| OsString::from("/tmp/env"));
        assert_eq!(
            requested(args(&["app"]), env),
            Some(PathBuf::from("/tmp/env"))
        );
        assert_eq!(requested(args(&["app"]), |_| Some(OsString::new())), None);
        assert_eq!(requested(args(&["app"]), |_| None), None);
    }
}
