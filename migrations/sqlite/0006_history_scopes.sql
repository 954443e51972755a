-- R-AUDIT-03/-04 (docs/history-chain.md): one hash chain per scope instead of one for the whole
-- school, and a chain of seals over the scopes' heads. migrations/postgres/0006_history_scopes.sql
-- has the same meaning.
-- The entries written before this migration form the scope 'legacy' in their old order (their
-- scope seq is their seq) and keep their hashes; the old single head becomes that scope's head.
ALTER TABLE history ADD COLUMN scope TEXT NOT NULL DEFAULT 'legacy';
ALTER TABLE history ADD COLUMN scope_seq INTEGER NOT NULL DEFAULT 0;
UPDATE history SET scope_seq = seq;
CREATE UNIQUE INDEX history_scope ON history (scope, scope_seq);
CREATE TABLE chain_heads (
    scope TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO chain_heads (scope, seq, hash) SELECT 'legacy', seq, hash FROM chain_head WHERE seq > 0;
DROP TABLE chain_head;
-- The seals: each lists the heads ([scope, seq, hash], by scope) changed since the one before.
CREATE TABLE seals (
    seq INTEGER PRIMARY KEY,
    heads TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
-- Each scope's newest sealed head (what the next seal compares with), and the newest seal.
CREATE TABLE sealed_heads (
    scope TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE seal_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO seal_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
