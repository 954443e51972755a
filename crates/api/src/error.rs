//! The one error shape every operation returns on the wire, over Tauri IPC and HTTP alike:
//! `{code, message, details}`.
//!
//! `code` is what the UI branches on; `message` is the text to show, in Chinese and English (the UI
//! picks the chosen language); `details` is machine-readable context such as the field at fault.
//! The shape and the codes are the engine's, so an engine error crosses the boundary unchanged.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What went wrong, as the UI tells it apart. The engine's codes, one for one (mapped in
/// below), so a new engine code fails to compile here until the UI knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "ErrorCode.ts")]
pub enum ErrorCode {
    /// An input field is malformed or out of range; `details.field` names it.
    Validation,
    /// The item or person does not exist (or is outside the actor's scope).
    NotFound,
    /// The actor's role or scope does not allow the action.
    Forbidden,
    /// Not signed in, or the session expired: sign in again.
    Unauthenticated,
    /// Wrong username or password.
    WrongCredentials,
    /// Too many failed attempts; try later.
    Throttled,
    /// R-INFO-03: the school has not uploaded this graduate's record.
    NotImported,
    /// The account already has a password.
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
    /// The employer's sign-up is not approved yet.
    EmployerNotApproved,
    /// R-TERM-04 / R-OFF: an open termination request exists.
    OpenTermination,
    /// R-OFFSIGN-04: an uploaded stamped page's QR code names another agreement or hash.
    PageMismatch,
    /// The cohort's change deadline has passed.
    ChangesClosed,
    /// A record with the same unique key exists.
    Duplicate,
    /// The database was written by a newer version of GradSign.
    SchemaTooNew,
    /// The desktop's own: the update server could not be reached or answered nonsense.
    UpdateUnavailable,
    /// The desktop's own: a downloaded update failed its signature check (tampered, or
    /// signed for another version than the manifest announced); nothing was installed.
    UpdateRejected,
    /// The server's transport refused the request's size: a body over its limit (a file over
    /// R-UPLOAD-01's 20 MB, a JSON request over the server's limit).
    TooLarge,
    /// The request's body is not of a type the endpoint takes (a non-image upload).
    UnsupportedMedia,
    /// The server cannot answer now (not ready, overloaded, shutting down, or the request took
    /// longer than its limit): try again shortly.
    Unavailable,
    /// The desktop's own: the school server's certificate is not trusted (not from the system's
    /// roots nor from the CA file the school gave, or not issued for the address typed).
    UntrustedServer,
    /// Anything else: a bug or a broken installation. Carries no personal data.
    Internal,
}

/// A message in both languages; the UI shows the one the user chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "Text.ts")]
pub struct Text {
    pub zh: String,
    pub en: String,
}

/// The error every operation (and every desktop command) returns; a desktop connected to a
/// school's server reads it back from the wire as the server sent it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export_to = "CommandError.ts")]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: Text,
    /// Machine-readable context, e.g. `{"field": "school_code"}`; never personal data.
    #[ts(type = "Record<string, unknown> | null")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    #[serde(default)]
    pub details: serde_json::Value,
}

impl CommandError {
    /// An error with a code and a message in both languages, without details.
    pub fn new(code: ErrorCode, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            code,
            message: Text {
                zh: zh.into(),
                en: en.into(),
            },
            details: serde_json::Value::Null,
        }
    }

    /// The same error with `details` (e.g. `{"field": "address"}`).
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }

    /// An unexpected failure outside the engine; `context` must not contain personal data.
    pub fn internal(context: impl std::fmt::Display) -> Self {
        let mut e = Self::new(
            ErrorCode::Internal,
            "系统内部错误，请稍后重试",
            "Internal error, please try again",
        );
        e.details = serde_json::json!({ "context": context.to_string() });
        e
    }
}

impl CommandError {
    /// A call to an operation the catalog does not have.
    pub fn unknown_operation(name: &str) -> Self {
        let mut e = Self::new(ErrorCode::NotFound, "没有这个操作", "No such operation");
        e.details = serde_json::json!({ "operation": name });
        e
    }
}

impl From<gradsign_engine::DomainError> for CommandError {
    fn from(e: gradsign_engine::DomainError) -> Self {
        Self {
            code: e.code.into(),
            message: Text {
                zh: e.message.zh,
                en: e.message.en,
            },
            details: e.details,
        }
    }
}

impl From<gradsign_engine::ErrorCode> for ErrorCode {
    fn from(code: gradsign_engine::ErrorCode) -> Self {
        use gradsign_engine::ErrorCode as E;
        match code {
            E::Validation => Self::Validation,
            E::NotFound => Self::NotFound,
            E::Forbidden => Self::Forbidden,
            E::Unauthenticated => Self::Unauthenticated,
            E::WrongCredentials => Self::WrongCredentials,
            E::Throttled => Self::Throttled,
            E::NotImported => Self::NotImported,
            E::AlreadyActivated => Self::AlreadyActivated,
            E::InfoNotConfirmed => Self::InfoNotConfirmed,
            E::ModuleClosed => Self::ModuleClosed,
            E::ReadOnlyCohort => Self::ReadOnlyCohort,
            E::InvalidState => Self::InvalidState,
            E::Expired => Self::Expired,
            E::AlreadyReviewed => Self::AlreadyReviewed,
            E::OneDestination => Self::OneDestination,
            E::SigningLocked => Self::SigningLocked,
            E::DuplicateInvitation => Self::DuplicateInvitation,
            E::DirectedGraduate => Self::DirectedGraduate,
            E::EmployerNotApproved => Self::EmployerNotApproved,
            E::OpenTermination => Self::OpenTermination,
            E::PageMismatch => Self::PageMismatch,
            E::ChangesClosed => Self::ChangesClosed,
            E::Duplicate => Self::Duplicate,
            E::SchemaTooNew => Self::SchemaTooNew,
            E::Internal => Self::Internal,
        }
    }
}

impl ErrorCode {
    /// The HTTP status of an error with this code: chosen here, once, for every transport that
    /// speaks HTTP (the server, and the OpenAPI document that describes it).
    pub fn http_status(self) -> u16 {
        use ErrorCode as C;
        match self {
            C::Validation | C::PageMismatch => 400,
            C::Unauthenticated | C::WrongCredentials => 401,
            C::Forbidden | C::EmployerNotApproved | C::DirectedGraduate => 403,
            C::NotFound | C::NotImported => 404,
            // The request was understood but the records' state refuses it (including someone
            // else having acted first): the client reloads and decides again.
            C::Duplicate
            | C::AlreadyActivated
            | C::InfoNotConfirmed
            | C::ModuleClosed
            | C::ReadOnlyCohort
            | C::InvalidState
            | C::Expired
            | C::AlreadyReviewed
            | C::OneDestination
            | C::SigningLocked
            | C::DuplicateInvitation
            | C::OpenTermination
            | C::ChangesClosed => 409,
            C::Throttled => 429,
            C::TooLarge => 413,
            C::UnsupportedMedia => 415,
            C::Unavailable => 503,
            // The desktop's own codes (never sent by a server) with the server's failures.
            C::SchemaTooNew
            | C::UpdateUnavailable
            | C::UpdateRejected
            | C::UntrustedServer
            | C::Internal => 500,
        }
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message.en)
    }
}

impl std::error::Error for CommandError {}

/// What an operation returns.
pub type CommandResult<T> = Result<T, CommandError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_shape_is_code_message_details() {
        let e = CommandError::new(ErrorCode::WrongCredentials, "密码错误", "wrong password");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "wrong_credentials",
                "message": {"zh": "密码错误", "en": "wrong password"},
                "details": null
            })
        );
        let engine = gradsign_engine::DomainError::new(
            gradsign_engine::ErrorCode::WrongCredentials,
            "密码错误",
            "wrong password",
        );
        assert_eq!(CommandError::from(engine), e);
        let json = serde_json::to_value(CommandError::internal("keychain")).unwrap();
        assert_eq!(json["code"], "internal");
        assert_eq!(json["details"]["context"], "keychain");
    }
}
