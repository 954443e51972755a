//! The agreement PDF (R-PDF-01..03): layout on A4, page footers with the verification
//! data, the terminated mark, and deterministic serialisation.

use printpdf::{
    Color, FontId, Line, LinePoint, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, TextMatrix,
};
use sha2::{Digest, Sha256};

use crate::document::{AgreementDocument, AgreementState};
use crate::fonts::Fonts;
use crate::qr;

/// Why an agreement could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The verification payload does not fit a QR code.
    #[error("二维码生成失败 / cannot encode the QR code: {0}")]
    Qr(String),
    /// The PDF writer failed.
    #[error("PDF 生成失败 / cannot write the PDF: {0}")]
    Pdf(String),
}

/// The customary clauses of a 就业协议书 (REFERENCE.md), in substance.
pub const CLAUSES: [&str; 8] = [
    "乙方应按约定的时间到甲方报到；因故不能按时报到的，应事先征得甲方同意。",
    "甲方不得以本协议约定以外的理由拒绝接收乙方或单方解除本协议。",
    "丙方负责向甲方推荐乙方，经审核后将乙方列入学校毕业生就业方案。",
    "乙方未通过甲方依法组织的入职体检的，本协议自动失效。",
    "各方在“其他约定（备注）”中约定的条款与本协议具有同等约束力。",
    "本协议的变更或解除须经其他各方同意并经丙方审核；擅自解除协议的一方按约定承担违约责任。",
    "乙方到甲方报到并与甲方依法订立劳动（聘用）合同后，本协议自行终止。",
    "本协议经甲、乙双方在线确认并经丙方审核通过后生效，可凭验证码、内容哈希或二维码核验真伪。",
];

// A4 in points.
const PAGE_W: f32 = 595.2756;
const PAGE_H: f32 = 841.8898;
const MARGIN_X: f32 = 56.6929; // 20 mm
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const BODY_TOP: f32 = PAGE_H - 54.0;
const BODY_BOTTOM: f32 = 132.0;
const FOOTER_RULE_Y: f32 = 122.0;
const QR_SIZE: f32 = 84.0;

const BODY_SIZE: f32 = 10.0;
const LINE_H: f32 = 14.5;
const CELL_PAD: f32 = 4.0;
const LABEL_W: f32 = 80.0;

const SERIF: &str = "serif";
const SANS: &str = "sans";

/// Renders the agreement as an A4 PDF: deterministic bytes for the same document and fonts.
pub fn render_agreement(doc: &AgreementDocument, fonts: &Fonts) -> Result<Vec<u8>, RenderError> {
    render_agreements(std::slice::from_ref(doc), fonts)
}

/// Renders several agreements into one PDF (the reviewers' printout of a filtered list): each
/// agreement starts on a new page and keeps its own footer, QR code, mark and page numbers
/// (第 N 页 共 M 页 count that agreement's pages). An empty list gives an error.
pub fn render_agreements(
    docs: &[AgreementDocument],
    fonts: &Fonts,
) -> Result<Vec<u8>, RenderError> {
    let first = docs
        .first()
        .ok_or_else(|| RenderError::Pdf("没有要打印的协议 / no agreement to print".to_owned()))?;
    let ids = FontIds::for_documents(docs);
    let mut pdf = PdfDocument::new(&first.title);
    pdf.metadata.info.document_title = if docs.len() == 1 {
        format!("{} {}", first.title, first.number)
    } else {
        format!("{}（{} 份）", first.title, docs.len())
    };
    pdf.metadata.info.creator = "GradSign".to_owned();
    pdf.metadata.info.producer = "GradSign documents".to_owned();
    pdf.metadata.info.identifier = first.number.clone();
    if docs.len() == 1 {
        // What the pages' QR codes carry, where a program finds it without reading an image
        // (`gradsign agreement check-page --against`, [`crate::pdf_verification`]).
        pdf.metadata.info.subject =
            qr::verification_payload(&first.verification_code, &first.content_hash);
    }
    // Dates stay printpdf's fixed epoch (1970-01-01): the clock never enters the bytes.
    pdf.resources.fonts.map.insert(
        FontId(ids.serif.clone()),
        printpdf::PdfFont::new(fonts.serif.clone()),
    );
    pdf.resources.fonts.map.insert(
        FontId(ids.sans.clone()),
        printpdf::PdfFont::new(fonts.sans.clone()),
    );
    for doc in docs {
        pdf.pages.extend(agreement_pages(doc, fonts, &ids)?);
    }
    save(&pdf, &ids)
}

/// The pages of one agreement: body laid out, then mark, footer and QR code on each page.
fn agreement_pages(
    doc: &AgreementDocument,
    fonts: &Fonts,
    ids: &FontIds,
) -> Result<Vec<PdfPage>, RenderError> {
    let mut layout = Layout::new(fonts, ids);
    layout.body(doc);
    let pages = layout.finish();
    let qr_ops = qr::qr_ops(
        &qr::verification_payload(&doc.verification_code, &doc.content_hash),
        PAGE_W - MARGIN_X - QR_SIZE,
        FOOTER_RULE_Y - 8.0 - QR_SIZE,
        QR_SIZE,
    )
    .map_err(RenderError::Qr)?;
    let total = pages.len();
    let mut out = Vec::with_capacity(total);
    for (index, body) in pages.into_iter().enumerate() {
        let mut ops = Vec::new();
        match doc.state {
            AgreementState::Terminated => terminated_mark(&mut ops, fonts, ids),
            AgreementState::AwaitingStamp => awaiting_stamp_mark(&mut ops, fonts, ids),
            AgreementState::Effective | AgreementState::SignedOffline => {}
        }
        // Every page's content stream starts from the default graphics state.
        ops.push(Op::SetFillColor {
            col: rgb(0.0, 0.0, 0.0),
        });
        ops.push(Op::SetOutlineColor {
            col: rgb(0.35, 0.35, 0.35),
        });
        ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
        ops.extend(body);
        footer(&mut ops, doc, fonts, ids, index + 1, total);
        ops.extend(qr_ops.iter().cloned());
        out.push(PdfPage::new(printpdf::Mm(210.0), printpdf::Mm(297.0), ops));
    }
    Ok(out)
}

/// Serialises with subset fonts, a content-derived trailer /ID and compressed streams.
fn save(pdf: &PdfDocument, ids: &FontIds) -> Result<Vec<u8>, RenderError> {
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&opts, &mut warnings);
    // printpdf reports problems (e.g. a font it could not subset and embedded whole) as
    // error-level warnings instead of failing: a PDF made despite them is not one we hand out.
    if let Some(w) = warnings
        .iter()
        .find(|w| w.severity == printpdf::PdfParseErrorSeverity::Error)
    {
        return Err(RenderError::Pdf(w.msg.clone()));
    }
    // printpdf draws the trailer /ID from a process-wide counter; derive it from the content.
    let id = ids.document_id.clone();
    lo.trailer.set(
        "ID",
        lopdf::Object::Array(vec![
            lopdf::Object::String(id.clone(), lopdf::StringFormat::Hexadecimal),
            lopdf::Object::String(id, lopdf::StringFormat::Hexadecimal),
        ]),
    );
    lo.compress();
    let mut out = Vec::new();
    lo.save_to(&mut out)
        .map_err(|e| RenderError::Pdf(e.to_string()))?;
    Ok(out)
}

/// Font resource names and the document id, all derived from the document's content so that
/// two renders (in any process) produce the same bytes. The first six letters of a font id
/// become the PDF subset tag (`ABCDEF+NotoSerifCJKsc-Regular`).
struct FontIds {
    serif: String,
    sans: String,
    document_id: Vec<u8>,
}

impl FontIds {
    fn for_documents(docs: &[AgreementDocument]) -> Self {
        let digest = Sha256::digest(format!("{docs:?}").as_bytes());
        let letters = |salt: u8| -> String {
            digest
                .iter()
                .take(6)
                .map(|b| char::from(b'A' + (b.wrapping_add(salt) % 26)))
                .collect()
        };
        Self {
            serif: format!("{}{}", letters(0), "Serif"),
            sans: format!("{}{}", letters(13), "Sans"),
            document_id: digest[..16].to_vec(),
        }
    }
}

impl FontIds {
    fn id(&self, which: &str) -> String {
        if which == SANS {
            self.sans.clone()
        } else {
            self.serif.clone()
        }
    }
}

/// Width of `text` in points, from the font's horizontal advances.
pub(crate) fn text_width(font: &ParsedFont, size: f32, text: &str) -> f32 {
    let upem = f32::from(font.pdf_font_metrics.units_per_em.max(1));
    let units: u32 = text
        .chars()
        .map(|c| {
            font.lookup_glyph_index(u32::from(c))
                .map(|g| u32::from(font.get_horizontal_advance(g)))
                .unwrap_or(u32::from(font.pdf_font_metrics.units_per_em))
        })
        .sum();
    units as f32 * size / upem
}

/// Characters that must not start a line (Chinese line-breaking rules, simplified).
fn no_line_start(c: char) -> bool {
    "，。、；：？！）》」』】”’,.;:?!)%".contains(c)
}

/// Breaks `text` into lines no wider than `max_width`, measuring glyph advances. CJK breaks
/// between any two characters; a run of ASCII letters/digits is kept whole when it fits a line;
/// closing punctuation never starts a line. Explicit newlines are kept.
pub(crate) fn wrap(font: &ParsedFont, size: f32, text: &str, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let chars: Vec<char> = paragraph.chars().collect();
        if chars.is_empty() {
            lines.push(String::new());
            continue;
        }
        let mut start = 0;
        while start < chars.len() {
            let mut width = 0.0;
            let mut end = start;
            while end < chars.len() {
                let w = text_width(font, size, chars[end].encode_utf8(&mut [0; 4]));
                if width + w > max_width && end > start {
                    break;
                }
                width += w;
                end += 1;
            }
            if end < chars.len() {
                end = adjust_break(&chars, start, end);
            }
            let line: String = chars[start..end].iter().collect();
            lines.push(line.trim_end().to_owned());
            start = end;
            while start < chars.len() && chars[start] == ' ' {
                start += 1;
            }
        }
    }
    lines
}

/// Moves a line break at `end` back so that an ASCII word or number stays whole and closing
/// punctuation does not start the next line; never below `start + 1`.
fn adjust_break(chars: &[char], start: usize, mut end: usize) -> usize {
    let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '@' | '-' | '.' | ',' | '_');
    let original = end;
    for _ in 0..4 {
        let before = end;
        while end > start + 1 && no_line_start(chars[end]) {
            end -= 1;
        }
        if is_word(chars[end]) && is_word(chars[end - 1]) {
            let mut back = end;
            while back > start && is_word(chars[back - 1]) {
                back -= 1;
            }
            if back > start {
                end = back;
            }
        }
        if end == before {
            break;
        }
    }
    if end <= start {
        original
    } else {
        end
    }
}

fn font_of<'a>(fonts: &'a Fonts, which: &str) -> &'a ParsedFont {
    if which == SANS {
        &fonts.sans
    } else {
        &fonts.serif
    }
}

fn rgb(r: f32, g: f32, b: f32) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

fn text_op(ops: &mut Vec<Op>, font_id: &str, size: f32, x: f32, y: f32, text: &str) {
    if text.is_empty() {
        return;
    }
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFont {
        font: PdfFontHandle::External(FontId(font_id.to_owned())),
        size: Pt(size),
    });
    ops.push(Op::SetTextMatrix {
        matrix: TextMatrix::Translate(Pt(x), Pt(y)),
    });
    ops.push(Op::ShowText {
        items: vec![TextItem::Text(text.to_owned())],
    });
    ops.push(Op::EndTextSection);
}

fn line_op(ops: &mut Vec<Op>, x1: f32, y1: f32, x2: f32, y2: f32) {
    ops.push(Op::DrawLine {
        line: Line {
            points: vec![
                LinePoint {
                    p: Point {
                        x: Pt(x1),
                        y: Pt(y1),
                    },
                    bezier: false,
                },
                LinePoint {
                    p: Point {
                        x: Pt(x2),
                        y: Pt(y2),
                    },
                    bezier: false,
                },
            ],
            is_closed: false,
        },
    });
}

pub(crate) fn fill_rect(ops: &mut Vec<Op>, x: f32, y: f32, w: f32, h: f32) {
    ops.push(Op::DrawRectangle {
        rectangle: Rect {
            x: Pt(x),
            y: Pt(y),
            width: Pt(w),
            height: Pt(h),
            mode: Some(PaintMode::Fill),
            winding_order: None,
        },
    });
}

/// One table cell: a label (sans) and a value (serif) wrapped to the cell.
struct Cell<'a> {
    label: &'a str,
    value: &'a str,
    /// Width of the value column.
    value_w: f32,
}

/// Lays the body out top to bottom, starting a new page when a row does not fit.
struct Layout<'a> {
    fonts: &'a Fonts,
    ids: &'a FontIds,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    y: f32,
    running_header: String,
}

impl<'a> Layout<'a> {
    fn new(fonts: &'a Fonts, ids: &'a FontIds) -> Self {
        Self {
            fonts,
            ids,
            pages: Vec::new(),
            ops: Vec::new(),
            y: BODY_TOP,
            running_header: String::new(),
        }
    }

    fn finish(mut self) -> Vec<Vec<Op>> {
        let ops = std::mem::take(&mut self.ops);
        self.pages.push(ops);
        self.pages
    }

    fn new_page(&mut self) {
        let ops = std::mem::take(&mut self.ops);
        self.pages.push(ops);
        self.y = BODY_TOP;
        let header = self.running_header.clone();
        self.text(SANS, 9.0, MARGIN_X, self.y - 9.0, &header);
        self.y -= 22.0;
    }

    /// Makes room for `height`, breaking the page when needed.
    fn ensure(&mut self, height: f32) {
        if self.y - height < BODY_BOTTOM {
            self.new_page();
        }
    }

    fn text(&mut self, which: &str, size: f32, x: f32, y: f32, text: &str) {
        let id = self.ids.id(which);
        text_op(&mut self.ops, &id, size, x, y, text);
    }

    fn centered(&mut self, which: &str, size: f32, y: f32, text: &str) {
        let w = text_width(font_of(self.fonts, which), size, text);
        self.text(which, size, (PAGE_W - w) / 2.0, y, text);
    }

    fn heading(&mut self, text: &str) {
        self.ensure(26.0 + LINE_H * 2.0);
        self.y -= 20.0;
        self.text(SANS, 12.0, MARGIN_X, self.y, text);
        self.y -= 8.0;
    }

    fn paragraph(&mut self, text: &str, indent: f32) {
        let lines = wrap(&self.fonts.serif, BODY_SIZE, text, CONTENT_W - indent);
        for line in lines {
            self.ensure(LINE_H);
            self.y -= LINE_H;
            self.text(SERIF, BODY_SIZE, MARGIN_X + indent, self.y + 3.5, &line);
        }
    }

    /// A table row of one or two label/value cells with borders. Rows taller than a page
    /// (a very long 备注) are split across pages.
    fn row(&mut self, cells: &[Cell<'_>]) {
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .map(|c| {
                wrap(
                    &self.fonts.serif,
                    BODY_SIZE,
                    c.value,
                    c.value_w - 2.0 * CELL_PAD,
                )
            })
            .collect();
        let n_lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let mut first = 0;
        while first < n_lines {
            let room = ((self.y - BODY_BOTTOM - 2.0 * CELL_PAD) / LINE_H).floor();
            let fit = if room < 1.0 {
                self.new_page();
                continue;
            } else {
                (room as usize).min(n_lines - first)
            };
            let height = fit as f32 * LINE_H + 2.0 * CELL_PAD;
            let top = self.y;
            let bottom = top - height;
            let mut x = MARGIN_X;
            for (cell, lines) in cells.iter().zip(&wrapped) {
                let font_id = self.ids.id(SANS);
                let label_y = top - CELL_PAD - LINE_H + 3.5;
                text_op(
                    &mut self.ops,
                    &font_id,
                    9.0,
                    x + CELL_PAD,
                    label_y,
                    cell.label,
                );
                if first > 0 && fit > 1 && !cell.label.is_empty() {
                    text_op(
                        &mut self.ops,
                        &font_id,
                        9.0,
                        x + CELL_PAD,
                        label_y - LINE_H,
                        "（续）",
                    );
                }
                let vx = x + LABEL_W;
                for (i, line) in lines.iter().skip(first).take(fit).enumerate() {
                    let ly = top - CELL_PAD - LINE_H * (i as f32 + 1.0) + 3.5;
                    self.text(SERIF, BODY_SIZE, vx + CELL_PAD, ly, line);
                }
                line_op(&mut self.ops, vx, top, vx, bottom);
                x = vx + cell.value_w;
            }
            // Borders: top, bottom, left, right.
            line_op(&mut self.ops, MARGIN_X, top, MARGIN_X + CONTENT_W, top);
            line_op(
                &mut self.ops,
                MARGIN_X,
                bottom,
                MARGIN_X + CONTENT_W,
                bottom,
            );
            line_op(&mut self.ops, MARGIN_X, top, MARGIN_X, bottom);
            if cells.len() > 1 {
                let mid = MARGIN_X + LABEL_W + cells[0].value_w;
                line_op(&mut self.ops, mid, top, mid, bottom);
            }
            line_op(
                &mut self.ops,
                MARGIN_X + CONTENT_W,
                top,
                MARGIN_X + CONTENT_W,
                bottom,
            );
            self.y = bottom;
            first += fit;
        }
    }

    fn pair(&mut self, l1: &str, v1: &str, l2: &str, v2: &str) {
        let half = CONTENT_W / 2.0 - LABEL_W;
        self.row(&[
            Cell {
                label: l1,
                value: v1,
                value_w: half,
            },
            Cell {
                label: l2,
                value: v2,
                value_w: half,
            },
        ]);
    }

    fn full(&mut self, label: &str, value: &str) {
        self.row(&[Cell {
            label,
            value,
            value_w: CONTENT_W - LABEL_W,
        }]);
    }

    fn body(&mut self, doc: &AgreementDocument) {
        let ops_color = rgb(0.0, 0.0, 0.0);
        self.ops.push(Op::SetFillColor { col: ops_color });
        self.ops.push(Op::SetOutlineColor {
            col: rgb(0.35, 0.35, 0.35),
        });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
        self.running_header = format!("{}（续）  协议编号 {}", doc.title, doc.number);

        self.y -= 16.0;
        self.centered(SANS, 18.0, self.y, &doc.title);
        self.y -= 22.0;
        self.centered(
            SERIF,
            BODY_SIZE,
            self.y,
            "甲方：用人单位　　乙方：毕业生　　丙方：学校",
        );
        self.y -= 10.0;
        let g = &doc.graduate;
        let e = &doc.employer;
        let s = &doc.school;
        let t = &doc.terms;
        self.pair("协议编号", &doc.number, "验证码", &doc.verification_code);

        self.heading("一、乙方（毕业生）");
        self.pair("姓名", &g.name, "性别", &g.gender);
        self.pair("身份证号", &g.id_number, "学历", &g.education_level);
        self.pair("专业", &g.major, "院系", &g.department);
        self.pair("学号", &g.student_number, "联系电话", &g.phone);
        self.full("电子邮箱", &g.email);

        self.heading("二、甲方（用人单位）");
        self.full("单位名称", &e.name);
        self.pair("统一社会信用代码", &e.credit_code, "单位性质", &e.nature);
        self.full("所属行业", &e.industry);
        self.full("单位地址", &e.address);
        self.pair("联系人", &e.contact_person, "联系电话", &e.contact_phone);

        self.heading("三、丙方（学校）");
        self.pair("学校名称", &s.name, "学校代码", &s.code);

        self.heading("四、协议条款");
        self.pair("工作岗位", &t.position, "工作地点", &t.work_location);
        self.pair("薪酬", &t.salary, "试用期", &t.probation);
        self.pair(
            "协议期限",
            &t.agreement_term,
            "违约金",
            &t.liquidated_damages,
        );
        self.pair(
            "档案去向",
            &t.archive_handling,
            "档案接收单位",
            &t.archive_receiving_unit,
        );
        self.full("档案接收地址", &t.archive_address);
        self.full("档案邮政编码", &t.archive_postcode);
        self.full("户口迁移地址", &t.hukou_address);
        self.full("其他约定（备注）", &t.other_terms);

        self.heading("五、协议约定");
        let offline = matches!(
            doc.state,
            AgreementState::AwaitingStamp | AgreementState::SignedOffline
        );
        for (i, clause) in CLAUSES.iter().enumerate() {
            // R-OFFSIGN: an offline agreement comes into force by stamp, signature and review.
            let clause = if offline && i + 1 == CLAUSES.len() {
                OFFLINE_LAST_CLAUSE
            } else {
                clause
            };
            self.paragraph(&format!("{}. {}", i + 1, clause), 0.0);
        }

        self.heading("六、签约与审核记录");
        for entry in &doc.timeline {
            self.row(&[
                Cell {
                    label: &entry.at,
                    value: &entry.actor,
                    value_w: CONTENT_W / 2.0 - LABEL_W + 25.0,
                },
                Cell {
                    label: "",
                    value: &entry.action,
                    value_w: CONTENT_W / 2.0 - LABEL_W - 25.0,
                },
            ]);
        }

        self.heading("七、协议状态");
        self.full("当前状态", doc.state.label());
        if doc.state == AgreementState::AwaitingStamp {
            self.stamp_boxes();
        }
    }

    /// R-OFFSIGN-03: where the employer stamps and the graduate signs the printed copy; kept
    /// whole on one page, above the footer (and so clear of the QR code).
    fn stamp_boxes(&mut self) {
        const BOX_H: f32 = 120.0;
        self.ensure(26.0 + LINE_H * 2.0 + BOX_H + 30.0);
        self.heading("八、签章");
        let half = CONTENT_W / 2.0;
        let top = self.y - 6.0;
        let bottom = top - BOX_H;
        let labels = ["甲方（用人单位）盖章", "乙方（毕业生）签名"];
        for (i, label) in labels.iter().enumerate() {
            let x = MARGIN_X + half * i as f32;
            let w = half - 6.0;
            line_op(&mut self.ops, x, top, x + w, top);
            line_op(&mut self.ops, x, bottom, x + w, bottom);
            line_op(&mut self.ops, x, top, x, bottom);
            line_op(&mut self.ops, x + w, top, x + w, bottom);
            let id = self.ids.id(SANS);
            text_op(&mut self.ops, &id, 9.0, x + CELL_PAD, top - 14.0, label);
            let sid = self.ids.id(SERIF);
            text_op(
                &mut self.ops,
                &sid,
                9.0,
                x + CELL_PAD,
                bottom + 8.0,
                "日期：　　　年　　月　　日",
            );
        }
        self.y = bottom - 8.0;
        self.paragraph(
            "请用人单位在上方盖章（骑缝章可盖在页边），毕业生签名后，将每一页拍照或扫描上传（回传）；拍照时请保持右下角二维码完整清晰。",
            0.0,
        );
    }
}

/// The last clause of an offline agreement (R-OFFSIGN): stamped, signed and reviewed.
pub const OFFLINE_LAST_CLAUSE: &str = "本协议经甲方盖章、乙方签名，盖章页回传并经丙方审核通过后生效，可凭验证码、内容哈希或二维码核验真伪。";

/// R-OFFSIGN-03: the boxed "待单位盖章回传" mark at the top right of every page of a print
/// copy. No diagonal: the printed copy becomes the agreement once stamped.
fn awaiting_stamp_mark(ops: &mut Vec<Op>, fonts: &Fonts, ids: &FontIds) {
    corner_box(ops, fonts, ids, "待单位盖章回传", (0.1, 0.25, 0.6), 1.2);
}

/// A boxed word at the top right of the page in `color`, then the body's colours again (the
/// ops that follow assume them).
fn corner_box(
    ops: &mut Vec<Op>,
    fonts: &Fonts,
    ids: &FontIds,
    text: &str,
    (r, g, b): (f32, f32, f32),
    thickness: f32,
) {
    let sw = text_width(&fonts.sans, 12.0, text);
    let sx = PAGE_W - MARGIN_X - sw - 8.0;
    let sy = PAGE_H - 40.0;
    ops.push(Op::SetOutlineColor { col: rgb(r, g, b) });
    ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
    ops.push(Op::DrawRectangle {
        rectangle: Rect {
            x: Pt(sx - 6.0),
            y: Pt(sy - 6.0),
            width: Pt(sw + 12.0),
            height: Pt(22.0),
            mode: Some(PaintMode::Stroke),
            winding_order: None,
        },
    });
    ops.push(Op::SetFillColor { col: rgb(r, g, b) });
    text_op(ops, &ids.sans, 12.0, sx, sy, text);
    ops.push(Op::SetFillColor {
        col: rgb(0.0, 0.0, 0.0),
    });
    ops.push(Op::SetOutlineColor {
        col: rgb(0.35, 0.35, 0.35),
    });
    ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
}

/// Footer on every page: rule, number and code, hash, how to verify, page number.
fn footer(
    ops: &mut Vec<Op>,
    doc: &AgreementDocument,
    fonts: &Fonts,
    ids: &FontIds,
    page: usize,
    total: usize,
) {
    ops.push(Op::SetFillColor {
        col: rgb(0.0, 0.0, 0.0),
    });
    ops.push(Op::SetOutlineColor {
        col: rgb(0.35, 0.35, 0.35),
    });
    ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
    line_op(
        ops,
        MARGIN_X,
        FOOTER_RULE_Y,
        MARGIN_X + CONTENT_W,
        FOOTER_RULE_Y,
    );
    let x = MARGIN_X;
    let mut y = FOOTER_RULE_Y - 18.0;
    let lines = [
        format!("协议编号 Agreement No.：{}", doc.number),
        format!("验证码 Verification code：{}", doc.verification_code),
        "内容哈希 SHA-256：".to_owned(),
        doc.content_hash.clone(),
        "核验：在 GradSign“协议书验证”页输入验证码与内容哈希，或扫描右侧二维码。".to_owned(),
    ];
    for line in &lines {
        text_op(ops, &ids.serif, 8.5, x, y, line);
        y -= 13.0;
    }
    let label = format!("第 {page} 页 共 {total} 页");
    let w = text_width(&fonts.serif, 9.0, &label);
    text_op(ops, &ids.serif, 9.0, (PAGE_W - w) / 2.0, 22.0, &label);
}

/// The big diagonal "已解约 TERMINATED" mark (R-PDF-03), drawn under the content.
fn terminated_mark(ops: &mut Vec<Op>, fonts: &Fonts, ids: &FontIds) {
    let text = "已解约 TERMINATED";
    let size = 56.0;
    let w = text_width(&fonts.sans, size, text);
    let angle: f32 = 35.0_f32.to_radians();
    let (sin, cos) = angle.sin_cos();
    // Centre the rotated baseline on the page centre.
    let cx = PAGE_W / 2.0;
    let cy = PAGE_H / 2.0;
    let x = cx - cos * w / 2.0 + sin * size * 0.35;
    let y = cy - sin * w / 2.0 - cos * size * 0.35;
    ops.push(Op::SetFillColor {
        col: rgb(0.93, 0.62, 0.62),
    });
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFont {
        font: PdfFontHandle::External(FontId(ids.sans.clone())),
        size: Pt(size),
    });
    ops.push(Op::SetTextMatrix {
        matrix: TextMatrix::Raw([cos, sin, -sin, cos, x, y]),
    });
    ops.push(Op::ShowText {
        items: vec![TextItem::Text(text.to_owned())],
    });
    ops.push(Op::EndTextSection);
    // A boxed stamp at the top right too, readable even where the diagonal is covered.
    corner_box(ops, fonts, ids, "已解约 TERMINATED", (0.8, 0.1, 0.1), 1.5);
}
