//! Helpers shared by the integration tests: fonts parsed once, temp files, poppler tools.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use gradsign_documents::Fonts;

/// The system fonts, parsed once per test binary.
pub fn fonts() -> &'static Fonts {
    Fonts::system_shared().expect("fonts-noto-cjk installed (bash scripts/setup.sh)")
}

/// A fresh temporary directory, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

/// Runs a tool and returns its stdout; panics with stderr when it fails.
pub fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} not runnable ({e}): bash scripts/setup.sh"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Text of one page (1-based) through pdftotext.
pub fn page_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    run(
        "pdftotext",
        &[
            "-f",
            &p,
            "-l",
            &p,
            "-enc",
            "UTF-8",
            pdf.to_str().unwrap(),
            "-",
        ],
    )
}

/// Number of pages through pdfinfo.
pub fn page_count(pdf: &Path) -> usize {
    let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("Pages: in pdfinfo")
}

/// Text with all whitespace removed (pdftotext breaks lines where the layout wraps).
pub fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}
