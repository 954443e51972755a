//! The GradSign desktop shell: a thin Tauri host around the workflow engine.
//!
//! Everything the graduate does goes UI → typed wrapper (ui/src/platform) → a command in
//! [`commands`] → the engine. Nothing here knows about storage or transactions.

pub mod bindings;
pub mod commands;
pub mod data_dir;
pub mod log_file;
pub use gradsign_api::error;
pub mod saved_file;
pub mod school;
pub mod session_store;
pub mod single_instance;
pub mod state;
pub mod update;
pub mod worker;

#[cfg(test)]
mod remote_mode_tests;

use tauri::Manager;

/// Starts the desktop app; returns when the last window closes.
pub fn run() {
    linux_webkit_workarounds();
    let requested_dir = data_dir::requested(std::env::args_os(), |k| std::env::var_os(k));
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(update::PendingUpdate::default())
        .setup(move |app| {
            let dir = match &requested_dir {
                Some(dir) => dir.clone(),
                None => app.path().app_data_dir()?,
            };
            let logs = log_file::folder(
                requested_dir.as_deref(),
                app.path().app_log_dir().ok(),
                &dir,
            );
            if let Err(e) = log_file::start(&logs) {
                eprintln!("gradsign: cannot write the log in {}: {e}", logs.display());
            }
            tracing::info!(target: "gradsign", version = %app.package_info().version, "started");
            // R-DESK-02: one app per data folder; a second launch shows the first's window.
            let shown = app.handle().clone();
            match single_instance::claim(&dir, move || show_main_window(&shown))? {
                single_instance::Claim::First(lock) => {
                    app.manage(HeldFolder(lock));
                }
                single_instance::Claim::Second => {
                    tracing::info!(target: "gradsign", "the data folder is open in another window: ending");
                    std::process::exit(0);
                }
            }
            app.manage(LogFolder(logs));
            let state = tauri::async_runtime::block_on(state::AppState::open(&dir))?;
            // A file streaming to the school's server: the window hears its bytes.
            let window = app.handle().clone();
            state.set_upload_progress(std::sync::Arc::new(move |name: &str, sent, total| {
                use tauri::Emitter;
                let _ = window.emit(
                    "upload-progress",
                    serde_json::json!({ "name": name, "sent": sent, "total": total }),
                );
            }));
            app.manage(state);
            // The agreement prints with the fonts bundled as resources (same PDF on every machine).
            if let Ok(resources) = app.path().resource_dir() {
                gradsign_documents::Fonts::use_bundled_dir(resources.join("fonts"));
            }
            worker::start(app.handle());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::operation::operation,
            commands::about::about_info,
            commands::about::settings_save,
            commands::about::update_check,
            commands::about::update_download,
            commands::about::about_open_logs,
            commands::session::session_sign_in,
            commands::session::session_activate,
            commands::session::session_change_password,
            commands::session::session_resume,
            commands::session::session_sign_out,
            commands::school::school_check_server,
            commands::school::school_use_server,
            commands::school::school_use_here,
            commands::school::school_server_identity,
            commands::school::school_choose_ca,
            commands::agreement::agreement_save_pdf,
            commands::agreement::graduate_save_data_export,
            commands::review::review_print_agreements,
            commands::export::stats_export,
            commands::export::export_graduates,
            commands::export::export_queue,
        ])
        .run(tauri::generate_context!())
        .expect("the GradSign window could not start");
}

/// The data folder's lock, held while the app runs (R-DESK-02).
#[derive(Debug)]
pub struct HeldFolder(#[allow(dead_code)] single_instance::FolderLock);

/// Where this app writes its log (the About dialog opens it).
#[derive(Debug, Clone)]
pub struct LogFolder(pub std::path::PathBuf);

/// Brings the main window forward (a second launch asked for it).
fn show_main_window(app: &tauri::AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

/// WebKitGTK shows blank windows on some GPUs with its DMA-BUF renderer; turn it off unless the
/// user chose otherwise.
fn linux_webkit_workarounds() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        // Safe here: called first thing in `run`, before any thread is started.
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
}
