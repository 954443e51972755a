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

#[cfg(test)]
mod tests {
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
