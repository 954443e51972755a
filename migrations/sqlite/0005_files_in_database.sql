-- Uploaded files live in the database (R-UPLOAD-02): `files.data` holds the bytes under their
-- SHA-256, written in the transaction of the record that names them. Rows of an earlier version
-- (bytes in the files folder) keep NULL until the engine copies the folder in at open.
-- migrations/postgres/0005_files_in_database.sql has the same tables.
ALTER TABLE files ADD COLUMN data BLOB;
-- Uploads streamed in before the request that uses them (R-UPLOAD-03): already compressed
-- (R-SCAN-01), usable once, by the account that staged them, until `expires_at` (UTC seconds).
-- `file` is the file reference (JSON) the using action records; `jpeg`, `thumbnail` and
-- `original` (R-SCAN-03, NULL unless kept) are its bytes.
CREATE TABLE staged_uploads (
    id TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    size INTEGER NOT NULL,
    file TEXT NOT NULL,
    jpeg BLOB NOT NULL,
    thumbnail BLOB NOT NULL,
    original BLOB,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX staged_uploads_account ON staged_uploads (account_id);
CREATE INDEX staged_uploads_expiry ON staged_uploads (expires_at);
