//! Saving the electronic agreement (R-PDF, R-SIGN-07) through the native save dialog, for whoever
//! the engine lets see it. The PDF itself is the catalog's `agreement_pdf`; the verify screen is
//! in crates/api too (agreement.rs).

use serde_json::json;
use tauri::State;
use tauri_plugin_dialog::DialogExt;

use crate::error::CommandResult;
use crate::saved_file::write_atomically;
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
    let Some(path) = choose_pdf_path(&app, &file_name, title).await else {
        return Ok(None);
    };
    write_atomically(&path, &pdf)?;
    Ok(Some(path.display().to_string()))
}

/// The native save dialog for a PDF; none when cancelled.
pub(crate) async fn choose_pdf_path(
    app: &tauri::AppHandle,
    file_name: &str,
    title: &str,
) -> Option<std::path::PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .add_filter("PDF", &["pdf"])
        .set_file_name(file_name)
        .save_file(move |path| {
            let _ = tx.send(path.and_then(|p| p.into_path().ok()));
        });
    rx.await.ok().flatten()
}
