//! The agreement PDF: R-PDF-01 (content, fonts, size, pages), R-PDF-02 (verification data,
//! QR, determinism), R-PDF-03 (terminated mark), checked with poppler-utils and zbarimg.

mod common;

use std::path::Path;
use std::process::Command;

use common::{fonts, page_count, page_text, run, squash, tempdir, write};
use gradsign_documents::{
    parse_verification_payload, render_agreement, sample_agreement, verification_payload,
    AgreementDocument, AgreementState, TimelineEntry, CLAUSES,
};

fn render(doc: &AgreementDocument) -> Vec<u8> {
    render_agreement(doc, fonts()).expect("render")
}

/// A document long enough for several pages: a long 备注 and a long timeline.
fn long_doc(state: AgreementState) -> AgreementDocument {
    let mut doc = sample_agreement();
    doc.state = state;
    let mut remarks = String::new();
    for i in 1..=60 {
        remarks.push_str(&format!(
            "第{i}条补充约定：甲方为乙方提供住房补贴每月 1,500 元，并承担岗前培训费用；"
        ));
    }
    remarks.push_str("备注结束标记ENDOFREMARKS");
    doc.terms.other_terms = remarks;
    for i in 0..20 {
        doc.timeline.push(TimelineEntry {
            at: format!("2026-04-{:02} 10:00", i + 1),
            actor: format!("审核员{i}"),
            action: "查看协议".to_owned(),
        });
    }
    doc
}

#[test]
fn r_pdf_01_chinese_text_extracts_exactly_including_rare_characters() {
    let doc = sample_agreement();
    let dir = tempdir();
    let pdf = write(dir.path(), "a.pdf", &render(&doc));
    let text = squash(&run(
        "pdftotext",
        &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
    ));
    let g = &doc.graduate;
    let e = &doc.employer;
    let t = &doc.terms;
    let expected = [
        doc.title.as_str(),
        "甲方：用人单位",
        "乙方：毕业生",
        "丙方：学校",
        &doc.number,
        &doc.verification_code,
        &doc.content_hash,
        &g.name,
        &g.gender,
        &g.id_number,
        &g.education_level,
        &g.major,
        &g.department,
        &g.student_number,
        &g.phone,
        &g.email,
        &e.name,
        &e.credit_code,
        &e.nature,
        &e.industry,
        &e.address,
        &e.contact_person,
        &e.contact_phone,
        &doc.school.name,
        &doc.school.code,
        &t.position,
        &t.work_location,
        &t.salary,
        &t.probation,
        &t.agreement_term,
        &t.liquidated_damages,
        &t.archive_handling,
        &t.archive_receiving_unit,
        &t.archive_address,
        &t.archive_postcode,
        &t.hukou_address,
        &t.other_terms,
        "有效EFFECTIVE",
    ];
    for value in expected {
        assert!(text.contains(&squash(value)), "missing {value:?} in {text}");
    }
    assert!(text.contains("王𠮷"), "rare character lost: {text}");
    for clause in CLAUSES {
        assert!(text.contains(&squash(clause)), "missing clause {clause}");
    }
    for entry in &doc.timeline {
        for v in [&entry.at, &entry.actor, &entry.action] {
            assert!(text.contains(&squash(v)), "missing timeline {v}");
        }
    }
    assert!(!text.contains("TERMINATED"));
}

#[test]
fn r_pdf_01_every_font_is_embedded_and_subset() {
    let dir = tempdir();
    let pdf = write(dir.path(), "a.pdf", &render(&sample_agreement()));
    let out = run("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = out
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(rows.len(), 2, "serif body + sans headings: {out}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type [type…] encoding emb sub uni object ID
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "emb sub uni: {row}"
        );
        assert!(cols[0].contains('+'), "subset tag: {row}");
    }
    assert!(out.contains("NotoSerifCJK"), "{out}");
    assert!(out.contains("NotoSansCJK"), "{out}");
}

#[test]
fn r_pdf_01_small_file() {
    let bytes = render(&sample_agreement());
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.len() < 300 * 1024, "{} bytes", bytes.len());
    let long = render(&long_doc(AgreementState::Effective));
    assert!(long.len() < 400 * 1024, "{} bytes", long.len());
}

#[test]
fn r_pdf_01_long_remarks_wrap_onto_further_pages_with_page_numbers() {
    let doc = long_doc(AgreementState::Effective);
    let dir = tempdir();
    let pdf = write(dir.path(), "long.pdf", &render(&doc));
    let pages = page_count(&pdf);
    assert!(pages >= 3, "expected several pages, got {pages}");
    let mut all = String::new();
    for p in 1..=pages {
        let text = squash(&page_text(&pdf, p));
        assert!(
            text.contains(&format!("第{p}页共{pages}页")),
            "page {p} lacks its number: {text}"
        );
        all.push_str(&text);
    }
    // Nothing of the remarks is lost at the wraps or page breaks.
    for i in 1..=60 {
        assert!(all.contains(&format!("第{i}条补充约定")), "remark {i} lost");
    }
    assert!(all.contains("ENDOFREMARKS"));
    assert!(all.contains("审核员19"));
    // Lines never run past the right margin: every word of the long remarks wraps inside.
    let bbox = run(
        "pdftotext",
        &["-bbox", "-f", "1", "-l", "1", pdf.to_str().unwrap(), "-"],
    );
    for line in bbox.lines().filter(|l| l.contains("<word")) {
        let xmax: f32 = attr(line, "xMax");
        assert!(xmax <= 595.3 - 56.0, "text past the right margin: {line}");
    }
}

fn attr(line: &str, name: &str) -> f32 {
    let start = line.find(&format!("{name}=\"")).expect("attr") + name.len() + 2;
    let end = start + line[start..].find('"').expect("quote");
    line[start..end].parse().expect("number")
}

#[test]
fn r_pdf_02_code_and_hash_on_every_page() {
    let doc = long_doc(AgreementState::Effective);
    let dir = tempdir();
    let pdf = write(dir.path(), "long.pdf", &render(&doc));
    let pages = page_count(&pdf);
    assert!(pages >= 2);
    for p in 1..=pages {
        let text = squash(&page_text(&pdf, p));
        assert!(
            text.contains(&doc.verification_code),
            "page {p} lacks the code"
        );
        assert!(text.contains(&doc.content_hash), "page {p} lacks the hash");
        assert!(text.contains(&doc.number), "page {p} lacks the number");
        // The screen that checks it, by the name the app gives it (one name everywhere).
        assert!(
            text.contains("协议书验证") && !text.contains("核验协议"),
            "page {p} names the verify screen otherwise"
        );
    }
}

fn decode_qr(pdf: &Path, page: usize, dir: &Path) -> String {
    let prefix = dir.join(format!("qr{page}"));
    let p = page.to_string();
    run(
        "pdftoppm",
        &[
            "-r",
            "200",
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            &p,
            "-l",
            &p,
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let png = format!("{}.png", prefix.display());
    run(
        "zbarimg",
        &["--raw", "-q", "-Sdisable", "-Sqrcode.enable", &png],
    )
    .trim()
    .to_owned()
}

#[test]
fn r_pdf_02_qr_code_decodes_to_the_verification_payload_on_every_page() {
    let doc = long_doc(AgreementState::Terminated);
    let dir = tempdir();
    let pdf = write(dir.path(), "long.pdf", &render(&doc));
    let expected = verification_payload(&doc.verification_code, &doc.content_hash);
    assert_eq!(
        expected,
        format!(
            "GRADSIGN-VERIFY:{}:{}",
            doc.verification_code, doc.content_hash
        )
    );
    for p in 1..=page_count(&pdf) {
        let decoded = decode_qr(&pdf, p, dir.path());
        assert_eq!(decoded, expected, "page {p}");
        let (code, hash) = parse_verification_payload(&decoded).expect("ours");
        assert_eq!(
            (code, hash),
            (doc.verification_code.as_str(), doc.content_hash.as_str())
        );
    }
}

#[test]
fn r_pdf_02_payload_parser_refuses_foreign_text() {
    assert_eq!(
        parse_verification_payload("GRADSIGN-VERIFY:ABC:ff"),
        Some(("ABC", "ff"))
    );
    assert_eq!(
        parse_verification_payload(" GRADSIGN-VERIFY:ABC:ff\n"),
        Some(("ABC", "ff"))
    );
    assert_eq!(parse_verification_payload("https://example.com"), None);
    assert_eq!(parse_verification_payload("GRADSIGN-VERIFY:ABC"), None);
    assert_eq!(parse_verification_payload("GRADSIGN-VERIFY::ff"), None);
    assert_eq!(parse_verification_payload("GRADSIGN-VERIFY:A:b:c"), None);
}

#[test]
fn r_pdf_02_same_document_renders_byte_identical_twice() {
    let doc = long_doc(AgreementState::Terminated);
    let a = render(&doc);
    let b = render(&doc);
    assert!(a == b, "two renders in one process differ");
    // A different document gives different bytes (the comparison above can fail).
    let mut other = doc.clone();
    other.graduate.phone = "13900139000".to_owned();
    assert!(render(&other) != a);
}

/// Helper run in a child process by the next test: renders the sample to the given path.
#[test]
fn child_process_render_helper() {
    if let Some(out) = std::env::var_os("GRADSIGN_DOCS_CHILD_OUT") {
        std::fs::write(out, render(&sample_agreement())).expect("write");
    }
}

#[test]
fn r_pdf_02_render_in_another_process_is_byte_identical() {
    let dir = tempdir();
    let out = dir.path().join("child.pdf");
    // Advance printpdf's process-wide counters first, so that equal bytes cannot be luck.
    let _ = render(&long_doc(AgreementState::Effective));
    let here = render(&sample_agreement());
    let status = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "child_process_render_helper",
            "--test-threads",
            "1",
        ])
        .env("GRADSIGN_DOCS_CHILD_OUT", &out)
        .status()
        .expect("run child");
    assert!(status.success());
    let there = std::fs::read(&out).expect("child output");
    assert!(here == there, "render differs between processes");
}

#[test]
fn r_pdf_03_terminated_mark_on_every_page() {
    let dir = tempdir();
    let pdf = write(
        dir.path(),
        "t.pdf",
        &render(&long_doc(AgreementState::Terminated)),
    );
    let pages = page_count(&pdf);
    assert!(pages >= 3);
    for p in 1..=pages {
        let text = squash(&page_text(&pdf, p));
        // The boxed stamp reads as one run; the diagonal's glyphs interleave with the body.
        assert!(
            text.contains("已解约TERMINATED"),
            "page {p} lacks the stamp: {text}"
        );
        assert!(
            text.matches('已').count() >= 2,
            "page {p} lacks the diagonal mark"
        );
        assert!(
            red_share(&pdf, p, dir.path()) > 0.02,
            "page {p}: no red diagonal mark in the middle of the page"
        );
    }
    // The same document while effective carries no mark anywhere.
    let pdf = write(
        dir.path(),
        "e.pdf",
        &render(&long_doc(AgreementState::Effective)),
    );
    for p in 1..=page_count(&pdf) {
        let text = squash(&page_text(&pdf, p));
        assert!(
            !text.contains("TERMINATED") && !text.contains("已解约"),
            "page {p}"
        );
        assert!(
            red_share(&pdf, p, dir.path()) < 0.001,
            "page {p} has red ink"
        );
    }
}

/// Share of clearly red pixels in the middle third of a page rendered at 40 DPI.
fn red_share(pdf: &Path, page: usize, dir: &Path) -> f64 {
    let prefix = dir.join(format!("red{page}"));
    let p = page.to_string();
    run(
        "pdftoppm",
        &[
            "-r",
            "40",
            "-png",
            "-singlefile",
            "-f",
            &p,
            "-l",
            &p,
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let img = image::open(format!("{}.png", prefix.display()))
        .expect("png")
        .into_rgb8();
    let (w, h) = img.dimensions();
    let (mut red, mut all) = (0u32, 0u32);
    for y in h / 3..2 * h / 3 {
        for x in w / 4..3 * w / 4 {
            let px = img.get_pixel(x, y);
            all += 1;
            if i32::from(px[0]) - i32::from(px[1]) > 40 {
                red += 1;
            }
        }
    }
    f64::from(red) / f64::from(all)
}

/// Page 1 of the sample at 100 DPI against the committed reference image: mean absolute
/// difference at most 2 % of full scale. `GRADSIGN_UPDATE_REFERENCE=1` rewrites the reference.
#[test]
fn r_pdf_01_page_one_matches_the_reference_image() {
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/sample-page1.png");
    let dir = tempdir();
    let pdf = write(dir.path(), "s.pdf", &render(&sample_agreement()));
    let prefix = dir.path().join("page");
    run(
        "pdftoppm",
        &[
            "-r",
            "100",
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let rendered = dir.path().join("page.png");
    if std::env::var_os("GRADSIGN_UPDATE_REFERENCE").is_some() {
        std::fs::copy(&rendered, &reference).expect("update reference");
    }
    let a = image::open(&rendered).expect("rendered").into_luma8();
    let b = image::open(&reference)
        .expect("reference committed")
        .into_luma8();
    assert_eq!(a.dimensions(), b.dimensions());
    let total: u64 = a
        .pixels()
        .zip(b.pixels())
        .map(|(x, y)| u64::from(x[0].abs_diff(y[0])))
        .sum();
    let mad = total as f64 / (f64::from(a.width()) * f64::from(a.height())) / 255.0;
    assert!(mad <= 0.02, "mean absolute difference {mad:.4}");
    // The page is not blank: a meaningful comparison (ink covers a few percent at least).
    let ink = a.pixels().filter(|p| p[0] < 128).count() as f64 / f64::from(a.width() * a.height());
    assert!(ink > 0.01, "page 1 looks blank ({ink:.4} ink)");
}

#[test]
fn r_pdf_01_unbroken_long_text_wraps_inside_the_cell_without_loss() {
    let mut doc = sample_agreement();
    // No spaces or CJK to break at: the wrapper must cut the run itself.
    let run_of_digits: String = (0..400)
        .map(|i| char::from(b'0' + (i % 10) as u8))
        .collect();
    doc.employer.address = format!("地址{run_of_digits}号");
    doc.graduate.email = format!("{}@example.edu.cn", "a".repeat(150));
    let dir = tempdir();
    let pdf = write(dir.path(), "u.pdf", &render(&doc));
    let mut all = String::new();
    for p in 1..=page_count(&pdf) {
        all.push_str(&squash(&page_text(&pdf, p)));
        let bbox = run(
            "pdftotext",
            &[
                "-bbox",
                "-f",
                &p.to_string(),
                "-l",
                &p.to_string(),
                pdf.to_str().unwrap(),
                "-",
            ],
        );
        for line in bbox.lines().filter(|l| l.contains("<word")) {
            assert!(
                attr(line, "xMax") <= 595.3 - 56.0,
                "past the right margin: {line}"
            );
        }
    }
    assert!(all.contains(&run_of_digits), "digits lost or reordered");
    assert!(all.contains(&doc.graduate.email));
}

#[test]
fn fonts_load_reports_missing_and_invalid_fonts() {
    use gradsign_documents::{FontError, Fonts};
    let dir = tempdir();
    match Fonts::from_dir(dir.path()) {
        Err(FontError::Io { path, .. }) => assert!(path.ends_with("NotoSerifCJK-Regular.ttc")),
        other => panic!("expected Io error, got {other:?}"),
    }
    match Fonts::load(b"not a font", b"not a font either") {
        Err(FontError::Parse { which, .. }) => assert_eq!(which, "serif"),
        other => panic!("expected Parse error, got {other:?}"),
    }
}

#[test]
fn r_verify_01_qr_read_back_from_a_page_image_in_rust() {
    use gradsign_documents::read_verification_qr;
    let doc = sample_agreement();
    let dir = tempdir();
    let pdf = write(dir.path(), "s.pdf", &render(&doc));
    let prefix = dir.path().join("scan");
    run(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let png = std::fs::read(dir.path().join("scan.png")).expect("png");
    assert_eq!(
        read_verification_qr(&png),
        Some((doc.verification_code.clone(), doc.content_hash.clone()))
    );
    // The same page photographed (JPEG, rotated 90° by EXIF) still reads.
    let page = image::load_from_memory(&png).expect("decode");
    let rotated = image::DynamicImage::ImageRgba8(image::imageops::rotate270(&page));
    let mut jpeg = Vec::new();
    rotated
        .to_rgb8()
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .expect("jpeg");
    let exif: &[u8] = b"\xFF\xE1\x00\x22Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00";
    let mut photo = jpeg[..2].to_vec();
    photo.extend_from_slice(exif);
    photo.extend_from_slice(&jpeg[2..]);
    assert_eq!(
        read_verification_qr(&photo),
        Some((doc.verification_code.clone(), doc.content_hash.clone()))
    );
    // An image without our code, and bytes that are no image, give None.
    let blank =
        image::DynamicImage::ImageLuma8(image::GrayImage::from_pixel(300, 300, image::Luma([255])));
    let mut blank_png = Vec::new();
    blank
        .write_to(
            &mut std::io::Cursor::new(&mut blank_png),
            image::ImageFormat::Png,
        )
        .expect("png");
    assert_eq!(read_verification_qr(&blank_png), None);
    assert_eq!(read_verification_qr(b"not an image"), None);
}

#[test]
fn r_pdf_01_list_of_agreements_prints_as_one_pdf_each_with_its_own_pages() {
    use gradsign_documents::render_agreements;
    let first = sample_agreement();
    let mut second = long_doc(AgreementState::Terminated);
    second.number = "2026100012000124".to_owned();
    second.verification_code = "Q3HX8M2K9D7T".to_owned();
    second.graduate.name = "李四".to_owned();
    let bytes = render_agreements(&[first.clone(), second.clone()], fonts()).expect("render");
    assert!(bytes == render_agreements(&[first.clone(), second.clone()], fonts()).expect("again"));
    let dir = tempdir();
    let pdf = write(dir.path(), "list.pdf", &bytes);
    let n1 = page_count(&write(dir.path(), "1.pdf", &render(&first)));
    let n2 = page_count(&write(dir.path(), "2.pdf", &render(&second)));
    assert_eq!(page_count(&pdf), n1 + n2);
    for p in 1..=n1 + n2 {
        let text = squash(&page_text(&pdf, p));
        let (doc, n, total) = if p <= n1 {
            (&first, p, n1)
        } else {
            (&second, p - n1, n2)
        };
        assert!(text.contains(&format!("第{n}页共{total}页")), "page {p}");
        assert!(
            text.contains(&doc.number) && text.contains(&doc.verification_code),
            "page {p}"
        );
        assert_eq!(
            text.contains("已解约TERMINATED"),
            p > n1,
            "mark on page {p}"
        );
    }
    assert!(render_agreements(&[], fonts()).is_err());
}
