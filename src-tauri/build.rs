//! Build script of the desktop app: tauri-build reads ../tauri.conf.json (the package root) and the
//! capabilities under src-tauri/capabilities, and declares one permission per app command, so a
//! window may call only the commands its capability lists.

/// Every command registered in src-tauri/lib.rs's invoke_handler; keep the two lists equal.
const COMMANDS: &[&str] = &[
    "app_status",
    "school_demo_create",
    "school_setup",
    "session_sign_in",
    "session_resume",
    "session_sign_out",
    "admin_import_check",
    "admin_import",
    "admin_graduates",
    "admin_fix_preview",
    "admin_fix_graduate",
    "admin_departments",
    "admin_department_add",
    "admin_department_rename",
    "admin_department_merge",
    "admin_cohorts",
    "admin_cohort_configure",
    "admin_cohort_set_module",
    "admin_settings",
    "admin_keep_originals_set",
    "admin_gateway_set",
    "admin_outbox_deliver",
    "admin_accounts",
    "admin_account_create",
    "admin_account_set_disabled",
    "admin_password_reset",
    "admin_employers",
    "admin_employer_approve",
    "admin_employer_set_disabled",
    "admin_outbox",
    "admin_outbox_retry",
    "stats_get",
    "stats_cohorts",
    "stats_export",
    "export_graduates",
    "export_queue",
    "export_default_path",
    "export_choose_path",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
