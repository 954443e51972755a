//! What a run counts: per operation, a latency histogram of the answers inside the measured
//! window and the answers by kind; every acknowledged (2xx) answer, in the window or not, is
//! counted apart for the reconciliation with the database afterwards.

use std::collections::BTreeMap;
use std::time::Instant;

use hdrhistogram::Histogram;
use serde_json::{json, Value};

use crate::wire::Answer;

/// Latencies in microseconds, 1 µs to 60 s, 3 significant digits: constant bounds that
/// `new_with_bounds` always takes (low >= 1, high >= 2 * low, digits <= 5).
fn histogram() -> Histogram<u64> {
    #[allow(clippy::expect_used)]
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("constant, valid histogram bounds")
}

/// One operation's answers.
#[derive(Debug, Clone)]
pub struct OpTally {
    pub latency: Histogram<u64>,
    /// Answers inside the measured window, by kind.
    pub ok: u64,
    pub conflict: u64,
    pub throttled: u64,
    pub other_refusal: u64,
    pub server_error: u64,
    pub no_answer: u64,
    /// 2xx answers over the whole run, warm-up and the last requests after the window included.
    pub acknowledged: u64,
}

impl OpTally {
    fn new() -> OpTally {
        OpTally {
            latency: histogram(),
            ok: 0,
            conflict: 0,
            throttled: 0,
            other_refusal: 0,
            server_error: 0,
            no_answer: 0,
            acknowledged: 0,
        }
    }

    fn answered(&self) -> u64 {
        self.ok + self.conflict + self.throttled + self.other_refusal + self.server_error
    }

    fn merge(&mut self, other: &OpTally) {
        let _ = self.latency.add(&other.latency);
        self.ok += other.ok;
        self.conflict += other.conflict;
        self.throttled += other.throttled;
        self.other_refusal += other.other_refusal;
        self.server_error += other.server_error;
        self.no_answer += other.no_answer;
        self.acknowledged += other.acknowledged;
    }
}

/// The measured window: answers completing in [from, until) count towards throughput and
/// latency.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub from: Instant,
    pub until: Instant,
}

impl Window {
    pub fn seconds(&self) -> f64 {
        self.until.duration_since(self.from).as_secs_f64()
    }
}

/// One client's tally, merged into the run's at the end.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub ops: BTreeMap<&'static str, OpTally>,
}

impl Tally {
    pub fn record(&mut self, op: &'static str, answer: &Answer, window: Window) {
        let t = self.ops.entry(op).or_insert_with(OpTally::new);
        if answer.ok() {
            t.acknowledged += 1;
        }
        let done = Instant::now();
        if done < window.from || done >= window.until {
            return;
        }
        match answer.status {
            0 => t.no_answer += 1,
            200..=299 => t.ok += 1,
            409 => t.conflict += 1,
            429 => t.throttled += 1,
            500.. => t.server_error += 1,
            _ => t.other_refusal += 1,
        }
        if answer.status != 0 {
            let micros = u64::try_from(answer.latency.as_micros()).unwrap_or(u64::MAX);
            t.latency.saturating_record(micros.max(1));
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        for (op, t) in &other.ops {
            self.ops.entry(op).or_insert_with(OpTally::new).merge(t);
        }
    }

    /// Every operation's latencies together.
    fn all(&self) -> OpTally {
        let mut all = OpTally::new();
        for t in self.ops.values() {
            all.merge(t);
        }
        all
    }
}

fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    if h.is_empty() {
        return 0.0;
    }
    h.value_at_quantile(q) as f64 / 1000.0
}

/// The run's report: a table on standard output and the same as JSON.
pub fn report(label: &str, tally: &Tally, window: Window, clients: usize, servers: usize) -> Value {
    let secs = window.seconds().max(f64::EPSILON);
    println!(
        "{label}: {clients} clients, {servers} server(s), {:.1} s measured",
        secs
    );
    println!(
        "  {:<28} {:>9} {:>8} {:>6} {:>6} {:>6} {:>5} {:>5} {:>8} {:>8} {:>8}",
        "operation", "ok/s", "ok", "409", "429", "4xx", "5xx", "lost", "p50 ms", "p99 ms", "max ms"
    );
    let mut ops = serde_json::Map::new();
    let line = |name: &str, t: &OpTally| {
        println!(
            "  {:<28} {:>9.1} {:>8} {:>6} {:>6} {:>6} {:>5} {:>5} {:>8.2} {:>8.2} {:>8.2}",
            name,
            t.ok as f64 / secs,
            t.ok,
            t.conflict,
            t.throttled,
            t.other_refusal,
            t.server_error,
            t.no_answer,
            ms(&t.latency, 0.5),
            ms(&t.latency, 0.99),
            t.latency.max() as f64 / 1000.0
        );
        json!({
            "ok_per_second": t.ok as f64 / secs,
            "answered_per_second": t.answered() as f64 / secs,
            "ok": t.ok,
            "conflict": t.conflict,
            "throttled": t.throttled,
            "other_refusal": t.other_refusal,
            "server_error": t.server_error,
            "no_answer": t.no_answer,
            "acknowledged": t.acknowledged,
            "p50_ms": ms(&t.latency, 0.5),
            "p99_ms": ms(&t.latency, 0.99),
            "max_ms": t.latency.max() as f64 / 1000.0,
        })
    };
    for (name, t) in &tally.ops {
        ops.insert((*name).to_string(), line(name, t));
    }
    let all = tally.all();
    let total = line("ALL", &all);
    json!({
        "label": label,
        "clients": clients,
        "servers": servers,
        "seconds": secs,
        "total": total,
        "ops": ops,
    })
}
