//! A graduate's first sign-in in the real window (R-INFO-03, R-AUTH-05) and a password change
//! (R-AUTH-06): the admin imports a file in the window, one of its graduates activates with a
//! lower-case x in the ID number, lands on the basic info to confirm, signs out, signs in with the
//! new password and confirms; changes the password on the account page and stays signed in; an
//! unknown student number gets the school's message; six wrong ID numbers lock activation of a
//! student number (the seventh attempt, with the right ID number, is refused as throttled).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use gradsign_e2e::{within, App};
use gradsign_engine::types::IdNumber;
use gradsign_engine::*;

const ADMIN_PASSWORD: &str = "Admin2026pass";
const FIRST_PASSWORD: &str = "Graduate2026a";
const CHANGED_PASSWORD: &str = "Graduate2026b";

fn now() -> Timestamp {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A valid ID number (GB 11643) for graduate `n`, born 2003.
fn id_for(n: u32) -> String {
    let first = format!(
        "3201022003{:02}{:02}{:02}1",
        1 + n % 12,
        1 + n % 28,
        n % 100
    );
    format!("{first}{}", IdNumber::check_char(&first).unwrap())
}

fn student_number(n: u32) -> String {
    format!("2026{n:06}")
}

fn name_of(n: u32) -> String {
    format!("李明{n}")
}

fn csv(graduates: &[u32]) -> String {
    let mut out = IMPORT_HEADER.join(",") + "\n";
    for &n in graduates {
        let row = [
            student_number(n),
            name_of(n),
            "男".into(),
            id_for(n),
            "本科".into(),
            "软件工程".into(),
            "计算机学院".into(),
            "非定向".into(),
            String::new(),
            "江苏".into(),
            format!("137{:08}", 40_000 + n),
            format!("g{n}@demo.edu.cn"),
        ];
        out += &row.join(",");
        out += "\n";
    }
    out
}

/// The school, set up through the engine: one department, cohort 2026 open, no graduates yet.
async fn school(dir: &std::path::Path) -> Engine {
    let engine = Engine::open(
        dir.join("gradsign.sqlite3").to_str().unwrap(),
        dir.join("files"),
    )
    .await
    .unwrap();
    let t = now();
    let admin_id = engine
        .init_school(
            &SchoolSetup {
                name: "示范大学".into(),
                code: "10001".into(),
                contact: "就业指导中心 010-12345678".into(),
                departments: vec!["计算机学院".into()],
                admin_login: "office".into(),
                admin_password: ADMIN_PASSWORD.into(),
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
    engine
}

/// Clicks `css`, trying again for a few seconds while something else (a closing dialog's
/// overlay, a toast) takes the click.
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

/// Waits for a toast (Element Plus message) saying `text`.
async fn toast(app: &App, text: &str) {
    let started = Instant::now();
    let script = "return Array.from(document.querySelectorAll('.el-message')).some((e) => \
                  e.textContent.includes(arguments[0]));";
    loop {
        let shown = within(
            "toasts",
            app.client.execute(script, vec![serde_json::json!(text)]),
        )
        .await
        .unwrap();
        if shown.as_bool() == Some(true) {
            return;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let alerts = app
                .client
                .execute(
                    "return Array.from(document.querySelectorAll('[role=alert]')).map((e) => e.textContent).join(' | ');",
                    vec![],
                )
                .await
                .unwrap_or_default();
            panic!("no toast {text:?}; alerts: {alerts}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Replaces a filled field's text (select all, then type: WebDriver's clear fires no input event).
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

/// A screenshot without the passing toasts of earlier steps.
async fn screenshot(app: &App, name: &str) {
    app.clear_toasts().await;
    app.screenshot(name).await;
}

async fn sign_in(app: &App, login: &str, password: &str) {
    app.type_into("[data-testid=username]", login).await;
    app.type_into("[data-testid=password]", password).await;
    click(app, "[data-testid=sign-in-submit]").await;
}

/// Fills the first-sign-in form (the password twice).
async fn fill_activation(app: &App, student_number: &str, id_number: &str, password: &str) {
    // The form keeps the numbers after a refused attempt: type over them.
    replace_text(app, "[data-testid=activate-student-number]", student_number).await;
    replace_text(app, "[data-testid=activate-id-number]", id_number).await;
    app.type_into("[data-testid=activate-password]", password)
        .await;
    app.type_into("[data-testid=activate-confirm]", password)
        .await;
}

/// Fills the first-sign-in form and sends it.
async fn activate(app: &App, student_number: &str, id_number: &str, password: &str) {
    fill_activation(app, student_number, id_number, password).await;
    click(app, "[data-testid=activate-submit]").await;
}

/// The activation's error once the engine answered (the form empties its password fields then;
/// the alert may still show the previous attempt's identical message until that moment).
async fn activation_error(app: &App) -> String {
    let started = Instant::now();
    let script = "const e = document.querySelector('[data-testid=activate-password]'); \
                  return e ? e.value : '';";
    loop {
        let v = within("password field", app.client.execute(script, vec![]))
            .await
            .unwrap();
        if v.as_str().unwrap_or_default().is_empty() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no answer");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.text_of("[data-testid=activate-error]").await
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn graduate_activation_sign_in_password_change_and_throttle() {
    // Graduate A's ID number ends in X (typed lower-case); B is the one whose activation locks.
    let a = (1..500)
        .find(|&n| id_for(n).ends_with('X'))
        .expect("an ID number ending in X");
    let b = a + 1;
    let dir = tempfile::tempdir().unwrap();
    let engine = school(dir.path()).await;
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("毕业生.csv");
    std::fs::write(&file, csv(&[a, b])).unwrap();

    // The admin imports the file in the window, then signs out.
    let app = App::start_in(dir).await;
    sign_in(&app, "office", ADMIN_PASSWORD).await;
    app.element("[data-testid=graduates-table]").await;
    click(&app, "[data-testid=nav-import]").await;
    let input = app.element("[data-testid=import-file]").await;
    within("choose the file", input.send_keys(file.to_str().unwrap()))
        .await
        .unwrap();
    app.element("[data-testid=import-ok]").await;
    click(&app, "[data-testid=import-run]").await;
    let done = app.text_of("[data-testid=import-done]").await;
    assert!(done.contains("新增 2 人"), "{done}");
    click(&app, "[data-testid=sign-out]").await;

    // Graduate A activates with a lower-case x and lands on the basic info to confirm.
    click(&app, "[data-testid=activate-link]").await;
    let id_a = id_for(a).to_lowercase();
    assert!(id_a.ends_with('x'));
    fill_activation(&app, &student_number(a), &id_a, FIRST_PASSWORD).await;
    screenshot(&app, "graduate-activate").await;
    click(&app, "[data-testid=activate-submit]").await;
    app.element("[data-testid=graduate-info]").await;
    assert_eq!(app.text_of("[data-testid=info-name]").await, name_of(a));
    assert_eq!(
        app.text_of("[data-testid=signed-in-as]").await,
        format!("已登录：{}", name_of(a))
    );
    click(&app, "[data-testid=sign-out]").await;

    // Signed out: the new password signs in, the basic info is confirmed.
    sign_in(&app, &student_number(a), FIRST_PASSWORD).await;
    app.element("[data-testid=graduate-info]").await;
    click(&app, "[data-testid=confirm-info]").await;
    app.element("[data-testid=graduate-home]").await;

    // The password changes on the account page (a wrong current one first); the window keeps
    // the new session (the next screen still loads), and only the new password signs in.
    click(&app, "[data-testid=menu-graduate-account]").await;
    app.type_into("[data-testid=account-password-current]", "wrong-pass-2026")
        .await;
    app.type_into("[data-testid=account-password-next]", CHANGED_PASSWORD)
        .await;
    app.type_into("[data-testid=account-password-confirm]", CHANGED_PASSWORD)
        .await;
    click(&app, "[data-testid=account-password-submit]").await;
    let wrong = app.text_of("[data-testid=account-password-error]").await;
    assert!(wrong.contains("当前密码错误"), "shown: {wrong}");
    // The field still holds the wrong password: select it all and type over it.
    replace_text(
        &app,
        "[data-testid=account-password-current]",
        FIRST_PASSWORD,
    )
    .await;
    click(&app, "[data-testid=account-password-submit]").await;
    toast(&app, "密码已修改").await;
    screenshot(&app, "graduate-account-password").await;
    // Still signed in with the new session: saving the contact details goes through.
    click(&app, "[data-testid=account-save]").await;
    toast(&app, "已保存").await;
    click(&app, "[data-testid=menu-graduate-info]").await;
    app.element("[data-testid=info-confirmed]").await;
    click(&app, "[data-testid=sign-out]").await;
    sign_in(&app, &student_number(a), FIRST_PASSWORD).await;
    let old = app.text_of("[data-testid=sign-in-error]").await;
    assert!(old.contains("登录名或密码错误"), "shown: {old}");
    app.type_into("[data-testid=password]", CHANGED_PASSWORD)
        .await;
    click(&app, "[data-testid=sign-in-submit]").await;
    app.element("[data-testid=graduate-home]").await;
    click(&app, "[data-testid=sign-out]").await;

    // A student number the school never uploaded: the school's message, not "wrong password".
    click(&app, "[data-testid=activate-link]").await;
    activate(&app, "2026999999", &id_for(999), FIRST_PASSWORD).await;
    let error = activation_error(&app).await;
    assert!(error.contains("学校就业部门"), "shown: {error}");
    screenshot(&app, "graduate-activate-not-imported").await;

    // Graduate B: six wrong (well-formed) ID numbers get the school's message; the seventh
    // attempt, with the right ID number, is throttled with the wait.
    for wrong in 0..6 {
        activate(
            &app,
            &student_number(b),
            &id_for(200 + wrong),
            FIRST_PASSWORD,
        )
        .await;
        let error = activation_error(&app).await;
        assert!(error.contains("学校就业部门"), "attempt {wrong}: {error}");
    }
    activate(&app, &student_number(b), &id_for(b), FIRST_PASSWORD).await;
    let throttled = app
        .wait_content("[data-testid=activate-error]", |t| {
            t.contains("错误次数过多")
        })
        .await;
    assert!(throttled.contains("分钟后再试"), "shown: {throttled}");
    screenshot(&app, "graduate-activate-throttled").await;
    let b_signs_in = engine
        .sign_in(&student_number(b), FIRST_PASSWORD, now())
        .await;
    assert!(b_signs_in.is_err(), "B was not activated");
    app.quit().await;
}
