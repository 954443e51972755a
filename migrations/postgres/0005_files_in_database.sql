-- Uploaded files live in the database (R-UPLOAD-02): `files.data` holds the bytes under their
-- SHA-256, written in the transaction of the record that names them. Rows of an earlier version
-- (bytes in the files folder) keep NULL until the engine copies the folder in at open.
-- migrations/sqlite/0005_files_in_database.sql has the same tables.
ALTER TABLE files ADD COLUMN data BYTEA;
-- Uploads streamed in before the request that uses them (R-UPLOAD-03): already compressed
-- (R-SCAN-01), usable once, by the account that staged them, until `expires_at` (UTC seconds).
-- `file` is the file reference (JSON) the using action records; `jpeg`, `thumbnail` and
-- `original` (R-SCAN-03, NULL unless kept) are its bytes.
CREATE TABLE staged_uploads (
    id TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    size BIGINT NOT NULL,
    file TEXT NOT NULL,
    jpeg BYTEA NOT NULL,
    thumbnail BYTEA NOT NULL,
    original BYTEA,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX staged_uploads_account ON staged_uploads (account_id);
CREATE INDEX staged_uploads_expiry ON staged_uploads (expires_at);
