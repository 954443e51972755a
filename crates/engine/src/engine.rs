//! The engine: every action takes the actor and `now`, reads what the rules need inside one write
//! transaction, runs the workflow's pure transition, and writes state, one history entry and the
//! messages in that same transaction with a conditional update (`WHERE id = ? AND version = ?`).

use crate::audit::{self, Entry};
use crate::error::{DomainError, ErrorCode, Result};
use crate::model::ItemKind;
use crate::store::{Store, Tx};
use crate::time::Timestamp;
use crate::types::mask_id;
use crate::workflow::{ActiveDestination, Actor, GraduateStanding, ReviewChain, Role};
use rand::{rngs::StdRng, RngCore, SeedableRng};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The workflow engine over one database (uploaded files included, R-UPLOAD-02).
#[derive(Debug)]
pub struct Engine {
    pub(crate) store: Store,
    /// Where an earlier version kept uploaded files; copied into the database at open.
    pub(crate) files_dir: PathBuf,
    rng: Mutex<StdRng>,
}

/// Options for opening an engine.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Connections in the pool (at least 1).
    pub max_connections: u32,
    /// A fixed seed for tokens and codes (tests); None uses the OS's entropy.
    pub seed: Option<u64>,
    /// Where a SQLite database is copied (`VACUUM INTO`) before a migration changes it; None
    /// migrates without a copy (the CLI, whose operators run `gradsign backup` themselves).
    pub backup_dir: Option<PathBuf>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            max_connections: 8,
            seed: None,
            backup_dir: None,
        }
    }
}

impl Engine {
    /// Opens `db` (a SQLite path or a `postgres://` URL) and migrates it. Uploaded files live in
    /// the database; `files_dir` is the folder an earlier version kept them in, whose files are
    /// copied in at the first open (R-UPLOAD-02; it may not exist).
    pub async fn open(db: &str, files_dir: impl Into<PathBuf>) -> Result<Engine> {
        Engine::open_with(db, files_dir, EngineOptions::default()).await
    }

    pub async fn open_with(
        db: &str,
        files_dir: impl Into<PathBuf>,
        opts: EngineOptions,
    ) -> Result<Engine> {
        let store = Store::connect(db, opts.max_connections.max(1)).await?;
        if let Some(dir) = &opts.backup_dir {
            store.backup_before_migrating(dir).await?;
        }
        store.migrate().await?;
        let files_dir: PathBuf = files_dir.into();
        crate::files::import_files_folder(&store, &files_dir).await?;
        let rng = match opts.seed {
            Some(s) => StdRng::seed_from_u64(s),
            None => StdRng::from_entropy(),
        };
        Ok(Engine {
            store,
            files_dir,
            rng: Mutex::new(rng),
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The folder an earlier version kept uploaded files in (read at open, never written).
    pub fn files_dir(&self) -> &Path {
        &self.files_dir
    }

    pub(crate) fn random_bytes(&self, out: &mut [u8]) {
        match self.rng.lock() {
            Ok(mut r) => r.fill_bytes(out),
            Err(poisoned) => poisoned.into_inner().fill_bytes(out),
        }
    }

    /// The school's name, none before the set-up. Public, as on every sign-in page: a desktop
    /// connecting to a school's server shows it before anyone signs in.
    pub async fn school_name(&self) -> Result<Option<String>> {
        let mut c = self.store.read().await?;
        match school(&mut c).await {
            Ok((name, _)) => Ok(Some(name)),
            Err(e) if e.code == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether the database holds no school yet (first start offers the demo or a set-up).
    pub async fn is_empty(&self) -> Result<bool> {
        let mut c = self.store.read().await?;
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM school")
            .fetch_one(&mut *c)
            .await?
            .try_get("n")?;
        Ok(n == 0)
    }
}

// ---------------------------------------------------------------------------------------------
// Rows the actions work on.

/// A stored item row.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub id: i64,
    pub kind: ItemKind,
    pub graduate_id: i64,
    pub employer_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub state: String,
    pub step: i64,
    pub chain: ReviewChain,
    pub version: i64,
    pub cohort: i64,
    pub department_id: i64,
    pub major: String,
    pub education_level: String,
    pub dest_code: String,
    pub deadline: Option<i64>,
    pub reminded: i64,
    pub payload: String,
    pub agreement_number: Option<String>,
    pub verification_code: Option<String>,
    pub snapshot: Option<String>,
    pub snapshot_hash: Option<String>,
    pub submitted_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) const ITEM_COLUMNS: &str = "id, kind, graduate_id, employer_id, parent_id, state, step, chain, version, cohort, department_id, major, education_level, dest_code, deadline, reminded, payload, agreement_number, verification_code, snapshot, snapshot_hash, submitted_at, created_at, updated_at";

pub(crate) fn item_from_row(r: &sqlx::any::AnyRow) -> Result<Item> {
    let kind: String = r.try_get("kind")?;
    let chain: String = r.try_get("chain")?;
    Ok(Item {
        id: r.try_get("id")?,
        kind: ItemKind::parse(&kind)?,
        graduate_id: r.try_get("graduate_id")?,
        employer_id: r.try_get("employer_id")?,
        parent_id: r.try_get("parent_id")?,
        state: r.try_get("state")?,
        step: r.try_get("step")?,
        chain: ReviewChain::parse(&chain)?,
        version: r.try_get("version")?,
        cohort: r.try_get("cohort")?,
        department_id: r.try_get("department_id")?,
        major: r.try_get("major")?,
        education_level: r.try_get("education_level")?,
        dest_code: r.try_get("dest_code")?,
        deadline: r.try_get("deadline")?,
        reminded: r.try_get("reminded")?,
        payload: r.try_get("payload")?,
        agreement_number: r.try_get("agreement_number")?,
        verification_code: r.try_get("verification_code")?,
        snapshot: r.try_get("snapshot")?,
        snapshot_hash: r.try_get("snapshot_hash")?,
        submitted_at: r.try_get("submitted_at")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub(crate) async fn load_item(c: &mut AnyConnection, id: i64) -> Result<Item> {
    let row = sqlx::query(&format!("SELECT {ITEM_COLUMNS} FROM items WHERE id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?;
    match row {
        Some(r) => item_from_row(&r),
        None => Err(DomainError::not_found("事项", "Item")),
    }
}

/// Writes the item's mutable columns if nobody changed it since `expected_version` was read.
/// Zero rows updated means another action won: R-REV-02's "already reviewed".
pub(crate) async fn save_item(tx: &mut Tx, it: &Item, expected_version: i64) -> Result<()> {
    let done = sqlx::query(
        "UPDATE items SET state = $1, step = $2, chain = $3, version = version + 1, dest_code = $4, deadline = $5, reminded = $6, payload = $7, \
         agreement_number = $8, verification_code = $9, snapshot = $10, snapshot_hash = $11, submitted_at = $12, updated_at = $13 \
         WHERE id = $14 AND version = $15",
    )
    .bind(&it.state)
    .bind(it.step)
    .bind(it.chain.as_str())
    .bind(&it.dest_code)
    .bind(it.deadline)
    .bind(it.reminded)
    .bind(&it.payload)
    .bind(&it.agreement_number)
    .bind(&it.verification_code)
    .bind(&it.snapshot)
    .bind(&it.snapshot_hash)
    .bind(it.submitted_at)
    .bind(it.updated_at)
    .bind(it.id)
    .bind(expected_version)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() != 1 {
        return Err(DomainError::already_reviewed());
    }
    Ok(())
}

/// A new item's columns.
#[derive(Debug, Clone)]
pub(crate) struct NewItem {
    pub kind: ItemKind,
    pub graduate: Graduate,
    pub employer_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub state: String,
    pub chain: ReviewChain,
    pub dest_code: String,
    pub deadline: Option<i64>,
    pub payload: String,
    pub submitted_at: i64,
}

pub(crate) async fn insert_item(tx: &mut Tx, n: &NewItem, now: Timestamp) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO items (kind, graduate_id, employer_id, parent_id, state, step, chain, version, cohort, department_id, major, education_level, dest_code, deadline, reminded, payload, submitted_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6, 0, $7, $8, $9, $10, $11, $12, 0, $13, $14, $15, $15) RETURNING id",
    )
    .bind(n.kind.as_str())
    .bind(n.graduate.id)
    .bind(n.employer_id)
    .bind(n.parent_id)
    .bind(&n.state)
    .bind(n.chain.as_str())
    .bind(n.graduate.cohort)
    .bind(n.graduate.department_id)
    .bind(&n.graduate.major)
    .bind(&n.graduate.education_level)
    .bind(&n.dest_code)
    .bind(n.deadline)
    .bind(&n.payload)
    .bind(n.submitted_at)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    Ok(row.try_get("id")?)
}

/// A graduate's basic info (R-INFO-04) as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Graduate {
    pub id: i64,
    pub cohort: i64,
    pub student_number: String,
    pub name: String,
    pub gender: String,
    pub id_number: String,
    pub education_level: String,
    pub major: String,
    pub department_id: i64,
    pub department: String,
    pub training_mode: String,
    pub directed_unit: String,
    pub origin: String,
    pub phone: String,
    pub email: String,
    pub confirmed_at: Option<i64>,
    pub version: i64,
}

impl Graduate {
    pub fn is_directed(&self) -> bool {
        self.training_mode != "非定向"
    }
    /// The same record with the ID number masked, for anyone but the graduate and the admin.
    pub fn masked(mut self) -> Graduate {
        self.id_number = mask_id(&self.id_number);
        self
    }
}

pub(crate) const GRADUATE_SELECT: &str = "SELECT g.id, g.cohort, g.student_number, g.name, g.gender, g.id_number, g.education_level, g.major, g.department_id, d.name AS department, \
     g.training_mode, g.directed_unit, g.origin, g.phone, g.email, g.confirmed_at, g.version FROM graduates g JOIN departments d ON d.id = g.department_id";

pub(crate) fn graduate_from_row(r: &sqlx::any::AnyRow) -> Result<Graduate> {
    Ok(Graduate {
        id: r.try_get("id")?,
        cohort: r.try_get("cohort")?,
        student_number: r.try_get("student_number")?,
        name: r.try_get("name")?,
        gender: r.try_get("gender")?,
        id_number: r.try_get("id_number")?,
        education_level: r.try_get("education_level")?,
        major: r.try_get("major")?,
        department_id: r.try_get("department_id")?,
        department: r.try_get("department")?,
        training_mode: r.try_get("training_mode")?,
        directed_unit: r.try_get("directed_unit")?,
        origin: r.try_get("origin")?,
        phone: r.try_get("phone")?,
        email: r.try_get("email")?,
        confirmed_at: r.try_get("confirmed_at")?,
        version: r.try_get("version")?,
    })
}

pub(crate) async fn load_graduate(c: &mut AnyConnection, id: i64) -> Result<Graduate> {
    let row = sqlx::query(&format!("{GRADUATE_SELECT} WHERE g.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?;
    match row {
        Some(r) => graduate_from_row(&r),
        None => Err(DomainError::not_found("毕业生", "Graduate")),
    }
}

/// A cohort's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cohort {
    pub year: i64,
    pub module_open: bool,
    pub chain: ReviewChain,
    /// The longest invitation response window the school allows, in days.
    pub invite_limit_days: i64,
    /// R-RULES-03: after this instant graduates' changes need the school.
    pub changes_until: i64,
    pub agreement_title: String,
    pub version: i64,
}

pub(crate) async fn load_cohort(c: &mut AnyConnection, year: i64) -> Result<Cohort> {
    let row = sqlx::query("SELECT year, module_open, chain, invite_limit_days, changes_until, agreement_title, version FROM cohorts WHERE year = $1")
        .bind(year)
        .fetch_optional(c)
        .await?;
    let Some(r) = row else {
        return Err(DomainError::not_found("届别", "Cohort"));
    };
    let chain: String = r.try_get("chain")?;
    let open: i64 = r.try_get("module_open")?;
    Ok(Cohort {
        year: r.try_get("year")?,
        module_open: open != 0,
        chain: ReviewChain::parse(&chain)?,
        invite_limit_days: r.try_get("invite_limit_days")?,
        changes_until: r.try_get("changes_until")?,
        agreement_title: r.try_get("agreement_title")?,
        version: r.try_get("version")?,
    })
}

/// R-ONE-01: the graduate's effective or pending destination other than `exclude`.
pub(crate) async fn active_destination(
    c: &mut AnyConnection,
    graduate_id: i64,
    exclude: Option<i64>,
) -> Result<Option<ActiveDestination>> {
    let rows = sqlx::query(&format!(
        "SELECT kind FROM items WHERE graduate_id = $1 AND id <> $2 AND {}",
        crate::model::active_destination_sql("")
    ))
    .bind(graduate_id)
    .bind(exclude.unwrap_or(-1))
    .fetch_all(c)
    .await?;
    let mut out = None;
    for r in rows {
        let k: String = r.try_get("kind")?;
        let a = match k.as_str() {
            "signing" => ActiveDestination::OnlineAgreement,
            "paper" => ActiveDestination::PaperAgreement,
            "offline_signing" => ActiveDestination::OfflineAgreement,
            _ => ActiveDestination::OtherDestination,
        };
        // An online agreement is reported first: R-SIGN-03 gives it its own message.
        if out.is_none() || a == ActiveDestination::OnlineAgreement {
            out = Some(a);
        }
    }
    Ok(out)
}

/// R-ONE-02: a write that decides from a graduate's standing (R-ONE-01, R-SIGN-03, R-SIGN-05)
/// first locks that graduate's row, so on PostgreSQL two such writes on one graduate run one after
/// the other and the second reads what the first committed (READ COMMITTED reads afresh after the
/// lock); unrelated graduates do not wait. The graduate's row is always the first row an action on
/// a graduate locks (before its items and its history scope), so these locks cannot deadlock.
/// SQLite's write transactions are one at a time already (BEGIN IMMEDIATE). Answers whether it
/// waited for a lock, i.e. whether rows read before it may have changed since.
pub(crate) async fn lock_graduate(tx: &mut Tx, graduate_id: i64) -> Result<bool> {
    if tx.conn().backend_name() != "PostgreSQL" {
        return Ok(false);
    }
    sqlx::query("SELECT id FROM graduates WHERE id = $1 FOR UPDATE")
        .bind(graduate_id)
        .fetch_optional(tx.conn())
        .await?;
    Ok(true)
}

/// Everything a graduate workflow needs to know about the graduate.
pub(crate) async fn standing(
    c: &mut AnyConnection,
    g: &Graduate,
    actor: &Actor,
    exclude: Option<i64>,
    now: Timestamp,
) -> Result<GraduateStanding> {
    let cohort = load_cohort(&mut *c, g.cohort).await?;
    Ok(GraduateStanding {
        confirmed: g.confirmed_at.is_some(),
        module_open: cohort.module_open,
        directed: g.is_directed(),
        current_cohort: actor.role != Role::Graduate || actor.graduate_id == Some(g.id),
        changes_closed: now >= cohort.changes_until,
        active: active_destination(c, g.id, exclude).await?,
    })
}

/// Appends the action's one history entry.
pub(crate) async fn record(tx: &mut Tx, e: Entry<'_>) -> Result<i64> {
    audit::append(tx, &e).await
}

/// Who receives an in-app message.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Recipient {
    Graduate(i64),
    Employer(i64),
}

/// R-NOTE-01: an in-app message to every account of the recipient.
pub(crate) async fn notify(
    tx: &mut Tx,
    to: Recipient,
    kind: &str,
    title: &str,
    body: &str,
    item_id: Option<i64>,
    now: Timestamp,
) -> Result<()> {
    let (col, id) = match to {
        Recipient::Graduate(id) => ("graduate_id", id),
        Recipient::Employer(id) => ("employer_id", id),
    };
    sqlx::query(&format!(
        "INSERT INTO messages (account_id, kind, title, body, item_id, created_at) SELECT id, $1, $2, $3, $4, $5 FROM accounts WHERE {col} = $6"
    ))
    .bind(kind)
    .bind(title)
    .bind(body)
    .bind(item_id)
    .bind(now)
    .bind(id)
    .execute(tx.conn())
    .await?;
    tx.wrote_messages().await
}

/// R-NOTE-02: a change the school made to a graduate's record: in-app, plus SMS and WeChat
/// through the outbox (sent later by the worker; statuses kept per message).
pub(crate) async fn notify_school_change(
    tx: &mut Tx,
    graduate_id: i64,
    template: &str,
    title: &str,
    body: &str,
    item_id: Option<i64>,
    now: Timestamp,
) -> Result<()> {
    notify(
        tx,
        Recipient::Graduate(graduate_id),
        template,
        title,
        body,
        item_id,
        now,
    )
    .await?;
    let payload =
        serde_json::json!({ "title": title, "body": body, "item_id": item_id }).to_string();
    for channel in ["sms", "wechat"] {
        sqlx::query(
            "INSERT INTO outbox (channel, graduate_id, template, payload, status, attempts, next_attempt_at, last_error, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'pending', 0, $5, '', $5, $5)",
        )
        .bind(channel)
        .bind(graduate_id)
        .bind(template)
        .bind(&payload)
        .bind(now)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// The school's name and code.
pub(crate) async fn school(c: &mut AnyConnection) -> Result<(String, String)> {
    let row = sqlx::query("SELECT name, code FROM school WHERE id = 1")
        .fetch_optional(c)
        .await?;
    match row {
        Some(r) => Ok((r.try_get("name")?, r.try_get("code")?)),
        None => Err(DomainError::new(
            ErrorCode::NotFound,
            "尚未设置学校",
            "No school is set up yet",
        )),
    }
}

/// `item:ID` subjects for history entries.
pub(crate) fn item_subject(id: i64) -> String {
    format!("item:{id}")
}
