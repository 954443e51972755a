//! What every request passes through: its request id, the limit of requests in flight, the time
//! limit, and one JSON access-log line (operation, status, error code, latency, request id; never
//! a body, a name, an ID or phone number, a token or a password).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use gradsign_api::ErrorCode;
use serde_json::json;
use tokio::sync::Semaphore;

use crate::wire::{self, LoggedCode, LoggedOperation};

pub(crate) struct Guard {
    pub in_flight: Arc<Semaphore>,
    pub queue_wait: Duration,
    pub request_timeout: Duration,
}

const REQUEST_ID: &str = "x-request-id";

/// A request id from the client (a load balancer's) when it is a short token, else a new one.
fn request_id(request: &Request) -> String {
    request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string())
}

/// The route as the log names it: a fixed path, never what a client typed into an unknown one.
fn route_of(path: &str) -> &'static str {
    match path {
        "/healthz" => "/healthz",
        "/readyz" => "/readyz",
        "/api/v1/openapi.json" => "/api/v1/openapi.json",
        "/api/v1/uploads" => "/api/v1/uploads",
        _ => "other",
    }
}

pub(crate) async fn guard(
    State(guard): State<Arc<Guard>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = request_id(&request);
    let method = request.method().to_string();
    let route = route_of(request.uri().path());
    let permit =
        match tokio::time::timeout(guard.queue_wait, guard.in_flight.clone().acquire_owned()).await
        {
            Ok(Ok(permit)) => Some(permit),
            _ => None,
        };
    let mut response = match permit {
        None => wire::refusal(
            ErrorCode::Unavailable,
            "服务器繁忙，请稍后重试",
            "the server is busy, please try again shortly",
            json!({ "context": "overloaded" }),
        ),
        Some(permit) => {
            let answered = tokio::time::timeout(guard.request_timeout, next.run(request)).await;
            drop(permit);
            answered.unwrap_or_else(|_| {
                wire::refusal(
                    ErrorCode::Unavailable,
                    "请求处理超时，请稍后重试",
                    "the request took too long, please try again shortly",
                    json!({ "context": "timeout" }),
                )
            })
        }
    };
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, v);
    }
    let operation = response
        .extensions()
        .get::<LoggedOperation>()
        .map(|o| o.0)
        .unwrap_or(route);
    let code = LoggedCode::of(&response);
    tracing::info!(
        target: "access",
        request_id = %id,
        method = %method,
        operation,
        status = response.status().as_u16(),
        code = code.as_deref().unwrap_or(""),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
    );
    response
}
