//! `cargo bench -p gradsign-documents`: agreement render (fonts parsed once, warm) and the
//! compression of a 12-MP phone photo. `GRADSIGN_BENCH_PHOTO=FILE` benchmarks a real photo
//! instead of the generated one.
use criterion::{criterion_group, criterion_main, Criterion};
use gradsign_documents::{
    compress_scan, render_agreement, sample_agreement, AgreementState, Fonts, ScanPolicy,
};

fn render(c: &mut Criterion) {
    let fonts = Fonts::system().expect("fonts-noto-cjk");
    let doc = sample_agreement();
    c.bench_function("render_agreement sample (1 page, fonts warm)", |b| {
        b.iter(|| render_agreement(&doc, &fonts).expect("render"))
    });
    let mut long = sample_agreement();
    long.state = AgreementState::Terminated;
    long.terms.other_terms = long.terms.other_terms.repeat(40);
    c.bench_function("render_agreement long terminated (3 pages)", |b| {
        b.iter(|| render_agreement(&long, &fonts).expect("render"))
    });
}

/// A 4032×3024 JPEG (q92, 4:2:0) of a page of "text" on a desk, with sensor-like noise.
fn synthetic_photo() -> Vec<u8> {
    let (w, h) = (4032usize, 3024usize);
    let mut seed: u32 = 0x1234_5678;
    let mut px = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let n = (seed % 9) as i32 - 4;
            let on_page = (300..w - 300).contains(&x) && (250..h - 250).contains(&y);
            let ink = on_page && (y / 28) % 2 == 0 && (x / 9 + y / 5) % 7 < 3 && (y % 28) > 6;
            let (r, g, b) = match (on_page, ink) {
                (true, true) => (35, 35, 40),
                (true, false) => (235, 230, 220),
                _ => (120, 85, 55),
            };
            for v in [r, g, b] {
                px.push((v + n).clamp(0, 255) as u8);
            }
        }
    }
    let mut comp = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
    comp.set_fastest_defaults();
    comp.set_size(w, h);
    comp.set_quality(92.0);
    let mut started = comp.start_compress(Vec::new()).expect("start");
    started.write_scanlines(&px).expect("write");
    started.finish().expect("finish")
}

fn compress(c: &mut Criterion) {
    let photo = match std::env::var_os("GRADSIGN_BENCH_PHOTO") {
        Some(path) => std::fs::read(path).expect("photo"),
        None => synthetic_photo(),
    };
    let policy = ScanPolicy::default();
    let mut group = c.benchmark_group("compress_scan");
    group.sample_size(20);
    group.bench_function("12-MP phone photo to 2339 px + thumbnail", |b| {
        b.iter(|| compress_scan(&photo, &policy).expect("compress"))
    });
    group.finish();
}

criterion_group!(benches, render, compress);
criterion_main!(benches);
