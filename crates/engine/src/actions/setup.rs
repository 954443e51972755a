//! Setting up a school: the school itself, departments, cohorts and their module and review chain.

use crate::audit::Entry;
use crate::engine::{load_cohort, record, Cohort, Engine};
use crate::error::{DomainError, ErrorCode, Result};
use crate::time::{shanghai_time, Timestamp};
use crate::types::{parse_school_code, required_text, CohortYear};
use crate::workflow::module::{self, ModuleEvent, ModuleState};
use crate::workflow::{Actor, ReviewChain, Role};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// The longest invitation response window any cohort may allow, in days.
pub const MAX_INVITE_LIMIT_DAYS: i64 = 30;
/// 2000-01-01 00:00:00 Asia/Shanghai: the earliest change deadline a cohort may have.
const CHANGES_UNTIL_MIN: Timestamp = 946_656_000;
/// 2200-12-31 23:59:59 Asia/Shanghai: the latest change deadline a cohort may have.
const CHANGES_UNTIL_MAX: Timestamp = 7_289_625_599;

/// What `gradsign init` and the desktop's "set up a school" ask for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SchoolSetup {
    pub name: String,
    /// 5 digits, used in agreement numbers (R-AGR-02).
    pub code: String,
    /// The employment office's contact, shown to graduates whose info is wrong (R-INFO-02).
    pub contact: String,
    pub departments: Vec<String>,
    pub admin_login: String,
    pub admin_password: String,
    pub admin_name: String,
}

/// A cohort's settings as the admin sets them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CohortSettings {
    pub year: i64,
    pub chain: ReviewChain,
    /// The longest invitation response window, in days (1..=30).
    pub invite_limit_days: i64,
    /// R-RULES-03: graduates' changes need the school after this instant; None = 31 August
    /// 23:59:59 Asia/Shanghai of the cohort year.
    pub changes_until: Option<Timestamp>,
    /// The printed agreement's title; None keeps the national title.
    pub agreement_title: Option<String>,
}

/// A department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "DepartmentView"))]
#[cfg_attr(feature = "schema", schemars(rename = "DepartmentView"))]
pub struct Department {
    pub id: i64,
    pub name: String,
}

impl Engine {
    /// Creates the school, its departments and the first admin on an empty database.
    pub async fn init_school(&self, s: &SchoolSetup, now: Timestamp) -> Result<i64> {
        let name = required_text("school_name", "学校名称", &s.name, 100)?;
        let code = parse_school_code(&s.code)?;
        let contact = required_text("contact", "就业部门联系方式", &s.contact, 200)?;
        if s.departments.is_empty() {
            return Err(DomainError::field(
                "departments",
                "至少需要一个院系",
                "At least one department is required",
            ));
        }
        let mut deps = Vec::new();
        for d in &s.departments {
            let d = required_text("department", "院系名称", d, 50)?;
            if deps.contains(&d) {
                return Err(DomainError::field(
                    "department",
                    format!("院系“{d}”重复"),
                    "Duplicate department name",
                ));
            }
            deps.push(d);
        }
        let hash = crate::actions::accounts::hash_password_checked(&s.admin_password).await?;
        let admin_name = required_text("admin_name", "管理员姓名", &s.admin_name, 50)?;
        let login = crate::actions::accounts::parse_non_graduate_login(&s.admin_login)?;
        let mut tx = self.store.begin().await?;
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM school")
            .fetch_one(tx.conn())
            .await?
            .try_get("n")?;
        if n > 0 {
            return Err(DomainError::new(
                ErrorCode::Duplicate,
                "数据库中已有学校",
                "This database already holds a school",
            ));
        }
        sqlx::query(
            "INSERT INTO school (id, name, code, contact, created_at) VALUES (1, $1, $2, $3, $4)",
        )
        .bind(&name)
        .bind(&code)
        .bind(&contact)
        .bind(now)
        .execute(tx.conn())
        .await?;
        for d in &deps {
            sqlx::query("INSERT INTO departments (name) VALUES ($1)")
                .bind(d)
                .execute(tx.conn())
                .await?;
        }
        let admin_id: i64 = sqlx::query(
            "INSERT INTO accounts (login, role, display_name, password_hash, created_at) VALUES ($1, 'school_admin', $2, $3, $4) RETURNING id",
        )
        .bind(&login)
        .bind(&admin_name)
        .bind(&hash)
        .bind(now)
        .fetch_one(tx.conn())
        .await?
        .try_get("id")?;
        let actor = Actor {
            account_id: Some(admin_id),
            role: Role::SchoolAdmin,
            graduate_id: None,
            employer_id: None,
            department_id: None,
        };
        record(
            &mut tx,
            Entry {
                subject: "school".into(),
                item_id: None,
                actor: &actor,
                at: now,
                action: "init_school",
                level: "",
                from_state: "",
                to_state: "set_up",
                reason: "",
                changes: serde_json::json!({ "name": name, "code": code, "departments": deps, "admin": login }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(admin_id)
    }

    /// The departments, by id, for the admin and the reviewers' filters (R-AUTH-07): a
    /// department reviewer gets only their own department; graduates, employers and the system
    /// are refused (they never pick a department).
    pub async fn departments(&self, actor: &Actor) -> Result<Vec<Department>> {
        let only = match actor.role {
            Role::SchoolAdmin | Role::SchoolReviewer => None,
            Role::DepartmentReviewer => {
                Some(actor.department_id.ok_or_else(DomainError::forbidden)?)
            }
            _ => return Err(DomainError::forbidden()),
        };
        let all = self.all_departments().await?;
        Ok(match only {
            None => all,
            Some(d) => all.into_iter().filter(|x| x.id == d).collect(),
        })
    }

    /// Every department, for the engine itself (the demo school, imports).
    pub(crate) async fn all_departments(&self) -> Result<Vec<Department>> {
        let mut c = self.store.read().await?;
        let rows = sqlx::query("SELECT id, name FROM departments ORDER BY id")
            .fetch_all(&mut *c)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Department {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                })
            })
            .collect()
    }

    /// Adds a department (admin).
    pub async fn add_department(
        &self,
        actor: &Actor,
        name: &str,
        now: Timestamp,
    ) -> Result<Department> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        let name = required_text("department", "院系名称", name, 50)?;
        let mut tx = self.store.begin().await?;
        let id: i64 = sqlx::query("INSERT INTO departments (name) VALUES ($1) RETURNING id")
            .bind(&name)
            .fetch_one(tx.conn())
            .await?
            .try_get("id")?;
        record(
            &mut tx,
            Entry {
                subject: format!("department:{id}"),
                item_id: None,
                actor,
                at: now,
                action: "add_department",
                level: "",
                from_state: "",
                to_state: "active",
                reason: "",
                changes: serde_json::json!({ "name": name }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Department { id, name })
    }

    /// Creates or updates a cohort's settings (admin). A changed chain applies to later submissions.
    pub async fn configure_cohort(
        &self,
        actor: &Actor,
        s: &CohortSettings,
        now: Timestamp,
    ) -> Result<Cohort> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        let year = CohortYear::parse(s.year)?.get();
        if !(1..=MAX_INVITE_LIMIT_DAYS).contains(&s.invite_limit_days) {
            return Err(DomainError::field(
                "invite_limit_days",
                format!("邀请应约期限应为1至{MAX_INVITE_LIMIT_DAYS}天"),
                format!("The invitation limit must be 1 to {MAX_INVITE_LIMIT_DAYS} days"),
            ));
        }
        let y = i32::try_from(year).unwrap_or(2026);
        let changes_until = match s.changes_until {
            None => shanghai_time(y, 8, 31, 23, 59, 59),
            // R-INPUT-01: an instant every screen can show and every comparison can use.
            Some(t) if (CHANGES_UNTIL_MIN..=CHANGES_UNTIL_MAX).contains(&t) => t,
            Some(_) => {
                return Err(DomainError::field(
                    "changes_until",
                    "去向变更截止时间应在2000年至2200年之间",
                    "The change deadline must lie between the years 2000 and 2200",
                ))
            }
        };
        let title = match &s.agreement_title {
            Some(t) => required_text("agreement_title", "协议书标题", t, 60)?,
            None => crate::reference::lists().agreement_title.clone(),
        };
        let mut tx = self.store.begin().await?;
        let existing = load_cohort(tx.conn(), year).await.ok();
        if existing.is_some() {
            sqlx::query("UPDATE cohorts SET chain = $1, invite_limit_days = $2, changes_until = $3, agreement_title = $4, version = version + 1 WHERE year = $5")
                .bind(s.chain.as_str())
                .bind(s.invite_limit_days)
                .bind(changes_until)
                .bind(&title)
                .bind(year)
                .execute(tx.conn())
                .await?;
        } else {
            sqlx::query("INSERT INTO cohorts (year, module_open, chain, invite_limit_days, changes_until, agreement_title, version) VALUES ($1, 0, $2, $3, $4, $5, 0)")
                .bind(year)
                .bind(s.chain.as_str())
                .bind(s.invite_limit_days)
                .bind(changes_until)
                .bind(&title)
                .execute(tx.conn())
                .await?;
        }
        record(
            &mut tx,
            Entry {
                subject: format!("cohort:{year}"),
                item_id: None,
                actor,
                at: now,
                action: "configure_cohort",
                level: "",
                from_state: if existing.is_some() { "configured" } else { "" },
                to_state: "configured",
                reason: "",
                changes: serde_json::json!({
                    "before": existing.as_ref().map(|c| serde_json::json!({"chain": c.chain, "invite_limit_days": c.invite_limit_days, "changes_until": c.changes_until, "agreement_title": c.agreement_title})),
                    "after": {"chain": s.chain, "invite_limit_days": s.invite_limit_days, "changes_until": changes_until, "agreement_title": title}
                }),
            },
        )
        .await?;
        let cohort = load_cohort(tx.conn(), year).await?;
        tx.commit().await?;
        Ok(cohort)
    }

    /// R-MOD-01: opens or closes the module for a cohort (admin).
    pub async fn set_module(
        &self,
        actor: &Actor,
        year: i64,
        open: bool,
        now: Timestamp,
    ) -> Result<Cohort> {
        let mut tx = self.store.begin().await?;
        let cohort = load_cohort(tx.conn(), year).await?;
        let state = if cohort.module_open {
            ModuleState::Open
        } else {
            ModuleState::Closed
        };
        let next = module::transition(
            state,
            if open {
                ModuleEvent::Open
            } else {
                ModuleEvent::Close
            },
            actor,
        )?;
        let done = sqlx::query("UPDATE cohorts SET module_open = $1, version = version + 1 WHERE year = $2 AND version = $3")
            .bind(i64::from(next == ModuleState::Open))
            .bind(year)
            .bind(cohort.version)
            .execute(tx.conn())
            .await?;
        if done.rows_affected() != 1 {
            return Err(DomainError::already_reviewed());
        }
        let name = |s: ModuleState| {
            if s == ModuleState::Open {
                "open"
            } else {
                "closed"
            }
        };
        record(
            &mut tx,
            Entry {
                subject: format!("cohort:{year}"),
                item_id: None,
                actor,
                at: now,
                action: if open { "open_module" } else { "close_module" },
                level: "",
                from_state: name(state),
                to_state: name(next),
                reason: "",
                changes: serde_json::Value::Null,
            },
        )
        .await?;
        let cohort = load_cohort(tx.conn(), year).await?;
        tx.commit().await?;
        Ok(cohort)
    }

    /// A cohort's settings ([`Engine::cohorts`] says who may read them).
    pub async fn cohort(&self, actor: &Actor, year: i64) -> Result<Cohort> {
        require_cohort_reader(actor)?;
        let mut c = self.store.read().await?;
        load_cohort(&mut c, year).await
    }

    /// All cohorts, newest first (R-AUTH-07): for the admin, the reviewers (statistics and queue
    /// filters) and employers (an invitation's window is bounded by its cohort's limit);
    /// graduates read their own cohort through their portal.
    pub async fn cohorts(&self, actor: &Actor) -> Result<Vec<Cohort>> {
        require_cohort_reader(actor)?;
        let mut c = self.store.read().await?;
        let years: Vec<i64> = sqlx::query("SELECT year FROM cohorts ORDER BY year DESC")
            .fetch_all(&mut *c)
            .await?
            .iter()
            .map(|r| r.try_get("year"))
            .collect::<std::result::Result<_, _>>()?;
        let mut out = Vec::new();
        for y in years {
            out.push(load_cohort(&mut c, y).await?);
        }
        Ok(out)
    }
}

/// Who reads cohort settings (R-AUTH-07).
fn require_cohort_reader(actor: &Actor) -> Result<()> {
    actor.require(matches!(
        actor.role,
        Role::SchoolAdmin | Role::SchoolReviewer | Role::DepartmentReviewer | Role::Employer
    ))
}
