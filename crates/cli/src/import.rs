//! Reads an import file into the engine's rows: .csv in UTF-8 (with or without BOM) or GB18030,
//! or the first sheet of an .xlsx. Line numbers are the spreadsheet's own (header = 1). A number
//! cell in the ID column is passed on as the number Excel stored, so the engine can say it was
//! rounded.

use calamine::{open_workbook_auto, Data, Reader};
use gradsign_engine::ImportRow;
use std::path::Path;

pub fn read_rows(path: &Path) -> Result<(Vec<String>, Vec<ImportRow>), String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" => read_csv(path),
        "xlsx" | "xls" => read_xlsx(path),
        _ => Err(format!(
            "{}: unsupported file type (use .csv or .xlsx)",
            path.display()
        )),
    }
}

fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        // Excel on Chinese Windows writes CSV in GB18030 (GBK).
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn read_csv(path: &Path) -> Result<(Vec<String>, Vec<ImportRow>), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = decode(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header = None;
    let mut rows = vec![];
    for record in reader.records() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        if header.is_none() {
            header = Some(cells);
        } else if cells.iter().any(|c| !c.trim().is_empty()) {
            rows.push(ImportRow { line, cells });
        }
    }
    Ok((header.unwrap_or_default(), rows))
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        // An 18-digit ID stored as a number has lost its last digits; show it as Excel's
        // scientific notation so the engine names the rounding.
        Data::Float(f) if f.abs() >= 1e15 => format!("{f:E}"),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

fn read_xlsx(path: &Path) -> Result<(Vec<String>, Vec<ImportRow>), String> {
    let mut wb = open_workbook_auto(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let sheet = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| format!("{}: no sheet", path.display()))?;
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let start = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut header = None;
    let mut rows = vec![];
    for (k, row) in range.rows().enumerate() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        let line = start + k + 1;
        if header.is_none() {
            header = Some(cells);
        } else if cells.iter().any(|c| !c.trim().is_empty()) {
            rows.push(ImportRow { line, cells });
        }
    }
    Ok((header.unwrap_or_default(), rows))
}
