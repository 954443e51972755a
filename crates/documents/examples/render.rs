//! `cargo run --release --example render -- OUT.pdf [--terminated] [--long]`: renders the
//! built-in sample agreement (for the benchmark script and manual checks).
use std::time::Instant;

use gradsign_documents::{render_agreement, sample_agreement, AgreementState, Fonts};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args
        .first()
        .ok_or("usage: render OUT.pdf [--terminated] [--long] [--repeat N]")?;
    let mut doc = sample_agreement();
    if args.iter().any(|a| a == "--terminated") {
        doc.state = AgreementState::Terminated;
    }
    if args.iter().any(|a| a == "--long") {
        doc.terms.other_terms = doc.terms.other_terms.repeat(40);
    }
    let repeat: usize = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1);
    let t0 = Instant::now();
    let fonts = Fonts::system()?;
    let t1 = Instant::now();
    let mut bytes = Vec::new();
    for _ in 0..repeat {
        bytes = render_agreement(&doc, &fonts)?;
    }
    let t2 = Instant::now();
    std::fs::write(out, &bytes)?;
    eprintln!(
        "fonts {:.1} ms, render {:.1} ms/doc, {} bytes",
        (t1 - t0).as_secs_f64() * 1e3,
        (t2 - t1).as_secs_f64() * 1e3 / repeat as f64,
        bytes.len()
    );
    Ok(())
}
