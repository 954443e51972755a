//! Reads an import file (.csv in UTF-8, GB18030 or UTF-16, Excel's Unicode text .txt, or .xlsx) through the engine's reader, the same
//! one the desktop uses for the file the admin picks (R-IMPORT-01).

use gradsign_engine::ImportRow;
use std::path::Path;

pub fn read_rows(path: &Path) -> Result<(Vec<String>, Vec<ImportRow>), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let f = gradsign_engine::read_import(&name, &bytes).map_err(|e| e.to_string())?;
    Ok((f.header, f.rows))
}
