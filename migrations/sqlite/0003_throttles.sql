-- Failure counters for look-ups without an account row (R-AUTH-05: graduate activation, keyed
-- `activate:<student number>`). migrations/postgres/0003_throttles.sql has the same table.
-- `failures` is incremented by the database (an upsert), `locked_until` is UTC unix seconds.
CREATE TABLE throttles (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
);
