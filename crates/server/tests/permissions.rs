//! The catalog's permission table (crates/api/tests/permission_table) over HTTPS: every operation
//! as every caller, each cell on its own copy of the demo school served by its own server on
//! 127.0.0.1, held to the same outcomes as the in-process dispatch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../api/tests/permission_table/mod.rs"]
mod permission_table;
mod support;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use gradsign_engine::{Engine, SessionToken};
use permission_table::Transport;
use serde_json::{json, Value};

/// Each call: a server with TLS on a free port for the cell's engine, one HTTPS request, the
/// server stopped again.
struct OverHttps {
    ca: support::TestCa,
    client: reqwest::Client,
}

impl Transport for OverHttps {
    fn call(
        &self,
        engine: Arc<Engine>,
        token: Option<SessionToken>,
        op: &'static str,
        request: Value,
    ) -> Pin<Box<dyn Future<Output = Result<Value, String>> + Send + '_>> {
        Box::pin(async move {
            let server = support::serve(engine, &self.ca).await;
            let mut r = self
                .client
                .post(format!("{}/api/v1/{op}", server.url()))
                .json(&request);
            if let Some(t) = token {
                r = r.bearer_auth(t.0);
            }
            let answer = match r.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let binary = response
                        .headers()
                        .get("content-type")
                        .is_some_and(|v| v == "application/octet-stream");
                    let body = response
                        .bytes()
                        .await
                        .map_err(|e| format!("panicked: {e}"))?;
                    match (status, binary) {
                        (200, true) => Ok(json!({ "bytes": body.len() })),
                        (200, false) => serde_json::from_slice(&body)
                            .map_err(|e| format!("panicked: not JSON: {e}")),
                        _ => {
                            let e: Value = serde_json::from_slice(&body).map_err(|e| {
                                format!("panicked: an error that is not the error shape: {e}")
                            })?;
                            let code = e["code"].as_str().unwrap_or_default().to_string();
                            let expected = code_status(&code);
                            if expected != Some(status) {
                                return Err(format!(
                                    "panicked: {code} answered with status {status}"
                                ));
                            }
                            Err(code)
                        }
                    }
                }
                Err(e) => Err(format!("panicked: no answer: {e}")),
            };
            server
                .shutdown()
                .await
                .map_err(|e| format!("panicked: {e}"))?;
            answer
        })
    }
}

/// The status the server must answer a wire code with (ErrorCode::http_status).
fn code_status(code: &str) -> Option<u16> {
    let code: gradsign_api::ErrorCode = serde_json::from_value(json!(code)).ok()?;
    Some(code.http_status())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_as_every_caller_over_https() {
    let ca = support::test_ca("school");
    let client = support::client(&ca.ca_pem);
    permission_table::every_operation_as_every_caller(Box::new(OverHttps { ca, client })).await;
}
