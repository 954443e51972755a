//! The graduate's own page (R-INFO-01..02, R-MOD-01..02, R-ONE-01): their basic info, the
//! cohort's module, the school's contact for wrong info, their cohort records, where they stand
//! now and, when they may not act, why. One read, so the desktop's home screen asks once.

use crate::engine::{load_cohort, load_graduate, standing, Cohort, Engine, Graduate, ITEM_COLUMNS};
use crate::error::{DomainError, Result};
use crate::queries::ItemView;
use crate::time::Timestamp;
use crate::workflow::{Actor, Role};
use serde::Serialize;
use sqlx::Row;

/// One cohort record of the same person (R-MOD-02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "CohortRecordView"))]
#[cfg_attr(feature = "schema", schemars(rename = "CohortRecordView"))]
#[serde(rename_all = "camelCase")]
pub struct CohortRecord {
    pub cohort: i64,
    pub graduate_id: i64,
    /// The signed-in record; the others are read-only.
    pub current: bool,
}

/// What the graduate's home screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GraduatePortal {
    /// The record shown (the signed-in one, or an earlier cohort's).
    pub graduate: Graduate,
    pub cohort: Cohort,
    pub school_name: String,
    /// The employment office's contact, for wrong basic info (R-INFO-02).
    pub school_contact: String,
    pub cohorts: Vec<CohortRecord>,
    /// Whether the record shown is an earlier cohort's (read-only, R-MOD-02).
    pub read_only: bool,
    /// The effective or pending destination (R-ONE-01), newest first when several are listed.
    pub current: Option<ItemView>,
    /// Why the graduate may not act now (info not confirmed, module closed, read-only cohort,
    /// change deadline passed); `None` when they may.
    pub blocked: Option<DomainError>,
}

impl Engine {
    /// The signed-in graduate's page, or (R-MOD-02) the same person's record of another cohort.
    pub async fn graduate_portal(
        &self,
        actor: &Actor,
        graduate_id: Option<i64>,
        now: Timestamp,
    ) -> Result<GraduatePortal> {
        let own = actor
            .graduate_id
            .filter(|_| actor.role == Role::Graduate)
            .ok_or_else(DomainError::forbidden)?;
        let shown = graduate_id.unwrap_or(own);
        // The same visibility as every other read: the graduate's own records, any cohort.
        let graduate = self.graduate(actor, shown).await?;
        let cohorts = self
            .my_cohorts(actor)
            .await?
            .into_iter()
            .map(|(cohort, graduate_id)| CohortRecord {
                cohort,
                graduate_id,
                current: graduate_id == own,
            })
            .collect();
        let mut c = self.store.read().await?;
        let cohort = load_cohort(&mut c, graduate.cohort).await?;
        let school = sqlx::query("SELECT name, contact FROM school WHERE id = 1")
            .fetch_optional(&mut *c)
            .await?;
        let (school_name, school_contact) = match school {
            Some(r) => (r.try_get("name")?, r.try_get("contact")?),
            None => (String::new(), String::new()),
        };
        let g = load_graduate(&mut c, shown).await?;
        let blocked = standing(&mut c, &g, actor, None, now)
            .await?
            .require_can_act()
            .err();
        let row = sqlx::query(&format!(
            "SELECT {ITEM_COLUMNS} FROM items WHERE graduate_id = $1 AND {} ORDER BY id DESC LIMIT 1",
            crate::model::active_destination_sql("")
        ))
        .bind(shown)
        .fetch_optional(&mut *c)
        .await?;
        drop(c);
        let current = match row {
            Some(r) => {
                let id: i64 = r.try_get("id")?;
                Some(self.item_detail(actor, id, now).await?.item)
            }
            None => None,
        };
        Ok(GraduatePortal {
            graduate,
            cohort,
            school_name,
            school_contact,
            cohorts,
            read_only: shown != own,
            current,
            blocked,
        })
    }
}
