//! The graduate tests' school: the engine's demo school (crates/engine/src/demo.rs) made in the
//! test's own data folder through the engine, before the app starts on it; the test keeps the
//! engine open to act as employers and reviewers while the app runs (SQLite WAL, busy timeout).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

#[path = "../school_place/mod.rs"]
mod school_place;
#[allow(unused_imports)]
pub use school_place::{Mode, Place};

use gradsign_e2e::{within, App, SCREEN_TIMEOUT};
use gradsign_engine::demo::DEMO_PASSWORD;
use gradsign_engine::types::IdNumber;
use gradsign_engine::{
    Actor, AgreementTerms, Engine, GraduateLookup, InviteInput, ReviewDecision, Timestamp,
};

/// The password the tests give graduates they activate.
pub const NEW_PASSWORD: &str = "Grad2026pass";

pub fn now() -> Timestamp {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    Timestamp::try_from(secs).unwrap()
}

/// The demo's student number of graduate `i` (0-based).
pub fn student_number(i: u32) -> String {
    format!("2026{:06}", i + 1)
}

/// The demo's ID number of graduate `i` (the same formula as demo.rs).
pub fn id_number(i: u32) -> String {
    let male = i.is_multiple_of(2);
    let seq = (i % 400) * 2 + u32::from(male);
    let first = format!(
        "{}{:04}{:02}{:02}{:03}",
        ["110101", "310104", "440305", "510107"][(i % 4) as usize],
        2002 + i % 3,
        1 + i % 12,
        1 + i % 28,
        seq % 1000
    );
    let check = IdNumber::check_char(&first).unwrap();
    format!("{first}{check}")
}

/// The department reviewer of graduate `i`'s department.
pub fn department_reviewer(i: u32) -> &'static str {
    ["cs-reviewer", "econ-reviewer", "lang-reviewer"][(i % 3) as usize]
}

pub struct School {
    pub engine: Arc<Engine>,
    place: Place,
}

impl School {
    /// The demo school in a new data folder.
    pub async fn demo() -> School {
        Self::demo_in(Mode::Here).await
    }

    /// The demo school in `mode`: in the app's data folder, or on the school's server.
    pub async fn demo_in(mode: Mode) -> School {
        let place = Place::new(mode).await;
        place.engine.create_demo(now()).await.unwrap();
        School {
            engine: place.engine.clone(),
            place,
        }
    }

    /// Starts the app on the school (once).
    pub async fn start_app(&mut self) -> App {
        self.place.start_app().await
    }

    pub async fn actor(&self, login: &str) -> Actor {
        self.engine
            .sign_in(login, DEMO_PASSWORD, now())
            .await
            .unwrap()
            .account
            .actor()
    }

    /// Activates demo graduate `i` (no account in the demo) with [`NEW_PASSWORD`].
    pub async fn activate(&self, i: u32) -> Actor {
        self.engine
            .activate_graduate(&student_number(i), &id_number(i), NEW_PASSWORD, now())
            .await
            .unwrap()
            .account
            .actor()
    }

    /// The employer `login` invites graduate `i` (called `name`); returns the invitation's id.
    pub async fn invite(&self, login: &str, i: u32, name: &str, position: &str) -> i64 {
        let employer = self.actor(login).await;
        let input = InviteInput {
            graduate: GraduateLookup::StudentNumber {
                name: name.into(),
                student_number: student_number(i),
            },
            terms: AgreementTerms {
                position: position.into(),
                work_location: "北京市".into(),
                salary: "月薪12000元".into(),
                probation: "3个月".into(),
                agreement_term: "3年".into(),
                liquidated_damages: "5000元".into(),
                archive_handling: "单位接收".into(),
                archive_receiving_unit: "北京市人才服务中心".into(),
                archive_address: "北京市海淀区人才大厦".into(),
                archive_postcode: "100080".into(),
                hukou_address: "北京市海淀区".into(),
                other_terms: "单位缴纳五险一金。".into(),
            },
            deadline_days: Some(5),
        };
        self.engine.invite(&employer, &input, now()).await.unwrap()
    }

    /// The item's current version (a reviewer decides on the version they saw).
    pub async fn version(&self, id: i64) -> i64 {
        let admin = self.actor("admin").await;
        self.engine
            .item_detail(&admin, id, now())
            .await
            .unwrap()
            .item
            .version
    }

    pub async fn state(&self, id: i64) -> String {
        let admin = self.actor("admin").await;
        self.engine
            .item_detail(&admin, id, now())
            .await
            .unwrap()
            .item
            .state
    }

    /// The department reviewer of graduate `i`, then the school reviewer, approve item `id`.
    pub async fn approve_both(&self, i: u32, id: i64) {
        for login in [department_reviewer(i), "school-reviewer"] {
            let reviewer = self.actor(login).await;
            let version = self.version(id).await;
            self.engine
                .review(
                    &reviewer,
                    id,
                    version,
                    ReviewDecision::Approve {
                        note: "材料齐全".into(),
                    },
                    now(),
                )
                .await
                .unwrap();
        }
    }

    /// The newest item of graduate `i` of `kind` that `actor` (the graduate) sees.
    pub async fn newest_item(&self, graduate: &Actor, kind: gradsign_engine::ItemKind) -> i64 {
        self.engine
            .list_items(graduate, Some(kind), None)
            .await
            .unwrap()
            .first()
            .expect("an item")
            .id
    }
}

/// Signs in through the sign-in screen (freshly shown: its fields are empty).
pub async fn sign_in(app: &App, login: &str, password: &str) {
    app.type_into("[data-testid=username]", login).await;
    app.type_into("[data-testid=password]", password).await;
    app.click("[data-testid=sign-in-submit]").await;
}

/// Signs out from the graduate's workspace and waits for the sign-in screen.
pub async fn sign_out(app: &App) {
    app.click("[data-testid=sign-out]").await;
    app.element("[data-testid=sign-in]").await;
}

/// Replaces a field's text: select all, then type (WebDriver's clear fires no input event).
pub async fn replace_text(app: &App, css: &str, text: &str) {
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

/// Waits until `css`'s text satisfies `ok`.
pub async fn wait_text(app: &App, css: &str, ok: impl Fn(&str) -> bool) -> String {
    let started = std::time::Instant::now();
    loop {
        let text = app.text_of(css).await;
        if ok(&text) {
            return text;
        }
        assert!(
            started.elapsed() < SCREEN_TIMEOUT,
            "{css} still shows {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until an element matching `css` exists (e.g. `[data-state=signed]`).
pub async fn wait_for(app: &App, css: &str) {
    app.element(css).await;
}

/// Opens an Element Plus select and picks the option `option_css` in the open dropdown.
pub async fn choose_option(app: &App, select_css: &str, option_css: &str) {
    app.click(select_css).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    app.click(&format!(
        ".el-select__popper[aria-hidden=false] {option_css}"
    ))
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// Clicks the primary button of the open confirmation box.
pub async fn confirm_box(app: &App) {
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.click(".el-message-box__btns .el-button--primary").await;
}

/// Navigates inside the app (hash routes).
pub async fn go(app: &App, hash: &str) {
    within(
        &format!("go to {hash}"),
        app.client
            .execute(&format!("window.location.hash = '{hash}'"), vec![]),
    )
    .await
    .unwrap();
}

/// A real photo-like JPEG (a 2400×1800 gradient with noise, as a phone photo of a page),
/// made by ImageMagick; returns its path inside `dir`.
pub fn photo(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let out = dir.join(name);
    let status = std::process::Command::new("convert")
        .args(["-size", "2400x1800", "gradient:#fafafa-#c8c8c8"])
        .args(["-attenuate", "0.3", "+noise", "Gaussian"])
        .args(["-fill", "#1f1f1f", "-draw", "rectangle 200,200 2200,260"])
        .args(["-quality", "92"])
        .arg(&out)
        .status()
        .expect("run ImageMagick's convert");
    assert!(status.success(), "convert failed");
    out
}

/// Puts the file at `path` into the file input `css` as a person choosing it would: the bytes
/// become a File in the page's own input (change event), read by the app like a picked file.
/// (WebKitWebDriver's Send Keys does not set files on hidden inputs.)
pub async fn choose_file(app: &App, css: &str, path: &std::path::Path, mime: &str) {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    app.element(css).await;
    let script = r#"
        const [css, list, name, mime] = arguments;
        const bytes = new Uint8Array(list);
        const input = document.querySelector(css);
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name, { type: mime }));
        input.files = dt.files;
        const taken = input.files.length;
        input.dispatchEvent(new Event('change', { bubbles: true }));
        return taken;
    "#;
    let n = within(
        &format!("choose {name} in {css}"),
        app.client.execute(
            script,
            vec![
                css.into(),
                serde_json::json!(bytes),
                name.clone().into(),
                mime.into(),
            ],
        ),
    )
    .await
    .unwrap();
    assert_eq!(n, serde_json::json!(1), "the file input took the file");
}

/// The demo's name of graduate `i` (the same formula as demo.rs).
pub fn name_of(i: u32) -> String {
    const SURNAMES: [&str; 12] = [
        "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
    ];
    const GIVEN: [&str; 16] = [
        "伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
        "秀英",
    ];
    if i == 7 {
        return "王𠮷".into();
    }
    format!(
        "{}{}",
        SURNAMES[(i % 12) as usize],
        GIVEN[((i * 7 + i / 12) % 16) as usize]
    )
}

/// Scrolls `css` into view (before a screenshot of a long screen).
pub async fn scroll_to(app: &App, css: &str) {
    app.element(css).await;
    within(
        &format!("scroll to {css}"),
        app.client.execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'start'})",
            vec![css.into()],
        ),
    )
    .await
    .unwrap();
}

/// A valid unified social credit code (GB 32100), as the demo makes them.
pub fn credit(n: u32) -> String {
    gradsign_engine::types::CreditCode::compose(
        "91",
        "110108",
        &format!("{:08}", 40_000_000 + n * 7),
    )
    .unwrap()
    .as_str()
    .to_string()
}

/// How many elements match `css` now (0 when none).
pub async fn count(app: &App, css: &str) -> usize {
    within(
        &format!("count {css}"),
        app.client.find_all(fantoccini::Locator::Css(css)),
    )
    .await
    .map(|v| v.len())
    .unwrap_or(0)
}

impl School {
    /// Starts the app on the school's data folder with extra environment variables.
    pub async fn start_app_with_env(&mut self, env: &[(&str, &str)]) -> App {
        self.place.start_app_with_env(env).await
    }
}

/// Drops the file at `path` on the drop zone `css`, as dragging it from a file manager does.
pub async fn drop_file(app: &App, css: &str, path: &std::path::Path, mime: &str) {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    app.element(css).await;
    let script = r#"
        const [css, list, name, mime] = arguments;
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(list)], name, { type: mime }));
        const zone = document.querySelector(css);
        zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        return zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    "#;
    within(
        &format!("drop {name} on {css}"),
        app.client.execute(
            script,
            vec![
                css.into(),
                serde_json::json!(bytes),
                name.into(),
                mime.into(),
            ],
        ),
    )
    .await
    .unwrap();
}

impl School {
    /// R-MOD-02: the same person (demo graduate `i`) also has a record in cohort 2025, with a
    /// submitted destination; returns that record's graduate id.
    pub async fn earlier_cohort_record(&self, i: u32) -> i64 {
        self.earlier_record_with_id_of(i, &name_of(i)).await
    }

    /// A record in cohort 2025 with demo graduate `i`'s ID number under `name` (their own name:
    /// the same person; another: a typo in an import, R-MOD-04), with a submitted destination;
    /// returns that record's graduate id.
    pub async fn earlier_record_with_id_of(&self, i: u32, name: &str) -> i64 {
        use gradsign_engine::actions::graduates::{ImportRow, IMPORT_HEADER};
        use gradsign_engine::{CohortSettings, DestinationInput, ReviewChain, Upload};
        let admin = self.actor("admin").await;
        self.engine
            .configure_cohort(
                &admin,
                &CohortSettings {
                    year: 2025,
                    chain: ReviewChain::Both,
                    invite_limit_days: 15,
                    changes_until: Some(now() + 365 * 86_400),
                    agreement_title: None,
                },
                now(),
            )
            .await
            .unwrap();
        self.engine
            .set_module(&admin, 2025, true, now())
            .await
            .unwrap();
        let row = ImportRow {
            line: 2,
            cells: vec![
                format!("2025{:06}", i + 1),
                name.to_string(),
                if i.is_multiple_of(2) { "男" } else { "女" }.into(),
                id_number(i),
                "专科".into(),
                "会计学".into(),
                "经济管理学院".into(),
                "非定向".into(),
                String::new(),
                "北京".into(),
                "13900000000".into(),
                "old@demo.edu.cn".into(),
            ],
        };
        let header: Vec<String> = IMPORT_HEADER.iter().map(|s| s.to_string()).collect();
        self.engine
            .import_graduates(&admin, 2025, &header, &[row], now())
            .await
            .unwrap();
        let current = self
            .engine
            .sign_in(&student_number(i), NEW_PASSWORD, now())
            .await
            .unwrap()
            .account
            .actor();
        let old_id = self
            .engine
            .list_graduates(
                &admin,
                &gradsign_engine::GraduateQuery {
                    cohort: 2025,
                    department_id: None,
                    major: None,
                    education_level: None,
                    text: None,
                },
                10,
            )
            .await
            .unwrap()[0]
            .id;
        // That record's own actions (as the demo acts for graduates without an account).
        let old = Actor {
            graduate_id: Some(old_id),
            account_id: None,
            ..current
        };
        self.engine.confirm_info(&old, now()).await.unwrap();
        let fields = [
            ("school", "示范大学"),
            ("programme", "会计学"),
            ("degree_level", "本科"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let id = self
            .engine
            .create_destination(
                &old,
                &DestinationInput {
                    type_id: "postgraduate".into(),
                    fields,
                },
                &[Upload::Bytes {
                    name: "录取通知书.png".into(),
                    bytes: gradsign_engine::demo::BLANK_PNG.to_vec(),
                }],
                now(),
            )
            .await
            .unwrap();
        self.engine
            .submit_registration(&old, id, now())
            .await
            .unwrap();
        old_id
    }
}
