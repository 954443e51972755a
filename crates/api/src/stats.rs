//! Statistics for reviewers and the admin (R-STAT-01) and the Excel exports of statistics and
//! lists with their filter (R-STAT-02). The engine makes the workbook; the file goes to the path
//! the user chose (typed, or picked in the native save dialog), written beside it and renamed.

use gradsign_engine::queries::PlacementGroup;
use gradsign_engine::Statistics;
use serde::Serialize;
use std::path::{Path, PathBuf};
use tauri::{Manager, State};
use ts_rs::TS;

use crate::commands::actor;
use crate::commands::admin::GraduateFilter;
use crate::commands::review::QueueFilter;
use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::state::{now, AppState};

/// One group's placement (R-STAT-01).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlacementView {
    pub name: String,
    #[ts(type = "number")]
    pub total: i64,
    #[ts(type = "number")]
    pub placed: i64,
    pub rate: f64,
}

/// A count of records by destination code and state.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CodeStateCount {
    pub code: String,
    pub code_name: String,
    pub state: String,
    #[ts(type = "number")]
    pub count: i64,
}

/// A watched code's share (12, 75, 76).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CodeShare {
    pub code: String,
    pub code_name: String,
    #[ts(type = "number")]
    pub graduates: i64,
    pub share: f64,
}

/// R-STAT-01 for a cohort in the signed-in user's scope, the formula beside the figure.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StatisticsView {
    #[ts(type = "number")]
    pub cohort: i64,
    pub formula_zh: String,
    pub formula_en: String,
    pub overall: PlacementView,
    pub by_code_and_state: Vec<CodeStateCount>,
    pub watched: Vec<CodeShare>,
    pub by_department: Vec<PlacementView>,
    pub by_major: Vec<PlacementView>,
    pub by_education_level: Vec<PlacementView>,
}

/// Where an export was written.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportOutcome {
    pub path: String,
    pub bytes: u32,
}

/// The statistics of a cohort (department reviewers: their department).
#[tauri::command]
pub async fn stats_get(state: State<'_, AppState>, cohort: i64) -> CommandResult<StatisticsView> {
    let actor = actor(&state).await?;
    Ok(state.engine()?.statistics(&actor, cohort).await?.into())
}

/// The cohorts statistics can be asked for (newest first).
#[tauri::command]
pub async fn stats_cohorts(state: State<'_, AppState>) -> CommandResult<Vec<i64>> {
    actor(&state).await?;
    let list = state.engine()?.cohorts().await?;
    Ok(list.into_iter().map(|c| c.year).collect())
}

/// Writes the statistics workbook to `path`.
#[tauri::command]
pub async fn stats_export(
    state: State<'_, AppState>,
    cohort: i64,
    path: String,
) -> CommandResult<ExportOutcome> {
    let actor = actor(&state).await?;
    let bytes = state
        .engine()?
        .export_statistics(&actor, cohort, now())
        .await?;
    write_xlsx(&path, &bytes)
}

/// Writes the graduates list (with its filter) to `path`.
#[tauri::command]
pub async fn export_graduates(
    state: State<'_, AppState>,
    filter: GraduateFilter,
    path: String,
) -> CommandResult<ExportOutcome> {
    let actor = actor(&state).await?;
    let bytes = state
        .engine()?
        .export_graduates(&actor, &filter.into(), now())
        .await?;
    write_xlsx(&path, &bytes)
}

/// Writes a review queue (every page of the filter) to `path`.
#[tauri::command]
pub async fn export_queue(
    state: State<'_, AppState>,
    filter: QueueFilter,
    path: String,
) -> CommandResult<ExportOutcome> {
    let actor = actor(&state).await?;
    let q = filter.try_into()?;
    let bytes = state.engine()?.export_queue(&actor, &q, now()).await?;
    write_xlsx(&path, &bytes)
}

/// A suggested path for an export: the user's downloads folder (or home) and `file_name`.
#[tauri::command]
pub fn export_default_path(app: tauri::AppHandle, file_name: String) -> String {
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .unwrap_or_else(|_| PathBuf::from("."));
    dir.join(safe_name(&file_name)).display().to_string()
}

/// The native save dialog for an .xlsx file; none when cancelled.
#[tauri::command]
pub async fn export_choose_path(
    app: tauri::AppHandle,
    file_name: String,
) -> CommandResult<Option<String>> {
    use tauri_plugin_dialog::DialogExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .add_filter("Excel", &["xlsx"])
        .set_file_name(safe_name(&file_name))
        .save_file(move |path| {
            let _ = tx.send(path.and_then(|p| p.into_path().ok()));
        });
    Ok(rx.await.ok().flatten().map(|p| p.display().to_string()))
}

/// A file name without folders or control characters, ending in .xlsx.
fn safe_name(name: &str) -> String {
    let base: String = name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\' | ':'))
        .take(80)
        .collect();
    let base = base.trim().trim_start_matches('.');
    let base = if base.is_empty() { "export" } else { base };
    if base.to_ascii_lowercase().ends_with(".xlsx") {
        base.to_string()
    } else {
        format!("{base}.xlsx")
    }
}

fn refused(field: &str, zh: String, en: String) -> CommandError {
    let mut e = CommandError::new(ErrorCode::Validation, zh, en);
    e.details = serde_json::json!({ "field": field });
    e
}

/// Writes to a temporary file in the target's folder, then renames: no partial file is left.
fn write_xlsx(path: &str, bytes: &[u8]) -> CommandResult<ExportOutcome> {
    let target = PathBuf::from(path.trim());
    if target.as_os_str().is_empty() || !target.is_absolute() {
        return Err(refused(
            "path",
            "请选择保存位置（完整路径）".into(),
            "Choose where to save (a full path)".into(),
        ));
    }
    if target.is_dir() {
        return Err(refused(
            "path",
            "保存位置是一个文件夹，请输入文件名".into(),
            "The path is a folder; add a file name".into(),
        ));
    }
    let dir = target.parent().map(Path::to_path_buf).unwrap_or_default();
    if !dir.is_dir() {
        return Err(refused(
            "path",
            "保存位置所在的文件夹不存在".into(),
            "The folder of the chosen path does not exist".into(),
        ));
    }
    let tmp = dir.join(format!(".gradsign-export-{}.partial", std::process::id()));
    let written = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, &target));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(refused(
            "path",
            format!("文件未能保存：{}", e.kind()),
            format!("The file could not be saved: {}", e.kind()),
        ));
    }
    Ok(ExportOutcome {
        path: target.display().to_string(),
        bytes: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
    })
}

impl From<&PlacementGroup> for PlacementView {
    fn from(g: &PlacementGroup) -> Self {
        PlacementView {
            name: g.name.clone(),
            total: g.total,
            placed: g.placed,
            rate: g.rate,
        }
    }
}

impl From<Statistics> for StatisticsView {
    fn from(s: Statistics) -> Self {
        let groups = |v: &[PlacementGroup]| v.iter().map(PlacementView::from).collect();
        StatisticsView {
            cohort: s.cohort,
            overall: (&s.overall).into(),
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
            by_department: groups(&s.by_department),
            by_major: groups(&s.by_major),
            by_education_level: groups(&s.by_education_level),
            formula_zh: s.formula_zh,
            formula_en: s.formula_en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_names_lose_folders_and_gain_xlsx() {
        assert_eq!(safe_name("../../etc/统计 2026"), "etc统计 2026.xlsx");
        assert_eq!(safe_name("名单.XLSX"), "名单.XLSX");
        assert_eq!(safe_name("  "), "export.xlsx");
    }

    #[test]
    fn a_refused_path_names_the_field_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_xlsx("relative.xlsx", b"x").unwrap_err();
        assert_eq!(e.details["field"], "path");
        let missing = dir.path().join("nope").join("a.xlsx");
        let e = write_xlsx(missing.to_str().unwrap(), b"x").unwrap_err();
        assert!(e.message.en.contains("does not exist"));
        let e = write_xlsx(dir.path().to_str().unwrap(), b"x").unwrap_err();
        assert!(e.message.zh.contains("文件夹"));
        let ok = dir.path().join("统计.xlsx");
        let r = write_xlsx(ok.to_str().unwrap(), b"PK..").unwrap();
        assert_eq!(r.bytes, 4);
        assert_eq!(std::fs::read(&ok).unwrap(), b"PK..");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the export itself");
    }
}
