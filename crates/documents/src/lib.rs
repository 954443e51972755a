//! GradSign documents: the electronic employment agreement PDF (R-PDF) and the compression
//! of uploaded scans (R-SCAN). Pure functions of their inputs: no database, no clock, no Tauri.

#![forbid(unsafe_code)]

mod document;
mod fonts;
mod qr;
mod render;

pub use document::{
    sample_agreement, AgreementDocument, AgreementState, Employer, Graduate, School, Terms,
    TimelineEntry,
};
pub use fonts::{
    FontError, Fonts, SANS_FALLBACK_FILE, SANS_FILE, SC_FACE_INDEX, SERIF_FILE, SYSTEM_FONT_DIR,
};
pub use qr::{parse_verification_payload, verification_payload, VERIFICATION_PAYLOAD_PREFIX};
pub use render::{render_agreement, render_agreements, RenderError, CLAUSES};

mod scan;
mod verify;
pub use scan::{
    compress_scan, compress_scan_named, Scan, ScanError, ScanFormat, ScanPolicy,
    A4_200DPI_LONG_SIDE,
};
pub use verify::{pdf_verification, read_verification_qr, PdfVerification, QR_IMAGE_MAX_PIXELS};
