//! R-AUDIT-01: the append-only, hash-chained history. Each entry's hash covers its fields and the
//! previous entry's hash; `chain_head` holds the newest (seq, hash) and is updated first in every
//! writing transaction, which serialises appends on PostgreSQL as BEGIN IMMEDIATE does on SQLite.

use crate::error::Result;
use crate::store::Tx;
use crate::time::Timestamp;
use crate::workflow::Actor;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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
    /// The hash this entry must carry.
    pub fn compute_hash(&self) -> String {
        let material = serde_json::json!([
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
        ]);
        hex::encode(Sha256::digest(material.to_string().as_bytes()))
    }
}

/// Appends one entry inside the action's transaction; returns its seq.
pub async fn append(tx: &mut Tx, e: &Entry<'_>) -> Result<i64> {
    let c = tx.conn();
    sqlx::query("UPDATE chain_head SET seq = seq + 1 WHERE id = 1")
        .execute(&mut *c)
        .await?;
    let row = sqlx::query("SELECT seq, hash FROM chain_head WHERE id = 1")
        .fetch_one(&mut *c)
        .await?;
    let seq: i64 = row.try_get("seq")?;
    let prev_hash: String = row.try_get("hash")?;
    let mut stored = StoredEntry {
        seq,
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
    sqlx::query(
        "INSERT INTO history (seq, subject, item_id, actor_account_id, actor_role, at, action, level, from_state, to_state, reason, changes, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(stored.seq)
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
    .execute(&mut *c)
    .await?;
    sqlx::query("UPDATE chain_head SET hash = $1 WHERE id = 1")
        .bind(&stored.hash)
        .execute(&mut *c)
        .await?;
    Ok(seq)
}

const SELECT_ENTRY: &str = "SELECT seq, subject, item_id, actor_account_id, actor_role, at, action, level, from_state, to_state, reason, changes, prev_hash, hash FROM history";

pub(crate) fn entry_from_row(r: &sqlx::any::AnyRow) -> Result<StoredEntry> {
    Ok(StoredEntry {
        seq: r.try_get("seq")?,
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

/// The result of verifying the chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainReport {
    pub entries: i64,
    pub head: String,
    /// One line per broken entry or inconsistency.
    pub problems: Vec<String>,
}

/// Verifies every entry's hash and link, the head, and (given) that `expect_head` is still in the
/// chain, so a cut-off or rewritten tail is detected.
pub async fn verify_chain(c: &mut AnyConnection, expect_head: Option<&str>) -> Result<ChainReport> {
    let rows = sqlx::query(&format!("{SELECT_ENTRY} ORDER BY seq"))
        .fetch_all(&mut *c)
        .await?;
    let mut problems = Vec::new();
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    let mut seen_expect = expect_head.is_none() || expect_head == Some(GENESIS);
    for r in &rows {
        let e = entry_from_row(r)?;
        if e.seq != expected_seq {
            problems.push(format!("entry {}: sequence gap (expected {expected_seq}): an entry was deleted or inserted", e.seq));
            expected_seq = e.seq;
        }
        if e.prev_hash != prev {
            problems.push(format!("entry {}: previous-hash link broken", e.seq));
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
        prev = e.hash.clone();
        expected_seq += 1;
    }
    let head_row = sqlx::query("SELECT seq, hash FROM chain_head WHERE id = 1")
        .fetch_one(&mut *c)
        .await?;
    let head_seq: i64 = head_row.try_get("seq")?;
    let head_hash: String = head_row.try_get("hash")?;
    if head_seq != expected_seq - 1 || head_hash != prev {
        problems.push(format!(
            "chain head (seq {head_seq}) does not match the last entry (seq {})",
            expected_seq - 1
        ));
    }
    if !seen_expect {
        problems.push(
            "the expected head hash is no longer in the chain: the tail was cut off or rewritten"
                .to_string(),
        );
    }
    Ok(ChainReport {
        entries: rows.len() as i64,
        head: prev,
        problems,
    })
}
