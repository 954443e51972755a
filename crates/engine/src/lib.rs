//! GradSign's workflow engine: domain types, the workflows of DOMAIN.md as pure transition
//! functions, permissions, the store (SQLite and PostgreSQL through one code path), the outbox,
//! the hash-chained history and the frozen agreement snapshot. No Tauri, no window, no HTTP server.

pub mod actions;
pub mod audit;
pub mod check;
pub mod demo;
pub mod engine;
pub mod error;
pub mod export;
pub mod files;
pub mod import_file;
pub mod model;
pub mod outbox;
pub mod print;
pub mod queries;
pub mod reference;
pub mod request_keys;
pub mod snapshot;
pub mod store;
mod throttle;
pub mod time;
pub mod types;
pub mod workflow;

pub use actions::accounts::{AccountView, EmployerSignUp, NewStaff, Session, SessionToken};
pub use actions::admin::{AffectedItem, EmployerView, FixPreview, MergeReport};
pub use actions::agreements::VerifyResult;
pub use actions::graduates::{GraduateFix, ImportProblem, ImportReport, ImportRow, IMPORT_HEADER};
pub use actions::offline_signing::OfflineSigningInput;
pub use actions::person_links::{LinkedRecord, PersonLinkCandidate};
pub use actions::portal::{CohortRecord, GraduatePortal};
pub use actions::registrations::{DestinationInput, PaperInput};
pub use actions::setup::{CohortSettings, Department, SchoolSetup};
pub use actions::signing::{GraduateLookup, InviteInput, SweepReport};
pub use actions::workspaces::{EmployerProfile, EmployerStaff};
pub use engine::{Cohort, Engine, EngineOptions, Graduate};
pub use error::{DomainError, ErrorCode, Result, Text};
pub use export::{FilterLine, GraduateQuery};
pub use files::{StagedUpload, Upload, UploadPurpose};
pub use import_file::{read_import, ImportFile};
pub use model::{AgreementTerms, EmployerDetails, FileRef, ItemKind};
pub use outbox::{GatewayConfig, GatewaySettings};
pub use queries::{
    Cursor, ItemDetail, ItemView, Message, MessageState, QueuePage, QueueQuery, QueueRow,
    Statistics,
};
pub use time::Timestamp;
pub use workflow::{Actor, Level, ReviewChain, ReviewDecision, Role};
