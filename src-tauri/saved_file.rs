//! Every file the desktop writes where the person chose (an agreement PDF, an export): written to
//! a temporary file beside the target, flushed, then renamed over it, so a full disk or a crash
//! never leaves a half-written file under the chosen name.

use std::io::Write;
use std::path::Path;

use crate::error::{CommandError, CommandResult, ErrorCode};

/// Writes `bytes` to `path` atomically; the error names the reason, not the person's folders.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> CommandResult<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let attempt = || -> std::io::Result<()> {
        let mut tmp = tempfile::Builder::new()
            .prefix(".gradsign-save-")
            .tempfile_in(dir)?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    };
    attempt().map_err(|e| {
        CommandError::new(
            ErrorCode::Internal,
            format!("文件未能保存：{}", e.kind()),
            format!("The file could not be saved: {}", e.kind()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("协议.pdf");
        std::fs::write(&path, b"old").unwrap();
        write_atomically(&path, b"%PDF-1.7 new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.7 new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "only the saved file remains");
    }

    #[test]
    fn a_missing_folder_is_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-folder").join("a.xlsx");
        let e = write_atomically(&path, b"x").unwrap_err();
        assert_eq!(e.code, ErrorCode::Internal);
        assert!(e.message.en.contains("could not be saved"));
        assert!(!path.exists());
    }
}
