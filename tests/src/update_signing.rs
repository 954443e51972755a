//! Signing update packages the way the app's updater checks them: a minisign signature whose
//! trusted comment records the file and the version it was signed for
//! (`timestamp:…\tfile:…\tversion:…`), base64-encoded as tauri-plugin-updater expects. The Tauri
//! CLI 2.12's `signer sign` records no version, and the app requires one
//! (`requireSignedVersion`), so releases are signed with this (`sign-update` binary) instead.

use base64::Engine as _;
use minisign::{KeyPair, PublicKey, SecretKey, SecretKeyBox};

/// A key pair for update signatures.
#[derive(Debug)]
pub struct SigningKey {
    sk: SecretKey,
    pk: PublicKey,
}

impl SigningKey {
    /// A fresh key pair (tests).
    pub fn generate() -> SigningKey {
        let KeyPair { pk, sk } =
            KeyPair::generate_unencrypted_keypair().expect("generate a minisign key pair");
        SigningKey { sk, pk }
    }

    /// The private key file written by `tauri signer generate` (base64 of a minisign secret-key
    /// box), with its password ("" when none was set).
    pub fn from_tauri_key(file_text: &str, password: &str) -> Result<SigningKey, String> {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(file_text.trim())
            .map_err(|e| format!("the key file is not base64: {e}"))?;
        let text = String::from_utf8(decoded).map_err(|_| "the key is not text".to_string())?;
        let sk_box = SecretKeyBox::from_string(&text).map_err(|e| e.to_string())?;
        let sk = SecretKey::from_box(sk_box, Some(password.to_string()))
            .map_err(|e| format!("cannot open the key (wrong password?): {e}"))?;
        let pk = PublicKey::from_secret_key(&sk).map_err(|e| e.to_string())?;
        Ok(SigningKey { sk, pk })
    }

    /// The public key as tauri.conf.json's `plugins.updater.pubkey` takes it.
    pub fn tauri_pubkey(&self) -> String {
        let text = self.pk.to_box().expect("public key box").into_string();
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    /// The signature of `data` for `version`, as the manifest's `signature` field takes it.
    pub fn sign(&self, data: &[u8], file_name: &str, version: &str, timestamp: u64) -> String {
        let trusted = format!("timestamp:{timestamp}\tfile:{file_name}\tversion:{version}");
        let sig = minisign::sign(
            Some(&self.pk),
            &self.sk,
            std::io::Cursor::new(data),
            Some(&trusted),
            Some("signature from GradSign's update key"),
        )
        .expect("sign");
        base64::engine::general_purpose::STANDARD.encode(sig.into_string())
    }
}
