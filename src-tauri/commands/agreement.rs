//! The electronic agreement (R-PDF, R-SIGN-07): its PDF for preview and saving, for whoever the
//! engine lets see it; and the public verify screen (R-VERIFY-01), which needs no sign-in.

use base64::Engine as _;
use serde::Serialize;
use tauri::State;
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

use crate::commands::actor;
use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::state::{now, AppState};

/// The throttle key of this app's look-ups (R-VERIFY-01): the desktop is one client.
const VERIFY_CLIENT: &str = "desktop";

/// The verify screen's answer: no more personal data than the printed page shows.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerifyView {
    pub exists: bool,
    /// effective | terminated (or another state for completeness).
    pub state: Option<String>,
    pub hash_matches: bool,
    pub agreement_number: Option<String>,
}

/// The code and hash read from a photo of the printed QR code.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QrRead {
    pub code: String,
    pub hash: String,
}

/// The fonts the PDF embeds, parsed once per process.
fn fonts() -> CommandResult<&'static gradsign_documents::Fonts> {
    gradsign_documents::Fonts::system_shared().map_err(CommandError::internal)
}

/// The agreement's PDF bytes (an ArrayBuffer on the UI side), for preview.
#[tauri::command]
pub async fn agreement_pdf(
    state: State<'_, AppState>,
    id: i64,
) -> CommandResult<tauri::ipc::Response> {
    let actor = actor(&state).await?;
    let pdf = state
        .engine()?
        .agreement_pdf(&actor, id, fonts()?, now())
        .await?;
    Ok(tauri::ipc::Response::new(pdf))
}

/// Saves the agreement's PDF where the user chooses in the native save dialog; returns the path,
/// or none when the dialog was cancelled.
#[tauri::command]
pub async fn agreement_save_pdf(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    id: i64,
    file_name: String,
) -> CommandResult<Option<String>> {
    let actor = actor(&state).await?;
    let pdf = state
        .engine()?
        .agreement_pdf(&actor, id, fonts()?, now())
        .await?;
    let title = "保存电子就业协议书 / Save the agreement";
    let Some(path) = choose_pdf_path(&app, &file_name, title).await else {
        return Ok(None);
    };
    write_file(&path, &pdf)?;
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

/// Writes a chosen file; the error names the reason, not the user's folders.
pub(crate) fn write_file(path: &std::path::Path, bytes: &[u8]) -> CommandResult<()> {
    std::fs::write(path, bytes).map_err(|e| {
        CommandError::new(
            ErrorCode::Internal,
            format!("文件未能保存：{}", e.kind()),
            format!("The file could not be saved: {}", e.kind()),
        )
    })
}

/// R-VERIFY-01: checks a printed agreement's verification code and hash (no sign-in).
#[tauri::command]
pub async fn verify_agreement(
    state: State<'_, AppState>,
    code: String,
    hash: String,
) -> CommandResult<VerifyView> {
    let engine = state.engine()?;
    let r = engine
        .verify_agreement(VERIFY_CLIENT, &code, &hash, now())
        .await?;
    Ok(VerifyView {
        exists: r.exists,
        state: r.state,
        hash_matches: r.hash_matches,
        agreement_number: r.agreement_number,
    })
}

/// Reads the verification QR code from a photo or scan of the printed page (no sign-in).
#[tauri::command]
pub async fn verify_read_qr(image_base64: String) -> CommandResult<QrRead> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(image_base64.as_bytes())
        .map_err(|_| no_qr())?;
    let found = tauri::async_runtime::spawn_blocking(move || {
        gradsign_documents::read_verification_qr(&bytes)
    })
    .await
    .map_err(CommandError::internal)?;
    let (code, hash) = found.ok_or_else(no_qr)?;
    Ok(QrRead { code, hash })
}

fn no_qr() -> CommandError {
    let mut e = CommandError::new(
        ErrorCode::Validation,
        "图片中没有找到协议书的验证二维码",
        "No agreement verification QR code was found in the image",
    );
    e.details = serde_json::json!({ "field": "image" });
    e
}
