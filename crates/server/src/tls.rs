//! The server's TLS: rustls (ring) from the configured PEM certificate chain and key.

use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::config::TlsFiles;
use crate::StartError;

/// Reads the certificate chain and key and builds the server's TLS configuration (TLS 1.2 and
/// 1.3, HTTP/2 and HTTP/1.1 offered by ALPN). A missing or unreadable file is named.
pub(crate) fn server_config(files: &TlsFiles) -> Result<Arc<rustls::ServerConfig>, StartError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| {
            StartError::new(
                format!("无法读取证书文件 {}：{e}", files.cert.display()),
                format!(
                    "cannot read the certificate file {}: {e}",
                    files.cert.display()
                ),
            )
        })?;
    if certs.is_empty() {
        return Err(StartError::new(
            format!("证书文件 {} 中没有证书", files.cert.display()),
            format!(
                "the certificate file {} holds no certificate",
                files.cert.display()
            ),
        ));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| {
        StartError::new(
            format!("无法读取私钥文件 {}：{e}", files.key.display()),
            format!(
                "cannot read the private key file {}: {e}",
                files.key.display()
            ),
        )
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key))
        .map_err(|e| {
            StartError::new(
                format!("证书与私钥不匹配或无效：{e}"),
                format!("the certificate and key do not match or are not valid: {e}"),
            )
        })?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
