//! `agreement_html OUT.html`: the sample agreement as an HTML page with the same blocks,
//! clauses, footer and QR code (inline SVG), so the benchmark script can time Chromium's
//! `--print-to-pdf` against `render_agreement` on the same content.
use gradsign_documents::{sample_agreement, verification_payload, CLAUSES};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .ok_or("usage: agreement_html OUT.html")?;
    let d = sample_agreement();
    let (g, e, s, t) = (&d.graduate, &d.employer, &d.school, &d.terms);
    let pair = |a: &str, b: &str, c: &str, v: &str| {
        format!(
            "<tr><th>{}</th><td>{}</td><th>{}</th><td>{}</td></tr>",
            esc(a),
            esc(b),
            esc(c),
            esc(v)
        )
    };
    let full =
        |a: &str, b: &str| format!("<tr><th>{}</th><td colspan=3>{}</td></tr>", esc(a), esc(b));
    let mut body = String::new();
    body += &format!(
        "<h1>{}</h1><p class=c>甲方：用人单位　乙方：毕业生　丙方：学校</p><table>",
        esc(&d.title)
    );
    body += &pair("协议编号", &d.number, "验证码", &d.verification_code);
    body += "</table><h2>一、乙方（毕业生）</h2><table>";
    body += &pair("姓名", &g.name, "性别", &g.gender);
    body += &pair("身份证号", &g.id_number, "学历", &g.education_level);
    body += &pair("专业", &g.major, "院系", &g.department);
    body += &pair("学号", &g.student_number, "联系电话", &g.phone);
    body += &full("电子邮箱", &g.email);
    body += "</table><h2>二、甲方（用人单位）</h2><table>";
    body += &full("单位名称", &e.name);
    body += &pair("统一社会信用代码", &e.credit_code, "单位性质", &e.nature);
    body += &full("所属行业", &e.industry);
    body += &full("单位地址", &e.address);
    body += &pair("联系人", &e.contact_person, "联系电话", &e.contact_phone);
    body += "</table><h2>三、丙方（学校）</h2><table>";
    body += &pair("学校名称", &s.name, "学校代码", &s.code);
    body += "</table><h2>四、协议条款</h2><table>";
    body += &pair("工作岗位", &t.position, "工作地点", &t.work_location);
    body += &pair("薪酬", &t.salary, "试用期", &t.probation);
    body += &pair(
        "协议期限",
        &t.agreement_term,
        "违约金",
        &t.liquidated_damages,
    );
    body += &pair(
        "档案去向",
        &t.archive_handling,
        "档案接收单位",
        &t.archive_receiving_unit,
    );
    body += &full("档案接收地址", &t.archive_address);
    body += &full("档案邮政编码", &t.archive_postcode);
    body += &full("户口迁移地址", &t.hukou_address);
    body += &full("其他约定（备注）", &t.other_terms);
    body += "</table><h2>五、协议约定</h2>";
    for (i, c) in CLAUSES.iter().enumerate() {
        body += &format!("<p>{}. {}</p>", i + 1, esc(c));
    }
    body += "<h2>六、签约与审核记录</h2><table>";
    for x in &d.timeline {
        body += &format!(
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            esc(&x.at),
            esc(&x.actor),
            esc(&x.action)
        );
    }
    body += "</table><h2>七、协议状态</h2><table>";
    body += &full("当前状态", d.state.label());
    body += "</table>";
    let qr = qrcode::QrCode::with_error_correction_level(
        verification_payload(&d.verification_code, &d.content_hash),
        qrcode::EcLevel::M,
    )?;
    let n = qr.width();
    let mut rects = String::new();
    for (i, c) in qr.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            rects += &format!(
                "<rect x='{}' y='{}' width='1' height='1'/>",
                i % n + 4,
                i / n + 4
            );
        }
    }
    let footer = format!(
        "<div class=f><svg viewBox='0 0 {m} {m}' width='84pt' height='84pt' style='float:right'>{rects}</svg>\
         协议编号 Agreement No.：{}<br>验证码 Verification code：{}<br>内容哈希 SHA-256：<br>{}<br>\
         核验：在 GradSign“协议书验证”页输入验证码与内容哈希，或扫描右侧二维码。<p class=c>第 1 页 共 1 页</p></div>",
        d.number, d.verification_code, d.content_hash, m = n + 8
    );
    let html = format!(
        "<!doctype html><html lang=zh-CN><meta charset=utf-8><style>\
         @page{{size:A4;margin:18mm 20mm}} body{{font:10pt 'Noto Serif CJK SC',serif}}\
         h1,h2,th{{font-family:'Noto Sans CJK SC',sans-serif}} h1{{font-size:18pt;text-align:center;margin:0}}\
         h2{{font-size:12pt;margin:8pt 0 4pt}} table{{width:100%;border-collapse:collapse}}\
         th,td{{border:0.6pt solid #595959;padding:3pt 4pt;text-align:left;font-size:10pt}} th{{width:80pt;font-size:9pt}}\
         .c{{text-align:center}} .f{{border-top:0.6pt solid #595959;margin-top:12pt;padding-top:6pt;font-size:8.5pt}}\
         </style><body>{body}{footer}</body></html>"
    );
    std::fs::write(out, html)?;
    Ok(())
}
