//! Statistics for reviewers and the admin (R-STAT-01) and the Excel workbooks of statistics and
//! lists with their filter (R-STAT-02). The engine makes the workbook; the operation answers its
//! bytes, and the transport saves them (the desktop where the user chose, a server as a download).

use gradsign_engine::queries::PlacementGroup;
use gradsign_engine::{Actor, Statistics};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::admin::GraduateFilter;
use crate::catalog::{Bytes, Cx};
use crate::error::CommandResult;
use crate::review::QueueFilter;

/// A count of records by destination code and state.
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CodeStateCount {
    pub code: String,
    pub code_name: String,
    pub state: String,
    pub count: i64,
}

/// A watched code's share (12, 75, 76).
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CodeShare {
    pub code: String,
    pub code_name: String,
    pub graduates: i64,
    pub share: f64,
}

/// R-STAT-01 for a cohort in the signed-in user's scope, the formula beside the figure.
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatisticsView {
    pub cohort: i64,
    pub formula_zh: String,
    pub formula_en: String,
    pub overall: PlacementGroup,
    pub by_code_and_state: Vec<CodeStateCount>,
    pub watched: Vec<CodeShare>,
    pub by_department: Vec<PlacementGroup>,
    pub by_major: Vec<PlacementGroup>,
    pub by_education_level: Vec<PlacementGroup>,
}

/// A cohort's statistics, or their workbook.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatsRequest {
    pub cohort: i64,
}

/// The statistics of a cohort (department reviewers: their department).
pub async fn get(cx: &Cx<'_>, actor: &Actor, req: StatsRequest) -> CommandResult<StatisticsView> {
    Ok(cx.engine.statistics(actor, req.cohort).await?.into())
}

/// The cohorts statistics can be asked for (newest first).
pub async fn cohorts(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<Vec<i64>> {
    let list = cx.engine.cohorts(actor).await?;
    Ok(list.into_iter().map(|c| c.year).collect())
}

/// The statistics workbook (.xlsx) of a cohort.
pub async fn workbook(cx: &Cx<'_>, actor: &Actor, req: StatsRequest) -> CommandResult<Bytes> {
    let bytes = cx
        .engine
        .export_statistics(actor, req.cohort, cx.now)
        .await?;
    Ok(Bytes(bytes))
}

/// The graduates list with its filter, as a workbook (.xlsx).
pub async fn graduates_workbook(
    cx: &Cx<'_>,
    actor: &Actor,
    req: GraduateFilter,
) -> CommandResult<Bytes> {
    let bytes = cx
        .engine
        .export_graduates(actor, &req.into(), cx.now)
        .await?;
    Ok(Bytes(bytes))
}

/// A review queue (every page of the filter), as a workbook (.xlsx).
pub async fn queue_workbook(cx: &Cx<'_>, actor: &Actor, req: QueueFilter) -> CommandResult<Bytes> {
    let q = req.try_into()?;
    let bytes = cx.engine.export_queue(actor, &q, cx.now).await?;
    Ok(Bytes(bytes))
}

impl From<Statistics> for StatisticsView {
    fn from(s: Statistics) -> Self {
        StatisticsView {
            cohort: s.cohort,
            overall: s.overall,
            by_code_and_state: s
                .by_code_and_state
                .iter()
                .map(|(code, state, n)| CodeStateCount {
                    code: code.clone(),
                    code_name: gradsign_engine::export::code_name_zh(code),
                    state: state.clone(),
                    count: *n,
                })
                .collect(),
            watched: s
                .watched_shares
                .iter()
                .map(|(code, share)| CodeShare {
                    code: code.clone(),
                    code_name: gradsign_engine::export::code_name_zh(code),
                    graduates: s.effective_by_code.get(code).copied().unwrap_or(0),
                    share: *share,
                })
                .collect(),
            by_department: s.by_department,
            by_major: s.by_major,
            by_education_level: s.by_education_level,
            formula_zh: s.formula_zh,
            formula_en: s.formula_en,
        }
    }
}
