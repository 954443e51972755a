//! `gradsign export stats`: R-STAT-02 from the command line. The engine makes the workbook; this
//! writes it to a temporary file in the target's folder and renames it, so a refused or failed run
//! leaves no partial file.

use gradsign_engine::{Actor, Engine};
use std::io::Write;
use std::path::Path;

/// Writes the statistics of `cohort` (the whole school, as the admin sees it) to `out`.
pub async fn stats(
    engine: &Engine,
    actor: &Actor,
    cohort: i64,
    out: &Path,
    now: i64,
) -> Result<String, String> {
    let bytes = engine
        .export_statistics(actor, cohort, now)
        .await
        .map_err(|e| e.to_string())?;
    write_beside(out, &bytes)?;
    Ok(format!(
        "wrote {} ({} bytes): statistics of cohort {cohort}",
        out.display(),
        bytes.len()
    ))
}

/// Temporary file in the same folder (same file system, so the rename is atomic), then rename.
pub fn write_beside(out: &Path, bytes: &[u8]) -> Result<(), String> {
    let refuse = |e: std::io::Error| {
        format!(
            "无法写入 {0}：{e}（请检查文件夹是否存在、是否有写权限） / cannot write {0}: {e} (check that the folder exists and is writable)",
            out.display()
        )
    };
    if out.is_dir() {
        return Err(refuse(std::io::Error::other("is a folder")));
    }
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let tmp = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|_| f.sync_all()))
        .and_then(|_| std::fs::rename(&tmp, out));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        refuse(e)
    })
}
