//! `sign-update --version V FILE`: writes FILE.sig for the update manifest, signed with the key
//! in TAURI_SIGNING_PRIVATE_KEY_PATH (password in TAURI_SIGNING_PRIVATE_KEY_PASSWORD, default
//! empty), recording the version (the app refuses signatures without it). Used by
//! scripts/release.sh.

use gradsign_e2e::update_signing::SigningKey;

fn main() -> std::process::ExitCode {
    match run() {
        Ok(path) => {
            println!("{path}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sign-update: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (version, file) = match args.as_slice() {
        [flag, version, file] if flag == "--version" => (version.clone(), file.clone()),
        _ => return Err("usage: sign-update --version VERSION FILE".into()),
    };
    let key_path = std::env::var("TAURI_SIGNING_PRIVATE_KEY_PATH")
        .map_err(|_| "set TAURI_SIGNING_PRIVATE_KEY_PATH to the private key file".to_string())?;
    let password = std::env::var("TAURI_SIGNING_PRIVATE_KEY_PASSWORD").unwrap_or_default();
    let key_text = std::fs::read_to_string(&key_path).map_err(|e| format!("{key_path}: {e}"))?;
    let key = SigningKey::from_tauri_key(&key_text, &password)?;
    let data = std::fs::read(&file).map_err(|e| format!("{file}: {e}"))?;
    let name = std::path::Path::new(&file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let sig_path = format!("{file}.sig");
    std::fs::write(&sig_path, key.sign(&data, &name, &version, now))
        .map_err(|e| format!("{sig_path}: {e}"))?;
    Ok(sig_path)
}
