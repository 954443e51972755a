//! `ssim ORIGINAL CANDIDATE...`: SSIM (Wang et al. 2004: 8×8 windows with stride 4 on luma,
//! K1 = 0.01, K2 = 0.03) of each candidate against a Lanczos3 downscale of the upright
//! original to the candidate's size. Prints `name ssim` per candidate.
use image::{imageops, DynamicImage, GrayImage, ImageDecoder, ImageReader};

fn upright(path: &str) -> Result<DynamicImage, Box<dyn std::error::Error>> {
    let mut decoder = ImageReader::open(path)?
        .with_guessed_format()?
        .into_decoder()?;
    let orientation = decoder.orientation()?;
    let mut image = DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn luma(img: &DynamicImage) -> GrayImage {
    img.to_luma8()
}

fn ssim(a: &GrayImage, b: &GrayImage) -> f64 {
    let (w, h) = a.dimensions();
    let (c1, c2) = ((0.01f64 * 255.0).powi(2), (0.03f64 * 255.0).powi(2));
    let (mut total, mut n) = (0.0, 0u64);
    let win = 8u32;
    let mut y = 0;
    while y + win <= h {
        let mut x = 0;
        while x + win <= w {
            let (mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for j in y..y + win {
                for i in x..x + win {
                    let p = f64::from(a.get_pixel(i, j)[0]);
                    let q = f64::from(b.get_pixel(i, j)[0]);
                    sa += p;
                    sb += q;
                    saa += p * p;
                    sbb += q * q;
                    sab += p * q;
                }
            }
            let k = f64::from(win * win);
            let (ma, mb) = (sa / k, sb / k);
            let va = saa / k - ma * ma;
            let vb = sbb / k - mb * mb;
            let cov = sab / k - ma * mb;
            total += ((2.0 * ma * mb + c1) * (2.0 * cov + c2))
                / ((ma * ma + mb * mb + c1) * (va + vb + c2));
            n += 1;
            x += 4;
        }
        y += 4;
    }
    total / n as f64
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (original, candidates) = args
        .split_first()
        .ok_or("usage: ssim ORIGINAL CANDIDATE...")?;
    let original = upright(original)?;
    for path in candidates {
        let cand = luma(&upright(path)?);
        let (w, h) = cand.dimensions();
        let reference = luma(&DynamicImage::ImageRgba8(imageops::resize(
            &original,
            w,
            h,
            imageops::FilterType::Lanczos3,
        )));
        println!("{path} {:.4}", ssim(&reference, &cand));
    }
    Ok(())
}
