-- What several servers on one database must share (migrations/sqlite/0004_shared_limits_and_claims.sql
-- has the same). Times are UTC unix seconds.
--
-- R-VERIFY-02/-03: look-up counters per client in fixed one-minute windows. `hits` is incremented
-- by the database in one upsert, so every server counts against the same window.
CREATE TABLE rate_windows (
    key TEXT PRIMARY KEY,
    hits BIGINT NOT NULL,
    window_ends_at BIGINT NOT NULL
);
CREATE INDEX rate_windows_end ON rate_windows (window_ends_at);

-- R-NOTE-05: a sender claims due messages for a lease. Only the claim named in `claimed_by` marks
-- a message's result; a claim whose `claimed_until` has passed may be taken over by another sender.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claimed_until BIGINT NOT NULL DEFAULT 0;
