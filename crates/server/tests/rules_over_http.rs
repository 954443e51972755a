//! The engine's rule tests, the same bodies a third time: every operation through the HTTPS API
//! of a `gradsign serve` started on 127.0.0.1 over a fresh database of the test PostgreSQL
//! (`<file>::http::r_…`; the World and what goes over the wire: rules_over_http/world.rs). The
//! files whose tests open engines of their own (portal, shared, history, store, race, model,
//! uploads) or run clocks no server has (limits: i64::MAX) stay with the engine.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

#[macro_use]
#[path = "rules_over_http/world.rs"]
mod common;

#[path = "../../engine/tests/rules.rs"]
mod rules;

#[path = "../../engine/tests/accounts.rs"]
mod accounts;

#[path = "../../engine/tests/outbox.rs"]
mod outbox;

#[path = "../../engine/tests/access.rs"]
mod access;

#[path = "../../engine/tests/admin.rs"]
mod admin;

#[path = "../../engine/tests/workspaces.rs"]
mod workspaces;

#[path = "../../engine/tests/offline_signing.rs"]
mod offline_signing;
