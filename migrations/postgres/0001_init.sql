-- GradSign schema v1 (PostgreSQL). migrations/sqlite/0001_init.sql has the same tables and meaning.
-- Times are UTC unix seconds (BIGINT). JSON documents are TEXT.
CREATE TABLE school (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    contact TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE departments (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE cohorts (
    year BIGINT PRIMARY KEY,
    module_open BIGINT NOT NULL DEFAULT 0,
    chain TEXT NOT NULL,
    invite_limit_days BIGINT NOT NULL,
    changes_until BIGINT NOT NULL,
    agreement_title TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE graduates (
    id BIGSERIAL PRIMARY KEY,
    cohort BIGINT NOT NULL REFERENCES cohorts(year),
    student_number TEXT NOT NULL,
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    id_number TEXT NOT NULL,
    education_level TEXT NOT NULL,
    major TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    training_mode TEXT NOT NULL,
    directed_unit TEXT NOT NULL,
    origin TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    confirmed_at BIGINT,
    version BIGINT NOT NULL DEFAULT 0,
    UNIQUE (cohort, student_number),
    UNIQUE (cohort, id_number)
);
CREATE TABLE employers (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    nature TEXT NOT NULL,
    industry TEXT NOT NULL,
    address TEXT NOT NULL,
    contact_person TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    licence_file TEXT,
    approved BIGINT NOT NULL DEFAULT 0,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    graduate_id BIGINT REFERENCES graduates(id),
    employer_id BIGINT REFERENCES employers(id),
    department_id BIGINT REFERENCES departments(id),
    disabled BIGINT NOT NULL DEFAULT 0,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE items (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    graduate_id BIGINT NOT NULL REFERENCES graduates(id),
    employer_id BIGINT REFERENCES employers(id),
    parent_id BIGINT REFERENCES items(id),
    state TEXT NOT NULL,
    step BIGINT NOT NULL DEFAULT 0,
    chain TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    cohort BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    major TEXT NOT NULL,
    education_level TEXT NOT NULL,
    dest_code TEXT NOT NULL DEFAULT '',
    deadline BIGINT,
    reminded BIGINT NOT NULL DEFAULT 0,
    payload TEXT NOT NULL,
    agreement_number TEXT UNIQUE,
    verification_code TEXT UNIQUE,
    snapshot TEXT,
    snapshot_hash TEXT,
    submitted_at BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX items_graduate ON items (graduate_id, kind, state);
CREATE INDEX items_employer ON items (employer_id, kind, state);
CREATE INDEX items_queue ON items (kind, state, step, department_id, submitted_at, id);
CREATE INDEX items_deadline ON items (kind, state, deadline);
CREATE TABLE history (
    seq BIGINT PRIMARY KEY,
    subject TEXT NOT NULL,
    item_id BIGINT,
    actor_account_id BIGINT,
    actor_role TEXT NOT NULL,
    at BIGINT NOT NULL,
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
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE serials (
    cohort BIGINT NOT NULL,
    level BIGINT NOT NULL,
    next BIGINT NOT NULL,
    PRIMARY KEY (cohort, level)
);
CREATE TABLE messages (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    item_id BIGINT,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX messages_account ON messages (account_id, id);
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    channel TEXT NOT NULL,
    graduate_id BIGINT NOT NULL REFERENCES graduates(id),
    template TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE TABLE files (
    hash TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    mime TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
