//! Reading a printed agreement's QR code back from a photo or scan (R-VERIFY-01): the verify
//! screen accepts an image instead of typing the code and the hash.

use std::io::Cursor;

use fast_image_resize::{
    images::ImageRef, FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer,
};
use image::{ImageDecoder, ImageReader};

use crate::qr::parse_verification_payload;

/// Largest image accepted for QR reading (pixels), checked from the header before decoding.
pub const QR_IMAGE_MAX_PIXELS: u64 = 64_000_000;

/// Long side the image is reduced to before detection: a 25 mm code on a photographed A4 page
/// keeps ≥ 3 px per module, and detection stays fast.
const DETECT_LONG_SIDE: u32 = 2400;

/// Finds a GradSign verification QR code in a JPEG/PNG/WebP image and returns
/// (verification code, content hash). `None` when the image cannot be read, is over
/// [`QR_IMAGE_MAX_PIXELS`], or holds no QR code of ours.
pub fn read_verification_qr(image: &[u8]) -> Option<(String, String)> {
    let reader = ImageReader::new(Cursor::new(image))
        .with_guessed_format()
        .ok()?;
    let mut decoder = reader.into_decoder().ok()?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > QR_IMAGE_MAX_PIXELS || w == 0 || h == 0 {
        return None;
    }
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(QR_IMAGE_MAX_PIXELS * 8);
    decoder.set_limits(limits).ok()?;
    let orientation = decoder.orientation().ok();
    let mut dynamic = image::DynamicImage::from_decoder(decoder).ok()?;
    if let Some(o) = orientation {
        dynamic.apply_orientation(o);
    }
    let gray = dynamic.into_luma8();
    let (w, h) = gray.dimensions();
    let long = w.max(h);
    // rqrr's grid fitting fails on some module sizes that are not whole pixels (a 150 dpi
    // rendering, a photo at some distance): where one scale finds nothing, others usually do.
    let base = long.min(DETECT_LONG_SIDE);
    [base, base * 3 / 4, base * 5 / 4, base / 2]
        .into_iter()
        .filter(|&side| side >= 200 && side <= long.max(DETECT_LONG_SIDE))
        .find_map(|side| detect_at(&gray, side))
}

/// Looks for our QR code in `gray` resized so its long side is `side` pixels.
fn detect_at(gray: &image::GrayImage, side: u32) -> Option<(String, String)> {
    let (w, h) = gray.dimensions();
    let long = w.max(h);
    let resized;
    let gray = if side != long {
        let (tw, th) = (
            ((u64::from(w) * u64::from(side)) / u64::from(long)).max(1) as u32,
            ((u64::from(h) * u64::from(side)) / u64::from(long)).max(1) as u32,
        );
        let src = ImageRef::new(w, h, gray.as_raw(), PixelType::U8).ok()?;
        let mut dst = fast_image_resize::images::Image::new(tw, th, PixelType::U8);
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
        Resizer::new().resize(&src, &mut dst, &options).ok()?;
        resized = image::GrayImage::from_raw(tw, th, dst.into_vec())?;
        &resized
    } else {
        gray
    };
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        gray.width() as usize,
        gray.height() as usize,
        |x, y| gray.get_pixel(x as u32, y as u32)[0],
    );
    prepared.detect_grids().into_iter().find_map(|grid| {
        let (_, content) = grid.decode().ok()?;
        let (code, hash) = parse_verification_payload(&content)?;
        Some((code.to_owned(), hash.to_owned()))
    })
}

/// What an agreement PDF of ours records in its document information: the agreement number
/// (Identifier) and the verification code and content hash (Subject, the same text as its QR
/// codes); `None` for any other file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfVerification {
    pub number: String,
    pub code: String,
    pub hash: String,
}

/// Reads [`PdfVerification`] off an agreement PDF.
pub fn pdf_verification(pdf: &[u8]) -> Option<PdfVerification> {
    let doc = lopdf::Document::load_mem(pdf).ok()?;
    let info = doc.trailer.get(b"Info").ok()?;
    let info = match info {
        lopdf::Object::Reference(id) => doc.get_object(*id).ok()?.as_dict().ok()?,
        other => other.as_dict().ok()?,
    };
    let text = |key: &[u8]| lopdf::decode_text_string(info.get(key).ok()?).ok();
    let subject = text(b"Subject")?;
    let (code, hash) = parse_verification_payload(&subject)?;
    Some(PdfVerification {
        number: text(b"Identifier").unwrap_or_default(),
        code: code.to_owned(),
        hash: hash.to_owned(),
    })
}
