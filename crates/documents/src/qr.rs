//! The verification QR code (R-PDF-02, R-VERIFY-01), drawn as filled rectangles.

use printpdf::Op;
use qrcode::{Color, EcLevel, QrCode};

/// Prefix of the text a printed agreement's QR code carries.
pub const VERIFICATION_PAYLOAD_PREFIX: &str = "GRADSIGN-VERIFY";

/// The text inside the QR code: `GRADSIGN-VERIFY:<verification code>:<content hash>`, e.g.
/// `GRADSIGN-VERIFY:7KQ2M9XD4HRT:3b8f…2b4a`. The verify screen parses it with
/// [`parse_verification_payload`].
pub fn verification_payload(code: &str, content_hash: &str) -> String {
    format!("{VERIFICATION_PAYLOAD_PREFIX}:{code}:{content_hash}")
}

/// Splits a scanned payload into (verification code, content hash); `None` when it is not one
/// of ours.
pub fn parse_verification_payload(payload: &str) -> Option<(&str, &str)> {
    let rest = payload
        .trim()
        .strip_prefix(VERIFICATION_PAYLOAD_PREFIX)?
        .strip_prefix(':')?;
    let (code, hash) = rest.split_once(':')?;
    if code.is_empty() || hash.is_empty() || hash.contains(':') {
        return None;
    }
    Some((code, hash))
}

/// Ops that draw the QR code for `payload` with its lower-left corner at (`x`, `y`) in a square
/// of `size` points, including the 4-module quiet zone (left white). Dark modules of a row are
/// merged into one rectangle per run.
pub(crate) fn qr_ops(payload: &str, x: f32, y: f32, size: f32) -> Result<Vec<Op>, String> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| e.to_string())?;
    let n = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let module = size / (n + 2 * quiet) as f32;
    let mut ops = vec![Op::SetFillColor {
        col: printpdf::Color::Rgb(printpdf::Rgb {
            r: 0.0,
            g: 0.0,
            b: 0.0,
            icc_profile: None,
        }),
    }];
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == Color::Dark {
                    col += 1;
                }
                let rx = x + (quiet + start) as f32 * module;
                let ry = y + size - (quiet + row + 1) as f32 * module;
                // A hair of overlap so that viewers do not show seams between rows.
                crate::render::fill_rect(
                    &mut ops,
                    rx,
                    ry - 0.02,
                    (col - start) as f32 * module,
                    module + 0.04,
                );
            } else {
                col += 1;
            }
        }
    }
    Ok(ops)
}
