//! The routes: every catalog operation at `POST /api/v1/{name}`, the health and readiness probes.
//! Each handler is a few lines over the catalog: the engine decides every rule and permission.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use gradsign_api::{dispatch, Caller, CommandError, Cx, ErrorCode, OPERATIONS};
use gradsign_engine::{Engine, SessionToken, UploadPurpose};
use http_body_util::BodyExt;
use serde_json::json;

use crate::config::{Clock, Limits};
use crate::request_keys;
use crate::wire::{self, Answer, LoggedOperation};

/// What every handler shares. No state of its own beyond the engine's pool: sessions, throttles
/// and files live in the database, so any server of a school answers any request.
pub(crate) struct Shared {
    pub engine: Arc<Engine>,
    pub limits: Limits,
    pub trusted_proxies: Vec<IpAddr>,
    pub clock: Clock,
    /// The places for open message streams (`Limits::max_event_streams`).
    pub event_streams: Arc<tokio::sync::Semaphore>,
    /// Becomes true when the server stops: the message streams close.
    pub stop: tokio::sync::watch::Receiver<bool>,
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/uploads", post(upload))
        .route("/api/v1/{name}", post(operation))
        .with_state(shared)
}

/// The OpenAPI 3.1 document of this API, generated from the catalog's Rust types once per process.
async fn openapi() -> Response {
    static DOCUMENT: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    wire::json(DOCUMENT.get_or_init(gradsign_api::openapi::document))
}

async fn healthz() -> Response {
    wire::json(&json!({ "status": "ok" }))
}

/// Ready when the database answers and holds the schema this build migrates to.
async fn readyz(State(shared): State<Arc<Shared>>) -> Response {
    match shared.engine.store().schema_version().await {
        Ok(v) if v == gradsign_engine::store::SCHEMA_VERSION => {
            wire::json(&json!({ "status": "ok", "schemaVersion": v }))
        }
        Ok(v) => wire::refusal(
            ErrorCode::Unavailable,
            "数据库结构版本与本服务不一致",
            "the database's schema version is not the one this server expects",
            json!({ "schemaVersion": v, "expected": gradsign_engine::store::SCHEMA_VERSION }),
        ),
        Err(_) => wire::refusal(
            ErrorCode::Unavailable,
            "数据库暂时无法连接",
            "the database cannot be reached",
            json!({ "context": "database" }),
        ),
    }
}

/// One catalog operation: the bearer token, the JSON request (an empty body is `null`), the
/// engine's answer as JSON or raw bytes.
async fn operation(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(info) = OPERATIONS.iter().find(|o| o.name == name) else {
        return wire::error(CommandError::unknown_operation(&name));
    };
    let mut response = run_operation(&shared, info.name, peer, &headers, body)
        .await
        .into_response();
    response.extensions_mut().insert(LoggedOperation(info.name));
    response
}

async fn run_operation(
    shared: &Shared,
    name: &'static str,
    peer: SocketAddr,
    headers: &HeaderMap,
    body: Body,
) -> Answer {
    let now = (shared.clock)();
    let (token, bytes, request) = match read_request(shared, name, headers, body).await {
        Ok(read) => read,
        Err(e) => return Answer::of_error(&e),
    };
    let client = client_address(peer, headers, &shared.trusted_proxies).to_string();
    let key = match request_keys::request_key(headers, name, token.as_ref(), &client, &bytes, now) {
        Ok(key) => key,
        Err(e) => return Answer::of_error(&e),
    };
    let caller = Caller { token, client };
    let cx = Cx {
        engine: &shared.engine,
        now,
        caller: &caller,
    };
    let operation = async { Answer::of_result(dispatch(&cx, name, request).await) };
    match key {
        Some(key) => request_keys::run_keyed(shared, key, operation).await,
        None => operation.await,
    }
}

/// The bearer token, the body's bytes and its JSON (an empty body is `null`).
async fn read_request(
    shared: &Shared,
    operation: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<(Option<SessionToken>, Vec<u8>, serde_json::Value), CommandError> {
    let token = bearer_token(headers)?;
    if let Some(kind) = headers.get(header::CONTENT_TYPE) {
        let kind = kind.to_str().unwrap_or_default();
        if !kind.trim_start().starts_with("application/json") {
            return Err(wire::refused(
                ErrorCode::UnsupportedMedia,
                "请求正文必须是 JSON（Content-Type: application/json）",
                "the request body must be JSON (Content-Type: application/json)",
                json!({ "field": "Content-Type" }),
            ));
        }
    }
    let bytes = read_body(body, headers, shared.limits.json_bytes_for(operation)).await?;
    let request = if bytes.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&bytes).map_err(|e| {
            wire::refused(
                ErrorCode::Validation,
                &format!(
                    "请求正文不是有效的 JSON（第 {} 行第 {} 列）",
                    e.line(),
                    e.column()
                ),
                &format!(
                    "the request body is not valid JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ),
                json!({ "field": "body", "line": e.line(), "column": e.column() }),
            )
        })?
    };
    Ok((token, bytes, request))
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct UploadQuery {
    name: Option<String>,
    /// `stamped_page`: an offline agreement's stamped page, whose QR code is read while the
    /// original bytes are at hand (R-OFFSIGN-04); anything else (or none) is a document.
    purpose: Option<String>,
}

/// The image types an upload may be (R-UPLOAD-01), by the request's Content-Type.
const UPLOAD_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

/// `POST /api/v1/uploads?name=…`: one file streamed in as the raw body (no base64, no JSON), at
/// most R-UPLOAD-01's 20 MB counted while it streams, staged for the signed-in account's next
/// request (R-UPLOAD-03), which names it by the answered `id`.
async fn upload(
    State(shared): State<Arc<Shared>>,
    query: Result<axum::extract::Query<UploadQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let mut response = match stage(&shared, query, &headers, body).await {
        Ok(staged) => wire::json(&staged),
        Err(e) => wire::error(e),
    };
    response.extensions_mut().insert(LoggedOperation("upload"));
    response
}

async fn stage(
    shared: &Shared,
    query: Result<axum::extract::Query<UploadQuery>, axum::extract::rejection::QueryRejection>,
    headers: &HeaderMap,
    body: Body,
) -> Result<serde_json::Value, CommandError> {
    let now = (shared.clock)();
    let token = bearer_token(headers)?;
    let caller = Caller {
        token,
        client: String::new(),
    };
    let cx = Cx {
        engine: &shared.engine,
        now,
        caller: &caller,
    };
    let actor = cx.actor().await?;
    let query = query.ok().map(|q| q.0);
    let purpose = match query.as_ref().and_then(|q| q.purpose.as_deref()) {
        None | Some("" | "document") => UploadPurpose::Document,
        Some("stamped_page") => UploadPurpose::StampedPage,
        Some(_) => {
            return Err(wire::refused(
                ErrorCode::Validation,
                "上传用途（?purpose=…）只能是 document 或 stamped_page",
                "the upload's purpose (?purpose=…) must be document or stamped_page",
                json!({ "field": "purpose" }),
            ))
        }
    };
    let name = query
        .and_then(|q| q.name)
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty() && n.chars().count() <= 200 && !n.chars().any(char::is_control))
        .ok_or_else(|| {
            wire::refused(
                ErrorCode::Validation,
                "请在地址中给出文件名（?name=…，1 到 200 个字符，不含控制字符）",
                "give the file's name in the address (?name=…, 1 to 200 characters, no control characters)",
                json!({ "field": "name" }),
            )
        })?;
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    if !UPLOAD_TYPES.contains(&kind.as_str()) {
        return Err(wire::refused(
            ErrorCode::UnsupportedMedia,
            "只能上传 JPEG、PNG 或 WebP 图片（Content-Type: image/jpeg、image/png 或 image/webp）",
            "only JPEG, PNG or WebP images can be uploaded (Content-Type: image/jpeg, image/png or image/webp)",
            json!({ "field": "Content-Type" }),
        ));
    }
    let bytes = read_body(body, headers, shared.limits.max_upload_bytes).await?;
    let staged = shared
        .engine
        .stage_upload_for(&actor, &name, &bytes, purpose, now)
        .await?;
    serde_json::to_value(staged).map_err(CommandError::internal)
}

/// The session token of `Authorization: Bearer …`, if any; any other form of the header is
/// refused rather than ignored, so a client's mistake is not answered as "anonymous".
pub(crate) fn bearer_token(headers: &HeaderMap) -> Result<Option<SessionToken>, CommandError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().unwrap_or_default();
    match value.strip_prefix("Bearer ") {
        Some(token) if !token.trim().is_empty() => Ok(Some(SessionToken(token.trim().to_string()))),
        _ => Err(wire::refused(
            ErrorCode::Unauthenticated,
            "Authorization 请求头必须是 “Bearer <会话令牌>”",
            "the Authorization header must be “Bearer <session token>”",
            json!({ "field": "Authorization" }),
        )),
    }
}

/// Reads a whole body of at most `limit` bytes; larger (announced or streamed) is 413, a body
/// that ends early or breaks off is 400, and neither reaches the engine.
pub(crate) async fn read_body(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
) -> Result<Vec<u8>, CommandError> {
    let too_large = || {
        wire::refused(
            ErrorCode::TooLarge,
            &format!("请求正文超过 {limit} 字节的上限"),
            &format!("the request body is over the limit of {limit} bytes"),
            json!({ "field": "body", "limit": limit }),
        )
    };
    let incomplete = || {
        wire::refused(
            ErrorCode::Validation,
            "请求正文不完整（连接中断或长度不符）",
            "the request body is incomplete (the connection broke off or its length is wrong)",
            json!({ "field": "body" }),
        )
    };
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > DRAIN_BYTES as u64) {
        return Err(too_large());
    }
    let mut over = announced.is_some_and(|n| n > limit as u64);
    let mut body = body;
    let mut bytes = Vec::new();
    let mut drained = 0usize;
    let drain_until = tokio::time::Instant::now() + DRAIN_TIME;
    loop {
        let frame = if over {
            match tokio::time::timeout_at(drain_until, body.frame()).await {
                Ok(frame) => frame,
                Err(_) => break,
            }
        } else {
            body.frame().await
        };
        let data = match frame {
            None => break,
            Some(Err(_)) if over => break,
            Some(Err(_)) => return Err(incomplete()),
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue,
            },
        };
        if over {
            drained = drained.saturating_add(data.len());
            if drained > DRAIN_BYTES {
                break;
            }
        } else if bytes.len() + data.len() > limit {
            over = true;
        } else {
            bytes.extend_from_slice(&data);
        }
    }
    if over {
        return Err(too_large());
    }
    Ok(bytes)
}

/// A body over its limit is still read, and thrown away, up to this much and this long before
/// the refusal is answered: a client that is still sending then reads its 413 instead of a broken
/// connection (closing a socket with unread data resets it). Anything larger is cut off.
const DRAIN_BYTES: usize = 64 * 1024 * 1024;
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(5);

/// The client's address: the peer's, or, when the peer is a trusted load balancer, the last
/// address of `X-Forwarded-For` that is not one of ours.
fn client_address(peer: SocketAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer.ip()) {
        return peer.ip();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .rev()
        .find(|a| !trusted.contains(a))
        .unwrap_or(peer.ip())
}

/// A route that does not exist, in the one error shape.
pub(crate) async fn not_found() -> Response {
    let mut r = wire::refusal(
        ErrorCode::NotFound,
        "没有这个地址",
        "no such address",
        serde_json::Value::Null,
    );
    *r.status_mut() = StatusCode::NOT_FOUND;
    r.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forwarded_address_counts_only_from_a_trusted_proxy() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.9, 10.0.0.2".parse().unwrap());
        let lb: IpAddr = "10.0.0.2".parse().unwrap();
        let peer = SocketAddr::new(lb, 443);
        assert_eq!(
            client_address(peer, &headers, &[lb]),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        let stranger = SocketAddr::new("198.51.100.7".parse().unwrap(), 443);
        assert_eq!(client_address(stranger, &headers, &[lb]), stranger.ip());
    }

    #[test]
    fn only_a_bearer_token_is_taken() {
        let mut headers = HeaderMap::new();
        assert!(bearer_token(&headers).unwrap().is_none());
        headers.insert(header::AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert_eq!(bearer_token(&headers).unwrap().unwrap().0, "abc");
        headers.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(
            bearer_token(&headers).unwrap_err().code,
            ErrorCode::Unauthenticated
        );
    }
}
