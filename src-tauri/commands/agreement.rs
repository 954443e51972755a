//! Saving the electronic agreement (R-PDF, R-SIGN-07) through the native save dialog, for whoever
//! the engine lets see it. The PDF itself is the catalog's `agreement_pdf`; the verify screen is
//! in crates/api too (agreement.rs).

use serde_json::json;
use tauri::State;

use crate::error::CommandResult;
use crate::saved_file::{choose_save_path, write_atomically, SavedKind};
use crate::state::AppState;

/// Saves the agreement's PDF where the user chooses in the native save dialog; returns the path,
/// or none when the dialog was cancelled.
#[tauri::command]
pub async fn agreement_save_pdf(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    id: i64,
    file_name: String,
) -> CommandResult<Option<String>> {
    let pdf = state
        .call("agreement_pdf", json!({ "id": id }))
        .await?
        .into_bytes()?;
    let title = "保存电子就业协议书 / Save the agreement";
    let Some(path) = choose_save_path(&app, &file_name, title, SavedKind::Pdf).await else {
        return Ok(None);
    };
    write_atomically(&path, &pdf)?;
    Ok(Some(path.display().to_string()))
}

/// R-PIPL-01: saves the graduate's personal data archive (the catalog's `graduate_data_export`)
/// where they choose in the native save dialog; returns the path, or none when cancelled.
#[tauri::command]
pub async fn graduate_save_data_export(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    file_name: String,
) -> CommandResult<Option<String>> {
    let archive = state
        .call("graduate_data_export", serde_json::Value::Null)
        .await?
        .into_bytes()?;
    let title = "保存我的个人信息 / Save my personal data";
    let Some(path) = choose_save_path(&app, &file_name, title, SavedKind::Zip).await else {
        return Ok(None);
    };
    write_atomically(&path, &archive)?;
    Ok(Some(path.display().to_string()))
}
