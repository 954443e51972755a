//! R-MOD-04: which graduate records of different cohorts are the same person. The ID number
//! alone is not enough: one typo in an import would show a stranger's records to a graduate.
//! Two records are the same person when their ID numbers and their names agree, or when the
//! school admin confirmed the link between them (a record of who and when, in the history).

use crate::audit::Entry;
use crate::engine::{load_graduate, record, Engine, Graduate};
use crate::error::{DomainError, Result};
use crate::time::Timestamp;
use crate::types::mask_id;
use crate::workflow::{Actor, Role};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

/// One record of a pair the admin may link: enough to tell the two apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct LinkedRecord {
    pub id: i64,
    pub cohort: i64,
    pub name: String,
    pub student_number: String,
    pub department: String,
}

/// Two records sharing an ID number under different names (R-MOD-04): the same person only
/// once the admin confirms it (`confirmed_at`, `confirmed_by`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PersonLinkCandidate {
    /// The shared ID number, masked as in every list.
    pub id_number: String,
    /// The record with the smaller id.
    pub first: LinkedRecord,
    pub second: LinkedRecord,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub confirmed_at: Option<Timestamp>,
    pub confirmed_by: Option<String>,
}

/// Whether `a` and `b` are the same person (R-MOD-04): one record, or the same ID number and the
/// same name, or a link the admin confirmed.
pub(crate) async fn same_person(c: &mut AnyConnection, a: &Graduate, b: &Graduate) -> Result<bool> {
    if a.id == b.id {
        return Ok(true);
    }
    if a.id_number != b.id_number {
        return Ok(false);
    }
    if a.name == b.name {
        return Ok(true);
    }
    let (low, high) = (a.id.min(b.id), a.id.max(b.id));
    Ok(
        sqlx::query("SELECT 1 AS one FROM person_links WHERE graduate_id = $1 AND other_id = $2")
            .bind(low)
            .bind(high)
            .fetch_optional(c)
            .await?
            .is_some(),
    )
}

/// The ids and cohorts of every record that is the same person as `g` (itself included), the
/// latest cohort first.
pub(crate) async fn records_of_person(
    c: &mut AnyConnection,
    g: &Graduate,
) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query(
        "SELECT g.cohort, g.id FROM graduates g WHERE g.id = $1 OR (g.id_number = $2 AND (g.name = $3 \
         OR EXISTS (SELECT 1 FROM person_links l WHERE (l.graduate_id = $1 AND l.other_id = g.id) \
         OR (l.graduate_id = g.id AND l.other_id = $1)))) ORDER BY g.cohort DESC",
    )
    .bind(g.id)
    .bind(&g.id_number)
    .bind(&g.name)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("cohort")?, r.try_get("id")?)))
        .collect()
}

fn linked_record(r: &sqlx::any::AnyRow, prefix: &str) -> Result<LinkedRecord> {
    Ok(LinkedRecord {
        id: r.try_get(format!("{prefix}_id").as_str())?,
        cohort: r.try_get(format!("{prefix}_cohort").as_str())?,
        name: r.try_get(format!("{prefix}_name").as_str())?,
        student_number: r.try_get(format!("{prefix}_student_number").as_str())?,
        department: r.try_get(format!("{prefix}_department").as_str())?,
    })
}

impl Engine {
    /// R-MOD-04: the pairs of records sharing an ID number under different names, confirmed or
    /// not, for the admin to look at (the oldest first).
    pub async fn person_link_candidates(&self, actor: &Actor) -> Result<Vec<PersonLinkCandidate>> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        let mut c = self.store.read().await?;
        let rows = sqlx::query(
            "SELECT a.id_number, \
             a.id AS a_id, a.cohort AS a_cohort, a.name AS a_name, a.student_number AS a_student_number, da.name AS a_department, \
             b.id AS b_id, b.cohort AS b_cohort, b.name AS b_name, b.student_number AS b_student_number, db.name AS b_department, \
             l.confirmed_at, acc.display_name AS confirmed_by \
             FROM graduates a JOIN graduates b ON b.id_number = a.id_number AND b.id > a.id AND b.name <> a.name \
             JOIN departments da ON da.id = a.department_id JOIN departments db ON db.id = b.department_id \
             LEFT JOIN person_links l ON l.graduate_id = a.id AND l.other_id = b.id \
             LEFT JOIN accounts acc ON acc.id = l.confirmed_by \
             ORDER BY a.id, b.id",
        )
        .fetch_all(&mut *c)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PersonLinkCandidate {
                    id_number: mask_id(&r.try_get::<String, _>("id_number")?),
                    first: linked_record(r, "a")?,
                    second: linked_record(r, "b")?,
                    confirmed_at: r.try_get("confirmed_at")?,
                    confirmed_by: r.try_get("confirmed_by")?,
                })
            })
            .collect()
    }

    /// R-MOD-04: the admin confirms (`linked`) or takes back that two records sharing an ID
    /// number under different names are the same person. Recorded in the history of the older
    /// record; confirming twice, or taking back what was never confirmed, changes nothing.
    pub async fn set_person_link(
        &self,
        actor: &Actor,
        graduate_id: i64,
        other_id: i64,
        linked: bool,
        now: Timestamp,
    ) -> Result<()> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        let mut tx = self.store.begin().await?;
        let a = load_graduate(tx.conn(), graduate_id).await?;
        let b = load_graduate(tx.conn(), other_id).await?;
        if a.id == b.id || a.id_number != b.id_number {
            return Err(DomainError::field(
                "otherId",
                "只能关联身份证号相同的两条不同记录",
                "Only two different records with the same ID number can be linked",
            ));
        }
        if a.name == b.name {
            return Err(DomainError::field(
                "otherId",
                "两条记录的身份证号和姓名都相同，已视为同一人，无需确认",
                "The two records share ID number and name: they are the same person already",
            ));
        }
        let (low, high) = (a.id.min(b.id), a.id.max(b.id));
        let changed = if linked {
            sqlx::query(
                "INSERT INTO person_links (graduate_id, other_id, confirmed_by, confirmed_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (graduate_id, other_id) DO NOTHING",
            )
            .bind(low)
            .bind(high)
            .bind(actor.account_id)
            .bind(now)
            .execute(tx.conn())
            .await?
        } else {
            sqlx::query("DELETE FROM person_links WHERE graduate_id = $1 AND other_id = $2")
                .bind(low)
                .bind(high)
                .execute(tx.conn())
                .await?
        };
        if changed.rows_affected() == 0 {
            return Ok(());
        }
        record(
            &mut tx,
            Entry {
                subject: format!("graduate:{low}"),
                item_id: None,
                actor,
                at: now,
                action: if linked {
                    "confirm_person_link"
                } else {
                    "remove_person_link"
                },
                level: "",
                from_state: "",
                to_state: "",
                reason: "",
                changes: serde_json::json!({ "other": high }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
