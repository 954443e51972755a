//! The About dialog: version, database, licences, settings and updates.

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use ts_rs::TS;

use crate::error::CommandResult;
use crate::school::SchoolPlace;
use crate::state::{database_path, AppState, School};
use crate::update::{self, AppSettings, PendingUpdate, UpdateInfo, UpdateOutcome, UpdateProgress};
use crate::LogFolder;

/// A licence notice shown in the About dialog.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LicenceNotice {
    pub component: String,
    pub licence: String,
    pub text: String,
}

/// What the About dialog shows.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AboutInfo {
    pub version: String,
    /// How this copy was installed: deb, appimage, msi, nsis, app, or development.
    pub bundle: String,
    pub database_path: String,
    /// The schema version the database holds (None when it could not be opened).
    pub schema_version: Option<i64>,
    /// The newest schema this build knows.
    pub supported_schema_version: i64,
    pub licences: Vec<LicenceNotice>,
    pub settings: AppSettings,
    /// Where the school is: this machine, or the school's server (its address).
    pub school: SchoolPlaceView,
    /// The folder of the app's log file (R-DESK-01).
    pub log_folder: String,
}

/// Where the school is, as the About dialog shows it (never the CA's text).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SchoolPlaceView {
    /// here | server
    pub kind: String,
    pub address: Option<String>,
    /// Whether the server's certificate is checked against the school's CA file (otherwise the
    /// system's roots).
    pub school_ca: bool,
}

impl From<&SchoolPlace> for SchoolPlaceView {
    fn from(p: &SchoolPlace) -> Self {
        match p {
            SchoolPlace::Here => SchoolPlaceView {
                kind: "here".into(),
                address: None,
                school_ca: false,
            },
            SchoolPlace::Server { address, ca_pem } => SchoolPlaceView {
                kind: "server".into(),
                address: Some(address.clone()),
                school_ca: ca_pem.is_some(),
            },
        }
    }
}

/// The About dialog's facts.
#[tauri::command]
pub async fn about_info(
    app: AppHandle,
    state: State<'_, AppState>,
    logs: State<'_, LogFolder>,
) -> CommandResult<AboutInfo> {
    let school = state.school();
    let schema_version = match &*school {
        Ok(School::Here(engine)) => engine.store().schema_version().await.ok(),
        Ok(School::Server(_)) | Err(_) => None,
    };
    Ok(AboutInfo {
        version: app.package_info().version.to_string(),
        bundle: update::bundle_name().into(),
        database_path: database_path(state.data_dir()).display().to_string(),
        schema_version,
        supported_schema_version: gradsign_engine::store::SCHEMA_VERSION,
        licences: licences(),
        settings: AppSettings::load(state.data_dir()),
        school: (&SchoolPlace::load(state.data_dir())).into(),
        log_folder: logs.0.display().to_string(),
    })
}

/// Opens the log folder in the system's file manager (R-DESK-01).
#[tauri::command]
pub async fn about_open_logs(logs: State<'_, LogFolder>) -> CommandResult<()> {
    let opener = if cfg!(target_os = "windows") {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(&logs.0)
        .spawn()
        .map(drop)
        .map_err(|e| {
            crate::error::CommandError::new(
                crate::error::ErrorCode::Unavailable,
                format!("无法打开日志文件夹 {}：{e}", logs.0.display()),
                format!("Cannot open the log folder {}: {e}", logs.0.display()),
            )
        })
}

/// Saves the app's settings (update check at start-up, update address).
#[tauri::command]
pub async fn settings_save(state: State<'_, AppState>, settings: AppSettings) -> CommandResult<()> {
    save_settings(&state, &settings).await
}

/// R-DESK-04: the update settings decide where this machine's software comes from, so only a
/// signed-in school admin changes them (the engine says who is signed in, here or on the
/// school's server); saving them unchanged needs nobody. The language is the window's own.
pub async fn save_settings(state: &AppState, settings: &AppSettings) -> CommandResult<()> {
    if *settings == AppSettings::load(state.data_dir()) {
        return Ok(());
    }
    let refused = || {
        crate::error::CommandError::new(
            crate::error::ErrorCode::Forbidden,
            "只有学校管理员登录后才能修改更新设置",
            "Only a signed-in school admin can change the update settings",
        )
        .with_details(serde_json::json!({ "field": "updateEndpoint" }))
    };
    if state.token().is_err() {
        return Err(refused());
    }
    let user: gradsign_api::session::SessionUser = serde_json::from_value(
        state
            .call("session_user", serde_json::Value::Null)
            .await?
            .into_json()?,
    )
    .map_err(crate::error::CommandError::internal)?;
    if user.role != gradsign_api::session::UserRole::SchoolAdmin {
        return Err(refused());
    }
    settings.save(state.data_dir())
}

/// Asks the update server for a newer version.
#[tauri::command]
pub async fn update_check(
    app: AppHandle,
    state: State<'_, AppState>,
    pending: State<'_, PendingUpdate>,
) -> CommandResult<Option<UpdateInfo>> {
    update::check(&app, &AppSettings::load(state.data_dir()), &pending).await
}

/// Downloads and verifies the update found by `update_check`; installs it and restarts where
/// the bundle can replace itself, otherwise saves it for the package manager.
#[tauri::command]
pub async fn update_download(
    app: AppHandle,
    state: State<'_, AppState>,
    pending: State<'_, PendingUpdate>,
    on_progress: Channel<UpdateProgress>,
) -> CommandResult<UpdateOutcome> {
    let outcome =
        update::download(&pending, &state.data_dir().join("updates"), &on_progress).await?;
    if outcome.installed {
        app.restart();
    }
    Ok(outcome)
}

fn licences() -> Vec<LicenceNotice> {
    vec![
        LicenceNotice {
            component: "GradSign".into(),
            licence: "MIT".into(),
            text: "Copyright (c) GradSign contributors. Permission is hereby granted, free of charge, to any person obtaining a copy of this software, to deal in the software without restriction, subject to the MIT licence.".into(),
        },
        LicenceNotice {
            component: "Noto Serif CJK SC, Noto Sans CJK SC (bundled fonts, embedded in agreement PDFs)".into(),
            licence: "SIL Open Font License 1.1".into(),
            text: include_str!("../../licenses/OFL-NotoCJK.txt").into(),
        },
        LicenceNotice {
            component: "Tauri, WebKitGTK, Vue, Element Plus, pdf.js and the other libraries GradSign is built on".into(),
            licence: "MIT / Apache-2.0 / LGPL-2.1 (WebKitGTK, as a system library)".into(),
            text: "See each library's licence; the Rust crates' licences are listed by `cargo metadata`, the UI's by `npm ls` in ui/.".into(),
        },
    ]
}
