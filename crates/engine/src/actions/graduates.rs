//! Graduates' basic info: import (R-IMPORT-01), confirmation (R-INFO-01), contact edits (R-INFO-02),
//! fixes by the school (R-INFO-02, R-DEST-05, R-NOTE-02).

use crate::audit::Entry;
use crate::engine::{
    load_cohort, load_graduate, notify, notify_school_change, record, Engine, Graduate, Recipient,
    GRADUATE_SELECT,
};
use crate::error::{DomainError, ErrorCode, Result};
use crate::time::Timestamp;
use crate::types::{
    optional_text, required_text, CohortYear, EducationLevel, Email, Gender, IdNumber, PersonName,
    Phone, TrainingMode,
};
use crate::workflow::info::{self, InfoEvent, InfoState};
use crate::workflow::{Actor, Role};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The import file's header, in order (R-IMPORT-01 / R-INFO-04).
pub const IMPORT_HEADER: [&str; 12] = [
    "学号",
    "姓名",
    "性别",
    "身份证号",
    "学历",
    "专业",
    "院系",
    "培养方式",
    "定向委培单位",
    "生源地",
    "手机",
    "邮箱",
];

/// One spreadsheet line: `line` is the spreadsheet's own line number (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    pub line: usize,
    pub cells: Vec<String>,
}

/// A bad cell: `row N: field: reason`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProblem {
    pub line: usize,
    pub field: String,
    pub reason_zh: String,
    pub reason_en: String,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "row {}: {}: {} ({})",
            self.line, self.field, self.reason_zh, self.reason_en
        )
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "ImportOutcome"))]
#[cfg_attr(feature = "schema", schemars(rename = "ImportOutcome"))]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// A validated row.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Basic {
    student_number: String,
    name: String,
    gender: String,
    id_number: String,
    education_level: String,
    major: String,
    department_id: i64,
    training_mode: String,
    directed_unit: String,
    origin: String,
    phone: String,
    email: String,
}

impl Basic {
    fn fields(&self) -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("name", self.name.clone()),
            ("gender", self.gender.clone()),
            ("id_number", self.id_number.clone()),
            ("education_level", self.education_level.clone()),
            ("major", self.major.clone()),
            ("department_id", self.department_id.to_string()),
            ("training_mode", self.training_mode.clone()),
            ("directed_unit", self.directed_unit.clone()),
            ("origin", self.origin.clone()),
            ("phone", self.phone.clone()),
            ("email", self.email.clone()),
        ])
    }
}

fn graduate_fields(g: &Graduate) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("name", g.name.clone()),
        ("gender", g.gender.clone()),
        ("id_number", g.id_number.clone()),
        ("education_level", g.education_level.clone()),
        ("major", g.major.clone()),
        ("department_id", g.department_id.to_string()),
        ("training_mode", g.training_mode.clone()),
        ("directed_unit", g.directed_unit.clone()),
        ("origin", g.origin.clone()),
        ("phone", g.phone.clone()),
        ("email", g.email.clone()),
    ])
}

fn parse_id_cell(raw: &str) -> Result<IdNumber> {
    let s = raw.trim();
    if s.contains(['E', 'e', '.']) {
        return Err(DomainError::field("身份证号", "身份证号被表格存成了数字并被舍入，请将该列设为文本格式后重新填写", "The ID number was stored as a number and rounded; format the column as text and enter it again"));
    }
    IdNumber::parse(s).map_err(|e| {
        if s.len() == 18 && s.ends_with("000") {
            DomainError::field(
                "身份证号",
                "身份证号校验失败，末尾为000，疑似被表格按数字舍入",
                "ID number fails its check and ends in 000: probably rounded by a spreadsheet",
            )
        } else {
            DomainError::field("身份证号", e.message.zh, e.message.en)
        }
    })
}

/// Validates one row, naming the header's field in each problem.
fn validate_row(
    cells: &[String],
    departments: &HashMap<String, i64>,
) -> std::result::Result<Basic, (String, DomainError)> {
    let cell = |i: usize| {
        cells
            .get(i)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let at = |i: usize| move |e: DomainError| (IMPORT_HEADER[i].to_string(), e);
    let student_number = required_text("学号", "学号", &cell(0), 30).map_err(at(0))?;
    if !student_number.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err((
            "学号".into(),
            DomainError::field(
                "学号",
                "学号只能包含字母和数字",
                "Student number has letters and digits only",
            ),
        ));
    }
    let name = PersonName::parse(&cell(1)).map_err(at(1))?;
    let gender = Gender::parse(&cell(2)).map_err(at(2))?;
    let id = parse_id_cell(&cell(3)).map_err(at(3))?;
    if id.gender() != gender {
        return Err((
            "性别".into(),
            DomainError::field(
                "性别",
                "性别与身份证号第17位不符（奇数男，偶数女）",
                "Gender does not agree with the ID number's 17th digit (odd male, even female)",
            ),
        ));
    }
    let level = EducationLevel::parse(&cell(4)).map_err(at(4))?;
    let major = required_text("专业", "专业", &cell(5), 50).map_err(at(5))?;
    let dep = cell(6);
    let department_id = *departments.get(&dep).ok_or_else(|| {
        (
            "院系".to_string(),
            DomainError::field("院系", format!("未知院系“{dep}”"), "Unknown department"),
        )
    })?;
    let mode = TrainingMode::parse(&cell(7)).map_err(at(7))?;
    let unit = optional_text("定向委培单位", "定向委培单位", &cell(8), 100).map_err(at(8))?;
    if mode.is_directed() && unit.is_empty() {
        return Err((
            "定向委培单位".into(),
            DomainError::field(
                "定向委培单位",
                "定向、委培毕业生须填写定向委培单位",
                "Directed and commissioned graduates need their unit",
            ),
        ));
    }
    if !mode.is_directed() && !unit.is_empty() {
        return Err((
            "定向委培单位".into(),
            DomainError::field(
                "定向委培单位",
                "非定向毕业生不应填写定向委培单位",
                "Non-directed graduates have no directed unit",
            ),
        ));
    }
    let origin = required_text("生源地", "生源地", &cell(9), 50).map_err(at(9))?;
    let phone = Phone::parse(&cell(10)).map_err(at(10))?;
    let email = Email::parse(&cell(11)).map_err(at(11))?;
    Ok(Basic {
        student_number,
        name: name.as_str().to_string(),
        gender: gender.label().to_string(),
        id_number: id.as_str().to_string(),
        education_level: level.label().to_string(),
        major,
        department_id,
        training_mode: mode.label().to_string(),
        directed_unit: unit,
        origin,
        phone: phone.as_str().to_string(),
        email: email.as_str().to_string(),
    })
}

/// A fix of basic info by the school (admin); `None` keeps a field.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GraduateFix {
    pub name: Option<String>,
    pub gender: Option<String>,
    pub id_number: Option<String>,
    pub education_level: Option<String>,
    pub major: Option<String>,
    pub department_id: Option<i64>,
    pub training_mode: Option<String>,
    pub directed_unit: Option<String>,
    pub origin: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

fn problem(line: usize, field: String, e: DomainError) -> ImportProblem {
    ImportProblem {
        line,
        field,
        reason_zh: e.message.zh,
        reason_en: e.message.en,
    }
}

impl Engine {
    async fn department_map(&self, c: &mut sqlx::AnyConnection) -> Result<HashMap<String, i64>> {
        let rows = sqlx::query("SELECT id, name FROM departments")
            .fetch_all(c)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("name")?, r.try_get("id")?)))
            .collect()
    }

    /// Validates an import without applying it: every bad row, as `row N: field: reason`. The
    /// admin's, like the import itself (R-AUTH-07).
    pub async fn check_import(
        &self,
        actor: &Actor,
        cohort: i64,
        header: &[String],
        rows: &[ImportRow],
    ) -> Result<Vec<ImportProblem>> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        let mut c = self.store.read().await?;
        let (problems, _) = self.validate_import(&mut c, cohort, header, rows).await?;
        Ok(problems)
    }

    async fn validate_import(
        &self,
        c: &mut sqlx::AnyConnection,
        cohort: i64,
        header: &[String],
        rows: &[ImportRow],
    ) -> Result<(Vec<ImportProblem>, Vec<Basic>)> {
        let mut problems = Vec::new();
        let head: Vec<String> = header
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
            .collect();
        if head != IMPORT_HEADER {
            problems.push(ImportProblem {
                line: 1,
                field: "表头".into(),
                reason_zh: format!("表头应为：{}", IMPORT_HEADER.join(",")),
                reason_en: format!("The header must be: {}", IMPORT_HEADER.join(",")),
            });
            return Ok((problems, vec![]));
        }
        let departments = self.department_map(&mut *c).await?;
        let existing: Vec<(String, String)> =
            sqlx::query("SELECT student_number, id_number FROM graduates WHERE cohort = $1")
                .bind(cohort)
                .fetch_all(&mut *c)
                .await?
                .iter()
                .map(|r| Ok((r.try_get("student_number")?, r.try_get("id_number")?)))
                .collect::<Result<_>>()?;
        let id_owner: HashMap<&str, &str> = existing
            .iter()
            .map(|(s, i)| (i.as_str(), s.as_str()))
            .collect();
        // R-AUTH-04: a graduate's login is their student number, so it may not be another
        // account's login already.
        let other_logins: HashSet<String> =
            sqlx::query("SELECT login FROM accounts WHERE role <> 'graduate'")
                .fetch_all(&mut *c)
                .await?
                .iter()
                .map(|r| r.try_get("login"))
                .collect::<std::result::Result<_, _>>()?;
        let (mut seen_sn, mut seen_id) = (HashMap::new(), HashMap::new());
        let mut good = Vec::new();
        for row in rows {
            match validate_row(&row.cells, &departments) {
                Err((field, e)) => problems.push(problem(row.line, field, e)),
                Ok(b) => {
                    if let Some(first) = seen_sn.insert(b.student_number.clone(), row.line) {
                        problems.push(problem(
                            row.line,
                            "学号".into(),
                            DomainError::field(
                                "学号",
                                format!("学号与第{first}行重复"),
                                format!("Student number repeats row {first}"),
                            ),
                        ));
                        continue;
                    }
                    if let Some(first) = seen_id.insert(b.id_number.clone(), row.line) {
                        problems.push(problem(
                            row.line,
                            "身份证号".into(),
                            DomainError::field(
                                "身份证号",
                                format!("身份证号与第{first}行重复"),
                                format!("ID number repeats row {first}"),
                            ),
                        ));
                        continue;
                    }
                    if let Some(owner) = id_owner.get(b.id_number.as_str()) {
                        if *owner != b.student_number {
                            problems.push(problem(
                                row.line,
                                "身份证号".into(),
                                DomainError::field(
                                    "身份证号",
                                    "本届已有其他学号使用该身份证号",
                                    "Another student number of this cohort has this ID number",
                                ),
                            ));
                            continue;
                        }
                    }
                    if other_logins.contains(&b.student_number) {
                        problems.push(problem(
                            row.line,
                            "学号".into(),
                            DomainError::field(
                                "学号",
                                "学号与已有的教职工或用人单位登录名相同，毕业生将无法用学号登录",
                                "The student number is a staff or employer login already; the graduate could not sign in with it",
                            ),
                        ));
                        continue;
                    }
                    good.push(b);
                }
            }
        }
        Ok((problems, good))
    }

    /// R-IMPORT-01: applies all rows or none. A known student number updates its record (the change
    /// is recorded and the graduate notified); rows absent from a re-import are left as they are.
    /// On any bad row the error's details carry every problem (`rows`).
    pub async fn import_graduates(
        &self,
        actor: &Actor,
        cohort: i64,
        header: &[String],
        rows: &[ImportRow],
        now: Timestamp,
    ) -> Result<ImportReport> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        let cohort = CohortYear::parse(cohort)?.get();
        let mut tx = self.store.begin().await?;
        load_cohort(tx.conn(), cohort).await?;
        let (problems, good) = self
            .validate_import(tx.conn(), cohort, header, rows)
            .await?;
        if !problems.is_empty() {
            let n = problems.len();
            return Err(DomainError::new(
                ErrorCode::Validation,
                format!("{n}行有错误，未导入任何数据"),
                format!("{n} rows have errors; nothing was imported"),
            )
            .with_details(serde_json::json!({ "rows": problems })));
        }
        if good.is_empty() {
            return Err(DomainError::field(
                "rows",
                "文件中没有数据行",
                "The file has no data rows",
            ));
        }
        let mut report = ImportReport::default();
        let mut changes = Vec::new();
        for b in &good {
            let row = sqlx::query(&format!(
                "{GRADUATE_SELECT} WHERE g.cohort = $1 AND g.student_number = $2"
            ))
            .bind(cohort)
            .bind(&b.student_number)
            .fetch_optional(tx.conn())
            .await?;
            match row {
                None => {
                    sqlx::query(
                        "INSERT INTO graduates (cohort, student_number, name, gender, id_number, education_level, major, department_id, training_mode, directed_unit, origin, phone, email, version) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0)",
                    )
                    .bind(cohort)
                    .bind(&b.student_number)
                    .bind(&b.name)
                    .bind(&b.gender)
                    .bind(&b.id_number)
                    .bind(&b.education_level)
                    .bind(&b.major)
                    .bind(b.department_id)
                    .bind(&b.training_mode)
                    .bind(&b.directed_unit)
                    .bind(&b.origin)
                    .bind(&b.phone)
                    .bind(&b.email)
                    .execute(tx.conn())
                    .await?;
                    report.created += 1;
                }
                Some(r) => {
                    let g = crate::engine::graduate_from_row(&r)?;
                    let (before, after) = (graduate_fields(&g), b.fields());
                    let changed: Vec<&str> = after
                        .iter()
                        .filter(|(k, v)| before.get(*k) != Some(v))
                        .map(|(k, _)| *k)
                        .collect();
                    if changed.is_empty() {
                        report.unchanged += 1;
                        continue;
                    }
                    self.write_basic(&mut tx, g.id, b).await?;
                    changes.push(serde_json::json!({ "student_number": b.student_number, "fields": changed }));
                    notify_school_change(
                        &mut tx,
                        g.id,
                        "record_modified",
                        "学校更新了您的基本信息",
                        "学校就业部门通过导入更新了您的基本信息，请登录查看。",
                        None,
                        now,
                    )
                    .await?;
                    report.updated += 1;
                }
            }
        }
        record(
            &mut tx,
            Entry {
                subject: format!("cohort:{cohort}"),
                item_id: None,
                actor,
                at: now,
                action: "import_graduates",
                level: "",
                from_state: "",
                to_state: "imported",
                reason: "",
                changes: serde_json::json!({ "created": report.created, "updated": report.updated, "unchanged": report.unchanged, "changed": changes }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    async fn write_basic(&self, tx: &mut crate::store::Tx, id: i64, b: &Basic) -> Result<()> {
        sqlx::query(
            "UPDATE graduates SET name = $1, gender = $2, id_number = $3, education_level = $4, major = $5, department_id = $6, training_mode = $7, directed_unit = $8, origin = $9, phone = $10, email = $11, version = version + 1 WHERE id = $12",
        )
        .bind(&b.name)
        .bind(&b.gender)
        .bind(&b.id_number)
        .bind(&b.education_level)
        .bind(&b.major)
        .bind(b.department_id)
        .bind(&b.training_mode)
        .bind(&b.directed_unit)
        .bind(&b.origin)
        .bind(&b.phone)
        .bind(&b.email)
        .bind(id)
        .execute(tx.conn())
        .await?;
        Ok(())
    }

    /// R-INFO-01: "信息确认无误，进入系统".
    pub async fn confirm_info(&self, actor: &Actor, now: Timestamp) -> Result<Graduate> {
        let gid = actor
            .graduate_id
            .filter(|_| actor.role == Role::Graduate)
            .ok_or_else(DomainError::forbidden)?;
        let mut tx = self.store.begin().await?;
        let g = load_graduate(tx.conn(), gid).await?;
        let state = if g.confirmed_at.is_some() {
            InfoState::Confirmed
        } else {
            InfoState::Unconfirmed
        };
        info::transition(state, InfoEvent::Confirm, actor, g.id)?;
        let done = sqlx::query("UPDATE graduates SET confirmed_at = $1, version = version + 1 WHERE id = $2 AND version = $3").bind(now).bind(g.id).bind(g.version).execute(tx.conn()).await?;
        if done.rows_affected() != 1 {
            return Err(DomainError::already_reviewed());
        }
        record(
            &mut tx,
            Entry {
                subject: format!("graduate:{}", g.id),
                item_id: None,
                actor,
                at: now,
                action: "confirm_info",
                level: "",
                from_state: "unconfirmed",
                to_state: "confirmed",
                reason: "",
                changes: serde_json::Value::Null,
            },
        )
        .await?;
        let g = load_graduate(tx.conn(), gid).await?;
        tx.commit().await?;
        Ok(g)
    }

    /// R-INFO-02: the graduate edits only phone and e-mail.
    pub async fn update_contact(
        &self,
        actor: &Actor,
        phone: &str,
        email: &str,
        now: Timestamp,
    ) -> Result<Graduate> {
        let gid = actor
            .graduate_id
            .filter(|_| actor.role == Role::Graduate)
            .ok_or_else(DomainError::forbidden)?;
        let phone = Phone::parse(phone)?;
        let email = Email::parse(email)?;
        let mut tx = self.store.begin().await?;
        let g = load_graduate(tx.conn(), gid).await?;
        sqlx::query(
            "UPDATE graduates SET phone = $1, email = $2, version = version + 1 WHERE id = $3",
        )
        .bind(phone.as_str())
        .bind(email.as_str())
        .bind(gid)
        .execute(tx.conn())
        .await?;
        record(
            &mut tx,
            Entry {
                subject: format!("graduate:{gid}"),
                item_id: None,
                actor,
                at: now,
                action: "update_contact",
                level: "",
                from_state: "",
                to_state: "",
                reason: "",
                changes: serde_json::json!({"before": {"phone": g.phone, "email": g.email}, "after": {"phone": phone.as_str(), "email": email.as_str()}}),
            },
        )
        .await?;
        let g = load_graduate(tx.conn(), gid).await?;
        tx.commit().await?;
        Ok(g)
    }

    /// The school fixes a graduate's basic info (R-INFO-02). Changing the training mode to 定向/委培
    /// withdraws the graduate's pending invitations (employers notified) and leaves effective
    /// records as they are (R-DEST-05). The graduate is notified in the app, by SMS and WeChat.
    pub async fn fix_graduate(
        &self,
        actor: &Actor,
        graduate_id: i64,
        expected_version: i64,
        fix: &GraduateFix,
        now: Timestamp,
    ) -> Result<Graduate> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        let mut tx = self.store.begin().await?;
        let g = load_graduate(tx.conn(), graduate_id).await?;
        if g.version != expected_version {
            return Err(DomainError::already_reviewed());
        }
        let departments = self.department_map(tx.conn()).await?;
        let dep_name = match fix.department_id {
            Some(d) => departments
                .iter()
                .find(|(_, id)| **id == d)
                .map(|(n, _)| n.clone())
                .ok_or_else(|| {
                    DomainError::field("department_id", "院系不存在", "Unknown department")
                })?,
            None => g.department.clone(),
        };
        let pick = |v: &Option<String>, cur: &str| v.clone().unwrap_or_else(|| cur.to_string());
        let cells = vec![
            g.student_number.clone(),
            pick(&fix.name, &g.name),
            pick(&fix.gender, &g.gender),
            pick(&fix.id_number, &g.id_number),
            pick(&fix.education_level, &g.education_level),
            pick(&fix.major, &g.major),
            dep_name,
            pick(&fix.training_mode, &g.training_mode),
            pick(&fix.directed_unit, &g.directed_unit),
            pick(&fix.origin, &g.origin),
            pick(&fix.phone, &g.phone),
            pick(&fix.email, &g.email),
        ];
        let b = validate_row(&cells, &departments)
            .map_err(|(field, e)| e.with_details(serde_json::json!({ "field": field })))?;
        if let Some(other) = sqlx::query(
            "SELECT id FROM graduates WHERE cohort = $1 AND id_number = $2 AND id <> $3",
        )
        .bind(g.cohort)
        .bind(&b.id_number)
        .bind(g.id)
        .fetch_optional(tx.conn())
        .await?
        {
            let _ = other;
            return Err(DomainError::field(
                "id_number",
                "本届已有其他毕业生使用该身份证号",
                "Another graduate of this cohort has this ID number",
            ));
        }
        let (before, after) = (graduate_fields(&g), b.fields());
        let diff: BTreeMap<&str, (String, String)> = after
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(*v))
            .map(|(k, v)| (*k, (before.get(k).cloned().unwrap_or_default(), v.clone())))
            .collect();
        if diff.is_empty() {
            return Err(DomainError::field(
                "fields",
                "没有需要修改的内容",
                "Nothing to change",
            ));
        }
        self.write_basic(&mut tx, g.id, &b).await?;
        let mut withdrawn = Vec::new();
        if !g.is_directed() && b.training_mode != "非定向" {
            let rows = sqlx::query("SELECT id, employer_id, version FROM items WHERE graduate_id = $1 AND kind = 'signing' AND state = 'pending'").bind(g.id).fetch_all(tx.conn()).await?;
            for r in rows {
                let (id, employer, version): (i64, Option<i64>, i64) = (
                    r.try_get("id")?,
                    r.try_get("employer_id")?,
                    r.try_get("version")?,
                );
                let done = sqlx::query("UPDATE items SET state = 'withdrawn', version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3").bind(now).bind(id).bind(version).execute(tx.conn()).await?;
                if done.rows_affected() != 1 {
                    return Err(DomainError::already_reviewed());
                }
                if let Some(e) = employer {
                    notify(
                        &mut tx,
                        Recipient::Employer(e),
                        "invitation_withdrawn",
                        "签约邀请已撤销",
                        "该毕业生的培养方式已由学校改为定向/委培，您的待应约邀请已自动撤销。",
                        Some(id),
                        now,
                    )
                    .await?;
                }
                withdrawn.push(id);
            }
        }
        let seen: HashSet<&str> = diff.keys().copied().collect();
        record(
            &mut tx,
            Entry {
                subject: format!("graduate:{}", g.id),
                item_id: None,
                actor,
                at: now,
                action: "fix_graduate",
                level: "",
                from_state: "",
                to_state: "",
                reason: "",
                changes: serde_json::json!({ "fields": diff, "withdrawn_invitations": withdrawn }),
            },
        )
        .await?;
        let fields: Vec<&str> = seen.into_iter().collect();
        notify_school_change(
            &mut tx,
            g.id,
            "record_modified",
            "学校修改了您的基本信息",
            &format!(
                "学校就业部门修改了您的基本信息（{}），请登录查看。",
                fields.join("、")
            ),
            None,
            now,
        )
        .await?;
        let g = load_graduate(tx.conn(), g.id).await?;
        tx.commit().await?;
        Ok(g)
    }

    /// A graduate's record as the actor may see it: the graduate and the admin see the full ID
    /// number; reviewers (own department for department reviewers) see it masked.
    pub async fn graduate(&self, actor: &Actor, graduate_id: i64) -> Result<Graduate> {
        let mut c = self.store.read().await?;
        let g = load_graduate(&mut c, graduate_id).await?;
        match actor.role {
            Role::Graduate if actor.graduate_id == Some(g.id) => Ok(g),
            Role::Graduate => {
                // R-MOD-02: the same person's earlier cohort records, read-only (R-MOD-04).
                let own = load_graduate(&mut c, actor.graduate_id.unwrap_or(-1)).await?;
                if crate::actions::person_links::same_person(&mut c, &own, &g).await? {
                    Ok(g)
                } else {
                    Err(DomainError::not_found("毕业生", "Graduate"))
                }
            }
            Role::SchoolAdmin => Ok(g),
            Role::SchoolReviewer => Ok(g.masked()),
            Role::DepartmentReviewer if actor.department_id == Some(g.department_id) => {
                Ok(g.masked())
            }
            _ => Err(DomainError::not_found("毕业生", "Graduate")),
        }
    }

    /// R-MOD-02: the cohorts in which the signed-in graduate has a record (the same person,
    /// R-MOD-04).
    pub async fn my_cohorts(&self, actor: &Actor) -> Result<Vec<(i64, i64)>> {
        let gid = actor
            .graduate_id
            .filter(|_| actor.role == Role::Graduate)
            .ok_or_else(DomainError::forbidden)?;
        let mut c = self.store.read().await?;
        let g = load_graduate(&mut c, gid).await?;
        crate::actions::person_links::records_of_person(&mut c, &g).await
    }
}
