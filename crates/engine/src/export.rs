//! R-STAT-02: every list and statistic exports to Excel (.xlsx) with the filter that produced it,
//! written at the top of each sheet. The engine makes the bytes (the CLI writes them to a file, the
//! desktop to the path the user chose); who may export what is who may see it (R-STAT-03).

use crate::engine::{load_cohort, Engine};
use crate::error::{DomainError, Result};
use crate::queries::{PlacementGroup, QueueQuery, Statistics};
use crate::time::{format_shanghai, Timestamp};
use crate::types::CohortYear;
use crate::workflow::{Actor, Role};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// The most rows one list export holds (a whole cohort's queue fits many times over).
pub const MAX_EXPORT_ROWS: usize = 200_000;

/// One line of the filter printed above an exported table: label and value, in Chinese (the
/// office's spreadsheets are Chinese; the column headers carry English in brackets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterLine {
    pub label: String,
    pub value: String,
}

fn line(label: &str, value: impl Into<String>) -> FilterLine {
    FilterLine {
        label: label.into(),
        value: value.into(),
    }
}

/// A graduates list query (the admin's graduates screen and its export).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GraduateQuery {
    pub cohort: i64,
    pub department_id: Option<i64>,
    pub major: Option<String>,
    pub education_level: Option<String>,
    /// Matches the start of the student number or a part of the name.
    pub text: Option<String>,
}

fn xlsx_error(e: XlsxError) -> DomainError {
    tracing::warn!(error = %e, "xlsx export failed");
    DomainError::internal("xlsx")
}

/// Chinese names of item states, as the office reads them.
pub fn state_zh(state: &str) -> &str {
    match state {
        "pending" => "待应约",
        "accepted" => "已应约",
        "under_review" => "审核中",
        "signed" => "已签约（生效）",
        "rejected" => "未通过/已拒绝",
        "withdrawn" => "已撤回",
        "expired" => "已过期",
        "terminated" => "已解约",
        "draft" => "草稿",
        "submitted" => "已提交",
        "returned" => "已退回",
        "approved" => "已通过（生效）",
        "voided" => "已作废",
        "awaiting_counterparty" => "待对方确认",
        "refused" | "counterparty_refused" => "对方不同意",
        "review_failed" => "审核未通过",
        "cancelled" => "已取消",
        other => other,
    }
}

fn kind_zh(kind: &str) -> &str {
    match kind {
        "signing" => "网上签约",
        "termination" => "网上解约",
        "paper" => "纸质协议登记",
        "destination" => "其他去向登记",
        "offline_termination" => "线下解约登记",
        other => other,
    }
}

/// The destination code's Chinese name (the first type of REFERENCE.md with that code).
pub fn code_name_zh(code: &str) -> String {
    crate::reference::destinations()
        .types
        .iter()
        .find(|t| t.code == code)
        .map(|t| t.name_zh.clone())
        .unwrap_or_default()
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    row: u32,
    bold: Format,
}

impl<'a> Sheet<'a> {
    fn new(wb: &'a mut Workbook, name: &str, title: &str, filter: &[FilterLine]) -> Result<Self> {
        let bold = Format::new().set_bold();
        let ws = wb.add_worksheet();
        ws.set_name(name).map_err(xlsx_error)?;
        ws.set_column_width(0, 22).map_err(xlsx_error)?;
        ws.write_string_with_format(0, 0, title, &bold)
            .map_err(xlsx_error)?;
        let mut s = Sheet { ws, row: 1, bold };
        for f in filter {
            s.text_row(&[&f.label, &f.value])?;
        }
        s.row += 1;
        Ok(s)
    }

    fn text_row(&mut self, cells: &[&str]) -> Result<()> {
        for (c, v) in cells.iter().enumerate() {
            self.ws
                .write_string(self.row, c as u16, *v)
                .map_err(xlsx_error)?;
        }
        self.row += 1;
        Ok(())
    }

    fn header(&mut self, cells: &[&str]) -> Result<()> {
        for (c, v) in cells.iter().enumerate() {
            self.ws
                .write_string_with_format(self.row, c as u16, *v, &self.bold)
                .map_err(xlsx_error)?;
        }
        self.row += 1;
        Ok(())
    }

    fn label_number(&mut self, label: &str, n: f64) -> Result<()> {
        self.ws
            .write_string(self.row, 0, label)
            .map_err(xlsx_error)?;
        self.ws.write_number(self.row, 1, n).map_err(xlsx_error)?;
        self.row += 1;
        Ok(())
    }

    fn groups(&mut self, first: &str, groups: &[PlacementGroup]) -> Result<()> {
        self.header(&[
            first,
            "毕业生人数 (graduates)",
            "已落实 (placed)",
            "落实率 (rate)",
        ])?;
        for g in groups {
            self.ws
                .write_string(self.row, 0, &g.name)
                .map_err(xlsx_error)?;
            self.ws
                .write_number(self.row, 1, g.total as f64)
                .map_err(xlsx_error)?;
            self.ws
                .write_number(self.row, 2, g.placed as f64)
                .map_err(xlsx_error)?;
            self.ws
                .write_number(self.row, 3, round4(g.rate))
                .map_err(xlsx_error)?;
            self.row += 1;
        }
        Ok(())
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn workbook(now: Timestamp) -> Workbook {
    let mut wb = Workbook::new();
    // The file's creation date comes from `now`, not the clock: the same export twice is the same.
    let created = ExcelDateTime::from_timestamp(now.saturating_add(8 * 3600)).unwrap_or_default();
    wb.set_properties(
        &DocProperties::new()
            .set_title("GradSign")
            .set_creation_datetime(&created),
    );
    wb
}

/// The statistics workbook (R-STAT-01/02): 概览 (filter, formula, overall rate, shares of the
/// watched codes), 去向代码与状态, 院系, 专业, 学历.
pub fn statistics_workbook(
    stats: &Statistics,
    filter: &[FilterLine],
    now: Timestamp,
) -> Result<Vec<u8>> {
    let mut wb = workbook(now);
    {
        let mut s = Sheet::new(
            &mut wb,
            "概览",
            "毕业去向统计 (Destination statistics)",
            filter,
        )?;
        s.text_row(&["计算公式 (formula)", &stats.formula_zh])?;
        s.text_row(&["", &stats.formula_en])?;
        s.row += 1;
        s.label_number("毕业生人数 (graduates)", stats.overall.total as f64)?;
        s.label_number("已落实 (placed)", stats.overall.placed as f64)?;
        s.label_number("落实率 (placement rate)", round4(stats.overall.rate))?;
        s.row += 1;
        s.header(&[
            "去向代码占比 (share of code)",
            "占比 (share)",
            "人数 (graduates)",
        ])?;
        for (code, share) in &stats.watched_shares {
            let n = stats.effective_by_code.get(code).copied().unwrap_or(0);
            let label = format!("{code} {}", code_name_zh(code));
            s.ws.write_string(s.row, 0, &label).map_err(xlsx_error)?;
            s.ws.write_number(s.row, 1, round4(*share))
                .map_err(xlsx_error)?;
            s.ws.write_number(s.row, 2, n as f64).map_err(xlsx_error)?;
            s.row += 1;
        }
    }
    {
        let mut s = Sheet::new(
            &mut wb,
            "去向代码与状态",
            "按去向代码和状态 (by code and state)",
            filter,
        )?;
        s.header(&[
            "去向代码 (code)",
            "去向 (destination)",
            "状态 (state)",
            "数量 (count)",
        ])?;
        for (code, state, n) in &stats.by_code_and_state {
            s.ws.write_string(s.row, 0, code).map_err(xlsx_error)?;
            s.ws.write_string(s.row, 1, code_name_zh(code))
                .map_err(xlsx_error)?;
            s.ws.write_string(s.row, 2, state_zh(state))
                .map_err(xlsx_error)?;
            s.ws.write_number(s.row, 3, *n as f64).map_err(xlsx_error)?;
            s.row += 1;
        }
    }
    for (name, title, first, groups) in [
        (
            "院系",
            "按院系 (by department)",
            "院系 (department)",
            &stats.by_department,
        ),
        ("专业", "按专业 (by major)", "专业 (major)", &stats.by_major),
        (
            "学历",
            "按学历 (by education level)",
            "学历 (level)",
            &stats.by_education_level,
        ),
    ] {
        let mut s = Sheet::new(&mut wb, name, title, filter)?;
        s.groups(first, groups)?;
    }
    wb.save_to_buffer().map_err(xlsx_error)
}

impl Engine {
    async fn department_name(&self, id: i64) -> Result<String> {
        let mut c = self.store.read().await?;
        let row = sqlx::query("SELECT name FROM departments WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *c)
            .await?;
        match row {
            Some(r) => Ok(r.try_get("name")?),
            None => Err(DomainError::field(
                "department_id",
                "院系不存在",
                "Unknown department",
            )),
        }
    }

    /// The scope line of an export: the department reviewer's department, or the whole school.
    async fn scope_line(&self, actor: &Actor, department_id: Option<i64>) -> Result<FilterLine> {
        let dep = match actor.role {
            Role::DepartmentReviewer => actor.department_id,
            _ => department_id,
        };
        Ok(match dep {
            Some(d) => line("院系 (department)", self.department_name(d).await?),
            None => line("范围 (scope)", "全校 (whole school)"),
        })
    }

    /// R-STAT-02: the statistics of a cohort in the actor's scope as an .xlsx workbook. An
    /// unknown cohort is refused (`cohort`), not exported as zeros.
    pub async fn export_statistics(
        &self,
        actor: &Actor,
        cohort: i64,
        now: Timestamp,
    ) -> Result<Vec<u8>> {
        let year = CohortYear::parse(cohort)?.get();
        {
            let mut c = self.store.read().await?;
            load_cohort(&mut c, year).await.map_err(|_| {
                DomainError::field(
                    "cohort",
                    format!("{year}届不存在"),
                    format!("There is no cohort {year}"),
                )
            })?;
        }
        let stats = self.statistics(actor, year).await?;
        let filter = vec![
            line("届别 (cohort)", year.to_string()),
            self.scope_line(actor, None).await?,
            line("导出时间 (exported)", format_shanghai(now)),
        ];
        statistics_workbook(&stats, &filter, now)
    }

    /// R-STAT-02: a reviewer queue (every page of the query, keyset-read) as .xlsx, ID numbers
    /// masked as in the list (the admin sees them in full, as on screen).
    pub async fn export_queue(
        &self,
        actor: &Actor,
        q: &QueueQuery,
        now: Timestamp,
    ) -> Result<Vec<u8>> {
        let mut query = q.clone();
        query.limit = 200;
        query.after = None;
        let mut rows = Vec::new();
        loop {
            let page = self.review_queue(actor, &query).await?;
            rows.extend(page.rows);
            match page.next {
                Some(n) if rows.len() < MAX_EXPORT_ROWS => query.after = Some(n),
                _ => break,
            }
        }
        let mut filter = vec![
            line(
                "类别 (kind)",
                q.kind
                    .map(|k| kind_zh(k.as_str()).to_string())
                    .unwrap_or_else(|| "全部".into()),
            ),
            line(
                "仅待我审核 (awaiting me)",
                if q.awaiting_me { "是" } else { "否" },
            ),
            self.scope_line(actor, q.department_id).await?,
        ];
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "全部".into());
        filter.push(line(
            "状态 (state)",
            q.state.as_deref().map(state_zh).unwrap_or("全部"),
        ));
        filter.push(line("专业 (major)", opt(&q.major)));
        filter.push(line("学历 (level)", opt(&q.education_level)));
        filter.push(line("去向代码 (code)", opt(&q.dest_code)));
        filter.push(line(
            "提交时间 (submitted)",
            format!(
                "{} — {}",
                q.submitted_from.map(format_shanghai).unwrap_or_default(),
                q.submitted_to.map(format_shanghai).unwrap_or_default()
            ),
        ));
        filter.push(line("导出时间 (exported)", format_shanghai(now)));
        filter.push(line("行数 (rows)", rows.len().to_string()));
        let mut wb = workbook(now);
        {
            let mut s = Sheet::new(&mut wb, "审核列表", "审核列表 (Review queue)", &filter)?;
            s.header(&[
                "编号 (id)",
                "类别 (kind)",
                "状态 (state)",
                "姓名 (name)",
                "学号 (student no.)",
                "身份证号 (ID no.)",
                "院系 (department)",
                "专业 (major)",
                "学历 (level)",
                "去向代码 (code)",
                "提交时间 (submitted)",
            ])?;
            for r in &rows {
                let cells = [
                    r.id.to_string(),
                    kind_zh(r.kind.as_str()).to_string(),
                    state_zh(&r.state).to_string(),
                    r.graduate_name.clone(),
                    r.student_number.clone(),
                    r.id_number.clone(),
                    r.department.clone(),
                    r.major.clone(),
                    r.education_level.clone(),
                    r.dest_code.clone(),
                    format_shanghai(r.submitted_at),
                ];
                let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
                s.text_row(&refs)?;
            }
        }
        wb.save_to_buffer().map_err(xlsx_error)
    }

    /// R-STAT-02: the graduates list of a cohort as .xlsx, with its filter. The admin's copy holds
    /// the full ID numbers (the office re-imports it); reviewers' copies are masked.
    pub async fn export_graduates(
        &self,
        actor: &Actor,
        q: &GraduateQuery,
        now: Timestamp,
    ) -> Result<Vec<u8>> {
        let list = self.list_graduates(actor, q, MAX_EXPORT_ROWS).await?;
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "全部".into());
        let filter = vec![
            line("届别 (cohort)", q.cohort.to_string()),
            self.scope_line(actor, q.department_id).await?,
            line("专业 (major)", opt(&q.major)),
            line("学历 (level)", opt(&q.education_level)),
            line("查找 (search)", q.text.clone().unwrap_or_default()),
            line("导出时间 (exported)", format_shanghai(now)),
            line("行数 (rows)", list.len().to_string()),
        ];
        let mut wb = workbook(now);
        {
            let mut s = Sheet::new(&mut wb, "毕业生", "毕业生名单 (Graduates)", &filter)?;
            let mut head: Vec<&str> = crate::actions::graduates::IMPORT_HEADER.to_vec();
            head.push("信息已确认");
            s.header(&head)?;
            for g in &list {
                let cells = [
                    g.student_number.as_str(),
                    &g.name,
                    &g.gender,
                    &g.id_number,
                    &g.education_level,
                    &g.major,
                    &g.department,
                    &g.training_mode,
                    &g.directed_unit,
                    &g.origin,
                    &g.phone,
                    &g.email,
                    if g.confirmed_at.is_some() {
                        "是"
                    } else {
                        "否"
                    },
                ];
                s.text_row(&cells)?;
            }
        }
        wb.save_to_buffer().map_err(xlsx_error)
    }
}
