//! Stable-Rust smoke fuzzing of the engine's parsers of hostile input (R-FUZZ-01): deterministic
//! mutations of valid import files (CSV in UTF-8, GB18030 and Excel's UTF-16 "Unicode text", and
//! an .xlsx) and of valid identifiers (ID number, credit code, phone, e-mail, name) must each
//! give `Ok` or a refusal naming a field, never a panic. GRADSIGN_FUZZ_ITERATIONS scales the run.

use std::panic::{catch_unwind, AssertUnwindSafe};

use gradsign_engine::read_import;
use gradsign_engine::types::{CreditCode, Email, IdNumber, PersonName, Phone};

/// xorshift64*: deterministic, so a failure reproduces from its iteration number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bit flips, replaced, inserted and removed bytes, truncation, spliced chunks.
fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        if out.is_empty() {
            out.push(rng.next() as u8);
        }
        let at = rng.below(out.len());
        match rng.below(10) {
            0..=2 => out[at] ^= 1 << rng.below(8),
            3..=4 => out[at] = rng.next() as u8,
            5 => out.truncate(at),
            6 => out.insert(at, rng.next() as u8),
            7 => {
                out.remove(at);
            }
            _ => {
                let len = rng.below(32).min(out.len() - at);
                let chunk: Vec<u8> = out[at..at + len].to_vec();
                let to = rng.below(out.len());
                out.splice(to..to, chunk);
            }
        }
    }
    out
}

fn iterations(default: usize) -> usize {
    std::env::var("GRADSIGN_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn import_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let header = gradsign_engine::IMPORT_HEADER.join(",");
    let row = "2026000001,王𠮷,男,110101200301010015,本科,软件工程,计算机学院,非定向,,北京,13800000000,a@example.edu.cn";
    let csv = format!("{header}\n{row}\n");
    let (gb, _, _) = encoding_rs::GB18030.encode(&csv);
    let tabbed = csv.replace(',', "\t").replace('\n', "\r\n");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(tabbed.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in gradsign_engine::IMPORT_HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in row.split(',').enumerate() {
        sheet.write_string(1, c as u16, v).unwrap();
    }
    let xlsx = book.save_to_buffer().unwrap();
    vec![
        ("seed.csv", format!("\u{FEFF}{csv}").into_bytes()),
        ("seed-gb18030.csv", gb.into_owned()),
        ("seed-unicode.txt", utf16),
        ("seed.xlsx", xlsx),
    ]
}

#[test]
fn r_fuzz_01_mutated_import_files_never_panic() {
    let seeds = import_seeds();
    for (name, bytes) in &seeds {
        let f = read_import(name, bytes).unwrap_or_else(|e| panic!("seed {name}: {e:?}"));
        assert_eq!(f.rows.len(), 1, "seed {name}");
        assert_eq!(f.rows[0].cells[1], "王𠮷", "seed {name}");
    }
    let mut rng = Rng(0x1A9C_0F1E_5EED_0001);
    let (mut read, mut refused) = (0usize, 0usize);
    for i in 0..iterations(40_000) {
        let (name, seed) = &seeds[i % seeds.len()];
        let input = mutate(&mut rng, seed);
        let outcome = catch_unwind(AssertUnwindSafe(|| read_import(name, &input)));
        match outcome {
            Ok(Ok(_)) => read += 1,
            Ok(Err(e)) => {
                assert_eq!(e.details["field"], "file", "iteration {i}: {e:?}");
                refused += 1;
            }
            Err(_) => panic!("read_import panicked on iteration {i} of {name}"),
        }
    }
    eprintln!("import fuzz smoke: {read} read, {refused} refused");
    assert!(read > 0 && refused > 0, "the mutations reach both outcomes");
}

#[test]
fn r_fuzz_01_mutated_identifiers_never_panic() {
    let id = format!(
        "11010120030101001{}",
        IdNumber::check_char("11010120030101001").unwrap()
    );
    let credit = CreditCode::compose("91", "110108", "10000042")
        .unwrap()
        .as_str()
        .to_string();
    let seeds: [&str; 5] = [
        &id,
        &credit,
        "13800000000",
        "zhang.san@example.edu.cn",
        "欧阳𠮷𡃁",
    ];
    type Parse = fn(&str) -> bool;
    let parsers: [(&str, Parse); 5] = [
        ("id", |s| IdNumber::parse(s).is_ok()),
        ("credit", |s| CreditCode::parse(s).is_ok()),
        ("phone", |s| Phone::parse(s).is_ok()),
        ("email", |s| Email::parse(s).is_ok()),
        ("name", |s| PersonName::parse(s).is_ok()),
    ];
    assert!(parsers[0].1(seeds[0]), "the ID seed is valid");
    assert!(parsers[1].1(seeds[1]), "the credit code seed is valid");
    assert!(parsers[2].1(seeds[2]), "the phone seed is valid");
    assert!(parsers[3].1(seeds[3]), "the e-mail seed is valid");
    assert!(parsers[4].1(seeds[4]), "the name seed is valid");
    let mut rng = Rng(0x1D5E_ED00_0000_0002);
    let mut accepted = [0usize; 5];
    for i in 0..iterations(200_000) {
        let k = i % seeds.len();
        let bytes = mutate(&mut rng, seeds[k].as_bytes());
        let text = String::from_utf8_lossy(&bytes).into_owned();
        for (n, (what, parse)) in parsers.iter().enumerate() {
            match catch_unwind(|| parse(&text)) {
                Ok(true) => accepted[n] += 1,
                Ok(false) => {}
                Err(_) => panic!("the {what} parser panicked on iteration {i}: {text:?}"),
            }
        }
    }
    eprintln!("identifier fuzz smoke: accepted {accepted:?}");
}
