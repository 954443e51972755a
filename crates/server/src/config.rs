//! What a server runs with: where it listens, its certificate, its limits, its clock.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use gradsign_engine::Timestamp;

use crate::StartError;

/// The certificate chain and private key (PEM files) the server presents.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The limits every request runs under. A request over one of them is refused with the one
/// error shape (413, 503), never left to hang or to grow the server's memory.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The largest JSON request body. Files do not travel inside JSON: they stream to
    /// `/api/v1/uploads` first.
    pub max_json_bytes: usize,
    /// The largest upload (R-UPLOAD-01: 20 MB), enforced while the body streams in.
    pub max_upload_bytes: usize,
    /// How long one request may take, from its first byte to its answer.
    pub request_timeout: Duration,
    /// Requests served at once; more wait up to `queue_wait` for a place, then get 503.
    pub max_in_flight: usize,
    pub queue_wait: Duration,
    /// How long a graceful shutdown lets the requests in flight finish.
    pub shutdown_grace: Duration,
    /// Message streams (`GET /api/v1/events`) open at once, one per signed-in desktop; they
    /// hold no request slot. More are refused with 503 and the desktop retries.
    pub max_event_streams: usize,
    /// How long a message stream waits for a change before it checks the session again: an
    /// ended or expired session is told (and the stream closed) within this time.
    pub event_recheck: Duration,
}

impl Limits {
    /// The largest JSON body of `operation`. Employer sign-up has no account to stage its
    /// licence with (R-UPLOAD-03), so its licence comes inline, and its body may hold one
    /// upload of R-UPLOAD-01's size in base64 beside the form (R-SERVER-05).
    pub fn json_bytes_for(&self, operation: &str) -> usize {
        if operation == "employer_sign_up" {
            let base64 = self.max_upload_bytes.div_ceil(3).saturating_mul(4);
            base64.saturating_add(64 * 1024).max(self.max_json_bytes)
        } else {
            self.max_json_bytes
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_json_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 20 * 1024 * 1024,
            request_timeout: Duration::from_secs(60),
            max_in_flight: 256,
            queue_wait: Duration::from_secs(5),
            shutdown_grace: Duration::from_secs(30),
            max_event_streams: 10_000,
            event_recheck: Duration::from_secs(20),
        }
    }
}

/// The time of a request, read once by the transport (operations never read the clock).
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The system clock: UTC unix seconds.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    })
}

/// How one server process runs.
#[derive(Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// None: plain HTTP, which only a loopback address may serve (R-SERVER-01).
    pub tls: Option<TlsFiles>,
    pub limits: Limits,
    /// How often this server runs the deadline sweep and the outbox; None runs neither (tests,
    /// or a school that runs them from a timer with `gradsign sweep` / `gradsign outbox send`).
    pub workers_every: Option<Duration>,
    /// Load balancers whose `X-Forwarded-For` is believed; anyone else's is ignored, so a client
    /// cannot choose the address its anonymous look-ups are throttled by.
    pub trusted_proxies: Vec<IpAddr>,
    pub clock: Clock,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("listen", &self.listen)
            .field("tls", &self.tls)
            .field("limits", &self.limits)
            .field("workers_every", &self.workers_every)
            .field("trusted_proxies", &self.trusted_proxies)
            .finish_non_exhaustive()
    }
}

impl ServerConfig {
    /// A server on `listen` with the default limits, the system clock and workers every minute.
    pub fn new(listen: SocketAddr, tls: Option<TlsFiles>) -> Self {
        ServerConfig {
            listen,
            tls,
            limits: Limits::default(),
            workers_every: Some(Duration::from_secs(60)),
            trusted_proxies: Vec::new(),
            clock: system_clock(),
        }
    }

    /// R-SERVER-01: plain HTTP carries passwords and session tokens in the clear, so it is served
    /// on a loopback address only (a proxy on the same machine, tests); anything else needs TLS.
    pub(crate) fn check(&self) -> Result<(), StartError> {
        if self.tls.is_none() && !self.listen.ip().is_loopback() {
            return Err(StartError::new(
                format!(
                    "明文 HTTP 只能监听本机回环地址；在 {} 上提供服务需要 --tls-cert 和 --tls-key",
                    self.listen
                ),
                format!(
                    "plain HTTP is served on a loopback address only; serving on {} needs --tls-cert and --tls-key",
                    self.listen
                ),
            ));
        }
        if self.limits.max_in_flight == 0 {
            return Err(StartError::new(
                "并发请求上限必须至少为 1",
                "the limit of requests in flight must be at least 1",
            ));
        }
        Ok(())
    }
}
