//! The electronic agreement (R-PDF, R-SIGN-07): its PDF, for whoever the engine lets see it; and
//! the public verify screen (R-VERIFY-01), which needs no sign-in.

use base64::Engine as _;
use gradsign_engine::{Actor, VerifyResult};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{Bytes, Cx};
use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::graduate::ItemRef;

/// The code and hash read from a photo of the printed QR code.
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct QrRead {
    pub code: String,
    pub hash: String,
}

/// `verify_agreement`: the verification code and content hash printed on the agreement.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifyRequest {
    pub code: String,
    pub hash: String,
}

/// `verify_read_qr`: a photo or scan of the printed page, in base64.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QrImage {
    pub image_base64: String,
}

/// The fonts the PDF embeds, parsed once per process.
pub(crate) fn fonts() -> CommandResult<&'static gradsign_documents::Fonts> {
    gradsign_documents::Fonts::system_shared().map_err(CommandError::internal)
}

/// The agreement's PDF bytes (an ArrayBuffer on the UI side).
pub async fn pdf(cx: &Cx<'_>, actor: &Actor, req: ItemRef) -> CommandResult<Bytes> {
    let pdf = cx
        .engine
        .agreement_pdf(actor, req.id, fonts()?, cx.now)
        .await?;
    Ok(Bytes(pdf))
}

/// R-VERIFY-01: checks a printed agreement's verification code and hash (no sign-in), throttled
/// per client.
/// The answer shows no more personal data than the printed page.
pub async fn verify(cx: &Cx<'_>, req: VerifyRequest) -> CommandResult<VerifyResult> {
    Ok(cx
        .engine
        .verify_agreement(&cx.caller.client, &req.code, &req.hash, cx.now)
        .await?)
}

/// Reads the verification QR code from a photo or scan of the printed page (no sign-in).
pub async fn read_qr(_: &Cx<'_>, req: QrImage) -> CommandResult<QrRead> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(req.image_base64.as_bytes())
        .map_err(|_| no_qr())?;
    let found =
        tokio::task::spawn_blocking(move || gradsign_documents::read_verification_qr(&bytes))
            .await
            .map_err(CommandError::internal)?;
    let (code, hash) = found.ok_or_else(no_qr)?;
    Ok(QrRead { code, hash })
}

fn no_qr() -> CommandError {
    let mut e = CommandError::new(
        ErrorCode::Validation,
        "图片中没有找到协议书的验证二维码",
        "No agreement verification QR code was found in the image",
    );
    e.details = serde_json::json!({ "field": "image" });
    e
}
