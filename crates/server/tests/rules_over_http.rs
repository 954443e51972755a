//! The engine's rule tests (crates/engine/tests/rules.rs), the same bodies a third time: every
//! operation through the HTTPS API of a `gradsign serve` started on 127.0.0.1 over a fresh
//! database of the test PostgreSQL (`http::r_…`; the World and what goes over the wire:
//! rules_over_http/world.rs).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

#[macro_use]
#[path = "rules_over_http/world.rs"]
mod common;

#[path = "../../engine/tests/rules.rs"]
mod rules;
