//! What the app holds while it runs: the school (the engine over the data folder's database, or
//! the school's server), the remembered-session store and the signed-in session.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use gradsign_api::{Caller, Reply};
use gradsign_engine::{Engine, SessionToken, Timestamp};
use gradsign_remote::SchoolServer;

use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::school::SchoolPlace;
use crate::session_store::{KeychainError, SessionStore};

/// What the desktop's anonymous look-ups are throttled by (R-VERIFY-02): the app is one client.
pub(crate) const DESKTOP_CLIENT: &str = "desktop";

/// Where the school's records are, as the app reaches them. Nothing in the UI knows which: every
/// operation goes through [`AppState::call`].
#[derive(Debug)]
pub enum School {
    /// The data folder's database, on this machine (boxed: an engine is large, and a school
    /// is one of either).
    Here(Box<Engine>),
    /// The school's server: every operation is sent there.
    Server(SchoolServer),
}

impl School {
    /// This machine's engine; none on a server.
    pub fn engine(&self) -> Option<&Engine> {
        match self {
            School::Here(engine) => Some(engine),
            School::Server(_) => None,
        }
    }
}

/// The state every command receives.
pub struct AppState {
    /// The school, or why it could not be opened (a database written by a newer version, a
    /// server address that is not one): the first screen shows that message instead of crashing.
    /// Replaced whole when the person switches between this machine and a server.
    school: RwLock<Arc<Result<School, CommandError>>>,
    data_dir: PathBuf,
    session_store: SessionStore,
    session: Mutex<Option<SessionToken>>,
    /// Told each file's bytes as they stream to the school's server (the window's progress bar).
    upload_progress: Mutex<Option<UploadProgress>>,
    /// Changes whenever the session or the school changes: the message watch starts over.
    sessions: tokio::sync::watch::Sender<u64>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("school", &self.school())
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

/// `(file name, bytes sent, bytes in all)` as a file streams to the school's server.
pub type UploadProgress = Arc<dyn Fn(&str, u64, u64) + Send + Sync>;

/// What happened to "remember me" (see `commands::session::Remembered`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RememberOutcome {
    Stored,
    NotAsked,
    KeychainUnavailable,
}

impl AppState {
    /// Opens the data folder and the school it names (`school.json`): here, `gradsign.sqlite3`
    /// (migrated; uploaded files live in the database, an earlier version's `files/` folder is
    /// copied in at the first open, R-UPLOAD-02), or the school's server (nothing is sent yet:
    /// the app starts while its server is down).
    pub async fn open(data_dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(data_dir)?;
        crate::data_dir::sweep_leftovers(data_dir);
        let school = open_school(data_dir, &SchoolPlace::load(data_dir)).await;
        Ok(Self {
            school: RwLock::new(Arc::new(school)),
            data_dir: data_dir.to_path_buf(),
            session_store: SessionStore::for_data_dir(data_dir),
            session: Mutex::new(None),
            upload_progress: Mutex::new(None),
            sessions: tokio::sync::watch::channel(0).0,
        })
    }

    /// The school as it is now (a switch replaces it; a call in flight keeps the one it began with).
    pub fn school(&self) -> Arc<Result<School, CommandError>> {
        self.school
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Moves to `place` and keeps the choice: the session ends (it belongs to the other school)
    /// and the remembered one is forgotten.
    pub async fn switch(&self, place: &SchoolPlace) -> CommandResult<()> {
        let school = open_school(&self.data_dir, place).await;
        if let Err(e) = &school {
            return Err(e.clone());
        }
        place.save(&self.data_dir)?;
        *self.school.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(school);
        self.end_session().await?;
        Ok(())
    }

    /// Who hears the bytes of files streaming to the school's server.
    pub fn set_upload_progress(&self, sink: UploadProgress) {
        *self
            .upload_progress
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(sink);
    }

    fn upload_progress(&self) -> Option<UploadProgress> {
        self.upload_progress
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Runs one catalog operation as this window's session (anonymous when signed out).
    pub async fn call(&self, name: &str, request: serde_json::Value) -> CommandResult<Reply> {
        self.call_keyed(name, request, None).await
    }

    /// [`AppState::call`] with the window's idempotency key for this submission: on the
    /// school's server a submission sent again (after the connection came back) with the same
    /// key is applied once (R-IDEM-01). On this machine there is no connection to lose.
    pub async fn call_keyed(
        &self,
        name: &str,
        request: serde_json::Value,
        key: Option<&str>,
    ) -> CommandResult<Reply> {
        let token = self.token().ok();
        self.run(token.as_ref(), name, request, key).await
    }

    /// Runs one catalog operation as `token` (anonymous without one), here or on the server.
    pub async fn call_as(
        &self,
        token: Option<&SessionToken>,
        name: &str,
        request: serde_json::Value,
    ) -> CommandResult<Reply> {
        self.run(token, name, request, None).await
    }

    async fn run(
        &self,
        token: Option<&SessionToken>,
        name: &str,
        request: serde_json::Value,
        key: Option<&str>,
    ) -> CommandResult<Reply> {
        let school = self.school();
        match &*school {
            Err(e) => Err(e.clone()),
            Ok(School::Here(engine)) => {
                let caller = match token {
                    Some(t) => Caller::with_token(t.clone(), DESKTOP_CLIENT),
                    None => Caller::anonymous(DESKTOP_CLIENT),
                };
                let cx = gradsign_api::Cx {
                    engine,
                    now: now(),
                    caller: &caller,
                };
                gradsign_api::dispatch(&cx, name, request).await
            }
            Ok(School::Server(server)) => {
                let token = token.map(|t| t.0.as_str());
                // Files stream to the server's uploads route first (R-UPLOAD-03); the request
                // names them by id, so no JSON body carries a file. Anonymous requests (an
                // employer's sign-up) keep their one file inline (R-SERVER-05).
                let request = match token {
                    Some(t) => {
                        let on_progress = self.upload_progress();
                        // Stamped pages have their QR code read on the original (R-OFFSIGN-04).
                        let purpose =
                            (name == "graduate_upload_stamped_pages").then_some("stamped_page");
                        stage_files(server, t, request, &on_progress, purpose).await?
                    }
                    None => request,
                };
                server.run(token, name, &request, key).await
            }
        }
    }

    /// The data folder: the database, `backups/`, `updates/`, `settings.json` (and an earlier
    /// version's `files/`, read once).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The signed-in session's token.
    pub fn token(&self) -> CommandResult<SessionToken> {
        self.lock().clone().ok_or_else(|| {
            CommandError::new(
                ErrorCode::Unauthenticated,
                "请先登录",
                "Please sign in first",
            )
        })
    }

    /// Keeps `token` as the signed-in session (already remembered: a resumed session).
    pub fn keep_session(&self, token: SessionToken) {
        self.set_session(Some(token));
    }

    /// Keeps `token` as the signed-in session, and in the keychain when `remember` (otherwise
    /// any earlier remembered session is forgotten).
    pub async fn start_session(&self, token: SessionToken, remember: bool) -> RememberOutcome {
        self.set_session(Some(token.clone()));
        let store = self.session_store.clone();
        let result = tauri::async_runtime::spawn_blocking(move || {
            if remember {
                store.save(&token)
            } else {
                store.clear()
            }
        })
        .await;
        match (remember, result) {
            (true, Ok(Ok(()))) => RememberOutcome::Stored,
            (true, _) => RememberOutcome::KeychainUnavailable,
            (false, _) => RememberOutcome::NotAsked,
        }
    }

    /// Replaces the signed-in session `old` by `new` (a password change ended `old`, R-AUTH-06);
    /// when the keychain remembered `old`, it remembers `new` instead.
    pub async fn rotate_session(&self, old: &SessionToken, new: SessionToken) -> RememberOutcome {
        self.set_session(Some(new.clone()));
        let store = self.session_store.clone();
        let old = old.clone();
        let result = tauri::async_runtime::spawn_blocking(move || match store.load() {
            Ok(Some(remembered)) if remembered == old => store.save(&new).map(|()| true),
            Ok(_) => Ok(false),
            Err(e) => Err(e),
        })
        .await;
        match result {
            Ok(Ok(true)) => RememberOutcome::Stored,
            Ok(Ok(false)) | Ok(Err(KeychainError::Unavailable(_))) => RememberOutcome::NotAsked,
            Ok(Err(_)) | Err(_) => RememberOutcome::KeychainUnavailable,
        }
    }

    /// The session remembered in the keychain, if any (none when there is no keychain).
    pub async fn remembered_token(&self) -> Option<SessionToken> {
        let store = self.session_store.clone();
        match tauri::async_runtime::spawn_blocking(move || store.load()).await {
            Ok(Ok(token)) => token,
            Ok(Err(KeychainError::Unavailable(_) | KeychainError::Failed(_))) | Err(_) => None,
        }
    }

    /// Drops the signed-in session and forgets the remembered one.
    pub async fn end_session(&self) -> CommandResult<Option<SessionToken>> {
        let token = self.set_session(None);
        let store = self.session_store.clone();
        match tauri::async_runtime::spawn_blocking(move || store.clear()).await {
            Ok(Ok(()) | Err(KeychainError::Unavailable(_))) => Ok(token),
            Ok(Err(e)) => Err(CommandError::internal(e)),
            Err(e) => Err(CommandError::internal(e)),
        }
    }

    /// Changes whenever the signed-in session or the school changes.
    pub fn session_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.sessions.subscribe()
    }

    fn set_session(&self, token: Option<SessionToken>) -> Option<SessionToken> {
        let old = std::mem::replace(&mut *self.lock(), token);
        self.sessions.send_modify(|n| *n = n.wrapping_add(1));
        old
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<SessionToken>> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// `request` with every inline file (`{name, dataBase64}`, the catalog's `UploadInput`) streamed
/// to the server's uploads route and named by its id (`{name, uploadId}`). A file that is not
/// an image the server takes stays inline, for the engine to refuse with its own message.
fn stage_files<'a>(
    server: &'a SchoolServer,
    token: &'a str,
    request: serde_json::Value,
    on_progress: &'a Option<UploadProgress>,
    purpose: Option<&'a str>,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = CommandResult<serde_json::Value>> + Send + 'a>,
> {
    use base64::Engine as _;
    use serde_json::Value;
    Box::pin(async move {
        match request {
            Value::Object(map) => {
                let inline = match (map.get("name"), map.get("dataBase64"), map.len()) {
                    (Some(Value::String(n)), Some(Value::String(d)), 2) => {
                        Some((n.clone(), d.clone()))
                    }
                    _ => None,
                };
                if let Some((name, data)) = inline {
                    let bytes = base64::engine::general_purpose::STANDARD.decode(data.as_bytes());
                    if let (Ok(bytes), Some(kind)) =
                        (&bytes, bytes.as_ref().ok().and_then(|b| image_type(b)))
                    {
                        let sink = on_progress.clone();
                        let shown = name.clone();
                        let staged = server
                            .upload(
                                token,
                                &name,
                                kind,
                                bytes.clone(),
                                purpose,
                                move |sent, total| {
                                    if let Some(sink) = &sink {
                                        sink(&shown, sent, total);
                                    }
                                },
                            )
                            .await?;
                        return Ok(serde_json::json!({ "name": name, "uploadId": staged.id }));
                    }
                    return Ok(Value::Object(map));
                }
                let mut out = serde_json::Map::new();
                for (k, v) in map {
                    out.insert(
                        k,
                        stage_files(server, token, v, on_progress, purpose).await?,
                    );
                }
                Ok(Value::Object(out))
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for v in items {
                    out.push(stage_files(server, token, v, on_progress, purpose).await?);
                }
                Ok(Value::Array(out))
            }
            other => Ok(other),
        }
    })
}

/// The upload route's content type for an image's bytes (R-UPLOAD-01: JPEG, PNG or WebP).
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The school at `place`: this machine's database, opened (and migrated), or the server's
/// address and trust, checked but not yet asked.
async fn open_school(data_dir: &Path, place: &SchoolPlace) -> Result<School, CommandError> {
    match place {
        SchoolPlace::Here => match database_path(data_dir).to_str() {
            // R-BACKUP-01: a database an older version wrote is copied before it is migrated.
            Some(db) => Engine::open_with(
                db,
                data_dir.join("files"),
                gradsign_engine::EngineOptions {
                    backup_dir: Some(data_dir.join("backups")),
                    ..Default::default()
                },
            )
            .await
            .map(|e| School::Here(Box::new(e)))
            .map_err(CommandError::from),
            None => Err(CommandError::internal("data folder path is not UTF-8")),
        },
        SchoolPlace::Server { address, ca_pem } => {
            SchoolServer::new(address, &SchoolPlace::trust(ca_pem)).map(School::Server)
        }
    }
}

/// The SQLite database file inside a data folder.
pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join("gradsign.sqlite3")
}

/// The engine's clock: now, in UTC unix seconds.
pub fn now() -> Timestamp {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp::try_from(since_epoch.as_secs()).unwrap_or(Timestamp::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gradsign_engine::SchoolSetup;

    fn school() -> SchoolSetup {
        SchoolSetup {
            name: "示范大学".into(),
            code: "10001".into(),
            contact: "就业指导中心".into(),
            departments: vec!["计算机学院".into()],
            admin_login: "admin".into(),
            admin_password: "Admin2026pass".into(),
            admin_name: "王老师".into(),
        }
    }

    /// The desktop's own path through the engine, without a window: first start, set-up, a wrong
    /// password, the right one, and the session kept (not remembered).
    #[test]
    fn set_up_then_sign_in_after_a_wrong_password() {
        let dir = tempfile::tempdir().unwrap();
        tauri::async_runtime::block_on(async {
            let state = AppState::open(dir.path()).await.unwrap();
            let here = state.school();
            let engine = here.as_ref().as_ref().unwrap().engine().unwrap();
            assert!(engine.is_empty().await.unwrap());
            engine.init_school(&school(), now()).await.unwrap();
            assert!(!engine.is_empty().await.unwrap());
            let wrong = engine
                .sign_in("admin", "nope-2026", now())
                .await
                .unwrap_err();
            assert_eq!(wrong.code, gradsign_engine::ErrorCode::WrongCredentials);
            let session = engine
                .sign_in("admin", "Admin2026pass", now())
                .await
                .unwrap();
            let outcome = state.start_session(session.token, false).await;
            assert_eq!(outcome, RememberOutcome::NotAsked);
            assert!(state.token().is_ok());
        });
    }

    /// R-DESK-04: the update settings change only for a signed-in school admin; unchanged they
    /// save for anyone; an http address is refused but to this machine.
    #[test]
    fn r_desk_04_update_settings_change_only_for_a_signed_in_admin() {
        use crate::commands::about::save_settings;
        use crate::update::AppSettings;
        let dir = tempfile::tempdir().unwrap();
        tauri::async_runtime::block_on(async {
            let state = AppState::open(dir.path()).await.unwrap();
            let here = state.school();
            let engine = here.as_ref().as_ref().unwrap().engine().unwrap();
            engine.create_demo(now()).await.unwrap();
            let changed = AppSettings {
                check_updates_at_startup: false,
                update_endpoint: Some("https://updates.school.edu.cn/latest.json".into()),
            };
            let code = |r: CommandResult<()>| r.unwrap_err().code;
            // Signed out: only the unchanged settings save.
            save_settings(&state, &AppSettings::default())
                .await
                .unwrap();
            assert_eq!(
                code(save_settings(&state, &changed).await),
                ErrorCode::Forbidden
            );
            // A graduate may not either.
            let graduate = engine
                .sign_in("2026000001", gradsign_engine::demo::DEMO_PASSWORD, now())
                .await
                .unwrap();
            state.start_session(graduate.token, false).await;
            assert_eq!(
                code(save_settings(&state, &changed).await),
                ErrorCode::Forbidden
            );
            assert_eq!(
                AppSettings::load(dir.path()),
                AppSettings::default(),
                "nothing saved"
            );
            // The school admin may; an http address elsewhere than this machine is refused.
            let admin = engine
                .sign_in("admin", gradsign_engine::demo::DEMO_PASSWORD, now())
                .await
                .unwrap();
            state.start_session(admin.token, false).await;
            let http = AppSettings {
                update_endpoint: Some("http://updates.school.edu.cn/latest.json".into()),
                ..changed.clone()
            };
            assert_eq!(
                code(save_settings(&state, &http).await),
                ErrorCode::Validation
            );
            save_settings(&state, &changed).await.unwrap();
            assert_eq!(AppSettings::load(dir.path()), changed);
            let loopback = AppSettings {
                update_endpoint: Some("http://127.0.0.1:8080/latest.json".into()),
                ..changed
            };
            save_settings(&state, &loopback).await.unwrap();
        });
    }
}
