//! The desktop's Tauri commands: `operation` serves the whole catalog (crates/api); the others are
//! what only a desktop does (save dialogs, keychain, updater), one file per area, named
//! `area_verb`. Rules live in the engine, not here.

pub mod about;
pub mod agreement;
pub mod export;
pub mod operation;
pub mod review;
pub mod school;
pub mod session;
