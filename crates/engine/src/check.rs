//! `gradsign check`: the history chain (R-AUDIT-01) and the invariants (R-ONE-01, unique agreement
//! numbers, well-formed states, signed snapshots that still match their hash, every named file
//! stored: R-UPLOAD-02).

use crate::audit::{self, verify_chain, ChainReport};
use crate::engine::{item_from_row, Engine, ITEM_COLUMNS};
use crate::error::Result;
use crate::model::ItemKind;
use crate::snapshot::sha256_hex;
use crate::workflow::offline_signing::OfflineSigningState;
use crate::workflow::registration::RegistrationState;
use crate::workflow::signing::SigningState;
use crate::workflow::termination::TerminationState;
use crate::workflow::{Actor, Role};
use serde::Serialize;
use sqlx::Row;

/// The result of a full check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    pub chain: ChainReport,
    /// Broken invariants, one line each.
    pub problems: Vec<String>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.chain.problems.is_empty() && self.problems.is_empty()
    }
}

impl Engine {
    /// Seals the history (R-AUDIT-04), then verifies it (against `expect_head` when given) and
    /// the invariants; for the admin or the system (`gradsign check`, R-AUTH-07). The report's
    /// head is the newest seal, which covers every entry committed before the check began.
    pub async fn check(&self, actor: &Actor, expect_head: Option<&str>) -> Result<CheckReport> {
        require_checker(actor)?;
        self.seal().await?;
        let mut c = self.store.read().await?;
        let chain = verify_chain(&mut c, expect_head).await?;
        let mut problems = Vec::new();
        let rows = sqlx::query(&format!(
            "SELECT graduate_id, COUNT(*) AS n FROM items WHERE {} GROUP BY graduate_id HAVING COUNT(*) > 1",
            crate::model::active_destination_sql("")
        ))
        .fetch_all(&mut *c)
        .await?;
        for r in rows {
            let g: i64 = r.try_get("graduate_id")?;
            let n: i64 = r.try_get("n")?;
            problems.push(format!(
                "R-ONE-01: graduate {g} has {n} effective or pending destinations"
            ));
        }
        let rows = sqlx::query("SELECT agreement_number, COUNT(*) AS n FROM items WHERE agreement_number IS NOT NULL GROUP BY agreement_number HAVING COUNT(*) > 1").fetch_all(&mut *c).await?;
        for r in rows {
            let a: String = r.try_get("agreement_number")?;
            problems.push(format!(
                "R-AGR-02: agreement number {a} is used more than once"
            ));
        }
        let rows = sqlx::query(&format!("SELECT {ITEM_COLUMNS} FROM items ORDER BY id"))
            .fetch_all(&mut *c)
            .await?;
        for r in rows {
            let it = item_from_row(&r)?;
            let step = usize::try_from(it.step).unwrap_or(0);
            let known = match it.kind {
                ItemKind::Signing => SigningState::from_parts(&it.state, step).is_some(),
                ItemKind::Termination => TerminationState::from_parts(&it.state, step).is_some(),
                ItemKind::OfflineSigning => {
                    OfflineSigningState::from_parts(&it.state, step).is_some()
                }
                _ => RegistrationState::from_parts(&it.state, step).is_some(),
            };
            if !known {
                problems.push(format!(
                    "item {}: unknown state {} for {}",
                    it.id,
                    it.state,
                    it.kind.as_str()
                ));
            }
            // Frozen at signing (R-SIGN-07), or at the issue of an offline agreement (R-OFFSIGN-03).
            let frozen = match it.kind {
                ItemKind::Signing => matches!(it.state.as_str(), "signed" | "terminated"),
                ItemKind::OfflineSigning => OfflineSigningState::from_parts(&it.state, step)
                    .is_some_and(OfflineSigningState::is_issued),
                _ => false,
            };
            if frozen {
                match (&it.agreement_number, &it.snapshot, &it.snapshot_hash) {
                    (Some(_), Some(s), Some(h)) if &sha256_hex(s.as_bytes()) == h => {}
                    (Some(_), Some(_), Some(_)) => problems.push(format!(
                        "R-PDF-02: item {}: frozen snapshot no longer matches its hash",
                        it.id
                    )),
                    _ => problems.push(format!(
                        "R-SIGN-07: item {}: signed without number or snapshot",
                        it.id
                    )),
                }
            }
        }
        // R-UPLOAD-02: every file a record names has its bytes in the database.
        let referenced = crate::files::referenced_files(&mut c).await?;
        for (hash, owner) in crate::files::missing_files(&mut c, &referenced).await? {
            problems.push(format!(
                "R-UPLOAD-02: file {hash} named by {owner} is not stored"
            ));
        }
        Ok(CheckReport { chain, problems })
    }

    /// The current head of the history: seals what changed since the last seal and returns the
    /// newest seal's hash (admin or system, as [`Engine::check`]; R-AUDIT-04).
    pub async fn head_hash(&self, actor: &Actor) -> Result<String> {
        require_checker(actor)?;
        self.seal().await
    }

    /// R-AUDIT-04: seals the scope heads changed since the last seal into the chain of seals
    /// (the sweep and `check` call it); returns the newest seal's hash.
    pub(crate) async fn seal(&self) -> Result<String> {
        let mut tx = self.store.begin().await?;
        let sealed = audit::seal(&mut tx).await?;
        let head = match sealed {
            Some(h) => h,
            None => audit::sealed_head(tx.conn()).await?,
        };
        tx.commit().await?;
        Ok(head)
    }
}

fn require_checker(actor: &Actor) -> Result<()> {
    actor.require(matches!(actor.role, Role::SchoolAdmin | Role::System))
}
