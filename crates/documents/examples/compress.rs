//! `compress IN OUT.jpg [--repeat N] [--quality Q]`: runs `compress_scan` and prints sizes, dimensions and
//! the time per run (for the benchmark script).
use std::time::Instant;

use gradsign_documents::{compress_scan_named, ScanPolicy};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (input, out) = match args.as_slice() {
        [i, o, ..] => (i, o),
        _ => return Err("usage: compress IN OUT.jpg [--repeat N]".into()),
    };
    let repeat: u32 = match args.iter().position(|a| a == "--repeat") {
        Some(i) => args.get(i + 1).ok_or("--repeat N")?.parse()?,
        None => 1,
    };
    let bytes = std::fs::read(input)?;
    let mut policy = ScanPolicy::default();
    if let Some(i) = args.iter().position(|a| a == "--quality") {
        policy.quality = args.get(i + 1).ok_or("--quality Q")?.parse()?;
    }
    let t = Instant::now();
    let mut scan = None;
    for _ in 0..repeat {
        scan = Some(compress_scan_named(input, &bytes, &policy)?);
    }
    let ms = t.elapsed().as_secs_f64() * 1e3 / f64::from(repeat);
    let scan = scan.ok_or("no run")?;
    std::fs::write(out, &scan.jpeg)?;
    println!(
        "{} {}x{} {} bytes -> {}x{} {} bytes (thumbnail {} bytes) in {:.1} ms",
        scan.original_format.name(),
        scan.original_width,
        scan.original_height,
        scan.original_bytes,
        scan.width,
        scan.height,
        scan.jpeg.len(),
        scan.thumbnail.len(),
        ms
    );
    Ok(())
}
