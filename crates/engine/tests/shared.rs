//! Several engines on one database behave as one (many `gradsign serve` processes behind a load
//! balancer): the verify throttle's window is shared (R-VERIFY-03), outbox messages are claimed
//! with a lease and delivered exactly once to a real gateway on 127.0.0.1 (R-NOTE-05), and two
//! deadline sweeps never both act on one item (R-SWEEP-01).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use gradsign_engine::outbox::{GatewayConfig, CLAIM_LEASE_SECONDS};
use gradsign_engine::*;
use sqlx::Row;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A second engine on the world's database, as another server process would open it.
async fn second_engine(w: &World, seed: u64) -> Engine {
    Engine::open_with(
        &w.db,
        tempfile::tempdir().unwrap().path(),
        EngineOptions {
            max_connections: 8,
            seed: Some(seed),
            ..EngineOptions::default()
        },
    )
    .await
    .unwrap()
}

async fn count(engine: &Engine, sql: &str) -> i64 {
    let mut c = engine.store().read().await.unwrap();
    sqlx::query(sql)
        .fetch_one(&mut *c)
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

// ------------------------------------------------------------------------- R-VERIFY-03

/// Two servers on one database allow one client 10 look-ups per window together, not 10 each;
/// another client has its own window; the first look-up after the window ended opens a new one.
async fn r_verify_03_two_engines_share_one_window(w: World) {
    let other = second_engine(&w, 8).await;
    let engines = [&w.engine, &other];
    let t = w.t0;
    for i in 0..10 {
        engines[i % 2]
            .verify_agreement("client-a", "ZZZZZZZZZZZZ", "", t + 1)
            .await
            .unwrap();
    }
    for e in engines {
        let refused = e
            .verify_agreement("client-a", "ZZZZZZZZZZZZ", "", t + 30)
            .await
            .unwrap_err();
        assert_eq!(refused.code, ErrorCode::Throttled);
        // The window opened at t + 1 and ends at t + 61.
        assert_eq!(refused.details["retry_after"], 31);
    }
    assert!(other
        .verify_agreement("client-b", "ZZZZZZZZZZZZ", "", t + 30)
        .await
        .is_ok());
    assert!(w
        .engine
        .verify_agreement("client-a", "ZZZZZZZZZZZZ", "", t + 61)
        .await
        .is_ok());
    other.store().close().await;
}

/// Concurrent look-ups through two servers are each counted once: of 24 at the same moment,
/// exactly 10 are answered.
async fn r_verify_03_concurrent_look_ups_are_each_counted(w: World) {
    let other = second_engine(&w, 8).await;
    let t = w.t0;
    let runs = (0..12).map(|_| async {
        let (a, b) = tokio::join!(
            w.engine.verify_agreement("busy", "ZZZZZZZZZZZZ", "", t),
            other.verify_agreement("busy", "ZZZZZZZZZZZZ", "", t)
        );
        [a, b]
    });
    let results: Vec<_> = futures_join_all(runs).await.into_iter().flatten().collect();
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 10, "{results:?}");
    assert!(results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .all(|e| e.code == ErrorCode::Throttled));
    other.store().close().await;
}

/// Runs the futures at once and collects their outputs in order.
async fn futures_join_all<F: std::future::Future>(
    fs: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in fs {
        set.push(Box::pin(f));
    }
    let mut out = Vec::with_capacity(set.len());
    // Poll them together: each awaits its database round trips while the others run.
    let joined = std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in set.iter_mut().enumerate() {
            if out.len() <= i {
                out.resize_with(i + 1, || None);
            }
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    });
    joined.await;
    out.into_iter().map(|v| v.unwrap()).collect()
}

/// Counters that no longer count are pruned by the sweep: ended look-up windows, and activation
/// rows whose lock is over with no failure counting; a lock still running, a window still open
/// and failures still counting are kept.
async fn r_verify_03_the_sweep_prunes_expired_counters(w: World) {
    let system = Actor::system();
    let t = w.t0;
    w.engine
        .verify_agreement("old", "ZZZZZZZZZZZZ", "", t - 120)
        .await
        .unwrap();
    w.engine
        .verify_agreement("current", "ZZZZZZZZZZZZ", "", t - 10)
        .await
        .unwrap();
    {
        let mut c = w.engine.store().read().await.unwrap();
        for (key, failures, until) in [
            ("activate:lock-over", 0, t - 1),
            ("activate:locked", 0, t + 600),
            ("activate:counting", 3, 0),
        ] {
            sqlx::query("INSERT INTO throttles (key, failures, locked_until) VALUES ($1, $2, $3)")
                .bind(key)
                .bind(failures)
                .bind(until)
                .execute(&mut *c)
                .await
                .unwrap();
        }
    }
    w.engine.sweep(&system, t).await.unwrap();
    let mut c = w.engine.store().read().await.unwrap();
    let keys = |sql: &'static str| sqlx::query(sql);
    let windows: Vec<String> = keys("SELECT key FROM rate_windows ORDER BY key")
        .fetch_all(&mut *c)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("key"))
        .collect();
    assert_eq!(windows, ["verify:current"]);
    let throttles: Vec<String> = keys("SELECT key FROM throttles ORDER BY key")
        .fetch_all(&mut *c)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("key"))
        .collect();
    assert_eq!(throttles, ["activate:counting", "activate:locked"]);
}

// ------------------------------------------------------------------------- R-NOTE-05

/// A gateway on 127.0.0.1 that records every message id it receives and answers 200, except
/// that while `hold` is set it keeps the connection open without answering (a sender waiting on
/// it can then be killed mid-send).
#[derive(Clone, Default)]
struct Gateway {
    received: Arc<Mutex<Vec<i64>>>,
    hold: Arc<std::sync::atomic::AtomicBool>,
}

impl Gateway {
    async fn start(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let me = me.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let (head_end, len) = loop {
                        let Ok(n) = sock.read(&mut chunk).await else {
                            return;
                        };
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
                        let Ok(n) = sock.read(&mut chunk).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                    }
                    let body: serde_json::Value =
                        serde_json::from_slice(&buf[head_end..head_end + len]).unwrap();
                    me.received
                        .lock()
                        .unwrap()
                        .push(body["message_id"].as_i64().unwrap());
                    if me.hold.load(std::sync::atomic::Ordering::SeqCst) {
                        // Never answers; the sender is killed while it waits.
                        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                        return;
                    }
                    let resp = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                    let _ = sock.write_all(resp.as_bytes()).await;
                });
            }
        });
        format!("http://{addr}/send")
    }

    fn received(&self) -> Vec<i64> {
        self.received.lock().unwrap().clone()
    }
}

async fn configure(w: &World, url: String) {
    w.engine
        .set_gateway(
            &w.admin,
            Some(&GatewayConfig {
                url,
                token: "secret-token".into(),
                sms_template: "SMS_1".into(),
                wechat_template: "WX_1".into(),
            }),
            w.t0,
        )
        .await
        .unwrap();
}

/// `n` due messages for the world's graduates, as the engine's school changes write them.
async fn queue_messages(w: &World, n: usize) -> Vec<i64> {
    let mut c = w.engine.store().read().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let g = w.gid(1 + (i % 6) as u32);
        let channel = if i % 2 == 0 { "sms" } else { "wechat" };
        let row = sqlx::query(
            "INSERT INTO outbox (channel, graduate_id, template, payload, status, attempts, next_attempt_at, last_error, created_at, updated_at) \
             VALUES ($1, $2, 'record_changed', '{}', 'pending', 0, $3, '', $3, $3) RETURNING id",
        )
        .bind(channel)
        .bind(g)
        .bind(w.t0)
        .fetch_one(&mut *c)
        .await
        .unwrap();
        ids.push(row.get("id"));
    }
    ids
}

/// Two senders delivering at the same time, round after round, against one gateway: every
/// message reaches it exactly once and is recorded as sent once.
async fn r_note_05_two_senders_deliver_each_message_exactly_once(w: World) {
    let system = Actor::system();
    let gw = Gateway::default();
    configure(&w, gw.start().await).await;
    let other = second_engine(&w, 8).await;
    let ids = queue_messages(&w, 180).await;
    let mut sent = 0;
    let mut rounds = 0;
    while sent < ids.len() {
        rounds += 1;
        assert!(rounds <= 20, "delivery stalled after {sent} messages");
        let now = w.t0 + rounds;
        let (a, b) = tokio::join!(
            w.engine.deliver_outbox(&system, now),
            other.deliver_outbox(&system, now)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.failed + b.failed + a.given_up + b.given_up, 0);
        sent += a.sent + b.sent;
    }
    assert_eq!(sent, ids.len(), "each message counted as sent once");
    let mut got = gw.received();
    got.sort();
    assert_eq!(got, ids, "the gateway received every message exactly once");
    assert!(rounds >= 2, "more than one batch was claimed");
    let unsent = count(
        &w.engine,
        "SELECT COUNT(*) AS n FROM outbox WHERE status <> 'sent' OR attempts <> 1 OR claimed_by <> ''",
    )
    .await;
    assert_eq!(unsent, 0);
    other.store().close().await;
}

/// A sender killed while the gateway has its message (claimed, sent, never marked) leaves its
/// claim; nobody else sends that message until the lease has passed; then another sender sends
/// it and it is marked sent. Nothing is lost.
async fn r_note_05_a_killed_senders_claim_lapses_and_the_message_is_sent_later(w: World) {
    let system = Actor::system();
    let gw = Gateway::default();
    configure(&w, gw.start().await).await;
    let ids = queue_messages(&w, 1).await;
    let other = Arc::new(second_engine(&w, 8).await);
    gw.hold.store(true, std::sync::atomic::Ordering::SeqCst);
    let killed = {
        let other = other.clone();
        let t = w.t0;
        tokio::spawn(async move {
            let system = Actor::system();
            other.deliver_outbox(&system, t).await
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(8);
    while gw.received().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the gateway got nothing"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    killed.abort();
    assert!(killed.await.unwrap_err().is_cancelled());
    gw.hold.store(false, std::sync::atomic::Ordering::SeqCst);
    // Still within the lease: the message is someone else's, nothing is sent.
    let r = w
        .engine
        .deliver_outbox(&system, w.t0 + CLAIM_LEASE_SECONDS - 1)
        .await
        .unwrap();
    assert_eq!(r.sent, 0);
    assert_eq!(gw.received().len(), 1);
    let pending = count(
        &w.engine,
        "SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending' AND claimed_by <> ''",
    )
    .await;
    assert_eq!(pending, 1, "the killed sender's claim is still there");
    // Past the lease: taken over and sent.
    let r = w
        .engine
        .deliver_outbox(&system, w.t0 + CLAIM_LEASE_SECONDS)
        .await
        .unwrap();
    assert_eq!(r.sent, 1);
    assert_eq!(gw.received(), [ids[0], ids[0]], "sent again, not lost");
    let out = w.engine.outbox(&w.admin).await.unwrap();
    assert_eq!(out[0].status, "sent");
    assert_eq!(out[0].attempts, 1);
    if let Ok(e) = Arc::try_unwrap(other) {
        e.store().close().await;
    }
}

// ------------------------------------------------------------------------- R-SWEEP-01

/// Two servers sweeping at the same moment, round after round: each invitation is reminded once
/// and expired once, with one history entry, whichever sweep got it.
async fn r_sweep_01_two_concurrent_sweeps_act_once_per_item(w: World) {
    // Two more servers, each sweeping on its own task: in parallel, not interleaved on one.
    let servers = [
        Arc::new(second_engine(&w, 8).await),
        Arc::new(second_engine(&w, 9).await),
    ];
    let sweep_both = |now: Timestamp| {
        let [a, b] = servers.clone().map(|e| {
            tokio::spawn(async move {
                let system = Actor::system();
                e.sweep(&system, now).await.unwrap()
            })
        });
        async move { (a.await.unwrap(), b.await.unwrap()) }
    };
    let pairs: Vec<(usize, u32)> = [0usize, 1]
        .iter()
        .flat_map(|e| [1u32, 2, 3, 5, 6].map(|n| (*e, n)))
        .collect();
    let mut start = w.t0;
    for round in 0..5 {
        let mut items = Vec::new();
        for (e, n) in &pairs {
            items.push(w.invite(*e, *n, start).await.unwrap());
        }
        let (first, last) = {
            let mut c = w.engine.store().read().await.unwrap();
            let r = sqlx::query(
                "SELECT MIN(deadline) AS first, MAX(deadline) AS last FROM items WHERE kind = 'signing' AND state = 'pending'",
            )
            .fetch_one(&mut *c)
            .await
            .unwrap();
            (r.get::<i64, _>("first"), r.get::<i64, _>("last"))
        };
        let remind_at = first - 3600;
        assert!(last - remind_at < 24 * 3600);
        let (a, b) = sweep_both(remind_at).await;
        assert_eq!(
            a.reminded + b.reminded,
            items.len(),
            "round {round}: {a:?} {b:?}"
        );
        assert_eq!(a.expired + b.expired, 0);
        let (a, b) = sweep_both(last).await;
        assert_eq!(
            a.expired + b.expired,
            items.len(),
            "round {round}: {a:?} {b:?}"
        );
        assert_eq!(a.reminded + b.reminded, 0);
        for id in &items {
            assert_eq!(w.state(*id).await, "expired");
            let entries = count(
                &w.engine,
                &format!(
                    "SELECT COUNT(*) AS n FROM history WHERE item_id = {id} AND action = 'expire'"
                ),
            )
            .await;
            assert_eq!(entries, 1, "item {id}: one expiry entry");
        }
        start = last + 1;
    }
    for e in servers {
        e.store().close().await;
    }
}

// ------------------------------------------------------------------------- R-NOTE-01

/// A desktop waiting for its messages wakes when a commit writes one: on PostgreSQL also when
/// another server of the school wrote it (LISTEN/NOTIFY); on SQLite (one process) when this one
/// did. The wait has no polling, so only the wake can end it before the timeout.
async fn r_note_01_a_commit_that_writes_messages_wakes_the_waiting_desktops(w: World) {
    let other = match w.backend {
        Backend::Postgres => Some(second_engine(&w, 9).await),
        Backend::Sqlite => None,
    };
    let writer = other.as_ref().unwrap_or(&w.engine);
    let s = w
        .engine
        .activate_graduate("202600001", &id_for(1, false), "pass12345", w.t0)
        .await
        .unwrap();
    let me = s.account.actor();
    w.engine.confirm_info(&me, w.t0).await.unwrap();
    let before = w.engine.message_state(&me).await.unwrap();
    assert_eq!(before.unread, 0, "{before:?}");
    let mut changes = w.engine.message_changes();
    changes.borrow_and_update();
    // PostgreSQL's listener connects on the first subscription and reports a change then (it
    // cannot know what came before it listened): wait for that before writing.
    if w.backend == Backend::Postgres {
        tokio::time::timeout(Duration::from_secs(10), changes.changed())
            .await
            .expect("the listener connects")
            .unwrap();
    }
    let g = w.engine.graduate(&w.admin, w.gid(1)).await.unwrap();
    writer
        .invite(
            &w.employers[0],
            &InviteInput {
                graduate: GraduateLookup::IdNumber {
                    name: g.name.clone(),
                    id_number: g.id_number.clone(),
                },
                terms: terms(),
                deadline_days: Some(5),
            },
            w.t0,
        )
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(5), changes.changed())
        .await
        .expect("the waiter wakes within 5 s of the commit")
        .unwrap();
    let after = w.engine.message_state(&me).await.unwrap();
    assert_eq!(after.unread, 1, "{after:?}");
    assert!(after.newest > before.newest, "{before:?} {after:?}");
    let newest = &w.engine.messages(&me).await.unwrap()[0];
    assert_eq!(newest.id, after.newest);
    assert_eq!(newest.kind, "invitation_received");
    w.engine
        .mark_message_read(&me, newest.id, w.t0)
        .await
        .unwrap();
    let read = w.engine.message_state(&me).await.unwrap();
    assert_eq!((read.newest, read.unread), (after.newest, 0));
    // The message state is the signed-in account's own: an actor without an account has none.
    assert_eq!(
        w.engine
            .message_state(&Actor::system())
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
}

on_both_backends!(
    r_verify_03_two_engines_share_one_window,
    r_verify_03_concurrent_look_ups_are_each_counted,
    r_verify_03_the_sweep_prunes_expired_counters,
    r_note_05_two_senders_deliver_each_message_exactly_once,
    r_note_05_a_killed_senders_claim_lapses_and_the_message_is_sent_later,
    r_sweep_01_two_concurrent_sweeps_act_once_per_item,
    r_note_01_a_commit_that_writes_messages_wakes_the_waiting_desktops,
);
