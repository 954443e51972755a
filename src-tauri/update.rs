//! Updates through tauri-plugin-updater: check the manifest, download with progress, check the
//! minisign signature (and that it was made for the version the manifest announces), then install
//! and restart where the bundle can replace itself (AppImage, Windows, macOS). A .deb (or a
//! development build) is never replaced behind the package manager's back: the verified package
//! is saved in the data folder and the About dialog says how to install it.
//!
//! Release builds trust only the public key in tauri.conf.json and https endpoints. Development
//! builds also read `GRADSIGN_UPDATE_PUBKEY` (so the end-to-end test can sign with a key it makes)
//! and accept http.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};
use ts_rs::TS;

use crate::error::{CommandError, CommandResult, ErrorCode};

/// The app's own settings, kept as `settings.json` in the data folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct AppSettings {
    /// Look for a newer version when the app starts.
    pub check_updates_at_startup: bool,
    /// The update manifest's URL; None uses the one in tauri.conf.json.
    pub update_endpoint: Option<String>,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            check_updates_at_startup: true,
            update_endpoint: None,
        }
    }
}

impl AppSettings {
    fn path(data_dir: &Path) -> PathBuf {
        data_dir.join("settings.json")
    }

    /// The saved settings; defaults when there is no file or it cannot be read.
    pub fn load(data_dir: &Path) -> Self {
        std::fs::read(Self::path(data_dir))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Saves whole (temporary file, then rename). A bad endpoint is refused first: https only,
    /// plain http only to this machine (R-DESK-04).
    pub fn save(&self, data_dir: &Path) -> CommandResult<()> {
        if let Some(url) = &self.update_endpoint {
            if !gradsign_engine::outbox::https_or_loopback(url) {
                let mut e = CommandError::new(
                    ErrorCode::Validation,
                    "更新地址必须是 https:// 开头的网址",
                    "The update address must be an https:// URL",
                );
                e.details = serde_json::json!({ "field": "updateEndpoint" });
                return Err(e);
            }
        }
        let path = Self::path(data_dir);
        let tmp = path.with_extension("json.partial");
        let bytes = serde_json::to_vec_pretty(self).map_err(CommandError::internal)?;
        std::fs::write(&tmp, bytes)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                CommandError::internal(format!("settings: {e}"))
            })
    }
}

/// A newer version the manifest announces.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateInfo {
    pub version: String,
    pub current_version: String,
    /// Release notes, shown as plain text.
    pub notes: Option<String>,
    /// The publication date (RFC 3339), if the manifest gives one.
    pub date: Option<String>,
    /// The bundle can replace itself (AppImage, Windows, macOS); otherwise the package is
    /// downloaded, verified and saved for the package manager.
    pub can_install: bool,
}

/// Download progress, sent while the package arrives.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "event")]
pub enum UpdateProgress {
    Started { total: Option<u64> },
    Progress { downloaded: u64 },
    Verified,
}

/// What a finished download did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOutcome {
    /// Installed; the app restarts.
    pub installed: bool,
    /// Where the verified package was saved (a .deb or development install).
    pub saved_to: Option<String>,
}

/// The update found by the last check, kept until it is downloaded.
#[derive(Default)]
pub struct PendingUpdate(Mutex<Option<Update>>);

impl std::fmt::Debug for PendingUpdate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PendingUpdate")
    }
}

/// Whether this bundle can replace itself.
pub fn can_install() -> bool {
    use tauri::utils::config::BundleType;
    matches!(
        tauri::utils::platform::bundle_type(),
        Some(BundleType::AppImage | BundleType::Nsis | BundleType::Msi | BundleType::App)
    )
}

/// How this copy was installed, for the About dialog.
pub fn bundle_name() -> &'static str {
    use tauri::utils::config::BundleType;
    match tauri::utils::platform::bundle_type() {
        Some(BundleType::Deb) => "deb",
        Some(BundleType::Rpm) => "rpm",
        Some(BundleType::AppImage) => "appimage",
        Some(BundleType::Msi) => "msi",
        Some(BundleType::Nsis) => "nsis",
        Some(BundleType::App | BundleType::Dmg) => "app",
        None => "development",
    }
}

/// Asks the manifest for a newer version.
pub async fn check<R: Runtime>(
    app: &AppHandle<R>,
    settings: &AppSettings,
    pending: &PendingUpdate,
) -> CommandResult<Option<UpdateInfo>> {
    let mut builder = app.updater_builder();
    if let Some(endpoint) = endpoint(settings) {
        let url = url::Url::parse(&endpoint).map_err(|_| unavailable("endpoint"))?;
        builder = builder.endpoints(vec![url]).map_err(from_updater)?;
    }
    if let Some(key) = development_pubkey() {
        builder = builder.pubkey(key);
    }
    let updater = builder
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(from_updater)?;
    let found = updater.check().await.map_err(from_updater)?;
    let info = found.as_ref().map(|u| UpdateInfo {
        version: u.version.clone(),
        current_version: u.current_version.clone(),
        notes: u.body.clone(),
        date: u.date.and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        }),
        can_install: can_install(),
    });
    *pending.0.lock().unwrap_or_else(|p| p.into_inner()) = found;
    Ok(info)
}

/// Downloads the update found by [`check`], verifies it, and installs it (then the caller
/// restarts) or saves it into `save_dir`. A package that fails verification is neither
/// installed nor saved.
pub async fn download(
    pending: &PendingUpdate,
    save_dir: &Path,
    progress: &Channel<UpdateProgress>,
) -> CommandResult<UpdateOutcome> {
    let update = pending
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .ok_or_else(|| {
            CommandError::new(
                ErrorCode::InvalidState,
                "请先检查更新",
                "Check for updates first",
            )
        })?;
    let mut downloaded = 0u64;
    let mut started = false;
    let bytes = update
        .download(
            |chunk, total| {
                if !started {
                    started = true;
                    let _ = progress.send(UpdateProgress::Started { total });
                }
                downloaded += chunk as u64;
                let _ = progress.send(UpdateProgress::Progress { downloaded });
            },
            || {},
        )
        .await
        .map_err(from_updater)?;
    let _ = progress.send(UpdateProgress::Verified);
    if can_install() {
        update.install(&bytes).map_err(from_updater)?;
        return Ok(UpdateOutcome {
            installed: true,
            saved_to: None,
        });
    }
    let saved = save_package(save_dir, &update, &bytes)?;
    Ok(UpdateOutcome {
        installed: false,
        saved_to: Some(saved.display().to_string()),
    })
}

/// The manifest URL: `GRADSIGN_UPDATE_ENDPOINT`, else the setting, else tauri.conf.json's.
fn endpoint(settings: &AppSettings) -> Option<String> {
    std::env::var("GRADSIGN_UPDATE_ENDPOINT")
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| settings.update_endpoint.clone())
}

fn development_pubkey() -> Option<String> {
    if cfg!(debug_assertions) {
        std::env::var("GRADSIGN_UPDATE_PUBKEY")
            .ok()
            .filter(|s| !s.is_empty())
    } else {
        None
    }
}

/// Saves the verified package as `updates/<file name of its URL>` (temporary name, then rename).
fn save_package(dir: &Path, update: &Update, bytes: &[u8]) -> CommandResult<PathBuf> {
    let name: String = update
        .download_url
        .path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .collect();
    let name = if name.is_empty() || name.starts_with('.') {
        format!("GradSign_{}.package", update.version)
    } else {
        name
    };
    std::fs::create_dir_all(dir).map_err(|e| CommandError::internal(format!("updates: {e}")))?;
    let path = dir.join(name);
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            CommandError::internal(format!("updates: {e}"))
        })?;
    Ok(path)
}

fn unavailable(context: &str) -> CommandError {
    let mut e = CommandError::new(
        ErrorCode::UpdateUnavailable,
        "无法连接更新服务器，请稍后再试",
        "The update server could not be reached; try again later",
    );
    e.details = serde_json::json!({ "context": context });
    e
}

/// The plugin's errors as the UI tells them apart: a bad signature (or one made for another
/// version) is a refusal, anything else means the server is not usable now.
fn from_updater(e: tauri_plugin_updater::Error) -> CommandError {
    use tauri_plugin_updater::Error as E;
    match e {
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::SignedVersionMismatch { .. }
        | E::MissingSignedVersion => {
            let mut err = CommandError::new(
                ErrorCode::UpdateRejected,
                "更新包未通过签名校验，已拒绝安装（可能被篡改，或与公布的版本不符）",
                "The update failed its signature check and was not installed (it may have been tampered with, or does not match the announced version)",
            );
            err.details = serde_json::json!({ "reason": e.to_string() });
            err
        }
        other => unavailable(&other.to_string()),
    }
}
