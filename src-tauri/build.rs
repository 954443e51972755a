//! Build script of the desktop app: tauri-build reads ../tauri.conf.json (the package root) and the
//! capabilities under src-tauri/capabilities, and declares one permission per app command, so a
//! window may call only the commands its capability lists.

/// Every command registered in src-tauri/lib.rs's invoke_handler; keep the two lists equal.
const COMMANDS: &[&str] = &[
    "operation",
    "about_info",
    "settings_save",
    "update_check",
    "update_download",
    "about_open_logs",
    "session_sign_in",
    "session_activate",
    "session_change_password",
    "session_resume",
    "session_sign_out",
    "school_check_server",
    "school_use_server",
    "school_use_here",
    "school_server_identity",
    "school_choose_ca",
    "agreement_save_pdf",
    "graduate_save_data_export",
    "review_print_agreements",
    "stats_export",
    "export_graduates",
    "export_queue",
];

fn main() {
    // tauri-build reads the capabilities through the pattern below but does not ask cargo to run
    // it again when they change: a permission added would otherwise be missing from the build.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
