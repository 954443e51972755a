//! The school admin's housekeeping: departments renamed and merged (R-DEP-01), accounts and
//! employers disabled and enabled (R-ACC-01), the "keep original scans" setting (R-SCAN-03), the
//! graduates list, and what a fix of basic info would do before it is saved (R-DEST-05).

use crate::audit::Entry;
use crate::engine::{load_graduate, record, Engine, Graduate, GRADUATE_SELECT};
use crate::error::{DomainError, Result};
use crate::export::GraduateQuery;
use crate::time::Timestamp;
use crate::types::required_text;
use crate::workflow::{Actor, Role};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::BTreeMap;

use super::graduates::GraduateFix;
use super::setup::Department;

/// The settings key of R-SCAN-03.
const KEEP_ORIGINALS: &str = "keep_original_scans";

/// What a merge moved (R-DEP-01).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "MergeOutcome"))]
#[cfg_attr(feature = "schema", schemars(rename = "MergeOutcome"))]
pub struct MergeReport {
    pub graduates: i64,
    pub items: i64,
    pub accounts: i64,
}

/// An employer as the admin's accounts screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "EmployerRow"))]
#[cfg_attr(feature = "schema", schemars(rename = "EmployerRow"))]
#[serde(rename_all = "camelCase")]
pub struct EmployerView {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub nature: String,
    pub industry: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub approved: bool,
    pub disabled: bool,
    pub staff: i64,
    pub created_at: Timestamp,
}

/// An invitation a fix would withdraw (R-DEST-05).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "AffectedItemView"))]
#[cfg_attr(feature = "schema", schemars(rename = "AffectedItemView"))]
#[serde(rename_all = "camelCase")]
pub struct AffectedItem {
    pub id: i64,
    pub kind: String,
    pub state: String,
    pub employer_name: Option<String>,
}

/// What saving a fix would do, shown before saving: the changed fields (before, after) and, for a
/// change of training mode to 定向/委培, the pending invitations withdrawn and the effective
/// destinations left as they are (R-DEST-05).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "FixPreviewView"))]
#[cfg_attr(feature = "schema", schemars(rename = "FixPreviewView"))]
#[serde(rename_all = "camelCase")]
pub struct FixPreview {
    pub changes: BTreeMap<String, (String, String)>,
    pub becomes_directed: bool,
    pub withdrawn_invitations: Vec<AffectedItem>,
    pub effective_kept: Vec<AffectedItem>,
}

fn admin_only(actor: &Actor) -> Result<()> {
    actor.require(actor.role == Role::SchoolAdmin)
}

async fn department_exists(c: &mut sqlx::AnyConnection, id: i64, field: &str) -> Result<String> {
    let row = sqlx::query("SELECT name FROM departments WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await?;
    match row {
        Some(r) => Ok(r.try_get("name")?),
        None => Err(DomainError::field(
            field,
            "院系不存在",
            "Unknown department",
        )),
    }
}

impl Engine {
    /// R-DEP-01: renames a department (admin). Frozen agreement snapshots keep the old name.
    pub async fn rename_department(
        &self,
        actor: &Actor,
        id: i64,
        name: &str,
        now: Timestamp,
    ) -> Result<Department> {
        admin_only(actor)?;
        let name = required_text("department", "院系名称", name, 50)?;
        let mut tx = self.store.begin().await?;
        let before = department_exists(tx.conn(), id, "department_id").await?;
        if before == name {
            return Err(DomainError::field(
                "department",
                "新名称与原名称相同",
                "The new name is the same as the old one",
            ));
        }
        if sqlx::query("SELECT id FROM departments WHERE name = $1 AND id <> $2")
            .bind(&name)
            .bind(id)
            .fetch_optional(tx.conn())
            .await?
            .is_some()
        {
            return Err(DomainError::field(
                "department",
                format!("已有名为“{name}”的院系；要合并请用“合并”"),
                "A department with this name exists; use merge to join them",
            ));
        }
        sqlx::query("UPDATE departments SET name = $1 WHERE id = $2")
            .bind(&name)
            .bind(id)
            .execute(tx.conn())
            .await?;
        record(
            &mut tx,
            Entry {
                subject: format!("department:{id}"),
                item_id: None,
                actor,
                at: now,
                action: "rename_department",
                level: "",
                from_state: "active",
                to_state: "active",
                reason: "",
                changes: serde_json::json!({ "before": before, "after": name }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Department { id, name })
    }

    /// R-DEP-01: merges department `from` into `into` (admin): its graduates, their items and its
    /// department reviewers move to `into`, then `from` is removed. Nothing may be left pointing at
    /// `from`; if anything would be, the merge is refused and nothing changes.
    pub async fn merge_departments(
        &self,
        actor: &Actor,
        from: i64,
        into: i64,
        now: Timestamp,
    ) -> Result<MergeReport> {
        admin_only(actor)?;
        if from == into {
            return Err(DomainError::field(
                "into",
                "不能把院系合并到它自己",
                "A department cannot be merged into itself",
            ));
        }
        let mut tx = self.store.begin().await?;
        let from_name = department_exists(tx.conn(), from, "from").await?;
        let into_name = department_exists(tx.conn(), into, "into").await?;
        let mut report = MergeReport::default();
        for (table, n) in [
            ("graduates", &mut report.graduates),
            ("items", &mut report.items),
            ("accounts", &mut report.accounts),
        ] {
            *n = sqlx::query(&format!(
                "UPDATE {table} SET department_id = $1 WHERE department_id = $2"
            ))
            .bind(into)
            .bind(from)
            .execute(tx.conn())
            .await?
            .rows_affected() as i64;
        }
        // The safety net: count every reference again before the department goes.
        let left: i64 = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM graduates WHERE department_id = $1) + (SELECT COUNT(*) FROM items WHERE department_id = $1) + (SELECT COUNT(*) FROM accounts WHERE department_id = $1) AS n",
        )
        .bind(from)
        .fetch_one(tx.conn())
        .await?
        .try_get("n")?;
        if left != 0 {
            return Err(DomainError::field(
                "from",
                "合并后仍有记录指向原院系，已取消合并",
                "Records would still point at the merged department; nothing was changed",
            ));
        }
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM departments")
            .fetch_one(tx.conn())
            .await?
            .try_get("n")?;
        if total < 2 {
            return Err(DomainError::field(
                "from",
                "至少保留一个院系",
                "At least one department must remain",
            ));
        }
        sqlx::query("DELETE FROM departments WHERE id = $1")
            .bind(from)
            .execute(tx.conn())
            .await?;
        record(
            &mut tx,
            Entry {
                subject: format!("department:{from}"),
                item_id: None,
                actor,
                at: now,
                action: "merge_department",
                level: "",
                from_state: "active",
                to_state: "merged",
                reason: "",
                changes: serde_json::json!({
                    "from": {"id": from, "name": from_name},
                    "into": {"id": into, "name": into_name},
                    "moved": report,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// R-ACC-01: disables or enables an account (admin). A disabled account's sessions end. The
    /// admin cannot disable their own account, so the school always keeps an admin.
    pub async fn set_account_disabled(
        &self,
        actor: &Actor,
        account_id: i64,
        disabled: bool,
        now: Timestamp,
    ) -> Result<()> {
        admin_only(actor)?;
        if disabled && actor.account_id == Some(account_id) {
            return Err(DomainError::field(
                "account_id",
                "不能停用自己的账号",
                "You cannot disable your own account",
            ));
        }
        let mut tx = self.store.begin().await?;
        let row = sqlx::query("SELECT disabled FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_optional(tx.conn())
            .await?;
        let Some(row) = row else {
            return Err(DomainError::not_found("账号", "Account"));
        };
        let before: i64 = row.try_get("disabled")?;
        if (before != 0) == disabled {
            return Err(DomainError::invalid_state(if disabled {
                "disabled"
            } else {
                "active"
            }));
        }
        sqlx::query("UPDATE accounts SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(account_id)
            .execute(tx.conn())
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(account_id)
                .execute(tx.conn())
                .await?;
        }
        let state = |d: bool| if d { "disabled" } else { "active" };
        record(
            &mut tx,
            Entry {
                subject: format!("account:{account_id}"),
                item_id: None,
                actor,
                at: now,
                action: if disabled {
                    "disable_account"
                } else {
                    "enable_account"
                },
                level: "",
                from_state: state(before != 0),
                to_state: state(disabled),
                reason: "",
                changes: serde_json::Value::Null,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// R-ACC-01: disables or enables an employer (admin): a disabled employer cannot invite
    /// (R-AUTH-03's check); its records stay as they are.
    pub async fn set_employer_disabled(
        &self,
        actor: &Actor,
        employer_id: i64,
        disabled: bool,
        now: Timestamp,
    ) -> Result<()> {
        admin_only(actor)?;
        let mut tx = self.store.begin().await?;
        let done =
            sqlx::query("UPDATE employers SET disabled = $1 WHERE id = $2 AND disabled <> $1")
                .bind(i64::from(disabled))
                .bind(employer_id)
                .execute(tx.conn())
                .await?;
        if done.rows_affected() != 1 {
            let exists = sqlx::query("SELECT id FROM employers WHERE id = $1")
                .bind(employer_id)
                .fetch_optional(tx.conn())
                .await?
                .is_some();
            return Err(if exists {
                DomainError::invalid_state(if disabled { "disabled" } else { "active" })
            } else {
                DomainError::not_found("单位", "Employer")
            });
        }
        let state = |d: bool| if d { "disabled" } else { "active" };
        record(
            &mut tx,
            Entry {
                subject: format!("employer:{employer_id}"),
                item_id: None,
                actor,
                at: now,
                action: if disabled {
                    "disable_employer"
                } else {
                    "enable_employer"
                },
                level: "",
                from_state: state(!disabled),
                to_state: state(disabled),
                reason: "",
                changes: serde_json::Value::Null,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every employer with its approval and staff count (admin), sign-ups awaiting approval first.
    pub async fn employers(&self, actor: &Actor) -> Result<Vec<EmployerView>> {
        admin_only(actor)?;
        let mut c = self.store.read().await?;
        let rows = sqlx::query(
            "SELECT e.id, e.name, e.credit_code, e.nature, e.industry, e.contact_person, e.contact_phone, e.approved, e.disabled, e.created_at, \
             (SELECT COUNT(*) FROM accounts a WHERE a.employer_id = e.id) AS staff FROM employers e ORDER BY e.approved, e.id",
        )
        .fetch_all(&mut *c)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(EmployerView {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    credit_code: r.try_get("credit_code")?,
                    nature: r.try_get("nature")?,
                    industry: r.try_get("industry")?,
                    contact_person: r.try_get("contact_person")?,
                    contact_phone: r.try_get("contact_phone")?,
                    approved: r.try_get::<i64, _>("approved")? != 0,
                    disabled: r.try_get::<i64, _>("disabled")? != 0,
                    staff: r.try_get("staff")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// R-SCAN-03: whether uploads also keep the original bytes (off unless the school asks);
    /// the admin's settings screen (R-AUTH-07).
    pub async fn keep_original_scans(&self, actor: &Actor) -> Result<bool> {
        admin_only(actor)?;
        self.keeps_original_scans().await
    }

    /// [`Engine::keep_original_scans`] for the engine itself (every upload reads it).
    pub(crate) async fn keeps_original_scans(&self) -> Result<bool> {
        let mut c = self.store.read().await?;
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(KEEP_ORIGINALS)
            .fetch_optional(&mut *c)
            .await?;
        Ok(match row {
            Some(r) => r.try_get::<String, _>("value")? == "1",
            None => false,
        })
    }

    /// R-SCAN-03: the admin turns keeping original scans on or off (later uploads follow it).
    pub async fn set_keep_original_scans(
        &self,
        actor: &Actor,
        keep: bool,
        now: Timestamp,
    ) -> Result<()> {
        admin_only(actor)?;
        let before = self.keeps_original_scans().await?;
        let mut tx = self.store.begin().await?;
        sqlx::query("DELETE FROM settings WHERE key = $1")
            .bind(KEEP_ORIGINALS)
            .execute(tx.conn())
            .await?;
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)")
            .bind(KEEP_ORIGINALS)
            .bind(if keep { "1" } else { "0" })
            .execute(tx.conn())
            .await?;
        let s = |k: bool| if k { "keep" } else { "discard" };
        record(
            &mut tx,
            Entry {
                subject: format!("settings:{KEEP_ORIGINALS}"),
                item_id: None,
                actor,
                at: now,
                action: "set_keep_original_scans",
                level: "",
                from_state: s(before),
                to_state: s(keep),
                reason: "",
                changes: serde_json::Value::Null,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A cohort's graduates in the actor's scope (admin: full ID numbers; reviewers: masked;
    /// department reviewers: their department), by student number, at most `limit`.
    pub async fn list_graduates(
        &self,
        actor: &Actor,
        q: &GraduateQuery,
        limit: usize,
    ) -> Result<Vec<Graduate>> {
        let dep = match actor.role {
            Role::SchoolAdmin | Role::SchoolReviewer => q.department_id.unwrap_or(-1),
            Role::DepartmentReviewer => actor.department_id.unwrap_or(-2),
            _ => return Err(DomainError::forbidden()),
        };
        let text = q.text.as_deref().unwrap_or("").trim().to_string();
        let like = format!("%{}%", text.replace(['%', '_'], ""));
        let prefix = format!("{}%", text.replace(['%', '_'], ""));
        let mut c = self.store.read().await?;
        let rows = sqlx::query(&format!(
            "{GRADUATE_SELECT} WHERE g.cohort = $1 AND ($2 = -1 OR g.department_id = $2) AND ($3 = '' OR g.major = $3) AND ($4 = '' OR g.education_level = $4) \
             AND ($5 = '' OR g.name LIKE $6 OR g.student_number LIKE $7) ORDER BY g.student_number LIMIT $8"
        ))
        .bind(q.cohort)
        .bind(dep)
        .bind(q.major.clone().unwrap_or_default())
        .bind(q.education_level.clone().unwrap_or_default())
        .bind(&text)
        .bind(&like)
        .bind(&prefix)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&mut *c)
        .await?;
        rows.iter()
            .map(|r| {
                let g = crate::engine::graduate_from_row(r)?;
                Ok(if actor.role == Role::SchoolAdmin {
                    g
                } else {
                    g.masked()
                })
            })
            .collect()
    }

    /// R-DEST-05 shown before saving: what `fix_graduate` with this fix would change. Nothing is
    /// written; the fix itself validates again when saved.
    pub async fn preview_fix(
        &self,
        actor: &Actor,
        graduate_id: i64,
        fix: &GraduateFix,
    ) -> Result<FixPreview> {
        admin_only(actor)?;
        let mut c = self.store.read().await?;
        let g = load_graduate(&mut c, graduate_id).await?;
        let mut changes = BTreeMap::new();
        let mut diff = |field: &str, new: &Option<String>, cur: &str| {
            if let Some(v) = new {
                if v.trim() != cur {
                    changes.insert(field.to_string(), (cur.to_string(), v.trim().to_string()));
                }
            }
        };
        diff("name", &fix.name, &g.name);
        diff("gender", &fix.gender, &g.gender);
        diff("id_number", &fix.id_number, &g.id_number);
        diff("education_level", &fix.education_level, &g.education_level);
        diff("major", &fix.major, &g.major);
        diff("training_mode", &fix.training_mode, &g.training_mode);
        diff("directed_unit", &fix.directed_unit, &g.directed_unit);
        diff("origin", &fix.origin, &g.origin);
        diff("phone", &fix.phone, &g.phone);
        diff("email", &fix.email, &g.email);
        if let Some(d) = fix.department_id.filter(|d| *d != g.department_id) {
            let name = department_exists(&mut c, d, "department_id").await?;
            changes.insert("department".into(), (g.department.clone(), name));
        }
        let becomes_directed = !g.is_directed()
            && fix
                .training_mode
                .as_deref()
                .is_some_and(|m| m.trim() != "非定向");
        let mut out = FixPreview {
            changes,
            becomes_directed,
            ..FixPreview::default()
        };
        if becomes_directed {
            let rows = sqlx::query(&format!(
                "SELECT i.id, i.kind, i.state, e.name AS employer_name FROM items i LEFT JOIN employers e ON e.id = i.employer_id \
                 WHERE i.graduate_id = $1 AND ((i.kind = 'signing' AND i.state = 'pending') OR {}) ORDER BY i.id",
                crate::model::active_destination_sql("i.")
            ))
            .bind(g.id)
            .fetch_all(&mut *c)
            .await?;
            for r in rows {
                let a = AffectedItem {
                    id: r.try_get("id")?,
                    kind: r.try_get("kind")?,
                    state: r.try_get("state")?,
                    employer_name: r.try_get("employer_name")?,
                };
                if a.kind == "signing" && a.state == "pending" {
                    out.withdrawn_invitations.push(a);
                } else {
                    out.effective_kept.push(a);
                }
            }
        }
        Ok(out)
    }
}
