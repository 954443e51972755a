//! `read_qr IMAGE`: prints the verification code and hash read from a photo or scan of a printed
//! agreement, and how long reading took.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: read_qr IMAGE")?;
    let bytes = std::fs::read(path)?;
    let t = std::time::Instant::now();
    let found = gradsign_documents::read_verification_qr(&bytes);
    println!("{found:?} in {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    Ok(())
}
