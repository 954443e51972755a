//! Uploaded files, stored in the database under their SHA-256 (`files.data`, R-UPLOAD-02): the
//! bytes are written in the transaction of the record that names them, so a committed record
//! always has its files and a refused action leaves none behind. Content addressing makes a write
//! idempotent and nothing is ever deleted, so two actions storing the same bytes cannot undo each
//! other. Uploads may also be staged first (R-UPLOAD-03) and named by id in the request that uses
//! them. Earlier versions kept the bytes in a files folder; [`import_files_folder`] copies it in.

use crate::engine::Engine;
use crate::error::{DomainError, ErrorCode, Result};
use crate::model::{FileRef, QrContent};
use crate::snapshot::sha256_hex;
use crate::store::{Store, Tx};
use crate::time::Timestamp;
use crate::workflow::Actor;
use gradsign_documents::{compress_scan_named, read_verification_qr, Scan, ScanError, ScanPolicy};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;
use std::path::Path;

/// The most files on one registration.
pub const MAX_FILES: usize = 10;

/// R-UPLOAD-01: the largest accepted upload, in bytes (20 MiB), inline or staged.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// R-UPLOAD-03: how long a staged upload stays usable, in seconds.
pub const STAGED_UPLOAD_SECONDS: i64 = 24 * 3600;

/// R-UPLOAD-03: the most unused staged uploads one account holds at once (three registrations'
/// worth), so staging cannot fill the database.
pub const MAX_STAGED_PER_ACCOUNT: i64 = 3 * MAX_FILES as i64;

/// The settings key recording that the files folder of an earlier version has been copied in.
const FOLDER_IMPORTED: &str = "files_folder_imported";

/// An upload as the caller hands it over: its bytes, or the id of an upload staged earlier by
/// the same account ([`Engine::stage_upload`]).
#[derive(Clone, Serialize, Deserialize)]
pub enum Upload {
    Bytes { name: String, bytes: Vec<u8> },
    Staged { name: String, id: String },
}

impl Upload {
    /// The file's name as the user chose it (shown with the file, never used as a path).
    pub fn name(&self) -> &str {
        match self {
            Upload::Bytes { name, .. } | Upload::Staged { name, .. } => name,
        }
    }
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Upload::Bytes { bytes, .. } => write!(f, "Upload({} bytes)", bytes.len()),
            // The id is a capability of its account: not logged.
            Upload::Staged { .. } => write!(f, "Upload(staged)"),
        }
    }
}

/// A staged upload (R-UPLOAD-03): the opaque id to name it by, and the bytes received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct StagedUpload {
    pub id: String,
    pub size: u64,
}

/// One file's bytes, to be written under its hash.
#[derive(Debug)]
struct Blob {
    hash: String,
    mime: &'static str,
    bytes: Vec<u8>,
}

/// A staged upload an action uses up in its transaction.
#[derive(Debug)]
struct StagedUse {
    id: String,
    account_id: i64,
    field: String,
}

/// Where an action's uploads come from in its request, for error messages: a list (`scans`,
/// `proofs`: `scans[1].uploadId`) or a single file (`licence`: `licence.uploadId`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum UploadField {
    List(&'static str),
    One(&'static str),
}

impl UploadField {
    fn upload_id(self, index: usize) -> String {
        match self {
            UploadField::List(f) => format!("{f}[{index}].uploadId"),
            UploadField::One(f) => format!("{f}.uploadId"),
        }
    }
}

/// An action's files, checked and compressed before its transaction opens: the references its
/// record names, and what [`PreparedFiles::save`] writes inside the transaction.
#[derive(Debug, Default)]
pub(crate) struct PreparedFiles {
    pub refs: Vec<FileRef>,
    blobs: Vec<Blob>,
    staged: Vec<StagedUse>,
}

impl PreparedFiles {
    /// An edit that keeps the record's current files: nothing new to write.
    pub fn kept(refs: Vec<FileRef>) -> PreparedFiles {
        PreparedFiles {
            refs,
            ..PreparedFiles::default()
        }
    }

    /// Uses up the staged uploads and writes the files, inside the action's transaction: a
    /// refused action rolls both back. A staged upload another request used (or that expired)
    /// since it was read refuses the action, naming the field.
    pub async fn save(&self, tx: &mut Tx, now: Timestamp) -> Result<()> {
        for s in &self.staged {
            let used = sqlx::query(
                "DELETE FROM staged_uploads WHERE id = $1 AND account_id = $2 AND expires_at > $3",
            )
            .bind(&s.id)
            .bind(s.account_id)
            .bind(now)
            .execute(tx.conn())
            .await?;
            if used.rows_affected() != 1 {
                return Err(staged_unusable(&s.field));
            }
        }
        for b in &self.blobs {
            insert_file(tx.conn(), &b.hash, b.mime, &b.bytes, now).await?;
        }
        Ok(())
    }
}

/// Writes one file under its hash. Already stored: nothing changes, except that a row an earlier
/// version left without its bytes (lost from the folder) gets them back.
async fn insert_file(
    c: &mut AnyConnection,
    hash: &str,
    mime: &str,
    bytes: &[u8],
    now: Timestamp,
) -> Result<()> {
    let size = i64::try_from(bytes.len()).map_err(|_| DomainError::internal("file_size"))?;
    sqlx::query(
        "INSERT INTO files (hash, size, mime, created_at, data) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (hash) DO UPDATE SET data = excluded.data WHERE files.data IS NULL",
    )
    .bind(hash)
    .bind(size)
    .bind(mime)
    .bind(now)
    .bind(bytes.to_vec())
    .execute(c)
    .await?;
    Ok(())
}

fn staged_unusable(field: &str) -> DomainError {
    DomainError::field(
        field,
        "暂存的上传文件不存在、已过期或已使用，请重新上传",
        "The staged upload is unknown, expired or already used; upload the file again",
    )
}

/// The user's file name, shown with the file: control characters dropped, at most 100 characters.
fn clean_name(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(100).collect()
}

/// R-SCAN-01 under R-UPLOAD-01's size limit, off the async threads. With `read_qr` (a stamped
/// page, R-OFFSIGN-04) the verification QR code is read too: on the compressed image, and where
/// that finds none, on the upload as it came, at full resolution.
async fn compress(name: &str, bytes: &[u8], read_qr: bool) -> Result<(Scan, Option<QrContent>)> {
    let (name, bytes) = (name.to_string(), bytes.to_vec());
    tokio::task::spawn_blocking(move || {
        let policy = ScanPolicy {
            max_bytes: MAX_UPLOAD_BYTES,
            ..ScanPolicy::default()
        };
        let scan = compress_scan_named(&name, &bytes, &policy)?;
        let qr = if read_qr {
            read_verification_qr(&scan.jpeg)
                .or_else(|| read_verification_qr(&bytes))
                .map(|(code, hash)| QrContent { code, hash })
        } else {
            None
        };
        Ok((scan, qr))
    })
    .await
    .map_err(|_| DomainError::internal("compress"))?
    .map_err(scan_error)
}

/// What a staged or inline upload is for: a stamped page has its QR code read (R-OFFSIGN-04).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UploadPurpose {
    #[default]
    Document,
    StampedPage,
}

fn size_of(n: usize) -> Result<i64> {
    i64::try_from(n).map_err(|_| DomainError::internal("file_size"))
}

impl Engine {
    /// Reads a stored file's bytes. Crate-private: callers outside the engine get files only
    /// through an action that checks the actor and the item (R-REV-05, R-EMP-01).
    pub(crate) async fn read_file(&self, hash: &str) -> Result<Vec<u8>> {
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(DomainError::field(
                "hash",
                "文件标识无效",
                "Invalid file id",
            ));
        }
        let mut c = self.store.read().await?;
        let row = sqlx::query("SELECT data FROM files WHERE hash = $1")
            .bind(hash)
            .fetch_optional(&mut *c)
            .await?;
        match row
            .map(|r| r.try_get::<Option<Vec<u8>>, _>("data"))
            .transpose()?
        {
            Some(Some(bytes)) => Ok(bytes),
            Some(None) => {
                // Named by a record but lost from an earlier version's folder (R-UPLOAD-02).
                tracing::warn!(file = hash, "stored file has no bytes");
                Err(DomainError::not_found("文件", "File"))
            }
            None => Err(DomainError::not_found("文件", "File")),
        }
    }

    /// Checks and compresses an action's uploads before its transaction opens (R-SCAN-01:
    /// limits checked from the header, EXIF orientation applied, metadata dropped, downscaled to
    /// A4 at 200 DPI, re-encoded as JPEG, plus a thumbnail; R-SCAN-02: anything else is refused
    /// with the file's name and the reason). Staged uploads (R-UPLOAD-03) were compressed when
    /// staged; they must be the actor's own and unexpired. Nothing is written here.
    pub(crate) async fn prepare_uploads(
        &self,
        actor: Option<&Actor>,
        uploads: &[Upload],
        required: bool,
        field: UploadField,
        now: Timestamp,
    ) -> Result<PreparedFiles> {
        self.prepare_uploads_for(
            actor,
            uploads,
            required,
            field,
            UploadPurpose::Document,
            now,
        )
        .await
    }

    /// [`Engine::prepare_uploads`] for a purpose: stamped pages carry the QR code read off them
    /// in their [`FileRef::qr`] (a staged page staged as a document is read now, on its
    /// compressed image and its kept original).
    pub(crate) async fn prepare_uploads_for(
        &self,
        actor: Option<&Actor>,
        uploads: &[Upload],
        required: bool,
        field: UploadField,
        purpose: UploadPurpose,
        now: Timestamp,
    ) -> Result<PreparedFiles> {
        let read_qr = purpose == UploadPurpose::StampedPage;
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
        let mut prepared = PreparedFiles::default();
        // R-SCAN-03: the original is kept only where the school's setting asks for it; read once,
        // and only when a file is compressed now.
        let mut keep_originals = None;
        for (index, u) in uploads.iter().enumerate() {
            let name = clean_name(u.name());
            match u {
                Upload::Bytes { bytes, .. } => {
                    let (scan, qr) = compress(&name, bytes, read_qr).await?;
                    let keep = match keep_originals {
                        Some(k) => k,
                        None => {
                            let k = self.keeps_original_scans().await?;
                            keep_originals = Some(k);
                            k
                        }
                    };
                    let original = keep.then(|| bytes.clone());
                    let (mut file, blobs) = compressed_file(name, bytes.len(), scan, original)?;
                    file.qr = qr;
                    prepared.refs.push(file);
                    prepared.blobs.extend(blobs);
                }
                Upload::Staged { id, .. } => {
                    let field_name = field.upload_id(index);
                    let account_id = actor
                        .and_then(|a| a.account_id)
                        .ok_or_else(|| staged_unusable(&field_name))?;
                    let (mut file, blobs) = self
                        .staged_file(id, account_id, now)
                        .await?
                        .ok_or_else(|| staged_unusable(&field_name))?;
                    // The name the request gives is the one shown with the record.
                    file.name = name;
                    if read_qr && file.qr.is_none() {
                        file.qr = read_staged_qr(&blobs).await?;
                    }
                    prepared.refs.push(file);
                    prepared.blobs.extend(blobs);
                    prepared.staged.push(StagedUse {
                        id: id.clone(),
                        account_id,
                        field: field_name,
                    });
                }
            }
        }
        Ok(prepared)
    }

    /// A staged upload of `account_id`, unexpired at `now`: its file reference and bytes.
    async fn staged_file(
        &self,
        id: &str,
        account_id: i64,
        now: Timestamp,
    ) -> Result<Option<(FileRef, Vec<Blob>)>> {
        let mut c = self.store.read().await?;
        let Some(r) = sqlx::query("SELECT file, jpeg, thumbnail, original FROM staged_uploads WHERE id = $1 AND account_id = $2 AND expires_at > $3")
            .bind(id)
            .bind(account_id)
            .bind(now)
            .fetch_optional(&mut *c)
            .await?
        else {
            return Ok(None);
        };
        let file: FileRef = serde_json::from_str(&r.try_get::<String, _>("file")?)?;
        let mut blobs = vec![
            Blob {
                hash: file.hash.clone(),
                mime: "image/jpeg",
                bytes: r.try_get("jpeg")?,
            },
            Blob {
                hash: file.thumbnail.clone().unwrap_or_default(),
                mime: "image/jpeg",
                bytes: r.try_get("thumbnail")?,
            },
        ];
        if let (Some(hash), Some(bytes)) = (
            file.original.clone(),
            r.try_get::<Option<Vec<u8>>, _>("original")?,
        ) {
            blobs.push(Blob {
                hash,
                mime: "application/octet-stream",
                bytes,
            });
        }
        Ok(Some((file, blobs)))
    }

    /// R-UPLOAD-03: stages an upload for a later request of the same account (the HTTP server
    /// streams a file in before the JSON request that uses it). Checked and compressed now, as
    /// an upload within the request would be (R-UPLOAD-01, R-SCAN-01/02/03); usable once, by
    /// this account, for [`STAGED_UPLOAD_SECONDS`]. Expired staged uploads are removed here and
    /// by the sweep.
    pub async fn stage_upload(
        &self,
        actor: &Actor,
        name: &str,
        bytes: &[u8],
        now: Timestamp,
    ) -> Result<StagedUpload> {
        self.stage_upload_for(actor, name, bytes, UploadPurpose::Document, now)
            .await
    }

    /// [`Engine::stage_upload`] for a purpose: a stamped page (R-OFFSIGN-04) has its QR code
    /// read now, while the upload's original bytes are at hand.
    pub async fn stage_upload_for(
        &self,
        actor: &Actor,
        name: &str,
        bytes: &[u8],
        purpose: UploadPurpose,
        now: Timestamp,
    ) -> Result<StagedUpload> {
        let Some(account_id) = actor.account_id else {
            return Err(DomainError::forbidden());
        };
        let name = clean_name(name);
        let (scan, qr) = compress(&name, bytes, purpose == UploadPurpose::StampedPage)
            .await
            .map_err(|mut e| {
                e.details["field"] = "file".into();
                e
            })?;
        let original = if self.keeps_original_scans().await? {
            Some(bytes.to_vec())
        } else {
            None
        };
        let (mut file, blobs) = compressed_file(name, bytes.len(), scan, original)?;
        file.qr = qr;
        let mut tx = self.store.begin().await?;
        prune_staged_uploads(tx.conn(), now).await?;
        let held: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM staged_uploads WHERE account_id = $1")
                .bind(account_id)
                .fetch_one(tx.conn())
                .await?
                .try_get("n")?;
        if held >= MAX_STAGED_PER_ACCOUNT {
            return Err(DomainError::field(
                "file",
                format!("暂存的上传文件已达{MAX_STAGED_PER_ACCOUNT}个，请先提交或稍后再试"),
                format!("{MAX_STAGED_PER_ACCOUNT} staged uploads are waiting; submit them first or try again later"),
            ));
        }
        let mut raw = [0u8; 32];
        self.random_bytes(&mut raw);
        let id = hex::encode(raw);
        let mut blob = blobs.into_iter();
        let (jpeg, thumbnail) = match (blob.next(), blob.next()) {
            (Some(j), Some(t)) => (j.bytes, t.bytes),
            _ => return Err(DomainError::internal("staged_upload")),
        };
        let original = blob.next().map(|o| o.bytes);
        sqlx::query("INSERT INTO staged_uploads (id, account_id, size, file, jpeg, thumbnail, original, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(&id)
            .bind(account_id)
            .bind(size_of(bytes.len())?)
            .bind(serde_json::to_string(&file)?)
            .bind(jpeg)
            .bind(thumbnail)
            .bind(original)
            .bind(now)
            .bind(now.saturating_add(STAGED_UPLOAD_SECONDS))
            .execute(tx.conn())
            .await?;
        tx.commit().await?;
        Ok(StagedUpload {
            id,
            size: bytes.len() as u64,
        })
    }
}

/// The file reference and bytes of one compressed upload: the JPEG, its thumbnail, and the
/// original when kept (R-SCAN-03), in that order.
fn compressed_file(
    name: String,
    uploaded: usize,
    scan: Scan,
    original: Option<Vec<u8>>,
) -> Result<(FileRef, Vec<Blob>)> {
    let hash = sha256_hex(&scan.jpeg);
    let thumb = sha256_hex(&scan.thumbnail);
    let file = FileRef {
        hash: hash.clone(),
        name,
        size: size_of(scan.jpeg.len())?,
        mime: "image/jpeg".into(),
        original_size: size_of(uploaded)?,
        thumbnail: Some(thumb.clone()),
        original: original.as_deref().map(sha256_hex),
        qr: None,
    };
    let mut blobs = vec![
        Blob {
            hash,
            mime: "image/jpeg",
            bytes: scan.jpeg,
        },
        Blob {
            hash: thumb,
            mime: "image/jpeg",
            bytes: scan.thumbnail,
        },
    ];
    if let (Some(hash), Some(bytes)) = (file.original.clone(), original) {
        blobs.push(Blob {
            hash,
            mime: "application/octet-stream",
            bytes,
        });
    }
    Ok((file, blobs))
}

/// The QR code of a staged page staged without reading it: its compressed image first, then its
/// original where the school keeps originals (the blobs of [`Engine::staged_file`]).
async fn read_staged_qr(blobs: &[Blob]) -> Result<Option<QrContent>> {
    // [jpeg, thumbnail, original?]: the thumbnail is too small to read.
    let images: Vec<Vec<u8>> = blobs
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, b)| b.bytes.clone())
        .collect();
    tokio::task::spawn_blocking(move || {
        images
            .iter()
            .find_map(|i| read_verification_qr(i))
            .map(|(code, hash)| QrContent { code, hash })
    })
    .await
    .map_err(|_| DomainError::internal("qr"))
}

/// R-UPLOAD-03: removes the staged uploads that expired by `now` (on every staging and in the
/// sweep, so no timer is needed).
pub(crate) async fn prune_staged_uploads(c: &mut AnyConnection, now: Timestamp) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM staged_uploads WHERE expires_at <= $1")
            .bind(now)
            .execute(c)
            .await?
            .rows_affected(),
    )
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

/// The hashes in one file reference (JSON): the file, its thumbnail, its kept original.
fn hashes_of(file: &serde_json::Value, out: &mut Vec<String>) {
    for k in ["hash", "thumbnail", "original"] {
        if let Some(h) = file.get(k).and_then(|v| v.as_str()) {
            out.push(h.to_string());
        }
    }
}

/// Every file a record names, with the record (`item 12`, `employer 3`) and its creation time:
/// the files of items' payloads (scans, proofs), employers' licences, and the `files` rows.
pub(crate) async fn referenced_files(
    c: &mut AnyConnection,
) -> Result<BTreeMap<String, (String, Timestamp)>> {
    let mut out = BTreeMap::new();
    let mut note = |hashes: Vec<String>, owner: String, at: Timestamp| {
        for h in hashes {
            out.entry(h).or_insert_with(|| (owner.clone(), at));
        }
    };
    for r in sqlx::query("SELECT id, payload, created_at FROM items ORDER BY id")
        .fetch_all(&mut *c)
        .await?
    {
        let payload: serde_json::Value =
            serde_json::from_str(&r.try_get::<String, _>("payload")?).unwrap_or_default();
        let mut hashes = Vec::new();
        for key in ["scans", "proofs"] {
            for f in payload
                .get(key)
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
            {
                hashes_of(f, &mut hashes);
            }
        }
        // Stamped pages (R-OFFSIGN-04) hold their file beside what their QR code said.
        for page in payload
            .get("pages")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(f) = page.get("file") {
                hashes_of(f, &mut hashes);
            }
        }
        let id: i64 = r.try_get("id")?;
        note(hashes, format!("item {id}"), r.try_get("created_at")?);
    }
    for r in sqlx::query(
        "SELECT id, licence_file, created_at FROM employers WHERE licence_file IS NOT NULL ORDER BY id",
    )
    .fetch_all(&mut *c)
    .await?
    {
        let licence: serde_json::Value =
            serde_json::from_str(&r.try_get::<String, _>("licence_file")?).unwrap_or_default();
        let mut hashes = Vec::new();
        hashes_of(&licence, &mut hashes);
        let id: i64 = r.try_get("id")?;
        note(hashes, format!("employer {id}"), r.try_get("created_at")?);
    }
    for r in sqlx::query("SELECT hash, created_at FROM files ORDER BY hash")
        .fetch_all(&mut *c)
        .await?
    {
        let hash: String = r.try_get("hash")?;
        note(
            vec![hash.clone()],
            format!("file {hash}"),
            r.try_get("created_at")?,
        );
    }
    Ok(out)
}

/// Of the `referenced` files, those whose bytes are not in the database, with the record naming
/// each.
pub(crate) async fn missing_files(
    c: &mut AnyConnection,
    referenced: &BTreeMap<String, (String, Timestamp)>,
) -> Result<Vec<(String, String)>> {
    let stored: std::collections::HashSet<String> =
        sqlx::query("SELECT hash FROM files WHERE data IS NOT NULL")
            .fetch_all(&mut *c)
            .await?
            .iter()
            .map(|r| r.try_get("hash"))
            .collect::<std::result::Result<_, _>>()?;
    Ok(referenced
        .iter()
        .filter(|(h, _)| !stored.contains(*h))
        .map(|(h, (owner, _))| (h.clone(), owner.clone()))
        .collect())
}

/// R-UPLOAD-02: copies the files an earlier version kept in `dir` (`<2 hex>/<hash>`) into the
/// database, once: every referenced file whose bytes the database lacks, checked against its
/// hash. A file missing from the folder (or damaged) is logged and left for `gradsign check` to
/// report, not a failed open; the copy is tried again at the next open until nothing is missing.
/// Idempotent, so engines opening one database at once may both run it.
pub(crate) async fn import_files_folder(store: &Store, dir: &Path) -> Result<()> {
    let mut c = store.read().await?;
    let done = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(FOLDER_IMPORTED)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| r.try_get::<String, _>("value"))
        .transpose()?;
    if done.as_deref() == Some("1") {
        return Ok(());
    }
    let referenced = referenced_files(&mut c).await?;
    let missing = missing_files(&mut c, &referenced).await?;
    let mut lost = 0usize;
    let mut copied = 0usize;
    for (hash, owner) in &missing {
        let valid = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
        let bytes = if valid {
            std::fs::read(dir.join(&hash[..2]).join(hash)).ok()
        } else {
            None
        };
        match bytes {
            Some(b) if sha256_hex(&b) == *hash => {
                let mime = if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
                    "image/jpeg"
                } else {
                    "application/octet-stream"
                };
                let at = referenced.get(hash).map(|r| r.1).unwrap_or(0);
                insert_file(&mut c, hash, mime, &b, at).await?;
                copied += 1;
            }
            _ => {
                lost += 1;
                tracing::warn!(file = %hash, record = %owner, "file missing from the files folder");
            }
        }
    }
    if copied > 0 {
        tracing::info!(
            copied,
            "files copied from the files folder into the database"
        );
    }
    if lost == 0 {
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, '1') ON CONFLICT (key) DO UPDATE SET value = '1'")
            .bind(FOLDER_IMPORTED)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}
