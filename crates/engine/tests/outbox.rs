//! R-NOTE-02: the webhook sender against a real HTTP server on 127.0.0.1: delivered, failed then
//! retried with backoff, given up after the limit; statuses recorded.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use gradsign_engine::outbox::{GatewayConfig, BACKOFF_SECONDS, MAX_ATTEMPTS};
use gradsign_engine::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A gateway that answers each channel with the next status of its script (then 200).
#[derive(Clone, Default)]
struct Gateway {
    script: Arc<Mutex<HashMap<String, Vec<u16>>>>,
    received: Arc<Mutex<Vec<(String, serde_json::Value)>>>,
}

impl Gateway {
    async fn start(self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let me = self.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let (head_end, len) = loop {
                        let n = sock.read(&mut chunk).await.unwrap();
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buf[..p]).to_lowercase();
                            let len = head
                                .lines()
                                .find_map(|l| {
                                    l.strip_prefix("content-length:")
                                        .map(|v| v.trim().parse::<usize>().unwrap())
                                })
                                .unwrap_or(0);
                            break (p + 4, len);
                        }
                    };
                    while buf.len() < head_end + len {
                        let n = sock.read(&mut chunk).await.unwrap();
                        buf.extend_from_slice(&chunk[..n]);
                    }
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                    let auth = head
                        .lines()
                        .find(|l| l.to_lowercase().starts_with("authorization:"))
                        .unwrap_or("")
                        .to_string();
                    let body: serde_json::Value =
                        serde_json::from_slice(&buf[head_end..head_end + len]).unwrap();
                    let channel = body["channel"].as_str().unwrap().to_string();
                    let status = if !auth.ends_with("Bearer secret-token") {
                        401
                    } else {
                        let mut s = me.script.lock().unwrap();
                        let q = s.entry(channel.clone()).or_default();
                        if q.is_empty() {
                            200
                        } else {
                            q.remove(0)
                        }
                    };
                    me.received.lock().unwrap().push((channel, body));
                    let resp = format!(
                        "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                    let _ = sock.write_all(resp.as_bytes()).await;
                });
            }
        });
        format!("http://{addr}/send")
    }
}

async fn school_change(w: &World, origin: &str) {
    let g = w.engine.graduate(&w.admin, w.gid(1)).await.unwrap();
    w.engine
        .fix_graduate(
            &w.admin,
            w.gid(1),
            g.version,
            &GraduateFix {
                origin: Some(origin.into()),
                ..Default::default()
            },
            w.t0,
        )
        .await
        .unwrap();
}

fn status_of(out: &[gradsign_engine::outbox::OutboxMessage], channel: &str) -> (String, i64) {
    let m = out.iter().find(|m| m.channel == channel).unwrap();
    (m.status.clone(), m.attempts)
}

async fn r_note_02_webhook_delivered_retried_given_up(w: World) {
    let gw = Gateway::default();
    gw.script.lock().unwrap().insert("wechat".into(), vec![500]);
    gw.script.lock().unwrap().insert("sms".into(), vec![]);
    let url = gw.clone().start().await;
    let cfg = GatewayConfig {
        url,
        token: "secret-token".into(),
        sms_template: "SMS_1".into(),
        wechat_template: "WX_1".into(),
    };
    assert!(
        !format!("{cfg:?}").contains("secret-token"),
        "the token never reaches Debug output"
    );
    w.engine
        .set_gateway(&w.admin, Some(&cfg), w.t0)
        .await
        .unwrap();
    school_change(&w, "广州").await;
    let now = w.t0 + 10;
    let r = w
        .engine
        .deliver_outbox(&Actor::system(), now)
        .await
        .unwrap();
    assert_eq!((r.sent, r.failed, r.given_up), (1, 1, 0));
    let out = w.engine.outbox(&w.admin).await.unwrap();
    assert_eq!(status_of(&out, "sms"), ("sent".into(), 1));
    assert_eq!(status_of(&out, "wechat"), ("retrying".into(), 1));
    assert_eq!(
        out.iter()
            .find(|m| m.channel == "wechat")
            .unwrap()
            .next_attempt_at,
        now + BACKOFF_SECONDS
    );
    {
        let got = gw.received.lock().unwrap();
        let sms = &got.iter().find(|(c, _)| c == "sms").unwrap().1;
        assert_eq!(
            (sms["template_id"].as_str(), sms["to"].as_str()),
            (Some("SMS_1"), Some("13800000001"))
        );
    }
    // Not due yet: nothing is sent.
    let r = w
        .engine
        .deliver_outbox(&Actor::system(), now + BACKOFF_SECONDS - 1)
        .await
        .unwrap();
    assert_eq!(r, Default::default());
    let r = w
        .engine
        .deliver_outbox(&Actor::system(), now + BACKOFF_SECONDS)
        .await
        .unwrap();
    assert_eq!(r.sent, 1);
    assert_eq!(
        status_of(&w.engine.outbox(&w.admin).await.unwrap(), "wechat"),
        ("sent".into(), 2)
    );
    assert_eq!(gw.received.lock().unwrap().len(), 3);

    // A gateway that always fails: backoff doubles, then the message is given up.
    gw.script
        .lock()
        .unwrap()
        .insert("sms".into(), vec![503; 10]);
    gw.script
        .lock()
        .unwrap()
        .insert("wechat".into(), vec![503; 10]);
    school_change(&w, "深圳").await;
    let mut t = w.t0 + 1000;
    for attempt in 1..=MAX_ATTEMPTS {
        let r = w.engine.deliver_outbox(&Actor::system(), t).await.unwrap();
        if attempt < MAX_ATTEMPTS {
            assert_eq!(r.failed, 2, "attempt {attempt}");
            t += BACKOFF_SECONDS * (1 << (attempt - 1));
        } else {
            assert_eq!(r.given_up, 2);
        }
    }
    let out = w.engine.outbox(&w.admin).await.unwrap();
    let newest: Vec<_> = out
        .iter()
        .take(2)
        .map(|m| (m.status.as_str(), m.attempts, m.last_error.as_str()))
        .collect();
    assert_eq!(
        newest,
        vec![
            ("given_up", MAX_ATTEMPTS, "HTTP 503"),
            ("given_up", MAX_ATTEMPTS, "HTTP 503")
        ]
    );
    assert_eq!(
        w.engine
            .deliver_outbox(&Actor::system(), t + 100_000)
            .await
            .unwrap(),
        Default::default(),
        "given up stays given up"
    );
    // The admin retries by hand; the gateway has recovered.
    gw.script.lock().unwrap().clear();
    w.engine.retry_outbox(&w.admin, out[0].id, t).await.unwrap();
    assert_eq!(
        w.engine
            .deliver_outbox(&Actor::system(), t)
            .await
            .unwrap()
            .sent,
        1
    );
    // A wrong token is a failure like any other (401), recorded.
    let bad = GatewayConfig {
        token: "wrong".into(),
        ..cfg
    };
    w.engine.set_gateway(&w.admin, Some(&bad), t).await.unwrap();
    w.engine.retry_outbox(&w.admin, out[1].id, t).await.unwrap();
    assert_eq!(
        w.engine
            .deliver_outbox(&Actor::system(), t)
            .await
            .unwrap()
            .failed,
        1
    );
    assert_eq!(
        w.engine.outbox(&w.admin).await.unwrap()[1].last_error,
        "HTTP 401"
    );
}

async fn r_note_02_unreachable_gateway_is_a_recorded_failure(w: World) {
    // A port nothing listens on.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/send", l.local_addr().unwrap());
    drop(l);
    let cfg = GatewayConfig {
        url,
        token: "t".into(),
        sms_template: "S".into(),
        wechat_template: "W".into(),
    };
    w.engine
        .set_gateway(&w.admin, Some(&cfg), w.t0)
        .await
        .unwrap();
    school_change(&w, "广州").await;
    let r = w
        .engine
        .deliver_outbox(&Actor::system(), w.t0)
        .await
        .unwrap();
    assert_eq!(r.failed, 2);
    assert!(w
        .engine
        .outbox(&w.admin)
        .await
        .unwrap()
        .iter()
        .all(|m| m.status == "retrying" && m.last_error == "connection failed"));
    // R-NOTE-07: https only, plain http only to this machine; a refused address changes nothing.
    let before = w.engine.gateway_settings(&w.admin).await.unwrap();
    for url in ["ftp://x", "http://sms.school.edu.cn/send"] {
        let bad = GatewayConfig {
            url: url.into(),
            token: "t".into(),
            sms_template: "S".into(),
            wechat_template: "W".into(),
        };
        assert_eq!(
            w.engine
                .set_gateway(&w.admin, Some(&bad), w.t0)
                .await
                .unwrap_err()
                .details["field"],
            "url",
            "{url}"
        );
    }
    assert_eq!(w.engine.gateway_settings(&w.admin).await.unwrap(), before);
}

on_both_backends!(
    r_note_02_webhook_delivered_retried_given_up,
    r_note_02_unreachable_gateway_is_a_recorded_failure
);
