//! R-AUDIT-01 with per-scope chains and seals (R-AUDIT-03, R-AUDIT-04, docs/history-chain.md):
//! every kind of tampering `check` must catch, on both backends; a database of the single-chain
//! schema migrates and stays verifiable; on PostgreSQL, an open transaction on one graduate does
//! not hold up another graduate's action.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use gradsign_engine::audit::{self, Entry, StoredEntry, GENESIS, LEGACY_SCOPE};
use gradsign_engine::*;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::time::Duration;

async fn exec(w: &World, sql: &str, binds: &[i64]) {
    let mut c = w.engine.store().read().await.unwrap();
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.execute(&mut *c).await.unwrap();
}

/// The scope's entries, oldest first.
async fn scope_entries(w: &World, scope: &str) -> Vec<StoredEntry> {
    let mut c = w.engine.store().read().await.unwrap();
    let rows = sqlx::query("SELECT seq, scope, scope_seq, subject, item_id, actor_account_id, actor_role, at, action, level, from_state, to_state, reason, changes, prev_hash, hash FROM history WHERE scope = $1 ORDER BY scope_seq")
        .bind(scope)
        .fetch_all(&mut *c)
        .await
        .unwrap();
    rows.iter()
        .map(|r| StoredEntry {
            seq: r.try_get("seq").unwrap(),
            scope: r.try_get("scope").unwrap(),
            scope_seq: r.try_get("scope_seq").unwrap(),
            subject: r.try_get("subject").unwrap(),
            item_id: r.try_get("item_id").unwrap(),
            actor_account_id: r.try_get("actor_account_id").unwrap(),
            actor_role: r.try_get("actor_role").unwrap(),
            at: r.try_get("at").unwrap(),
            action: r.try_get("action").unwrap(),
            level: r.try_get("level").unwrap(),
            from_state: r.try_get("from_state").unwrap(),
            to_state: r.try_get("to_state").unwrap(),
            reason: r.try_get("reason").unwrap(),
            changes: r.try_get("changes").unwrap(),
            prev_hash: r.try_get("prev_hash").unwrap(),
            hash: r.try_get("hash").unwrap(),
        })
        .collect()
}

async fn problems(w: &World, expect_head: Option<&str>) -> Vec<String> {
    let r = w.engine.check(&Actor::system(), expect_head).await.unwrap();
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    r.chain.problems
}

/// Graduate 1 confirms, is invited and accepts: three entries in the scope `graduate:ID`.
async fn graduate_with_three_entries(w: &World) -> String {
    w.confirm(1).await;
    let id = w.invite(0, 1, w.t0).await.unwrap();
    w.engine.accept_invitation(w.g(1), id, w.t0).await.unwrap();
    let scope = audit::graduate_scope(w.gid(1));
    assert_eq!(scope_entries(w, &scope).await.len(), 3);
    scope
}

async fn r_audit_01_entries_chain_per_graduate_and_check_prints_the_newest_seal(w: World) {
    let scope = graduate_with_three_entries(&w).await;
    w.confirm(2).await;
    let entries = scope_entries(&w, &scope).await;
    assert_eq!(
        entries.iter().map(|e| e.scope_seq).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(entries[0].prev_hash, GENESIS);
    assert_eq!(entries[1].prev_hash, entries[0].hash);
    assert_eq!(entries[2].prev_hash, entries[1].hash);
    assert!(entries.iter().all(|e| e.compute_hash() == e.hash));
    // Graduate 2's confirmation is its own chain; the school's set-up is the school's.
    let other = scope_entries(&w, &audit::graduate_scope(w.gid(2))).await;
    assert_eq!((other.len(), other[0].prev_hash.as_str()), (1, GENESIS));
    assert!(!scope_entries(&w, audit::SCHOOL_SCOPE).await.is_empty());
    // check seals and prints the seal; with nothing new, the next check prints the same head.
    let r = w.engine.check(&Actor::system(), None).await.unwrap();
    assert!(r.ok(), "{:?}", r);
    assert_ne!(r.chain.head, GENESIS);
    assert_eq!(w.engine.head_hash(&w.admin).await.unwrap(), r.chain.head);
    let again = w
        .engine
        .check(&Actor::system(), Some(&r.chain.head))
        .await
        .unwrap();
    assert!(again.ok() && again.chain.head == r.chain.head, "{again:?}");
    // A new action and the sweep: a new seal, the old head still verifies as a noted one.
    w.confirm(3).await;
    w.engine.sweep(&Actor::system(), w.t0 + 1).await.unwrap();
    let newer = w
        .engine
        .check(&Actor::system(), Some(&r.chain.head))
        .await
        .unwrap();
    assert!(newer.ok() && newer.chain.head != r.chain.head, "{newer:?}");
}

async fn r_audit_01_changed_entry_is_detected(w: World) {
    let scope = graduate_with_three_entries(&w).await;
    let e = &scope_entries(&w, &scope).await[1];
    exec(
        &w,
        "UPDATE history SET reason = 'changed' WHERE seq = $1",
        &[e.seq],
    )
    .await;
    let p = problems(&w, None).await;
    assert!(
        p.iter()
            .any(|p| p.starts_with(&format!("entry {}: content", e.seq))),
        "{p:?}"
    );
    exec(
        &w,
        "UPDATE history SET reason = '' WHERE seq = $1",
        &[e.seq],
    )
    .await;
    assert_eq!(problems(&w, None).await, Vec::<String>::new());
}

async fn r_audit_01_deleted_middle_entry_is_detected(w: World) {
    let scope = graduate_with_three_entries(&w).await;
    let e = &scope_entries(&w, &scope).await;
    exec(&w, "DELETE FROM history WHERE seq = $1", &[e[1].seq]).await;
    let p = problems(&w, None).await;
    assert!(p.iter().any(|p| p.contains("deleted or inserted")), "{p:?}");
    assert!(
        p.iter()
            .any(|p| p == &format!("entry {}: previous-hash link broken", e[2].seq)),
        "{p:?}"
    );
}

async fn r_audit_01_inserted_entry_is_detected(w: World) {
    let scope = graduate_with_three_entries(&w).await;
    let e = scope_entries(&w, &scope).await;
    // A forged entry after the first, hashed correctly and linked to the first; the later
    // entries renumbered around it (in two steps: the scope numbers are unique).
    exec(
        &w,
        "UPDATE history SET scope_seq = scope_seq + 1000 WHERE seq IN ($1, $2)",
        &[e[1].seq, e[2].seq],
    )
    .await;
    exec(
        &w,
        "UPDATE history SET scope_seq = scope_seq - 999 WHERE seq IN ($1, $2)",
        &[e[1].seq, e[2].seq],
    )
    .await;
    let mut forged = e[1].clone();
    forged.scope_seq = 2;
    forged.action = "withdraw".into();
    forged.prev_hash = e[0].hash.clone();
    forged.hash = forged.compute_hash();
    let mut c = w.engine.store().read().await.unwrap();
    sqlx::query("INSERT INTO history (seq, scope, scope_seq, subject, item_id, actor_account_id, actor_role, at, action, level, from_state, to_state, reason, changes, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)")
        .bind(e[0].seq + 100_000)
        .bind(&forged.scope)
        .bind(forged.scope_seq)
        .bind(&forged.subject)
        .bind(forged.item_id)
        .bind(forged.actor_account_id)
        .bind(&forged.actor_role)
        .bind(forged.at)
        .bind(&forged.action)
        .bind(&forged.level)
        .bind(&forged.from_state)
        .bind(&forged.to_state)
        .bind(&forged.reason)
        .bind(&forged.changes)
        .bind(&forged.prev_hash)
        .bind(&forged.hash)
        .execute(&mut *c)
        .await
        .unwrap();
    drop(c);
    let p = problems(&w, None).await;
    assert!(
        p.iter()
            .any(|p| p == &format!("entry {}: previous-hash link broken", e[1].seq)),
        "{p:?}"
    );
    // Its global seq puts it after the later entries of its scope: out of order too.
    assert!(p.iter().any(|p| p.contains("out of order")), "{p:?}");
}

async fn r_audit_01_deleted_newest_entry_of_a_scope_is_detected(w: World) {
    let scope = graduate_with_three_entries(&w).await;
    let e = scope_entries(&w, &scope).await;
    // Deleted alone: the scope's head row still names it.
    exec(&w, "DELETE FROM history WHERE seq = $1", &[e[2].seq]).await;
    let p = problems(&w, None).await;
    assert!(
        p.iter()
            .any(|p| p.starts_with(&format!("chain head of {scope} (seq 3)"))),
        "{p:?}"
    );
    // With the head row rewritten too: that check had sealed the entry, so the seal catches
    // it even without a noted head.
    let mut c = w.engine.store().read().await.unwrap();
    sqlx::query("UPDATE chain_heads SET seq = 2, hash = $1 WHERE scope = $2")
        .bind(&e[1].hash)
        .bind(&scope)
        .execute(&mut *c)
        .await
        .unwrap();
    drop(c);
    let p = problems(&w, None).await;
    assert!(
        p.iter()
            .any(|p| p.contains(&format!("entry 3 of {scope} is missing or changed"))),
        "{p:?}"
    );
}

async fn r_audit_04_an_unsealed_tail_rewritten_with_its_head_is_the_limit(w: World) {
    // The documented limit: entries written after the last seal, deleted together with their
    // head row's update, leave a consistent history; only a seal taken before catches it.
    let scope = graduate_with_three_entries(&w).await;
    let head = w.engine.head_hash(&w.admin).await.unwrap();
    let id = w.invite(1, 1, w.t0).await.unwrap();
    let e = scope_entries(&w, &scope).await;
    assert_eq!((e.len(), e[3].item_id), (4, Some(id)));
    exec(&w, "DELETE FROM history WHERE seq = $1", &[e[3].seq]).await;
    let mut c = w.engine.store().read().await.unwrap();
    sqlx::query("UPDATE chain_heads SET seq = 3, hash = $1 WHERE scope = $2")
        .bind(&e[2].hash)
        .bind(&scope)
        .execute(&mut *c)
        .await
        .unwrap();
    drop(c);
    assert_eq!(problems(&w, Some(&head)).await, Vec::<String>::new());
}

async fn r_audit_01_cut_tail_after_a_noted_head_is_detected(w: World) {
    let scope = graduate_with_three_entries(&w).await;
    let noted = w.engine.head_hash(&w.admin).await.unwrap();
    w.confirm(2).await;
    let e = scope_entries(&w, &scope).await;
    // The tail cut and everything around it made consistent: entries, head row, and every seal
    // rewritten from scratch.
    exec(&w, "DELETE FROM history WHERE seq = $1", &[e[2].seq]).await;
    let mut c = w.engine.store().read().await.unwrap();
    sqlx::query("UPDATE chain_heads SET seq = 2, hash = $1 WHERE scope = $2")
        .bind(&e[1].hash)
        .bind(&scope)
        .execute(&mut *c)
        .await
        .unwrap();
    for sql in [
        "DELETE FROM seals",
        "DELETE FROM sealed_heads",
        "UPDATE seal_head SET seq = 0, hash = '0000000000000000000000000000000000000000000000000000000000000000'",
    ] {
        sqlx::query(sql).execute(&mut *c).await.unwrap();
    }
    drop(c);
    assert_eq!(
        problems(&w, None).await,
        Vec::<String>::new(),
        "without the noted head a complete rewrite is invisible"
    );
    let p = problems(&w, Some(&noted)).await;
    assert!(p.iter().any(|p| p.contains("cut off")), "{p:?}");
}

async fn r_audit_04_seals_themselves_are_chained(w: World) {
    graduate_with_three_entries(&w).await;
    w.engine.head_hash(&w.admin).await.unwrap();
    w.confirm(2).await;
    let noted = w.engine.head_hash(&w.admin).await.unwrap();
    exec(&w, "UPDATE seals SET heads = '[]' WHERE seq = 1", &[]).await;
    let p = problems(&w, Some(&noted)).await;
    assert!(
        p.iter()
            .any(|p| p == "seal 1: content does not match its hash (changed)"),
        "{p:?}"
    );
    exec(&w, "DELETE FROM seals WHERE seq = 1", &[]).await;
    let p = problems(&w, Some(&noted)).await;
    assert!(
        p.iter()
            .any(|p| p.contains("a seal was deleted or inserted")),
        "{p:?}"
    );
}

on_both_backends!(
    r_audit_01_entries_chain_per_graduate_and_check_prints_the_newest_seal,
    r_audit_01_changed_entry_is_detected,
    r_audit_01_deleted_middle_entry_is_detected,
    r_audit_01_inserted_entry_is_detected,
    r_audit_01_deleted_newest_entry_of_a_scope_is_detected,
    r_audit_04_an_unsealed_tail_rewritten_with_its_head_is_the_limit,
    r_audit_01_cut_tail_after_a_noted_head_is_detected,
    r_audit_04_seals_themselves_are_chained,
);

// ------------------------------------------------------------------ the single-chain schema

/// The hash the single-chain schema gave an entry, written out here rather than taken from the
/// engine, so the test proves the old entries still verify as they were written.
fn old_hash(seq: i64, subject: &str, action: &str, at: i64, changes: &str, prev: &str) -> String {
    let material = serde_json::json!([
        seq,
        subject,
        Option::<i64>::None,
        Option::<i64>::None,
        "system",
        at,
        action,
        "",
        "",
        "",
        "",
        changes,
        prev
    ]);
    hex::encode(Sha256::digest(material.to_string().as_bytes()))
}

/// A database as the single-chain schema (migrations 1–3 of the earlier runner) left it, with
/// three history entries and their head; returns the location and the old head.
async fn old_schema_database(backend: Backend) -> (String, Option<tempfile::TempDir>, String) {
    let (db, dir) = fresh_db(backend).await;
    let (url, _) = gradsign_engine::store::database_url(&db);
    sqlx::any::install_default_drivers();
    let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let files: [&str; 3] = if backend == Backend::Sqlite {
        [
            include_str!("../../../migrations/sqlite/0001_init.sql"),
            include_str!("../../../migrations/sqlite/0002_queue_indexes.sql"),
            include_str!("../../../migrations/sqlite/0003_throttles.sql"),
        ]
    } else {
        [
            include_str!("../../../migrations/postgres/0001_init.sql"),
            include_str!("../../../migrations/postgres/0002_queue_indexes.sql"),
            include_str!("../../../migrations/postgres/0003_throttles.sql"),
        ]
    };
    for sql in files {
        sqlx::Executor::execute(&mut c, sql).await.unwrap();
    }
    sqlx::Executor::execute(
        &mut c,
        "CREATE TABLE schema_version (version BIGINT NOT NULL); INSERT INTO schema_version (version) VALUES (1), (2), (3)",
    )
    .await
    .unwrap();
    let mut prev = GENESIS.to_string();
    for (seq, subject, action) in [
        (1i64, "school", "init_school"),
        (2, "cohort:2026", "configure_cohort"),
        (3, "cohort:2026", "set_module"),
    ] {
        let at = 1_770_000_000 + seq;
        let changes = "null";
        let hash = old_hash(seq, subject, action, at, changes, &prev);
        sqlx::query("INSERT INTO history (seq, subject, item_id, actor_account_id, actor_role, at, action, level, from_state, to_state, reason, changes, prev_hash, hash) VALUES ($1, $2, NULL, NULL, 'system', $3, $4, '', '', '', '', $5, $6, $7)")
            .bind(seq)
            .bind(subject)
            .bind(at)
            .bind(action)
            .bind(changes)
            .bind(&prev)
            .bind(&hash)
            .execute(&mut c)
            .await
            .unwrap();
        prev = hash;
    }
    sqlx::query("UPDATE chain_head SET seq = 3, hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(&mut c)
        .await
        .unwrap();
    sqlx::Connection::close(c).await.unwrap();
    (db, dir, prev)
}

async fn r_audit_01_single_chain_database_migrates_and_stays_verifiable(backend: Backend) {
    let (db, _dir, old_head) = old_schema_database(backend).await;
    let files = tempfile::tempdir().unwrap();
    let engine = Engine::open(&db, files.path()).await.unwrap();
    // The old head, noted before the upgrade, is still found; the old entries verify.
    let r = engine
        .check(&Actor::system(), Some(&old_head))
        .await
        .unwrap();
    assert!(r.ok(), "{r:?}");
    assert_eq!(r.chain.entries, 3);
    let sealed = r.chain.head.clone();
    assert_ne!(
        sealed, old_head,
        "the head is now the seal over the legacy scope"
    );
    let pool = engine.store().pool();
    let legacy: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM history WHERE scope = $1 AND scope_seq = seq")
            .bind(LEGACY_SCOPE)
            .fetch_one(pool)
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
    assert_eq!(legacy, 3);
    // New entries go to their own scopes, after the old ones.
    let mut tx = engine.store().begin().await.unwrap();
    let system = Actor::system();
    let seq = audit::append(
        &mut tx,
        &Entry {
            subject: "cohort:2026".into(),
            item_id: None,
            actor: &system,
            at: 1_770_000_100,
            action: "set_module",
            level: "",
            from_state: "",
            to_state: "",
            reason: "",
            changes: serde_json::Value::Null,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(
        seq > 3,
        "the global order continues after the old entries: {seq}"
    );
    let r = engine
        .check(&Actor::system(), Some(&old_head))
        .await
        .unwrap();
    assert!(r.ok(), "{r:?}");
    let r = engine.check(&Actor::system(), Some(&sealed)).await.unwrap();
    assert!(r.ok() && r.chain.entries == 4, "{r:?}");
    // A changed old entry is still caught, by its own hash and by the seal over it.
    sqlx::query("UPDATE history SET action = 'forged' WHERE seq = 2")
        .execute(pool)
        .await
        .unwrap();
    let r = engine.check(&Actor::system(), None).await.unwrap();
    assert!(
        r.chain
            .problems
            .iter()
            .any(|p| p == "entry 2: content does not match its hash (changed)"),
        "{r:?}"
    );
    // Deleting the old newest entry and rewinding the legacy head: the seal catches it.
    sqlx::query("UPDATE history SET action = 'configure_cohort' WHERE seq = 2")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM history WHERE seq = 3")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE chain_heads SET seq = 2, hash = (SELECT hash FROM history WHERE seq = 2) WHERE scope = 'legacy'")
        .execute(pool)
        .await
        .unwrap();
    let r = engine.check(&Actor::system(), None).await.unwrap();
    assert!(
        r.chain
            .problems
            .iter()
            .any(|p| p.contains("entry 3 of legacy is missing or changed")),
        "{r:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_audit_01_single_chain_database_migrates_and_stays_verifiable_sqlite() {
    r_audit_01_single_chain_database_migrates_and_stays_verifiable(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_audit_01_single_chain_database_migrates_and_stays_verifiable_postgres() {
    r_audit_01_single_chain_database_migrates_and_stays_verifiable(Backend::Postgres).await;
}

// ------------------------------------------------------------------ parallel appends

/// R-AUDIT-03 on PostgreSQL: a transaction that appended to graduate 1's history and stays open
/// holds up another action on graduate 1, but not graduate 2's acceptance, which commits while
/// the first transaction is still open. (SQLite has one writer at a time by design.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_audit_03_unrelated_graduates_commit_while_another_is_open_postgres() {
    let w = std::sync::Arc::new(World::new(Backend::Postgres).await);
    w.confirm(1).await;
    w.confirm(2).await;
    let first = w.invite(0, 1, w.t0).await.unwrap();
    let second = w.invite(0, 2, w.t0).await.unwrap();
    // A: an entry on graduate 1's record, transaction left open.
    let mut a = w.engine.store().begin().await.unwrap();
    let actor = w.g(1).clone();
    audit::append(
        &mut a,
        &Entry {
            subject: format!("graduate:{}", w.gid(1)),
            item_id: None,
            actor: &actor,
            at: w.t0 + 1,
            action: "edit_contact",
            level: "",
            from_state: "",
            to_state: "",
            reason: "",
            changes: serde_json::Value::Null,
        },
    )
    .await
    .unwrap();
    // B: graduate 2 accepts; it must commit while A is open.
    let b = tokio::time::timeout(
        Duration::from_secs(10),
        w.engine.accept_invitation(w.g(2), second, w.t0 + 2),
    )
    .await;
    assert!(
        matches!(b, Ok(Ok(()))),
        "graduate 2's action waited for graduate 1's open transaction: {b:?}"
    );
    assert_eq!(w.state(second).await, "under_review");
    // C: graduate 1's own acceptance waits for A (the same scope), and goes through after it.
    let w2 = w.clone();
    let c =
        tokio::spawn(async move { w2.engine.accept_invitation(w2.g(1), first, w2.t0 + 3).await });
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(!c.is_finished(), "an action on the same graduate must wait");
    a.commit().await.unwrap();
    tokio::time::timeout(Duration::from_secs(10), c)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let r = w.engine.check(&Actor::system(), None).await.unwrap();
    assert!(r.ok(), "{r:?}");
    let e = scope_entries(&w, &audit::graduate_scope(w.gid(1))).await;
    assert_eq!(
        e.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        vec!["confirm_info", "invite", "edit_contact", "accept"]
    );
}
