//! The engine's tests, in one binary (one link instead of one per file): a test (or more) per rule
//! of DOMAIN.md and docs/rules.md, most on SQLite and on PostgreSQL (`on_both_backends!`).
//! `cargo test -p gradsign-engine --test engine rules::` runs one file's tests.

#[macro_use]
mod common;

mod access;
mod accounts;
mod admin;
mod demo;
mod fuzz_smoke;
mod history;
mod limits;
mod model;
mod offline_signing;
mod outbox;
mod portal;
mod race;
mod request_keys;
mod rules;
mod shared;
mod store;
mod uploads;
mod workspaces;
