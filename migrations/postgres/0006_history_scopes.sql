-- R-AUDIT-03/-04 (docs/history-chain.md): one hash chain per scope instead of one for the whole
-- school, and a chain of seals over the scopes' heads. migrations/sqlite/0006_history_scopes.sql
-- has the same meaning.
-- The entries written before this migration form the scope 'legacy' in their old order (their
-- scope seq is their seq) and keep their hashes; the old single head becomes that scope's head.
ALTER TABLE history ADD COLUMN scope TEXT NOT NULL DEFAULT 'legacy';
ALTER TABLE history ADD COLUMN scope_seq BIGINT NOT NULL DEFAULT 0;
UPDATE history SET scope_seq = seq;
ALTER TABLE history ALTER COLUMN scope DROP DEFAULT;
ALTER TABLE history ALTER COLUMN scope_seq DROP DEFAULT;
CREATE UNIQUE INDEX history_scope ON history (scope, scope_seq);
-- The global seq only orders timelines now; a sequence hands it out without a shared row lock.
CREATE SEQUENCE history_seq OWNED BY history.seq;
SELECT setval('history_seq', COALESCE((SELECT MAX(seq) FROM history), 0) + 1, false);
ALTER TABLE history ALTER COLUMN seq SET DEFAULT nextval('history_seq');
CREATE TABLE chain_heads (
    scope TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO chain_heads (scope, seq, hash) SELECT 'legacy', seq, hash FROM chain_head WHERE seq > 0;
DROP TABLE chain_head;
-- The seals: each lists the heads ([scope, seq, hash], by scope) changed since the one before.
CREATE TABLE seals (
    seq BIGINT PRIMARY KEY,
    heads TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
-- Each scope's newest sealed head (what the next seal compares with), and the newest seal.
CREATE TABLE sealed_heads (
    scope TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE seal_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO seal_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
