//! `gradsign serve`: the operation catalog (crates/api) over HTTPS for every desktop of a school,
//! on the school's PostgreSQL. Several servers run behind a load balancer on one database: a
//! server keeps nothing of its own (sessions, throttles, files and outbox claims are rows), so any
//! server answers any request.
//!
//! The HTTP shape: `POST /api/v1/{operation}` with the operation's JSON request (an empty body is
//! `null`) and `Authorization: Bearer <session token>`; the answer is the operation's JSON, or raw
//! bytes for a PDF, scan or workbook; every refusal is the one error shape `{code, message,
//! details}` with the status `ErrorCode::http_status` chooses. `GET /healthz` says the process
//! runs, `GET /readyz` that its database answers with the schema this build expects.
//! `GET /api/v1/events` streams a signed-in desktop's message changes (server-sent events).

mod config;
mod events;
mod guard;
mod request_keys;
mod routes;
mod tls;
mod wire;
mod workers;

pub use config::{system_clock, Clock, Limits, ServerConfig, TlsFiles};

use std::net::SocketAddr;
use std::sync::Arc;

use gradsign_engine::Engine;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinHandle;

/// Why a server did not start, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartError {
    pub zh: String,
    pub en: String,
}

impl StartError {
    pub(crate) fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        StartError {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.zh, self.en)
    }
}

impl std::error::Error for StartError {}

/// A server that is listening.
#[derive(Debug)]
pub struct RunningServer {
    /// Where it listens (the real port when the configuration asked for port 0).
    pub addr: SocketAddr,
    /// Whether it speaks TLS.
    pub tls: bool,
    handle: axum_server::Handle<SocketAddr>,
    grace: std::time::Duration,
    stop_workers: watch::Sender<bool>,
    serving: JoinHandle<std::io::Result<()>>,
    workers: Option<JoinHandle<()>>,
}

impl RunningServer {
    /// The base address clients use: `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Stops taking connections, lets the requests in flight finish (up to the configured grace),
    /// stops the workers, and returns when everything has ended.
    pub async fn shutdown(self) -> std::io::Result<()> {
        // First the workers and the message streams, which would otherwise hold their
        // connections open for the whole grace.
        let _ = self.stop_workers.send(true);
        self.handle.graceful_shutdown(Some(self.grace));
        if let Some(w) = self.workers {
            let _ = w.await;
        }
        self.serving.await.map_err(std::io::Error::other)?
    }
}

/// Starts serving `engine` as `config` says; returns once the server listens.
pub async fn start(engine: Arc<Engine>, config: ServerConfig) -> Result<RunningServer, StartError> {
    config.check()?;
    let (stop_workers, stop) = watch::channel(false);
    let shared = Arc::new(routes::Shared {
        engine: engine.clone(),
        limits: config.limits.clone(),
        trusted_proxies: config.trusted_proxies.clone(),
        clock: config.clock.clone(),
        event_streams: Arc::new(Semaphore::new(config.limits.max_event_streams)),
        stop: stop.clone(),
    });
    let guard = Arc::new(guard::Guard {
        in_flight: Arc::new(Semaphore::new(config.limits.max_in_flight)),
        queue_wait: config.limits.queue_wait,
        request_timeout: config.limits.request_timeout,
    });
    // The message streams are routed after the guard's layer, so they hold no request slot and
    // outlive the request time limit; they have their own limit (`max_event_streams`).
    let app = routes::router(shared.clone())
        .fallback(routes::not_found)
        .layer(axum::middleware::from_fn_with_state(guard, guard::guard))
        .merge(
            axum::Router::new()
                .route("/api/v1/events", axum::routing::get(events::events))
                .with_state(shared),
        );
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    let handle = axum_server::Handle::new();
    let serving = match &config.tls {
        Some(files) => {
            let tls =
                axum_server::tls_rustls::RustlsConfig::from_config(tls::server_config(files)?);
            let server = axum_server::bind_rustls(config.listen, tls).handle(handle.clone());
            tokio::spawn(async move { server.serve(service).await })
        }
        None => {
            let server = axum_server::bind(config.listen).handle(handle.clone());
            tokio::spawn(async move { server.serve(service).await })
        }
    };
    let Some(addr) = handle.listening().await else {
        let why = match serving.await {
            Ok(Err(e)) => e.to_string(),
            _ => "unknown".to_string(),
        };
        return Err(StartError::new(
            format!("无法在 {} 上监听：{why}", config.listen),
            format!("cannot listen on {}: {why}", config.listen),
        ));
    };
    let workers = config
        .workers_every
        .map(|every| tokio::spawn(workers::run(engine, config.clock.clone(), every, stop)));
    Ok(RunningServer {
        addr,
        tls: config.tls.is_some(),
        handle,
        grace: config.limits.shutdown_grace,
        stop_workers,
        serving,
        workers,
    })
}

/// JSON log lines on standard output (`GRADSIGN_LOG` filters them, default `info`): one access
/// line per request, the workers' warnings, the engine's errors. Safe to call more than once.
pub fn init_json_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("GRADSIGN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_env_filter(filter)
        .with_writer(std::io::stdout)
        .try_init();
}

/// Resolves when the process is asked to stop (SIGTERM, or Ctrl-C).
pub async fn stop_requested() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
