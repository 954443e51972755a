//! The Tauri commands, one file per area, named `area_verb`. Each command parses its input, calls
//! the engine and maps the answer; rules live in the engine, not here.

pub mod admin;
pub mod app;
pub mod school;
pub mod session;
pub mod stats;
