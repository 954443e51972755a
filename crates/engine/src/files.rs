//! Uploaded files, stored by content hash: written to a temporary file in the same folder, then
//! renamed, never named after user input. Files an action wrote are removed again if the action
//! is refused or fails (no orphan left behind).

use crate::engine::Engine;
use crate::error::{DomainError, ErrorCode, Result};
use crate::model::FileRef;
use crate::snapshot::sha256_hex;
use crate::store::Tx;
use crate::time::Timestamp;
use gradsign_documents::{compress_scan_named, ScanError, ScanPolicy};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::PathBuf;

/// The most files on one registration.
pub const MAX_FILES: usize = 10;

/// An upload as the UI hands it over.
#[derive(Clone, Serialize, Deserialize)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Upload({} bytes)", self.bytes.len())
    }
}

/// Files written by the current action; removed on drop unless kept.
#[derive(Debug, Default)]
pub(crate) struct WrittenFiles {
    paths: Vec<PathBuf>,
    kept: bool,
}

impl WrittenFiles {
    pub fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for WrittenFiles {
    fn drop(&mut self) {
        if !self.kept {
            for p in &self.paths {
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

impl Engine {
    /// Path of a stored file by hash.
    pub fn file_path(&self, hash: &str) -> Result<PathBuf> {
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(DomainError::field(
                "hash",
                "文件标识无效",
                "Invalid file id",
            ));
        }
        Ok(self.files_dir.join(&hash[..2]).join(hash))
    }

    /// Reads a stored file's bytes. Crate-private: callers outside the engine get files only
    /// through an action that checks the actor and the item (R-REV-05, R-EMP-01).
    pub(crate) async fn read_file(&self, hash: &str) -> Result<Vec<u8>> {
        let p = self.file_path(hash)?;
        tokio::fs::read(p)
            .await
            .map_err(|_| DomainError::not_found("文件", "File"))
    }

    /// Compresses and stores uploads before the action's transaction opens (R-SCAN-01: limits
    /// checked from the header, EXIF orientation applied, metadata dropped, downscaled to A4 at
    /// 200 DPI, re-encoded as JPEG, plus a thumbnail; R-SCAN-02: anything else is refused with the
    /// file's name and the reason, and nothing is left behind).
    pub(crate) async fn write_uploads(
        &self,
        uploads: &[Upload],
        required: bool,
    ) -> Result<(Vec<FileRef>, WrittenFiles)> {
        if required && uploads.is_empty() {
            return Err(DomainError::field(
                "files",
                "请上传材料",
                "Upload at least one file",
            ));
        }
        if uploads.len() > MAX_FILES {
            return Err(DomainError::field(
                "files",
                format!("最多上传{MAX_FILES}个文件"),
                format!("At most {MAX_FILES} files"),
            ));
        }
        // R-SCAN-03: the original is kept only where the school's setting asks for it.
        let keep_originals = self.keeps_original_scans().await?;
        let mut written = WrittenFiles::default();
        let mut refs = Vec::new();
        for u in uploads {
            let name: String = u
                .name
                .chars()
                .filter(|c| !c.is_control())
                .take(100)
                .collect();
            let (scan_name, bytes) = (name.clone(), u.bytes.clone());
            let scan = tokio::task::spawn_blocking(move || {
                compress_scan_named(&scan_name, &bytes, &ScanPolicy::default())
            })
            .await
            .map_err(|_| DomainError::internal("compress"))?
            .map_err(scan_error)?;
            let thumb = self.store_bytes(&scan.thumbnail, &mut written)?;
            let hash = self.store_bytes(&scan.jpeg, &mut written)?;
            let original = if keep_originals {
                Some(self.store_bytes(&u.bytes, &mut written)?)
            } else {
                None
            };
            refs.push(FileRef {
                hash,
                name,
                size: scan.jpeg.len() as i64,
                mime: "image/jpeg".into(),
                original_size: u.bytes.len() as i64,
                thumbnail: Some(thumb),
                original,
            });
        }
        Ok((refs, written))
    }

    /// Writes bytes under their SHA-256 (temporary file, then rename); returns the hash.
    fn store_bytes(&self, bytes: &[u8], written: &mut WrittenFiles) -> Result<String> {
        let hash = sha256_hex(bytes);
        let path = self.file_path(&hash)?;
        if !path.exists() {
            let dir = path
                .parent()
                .map(PathBuf::from)
                .unwrap_or_else(|| self.files_dir.clone());
            std::fs::create_dir_all(&dir).map_err(|_| DomainError::internal("files_dir"))?;
            let mut tmp = tempfile_in(&dir)?;
            tmp.1
                .write_all(bytes)
                .and_then(|_| tmp.1.sync_all())
                .map_err(|_| {
                    let _ = std::fs::remove_file(&tmp.0);
                    DomainError::internal("write_file")
                })?;
            drop(tmp.1);
            std::fs::rename(&tmp.0, &path).map_err(|_| {
                let _ = std::fs::remove_file(&tmp.0);
                DomainError::internal("rename_file")
            })?;
            written.paths.push(path);
        }
        Ok(hash)
    }
}

/// A refused scan as the engine's error: the documents crate words it in both languages.
fn scan_error(e: ScanError) -> DomainError {
    let text = e.to_string();
    let (zh, en) = text
        .split_once(" / ")
        .unwrap_or((text.as_str(), text.as_str()));
    DomainError::new(ErrorCode::Validation, zh, en)
        .with_details(serde_json::json!({ "field": "files", "scan_error": e.code() }))
}

fn tempfile_in(dir: &std::path::Path) -> Result<(PathBuf, std::fs::File)> {
    for i in 0..100u32 {
        let p = dir.join(format!(".upload-{}-{i}.tmp", std::process::id()));
        if let Ok(f) = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&p)
        {
            return Ok((p, f));
        }
    }
    Err(DomainError::internal("temp_file"))
}

/// Records the files' metadata inside the action's transaction.
pub(crate) async fn register_files(tx: &mut Tx, refs: &[FileRef], now: Timestamp) -> Result<()> {
    for r in refs {
        sqlx::query("INSERT INTO files (hash, size, mime, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING")
            .bind(&r.hash)
            .bind(r.size)
            .bind(&r.mime)
            .bind(now)
            .execute(tx.conn())
            .await?;
        if let Some(original) = &r.original {
            sqlx::query("INSERT INTO files (hash, size, mime, created_at) VALUES ($1, $2, 'application/octet-stream', $3) ON CONFLICT (hash) DO NOTHING")
                .bind(original)
                .bind(r.original_size)
                .bind(now)
                .execute(tx.conn())
                .await?;
        }
    }
    Ok(())
}
