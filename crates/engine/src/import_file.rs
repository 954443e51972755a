//! R-IMPORT-01: reads an import file's bytes into the engine's rows: .csv in UTF-8 (with or
//! without BOM), GB18030 or UTF-16 with its BOM; .txt, as Excel saves "Unicode text" (UTF-16 LE
//! with BOM, tab-separated); or the first sheet of an .xlsx. Line numbers are the spreadsheet's own
//! (header = 1). A number cell in the ID column is passed on as the number Excel stored, so the
//! validation can say it was rounded (R-IMPORT-02). The CLI reads a path, the desktop the bytes of
//! the file the admin chose; both come here.

use crate::actions::graduates::ImportRow;
use crate::error::{DomainError, Result};
use calamine::{open_workbook_auto_from_rs, Data, Reader};
use std::io::Cursor;

/// The largest import file accepted (a cohort of 20,000 graduates is about 3 MB as .xlsx).
pub const MAX_IMPORT_BYTES: usize = 30 * 1024 * 1024;

/// A parsed import file: the header cells and the non-empty rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportFile {
    pub header: Vec<String>,
    pub rows: Vec<ImportRow>,
}

fn file_error(name: &str, zh: &str, en: &str) -> DomainError {
    DomainError::field("file", format!("{name}：{zh}"), format!("{name}: {en}"))
}

/// Parses `bytes` by the file name's extension (.csv, .xlsx).
pub fn read_import(file_name: &str, bytes: &[u8]) -> Result<ImportFile> {
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(file_error(
            &name,
            "文件超过30 MB",
            "the file is larger than 30 MB",
        ));
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => read_csv(&name, bytes),
        "xlsx" => read_xlsx(&name, bytes),
        _ => Err(file_error(
            &name,
            "不支持的文件类型，请使用 .xlsx、.csv 或 .txt（Unicode 文本）",
            "unsupported file type (use .xlsx, .csv or .txt as Unicode text)",
        )),
    }
}

/// The text of a delimited file: a BOM decides (UTF-8, UTF-16 LE as Excel's "Unicode text"
/// writes it, UTF-16 BE); without one, UTF-8, and where that fails GB18030, which Excel on
/// Chinese Windows writes for CSV (GBK, and four-byte sequences beyond the BMP such as 𠮷).
fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// Tabs separate the cells of "Unicode text" (.txt, .tsv), and of such a file renamed .csv: its
/// header line has tabs and no comma.
fn delimiter(ext_is_csv: bool, text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    if !ext_is_csv || (first.contains('\t') && !first.contains(',')) {
        b'\t'
    } else {
        b','
    }
}

fn read_csv(name: &str, bytes: &[u8]) -> Result<ImportFile> {
    let text = decode(bytes);
    let is_csv = name.to_ascii_lowercase().ends_with(".csv");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(is_csv, &text))
        .from_reader(text.as_bytes());
    let mut header = None;
    let mut rows = vec![];
    for record in reader.records() {
        let record = record.map_err(|e| {
            file_error(
                name,
                &format!("无法读取CSV：{e}"),
                &format!("unreadable CSV: {e}"),
            )
        })?;
        let line = record
            .position()
            .map(|p| spreadsheet_line(text.as_bytes(), p))
            .unwrap_or(0);
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        if header.is_none() {
            header = Some(cells);
        } else if cells.iter().any(|c| !c.trim().is_empty()) {
            rows.push(ImportRow { line, cells });
        }
    }
    Ok(ImportFile {
        header: header.unwrap_or_default(),
        rows,
    })
}

/// The csv reader skips blank lines but reports a record at the start of the blank lines before
/// it; the spreadsheet's line number counts them.
fn spreadsheet_line(text: &[u8], p: &csv::Position) -> usize {
    let mut line = p.line() as usize;
    let mut at = usize::try_from(p.byte()).unwrap_or(usize::MAX);
    while let Some(b) = text.get(at) {
        match b {
            b'\n' => line += 1,
            b'\r' => {}
            _ => break,
        }
        at += 1;
    }
    line
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        // An 18-digit ID stored as a number has lost its last digits; show it as Excel's
        // scientific notation so the validation names the rounding.
        Data::Float(f) if f.abs() >= 1e15 => format!("{f:E}"),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

fn read_xlsx(name: &str, bytes: &[u8]) -> Result<ImportFile> {
    let unreadable = |e: String| {
        file_error(
            name,
            &format!("无法读取Excel文件：{e}"),
            &format!("unreadable Excel file: {e}"),
        )
    };
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| unreadable(e.to_string()))?;
    let sheet = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| unreadable("no sheet".into()))?;
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|e| unreadable(e.to_string()))?;
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
    Ok(ImportFile {
        header: header.unwrap_or_default(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn r_import_01_csv_lines_are_spreadsheet_lines_and_gb18030_decodes() {
        let text = "学号,姓名\n\n2026001,张三\n2026002,李四\n";
        let f = read_import("a.csv", text.as_bytes()).unwrap();
        assert_eq!(f.header, vec!["学号", "姓名"]);
        assert_eq!(f.rows.len(), 2);
        assert_eq!(f.rows[0].line, 3);
        assert_eq!(f.rows[1].cells[1], "李四");
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        let g = read_import("b.CSV", &gbk).unwrap();
        assert_eq!(g, f);
    }

    /// Excel's "Unicode text": UTF-16 LE with its BOM, tab-separated, CRLF; read as .txt and
    /// renamed .csv; UTF-16 BE too; a name beyond the BMP (a surrogate pair) kept whole.
    #[test]
    fn r_import_03_utf16_unicode_text_as_excel_writes_it() {
        let text = "学号\t姓名\r\n\r\n2026001\t𠮷田\r\n2026002\t李四\r\n";
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let expected = read_import("a.csv", text.replace('\t', ",").as_bytes()).unwrap();
        assert_eq!(expected.rows[0].cells[1], "𠮷田");
        assert_eq!(expected.rows[0].line, 3);
        for (name, bytes) in [("list.txt", &le), ("list.csv", &le), ("list.TXT", &be)] {
            assert_eq!(read_import(name, bytes).unwrap(), expected, "{name}");
        }
    }

    /// GB18030's four-byte sequences (characters beyond the BMP and beyond GBK) decode.
    #[test]
    fn r_import_03_gb18030_beyond_the_bmp() {
        let text = "学号,姓名\n2026001,𠮷𡃁𪚥\n";
        let (gb, _, unmappable) = encoding_rs::GB18030.encode(text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&gb).is_err(), "not UTF-8 by accident");
        let f = read_import("b.csv", &gb).unwrap();
        assert_eq!(f.rows[0].cells[1], "𠮷𡃁𪚥");
    }

    #[test]
    fn r_import_01_unknown_type_and_damaged_xlsx_are_refused_naming_the_file() {
        let e = read_import("list.pdf", b"%PDF").unwrap_err();
        assert!(e.message.zh.contains("list.pdf"), "{e:?}");
        assert_eq!(e.details["field"], "file");
        let e = read_import("list.xlsx", b"not a zip").unwrap_err();
        assert!(e.message.en.contains("unreadable Excel"), "{e:?}");
    }
}
