//! Where the school is: the first start's third way in ("connect to my school's server") and the
//! About dialog's switch. The CA file is chosen in a native dialog and read here; the person sees
//! the school's name and the certificate's fingerprint before anything is kept.

use gradsign_remote::{SchoolServer, ServerIdentity};
use serde::{Deserialize, Serialize};
use tauri::State;
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::school::SchoolPlace;
use crate::state::{AppState, School};

/// The connect form: the server's address and, when the school hands one out, its CA file.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServerChoice {
    pub address: String,
    /// The CA certificate file's path (chosen with `school_choose_ca`); none: the system's roots.
    pub ca_path: Option<String>,
}

/// Whose server the desktop reached, shown before anyone signs in.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectedServer {
    /// `https://host[:port]`.
    pub url: String,
    /// The school's name; none while the server's school is not set up yet.
    pub school_name: Option<String>,
    /// SHA-256 of the server's certificate, `AB:CD:…`, to compare with the school's notice.
    pub fingerprint: String,
}

impl From<ServerIdentity> for ConnectedServer {
    fn from(i: ServerIdentity) -> Self {
        ConnectedServer {
            url: i.url,
            school_name: i.school_name,
            fingerprint: i.fingerprint,
        }
    }
}

/// The largest CA file read (a bundle of a few certificates is a few kilobytes).
const MAX_CA_BYTES: u64 = 256 * 1024;

impl ServerChoice {
    fn place(&self) -> CommandResult<SchoolPlace> {
        let ca_pem = match self
            .ca_path
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => None,
            Some(path) => Some(read_ca(path)?),
        };
        Ok(SchoolPlace::Server {
            address: self.address.trim().to_string(),
            ca_pem,
        })
    }
}

fn read_ca(path: &str) -> CommandResult<String> {
    let unreadable = |zh: &str, en: &str| {
        CommandError::new(ErrorCode::Validation, zh, en)
            .with_details(serde_json::json!({ "field": "ca" }))
    };
    let meta = std::fs::metadata(path).map_err(|_| {
        unreadable(
            "无法读取所选的 CA 证书文件",
            "The chosen CA file cannot be read",
        )
    })?;
    if meta.len() > MAX_CA_BYTES {
        return Err(unreadable(
            "所选文件过大，不是 CA 证书",
            "The chosen file is too large to be a CA certificate",
        ));
    }
    let bytes = std::fs::read(path).map_err(|_| {
        unreadable(
            "无法读取所选的 CA 证书文件",
            "The chosen CA file cannot be read",
        )
    })?;
    String::from_utf8(bytes).map_err(|_| {
        unreadable(
            "CA 证书文件不是 PEM 格式的证书",
            "The CA file is not a certificate in PEM format",
        )
    })
}

/// Reaches the server and answers whose school it serves and its certificate's fingerprint;
/// nothing is kept (the person confirms with `school_use_server`).
#[tauri::command]
pub async fn school_check_server(choice: ServerChoice) -> CommandResult<ConnectedServer> {
    check(&choice.place()?).await.map(ConnectedServer::from)
}

async fn check(place: &SchoolPlace) -> CommandResult<ServerIdentity> {
    let SchoolPlace::Server { address, ca_pem } = place else {
        return Err(CommandError::internal("not a server"));
    };
    SchoolServer::new(address, &SchoolPlace::trust(ca_pem))?
        .identify()
        .await
}

/// Connects this desktop to the school's server and keeps the choice; the session ends.
#[tauri::command]
pub async fn school_use_server(
    state: State<'_, AppState>,
    choice: ServerChoice,
) -> CommandResult<ConnectedServer> {
    let place = choice.place()?;
    let identity = check(&place).await?;
    state.switch(&place).await?;
    Ok(identity.into())
}

/// Moves this desktop back to its own database (the demo school or a school set up here).
#[tauri::command]
pub async fn school_use_here(state: State<'_, AppState>) -> CommandResult<()> {
    state.switch(&SchoolPlace::Here).await
}

/// The school's server this desktop uses, asked again (the About dialog, the banner's retry);
/// none when the school is on this machine.
#[tauri::command]
pub async fn school_server_identity(
    state: State<'_, AppState>,
) -> CommandResult<Option<ConnectedServer>> {
    let school = state.school();
    match &*school {
        Ok(School::Server(server)) => server.identify().await.map(|i| Some(i.into())),
        Ok(School::Here(_)) => Ok(None),
        Err(e) => Err(e.clone()),
    }
}

/// The CA file the school handed out, chosen in the native dialog; none when cancelled.
#[tauri::command]
pub async fn school_choose_ca(app: tauri::AppHandle) -> Option<String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("选择学校提供的 CA 证书 / Choose the school's CA certificate")
        .add_filter("PEM", &["pem", "crt", "cer"])
        .pick_file(move |path| {
            let _ = tx.send(path.and_then(|p| p.into_path().ok()));
        });
    rx.await.ok().flatten().map(|p| p.display().to_string())
}
