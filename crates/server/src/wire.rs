//! What goes over the wire: the one error shape `{code, message, details}` with its HTTP status
//! (chosen once, by `ErrorCode::http_status`), JSON answers and binary answers.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gradsign_api::{CommandError, ErrorCode, Reply};

/// The error code of an answer, for the access log (never the message: it may quote input).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LoggedCode(pub ErrorCode);

impl LoggedCode {
    /// The refusal's code as its wire name (`unauthenticated`, …), for the access line.
    pub(crate) fn of(response: &Response) -> Option<String> {
        let code = response.extensions().get::<LoggedCode>()?;
        serde_json::to_value(code.0)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
    }
}

/// The operation an answer is for, for the access log.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LoggedOperation(pub &'static str);

pub(crate) const JSON: &str = "application/json";
pub(crate) const BINARY: &str = "application/octet-stream";

/// An answer as bytes, before it becomes a response: what a request key keeps for its retries.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    pub code: Option<ErrorCode>,
}

impl Answer {
    pub fn of_error(e: &CommandError) -> Answer {
        let body = serde_json::to_vec(e).unwrap_or_else(|_| {
            r#"{"code":"internal","message":{"zh":"系统内部错误","en":"Internal error"},"details":null}"#
                .as_bytes()
                .to_vec()
        });
        Answer {
            status: e.code.http_status(),
            content_type: JSON.into(),
            body,
            code: Some(e.code),
        }
    }

    pub fn of_json(value: &serde_json::Value) -> Answer {
        match serde_json::to_vec(value) {
            Ok(body) => Answer {
                status: 200,
                content_type: JSON.into(),
                body,
                code: None,
            },
            Err(e) => Answer::of_error(&CommandError::internal(e)),
        }
    }

    /// A binary answer (a PDF, a scan, a workbook): raw bytes, never base64.
    pub fn of_bytes(body: Vec<u8>) -> Answer {
        Answer {
            status: 200,
            content_type: BINARY.into(),
            body,
            code: None,
        }
    }

    pub fn of_result(result: Result<Reply, CommandError>) -> Answer {
        match result {
            Ok(Reply::Json(v)) => Answer::of_json(&v),
            Ok(Reply::Bytes(b)) => Answer::of_bytes(b),
            Err(e) => Answer::of_error(&e),
        }
    }

    pub fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, self.body).into_response();
        let kind =
            HeaderValue::from_str(&self.content_type).unwrap_or(HeaderValue::from_static(BINARY));
        response.headers_mut().insert(header::CONTENT_TYPE, kind);
        if let Some(code) = self.code {
            response.extensions_mut().insert(LoggedCode(code));
        }
        response
    }
}

/// An error as the wire carries it.
pub(crate) fn error(e: CommandError) -> Response {
    Answer::of_error(&e).into_response()
}

/// A JSON answer.
pub(crate) fn json(value: &serde_json::Value) -> Response {
    Answer::of_json(value).into_response()
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
