//! The school the employer and reviewer end-to-end tests run on, made through the engine's own
//! actions in the app's data folder before the app starts (and, while it runs, the graduate's
//! side of a scenario): one cohort with the department + school chain, a department reviewer of
//! 计算机学院, a school reviewer, an approved employer, and graduates of 计算机学院.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use gradsign_e2e::App;
use gradsign_engine::types::{CreditCode, IdNumber};
use gradsign_engine::*;
use std::collections::BTreeMap;
use std::sync::Arc;

#[path = "../school_place/mod.rs"]
mod school_place;
#[allow(unused_imports)]
pub use school_place::{Mode, Place};

pub const PASSWORD: &str = "Review2026pass";
pub const DEP_REVIEWER: &str = "cs-reviewer";
pub const SCHOOL_REVIEWER: &str = "school-reviewer";
pub const EMPLOYER: &str = "xinghe-hr";
pub const EMPLOYER_NAME: &str = "北京星河科技有限公司";

/// The engine's clock, as the app's.
pub fn now() -> Timestamp {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// An ID number for graduate `n`.
pub fn id_for(n: u32) -> String {
    let first = format!(
        "11010820030{}{:02}{:03}",
        1 + n % 9,
        1 + n % 28,
        (n * 2 + 1) % 1000
    );
    format!("{first}{}", IdNumber::check_char(&first).unwrap())
}

pub fn student_number(n: u32) -> String {
    format!("2026{n:06}")
}

pub fn name_of(n: u32) -> String {
    const NAMES: [&str; 8] = [
        "李明", "王芳", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄涛",
    ];
    format!(
        "{}{}",
        NAMES[(n % 8) as usize],
        if n < 8 { String::new() } else { n.to_string() }
    )
}

pub fn credit(n: u32) -> String {
    CreditCode::compose("91", "110108", &format!("{:08}", 20_000_000 + n))
        .unwrap()
        .as_str()
        .to_string()
}

pub fn employer_details() -> EmployerDetails {
    EmployerDetails {
        name: EMPLOYER_NAME.into(),
        credit_code: credit(1),
        nature: "其他企业".into(),
        industry: "信息传输、软件和信息技术服务业".into(),
        address: "北京市海淀区中关村大街1号".into(),
        contact_person: "人力资源部 周女士".into(),
        contact_phone: "010-62345678".into(),
    }
}

/// A real image to upload as a scan (a screenshot the repository already holds).
pub fn scan_png() -> Upload {
    let path = gradsign_e2e::screenshots_dir().join("graduate-sign-in-error.png");
    Upload::Bytes {
        name: "协议书第1页.png".into(),
        bytes: std::fs::read(path).unwrap_or_else(|_| gradsign_engine::demo::BLANK_PNG.to_vec()),
    }
}

/// The school in a data folder, and the engine over it (kept open beside the app: SQLite WAL).
pub struct School {
    pub engine: Arc<Engine>,
    pub admin: Actor,
    pub cs: i64,
    pub graduates: BTreeMap<u32, Actor>,
}

impl School {
    /// Makes the school with `graduates` graduates (1..=n) of 计算机学院, each confirmed and
    /// activated (password [`PASSWORD`]).
    pub async fn create(dir: &std::path::Path, graduates: u32) -> School {
        let db = dir.join("gradsign.sqlite3");
        let engine = Engine::open(db.to_str().unwrap(), dir.join("files"))
            .await
            .unwrap();
        Self::create_on(Arc::new(engine), graduates).await
    }

    /// [`School::create`] through `engine`, e.g. a [`Place`]'s (this machine or the school's
    /// server).
    pub async fn create_on(engine: Arc<Engine>, graduates: u32) -> School {
        let t = now();
        let admin_id = engine
            .init_school(
                &SchoolSetup {
                    name: "示范大学".into(),
                    code: "10001".into(),
                    contact: "就业指导中心 010-12345678".into(),
                    departments: vec!["计算机学院".into(), "外国语学院".into()],
                    admin_login: "admin".into(),
                    admin_password: PASSWORD.into(),
                    admin_name: "王老师".into(),
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
        let cs = engine.departments(&admin).await.unwrap()[0].id;
        engine
            .configure_cohort(
                &admin,
                &CohortSettings {
                    year: 2026,
                    chain: ReviewChain::Both,
                    invite_limit_days: 15,
                    // Graduates may still change their registrations (the default, 31 August of
                    // the cohort year, may already be past on the machine's clock).
                    changes_until: Some(t + 365 * 86_400),
                    agreement_title: None,
                },
                t,
            )
            .await
            .unwrap();
        engine.set_module(&admin, 2026, true, t).await.unwrap();
        for (login, name, role, dep) in [
            (
                DEP_REVIEWER,
                "计算机学院 孙老师",
                Role::DepartmentReviewer,
                Some(cs),
            ),
            (
                SCHOOL_REVIEWER,
                "就业中心 钱老师",
                Role::SchoolReviewer,
                None,
            ),
        ] {
            engine
                .create_staff_account(
                    &admin,
                    &NewStaff {
                        login: login.into(),
                        password: PASSWORD.into(),
                        display_name: name.into(),
                        role,
                        department_id: dep,
                    },
                    t,
                )
                .await
                .unwrap();
        }
        let e = engine
            .employer_sign_up(
                &EmployerSignUp {
                    details: employer_details(),
                    login: EMPLOYER.into(),
                    password: PASSWORD.into(),
                    display_name: "周女士".into(),
                },
                t,
            )
            .await
            .unwrap();
        engine
            .set_employer_approval(&admin, e.employer_id.unwrap(), true, t)
            .await
            .unwrap();
        let rows: Vec<ImportRow> = (1..=graduates)
            .map(|n| ImportRow {
                line: n as usize + 1,
                cells: vec![
                    student_number(n),
                    name_of(n),
                    "男".into(),
                    id_for(n),
                    "本科".into(),
                    if n % 2 == 0 {
                        "软件工程"
                    } else {
                        "计算机科学与技术"
                    }
                    .into(),
                    "计算机学院".into(),
                    "非定向".into(),
                    String::new(),
                    "北京".into(),
                    format!("139{:08}", 20_000 + n),
                    format!("g{n}@demo.edu.cn"),
                ],
            })
            .collect();
        let header: Vec<String> = IMPORT_HEADER.iter().map(|s| s.to_string()).collect();
        engine
            .import_graduates(&admin, 2026, &header, &rows, t)
            .await
            .unwrap();
        let mut actors = BTreeMap::new();
        for n in 1..=graduates {
            let s = engine
                .activate_graduate(&student_number(n), &id_for(n), PASSWORD, t)
                .await
                .unwrap();
            let a = s.account.actor();
            engine.confirm_info(&a, t).await.unwrap();
            actors.insert(n, a);
        }
        School {
            engine,
            admin,
            cs,
            graduates: actors,
        }
    }

    pub fn g(&self, n: u32) -> &Actor {
        &self.graduates[&n]
    }

    /// Graduate `n`'s submitted other destination: postgraduate study at 北京大学.
    pub async fn submitted_destination(&self, n: u32) -> i64 {
        let input = DestinationInput {
            type_id: "postgraduate".into(),
            fields: [
                ("school", "北京大学"),
                ("programme", "计算机科学与技术"),
                ("degree_level", "硕士"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        };
        let id = self
            .engine
            .create_destination(self.g(n), &input, &[scan_png()], now())
            .await
            .unwrap();
        self.engine
            .submit_registration(self.g(n), id, now())
            .await
            .unwrap();
        id
    }

    pub async fn state(&self, id: i64) -> String {
        self.engine
            .item_detail(&self.admin, id, now())
            .await
            .unwrap()
            .item
            .state
    }
}

/// Signs in through the sign-in screen (freshly shown: its fields are empty).
pub async fn sign_in(app: &App, login: &str) {
    app.type_into("[data-testid=username]", login).await;
    app.type_into("[data-testid=password]", PASSWORD).await;
    app.click("[data-testid=sign-in-submit]").await;
}

/// Signs out from a workspace and waits for the sign-in screen.
pub async fn sign_out(app: &App) {
    app.click("[data-testid=sign-out]").await;
    app.element("[data-testid=sign-in]").await;
}

/// Replaces a prefilled field's text: select all, then type (WebDriver's clear fires no input
/// event, so a Vue model would keep the old value).
pub async fn replace_text(app: &App, css: &str, text: &str) {
    let field = app.element(css).await;
    gradsign_e2e::within(
        &format!("select all in {css}"),
        field.send_keys("\u{E009}a\u{E000}"),
    )
    .await
    .unwrap();
    gradsign_e2e::within(&format!("type into {css}"), field.send_keys(text))
        .await
        .unwrap();
}

/// Waits until `css`'s text satisfies `ok` (the screen updates after a command answers).
pub async fn wait_text(app: &App, css: &str, ok: impl Fn(&str) -> bool) -> String {
    let started = std::time::Instant::now();
    loop {
        let text = app.text_of(css).await;
        if ok(&text) {
            return text;
        }
        assert!(
            started.elapsed() < gradsign_e2e::SCREEN_TIMEOUT,
            "{css} still shows {text:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Opens an Element Plus select and picks its first option (the open dropdown is the popper
/// that is not aria-hidden).
pub async fn choose_first_option(app: &App, select_css: &str) {
    app.click(select_css).await;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    app.click(".el-select__popper[aria-hidden=false] li.el-select-dropdown__item")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
}

/// Opens an Element Plus select and picks the option `option_css` inside the open dropdown.
pub async fn choose_option(app: &App, select_css: &str, option_css: &str) {
    app.click(select_css).await;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    app.click(&format!(
        ".el-select__popper[aria-hidden=false] {option_css}"
    ))
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
}

/// Waits until the form field `css`'s value satisfies `ok` (a textarea's value is not its text).
pub async fn wait_value(app: &App, css: &str, ok: impl Fn(&str) -> bool) -> String {
    let started = std::time::Instant::now();
    loop {
        let field = app.element(css).await;
        let value = gradsign_e2e::within(&format!("value of {css}"), field.prop("value"))
            .await
            .unwrap()
            .unwrap_or_default();
        if ok(&value) {
            return value;
        }
        assert!(
            started.elapsed() < gradsign_e2e::SCREEN_TIMEOUT,
            "{css} still holds {value:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// An engine actor for a staff or employer login (signed in through the engine, as the app does).
pub async fn actor_of(school: &School, login: &str) -> Actor {
    school
        .engine
        .sign_in(login, PASSWORD, now())
        .await
        .unwrap()
        .account
        .actor()
}

impl School {
    /// A signed online agreement between the fixture's employer and graduate `n`, made through
    /// the engine (invite, accept, department and school approval).
    pub async fn signed_agreement(&self, n: u32) -> i64 {
        let employer = actor_of(self, EMPLOYER).await;
        let id = self
            .engine
            .invite(
                &employer,
                &InviteInput {
                    graduate: GraduateLookup::IdNumber {
                        name: name_of(n),
                        id_number: id_for(n),
                    },
                    terms: AgreementTerms {
                        position: "数据分析师".into(),
                        work_location: "北京".into(),
                        salary: "月薪13000元".into(),
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
                    deadline_days: None,
                },
                now(),
            )
            .await
            .unwrap();
        self.engine
            .accept_invitation(self.g(n), id, now())
            .await
            .unwrap();
        for login in [DEP_REVIEWER, SCHOOL_REVIEWER] {
            self.approve(&actor_of(self, login).await, id).await;
        }
        id
    }

    /// Approves item `id` at the reviewer's level, against its current version.
    pub async fn approve(&self, reviewer: &Actor, id: i64) {
        let v = self
            .engine
            .item_detail(&self.admin, id, now())
            .await
            .unwrap()
            .item
            .version;
        self.engine
            .review(
                reviewer,
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
