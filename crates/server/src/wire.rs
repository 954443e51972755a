//! What goes over the wire: the one error shape `{code, message, details}` with its HTTP status
//! (chosen once, by `ErrorCode::http_status`), JSON answers and binary answers.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gradsign_api::{CommandError, ErrorCode};

/// The error code of an answer, for the access log (never the message: it may quote input).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LoggedCode(pub ErrorCode);

/// The operation an answer is for, for the access log.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LoggedOperation(pub &'static str);

/// An error as the wire carries it.
pub(crate) fn error(e: CommandError) -> Response {
    let status =
        StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let code = e.code;
    let body = serde_json::to_vec(&e).unwrap_or_else(|_| {
        r#"{"code":"internal","message":{"zh":"系统内部错误","en":"Internal error"},"details":null}"#
            .as_bytes()
            .to_vec()
    });
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response.extensions_mut().insert(LoggedCode(code));
    response
}

/// A JSON answer.
pub(crate) fn json(value: &serde_json::Value) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => {
            let mut response = (StatusCode::OK, body).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(e) => error(CommandError::internal(e)),
    }
}

/// A binary answer (a PDF, a scan, a workbook): raw bytes, never base64.
pub(crate) fn bytes(body: Vec<u8>) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    response
}

/// A refusal of the transport itself (body too large, wrong type, overloaded), in the one shape.
pub(crate) fn refused(
    code: ErrorCode,
    zh: &str,
    en: &str,
    details: serde_json::Value,
) -> CommandError {
    let mut e = CommandError::new(code, zh, en);
    e.details = details;
    e
}

/// The same refusal, answered.
pub(crate) fn refusal(code: ErrorCode, zh: &str, en: &str, details: serde_json::Value) -> Response {
    error(refused(code, zh, en, details))
}
