//! One client's HTTP connection to a server: every catalog operation is `POST /api/v1/{name}`
//! with a JSON body and, signed in, `Authorization: Bearer <token>`.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use serde_json::Value;

/// A server address the generator may load: loopback only, so a mistyped address never sends a
/// load anywhere but this machine.
pub fn loopback_url(raw: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(raw).map_err(|e| format!("{raw}: not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{raw}: only http:// and https:// are loaded"));
    }
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    if !loopback {
        return Err(format!(
            "{raw}: the load generator loads 127.0.0.0/8, ::1 or localhost only"
        ));
    }
    Ok(url)
}

/// An answer: its HTTP status (0 when no answer came: a refused connection, a time-out), its
/// JSON body (Null when none) and how long it took.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub latency: Duration,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// One desktop's connection: its own HTTP client (so its own keep-alive connection, as a real
/// desktop has) to one server.
#[derive(Debug, Clone)]
pub struct Connection {
    http: reqwest::Client,
    base: String,
}

impl Connection {
    pub fn new(base: &url::Url) -> Result<Connection, String> {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Connection {
            http,
            base: base.as_str().trim_end_matches('/').to_string(),
        })
    }

    /// Calls operation `op`; `forwarded_for` is the address a trusted load balancer would name
    /// (the verify limit counts per client, R-VERIFY-02).
    pub async fn call(
        &self,
        op: &str,
        token: Option<&str>,
        body: &Value,
        forwarded_for: Option<&str>,
    ) -> Answer {
        let mut request = self
            .http
            .post(format!("{}/api/v1/{op}", self.base))
            .json(body);
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        if let Some(addr) = forwarded_for {
            request = request.header("x-forwarded-for", addr);
        }
        let started = Instant::now();
        let (status, body) = match request.send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                // The whole body is read before the clock stops: a latency is a full answer.
                let body = r
                    .bytes()
                    .await
                    .ok()
                    .and_then(|b| serde_json::from_slice(&b).ok())
                    .unwrap_or(Value::Null);
                (status, body)
            }
            Err(_) => (0, Value::Null),
        };
        Answer {
            status,
            body,
            latency: started.elapsed(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_servers_are_loaded() {
        for ok in [
            "http://127.0.0.1:8443",
            "https://127.0.0.2/",
            "http://[::1]:9000",
            "http://localhost:1",
        ] {
            assert!(loopback_url(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://10.0.0.1:8443",
            "http://192.168.1.2",
            "https://example.edu.cn",
            "http://[2001:db8::1]",
            "ftp://127.0.0.1",
            "127.0.0.1:8443",
        ] {
            assert!(loopback_url(refused).is_err(), "{refused}");
        }
    }
}
