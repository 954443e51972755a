//! The `gradsign` binary as school IT runs it, on real files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn gradsign(db: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gradsign"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.unwrap_or("").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn id_for(n: u32, male: bool) -> String {
    let first = format!(
        "3101042003{:02}15{:02}{}",
        1 + n % 12,
        n % 100,
        if male { 1 } else { 2 }
    );
    format!(
        "{first}{}",
        gradsign_engine::types::IdNumber::check_char(&first).unwrap()
    )
}

fn school(dir: &std::path::Path) -> String {
    let db = dir.join("school.db").display().to_string();
    let o = gradsign(
        &db,
        &[
            "init",
            "--school-name",
            "测试大学",
            "--school-code",
            "10002",
            "--department",
            "计算机学院",
            "--department",
            "外国语学院",
            "--admin",
            "office",
        ],
        Some("office2026\n"),
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let o = gradsign(
        &db,
        &["cohort", "--year", "2026", "--chain", "both", "--open"],
        None,
    );
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(text(&o).0.contains("module open"));
    db
}

const HEADER: &str =
    "学号,姓名,性别,身份证号,学历,专业,院系,培养方式,定向委培单位,生源地,手机,邮箱";

fn row(n: u32) -> String {
    let male = n % 2 == 1;
    format!(
        "2026{n:05},学生{n},{},{},本科,英语,外国语学院,非定向,,上海,1380000{n:04},s{n}@example.cn",
        if male { "男" } else { "女" },
        id_for(n, male)
    )
}

#[test]
fn init_reads_the_password_from_stdin_and_refuses_a_weak_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db").display().to_string();
    let o = gradsign(
        &db,
        &[
            "init",
            "--school-name",
            "测试大学",
            "--school-code",
            "10002",
            "--department",
            "计算机学院",
            "--admin",
            "office",
        ],
        Some("short\n"),
    );
    assert!(!o.status.success());
    assert!(text(&o).1.contains("密码"), "{:?}", text(&o));
    let o = gradsign(
        &db,
        &[
            "init",
            "--school-name",
            "测试大学",
            "--school-code",
            "1002",
            "--department",
            "计算机学院",
            "--admin",
            "office",
        ],
        Some("office2026\n"),
    );
    assert!(text(&o).1.contains("学校代码"), "{:?}", text(&o));
    school(dir.path());
    let again = gradsign(
        &dir.path().join("school.db").display().to_string(),
        &[
            "init",
            "--school-name",
            "x",
            "--school-code",
            "10003",
            "--department",
            "d",
            "--admin",
            "a2a",
        ],
        Some("office2026\n"),
    );
    assert!(!again.status.success(), "a school is set up only once");
}

#[test]
fn r_import_01_csv_utf8_bom_and_gb18030_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let db = school(dir.path());
    // UTF-8 with BOM.
    let f = dir.path().join("a.csv");
    std::fs::write(&f, format!("\u{feff}{HEADER}\n{}\n{}\n", row(1), row(2))).unwrap();
    let o = gradsign(
        &db,
        &[
            "import",
            "graduates",
            f.to_str().unwrap(),
            "--cohort",
            "2026",
        ],
        None,
    );
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(text(&o).0.contains("2 created"));
    // GB18030, as Excel writes it on Chinese Windows; row 1 again updates it.
    let body = format!(
        "{HEADER}\r\n{}\r\n{}\r\n",
        row(3),
        row(1).replace("英语", "商务英语")
    );
    let (bytes, _, _) = encoding_rs::GB18030.encode(&body);
    let f = dir.path().join("b.csv");
    std::fs::write(&f, &bytes).unwrap();
    let o = gradsign(
        &db,
        &[
            "import",
            "graduates",
            f.to_str().unwrap(),
            "--cohort",
            "2026",
        ],
        None,
    );
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(
        text(&o).0.contains("1 created, 1 updated"),
        "{:?}",
        text(&o)
    );
    // .xlsx with an ID number stored as a number (rounded by Excel) and a bad e-mail: refused whole.
    let f = dir.path().join("c.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADER.split(',').enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    for (r, n) in [4u32, 5].iter().enumerate() {
        for (c, v) in row(*n).split(',').enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v).unwrap();
        }
    }
    ws.write_number(1, 3, id_for(4, false).parse::<f64>().unwrap())
        .unwrap();
    ws.write_string(2, 11, "not-an-email").unwrap();
    wb.save(&f).unwrap();
    let o = gradsign(
        &db,
        &[
            "import",
            "graduates",
            f.to_str().unwrap(),
            "--cohort",
            "2026",
        ],
        None,
    );
    assert!(!o.status.success());
    let err = text(&o).1;
    assert!(
        err.contains("row 2: 身份证号: 身份证号被表格存成了数字并被舍入"),
        "{err}"
    );
    assert!(err.contains("row 3: 邮箱:"), "{err}");
    // A clean .xlsx goes in.
    let f = dir.path().join("d.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in [HEADER.to_string(), row(6)].iter().enumerate() {
        for (c, v) in line.split(',').enumerate() {
            ws.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    wb.save(&f).unwrap();
    let o = gradsign(
        &db,
        &[
            "import",
            "graduates",
            f.to_str().unwrap(),
            "--cohort",
            "2026",
        ],
        None,
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let o = gradsign(
        &db,
        &[
            "import",
            "graduates",
            dir.path().join("none.txt").to_str().unwrap(),
            "--cohort",
            "2026",
        ],
        None,
    );
    assert!(!o.status.success());
}

#[test]
fn r_audit_01_check_prints_head_last_and_catches_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db").display().to_string();
    let o = gradsign(&db, &["demo"], None);
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(text(&o).0.contains("school-reviewer"));
    let o = gradsign(&db, &["check"], None);
    assert!(o.status.success(), "{:?}", text(&o));
    let out = text(&o).0;
    let head = out
        .lines()
        .last()
        .unwrap()
        .strip_prefix("head: ")
        .unwrap()
        .to_string();
    assert_eq!(head.len(), 64);
    let o = gradsign(&db, &["sweep"], None);
    assert!(text(&o).0.starts_with("expired "), "{:?}", text(&o));
    let o = gradsign(&db, &["outbox", "send"], None);
    assert!(
        text(&o).0.contains("not sent (no gateway)"),
        "{:?}",
        text(&o)
    );
    let o = gradsign(&db, &["check", "--expect-head", &head], None);
    assert!(
        o.status.success(),
        "the chain grew but still contains the noted head: {:?}",
        text(&o)
    );
    // Rewrite one entry behind the engine's back.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = gradsign_engine::store::Store::connect(&db, 1)
            .await
            .unwrap();
        let mut c = store.read().await.unwrap();
        sqlx::query("UPDATE history SET reason = 'forged' WHERE seq = 10")
            .execute(&mut *c)
            .await
            .unwrap();
    });
    let o = gradsign(&db, &["check", "--expect-head", &head], None);
    assert!(!o.status.success());
    let out = text(&o).0;
    assert!(out.contains("BROKEN: entry 10:"), "{out}");
    assert!(out.lines().last().unwrap().starts_with("head: "));
}

#[test]
fn a_database_is_required() {
    let o = Command::new(env!("CARGO_BIN_EXE_gradsign"))
        .arg("check")
        .env_remove("GRADSIGN_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--db"));
}

#[test]
fn r_pdf_01_agreement_render_sample_and_by_number() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db").display().to_string();
    assert!(gradsign(&db, &["demo"], None).status.success());
    let sample = dir.path().join("sample.pdf");
    let o = gradsign(
        &db,
        &[
            "agreement",
            "render",
            "--sample",
            "--out",
            sample.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let out = dir.path().join("a.pdf");
    let o = gradsign(
        &db,
        &[
            "agreement",
            "render",
            "--number",
            "2026100012000001",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let t = Command::new("pdftotext")
        .arg(&out)
        .arg("-")
        .output()
        .unwrap();
    let t = String::from_utf8_lossy(&t.stdout);
    assert!(
        t.contains("2026100012000001") && t.contains("北京星河科技有限公司"),
        "{t}"
    );
    let o = gradsign(
        &db,
        &[
            "agreement",
            "render",
            "--number",
            "2026100019999999",
            "--out",
            dir.path().join("none.pdf").to_str().unwrap(),
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(!dir.path().join("none.pdf").exists(), "no file on refusal");
}

/// Page 1 of a PDF as a PNG at 150 dpi.
fn first_page(pdf: &std::path::Path) -> std::path::PathBuf {
    let prefix = pdf.with_extension("");
    let ok = Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-singlefile", "-f", "1", "-l", "1"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    prefix.with_extension("png")
}

#[test]
fn r_offsign_03_print_copy_and_check_page_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db").display().to_string();
    assert!(gradsign(&db, &["demo"], None).status.success());
    let copy = dir.path().join("copy.pdf");
    let o = gradsign(
        &db,
        &[
            "agreement",
            "render",
            "--sample",
            "--print-copy",
            "--out",
            copy.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let t = Command::new("pdftotext")
        .arg(&copy)
        .arg("-")
        .output()
        .unwrap();
    let t = String::from_utf8_lossy(&t.stdout);
    assert!(
        t.contains("待单位盖章回传") && t.contains("甲方（用人单位）盖章"),
        "{t}"
    );
    let sample_number = gradsign_documents::sample_agreement().number;
    let page = first_page(&copy);
    let check = |args: &[&str]| {
        let o = gradsign(&db, args, None);
        (o.status.success(), text(&o).0.trim().to_string())
    };
    let (copy_s, page_s) = (copy.to_str().unwrap(), page.to_str().unwrap());
    assert_eq!(
        check(&["agreement", "check-page", "--against", copy_s, page_s]),
        (true, format!("match {sample_number}"))
    );
    // A signed agreement of the database, by number, and its page against the sample's copy.
    let signed = dir.path().join("signed.pdf");
    let o = gradsign(
        &db,
        &[
            "agreement",
            "render",
            "--number",
            "2026100012000001",
            "--out",
            signed.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let signed_page = first_page(&signed);
    let signed_s = signed_page.to_str().unwrap();
    assert_eq!(
        check(&[
            "agreement",
            "check-page",
            "--number",
            "2026100012000001",
            signed_s
        ]),
        (true, "match 2026100012000001".to_string())
    );
    assert_eq!(
        check(&["agreement", "check-page", "--against", copy_s, signed_s]),
        (false, "other agreement 2026100012000001".to_string())
    );
    // A picture without our QR code; a file that is no agreement PDF.
    let blank = dir.path().join("blank.png");
    assert!(Command::new("convert")
        .args(["-size", "400x400", "xc:white"])
        .arg(&blank)
        .status()
        .unwrap()
        .success());
    assert_eq!(
        check(&[
            "agreement",
            "check-page",
            "--against",
            copy_s,
            blank.to_str().unwrap()
        ]),
        (false, "no qr found".to_string())
    );
    let o = gradsign(
        &db,
        &["agreement", "check-page", "--against", page_s, page_s],
        None,
    );
    assert!(!o.status.success());
    assert!(
        text(&o).1.contains("not an agreement PDF"),
        "{:?}",
        text(&o)
    );
}

#[test]
fn r_scan_01_scan_compress_prints_sizes_and_refuses_non_images() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("page.png");
    std::fs::write(&input, gradsign_engine::demo::BLANK_PNG).unwrap();
    let out = dir.path().join("page.jpg");
    let o = gradsign(
        "unused.db",
        &[
            "scan",
            "compress",
            input.to_str().unwrap(),
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(text(&o).0.contains("69 bytes, 1×1 png"), "{:?}", text(&o));
    assert!(std::fs::read(&out).unwrap().starts_with(&[0xFF, 0xD8]));
    let fake = dir.path().join("合同.jpg");
    std::fs::write(&fake, "not an image").unwrap();
    let o = gradsign(
        "unused.db",
        &[
            "scan",
            "compress",
            fake.to_str().unwrap(),
            dir.path().join("o.jpg").to_str().unwrap(),
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).1.contains("scan.not_an_image"), "{:?}", text(&o));
    assert!(!dir.path().join("o.jpg").exists());
}

/// Cell text of a calamine cell (strings as they are, numbers as written).
fn cell(d: &calamine::Data) -> String {
    match d {
        calamine::Data::String(s) => s.clone(),
        calamine::Data::Float(f) => f.to_string(),
        calamine::Data::Int(i) => i.to_string(),
        calamine::Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn sheet(path: &std::path::Path, name: &str) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range.rows().map(|r| r.iter().map(cell).collect()).collect()
}

/// The row whose first cell is `label`, or a panic naming it.
fn row_of<'a>(rows: &'a [Vec<String>], label: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r.first().is_some_and(|c| c == label))
        .unwrap_or_else(|| panic!("no row {label:?} in {rows:?}"))
}

#[test]
fn r_stat_02_export_stats_writes_the_statistics_with_their_filter() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db").display().to_string();
    let o = gradsign(&db, &["demo"], None);
    assert!(o.status.success(), "{:?}", text(&o));
    let out = dir.path().join("统计 2026.xlsx");
    let o = gradsign(
        &db,
        &[
            "export",
            "stats",
            "--cohort",
            "2026",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(text(&o).0.contains("bytes"));

    // The engine's own figures for the same cohort, read from the same database.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stats = rt.block_on(async {
        let engine = gradsign_engine::Engine::open(&db, dir.path().join("files"))
            .await
            .unwrap();
        let admin = gradsign_engine::Actor {
            account_id: None,
            role: gradsign_engine::Role::SchoolAdmin,
            graduate_id: None,
            employer_id: None,
            department_id: None,
        };
        engine.statistics(&admin, 2026).await.unwrap()
    });
    assert!(stats.overall.total > 0 && stats.overall.placed > 0);

    let overview = sheet(&out, "概览");
    assert_eq!(row_of(&overview, "届别 (cohort)")[1], "2026");
    assert_eq!(row_of(&overview, "范围 (scope)")[1], "全校 (whole school)");
    assert_eq!(row_of(&overview, "计算公式 (formula)")[1], stats.formula_zh);
    assert_eq!(
        row_of(&overview, "毕业生人数 (graduates)")[1],
        stats.overall.total.to_string()
    );
    assert_eq!(
        row_of(&overview, "已落实 (placed)")[1],
        stats.overall.placed.to_string()
    );
    for code in ["12", "75", "76"] {
        let r = overview
            .iter()
            .find(|r| r[0].starts_with(&format!("{code} ")))
            .unwrap_or_else(|| panic!("no share of code {code}"));
        let share: f64 = r[1].parse().unwrap();
        assert!(
            (share - stats.watched_shares[code]).abs() < 1e-4,
            "{code}: {r:?}"
        );
    }

    let by_code = sheet(&out, "去向代码与状态");
    let header = by_code
        .iter()
        .position(|r| r[0] == "去向代码 (code)")
        .unwrap();
    let body = &by_code[header + 1..];
    assert_eq!(body.len(), stats.by_code_and_state.len());
    let sum: i64 = body.iter().map(|r| r[3].parse::<i64>().unwrap()).sum();
    assert_eq!(
        sum,
        stats
            .by_code_and_state
            .iter()
            .map(|(_, _, n)| n)
            .sum::<i64>()
    );

    let deps = sheet(&out, "院系");
    for g in &stats.by_department {
        let r = row_of(&deps, &g.name);
        assert_eq!(r[1], g.total.to_string());
        assert_eq!(r[2], g.placed.to_string());
    }
    assert_eq!(row_of(&deps, "届别 (cohort)")[1], "2026");
    assert_eq!(sheet(&out, "专业").len() - 6, stats.by_major.len());
    assert_eq!(
        sheet(&out, "学历").len() - 6,
        stats.by_education_level.len()
    );
}

#[test]
fn r_stat_02_export_stats_refuses_bad_cohort_and_unwritable_path_leaving_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = school(dir.path());
    let out = dir.path().join("stats.xlsx");
    let o = gradsign(
        &db,
        &[
            "export",
            "stats",
            "--cohort",
            "2031",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(!o.status.success());
    let err = text(&o).1;
    assert!(
        err.contains("2031届不存在") && err.contains("There is no cohort 2031"),
        "{err}"
    );
    let o = gradsign(
        &db,
        &[
            "export",
            "stats",
            "--cohort",
            "1999",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(!out.exists());

    let missing = dir.path().join("no-such-folder").join("stats.xlsx");
    let o = gradsign(
        &db,
        &[
            "export",
            "stats",
            "--cohort",
            "2026",
            "--out",
            missing.to_str().unwrap(),
        ],
        None,
    );
    assert!(!o.status.success());
    let err = text(&o).1;
    assert!(
        err.contains("无法写入") && err.contains("cannot write"),
        "{err}"
    );

    // A folder that refuses writes (unless the tests run as root, who may write anywhere).
    let ro = dir.path().join("read-only");
    std::fs::create_dir(&ro).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let target = ro.join("stats.xlsx");
    let o = gradsign(
        &db,
        &[
            "export",
            "stats",
            "--cohort",
            "2026",
            "--out",
            target.to_str().unwrap(),
        ],
        None,
    );
    let probe = std::fs::write(ro.join("probe"), b"x").is_ok();
    if !probe {
        assert!(!o.status.success(), "{:?}", text(&o));
        assert!(text(&o).1.contains("cannot write"));
    }
    // Whatever happened, no partial file is left beside the target.
    let leftovers: Vec<_> = std::fs::read_dir(&ro)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();

    // The same cohort exports fine to a writable place.
    let o = gradsign(
        &db,
        &[
            "export",
            "stats",
            "--cohort",
            "2026",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{:?}", text(&o));
    assert_eq!(
        row_of(&sheet(&out, "概览"), "毕业生人数 (graduates)")[1],
        "0"
    );
}
