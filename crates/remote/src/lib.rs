//! A school's `gradsign serve`, as a desktop reaches it: the server's identity before anyone
//! signs in (the school's name and its certificate's fingerprint), every catalog operation over
//! HTTPS with the session's bearer token and an optional idempotency key, and uploads streamed
//! with their progress. Errors are the catalog's one shape: the server's own refusals as it sent
//! them, and this side's (no connection, an untrusted certificate) as `unavailable` and
//! `untrusted_server`, each naming the problem in Chinese and English.

use std::time::Duration;

use gradsign_api::{CommandError, ErrorCode, Reply};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Whose certificates the desktop believes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Trust {
    /// The operating system's roots (a server with a certificate from a public CA).
    SystemRoots,
    /// Only the CA certificate (PEM) the school hands out.
    SchoolCa { pem: String },
}

/// What the person sees before signing in: whose server this is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerIdentity {
    /// The server's base address, `https://host[:port]`.
    pub url: String,
    /// The school's name, none while the server's school is not set up yet.
    pub school_name: Option<String>,
    /// SHA-256 of the server certificate (DER), as `AB:CD:…`, to compare with the school's notice.
    pub fingerprint: String,
}

/// A staged upload's id and size (R-UPLOAD-03), to name in the next request as `uploadId`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StagedUpload {
    pub id: String,
    pub size: u64,
}

/// One school's server, as this desktop reaches it.
#[derive(Debug, Clone)]
pub struct SchoolServer {
    base: url::Url,
    http: reqwest::Client,
    /// For the message stream: no limit on the whole answer (it lasts as long as the window is
    /// open), only on the silence between its parts.
    streams: reqwest::Client,
}

/// Where the signed-in account's in-app messages stand (R-NOTE-01), as the server's message
/// stream tells it (the engine's `MessageState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageState {
    /// The newest message's id, 0 for none.
    pub newest: i64,
    pub unread: i64,
}

/// What the server's message stream (R-SERVER-06) tells.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerEvent {
    /// The account's messages stand so now.
    Messages(MessageState),
    /// The session expired or was ended; the stream ends after this.
    SessionEnded(CommandError),
}

/// An open message stream.
#[derive(Debug)]
pub struct MessageStream {
    response: reqwest::Response,
    buffer: Vec<u8>,
    base: url::Url,
}

/// The server sends a keep-alive comment every 15 s: this long without a byte, the connection
/// is taken as lost.
const STREAM_SILENCE: Duration = Duration::from_secs(45);

impl MessageStream {
    /// The next event; None when the server closed the stream (it stops, or its database
    /// failed), an error when the connection broke or went silent: either way the desktop
    /// opens a new stream after a pause.
    pub async fn next(&mut self) -> Result<Option<ServerEvent>, CommandError> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
                if let Some(event) = parse_event(&block)? {
                    return Ok(Some(event));
                }
                continue;
            }
            match self.response.chunk().await {
                Ok(Some(chunk)) => {
                    // An event is small; a stream that never ends one is not the server's.
                    if self.buffer.len() + chunk.len() > 64 * 1024 {
                        return Err(not_a_school_server(&self.base));
                    }
                    self.buffer.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(None),
                Err(e) => return Err(transport_error(&self.base, &e)),
            }
        }
    }
}

/// One event block (`event:` and `data:` lines); None for a keep-alive comment or an event this
/// desktop does not know (a newer server's).
fn parse_event(block: &[u8]) -> Result<Option<ServerEvent>, CommandError> {
    let text = String::from_utf8_lossy(block);
    let (mut name, mut data) = ("", String::new());
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("event:") {
            name = v.trim();
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push_str(v.strip_prefix(' ').unwrap_or(v));
        }
    }
    let bad = |e: serde_json::Error| CommandError::internal(format!("message stream: {e}"));
    Ok(match name {
        "messages" => Some(ServerEvent::Messages(
            serde_json::from_str(&data).map_err(bad)?,
        )),
        "session_ended" => Some(ServerEvent::SessionEnded(
            serde_json::from_str(&data).map_err(bad)?,
        )),
        _ => None,
    })
}

/// The longest a request may take before the desktop says the server does not answer (the
/// server's own limit is 60 s; an upload of 20 MB on a slow line fits).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(90);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How often `run` sends a request that does not get through.
const ATTEMPTS: u32 = 4;

/// The operations whose answer is a new session token: the server takes no key for them, and
/// sending one again is safe as it is (a second sign-in opens a second session; a second
/// activation or password change is refused).
const NEW_SESSION_OPERATIONS: [&str; 3] = [
    "session_open",
    "account_activate",
    "account_change_password",
];

/// A fresh idempotency key: 128 random bits in hex.
fn new_key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl SchoolServer {
    /// The server at `address` (`https://host[:port]`, or `host[:port]`), its certificate to be
    /// checked against `trust`. Nothing is sent yet: a desktop starts while its server is down.
    pub fn new(address: &str, trust: &Trust) -> Result<SchoolServer, CommandError> {
        let base = parse_address(address)?;
        let http = client(&base, trust)?
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(CommandError::internal)?;
        let streams = client(&base, trust)?
            .read_timeout(STREAM_SILENCE)
            .build()
            .map_err(CommandError::internal)?;
        Ok(SchoolServer {
            base,
            http,
            streams,
        })
    }

    /// The server's address as shown, `https://host[:port]`.
    pub fn url(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_string()
    }

    /// Asks the server whose school it serves, checking its certificate on the way.
    pub async fn identify(&self) -> Result<ServerIdentity, CommandError> {
        let url = self
            .base
            .join("api/v1/app_status")
            .map_err(CommandError::internal)?;
        let response = self
            .http
            .post(url)
            .json(&Value::Null)
            .send()
            .await
            .map_err(|e| transport_error(&self.base, &e))?;
        let fingerprint = response
            .extensions()
            .get::<reqwest::tls::TlsInfo>()
            .and_then(|i| i.peer_certificate())
            .map(fingerprint_of)
            .unwrap_or_default();
        let status = answer(response).await?.into_json()?;
        if status.get("firstStart").and_then(Value::as_bool).is_none() {
            return Err(not_a_school_server(&self.base));
        }
        Ok(ServerIdentity {
            url: self.url(),
            school_name: status["schoolName"].as_str().map(str::to_string),
            fingerprint,
        })
    }

    /// Runs the catalog operation `name` with `request`, as the session `token` (anonymous
    /// without one). A mutating request given `key` is applied once however often it is sent
    /// (R-IDEM-01): a retry after a lost answer sends the same key.
    pub async fn call(
        &self,
        token: Option<&str>,
        name: &str,
        request: &Value,
        key: Option<&str>,
    ) -> Result<Reply, CommandError> {
        let url = self
            .base
            .join(&format!("api/v1/{name}"))
            .map_err(CommandError::internal)?;
        let mut r = self.http.post(url).json(request);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(k) = key {
            r = r.header("idempotency-key", k);
        }
        let response = r
            .send()
            .await
            .map_err(|e| transport_error(&self.base, &e))?;
        answer(response).await
    }

    /// Opens the server's message stream (R-SERVER-06) as the session `token`: a refusal
    /// (an ended session: `unauthenticated`) comes back as the one error shape.
    pub async fn events(&self, token: &str) -> Result<MessageStream, CommandError> {
        let url = self
            .base
            .join("api/v1/events")
            .map_err(CommandError::internal)?;
        let response = self
            .streams
            .get(url)
            .bearer_auth(token)
            .header("accept", "text/event-stream")
            .send()
            .await
            .map_err(|e| transport_error(&self.base, &e))?;
        if !response.status().is_success() {
            return Err(match answer(response).await {
                Err(e) => e,
                Ok(_) => not_a_school_server(&self.base),
            });
        }
        Ok(MessageStream {
            response,
            buffer: Vec::new(),
            base: self.base.clone(),
        })
    }

    /// Runs `name` as the desktop's own calls do: every operation but the three that answer a new
    /// session carries an idempotency key (`key`, the window's for this submission, so a
    /// submission the person sends again after the banner is the same request; a fresh key
    /// without one), and a request that did not get through (no connection, the server busy or
    /// restarting) is sent again with the same key after 0.5, 1 and 2 seconds, so nothing is
    /// applied twice (R-IDEM-01). Still unreachable after that, the caller gets `unavailable`
    /// and says so.
    pub async fn run(
        &self,
        token: Option<&str>,
        name: &str,
        request: &Value,
        key: Option<&str>,
    ) -> Result<Reply, CommandError> {
        let key = (!NEW_SESSION_OPERATIONS.contains(&name))
            .then(|| key.map_or_else(new_key, str::to_string));
        let mut wait = Duration::from_millis(500);
        let mut attempt = 1;
        loop {
            match self.call(token, name, request, key.as_deref()).await {
                Err(e) if e.code == ErrorCode::Unavailable && attempt < ATTEMPTS => {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                    attempt += 1;
                }
                answer => return answer,
            }
        }
    }

    /// Streams one file to the server's uploads route, calling `progress(sent, total)` as its
    /// bytes go out, and answers the staged upload the next request names. `purpose`
    /// `stamped_page` has the server read its QR code while the original is at hand
    /// (R-OFFSIGN-04).
    pub async fn upload(
        &self,
        token: &str,
        name: &str,
        content_type: &str,
        bytes: Vec<u8>,
        purpose: Option<&str>,
        progress: impl Fn(u64, u64) + Send + Sync + 'static,
    ) -> Result<StagedUpload, CommandError> {
        let mut url = self
            .base
            .join("api/v1/uploads")
            .map_err(CommandError::internal)?;
        url.query_pairs_mut().append_pair("name", name);
        if let Some(p) = purpose {
            url.query_pairs_mut().append_pair("purpose", p);
        }
        let total = bytes.len() as u64;
        let body = bytes::Bytes::from(bytes);
        const CHUNK: usize = 64 * 1024;
        let chunks: Vec<bytes::Bytes> = (0..body.len())
            .step_by(CHUNK)
            .map(|at| body.slice(at..(at + CHUNK).min(body.len())))
            .collect();
        let mut sent = 0u64;
        let stream = futures_util::stream::iter(chunks.into_iter().map(move |c| {
            sent += c.len() as u64;
            progress(sent, total);
            Ok::<_, std::io::Error>(c)
        }));
        let response = self
            .http
            .post(url)
            .bearer_auth(token)
            .header("content-type", content_type)
            .header("content-length", total)
            .body(reqwest::Body::wrap_stream(stream))
            .send()
            .await
            .map_err(|e| transport_error(&self.base, &e))?;
        let staged = answer(response).await?.into_json()?;
        serde_json::from_value(staged).map_err(CommandError::internal)
    }
}

/// An HTTPS client for `base` that believes `trust`'s certificates only.
fn client(base: &url::Url, trust: &Trust) -> Result<reqwest::ClientBuilder, CommandError> {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_info(true)
        .connect_timeout(CONNECT_TIMEOUT)
        .https_only(base.scheme() == "https");
    if let Trust::SchoolCa { pem } = trust {
        let not_a_certificate = || {
            field_error(
                "ca",
                "CA 证书文件不是 PEM 格式的证书",
                "The CA file is not a certificate in PEM format",
            )
        };
        let certificates = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
            .map_err(|_| not_a_certificate())?;
        if certificates.is_empty() {
            return Err(not_a_certificate());
        }
        builder = builder.tls_built_in_root_certs(false);
        for ca in certificates {
            builder = builder.add_root_certificate(ca);
        }
    }
    Ok(builder)
}

/// `https://host[:port]` from what a person types; plain `http://` only to this machine
/// (R-SERVER-01: a password never crosses a network in the clear).
fn parse_address(address: &str) -> Result<url::Url, CommandError> {
    let typed = address.trim();
    let with_scheme = if typed.contains("://") {
        typed.to_string()
    } else {
        format!("https://{typed}")
    };
    let bad = || {
        field_error(
            "address",
            "服务器地址应为 https://主机名[:端口]",
            "The server address should be https://host[:port]",
        )
    };
    let mut url = url::Url::parse(&with_scheme).map_err(|_| bad())?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => return Err(bad()),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(field_error(
                "address",
                "只能用 https 连接其他计算机上的服务器（明文 HTTP 会泄露密码）",
                "A server on another machine is reached over https only (plain HTTP would expose passwords)",
            ))
        }
        _ => return Err(bad()),
    }
    if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
        return Err(bad());
    }
    url.set_path("/");
    url.set_fragment(None);
    Ok(url)
}

/// The server's answer: JSON or bytes on success, its error shape otherwise.
async fn answer(response: reqwest::Response) -> Result<Reply, CommandError> {
    let status = response.status();
    let json = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let body = response
        .bytes()
        .await
        .map_err(|e| unavailable(&format!("{e}"), &format!("{e}")))?;
    if status.is_success() {
        return Ok(if json {
            Reply::Json(serde_json::from_slice(&body).map_err(CommandError::internal)?)
        } else {
            Reply::Bytes(body.to_vec())
        });
    }
    match serde_json::from_slice::<CommandError>(&body) {
        Ok(e) => Err(e),
        // Not the catalog's shape: a proxy's page, or not a GradSign server at all.
        Err(_) => Err(unavailable(
            &format!("服务器返回 HTTP {}，不是 GradSign 的答复", status.as_u16()),
            &format!(
                "the server answered HTTP {}, not a GradSign answer",
                status.as_u16()
            ),
        )),
    }
}

fn fingerprint_of(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Why a request did not reach the server: an untrusted certificate, or no connection.
fn transport_error(base: &url::Url, e: &reqwest::Error) -> CommandError {
    if let Some(problem) = certificate_problem(e) {
        return CommandError::new(
            ErrorCode::UntrustedServer,
            format!("{base} 的证书不受信任：{}。请确认地址，或选择学校提供的 CA 证书文件", problem.0),
            format!("The certificate of {base} is not trusted: {}. Check the address, or choose the CA file the school gave you", problem.1),
        )
        .with_details(json!({ "field": "ca" }));
    }
    let (zh, en) = if e.is_timeout() {
        ("服务器没有及时答复", "the server did not answer in time")
    } else if e.is_connect() {
        ("连接不上", "the connection failed")
    } else {
        ("连接中断", "the connection broke off")
    };
    unavailable(
        &format!("无法连接学校服务器 {base}：{zh}"),
        &format!("Cannot reach the school's server {base}: {en}"),
    )
}

/// The certificate problem behind `e`, if any, in both languages.
fn certificate_problem(e: &reqwest::Error) -> Option<(&'static str, &'static str)> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        // An io::Error's `source` skips the error it wraps, which is where rustls's is (the
        // connector wraps it in two).
        let mut inner: &(dyn std::error::Error + 'static) = s;
        while let Some(wrapped) = inner
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            inner = wrapped;
        }
        if let Some(rustls::Error::InvalidCertificate(c)) = inner.downcast_ref::<rustls::Error>() {
            return Some(match c {
                rustls::CertificateError::UnknownIssuer => (
                    "签发它的 CA 不在信任之列",
                    "it was issued by a CA that is not trusted",
                ),
                rustls::CertificateError::NotValidForName
                | rustls::CertificateError::NotValidForNameContext { .. } => (
                    "它不是为这个地址签发的",
                    "it was not issued for this address",
                ),
                rustls::CertificateError::Expired
                | rustls::CertificateError::ExpiredContext { .. } => ("它已过期", "it has expired"),
                _ => ("它无效", "it is invalid"),
            });
        }
        source = s.source();
    }
    None
}

/// The server was not reached, or answered not as a GradSign server does (a proxy's page while
/// it restarts): `details.context = connection` tells the window to keep the form and try again.
fn unavailable(zh: &str, en: &str) -> CommandError {
    CommandError::new(ErrorCode::Unavailable, zh, en)
        .with_details(json!({ "context": "connection" }))
}

fn not_a_school_server(base: &url::Url) -> CommandError {
    unavailable(
        &format!("{base} 不是 GradSign 学校服务器"),
        &format!("{base} is not a GradSign school server"),
    )
}

fn field_error(field: &str, zh: &str, en: &str) -> CommandError {
    CommandError::new(ErrorCode::Validation, zh, en).with_details(json!({ "field": field }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_https_and_plain_http_only_to_this_machine() {
        assert_eq!(
            parse_address(" school.edu.cn:8443 ").unwrap().as_str(),
            "https://school.edu.cn:8443/"
        );
        assert_eq!(
            parse_address("https://school.edu.cn/some/path#x")
                .unwrap()
                .as_str(),
            "https://school.edu.cn/"
        );
        assert!(parse_address("http://127.0.0.1:8080").is_ok());
        assert!(parse_address("http://localhost:8080").is_ok());
        for bad in [
            "http://school.edu.cn",
            "ftp://school.edu.cn",
            "https://user:pw@school.edu.cn",
            "https://school.edu.cn/?q=1",
            "",
            "https://",
        ] {
            let e = parse_address(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::Validation, "{bad}");
            assert_eq!(e.details["field"], "address", "{bad}");
        }
    }
}
