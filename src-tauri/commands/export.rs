//! The Excel exports of statistics and lists (R-STAT-02) saved where the user chose: typed, or
//! picked in the native save dialog (a desktop thing). The workbooks themselves are the catalog's
//! `stats_workbook`, `graduates_workbook` and `queue_workbook` (crates/api, stats.rs).

use serde::Serialize;
use serde_json::json;
use std::path::PathBuf;
use tauri::{Manager, State};
use ts_rs::TS;

use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::saved_file::write_atomically;
use crate::state::AppState;

/// Where an export was written.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportOutcome {
    pub path: String,
    pub bytes: u32,
}

/// Writes the statistics workbook of `cohort` to `path`.
#[tauri::command]
pub async fn stats_export(
    state: State<'_, AppState>,
    cohort: i64,
    path: String,
) -> CommandResult<ExportOutcome> {
    save(&state, "stats_workbook", json!({ "cohort": cohort }), &path).await
}

/// Writes the graduates list to `path`; `filter` is the catalog's `GraduateFilter`.
#[tauri::command]
pub async fn export_graduates(
    state: State<'_, AppState>,
    filter: serde_json::Value,
    path: String,
) -> CommandResult<ExportOutcome> {
    save(&state, "graduates_workbook", filter, &path).await
}

/// Writes a review queue (every page of the filter) to `path`; `filter` is the catalog's
/// `QueueFilter`.
#[tauri::command]
pub async fn export_queue(
    state: State<'_, AppState>,
    filter: serde_json::Value,
    path: String,
) -> CommandResult<ExportOutcome> {
    save(&state, "queue_workbook", filter, &path).await
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
    let title = "导出 Excel / Export to Excel";
    let chosen = crate::saved_file::choose_save_path(
        &app,
        &safe_name(&file_name),
        title,
        crate::saved_file::SavedKind::Xlsx,
    )
    .await;
    Ok(chosen.map(|p| p.display().to_string()))
}

/// Checks `path`, has the catalog operation `operation` make the workbook, and writes it there
/// atomically (no partial file is left under the chosen name).
async fn save(
    state: &AppState,
    operation: &str,
    request: serde_json::Value,
    path: &str,
) -> CommandResult<ExportOutcome> {
    let target = export_path(path)?;
    let bytes = state.call(operation, request).await?.into_bytes()?;
    write_atomically(&target, &bytes)?;
    Ok(ExportOutcome {
        path: target.display().to_string(),
        bytes: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
    })
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

fn refused(zh: &str, en: &str) -> CommandError {
    let mut e = CommandError::new(ErrorCode::Validation, zh, en);
    e.details = json!({ "field": "path" });
    e
}

/// The chosen path, if it can take a file: absolute, not a folder, in a folder that exists.
fn export_path(path: &str) -> CommandResult<PathBuf> {
    let target = PathBuf::from(path.trim());
    if target.as_os_str().is_empty() || !target.is_absolute() {
        return Err(refused(
            "请选择保存位置（完整路径）",
            "Choose where to save (a full path)",
        ));
    }
    if target.is_dir() {
        return Err(refused(
            "保存位置是一个文件夹，请输入文件名",
            "The path is a folder; add a file name",
        ));
    }
    if !target.parent().is_some_and(|d| d.is_dir()) {
        return Err(refused(
            "保存位置所在的文件夹不存在",
            "The folder of the chosen path does not exist",
        ));
    }
    Ok(target)
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
    fn a_refused_path_names_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let e = export_path("relative.xlsx").unwrap_err();
        assert_eq!(e.details["field"], "path");
        let missing = dir.path().join("nope").join("a.xlsx");
        let e = export_path(missing.to_str().unwrap()).unwrap_err();
        assert!(e.message.en.contains("does not exist"));
        let e = export_path(dir.path().to_str().unwrap()).unwrap_err();
        assert!(e.message.zh.contains("文件夹"));
        let ok = dir.path().join("统计.xlsx");
        assert_eq!(export_path(&format!(" {} ", ok.display())).unwrap(), ok);
    }
}
