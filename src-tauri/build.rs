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
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
