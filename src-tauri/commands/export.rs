//! The Excel exports of statistics and lists (R-STAT-02), saved only where the person chose in
//! the native save dialog the command itself opens (R-DESK-05: the window never names a path).
//! The workbooks themselves are the catalog's `stats_workbook`, `graduates_workbook` and
//! `queue_workbook` (crates/api, stats.rs).

use serde::Serialize;
use serde_json::json;
use tauri::State;
use ts_rs::TS;

use crate::error::CommandResult;
use crate::saved_file::{choose_save_path, write_atomically, SavedKind};
use crate::state::AppState;

/// Where an export was written.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportOutcome {
    pub path: String,
    pub bytes: u32,
}

/// Saves the statistics workbook of `cohort` where the person chooses; none when cancelled.
#[tauri::command]
pub async fn stats_export(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    cohort: i64,
    file_name: String,
) -> CommandResult<Option<ExportOutcome>> {
    save(
        &app,
        &state,
        "stats_workbook",
        json!({ "cohort": cohort }),
        &file_name,
    )
    .await
}

/// Saves the graduates list where the person chooses; `filter` is the catalog's `GraduateFilter`.
#[tauri::command]
pub async fn export_graduates(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    filter: serde_json::Value,
    file_name: String,
) -> CommandResult<Option<ExportOutcome>> {
    save(&app, &state, "graduates_workbook", filter, &file_name).await
}

/// Saves a review queue (every page of the filter) where the person chooses; `filter` is the
/// catalog's `QueueFilter`.
#[tauri::command]
pub async fn export_queue(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    filter: serde_json::Value,
    file_name: String,
) -> CommandResult<Option<ExportOutcome>> {
    save(&app, &state, "queue_workbook", filter, &file_name).await
}

/// Asks where in the native save dialog (offering `file_name`), then has the catalog operation
/// `operation` make the workbook and writes it there atomically (no partial file is left under
/// the chosen name). Cancelled: nothing is made.
async fn save(
    app: &tauri::AppHandle,
    state: &AppState,
    operation: &str,
    request: serde_json::Value,
    file_name: &str,
) -> CommandResult<Option<ExportOutcome>> {
    let title = "导出 Excel / Export to Excel";
    let Some(target) = choose_save_path(app, &safe_name(file_name), title, SavedKind::Xlsx).await
    else {
        return Ok(None);
    };
    let bytes = state.call(operation, request).await?.into_bytes()?;
    write_atomically(&target, &bytes)?;
    Ok(Some(ExportOutcome {
        path: target.display().to_string(),
        bytes: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
    }))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_names_lose_folders_and_gain_xlsx() {
        assert_eq!(safe_name("../../etc/统计 2026"), "etc统计 2026.xlsx");
        assert_eq!(safe_name("名单.XLSX"), "名单.XLSX");
        assert_eq!(safe_name("  "), "export.xlsx");
    }
}
