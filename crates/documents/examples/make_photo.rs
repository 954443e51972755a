//! `make_photo PAGE.png OUT.jpg`: turns a rendered A4 page into a realistic 12-MP phone photo
//! (4032×3024 stored landscape with EXIF orientation 6, a desk around the page, uneven light,
//! sensor noise, JPEG q92 4:2:0) for the compression benchmark. Deterministic.
use image::{imageops, GrayImage, Rgb, RgbImage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (page, out) = match args.as_slice() {
        [p, o] => (p, o),
        _ => return Err("usage: make_photo PAGE.png OUT.jpg".into()),
    };
    let page: GrayImage = image::open(page)?.into_luma8();
    // Upright portrait scene 3024×4032; the page fills ~85 % of it.
    let (w, h) = (3024u32, 4032u32);
    let ph = 3500u32;
    let pw = ph * page.width() / page.height();
    let page = imageops::resize(&page, pw, ph, imageops::FilterType::CatmullRom);
    let (ox, oy) = ((w - pw) / 2, (h - ph) / 2);
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        ((seed % 1000) as f32 / 1000.0 - 0.5) * 2.0
    };
    let scene = RgbImage::from_fn(w, h, |x, y| {
        let light = 0.82
            + 0.18
                * (1.0
                    - ((x as f32 / w as f32 - 0.3).powi(2) + (y as f32 / h as f32 - 0.2).powi(2))
                        .sqrt());
        let n = noise() * 6.0;
        let inside = x >= ox && x < ox + pw && y >= oy && y < oy + ph;
        let (r, g, b) = if inside {
            let v = f32::from(page.get_pixel(x - ox, y - oy)[0]);
            // Paper is slightly warm; ink is not quite black.
            (v * 0.97 + 8.0, v * 0.95 + 8.0, v * 0.90 + 10.0)
        } else {
            // Wooden desk: low-frequency stripes.
            let grain = ((y as f32 / 37.0).sin() * 12.0) + ((x as f32 / 400.0).sin() * 6.0);
            (120.0 + grain, 85.0 + grain * 0.8, 55.0 + grain * 0.5)
        };
        let px = |c: f32| (c * light + n).clamp(0.0, 255.0) as u8;
        Rgb([px(r), px(g), px(b)])
    });
    // Stored as the sensor sees it: landscape, to be rotated 90° clockwise for display (6).
    let stored = imageops::rotate270(&scene);
    let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
    c.set_fastest_defaults();
    c.set_size(stored.width() as usize, stored.height() as usize);
    c.set_quality(92.0);
    let mut s = c.start_compress(Vec::new())?;
    s.write_scanlines(stored.as_raw())?;
    let jpeg = s.finish()?;
    // EXIF APP1 with orientation 6 right after SOI.
    let mut tiff = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0".to_vec();
    let mut app1 = b"Exif\0\0".to_vec();
    app1.append(&mut tiff);
    let mut file = vec![0xFF, 0xD8, 0xFF, 0xE1];
    file.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    file.extend_from_slice(&app1);
    file.extend_from_slice(&jpeg[2..]);
    std::fs::write(out, file)?;
    Ok(())
}
