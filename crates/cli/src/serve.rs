//! `gradsign serve`: the school server (crates/server) as a process. Logs are JSON lines on
//! standard output; SIGTERM (or Ctrl-C) stops it gracefully, letting requests in flight finish.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use gradsign_engine::{Engine, EngineOptions};
use gradsign_server::{Limits, ServerConfig, TlsFiles};

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address and port to listen on. Anything but a loopback address needs --tls-cert/--tls-key.
    #[arg(long, default_value = "127.0.0.1:8443")]
    listen: SocketAddr,
    /// The certificate chain the server presents (PEM).
    #[arg(long, requires = "tls_key", env = "GRADSIGN_TLS_CERT")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, requires = "tls_cert", env = "GRADSIGN_TLS_KEY")]
    tls_key: Option<PathBuf>,
    /// Database connections of this server process.
    #[arg(long, default_value_t = 16)]
    db_connections: u32,
    /// Seconds between runs of the deadline sweep and the outbox in this server (0: none, when a
    /// timer runs `gradsign sweep` and `gradsign outbox send` instead).
    #[arg(long, default_value_t = 60)]
    workers_every_secs: u64,
    /// A load balancer whose X-Forwarded-For is believed (repeat for each).
    #[arg(long = "trusted-proxy")]
    trusted_proxies: Vec<IpAddr>,
    /// Requests served at once; more wait briefly, then get 503.
    #[arg(long, default_value_t = 256)]
    max_in_flight: usize,
    /// Seconds one request may take.
    #[arg(long, default_value_t = 60)]
    request_timeout_secs: u64,
    /// The largest JSON request body in bytes (files stream to /api/v1/uploads instead).
    #[arg(long, default_value_t = 2 * 1024 * 1024)]
    max_json_bytes: usize,
}

pub async fn serve(db: &str, files: PathBuf, args: ServeArgs) -> Result<(), String> {
    gradsign_server::init_json_logs();
    let engine = Engine::open_with(
        db,
        files,
        EngineOptions {
            max_connections: args.db_connections.max(1),
            ..EngineOptions::default()
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    let tls = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
        _ => None,
    };
    let mut config = ServerConfig::new(args.listen, tls);
    config.limits = Limits {
        max_in_flight: args.max_in_flight.max(1),
        request_timeout: Duration::from_secs(args.request_timeout_secs.max(1)),
        max_json_bytes: args.max_json_bytes,
        ..Limits::default()
    };
    config.workers_every =
        (args.workers_every_secs > 0).then(|| Duration::from_secs(args.workers_every_secs));
    config.trusted_proxies = args.trusted_proxies;
    let server = gradsign_server::start(Arc::new(engine), config)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(target: "server", url = %server.url(), "listening");
    gradsign_server::stop_requested().await;
    tracing::info!(target: "server", "stopping: finishing the requests in flight");
    server.shutdown().await.map_err(|e| e.to_string())?;
    tracing::info!(target: "server", "stopped");
    Ok(())
}
