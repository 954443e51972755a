//! The GradSign desktop shell: a thin Tauri host around the workflow engine.
//!
//! Everything the graduate does goes UI → typed wrapper (ui/src/platform) → a command in
//! [`commands`] → the engine. Nothing here knows about storage or transactions.

pub mod bindings;
pub mod commands;
pub mod data_dir;
pub mod error;
pub mod session_store;
pub mod state;
pub mod update;
pub mod worker;

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
            let state = tauri::async_runtime::block_on(state::AppState::open(&dir))?;
            app.manage(state);
            // The agreement prints with the fonts bundled as resources (same PDF on every machine).
            if let Ok(resources) = app.path().resource_dir() {
                gradsign_documents::Fonts::use_bundled_dir(resources.join("fonts"));
            }
            worker::start(app.handle());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_status,
            commands::about::about_info,
            commands::termination::termination_request,
            commands::termination::termination_answer,
            commands::termination::termination_cancel,
            commands::about::settings_save,
            commands::about::update_check,
            commands::about::update_download,
            commands::school::school_demo_create,
            commands::school::school_setup,
            commands::session::session_sign_in,
            commands::session::session_resume,
            commands::session::session_sign_out,
            commands::graduate::graduate_portal,
            commands::graduate::graduate_confirm_info,
            commands::graduate::graduate_update_contact,
            commands::graduate::graduate_items,
            commands::graduate::graduate_item,
            commands::graduate::graduate_accept_invitation,
            commands::graduate::graduate_reject_invitation,
            commands::graduate::graduate_request_offline_termination,
            commands::graduate::graduate_edit_offline_termination,
            commands::graduate::graduate_create_paper,
            commands::graduate::graduate_edit_paper,
            commands::graduate::graduate_create_destination,
            commands::graduate::graduate_edit_destination,
            commands::graduate::graduate_submit_registration,
            commands::graduate::graduate_withdraw_registration,
            commands::graduate::graduate_void_destination,
            commands::graduate::graduate_reference,
            commands::messages::messages_list,
            commands::messages::messages_mark_read,
            commands::agreement::agreement_pdf,
            commands::agreement::agreement_save_pdf,
            commands::agreement::verify_agreement,
            commands::agreement::verify_read_qr,
            commands::employer::employer_sign_up,
            commands::employer::employer_profile,
            commands::employer::employer_update_profile,
            commands::employer::employer_replace_licence,
            commands::employer::employer_licence,
            commands::employer::employer_add_staff,
            commands::employer::employer_invite,
            commands::employer::employer_items,
            commands::employer::employer_withdraw_invitation,
            commands::review::review_queue,
            commands::review::review_item,
            commands::review::review_decide,
            commands::review::review_edit_destination,
            commands::review::review_item_file,
            commands::review::workspace_reference,
            commands::review::reason_templates_set,
            commands::review::review_print_agreements,
            commands::admin::admin_import_check,
            commands::admin::admin_import,
            commands::admin::admin_graduates,
            commands::admin::admin_fix_preview,
            commands::admin::admin_fix_graduate,
            commands::admin::admin_departments,
            commands::admin::admin_department_add,
            commands::admin::admin_department_rename,
            commands::admin::admin_department_merge,
            commands::admin::admin_cohorts,
            commands::admin::admin_cohort_configure,
            commands::admin::admin_cohort_set_module,
            commands::admin::admin_settings,
            commands::admin::admin_keep_originals_set,
            commands::admin::admin_gateway_set,
            commands::admin::admin_outbox_deliver,
            commands::admin::admin_accounts,
            commands::admin::admin_account_create,
            commands::admin::admin_account_set_disabled,
            commands::admin::admin_password_reset,
            commands::admin::admin_employers,
            commands::admin::admin_employer_approve,
            commands::admin::admin_employer_set_disabled,
            commands::admin::admin_outbox,
            commands::admin::admin_outbox_retry,
            commands::stats::stats_get,
            commands::stats::stats_cohorts,
            commands::stats::stats_export,
            commands::stats::export_graduates,
            commands::stats::export_queue,
            commands::stats::export_default_path,
            commands::stats::export_choose_path,
        ])
        .run(tauri::generate_context!())
        .expect("the GradSign window could not start");
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
