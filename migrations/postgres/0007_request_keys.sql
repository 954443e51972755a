-- Idempotency keys of requests (R-IDEM-01): a key is recorded in the transaction of the action
-- it applied, so a retry with the same key finds it and applies nothing twice; the answer is
-- kept beside it for the retry. migrations/sqlite/0007_request_keys.sql has the same table.
-- `key_hash` is SHA-256 of the caller's scope and the client's key; `request_hash` SHA-256 of the
-- operation and its body; times are UTC unix seconds; rows are pruned a day after `created_at`.
CREATE TABLE request_keys (
    key_hash TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    answer_status BIGINT,
    answer_type TEXT,
    answer_body BYTEA
);
CREATE INDEX request_keys_created ON request_keys (created_at);
