//! Stable-Rust smoke fuzzing of `compress_scan` (R-SCAN-02): 20,000 (GRADSIGN_FUZZ_ITERATIONS) deterministic
//! mutations of small valid JPEG, PNG and WebP files must each give `Ok` or a coded `Err`,
//! never a panic. The cargo-fuzz target (fuzz/) explores further on nightly.

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use gradsign_documents::{compress_scan, ScanPolicy};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

const CODES: [&str; 6] = [
    "scan.not_an_image",
    "scan.unsupported_format",
    "scan.truncated",
    "scan.damaged",
    "scan.too_many_pixels",
    "scan.too_many_bytes",
];

fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let rgb = DynamicImage::ImageRgb8(RgbImage::from_fn(48, 32, |x, y| {
        Rgb([(x * 5) as u8, (y * 7) as u8, ((x + y) * 3) as u8])
    }));
    let rgba = DynamicImage::ImageRgba8(RgbaImage::from_fn(24, 24, |x, y| {
        Rgba([(x * 9) as u8, 90, (y * 9) as u8, (x * 10) as u8])
    }));
    let encode = |img: &DynamicImage, fmt: ImageFormat| {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), fmt)
            .expect("encode");
        out
    };
    let mut progressive = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
    progressive.set_size(48, 32);
    progressive.set_progressive_mode();
    let mut started = progressive.start_compress(Vec::new()).expect("start");
    started.write_scanlines(rgb.as_bytes()).expect("write");
    vec![
        ("seed.jpg", encode(&rgb, ImageFormat::Jpeg)),
        ("seed-progressive.jpg", started.finish().expect("finish")),
        ("seed.png", encode(&rgb, ImageFormat::Png)),
        ("seed-alpha.png", encode(&rgba, ImageFormat::Png)),
        ("seed.webp", encode(&rgb, ImageFormat::WebP)),
    ]
}

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

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        if out.is_empty() {
            out.push(rng.next() as u8);
        }
        let at = rng.below(out.len());
        // Half of the mutations keep the length, so decoders (not only the container checks)
        // see broken data.
        match rng.below(12) {
            0..=3 => out[at] ^= 1 << rng.below(8),
            4..=5 => out[at] = rng.next() as u8,
            6 => out.truncate(at),
            7 => out.insert(at, rng.next() as u8),
            8 => {
                out.remove(at);
            }
            // Header-sized fields: big-endian 0xFFFF / 0x0000 pairs (dimensions, lengths).
            9..=10 => {
                let v = if rng.below(2) == 0 { 0xFF } else { 0x00 };
                for b in out.iter_mut().skip(at).take(2) {
                    *b = v;
                }
            }
            _ => {
                let len = rng.below(64).min(out.len() - at);
                let chunk: Vec<u8> = out[at..at + len].to_vec();
                let to = rng.below(out.len());
                out.splice(to..to, chunk);
            }
        }
    }
    out
}

#[test]
fn r_scan_02_mutated_inputs_never_panic() {
    let policy = ScanPolicy {
        max_pixels: 2_000_000,
        max_dimension: 4_000,
        max_long_side: 256,
        ..ScanPolicy::default()
    };
    let seeds = seeds();
    for (name, seed) in &seeds {
        assert!(
            compress_scan(seed, &policy).is_ok(),
            "seed {name} must be valid"
        );
    }
    let iterations: usize = std::env::var("GRADSIGN_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let mut rng = Rng(0x0005_EED0_F6AD_51C4);
    let (mut ok, mut refused) = (0usize, [0usize; 6]);
    for i in 0..iterations {
        let (name, seed) = &seeds[i % seeds.len()];
        let input = mutate(&mut rng, seed);
        let result = catch_unwind(AssertUnwindSafe(|| compress_scan(&input, &policy)));
        match result {
            Err(_) => panic!("iteration {i} ({name}) panicked; input {input:02x?}"),
            Ok(Ok(scan)) => {
                assert!(scan.width.max(scan.height) <= 256, "iteration {i}");
                assert!(scan.jpeg.starts_with(&[0xFF, 0xD8]));
                ok += 1;
            }
            Ok(Err(e)) => {
                let k = CODES
                    .iter()
                    .position(|c| *c == e.code())
                    .expect("known code");
                refused[k] += 1;
            }
        }
    }
    eprintln!("{iterations} mutated inputs: {ok} accepted, refused {refused:?} ({CODES:?})");
    // The mutations reach both outcomes and several refusal kinds.
    assert!(ok > 0 && refused.iter().filter(|&&n| n > 0).count() >= 3);
}

/// Writes the seeds into `GRADSIGN_FUZZ_SEEDS` (used by scripts/fuzz-scan.sh); no-op otherwise.
#[test]
fn write_seed_corpus() {
    if let Some(dir) = std::env::var_os("GRADSIGN_FUZZ_SEEDS") {
        std::fs::create_dir_all(&dir).expect("corpus dir");
        for (name, bytes) in seeds() {
            std::fs::write(std::path::Path::new(&dir).join(name), bytes).expect("seed");
        }
    }
}
