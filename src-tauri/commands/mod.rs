//! The Tauri commands, one file per area, named `area_verb`. Each command parses its input, calls
//! the engine and maps the answer; rules live in the engine, not here.

pub mod about;
pub mod admin;
pub mod agreement;
pub mod app;
pub mod employer;
pub mod graduate;
pub mod messages;
pub mod review;
pub mod school;
pub mod session;
pub mod stats;
