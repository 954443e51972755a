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

/// What the desktop saves, with the file type the save dialog offers and the extension the file
/// gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SavedKind {
    Pdf,
    Xlsx,
    Zip,
}

impl SavedKind {
    fn filter(self) -> (&'static str, &'static str) {
        match self {
            SavedKind::Pdf => ("PDF", "pdf"),
            SavedKind::Xlsx => ("Excel", "xlsx"),
            SavedKind::Zip => ("ZIP", "zip"),
        }
    }

    /// `path` with this kind's extension (a dialog may return the name as typed, without it).
    pub fn with_extension(self, path: std::path::PathBuf) -> std::path::PathBuf {
        let ext = self.filter().1;
        let has = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(ext));
        if has {
            path
        } else {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(".");
            name.push(ext);
            path.with_file_name(name)
        }
    }
}

/// The native save dialog, offering `file_name`, for one kind of file: the path the person
/// chose, with the kind's extension; none when cancelled.
pub async fn choose_save_path(
    app: &tauri::AppHandle,
    file_name: &str,
    title: &str,
    kind: SavedKind,
) -> Option<std::path::PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    let (label, ext) = kind.filter();
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .add_filter(label, &[ext])
        .set_file_name(file_name)
        .save_file(move |path| {
            let _ = tx.send(path.and_then(|p| p.into_path().ok()));
        });
    rx.await.ok().flatten().map(|p| kind.with_extension(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chosen_name_gets_its_extension_once() {
        use std::path::PathBuf;
        assert_eq!(
            SavedKind::Zip.with_extension(PathBuf::from("/d/我的数据")),
            PathBuf::from("/d/我的数据.zip")
        );
        assert_eq!(
            SavedKind::Pdf.with_extension(PathBuf::from("/d/协议.PDF")),
            PathBuf::from("/d/协议.PDF")
        );
        assert_eq!(
            SavedKind::Xlsx.with_extension(PathBuf::from("/d/名单.csv")),
            PathBuf::from("/d/名单.csv.xlsx")
        );
    }

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
