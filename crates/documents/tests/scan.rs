//! Scan compression: R-SCAN-01 (limits, orientation, metadata, alpha, formats, size) and
//! R-SCAN-02 (refusals with their codes and messages). Every input is generated here.

use std::io::Cursor;
use std::time::{Duration, Instant};

use gradsign_documents::{compress_scan, compress_scan_named, ScanError, ScanFormat, ScanPolicy};
use image::{
    codecs::jpeg::JpegEncoder, codecs::png::PngEncoder, DynamicImage, ImageBuffer, ImageEncoder,
    Luma, Rgb, RgbImage, Rgba, RgbaImage,
};

const RED: [u8; 3] = [220, 30, 30];
const GREEN: [u8; 3] = [30, 200, 30];
const BLUE: [u8; 3] = [30, 30, 220];
const WHITE: [u8; 3] = [255, 255, 255];

/// 120×80, four coloured quadrants: red top-left, green top-right, blue bottom-left, white
/// bottom-right. Any rotation or mirror changes which colour sits where.
fn upright() -> RgbImage {
    RgbImage::from_fn(120, 80, |x, y| {
        Rgb(match (x < 60, y < 40) {
            (true, true) => RED,
            (false, true) => GREEN,
            (true, false) => BLUE,
            (false, false) => WHITE,
        })
    })
}

fn jpeg(image: &DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(image)
        .expect("encode jpeg");
    out
}

fn png(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encode png");
    out
}

/// An EXIF APP1 segment (big-endian TIFF) with the orientation, a description and a GPS IFD.
fn exif_app1(orientation: u16) -> Vec<u8> {
    let desc = b"GPS-SECRET-31.2304N-121.4737E\0";
    // IFD0 at 8: 3 entries (12 bytes each) + count (2) + next (4) = 42 → data from 50.
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08");
    tiff.extend_from_slice(&3u16.to_be_bytes());
    let desc_off = 8 + 2 + 3 * 12 + 4;
    let gps_off = desc_off + desc.len() as u32;
    // ImageDescription (0x010E) ASCII
    tiff.extend_from_slice(&0x010Eu16.to_be_bytes());
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&(desc.len() as u32).to_be_bytes());
    tiff.extend_from_slice(&desc_off.to_be_bytes());
    // Orientation (0x0112) SHORT
    tiff.extend_from_slice(&0x0112u16.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes());
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    // GPS IFD pointer (0x8825) LONG
    tiff.extend_from_slice(&0x8825u16.to_be_bytes());
    tiff.extend_from_slice(&4u16.to_be_bytes());
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&gps_off.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(desc);
    // GPS IFD: GPSLatitudeRef (1) ASCII "N"
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&2u32.to_be_bytes());
    tiff.extend_from_slice(b"N\0\0\0");
    tiff.extend_from_slice(&0u32.to_be_bytes());

    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    seg.extend_from_slice(&payload);
    seg
}

/// Inserts `segment` right after SOI.
fn with_segment(jpeg: &[u8], segment: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(segment);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The inverse of an EXIF orientation's display transform.
fn inverse(orientation: u16) -> u16 {
    match orientation {
        6 => 8,
        8 => 6,
        o => o,
    }
}

fn orientation_of(o: u16) -> image::metadata::Orientation {
    image::metadata::Orientation::from_exif(o as u8).expect("1..=8")
}

fn decode(jpeg: &[u8]) -> RgbImage {
    assert!(jpeg.starts_with(&[0xFF, 0xD8]), "not a JPEG");
    image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg)
        .expect("output decodes")
        .into_rgb8()
}

fn near(actual: &Rgb<u8>, expected: [u8; 3], tolerance: u8) -> bool {
    actual
        .0
        .iter()
        .zip(expected)
        .all(|(a, e)| a.abs_diff(e) <= tolerance)
}

fn policy() -> ScanPolicy {
    ScanPolicy::default()
}

/// JPEG marker segments before the first scan: (marker, payload).
fn header_segments(jpeg: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = 2;
    while i + 4 <= jpeg.len() {
        assert_eq!(jpeg[i], 0xFF);
        let marker = jpeg[i + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        out.push((marker, jpeg[i + 4..i + 2 + len].to_vec()));
        if marker == 0xDA {
            break;
        }
        i += 2 + len;
    }
    out
}

#[test]
fn r_scan_01_every_exif_orientation_comes_out_upright() {
    let up = upright();
    for o in 1..=8u16 {
        let mut stored = DynamicImage::ImageRgb8(up.clone());
        stored.apply_orientation(orientation_of(inverse(o)));
        let file = with_segment(&jpeg(&stored, 95), &exif_app1(o));
        let scan = compress_scan(&file, &policy()).expect("accepted");
        assert_eq!((scan.width, scan.height), (120, 80), "orientation {o}");
        let out = decode(&scan.jpeg);
        for (x, y, colour) in [
            (20, 15, RED),
            (100, 15, GREEN),
            (20, 65, BLUE),
            (100, 65, WHITE),
        ] {
            assert!(
                near(out.get_pixel(x, y), colour, 40),
                "orientation {o}: pixel ({x},{y}) is {:?}, expected {colour:?}",
                out.get_pixel(x, y)
            );
        }
    }
}

#[test]
fn r_scan_01_metadata_and_gps_are_dropped() {
    let file = with_segment(
        &jpeg(&DynamicImage::ImageRgb8(upright()), 90),
        &exif_app1(1),
    );
    assert!(
        file.windows(10).any(|w| w == b"GPS-SECRET"),
        "test input carries GPS text"
    );
    let scan = compress_scan(&file, &policy()).expect("accepted");
    for bytes in [&scan.jpeg, &scan.thumbnail] {
        assert!(
            !bytes.windows(4).any(|w| w == b"Exif"),
            "EXIF left in output"
        );
        assert!(
            !bytes.windows(10).any(|w| w == b"GPS-SECRET"),
            "GPS text left in output"
        );
        for (marker, payload) in header_segments(bytes) {
            let is_app = (0xE1..=0xEF).contains(&marker) || marker == 0xFE;
            assert!(
                !is_app,
                "metadata segment {marker:#x} ({} bytes) in output",
                payload.len()
            );
        }
    }
}

#[test]
fn r_scan_01_output_is_420_jpeg_with_optimised_tables_and_thumbnail() {
    // A 4000×3000 "photo": smooth gradient plus text-like strokes.
    let photo = RgbImage::from_fn(4000, 3000, |x, y| {
        let stroke = (x / 7 + y / 11) % 23 == 0;
        if stroke {
            Rgb([20, 20, 30])
        } else {
            Rgb([(200 + x % 50) as u8, (190 + y % 60) as u8, 180])
        }
    });
    let file = jpeg(&DynamicImage::ImageRgb8(photo), 92);
    let scan = compress_scan_named("photo.jpg", &file, &policy()).expect("accepted");
    assert_eq!((scan.width, scan.height), (2339, 1754));
    assert_eq!(scan.original_format, ScanFormat::Jpeg);
    assert_eq!((scan.original_width, scan.original_height), (4000, 3000));
    assert_eq!(scan.original_bytes, file.len());
    assert!(
        scan.jpeg.len() < file.len(),
        "{} vs {}",
        scan.jpeg.len(),
        file.len()
    );
    let out = decode(&scan.jpeg);
    assert_eq!(out.dimensions(), (2339, 1754));
    // SOF2 (progressive, Huffman) with Y 2×2 and chroma 1×1: 4:2:0.
    let segs = header_segments(&scan.jpeg);
    let sof = segs
        .iter()
        .find(|(m, _)| *m == 0xC2)
        .expect("progressive SOF2");
    assert_eq!(sof.1[5], 3, "three components");
    assert_eq!(
        (sof.1[7], sof.1[10], sof.1[13]),
        (0x22, 0x11, 0x11),
        "4:2:0 sampling"
    );
    // Optimised Huffman tables differ from the standard Annex K tables libjpeg writes
    // otherwise; their first DC luminance code counts are (0,1,5,1,1,1,1,1,1,0…).
    let dht = segs.iter().find(|(m, _)| *m == 0xC4).expect("DHT");
    assert_ne!(
        &dht.1[1..17],
        &[0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    );
    let thumb = decode(&scan.thumbnail);
    assert_eq!(thumb.dimensions(), (320, 240));
    assert_eq!((scan.thumbnail_width, scan.thumbnail_height), (320, 240));
}

#[test]
fn r_scan_01_small_images_are_never_enlarged() {
    let file = jpeg(&DynamicImage::ImageRgb8(upright()), 90);
    let scan = compress_scan(&file, &policy()).expect("accepted");
    assert_eq!((scan.width, scan.height), (120, 80));
    assert_eq!((scan.thumbnail_width, scan.thumbnail_height), (120, 80));
    // A portrait long side follows the height.
    let tall = DynamicImage::ImageRgb8(RgbImage::from_pixel(1000, 3000, Rgb([200, 200, 200])));
    let scan = compress_scan(&png(&tall), &policy()).expect("accepted");
    assert_eq!((scan.width, scan.height), (780, 2339));
}

#[test]
fn r_scan_01_png_alpha_is_flattened_on_white() {
    let img = RgbaImage::from_fn(80, 40, |x, _| {
        if x < 40 {
            Rgba([0, 0, 0, 0]) // fully transparent black
        } else if x < 60 {
            Rgba([200, 0, 0, 255])
        } else {
            Rgba([0, 0, 0, 128]) // half-transparent black → mid grey
        }
    });
    let scan = compress_scan(&png(&DynamicImage::ImageRgba8(img)), &policy()).expect("accepted");
    assert_eq!(scan.original_format, ScanFormat::Png);
    let out = decode(&scan.jpeg);
    assert!(
        near(out.get_pixel(15, 20), WHITE, 12),
        "{:?}",
        out.get_pixel(15, 20)
    );
    assert!(
        near(out.get_pixel(50, 20), [200, 0, 0], 40),
        "{:?}",
        out.get_pixel(50, 20)
    );
    assert!(
        near(out.get_pixel(72, 20), [127, 127, 127], 20),
        "{:?}",
        out.get_pixel(72, 20)
    );
}

#[test]
fn r_scan_01_sixteen_bit_png_and_grayscale_inputs_work() {
    let deep = ImageBuffer::<Rgb<u16>, Vec<u16>>::from_fn(300, 200, |x, _| {
        Rgb([(x * 200) as u16, 30000, 65535])
    });
    let scan = compress_scan(&png(&DynamicImage::ImageRgb16(deep)), &policy()).expect("16-bit");
    let px = *decode(&scan.jpeg).get_pixel(150, 100);
    assert!(near(&px, [117, 117, 255], 20), "{px:?}");

    let gray = ImageBuffer::<Luma<u8>, Vec<u8>>::from_fn(300, 200, |x, _| Luma([(x % 256) as u8]));
    let gray = DynamicImage::ImageLuma8(gray);
    for (what, file) in [("gray jpeg", jpeg(&gray, 92)), ("gray png", png(&gray))] {
        let scan = compress_scan(&file, &policy()).expect(what);
        let out = decode(&scan.jpeg);
        assert_eq!(out.dimensions(), (300, 200), "{what}");
        let p = out.get_pixel(100, 100);
        assert!(near(p, [100, 100, 100], 10), "{what}: {p:?}");
    }
}

#[test]
fn r_scan_01_webp_input_works() {
    let img = DynamicImage::ImageRgb8(upright());
    let mut file = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut file)
        .write_image(img.as_bytes(), 120, 80, image::ExtendedColorType::Rgb8)
        .expect("webp");
    let scan = compress_scan(&file, &policy()).expect("accepted");
    assert_eq!(scan.original_format, ScanFormat::Webp);
    let out = decode(&scan.jpeg);
    assert!(near(out.get_pixel(20, 15), RED, 40));
    assert!(near(out.get_pixel(100, 65), WHITE, 20));
}

#[test]
fn r_scan_01_cmyk_jpeg_works() {
    // Left half ink-free (paper white), right half full black ink. Values are stored inverted,
    // as Adobe (and every reader of JPEGs with an Adobe marker) expects CMYK JPEGs.
    let (w, h) = (64usize, 32usize);
    let mut cmyk = Vec::with_capacity(w * h * 4);
    for _y in 0..h {
        for x in 0..w {
            let k = if x < w / 2 { 255 } else { 0 };
            cmyk.extend_from_slice(&[255, 255, 255, k]);
        }
    }
    let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_CMYK);
    c.set_size(w, h);
    c.set_quality(95.0);
    let mut started = c.start_compress(Vec::new()).expect("start");
    started.write_scanlines(&cmyk).expect("write");
    let file = started.finish().expect("finish");
    let scan = compress_scan_named("cmyk.jpg", &file, &policy()).expect("CMYK accepted");
    assert_eq!((scan.width, scan.height), (64, 32));
    let out = decode(&scan.jpeg);
    assert!(
        near(out.get_pixel(8, 16), WHITE, 12),
        "{:?}",
        out.get_pixel(8, 16)
    );
    assert!(
        near(out.get_pixel(56, 16), [0, 0, 0], 12),
        "{:?}",
        out.get_pixel(56, 16)
    );
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

/// A PNG whose header claims `w`×`h` 8-bit RGB with a tiny (wrong) IDAT.
fn png_header_only(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &ihdr));
    out.extend(chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    out.extend(chunk(b"IEND", &[]));
    out
}

#[test]
fn r_scan_02_decompression_bomb_header_refused_at_once() {
    let file = png_header_only(100_000, 100_000);
    let start = Instant::now();
    let err = compress_scan_named("bomb.png", &file, &policy()).expect_err("refused");
    assert!(
        start.elapsed() < Duration::from_millis(200),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(err.code(), "scan.too_many_pixels");
    let msg = err.to_string();
    assert!(
        msg.contains("bomb.png") && msg.contains("100000×100000"),
        "{msg}"
    );
    assert!(
        msg.contains("超出上限") && msg.contains("over the limit"),
        "{msg}"
    );
}

/// Child-process helper for the next test: compresses the file named by
/// `GRADSIGN_SCAN_BOMB` and writes `code peak_kb` (VmHWM) to `GRADSIGN_SCAN_BOMB_OUT`.
#[test]
fn bomb_child_helper() {
    let (Some(input), Some(out)) = (
        std::env::var_os("GRADSIGN_SCAN_BOMB"),
        std::env::var_os("GRADSIGN_SCAN_BOMB_OUT"),
    ) else {
        return;
    };
    let file = std::fs::read(input).expect("bomb");
    let tight = ScanPolicy {
        max_pixels: 50_000_000,
        ..policy()
    };
    let code = compress_scan(&file, &tight)
        .err()
        .map_or("accepted", |e| e.code());
    let status = std::fs::read_to_string("/proc/self/status").expect("status");
    let peak_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    std::fs::write(out, format!("{code} {peak_kb}")).expect("write");
}

#[test]
fn r_scan_02_real_decompression_bomb_refused_within_a_memory_cap() {
    // 10000×10000 grey PNG: ~100 KB on disk, 300 MB as RGB. Refused in a fresh process whose
    // peak memory stays far below what decoding would take.
    let img = ImageBuffer::<Luma<u8>, Vec<u8>>::from_pixel(10_000, 10_000, Luma([255]));
    let mut file = Vec::new();
    PngEncoder::new(&mut file)
        .write_image(img.as_raw(), 10_000, 10_000, image::ExtendedColorType::L8)
        .expect("encode");
    drop(img);
    let dir = tempfile::tempdir().expect("tmp");
    let input = dir.path().join("bomb.png");
    let out = dir.path().join("result");
    std::fs::write(&input, &file).expect("write");
    let status = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "bomb_child_helper", "--test-threads", "1"])
        .env("GRADSIGN_SCAN_BOMB", &input)
        .env("GRADSIGN_SCAN_BOMB_OUT", &out)
        .status()
        .expect("child");
    assert!(status.success());
    let result = std::fs::read_to_string(&out).expect("child result");
    let (code, peak_kb) = result.split_once(' ').expect("code peak");
    assert_eq!(code, "scan.too_many_pixels");
    let peak_kb: u64 = peak_kb.parse().expect("kB");
    assert!(peak_kb < 64 * 1024, "child peaked at {peak_kb} kB");
}

#[test]
fn r_scan_02_real_decompression_bomb_refused_before_decoding() {
    // 10000×10000 white RGB compresses to a few hundred KB and would need 300 MB decoded.
    let img = ImageBuffer::<Luma<u8>, Vec<u8>>::from_pixel(10_000, 10_000, Luma([255]));
    let mut file = Vec::new();
    PngEncoder::new(&mut file)
        .write_image(img.as_raw(), 10_000, 10_000, image::ExtendedColorType::L8)
        .expect("encode");
    drop(img);
    assert!(file.len() < 1_000_000, "bomb is small: {}", file.len());
    let tight = ScanPolicy {
        max_pixels: 50_000_000,
        ..policy()
    };
    let start = Instant::now();
    let err = compress_scan(&file, &tight).expect_err("refused");
    assert_eq!(err.code(), "scan.too_many_pixels");
    assert!(
        start.elapsed() < Duration::from_millis(200),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn r_scan_02_truncated_jpeg_refused() {
    let file = jpeg(&DynamicImage::ImageRgb8(upright()), 90);
    for cut in [file.len() / 2, file.len() - 2, 200] {
        let err = compress_scan_named("cut.jpg", &file[..cut], &policy()).expect_err("refused");
        assert_eq!(err.code(), "scan.truncated", "cut at {cut}: {err}");
        assert!(err.to_string().contains("cut.jpg"));
        assert!(err.to_string().contains("截断") && err.to_string().contains("truncated"));
    }
    let p = png(&DynamicImage::ImageRgb8(upright()));
    let err = compress_scan(&p[..p.len() - 20], &policy()).expect_err("refused");
    assert_eq!(err.code(), "scan.truncated");
}

#[test]
fn r_scan_02_text_file_named_jpg_refused() {
    let err = compress_scan_named("合同.jpg", "这不是图片，只是文字。\n".as_bytes(), &policy())
        .expect_err("refused");
    assert_eq!(err.code(), "scan.not_an_image");
    let msg = err.to_string();
    assert!(msg.contains("合同.jpg") && msg.contains("不是图片") && msg.contains("not an image"));
    assert_eq!(
        compress_scan(b"", &policy()).expect_err("empty").code(),
        "scan.not_an_image"
    );
}

#[test]
fn r_scan_02_oversized_file_refused_before_anything_else() {
    let file = jpeg(&DynamicImage::ImageRgb8(upright()), 90);
    let small = ScanPolicy {
        max_bytes: file.len() - 1,
        ..policy()
    };
    let err = compress_scan_named("big.jpg", &file, &small).expect_err("refused");
    assert_eq!(err.code(), "scan.too_many_bytes");
    assert!(matches!(err, ScanError::TooManyBytes { bytes, .. } if bytes == file.len()));
    assert!(err.to_string().contains("big.jpg") && err.to_string().contains("too large"));
    // R-UPLOAD-01's limit, named as people read sizes.
    let twenty = ScanPolicy {
        max_bytes: 20 * 1024 * 1024,
        ..policy()
    };
    let thirty = vec![0u8; 30 * 1024 * 1024];
    let message = compress_scan_named("手机照片.jpg", &thirty, &twenty)
        .expect_err("refused")
        .to_string();
    assert!(
        message.contains("30.0 MB") && message.contains("上限 20.0 MB"),
        "{message}"
    );
    // Exactly at the limit is accepted.
    let exact = ScanPolicy {
        max_bytes: file.len(),
        ..policy()
    };
    assert!(compress_scan(&file, &exact).is_ok());
}

#[test]
fn r_scan_02_unsupported_and_damaged_images_refused() {
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    let err = compress_scan_named("anim.gif", gif, &policy()).expect_err("refused");
    assert_eq!(err.code(), "scan.unsupported_format");
    assert!(err.to_string().contains("GIF"), "{err}");

    // A PNG whose image data fails its checksum.
    let mut p = png(&DynamicImage::ImageRgb8(upright()));
    let idat = p.windows(4).position(|w| w == b"IDAT").expect("IDAT");
    p[idat + 10] ^= 0xFF;
    let err = compress_scan_named("bad.png", &p, &policy()).expect_err("refused");
    assert_eq!(err.code(), "scan.damaged", "{err}");
    assert!(err.to_string().contains("bad.png") && err.to_string().contains("已损坏"));

    // A JPEG with its start-of-frame removed.
    let j = jpeg(&DynamicImage::ImageRgb8(upright()), 90);
    let sof = j.windows(2).position(|w| w == [0xFF, 0xC0]).expect("SOF0");
    let mut broken = j.clone();
    broken[sof + 1] = 0xC9; // arithmetic-coded SOF: not what the data is
    let err = compress_scan(&broken, &policy()).expect_err("refused");
    assert!(
        matches!(err.code(), "scan.damaged" | "scan.unsupported_format"),
        "{err}"
    );
}

#[test]
fn r_scan_02_error_codes_are_distinct_and_stable() {
    let name = "x".to_owned();
    let all = [
        ScanError::NotAnImage { name: name.clone() },
        ScanError::UnsupportedFormat {
            name: name.clone(),
            format: "GIF".into(),
        },
        ScanError::Truncated { name: name.clone() },
        ScanError::Damaged {
            name: name.clone(),
            detail: "d".into(),
        },
        ScanError::TooManyPixels {
            name: name.clone(),
            width: 1,
            height: 1,
            max_pixels: 1,
            max_dimension: 1,
        },
        ScanError::TooManyBytes {
            name,
            bytes: 2,
            max_bytes: 1,
        },
    ];
    let codes: Vec<&str> = all.iter().map(ScanError::code).collect();
    assert_eq!(
        codes,
        [
            "scan.not_an_image",
            "scan.unsupported_format",
            "scan.truncated",
            "scan.damaged",
            "scan.too_many_pixels",
            "scan.too_many_bytes"
        ]
    );
    for e in &all {
        let m = e.to_string();
        assert!(
            m.contains('/') && m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{m}"
        );
    }
}

#[test]
fn r_scan_01_shrink_on_load_path_keeps_content_and_orientation() {
    // 1600×1200 to a 400 px long side: decoded at 4/8 by libjpeg, then Lanczos to 400×300.
    let big = image::imageops::resize(&upright(), 1600, 1200, image::imageops::FilterType::Nearest);
    let mut stored = DynamicImage::ImageRgb8(big);
    stored.apply_orientation(orientation_of(inverse(6)));
    let file = with_segment(&jpeg(&stored, 92), &exif_app1(6));
    let small = ScanPolicy {
        max_long_side: 400,
        ..policy()
    };
    let scan = compress_scan(&file, &small).expect("accepted");
    assert_eq!((scan.original_width, scan.original_height), (1200, 1600));
    assert_eq!((scan.width, scan.height), (400, 300));
    let out = decode(&scan.jpeg);
    for (x, y, colour) in [
        (80, 60, RED),
        (320, 60, GREEN),
        (80, 240, BLUE),
        (320, 240, WHITE),
    ] {
        assert!(
            near(out.get_pixel(x, y), colour, 40),
            "({x},{y}) {:?}",
            out.get_pixel(x, y)
        );
    }
}
