//! The engine's actions, one file per area.

pub mod accounts;
pub mod admin;
pub mod agreements;
pub mod graduates;
pub mod offline_signing;
pub mod person_links;
pub mod personal_data;
pub mod portal;
pub mod registrations;
pub mod setup;
pub mod signing;
pub mod steps;
pub mod terminations;
pub mod workspaces;
