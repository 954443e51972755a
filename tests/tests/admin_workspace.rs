//! The school admin's workspace in the real window: an import with one bad row refused whole and
//! naming the row (then the corrected file imported); the statistics screen and its Excel export,
//! opened with calamine; the departments, cohorts, accounts, graduates (fix with R-DEST-05's
//! preview) and settings screens exercised, each checked through the engine afterwards. The
//! import runs once with the school on this machine, once on the school's server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use calamine::Reader;
use gradsign_e2e::{within, App};
use gradsign_engine::types::IdNumber;
use gradsign_engine::*;
use school_place::{Mode, Place};

mod school_place;

const PASSWORD: &str = "Admin2026pass";

fn now() -> Timestamp {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn id_for(n: u32) -> String {
    let first = format!(
        "3201022003{:02}{:02}{:02}1",
        1 + n % 12,
        1 + n % 28,
        n % 100
    );
    format!("{first}{}", IdNumber::check_char(&first).unwrap())
}

const NAMES: [&str; 6] = ["李明", "王芳", "张伟", "刘洋", "陈静", "杨磊"];

fn cells(n: u32, department: &str) -> Vec<String> {
    vec![
        format!("2026{n:06}"),
        NAMES[(n as usize) % NAMES.len()].to_string() + &n.to_string(),
        "男".into(),
        id_for(n),
        "本科".into(),
        if n.is_multiple_of(2) {
            "软件工程"
        } else {
            "英语"
        }
        .into(),
        department.into(),
        "非定向".into(),
        String::new(),
        "江苏".into(),
        format!("137{:08}", 30_000 + n),
        format!("a{n}@demo.edu.cn"),
    ]
}

/// The admin's school: two departments, cohort 2026 open (department + school chain), an
/// approved employer, and `graduates` graduates (odd: 外国语学院, even: 计算机学院).
struct School {
    engine: Arc<Engine>,
    admin: Actor,
}

impl School {
    async fn create(dir: &std::path::Path, graduates: u32) -> School {
        let db = dir.join("gradsign.sqlite3");
        let engine = Engine::open(db.to_str().unwrap(), dir.join("files"))
            .await
            .unwrap();
        Self::create_on(Arc::new(engine), graduates).await
    }

    /// [`School::create`] through `engine` (a [`Place`]'s: this machine or the school's server).
    async fn create_on(engine: Arc<Engine>, graduates: u32) -> School {
        let t = now();
        let admin_id = engine
            .init_school(
                &SchoolSetup {
                    name: "示范大学".into(),
                    code: "10001".into(),
                    contact: "就业指导中心 010-12345678".into(),
                    departments: vec!["计算机学院".into(), "外国语学院".into()],
                    admin_login: "office".into(),
                    admin_password: PASSWORD.into(),
                    admin_name: "就业中心 王老师".into(),
                },
                t,
            )
            .await
            .unwrap();
        let admin = Actor {
            account_id: Some(admin_id),
            role: Role::SchoolAdmin,
            graduate_id: None,
            employer_id: None,
            department_id: None,
        };
        engine
            .configure_cohort(
                &admin,
                &CohortSettings {
                    year: 2026,
                    chain: ReviewChain::Both,
                    invite_limit_days: 15,
                    changes_until: None,
                    agreement_title: None,
                },
                t,
            )
            .await
            .unwrap();
        engine.set_module(&admin, 2026, true, t).await.unwrap();
        if graduates > 0 {
            let rows: Vec<ImportRow> = (1..=graduates)
                .map(|n| ImportRow {
                    line: n as usize + 1,
                    cells: cells(
                        n,
                        if n.is_multiple_of(2) {
                            "计算机学院"
                        } else {
                            "外国语学院"
                        },
                    ),
                })
                .collect();
            engine
                .import_graduates(&admin, 2026, &header(), &rows, t)
                .await
                .unwrap();
        }
        School { engine, admin }
    }

    async fn graduate(&self, n: u32) -> Graduate {
        let list = self
            .engine
            .list_graduates(
                &self.admin,
                &GraduateQuery {
                    cohort: 2026,
                    text: Some(format!("2026{n:06}")),
                    ..GraduateQuery::default()
                },
                1,
            )
            .await
            .unwrap();
        list.into_iter().next().unwrap()
    }

    fn actor_of(g: &Graduate) -> Actor {
        Actor {
            account_id: None,
            role: Role::Graduate,
            graduate_id: Some(g.id),
            employer_id: None,
            department_id: None,
        }
    }

    /// Graduate `n` goes on to postgraduate study, approved at both levels (an effective code 85).
    async fn placed(&self, n: u32) {
        let g = self.graduate(n).await;
        let me = School::actor_of(&g);
        self.engine.confirm_info(&me, now()).await.unwrap();
        let input = DestinationInput {
            type_id: "postgraduate".into(),
            fields: [
                ("school", "南京大学"),
                ("programme", "软件工程"),
                ("degree_level", "硕士"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        };
        let proof = Upload::Bytes {
            name: "录取通知书.png".into(),
            bytes: gradsign_engine::demo::BLANK_PNG.to_vec(),
        };
        let id = self
            .engine
            .create_destination(&me, &input, &[proof], now())
            .await
            .unwrap();
        self.engine
            .submit_registration(&me, id, now())
            .await
            .unwrap();
        for reviewer in [
            Actor {
                account_id: None,
                role: Role::DepartmentReviewer,
                graduate_id: None,
                employer_id: None,
                department_id: Some(g.department_id),
            },
            Actor {
                account_id: None,
                role: Role::SchoolReviewer,
                graduate_id: None,
                employer_id: None,
                department_id: None,
            },
        ] {
            let v = self
                .engine
                .item_detail(&self.admin, id, now())
                .await
                .unwrap()
                .item
                .version;
            self.engine
                .review(
                    &reviewer,
                    id,
                    v,
                    ReviewDecision::Approve {
                        note: String::new(),
                    },
                    now(),
                )
                .await
                .unwrap();
        }
    }
}

fn header() -> Vec<String> {
    IMPORT_HEADER.iter().map(|s| s.to_string()).collect()
}

async fn sign_in(app: &App) {
    app.type_into("[data-testid=username]", "office").await;
    app.type_into("[data-testid=password]", PASSWORD).await;
    click(app, "[data-testid=sign-in-submit]").await;
    app.element("[data-testid=graduates-table]").await;
}

/// Replaces a prefilled field's text (select all, then type: WebDriver's clear fires no input event).
async fn replace_text(app: &App, css: &str, text: &str) {
    let field = app.element(css).await;
    within(
        &format!("select all in {css}"),
        field.send_keys("\u{E009}a\u{E000}"),
    )
    .await
    .unwrap();
    within(&format!("type into {css}"), field.send_keys(text))
        .await
        .unwrap();
}

/// Clicks `css`, trying again for a few seconds while something else (a closing dialog's
/// overlay, a toast, a table still laying out) takes the click.
async fn click(app: &App, css: &str) {
    let started = Instant::now();
    loop {
        let element = app.element(css).await;
        match within(&format!("click {css}"), element.click()).await {
            Ok(_) => return,
            Err(e) if started.elapsed() < Duration::from_secs(8) => {
                eprintln!("e2e: click {css} refused ({e}); trying again");
                tokio::time::sleep(Duration::from_millis(400)).await;
            }
            Err(e) => panic!("cannot click {css}: {e}"),
        }
    }
}

/// A screenshot without the passing "saved" toasts of earlier steps.
async fn screenshot(app: &App, name: &str) {
    app.clear_toasts().await;
    app.screenshot(name).await;
}

/// Lets a closing dialog's fade-out finish (its overlay would take the next click).
async fn settle() {
    tokio::time::sleep(Duration::from_millis(700)).await;
}

/// Clicks an Element Plus select, then the option with the given test id.
async fn pick(app: &App, select: &str, option: &str) {
    click(app, select).await;
    // The options' popper opens after a short transition.
    tokio::time::sleep(Duration::from_millis(300)).await;
    click(app, option).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
}

fn csv(rows: &[Vec<String>]) -> String {
    let mut out = IMPORT_HEADER.join(",") + "\n";
    for r in rows {
        out += &r.join(",");
        out += "\n";
    }
    out
}

/// A webhook gateway on 127.0.0.1 that answers 200 and keeps the request bodies.
struct Gateway {
    url: String,
    bodies: std::sync::Arc<tokio::sync::Mutex<Vec<String>>>,
}

impl Gateway {
    async fn start() -> Gateway {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let bodies = std::sync::Arc::new(tokio::sync::Mutex::new(Vec::new()));
        let kept = bodies.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let kept = kept.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    // Headers, then as many body bytes as Content-Length says.
                    loop {
                        let Ok(n) = socket.read(&mut chunk).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        let text = String::from_utf8_lossy(&buf).to_string();
                        if let Some((head, body)) = text.split_once("\r\n\r\n") {
                            let len = head
                                .lines()
                                .find_map(|l| {
                                    let (k, v) = l.split_once(':')?;
                                    k.eq_ignore_ascii_case("content-length")
                                        .then(|| v.trim().parse::<usize>().ok())?
                                })
                                .unwrap_or(0);
                            if body.len() >= len {
                                kept.lock().await.push(body.to_string());
                                let _ = socket
                                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                                    .await;
                                return;
                            }
                        }
                    }
                });
            }
        });
        Gateway { url, bodies }
    }

    async fn bodies(&self) -> Vec<String> {
        self.bodies.lock().await.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn admin_import_with_one_bad_row_is_refused_whole_and_names_the_row() {
    import(Mode::Here).await;
}

/// The same import with the admin's desktop connected to the school's server: the file read in
/// the window, checked and imported there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn admin_import_on_the_school_server() {
    import(Mode::Server).await;
}

async fn import(mode: Mode) {
    let mut place = Place::new(mode).await;
    let school = School::create_on(place.engine.clone(), 0).await;
    let files = tempfile::tempdir().unwrap();
    let mut rows: Vec<Vec<String>> = (1..=4).map(|n| cells(n, "计算机学院")).collect();
    // Line 4 of the file (header = line 1): the ID number's check character is wrong.
    let good_id = rows[2][3].clone();
    let last = if good_id.ends_with('0') { '1' } else { '0' };
    rows[2][3] = format!("{}{last}", &good_id[..17]);
    let bad = files.path().join("毕业生-有错误.csv");
    std::fs::write(&bad, csv(&rows)).unwrap();
    rows[2][3] = good_id;
    let good = files.path().join("毕业生.csv");
    std::fs::write(&good, csv(&rows)).unwrap();

    let app = place.start_app().await;
    sign_in(&app).await;
    click(&app, "[data-testid=nav-import]").await;
    let input = app.element("[data-testid=import-file]").await;
    within("choose the file", input.send_keys(bad.to_str().unwrap()))
        .await
        .unwrap();
    let title = app.text_of("[data-testid=import-problems-title]").await;
    assert!(title.contains("1 处错误"), "{title}");
    let problems = app
        .wait_content("[data-testid=import-problems]", |t| !t.is_empty())
        .await;
    assert!(
        problems.contains('4') && problems.contains("身份证号"),
        "{problems}"
    );
    assert_eq!(
        app.text_of("[data-testid=import-rows]").await,
        "共 4 行数据"
    );
    let run = app.element("[data-testid=import-run]").await;
    assert_eq!(
        within("import button state", run.attr("disabled"))
            .await
            .unwrap()
            .as_deref(),
        Some("true"),
        "a file with a bad row cannot be imported"
    );
    screenshot(&app, "admin-import").await;
    // Refused whole: nothing is in the database.
    let none = school
        .engine
        .list_graduates(
            &school.admin,
            &GraduateQuery {
                cohort: 2026,
                ..GraduateQuery::default()
            },
            100,
        )
        .await
        .unwrap();
    assert!(none.is_empty());

    // The corrected file goes in, all four rows.
    let input = app.element("[data-testid=import-file]").await;
    within("choose the file", input.send_keys(good.to_str().unwrap()))
        .await
        .unwrap();
    app.element("[data-testid=import-ok]").await;
    click(&app, "[data-testid=import-run]").await;
    let done = app.text_of("[data-testid=import-done]").await;
    assert!(done.contains("新增 4 人"), "{done}");
    screenshot(&app, "admin-import-done").await;
    let all = school
        .engine
        .list_graduates(
            &school.admin,
            &GraduateQuery {
                cohort: 2026,
                ..GraduateQuery::default()
            },
            100,
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    app.quit().await;
}

fn sheet(path: &std::path::Path, name: &str) -> Vec<Vec<String>> {
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    calamine::Data::String(s) => s.clone(),
                    calamine::Data::Float(f) => f.to_string(),
                    calamine::Data::Int(i) => i.to_string(),
                    calamine::Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn value<'a>(rows: &'a [Vec<String>], label: &str) -> &'a str {
    &rows
        .iter()
        .find(|r| r.first().is_some_and(|c| c == label))
        .unwrap_or_else(|| panic!("no row {label:?}: {rows:?}"))[1]
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn admin_statistics_and_their_excel_export_read_back_with_calamine() {
    let dir = tempfile::tempdir().unwrap();
    let school = School::create(dir.path(), 6).await;
    school.placed(2).await;
    school.placed(3).await;
    let cs = school.engine.departments(&school.admin).await.unwrap()[0].id;
    school
        .engine
        .create_staff_account(
            &school.admin,
            &NewStaff {
                login: "cs-reviewer".into(),
                password: PASSWORD.into(),
                display_name: "计算机学院 孙老师".into(),
                role: Role::DepartmentReviewer,
                department_id: Some(cs),
            },
            now(),
        )
        .await
        .unwrap();
    let app = App::start_in(dir).await;
    sign_in(&app).await;
    click(&app, "[data-testid=nav-statistics]").await;
    assert_eq!(app.text_of("[data-testid=stats-rate]").await, "33.3%");
    assert_eq!(
        app.text_of("[data-testid=stats-placed]").await,
        "已落实 2 人 / 毕业生 6 人"
    );
    assert!(app
        .text_of("[data-testid=stats-formula]")
        .await
        .starts_with("落实率 ="));
    for code in ["12", "75", "76"] {
        let share = app
            .text_of(&format!("[data-testid=stats-share-{code}]"))
            .await;
        assert!(
            share.starts_with(code) && share.ends_with("0.0%"),
            "{share}"
        );
    }
    let groups = app
        .wait_content("[data-testid=stats-groups]", |t| !t.is_empty())
        .await;
    assert!(
        groups.contains("计算机学院") && groups.contains("外国语学院"),
        "{groups}"
    );
    screenshot(&app, "admin-statistics").await;

    // Export: the suggested name, then the native save dialog the desktop opens itself (the
    // window never names a path), the engine's workbook written where it was answered.
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("统计-2026.xlsx");
    click(&app, "[data-testid=stats-export]").await;
    // The dialog fades in: its text is read once drawn.
    let suggested = app
        .wait_content("[data-testid=export-file-name]", |t| t.contains(".xlsx"))
        .await;
    assert!(
        suggested.trim().ends_with("毕业去向统计-2026.xlsx"),
        "suggested {suggested}"
    );
    click(&app, "[data-testid=export-save]").await;
    gradsign_e2e::answer_save_dialog("导出 Excel", &out).await;
    app.wait_content("[data-testid=export-done]", |t| {
        t.contains("统计-2026.xlsx")
    })
    .await;
    screenshot(&app, "admin-export").await;

    let o = sheet(&out, "概览");
    assert_eq!(value(&o, "届别 (cohort)"), "2026");
    assert_eq!(value(&o, "范围 (scope)"), "全校 (whole school)");
    assert_eq!(value(&o, "毕业生人数 (graduates)"), "6");
    assert_eq!(value(&o, "已落实 (placed)"), "2");
    assert_eq!(value(&o, "落实率 (placement rate)"), "0.3333");
    let by_code = sheet(&out, "去向代码与状态");
    let approved: Vec<_> = by_code
        .iter()
        .filter(|r| r.len() > 3 && r[2] == "已通过（生效）")
        .collect();
    assert_eq!(approved.len(), 1, "{by_code:?}");
    assert_eq!(approved[0][3], "2");
    let deps = sheet(&out, "院系");
    let cs = deps.iter().find(|r| r[0] == "计算机学院").unwrap();
    let fl = deps.iter().find(|r| r[0] == "外国语学院").unwrap();
    assert_eq!((cs[1].as_str(), cs[2].as_str()), ("3", "1"));
    assert_eq!((fl[1].as_str(), fl[2].as_str()), ("3", "1"));
    // The same figures the engine computes (not a copy of the screen).
    let stats = school.engine.statistics(&school.admin, 2026).await.unwrap();
    assert_eq!(stats.overall.placed, 2);

    // A department reviewer sees the same screen in their scope: 计算机学院 only.
    click(&app, "[data-testid=export-close]").await;
    settle().await;
    click(&app, "[data-testid=sign-out]").await;
    app.type_into("[data-testid=username]", "cs-reviewer").await;
    app.type_into("[data-testid=password]", PASSWORD).await;
    click(&app, "[data-testid=sign-in-submit]").await;
    app.element("[data-testid=signed-in-as]").await;
    app.client
        .execute("location.hash = '#/reviewer/statistics'", vec![])
        .await
        .unwrap();
    assert_eq!(
        app.text_of("[data-testid=stats-placed]").await,
        "已落实 1 人 / 毕业生 3 人"
    );
    assert_eq!(app.text_of("[data-testid=stats-rate]").await, "33.3%");
    let groups = app
        .wait_content("[data-testid=stats-groups]", |t| !t.is_empty())
        .await;
    assert!(
        groups.contains("计算机学院") && !groups.contains("外国语学院"),
        "{groups}"
    );
    screenshot(&app, "admin-statistics-reviewer").await;
    app.quit().await;
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn admin_departments_cohorts_accounts_graduates_and_settings_screens() {
    let dir = tempfile::tempdir().unwrap();
    let school = School::create(dir.path(), 4).await;
    // A pending invitation for graduate 2, which turning them 定向 withdraws (R-DEST-05).
    let employer = school
        .engine
        .employer_sign_up(
            &EmployerSignUp {
                details: EmployerDetails {
                    name: "南京星河科技有限公司".into(),
                    credit_code: types::CreditCode::compose("91", "320102", "30000001")
                        .unwrap()
                        .as_str()
                        .to_string(),
                    nature: "其他企业".into(),
                    industry: "信息传输、软件和信息技术服务业".into(),
                    address: "南京市玄武区".into(),
                    contact_person: "周女士".into(),
                    contact_phone: "025-83456789".into(),
                },
                login: "xinghe".into(),
                password: PASSWORD.into(),
                display_name: "周女士".into(),
            },
            now(),
        )
        .await
        .unwrap();
    let g2 = school.graduate(2).await;
    school
        .engine
        .confirm_info(&School::actor_of(&g2), now())
        .await
        .unwrap();

    let app = App::start_in(dir).await;
    sign_in(&app).await;

    // Accounts: the employer's sign-up approved on screen, then it invites graduate 2.
    click(&app, "[data-testid=nav-accounts]").await;
    click(&app, "#tab-employers").await;
    let employer_id = employer.employer_id.unwrap();
    click(
        &app,
        &format!("[data-testid=employer-approve-{employer_id}]"),
    )
    .await;
    app.wait_content("[data-testid=employers-table]", |t| t.contains("已通过"))
        .await;
    let invitation = school
        .engine
        .invite(
            &employer.actor(),
            &InviteInput {
                graduate: GraduateLookup::IdNumber {
                    name: g2.name.clone(),
                    id_number: g2.id_number.clone(),
                },
                terms: AgreementTerms {
                    position: "测试工程师".into(),
                    work_location: "南京".into(),
                    salary: "月薪12000元".into(),
                    probation: "3个月".into(),
                    agreement_term: "3年".into(),
                    liquidated_damages: String::new(),
                    archive_handling: "回生源地".into(),
                    archive_receiving_unit: String::new(),
                    archive_address: String::new(),
                    archive_postcode: String::new(),
                    hukou_address: String::new(),
                    other_terms: String::new(),
                },
                deadline_days: Some(5),
            },
            now(),
        )
        .await
        .unwrap();

    // A department reviewer of 计算机学院, created on screen, then disabled.
    click(&app, "#tab-staff").await;
    click(&app, "[data-testid=account-new]").await;
    pick(
        &app,
        "[data-testid=account-department]",
        "[data-testid=\"account-department-计算机学院\"]",
    )
    .await;
    app.type_into("[data-testid=account-login]", "cs-reviewer")
        .await;
    app.type_into("[data-testid=account-name]", "计算机学院 孙老师")
        .await;
    app.type_into("[data-testid=account-password]", "Review2026pass")
        .await;
    click(&app, "[data-testid=account-save]").await;
    settle().await;
    app.wait_content("[data-testid=accounts-table]", |t| {
        t.contains("cs-reviewer")
    })
    .await;
    click(&app, "[data-testid=account-toggle-cs-reviewer]").await;
    app.wait_content("[data-testid=account-state-cs-reviewer]", |t| t == "已停用")
        .await;
    screenshot(&app, "admin-accounts").await;
    let accounts = school.engine.accounts(&school.admin).await.unwrap();
    let rev = accounts.iter().find(|a| a.login == "cs-reviewer").unwrap();
    assert!(rev.disabled && rev.role == Role::DepartmentReviewer);
    assert!(school
        .engine
        .sign_in("cs-reviewer", "Review2026pass", now())
        .await
        .is_err());

    // Departments: add, rename, then merge the new one into 外国语学院.
    click(&app, "[data-testid=nav-departments]").await;
    app.type_into("[data-testid=department-new-name]", "艺术学院")
        .await;
    click(&app, "[data-testid=department-add]").await;
    app.wait_content("[data-testid=departments-table]", |t| {
        t.contains("艺术学院")
    })
    .await;
    click(&app, "[data-testid=department-rename-艺术学院]").await;
    replace_text(&app, "[data-testid=department-rename-to]", "美术学院").await;
    click(&app, "[data-testid=department-rename-save]").await;
    settle().await;
    app.wait_content("[data-testid=departments-table]", |t| {
        t.contains("美术学院")
    })
    .await;
    // Renaming to a name in use is refused with the engine's message, nothing changes.
    click(&app, "[data-testid=department-rename-美术学院]").await;
    replace_text(&app, "[data-testid=department-rename-to]", "计算机学院").await;
    click(&app, "[data-testid=department-rename-save]").await;
    settle().await;
    let refused = app.text_of("[data-testid=department-dialog-error]").await;
    assert!(refused.contains("已有名为“计算机学院”的院系"), "{refused}");
    screenshot(&app, "admin-departments").await;
    app.client
        .execute(
            "document.querySelector('.el-overlay-dialog .el-dialog__headerbtn')?.click()",
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    click(&app, "[data-testid=department-merge-美术学院]").await;
    pick(
        &app,
        "[data-testid=department-merge-into]",
        "[data-testid=\"merge-into-外国语学院\"]",
    )
    .await;
    click(&app, "[data-testid=department-merge-save]").await;
    settle().await;
    app.wait_content("[data-testid=departments-table]", |t| {
        !t.contains("美术学院")
    })
    .await;
    let deps = school.engine.departments(&school.admin).await.unwrap();
    assert_eq!(
        deps.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
        ["计算机学院", "外国语学院"]
    );

    // Cohorts: close the module, then open it again; the invitation limit changed to 10 days.
    click(&app, "[data-testid=nav-cohorts]").await;
    click(&app, "[data-testid=cohort-toggle-2026]").await;
    app.wait_content("[data-testid=cohort-state-2026]", |t| t == "已关闭")
        .await;
    assert!(
        !school
            .engine
            .cohort(&school.admin, 2026)
            .await
            .unwrap()
            .module_open
    );
    click(&app, "[data-testid=cohort-toggle-2026]").await;
    app.wait_content("[data-testid=cohort-state-2026]", |t| t == "已开放")
        .await;
    click(&app, "[data-testid=cohort-edit-2026]").await;
    replace_text(
        &app,
        "input[data-testid=cohort-invite-limit], [data-testid=cohort-invite-limit] input",
        "10",
    )
    .await;
    click(&app, "[data-testid=chain-school]").await;
    click(&app, "[data-testid=cohort-save]").await;
    settle().await;
    app.wait_content("[data-testid=cohorts-table]", |t| t.contains("仅学校审核"))
        .await;
    screenshot(&app, "admin-cohorts").await;
    let c = school.engine.cohort(&school.admin, 2026).await.unwrap();
    assert!(c.module_open);
    assert_eq!(c.invite_limit_days, 10);
    assert_eq!(c.chain, ReviewChain::School);

    // Graduates: graduate 2 turned 定向 — the preview names the invitation that will be withdrawn.
    click(&app, "[data-testid=nav-graduates]").await;
    click(&app, &format!("[data-testid=fix-{}]", g2.student_number)).await;
    pick(
        &app,
        "[data-testid=fix-training-mode]",
        "[data-testid=\"fix-mode-定向\"]",
    )
    .await;
    app.type_into("[data-testid=fix-directed-unit]", "江苏省某定向单位")
        .await;
    click(&app, "[data-testid=fix-preview-button]").await;
    app.element("[data-testid=fix-directed-warning]").await;
    let withdrawn = app.text_of("[data-testid=fix-withdrawn]").await;
    assert!(
        withdrawn.contains(&format!("#{invitation}")) && withdrawn.contains("南京星河科技有限公司"),
        "{withdrawn}"
    );
    assert_eq!(
        school
            .engine
            .item_detail(&school.admin, invitation, now())
            .await
            .unwrap()
            .item
            .state,
        "pending",
        "the preview changes nothing"
    );
    // The consequences, in view for the screenshot.
    app.client
        .execute(
            "document.querySelector('[data-testid=fix-withdrawn]').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .unwrap();
    screenshot(&app, "admin-graduates-fix").await;
    click(&app, "[data-testid=fix-save]").await;
    settle().await;
    app.wait_content("[data-testid=graduates-table]", |t| t.contains("定向"))
        .await;
    let g = school.graduate(2).await;
    assert_eq!(g.training_mode, "定向");
    assert_eq!(
        school
            .engine
            .item_detail(&school.admin, invitation, now())
            .await
            .unwrap()
            .item
            .state,
        "withdrawn"
    );

    // The graduates list exported with its filter (R-STAT-02), read back with calamine.
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("名单.xlsx");
    click(&app, "[data-testid=graduates-export]").await;
    let suggested = app
        .wait_content("[data-testid=export-file-name]", |t| t.contains(".xlsx"))
        .await;
    assert!(suggested.trim().ends_with(".xlsx"), "suggested {suggested}");
    click(&app, "[data-testid=export-save]").await;
    // Typed without its extension: the desktop adds it.
    gradsign_e2e::answer_save_dialog("导出 Excel", &out_dir.path().join("名单")).await;
    app.element("[data-testid=export-done]").await;
    click(&app, "[data-testid=export-close]").await;
    settle().await;
    let rows = sheet(&out, "毕业生");
    assert_eq!(value(&rows, "届别 (cohort)"), "2026");
    assert_eq!(value(&rows, "行数 (rows)"), "4");
    let listed = rows
        .iter()
        .find(|r| r[0] == g2.student_number)
        .expect("graduate 2 in the export");
    assert_eq!(listed[7], "定向", "the export shows the fix just saved");
    assert_eq!(
        listed[3], g2.id_number,
        "the admin's copy holds the full ID number"
    );

    // Outbox: the fix queued an SMS and a WeChat message; with no gateway they stay unsent.
    click(&app, "[data-testid=nav-outbox]").await;
    click(&app, "[data-testid=outbox-send]").await;
    let info = app.text_of("[data-testid=outbox-info]").await;
    assert!(info.contains("未配置网关 2 条"), "{info}");
    app.wait_content("[data-testid=outbox-table]", |t| {
        t.contains("未发送：未配置网关")
    })
    .await;
    let messages = school.engine.outbox(&school.admin).await.unwrap();
    assert_eq!(messages.len(), 2);
    let first = messages[0].id;
    click(&app, &format!("[data-testid=outbox-retry-{first}]")).await;
    app.wait_content(&format!("[data-testid=outbox-status-{first}]"), |t| {
        t == "待发送"
    })
    .await;

    // Settings: keep original scans on; the gateway set to a real HTTP server on 127.0.0.1 and
    // the test send delivers both messages there.
    let gateway = Gateway::start().await;
    click(&app, "[data-testid=nav-settings]").await;
    click(&app, "[data-testid=keep-originals]").await;
    let started = Instant::now();
    while !school
        .engine
        .keep_original_scans(&school.admin)
        .await
        .unwrap()
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the setting was not saved"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.type_into("[data-testid=gateway-url]", &gateway.url)
        .await;
    app.type_into("[data-testid=gateway-token]", "gw-token-2026")
        .await;
    app.type_into("[data-testid=gateway-sms]", "SMS_2026").await;
    app.type_into("[data-testid=gateway-wechat]", "WX_2026")
        .await;
    click(&app, "[data-testid=gateway-save]").await;
    let started = Instant::now();
    while school
        .engine
        .gateway_settings(&school.admin)
        .await
        .unwrap()
        .is_none()
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the gateway was not saved"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    click(&app, "[data-testid=gateway-test]").await;
    let delivered = app.text_of("[data-testid=gateway-delivered]").await;
    assert!(delivered.starts_with("发送成功 2 条"), "{delivered}");
    let bodies = gateway.bodies().await;
    assert_eq!(bodies.len(), 2);
    assert!(
        bodies.iter().any(|b| b.contains("SMS_2026"))
            && bodies.iter().any(|b| b.contains("WX_2026"))
    );
    assert!(bodies.iter().all(|b| b.contains("record_modified")));
    screenshot(&app, "admin-settings").await;

    click(&app, "[data-testid=nav-outbox]").await;
    app.wait_content("[data-testid=outbox-table]", |t| {
        t.matches("已发送").count() == 2
    })
    .await;
    screenshot(&app, "admin-outbox").await;
    app.quit().await;
}
