-- GradSign schema v1 (SQLite). migrations/postgres/0001_init.sql has the same tables and meaning.
-- Times are UTC unix seconds (INTEGER). JSON documents are TEXT.
CREATE TABLE school (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    contact TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE departments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE cohorts (
    year INTEGER PRIMARY KEY,
    module_open INTEGER NOT NULL DEFAULT 0,
    chain TEXT NOT NULL,
    invite_limit_days INTEGER NOT NULL,
    changes_until INTEGER NOT NULL,
    agreement_title TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE graduates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    cohort INTEGER NOT NULL REFERENCES cohorts(year),
    student_number TEXT NOT NULL,
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    id_number TEXT NOT NULL,
    education_level TEXT NOT NULL,
    major TEXT NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    training_mode TEXT NOT NULL,
    directed_unit TEXT NOT NULL,
    origin TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    confirmed_at INTEGER,
    version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (cohort, student_number),
    UNIQUE (cohort, id_number)
);
CREATE TABLE employers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    nature TEXT NOT NULL,
    industry TEXT NOT NULL,
    address TEXT NOT NULL,
    contact_person TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    licence_file TEXT,
    approved INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    graduate_id INTEGER REFERENCES graduates(id),
    employer_id INTEGER REFERENCES employers(id),
    department_id INTEGER REFERENCES departments(id),
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    graduate_id INTEGER NOT NULL REFERENCES graduates(id),
    employer_id INTEGER REFERENCES employers(id),
    parent_id INTEGER REFERENCES items(id),
    state TEXT NOT NULL,
    step INTEGER NOT NULL DEFAULT 0,
    chain TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    cohort INTEGER NOT NULL,
    department_id INTEGER NOT NULL,
    major TEXT NOT NULL,
    education_level TEXT NOT NULL,
    dest_code TEXT NOT NULL DEFAULT '',
    deadline INTEGER,
    reminded INTEGER NOT NULL DEFAULT 0,
    payload TEXT NOT NULL,
    agreement_number TEXT UNIQUE,
    verification_code TEXT UNIQUE,
    snapshot TEXT,
    snapshot_hash TEXT,
    submitted_at INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX items_graduate ON items (graduate_id, kind, state);
CREATE INDEX items_employer ON items (employer_id, kind, state);
CREATE INDEX items_queue ON items (kind, state, step, department_id, submitted_at, id);
CREATE INDEX items_deadline ON items (kind, state, deadline);
CREATE TABLE history (
    seq INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    item_id INTEGER,
    actor_account_id INTEGER,
    actor_role TEXT NOT NULL,
    at INTEGER NOT NULL,
    action TEXT NOT NULL,
    level TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL,
    changes TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX history_item ON history (item_id, seq);
CREATE INDEX history_subject ON history (subject, seq);
CREATE TABLE chain_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE serials (
    cohort INTEGER NOT NULL,
    level INTEGER NOT NULL,
    next INTEGER NOT NULL,
    PRIMARY KEY (cohort, level)
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    item_id INTEGER,
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX messages_account ON messages (account_id, id);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    graduate_id INTEGER NOT NULL REFERENCES graduates(id),
    template TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE TABLE files (
    hash TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mime TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
