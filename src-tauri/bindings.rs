//! TypeScript types generated from the Rust types the commands take and return, written to
//! ui/src/bindings/ and committed. The test `bindings_are_fresh` regenerates them into a temporary
//! folder and fails when the committed ones differ; `UPDATE_BINDINGS=1 cargo test -p
//! gradsign-desktop --lib bindings` rewrites them.

use std::path::Path;

use ts_rs::{ExportError, TS};

use crate::commands::review;
use crate::commands::{export, school, session};
use crate::{commands::about, update};

/// Writes every binding into `dir`: the catalog's (crates/api) and the desktop's own.
pub fn export_all(dir: &Path) -> Result<(), ExportError> {
    gradsign_api::bindings::export_all(dir)?;
    let cfg = gradsign_api::bindings::config(dir);
    about::AboutInfo::export_all(&cfg)?;
    update::UpdateInfo::export_all(&cfg)?;
    update::UpdateOutcome::export_all(&cfg)?;
    update::UpdateProgress::export_all(&cfg)?;
    session::SignInInput::export_all(&cfg)?;
    session::ActivateInput::export_all(&cfg)?;
    session::SignInOutcome::export_all(&cfg)?;
    review::PrintOutcome::export_all(&cfg)?;
    export::ExportOutcome::export_all(&cfg)?;
    school::ServerChoice::export_all(&cfg)?;
    school::ConnectedServer::export_all(&cfg)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    fn read_dir(dir: &std::path::Path) -> BTreeMap<String, String> {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().path())
                    .filter(|p| p.extension().is_some_and(|x| x == "ts"))
                    .map(|p| {
                        let name = p.file_name().unwrap().to_string_lossy().into_owned();
                        (name, std::fs::read_to_string(&p).unwrap())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn bindings_are_fresh() {
        let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings");
        let fresh = tempfile::tempdir().unwrap();
        super::export_all(fresh.path()).unwrap();
        let generated = read_dir(fresh.path());
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            for name in read_dir(&committed).keys() {
                std::fs::remove_file(committed.join(name)).unwrap();
            }
            std::fs::create_dir_all(&committed).unwrap();
            for (name, text) in &generated {
                std::fs::write(committed.join(name), text).unwrap();
            }
        }
        assert_eq!(
            read_dir(&committed),
            generated,
            "ui/src/bindings is stale: run `UPDATE_BINDINGS=1 cargo test -p gradsign-desktop --lib bindings` and commit"
        );
    }
}
