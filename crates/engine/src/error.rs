//! One error shape for every caller: `{code, message: {zh, en}, details}`.
//! A refused action returns one of these and has changed nothing.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Stable codes a UI or script can branch on. Serialized in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// An input field is malformed or out of range; `details.field` names it.
    Validation,
    /// The item or person does not exist (or is outside the actor's scope).
    NotFound,
    /// The actor's role or scope does not allow the action.
    Forbidden,
    /// Not signed in, session expired or unknown.
    Unauthenticated,
    /// Wrong login or password.
    WrongCredentials,
    /// Too many failed attempts or look-ups; try later.
    Throttled,
    /// R-INFO-03: the school has not uploaded this graduate's record.
    NotImported,
    /// The account already has a password (activation done).
    AlreadyActivated,
    /// R-INFO-01: basic info not confirmed yet.
    InfoNotConfirmed,
    /// R-MOD-01: the cohort's module is closed.
    ModuleClosed,
    /// R-MOD-02: a past cohort is read-only.
    ReadOnlyCohort,
    /// The item's current state does not allow this action.
    InvalidState,
    /// R-SIGN-02: the invitation's deadline has passed.
    Expired,
    /// R-REV-02: someone else acted on the item first.
    AlreadyReviewed,
    /// R-ONE-01 / R-SIGN-10: an effective or pending destination exists.
    OneDestination,
    /// R-SIGN-03: an accepted agreement exists; other invitations are view-only.
    SigningLocked,
    /// R-SIGN-05: a pending invitation from this employer already exists.
    DuplicateInvitation,
    /// R-SIGN-09 / R-DEST-05: 定向/委培 graduates cannot do this.
    DirectedGraduate,
    /// The employer's sign-up is not approved yet (or it is disabled).
    EmployerNotApproved,
    /// R-TERM-04 / R-OFF: an open termination request exists.
    OpenTermination,
    /// R-OFFSIGN-04: an uploaded stamped page's QR code names another agreement or hash.
    PageMismatch,
    /// R-RULES-03: after the cohort's change deadline graduates' changes need the school.
    ChangesClosed,
    /// A record with the same unique key exists.
    Duplicate,
    /// The database was written by a newer version of GradSign.
    SchemaTooNew,
    /// Storage or another unexpected failure; details carry no personal data.
    Internal,
}

impl ErrorCode {
    /// The snake_case wire name.
    pub fn as_str(self) -> &'static str {
        code_name(self)
    }
}

fn code_name(code: ErrorCode) -> &'static str {
    use ErrorCode::*;
    match code {
        Validation => "validation",
        NotFound => "not_found",
        Forbidden => "forbidden",
        Unauthenticated => "unauthenticated",
        WrongCredentials => "wrong_credentials",
        Throttled => "throttled",
        NotImported => "not_imported",
        AlreadyActivated => "already_activated",
        InfoNotConfirmed => "info_not_confirmed",
        ModuleClosed => "module_closed",
        ReadOnlyCohort => "read_only_cohort",
        InvalidState => "invalid_state",
        Expired => "expired",
        AlreadyReviewed => "already_reviewed",
        OneDestination => "one_destination",
        SigningLocked => "signing_locked",
        DuplicateInvitation => "duplicate_invitation",
        DirectedGraduate => "directed_graduate",
        EmployerNotApproved => "employer_not_approved",
        OpenTermination => "open_termination",
        PageMismatch => "page_mismatch",
        ChangesClosed => "changes_closed",
        Duplicate => "duplicate",
        SchemaTooNew => "schema_too_new",
        Internal => "internal",
    }
}

/// A message in both languages; the UI shows the one the user chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

/// The error every engine action returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainError {
    pub code: ErrorCode,
    pub message: Text,
    /// Machine-readable context, e.g. `{"field": "id_number"}`. Never personal data.
    pub details: serde_json::Value,
}

impl DomainError {
    pub fn new(code: ErrorCode, zh: impl Into<String>, en: impl Into<String>) -> Self {
        DomainError {
            code,
            message: Text::new(zh, en),
            details: serde_json::Value::Null,
        }
    }

    /// A validation error naming the field.
    pub fn field(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        let mut e = DomainError::new(ErrorCode::Validation, zh, en);
        e.details = serde_json::json!({ "field": field });
        e
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }

    pub fn not_found(what_zh: &str, what_en: &str) -> Self {
        DomainError::new(
            ErrorCode::NotFound,
            format!("{what_zh}不存在或无权查看"),
            format!("{what_en} not found or not visible to you"),
        )
    }

    pub fn forbidden() -> Self {
        DomainError::new(
            ErrorCode::Forbidden,
            "您的角色或范围无权执行此操作",
            "Your role or scope does not allow this action",
        )
    }

    pub fn invalid_state(state: &str) -> Self {
        DomainError::new(
            ErrorCode::InvalidState,
            format!("当前状态（{state}）不允许此操作"),
            format!("This action is not allowed in the current state ({state})"),
        )
        .with_details(serde_json::json!({ "state": state }))
    }

    pub fn already_reviewed() -> Self {
        DomainError::new(
            ErrorCode::AlreadyReviewed,
            "该事项已被他人处理，请刷新后查看",
            "Someone else has already acted on this item; refresh to see it",
        )
    }

    pub fn internal(context: &str) -> Self {
        DomainError::new(
            ErrorCode::Internal,
            "系统内部错误，请稍后重试",
            "Internal error, please try again",
        )
        .with_details(serde_json::json!({ "context": context }))
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} ({})",
            code_name(self.code),
            self.message.zh,
            self.message.en
        )
    }
}

impl std::error::Error for DomainError {}

impl From<sqlx::Error> for DomainError {
    fn from(e: sqlx::Error) -> Self {
        // The database message may quote values; keep only its kind in details.
        let kind = match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                return DomainError::new(
                    ErrorCode::Duplicate,
                    "记录已存在",
                    "A record with the same key already exists",
                );
            }
            sqlx::Error::Database(_) => "database",
            sqlx::Error::PoolTimedOut => "pool_timed_out",
            sqlx::Error::Io(_) => "io",
            sqlx::Error::RowNotFound => "row_not_found",
            _ => "storage",
        };
        tracing::error!(kind, error = %e, "storage error");
        DomainError::internal(kind)
    }
}

impl From<serde_json::Error> for DomainError {
    fn from(_: serde_json::Error) -> Self {
        DomainError::internal("json")
    }
}

/// Engine result.
pub type Result<T, E = DomainError> = std::result::Result<T, E>;
