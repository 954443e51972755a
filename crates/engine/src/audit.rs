//! R-AUDIT-01: the append-only, hash-chained history, as one chain per scope plus a chain of
//! seals (docs/history-chain.md).
//!
//! - A scope is the graduate whose record an entry is about (`graduate:ID`: every item of theirs
//!   and their basic info), else the school (`school`: accounts, employers, cohorts, settings).
//!   Each entry carries its scope's sequence number and the hash of the scope's entry before it;
//!   `chain_heads` holds each scope's newest (seq, hash) and is the only row an append locks, so
//!   actions on unrelated graduates commit in parallel on PostgreSQL (R-AUDIT-03).
//! - A seal hashes the heads that changed since the previous seal together with the previous
//!   seal's hash (R-AUDIT-04). The newest seal's hash is the head `gradsign check` prints; a head
//!   noted earlier pins every entry it sealed, so a cut-off or rewritten tail is detected.
//! - The history written before schema 6 is the scope `legacy`: its entries keep their old
//!   hashes (over the global seq), verified as before, and it is sealed like any other scope.
//!
//! The global `seq` only orders timelines (a database sequence on PostgreSQL, the rowid on
//! SQLite); within a scope it must rise with the scope's own sequence.

use crate::error::{DomainError, Result};
use crate::store::Tx;
use crate::time::Timestamp;
use crate::workflow::Actor;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// The hash before the first entry of a scope, and before the first seal.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The scope of the history written before per-scope chains (one chain in `seq` order).
pub const LEGACY_SCOPE: &str = "legacy";

/// The scope of actions that are about no graduate.
pub const SCHOOL_SCOPE: &str = "school";

/// The scope of a graduate's record.
pub fn graduate_scope(graduate_id: i64) -> String {
    format!("graduate:{graduate_id}")
}

/// One history entry as an action describes it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry<'a> {
    /// What the entry is about, e.g. `item:12`, `graduate:3`, `cohort:2026`.
    pub subject: String,
    pub item_id: Option<i64>,
    pub actor: &'a Actor,
    pub at: Timestamp,
    pub action: &'a str,
    /// The review level for decisions, else empty.
    pub level: &'a str,
    pub from_state: &'a str,
    pub to_state: &'a str,
    pub reason: &'a str,
    /// What changed (before/after for edits). No secrets.
    pub changes: serde_json::Value,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredEntry {
    pub seq: i64,
    /// The chain the entry belongs to (`graduate:ID`, `school` or `legacy`).
    pub scope: String,
    /// The entry's number within its scope, from 1.
    pub scope_seq: i64,
    pub subject: String,
    pub item_id: Option<i64>,
    pub actor_account_id: Option<i64>,
    pub actor_role: String,
    pub at: Timestamp,
    pub action: String,
    pub level: String,
    pub from_state: String,
    pub to_state: String,
    pub reason: String,
    pub changes: String,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredEntry {
    /// The hash this entry must carry. Legacy entries keep the material they were written with
    /// (the global seq first); per-scope entries cover their scope and scope seq instead, since
    /// the global seq is assigned by the database and may skip numbers.
    pub fn compute_hash(&self) -> String {
        let material = if self.scope == LEGACY_SCOPE {
            serde_json::json!([
                self.seq,
                self.subject,
                self.item_id,
                self.actor_account_id,
                self.actor_role,
                self.at,
                self.action,
                self.level,
                self.from_state,
                self.to_state,
                self.reason,
                self.changes,
                self.prev_hash
            ])
        } else {
            serde_json::json!([
                self.scope,
                self.scope_seq,
                self.subject,
                self.item_id,
                self.actor_account_id,
                self.actor_role,
                self.at,
                self.action,
                self.level,
                self.from_state,
                self.to_state,
                self.reason,
                self.changes,
                self.prev_hash
            ])
        };
        sha256(&material.to_string())
    }
}

fn sha256(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// The scope an entry belongs to: an item's graduate, a graduate subject, else the school.
async fn scope_of(c: &mut AnyConnection, e: &Entry<'_>) -> Result<String> {
    if let Some(item) = e.item_id {
        let row = sqlx::query("SELECT graduate_id FROM items WHERE id = $1")
            .bind(item)
            .fetch_optional(&mut *c)
            .await?;
        if let Some(r) = row {
            return Ok(graduate_scope(r.try_get("graduate_id")?));
        }
    }
    if let Some(id) = e
        .subject
        .strip_prefix("graduate:")
        .and_then(|s| s.parse::<i64>().ok())
    {
        return Ok(graduate_scope(id));
    }
    Ok(SCHOOL_SCOPE.to_string())
}

/// Takes the scope's head row for this transaction and returns its (seq, hash) after reserving
/// the next number. The row lock is held until commit, so appends within one scope are
/// serialised and appends to different scopes are not.
async fn claim_next(c: &mut AnyConnection, scope: &str) -> Result<(i64, String)> {
    let bump = "UPDATE chain_heads SET seq = seq + 1 WHERE scope = $1 RETURNING seq, hash";
    let mut row = sqlx::query(bump)
        .bind(scope)
        .fetch_optional(&mut *c)
        .await?;
    if row.is_none() {
        // A scope's first entry: two first entries at once both insert, one waits and skips.
        sqlx::query(
            "INSERT INTO chain_heads (scope, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (scope) DO NOTHING",
        )
        .bind(scope)
        .bind(GENESIS)
        .execute(&mut *c)
        .await?;
        row = sqlx::query(bump)
            .bind(scope)
            .fetch_optional(&mut *c)
            .await?;
    }
    let row = row.ok_or_else(|| DomainError::internal("chain_heads"))?;
    Ok((row.try_get("seq")?, row.try_get("hash")?))
}

/// Appends one entry inside the action's transaction, to the scope it derives from the entry;
/// returns its seq.
pub async fn append(tx: &mut Tx, e: &Entry<'_>) -> Result<i64> {
    let scope = scope_of(tx.conn(), e).await?;
    append_to(tx, &scope, e).await
}

/// Appends one entry to `scope` inside the action's transaction; returns its seq.
pub(crate) async fn append_to(tx: &mut Tx, scope: &str, e: &Entry<'_>) -> Result<i64> {
    let c = tx.conn();
    let (scope_seq, prev_hash) = claim_next(&mut *c, scope).await?;
    let mut stored = StoredEntry {
        seq: 0,
        scope: scope.to_string(),
        scope_seq,
        subject: e.subject.clone(),
        item_id: e.item_id,
        actor_account_id: e.actor.account_id,
        actor_role: e.actor.role.as_str().to_string(),
        at: e.at,
        action: e.action.to_string(),
        level: e.level.to_string(),
        from_state: e.from_state.to_string(),
        to_state: e.to_state.to_string(),
        reason: e.reason.to_string(),
        changes: e.changes.to_string(),
        prev_hash,
        hash: String::new(),
    };
    stored.hash = stored.compute_hash();
    let seq: i64 = sqlx::query(
        "INSERT INTO history (scope, scope_seq, subject, item_id, actor_account_id, actor_role, at, action, level, from_state, to_state, reason, changes, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING seq",
    )
    .bind(&stored.scope)
    .bind(stored.scope_seq)
    .bind(&stored.subject)
    .bind(stored.item_id)
    .bind(stored.actor_account_id)
    .bind(&stored.actor_role)
    .bind(stored.at)
    .bind(&stored.action)
    .bind(&stored.level)
    .bind(&stored.from_state)
    .bind(&stored.to_state)
    .bind(&stored.reason)
    .bind(&stored.changes)
    .bind(&stored.prev_hash)
    .bind(&stored.hash)
    .fetch_one(&mut *c)
    .await?
    .try_get("seq")?;
    sqlx::query("UPDATE chain_heads SET hash = $1 WHERE scope = $2")
        .bind(&stored.hash)
        .bind(scope)
        .execute(&mut *c)
        .await?;
    Ok(seq)
}

const SELECT_ENTRY: &str = "SELECT seq, scope, scope_seq, subject, item_id, actor_account_id, actor_role, at, action, level, from_state, to_state, reason, changes, prev_hash, hash FROM history";

pub(crate) fn entry_from_row(r: &sqlx::any::AnyRow) -> Result<StoredEntry> {
    Ok(StoredEntry {
        seq: r.try_get("seq")?,
        scope: r.try_get("scope")?,
        scope_seq: r.try_get("scope_seq")?,
        subject: r.try_get("subject")?,
        item_id: r.try_get("item_id")?,
        actor_account_id: r.try_get("actor_account_id")?,
        actor_role: r.try_get("actor_role")?,
        at: r.try_get("at")?,
        action: r.try_get("action")?,
        level: r.try_get("level")?,
        from_state: r.try_get("from_state")?,
        to_state: r.try_get("to_state")?,
        reason: r.try_get("reason")?,
        changes: r.try_get("changes")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

/// The history of one item, oldest first.
pub async fn item_history(c: &mut AnyConnection, item_id: i64) -> Result<Vec<StoredEntry>> {
    let rows = sqlx::query(&format!("{SELECT_ENTRY} WHERE item_id = $1 ORDER BY seq"))
        .bind(item_id)
        .fetch_all(c)
        .await?;
    rows.iter().map(entry_from_row).collect()
}

/// The history of a subject (e.g. `graduate:3`), oldest first.
pub async fn subject_history(c: &mut AnyConnection, subject: &str) -> Result<Vec<StoredEntry>> {
    let rows = sqlx::query(&format!("{SELECT_ENTRY} WHERE subject = $1 ORDER BY seq"))
        .bind(subject)
        .fetch_all(c)
        .await?;
    rows.iter().map(entry_from_row).collect()
}

// ---------------------------------------------------------------------------------------------
// Seals (R-AUDIT-04).

/// One scope's head as a seal records it: the scope, its newest seq and that entry's hash.
type SealedHead = (String, i64, String);

fn seal_hash(seq: i64, heads: &str, prev_hash: &str) -> String {
    sha256(&serde_json::json!([seq, heads, prev_hash]).to_string())
}

/// Seals every scope head that changed since the previous seal into the next seal; returns its
/// hash, or None when nothing changed (the newest seal still covers everything; nothing was
/// written). Runs in its own transaction; appends never wait for it (it reads the committed heads
/// without locking them), and two sealers take turns on `seal_head`.
pub(crate) async fn seal(tx: &mut Tx) -> Result<Option<String>> {
    let c = tx.conn();
    // The lock comes before the read, so a second sealer sees the first one's sealed heads.
    sqlx::query("UPDATE seal_head SET seq = seq WHERE id = 1")
        .execute(&mut *c)
        .await?;
    let head = sqlx::query("SELECT seq, hash FROM seal_head WHERE id = 1")
        .fetch_one(&mut *c)
        .await?;
    let last: i64 = head.try_get("seq")?;
    let prev_hash: String = head.try_get("hash")?;
    let rows = sqlx::query(
        "SELECT h.scope, h.seq, h.hash FROM chain_heads h LEFT JOIN sealed_heads s ON s.scope = h.scope \
         WHERE h.seq > COALESCE(s.seq, 0) ORDER BY h.scope",
    )
    .fetch_all(&mut *c)
    .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let seq = last
        .checked_add(1)
        .ok_or_else(|| DomainError::internal("seal_head"))?;
    let mut heads: Vec<SealedHead> = Vec::with_capacity(rows.len());
    for r in &rows {
        heads.push((r.try_get("scope")?, r.try_get("seq")?, r.try_get("hash")?));
    }
    let heads_text = serde_json::to_string(&heads)?;
    let hash = seal_hash(seq, &heads_text, &prev_hash);
    sqlx::query("INSERT INTO seals (seq, heads, prev_hash, hash) VALUES ($1, $2, $3, $4)")
        .bind(seq)
        .bind(&heads_text)
        .bind(&prev_hash)
        .bind(&hash)
        .execute(&mut *c)
        .await?;
    for (scope, s, h) in &heads {
        sqlx::query(
            "INSERT INTO sealed_heads (scope, seq, hash) VALUES ($1, $2, $3) \
             ON CONFLICT (scope) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        )
        .bind(scope)
        .bind(*s)
        .bind(h)
        .execute(&mut *c)
        .await?;
    }
    sqlx::query("UPDATE seal_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(&hash)
        .execute(&mut *c)
        .await?;
    Ok(Some(hash))
}

/// The newest seal's hash (GENESIS before the first seal).
pub(crate) async fn sealed_head(c: &mut AnyConnection) -> Result<String> {
    Ok(sqlx::query("SELECT hash FROM seal_head WHERE id = 1")
        .fetch_one(c)
        .await?
        .try_get("hash")?)
}

// ---------------------------------------------------------------------------------------------
// Verification.

/// The result of verifying the chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainReport {
    pub entries: i64,
    /// The newest seal's hash: what `--expect-head` is later compared with.
    pub head: String,
    /// One line per broken entry or inconsistency.
    pub problems: Vec<String>,
}

/// One scope's verified entries: (scope seq, hash) in order.
type ScopeChain = Vec<(i64, String)>;

/// Verifies every scope's entries (hash, link, numbering), each scope's head row, the chain of
/// seals and every head a seal recorded, and (given) that `expect_head` is a seal (or an entry)
/// still in the history, so a cut-off or rewritten tail is detected.
pub async fn verify_chain(c: &mut AnyConnection, expect_head: Option<&str>) -> Result<ChainReport> {
    let rows = sqlx::query(&format!("{SELECT_ENTRY} ORDER BY scope, scope_seq, seq"))
        .fetch_all(&mut *c)
        .await?;
    let mut problems = Vec::new();
    let mut seen_expect = expect_head.is_none() || expect_head == Some(GENESIS);
    let mut chains: HashMap<String, ScopeChain> = HashMap::new();
    let mut current: Option<(String, i64, String, i64)> = None; // scope, scope_seq, hash, seq
    for r in &rows {
        let e = entry_from_row(r)?;
        let (expected, prev, prev_seq) = match &current {
            Some((s, n, h, q)) if *s == e.scope => (n.saturating_add(1), h.clone(), *q),
            _ => (1, GENESIS.to_string(), i64::MIN),
        };
        if e.scope_seq != expected {
            problems.push(format!(
                "entry {}: {} number {} where {expected} was expected: an entry was deleted or inserted",
                e.seq, e.scope, e.scope_seq
            ));
        }
        if e.prev_hash != prev {
            problems.push(format!("entry {}: previous-hash link broken", e.seq));
        }
        if e.seq <= prev_seq {
            problems.push(format!(
                "entry {}: out of order within {} (moved or inserted)",
                e.seq, e.scope
            ));
        }
        if e.compute_hash() != e.hash {
            problems.push(format!(
                "entry {}: content does not match its hash (changed)",
                e.seq
            ));
        }
        if Some(e.hash.as_str()) == expect_head {
            seen_expect = true;
        }
        chains
            .entry(e.scope.clone())
            .or_default()
            .push((e.scope_seq, e.hash.clone()));
        current = Some((e.scope, e.scope_seq, e.hash, e.seq));
    }
    verify_heads(&mut *c, &chains, &mut problems).await?;
    let (head, sealed_expect) = verify_seals(&mut *c, &chains, expect_head, &mut problems).await?;
    seen_expect |= sealed_expect;
    if !seen_expect {
        problems.push(
            "the expected head hash is no longer in the chain: the tail was cut off or rewritten"
                .to_string(),
        );
    }
    Ok(ChainReport {
        entries: rows.len() as i64,
        head,
        problems,
    })
}

/// Each scope's head row names its newest entry; no scope has entries without a head row.
async fn verify_heads(
    c: &mut AnyConnection,
    chains: &HashMap<String, ScopeChain>,
    problems: &mut Vec<String>,
) -> Result<()> {
    let rows = sqlx::query("SELECT scope, seq, hash FROM chain_heads ORDER BY scope")
        .fetch_all(&mut *c)
        .await?;
    let mut headed = std::collections::HashSet::new();
    for r in &rows {
        let scope: String = r.try_get("scope")?;
        let seq: i64 = r.try_get("seq")?;
        let hash: String = r.try_get("hash")?;
        let (last_seq, last_hash) = chains
            .get(&scope)
            .and_then(|v| v.last().cloned())
            .unwrap_or((0, GENESIS.to_string()));
        if seq != last_seq || hash != last_hash {
            problems.push(format!(
                "chain head of {scope} (seq {seq}) does not match its last entry (seq {last_seq}): the newest entry was deleted, or one was added around the engine"
            ));
        }
        headed.insert(scope);
    }
    let mut orphans: Vec<&String> = chains.keys().filter(|s| !headed.contains(*s)).collect();
    orphans.sort();
    for s in orphans {
        problems.push(format!("{s}: entries without a chain head"));
    }
    Ok(())
}

/// Walks the seals in order: numbering, links, hashes, and every sealed head still the entry
/// it was. Returns the newest seal's hash and whether `expect_head` is one of the seals.
async fn verify_seals(
    c: &mut AnyConnection,
    chains: &HashMap<String, ScopeChain>,
    expect_head: Option<&str>,
    problems: &mut Vec<String>,
) -> Result<(String, bool)> {
    let rows = sqlx::query("SELECT seq, heads, prev_hash, hash FROM seals ORDER BY seq")
        .fetch_all(&mut *c)
        .await?;
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1i64;
    let mut seen_expect = false;
    let mut latest: HashMap<String, (i64, String)> = HashMap::new();
    for r in &rows {
        let seq: i64 = r.try_get("seq")?;
        let heads_text: String = r.try_get("heads")?;
        let prev_hash: String = r.try_get("prev_hash")?;
        let hash: String = r.try_get("hash")?;
        if seq != expected_seq {
            problems.push(format!(
                "seal {seq}: sequence gap (expected {expected_seq}): a seal was deleted or inserted"
            ));
        }
        if prev_hash != prev {
            problems.push(format!("seal {seq}: previous-seal link broken"));
        }
        if seal_hash(seq, &heads_text, &prev_hash) != hash {
            problems.push(format!(
                "seal {seq}: content does not match its hash (changed)"
            ));
        }
        let heads: Vec<SealedHead> = match serde_json::from_str(&heads_text) {
            Ok(h) => h,
            Err(_) => {
                problems.push(format!("seal {seq}: unreadable heads"));
                Vec::new()
            }
        };
        for (scope, s, h) in heads {
            let present = chains.get(&scope).and_then(|v| {
                v.binary_search_by_key(&s, |(n, _)| *n)
                    .ok()
                    .map(|i| v[i].1.clone())
            });
            if present.as_deref() != Some(h.as_str()) {
                problems.push(format!(
                    "seal {seq}: entry {s} of {scope} is missing or changed: the history was cut off or rewritten after it was sealed"
                ));
            }
            if latest.get(&scope).is_some_and(|(n, _)| *n >= s) {
                problems.push(format!("seal {seq}: {scope} sealed backwards"));
            }
            latest.insert(scope, (s, h));
        }
        if Some(hash.as_str()) == expect_head {
            seen_expect = true;
        }
        prev = hash;
        expected_seq = seq.saturating_add(1);
    }
    let head_row = sqlx::query("SELECT seq, hash FROM seal_head WHERE id = 1")
        .fetch_one(&mut *c)
        .await?;
    let head_seq: i64 = head_row.try_get("seq")?;
    let head_hash: String = head_row.try_get("hash")?;
    if head_seq != expected_seq - 1 || head_hash != prev {
        problems.push(format!(
            "seal head (seq {head_seq}) does not match the last seal (seq {})",
            expected_seq - 1
        ));
    }
    let rows = sqlx::query("SELECT scope, seq, hash FROM sealed_heads")
        .fetch_all(&mut *c)
        .await?;
    let mut recorded = 0usize;
    for r in &rows {
        let scope: String = r.try_get("scope")?;
        let s: i64 = r.try_get("seq")?;
        let h: String = r.try_get("hash")?;
        if latest.get(&scope) != Some(&(s, h)) {
            problems.push(format!("{scope}: sealed head does not match the seals"));
        }
        recorded += 1;
    }
    if recorded != latest.len() {
        problems.push("sealed heads do not match the seals: a scope's record is missing".into());
    }
    Ok((prev, seen_expect))
}
