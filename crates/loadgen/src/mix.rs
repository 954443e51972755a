//! The timed part: each client is one desktop (its own connection) acting in one role until the
//! run's end. The school mix: graduates read their home page and items and answer invitations,
//! employers invite, reviewers of both levels page their queues and decide, anonymous verifiers
//! look printed agreements up. The write mix: each client drives one graduate's invitation
//! through invite → accept → department approval → school rejection, writes only, as the
//! engine's write bench does, so the old and the new history design compare on the same writes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::setup::{invitation, SchoolState};
use crate::tally::{Tally, Window};
use crate::wire::{Answer, Connection};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mix {
    School,
    Writes,
}

/// A small deterministic generator per client (xorshift64*), so a run is the same run again.
#[derive(Debug, Clone)]
struct Dice(u64);

impl Dice {
    fn new(seed: u64) -> Dice {
        Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Spaces a client's requests when the run is paced: each client sends one request every
/// `interval` (clients × 1 / rate), starting at a random phase; a client behind its schedule
/// sends at once without catching up in a burst. None: as fast as the answers come.
#[derive(Debug, Clone)]
struct Pace {
    interval: Option<Duration>,
    next: Instant,
}

impl Pace {
    fn new(interval: Option<Duration>, dice: &mut Dice, start: Instant) -> Pace {
        let phase = interval
            .map(|i| i.mul_f64((dice.below(1000) as f64) / 1000.0))
            .unwrap_or_default();
        Pace {
            interval,
            next: start + phase,
        }
    }
    async fn wait(&mut self) {
        let Some(interval) = self.interval else {
            return;
        };
        let now = Instant::now();
        if self.next > now {
            tokio::time::sleep_until(self.next.into()).await;
        }
        self.next = self.next.max(now) + interval;
    }
}

/// What every client of a run shares.
#[derive(Debug)]
pub struct Run {
    pub state: SchoolState,
    pub window: Window,
    /// Requests stop being sent at `window.until`.
    pub interval: Option<Duration>,
}

struct Client {
    run: Arc<Run>,
    conn: Connection,
    tally: Tally,
    dice: Dice,
    pace: Pace,
}

impl Client {
    fn going(&self) -> bool {
        Instant::now() < self.run.window.until
    }

    async fn call(
        &mut self,
        op: &'static str,
        token: Option<&str>,
        body: Value,
        forwarded_for: Option<&str>,
    ) -> Answer {
        self.pace.wait().await;
        let a = self.conn.call(op, token, &body, forwarded_for).await;
        self.tally.record(op, &a, self.run.window);
        a
    }
}

/// The roles of the school mix, by share of the clients (of 200: 130 graduates, 20 employers,
/// 15 department reviewers, 10 school reviewers, 25 verifiers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Graduate,
    Employer,
    DepartmentReviewer,
    SchoolReviewer,
    Verifier,
}

fn school_roles(clients: usize) -> Vec<Role> {
    let share = |per_200: usize| (clients * per_200).div_ceil(200).max(1);
    let mut roles = vec![];
    roles.extend(std::iter::repeat_n(Role::Employer, share(20)));
    roles.extend(std::iter::repeat_n(Role::DepartmentReviewer, share(15)));
    roles.extend(std::iter::repeat_n(Role::SchoolReviewer, share(10)));
    roles.extend(std::iter::repeat_n(Role::Verifier, share(25)));
    let graduates = clients.saturating_sub(roles.len()).max(1);
    roles.extend(std::iter::repeat_n(Role::Graduate, graduates));
    roles
}

/// Runs `clients` clients spread over `servers` (client i on server i mod n); answers the
/// merged tally once every client has had its last answer.
pub async fn run(
    mix: Mix,
    run: Arc<Run>,
    clients: usize,
    servers: &[url::Url],
    start: Instant,
) -> Result<Tally, String> {
    let roles = match mix {
        Mix::School => school_roles(clients),
        Mix::Writes => vec![Role::Graduate; clients],
    };
    let count = |r: Role| roles.iter().filter(|x| **x == r).count();
    let (graduate_clients, employer_clients, verifier_clients) = (
        count(Role::Graduate),
        count(Role::Employer),
        count(Role::Verifier),
    );
    if run.state.graduates.len() < graduate_clients {
        return Err(format!(
            "{} graduates for {graduate_clients} graduate clients: activate more in the set-up",
            run.state.graduates.len()
        ));
    }
    let mut tasks = vec![];
    let mut seen = std::collections::BTreeMap::<Role, usize>::new();
    for (i, role) in roles.iter().enumerate() {
        let nth = {
            let n = seen.entry(*role).or_default();
            *n += 1;
            *n - 1
        };
        let server = servers
            .get(i % servers.len().max(1))
            .ok_or("no server to load")?;
        let mut dice = Dice::new(i as u64 + 1);
        let pace = Pace::new(run.interval, &mut dice, start);
        let client = Client {
            run: run.clone(),
            conn: Connection::new(server)?,
            tally: Tally::default(),
            dice,
            pace,
        };
        let role = *role;
        tasks.push(tokio::spawn(async move {
            match (mix, role) {
                (Mix::Writes, _) => write_cycles(client, nth).await,
                (Mix::School, Role::Graduate) => graduate(client, nth, graduate_clients).await,
                (Mix::School, Role::Employer) => employer(client, nth, employer_clients).await,
                (Mix::School, Role::DepartmentReviewer) => reviewer(client, nth, false).await,
                (Mix::School, Role::SchoolReviewer) => reviewer(client, nth, true).await,
                (Mix::School, Role::Verifier) => verifier(client, nth, verifier_clients).await,
            }
        }));
    }
    let mut tally = Tally::default();
    for t in tasks {
        tally.merge(&t.await.map_err(|e| e.to_string())?);
    }
    Ok(tally)
}

fn signing_items(items: &Value) -> impl Iterator<Item = &Value> {
    items
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| i["kind"] == "signing")
}

/// A graduate client visits its graduates in turn (a desktop of a computer room): home page,
/// items, and an answer to the oldest pending invitation when the graduate may answer one
/// (R-SIGN-03: not while an accepted agreement is in review or signed): accept or reject, even odds.
async fn graduate(mut c: Client, nth: usize, of: usize) -> Tally {
    let state = &c.run.clone().state;
    let mine: Vec<usize> = (nth..state.graduates.len()).step_by(of.max(1)).collect();
    let mut turn = 0usize;
    while c.going() {
        let Some(g) = mine
            .get(turn % mine.len().max(1))
            .and_then(|i| state.graduates.get(*i))
        else {
            break;
        };
        turn = turn.wrapping_add(1);
        c.call("graduate_portal", Some(&g.token), json!({}), None)
            .await;
        if !c.going() {
            break;
        }
        let items = c
            .call("graduate_items", Some(&g.token), json!({}), None)
            .await;
        if !items.ok() || !c.going() {
            continue;
        }
        let busy = signing_items(&items.body)
            .any(|i| i["state"] == "under_review" || i["state"] == "signed");
        let pending = signing_items(&items.body)
            .filter(|i| i["state"] == "pending")
            .filter_map(|i| i["id"].as_i64())
            .min();
        if let (Some(id), false) = (pending, busy) {
            let op = if c.dice.below(2) == 0 {
                "graduate_accept_invitation"
            } else {
                "graduate_reject_invitation"
            };
            c.call(op, Some(&g.token), json!({"id": id}), None).await;
        }
    }
    c.tally
}

/// An employer client invites the graduates in turn from its own starting point, so two
/// employers rarely invite one graduate at once and one employer comes back to a graduate only
/// after inviting every other (R-SIGN-05 refuses a second pending invitation: counted as 409).
async fn employer(mut c: Client, nth: usize, of: usize) -> Tally {
    let state = &c.run.clone().state;
    let token = &state.employers[nth % state.employers.len()];
    let n = state.graduates.len().max(1);
    let mut k = nth * n / of.max(1);
    while c.going() {
        let g = &state.graduates[k % n];
        k = k.wrapping_add(1);
        c.call("employer_invite", Some(token), invitation(g), None)
            .await;
    }
    c.tally
}

/// A reviewer client pages its work queue (a second page one time in three) and decides one of
/// the rows it saw, on the version it saw (R-REV-02: a row another reviewer decided first is a
/// 409). Department reviewers approve; school reviewers approve one in eight and reject the rest
/// with a reason, so graduates are free to accept again and the load keeps its shape.
async fn reviewer(mut c: Client, nth: usize, school_level: bool) -> Tally {
    let state = &c.run.clone().state;
    let pool = if school_level {
        &state.school_reviewers
    } else {
        &state.department_reviewers
    };
    let token = &pool[nth % pool.len()].token;
    let mut decided = 0u64;
    while c.going() {
        let filter = |after: Value| {
            json!({"awaitingMe": true, "newestFirst": false, "limit": 20, "kind": "signing",
                "after": after})
        };
        let page = c
            .call("review_queue", Some(token), filter(Value::Null), None)
            .await;
        if !page.ok() {
            continue;
        }
        let mut rows = page.body["rows"].as_array().cloned().unwrap_or_default();
        if rows.is_empty() {
            // Nothing to review: a person looks again a little later.
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        }
        if c.dice.below(3) == 0 && !page.body["next"].is_null() && c.going() {
            let more = c
                .call(
                    "review_queue",
                    Some(token),
                    filter(page.body["next"].clone()),
                    None,
                )
                .await;
            if let Some(more) = more.body["rows"].as_array().filter(|r| !r.is_empty()) {
                rows = more.clone();
            }
        }
        let row = &rows[c.dice.below(rows.len())];
        let (Some(id), Some(version)) = (row["id"].as_i64(), row["version"].as_i64()) else {
            continue;
        };
        let input = if !school_level || decided.is_multiple_of(8) {
            json!({"decision": "approve", "reason": ""})
        } else {
            json!({"decision": "reject", "reason": "基准测试：材料不全，请重新签约"})
        };
        decided += 1;
        if c.going() {
            c.call(
                "review_decide",
                Some(token),
                json!({"id": id, "version": version, "input": input}),
                None,
            )
            .await;
        }
    }
    c.tally
}

/// An anonymous verifier looks printed agreements up. The verify limit (R-VERIFY-02, 10 a
/// minute per client) counts the client address a trusted load balancer names, so each
/// look-up comes from the next address of this client's own block of 198.18.0.0/15 (RFC 2544's
/// benchmarking range): a header only, no packet goes there.
async fn verifier(mut c: Client, nth: usize, of: usize) -> Tally {
    let state = &c.run.clone().state;
    if state.agreements.is_empty() {
        return c.tally;
    }
    let block = (131_072 / of.max(1)).max(1);
    let mut k = 0usize;
    while c.going() {
        let a = &state.agreements[(nth + k) % state.agreements.len()];
        let host = nth * block + k % block;
        let addr = format!(
            "198.{}.{}.{}",
            18 + host / 65_536,
            (host / 256) % 256,
            host % 256
        );
        k = k.wrapping_add(1);
        c.call(
            "verify_agreement",
            None,
            json!({"code": a.code, "hash": a.hash}),
            Some(&addr),
        )
        .await;
    }
    c.tally
}

/// The write mix: client `nth` owns graduate `nth` and repeats invite → accept → department
/// approval (version 1) → school rejection (version 2), four writes on one graduate; the
/// graduate's review fails, so it may accept the next invitation. A cycle cut short by a
/// refusal moves to the next employer, whose earlier invitation may still be pending.
async fn write_cycles(mut c: Client, nth: usize) -> Tally {
    let state = &c.run.clone().state;
    let g = &state.graduates[nth % state.graduates.len()];
    let Some(department) = state
        .department_reviewers
        .iter()
        .find(|r| r.department == Some(g.department))
    else {
        return c.tally;
    };
    let school = &state.school_reviewers[nth % state.school_reviewers.len()];
    let mut employer = nth;
    while c.going() {
        let token = &state.employers[employer % state.employers.len()];
        let invited = c
            .call("employer_invite", Some(token), invitation(g), None)
            .await;
        let Some(id) = invited.body.as_i64().filter(|_| invited.ok()) else {
            employer += 1;
            continue;
        };
        let steps = [
            ("graduate_accept_invitation", &g.token, json!({"id": id})),
            (
                "review_decide",
                &department.token,
                json!({"id": id, "version": 1, "input": {"decision": "approve", "reason": ""}}),
            ),
            (
                "review_decide",
                &school.token,
                json!({"id": id, "version": 2, "input": {"decision": "reject", "reason": "基准测试"}}),
            ),
        ];
        for (op, token, body) in steps {
            if !c.call(op, Some(token), body, None).await.ok() {
                employer += 1;
                break;
            }
        }
    }
    c.tally
}
