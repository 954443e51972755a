//! The graduate's view-only invitations, an employer's termination request answered, a wrong
//! password, a closed module, messages, the guide, and no keychain (issue 4).

mod graduate_fixture;

use gradsign_engine::demo::DEMO_PASSWORD;
use graduate_fixture::*;

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn r_sign_03_10_rejected_expired_and_blocked_invitations_are_view_only_and_the_graduate_answers_a_termination(
) {
    let mut school = School::demo().await;
    let app = school.start_app().await;

    // Demo graduate 1: pending invitations (live countdowns), a rejected and a withdrawn one.
    sign_in(&app, "2026000002", DEMO_PASSWORD).await;
    app.click("[data-testid=menu-graduate-invitations]").await;
    app.element("[data-testid=countdown]").await;
    assert_eq!(
        count(&app, "[data-testid^=invitation-][data-state=pending]").await,
        2
    );
    app.screenshot("graduate-invitations").await;
    app.click("[data-testid^=invitation-][data-state=rejected]")
        .await;
    let why = app.text_of("[data-testid=view-only-reason]").await;
    assert!(why.contains("已拒绝"), "shown: {why}");
    assert_eq!(count(&app, "[data-testid=accept]").await, 0);
    assert_eq!(count(&app, "[data-testid=reject]").await, 0);
    sign_out(&app).await;

    // Demo graduate 2: an expired invitation (the engine's sweep decided it).
    sign_in(&app, "2026000003", DEMO_PASSWORD).await;
    app.click("[data-testid=menu-graduate-invitations]").await;
    app.click("[data-testid^=invitation-][data-state=expired]")
        .await;
    let why = app.text_of("[data-testid=view-only-reason]").await;
    assert!(why.contains("已过期"), "shown: {why}");
    assert_eq!(count(&app, "[data-testid=accept]").await, 0);
    app.screenshot("graduate-invitation-expired").await;
    sign_out(&app).await;

    // Demo graduate 0 is signed: another employer's pending invitation is view-only (R-SIGN-03),
    // with the engine's reason, while its countdown keeps running.
    sign_in(&app, "2026000001", DEMO_PASSWORD).await;
    app.click("[data-testid=menu-graduate-invitations]").await;
    app.click("[data-testid^=invitation-][data-state=pending]")
        .await;
    app.element("[data-testid=countdown]").await;
    let why = app.text_of("[data-testid=view-only-reason]").await;
    assert!(why.contains("只能查看"), "shown: {why}");
    assert_eq!(count(&app, "[data-testid=accept]").await, 0);
    app.screenshot("graduate-invitation-view-only").await;
    sign_out(&app).await;

    // Demo graduate 8: the employer asked to terminate; the graduate refuses (R-TERM-02).
    sign_in(&app, "2026000009", DEMO_PASSWORD).await;
    // The main page shows the request with who asked, when and why, the answers one click
    // away, and names it first among the next steps.
    let card = app.text_of("[data-testid=home-termination-request]").await;
    assert!(card.contains("单位发起解约 等待应约"), "shown: {card}");
    assert!(card.contains("申请方"), "shown: {card}");
    app.element("[data-testid=home-termination-accept]").await;
    app.element("[data-testid=home-termination-refuse]").await;
    app.element("[data-testid=next-answerTermination]").await;
    app.screenshot("graduate-home-termination-request").await;
    app.click("[data-testid=current-open]").await;
    wait_for(
        &app,
        "[data-testid=termination-request][data-state=awaiting_counterparty]",
    )
    .await;
    scroll_to(&app, "[data-testid=termination-requests]").await;
    app.screenshot("graduate-termination-answer").await;
    app.click("[data-testid=termination-refuse]").await;
    confirm_box(&app).await;
    wait_for(
        &app,
        "[data-testid=termination-request][data-state=counterparty_refused]",
    )
    .await;
    // The agreement stays signed, and a new request could be made.
    wait_for(&app, "[data-testid=graduate-item][data-state=signed]").await;
    app.element("[data-testid=ask-termination]").await;
    sign_out(&app).await;

    // Demo graduate 4: an agreement the school did not approve (R-SIGN-08), in the guide's
    // words: 签约失败, and what to do next.
    sign_in(&app, "2026000005", DEMO_PASSWORD).await;
    app.click("[data-testid=menu-graduate-invitations]").await;
    let list = app
        .wait_content("[data-testid=invitation-list]", |t| t.contains("签约失败"))
        .await;
    assert!(!list.contains("审核未通过"), "shown: {list}");
    app.click("[data-testid^=invitation-][data-state=review_failed]")
        .await;
    let next = app.text_of("[data-testid=signing-failed-next]").await;
    assert!(next.contains("重新发出签约邀请"), "shown: {next}");
    app.quit().await;
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn r_mod_01_a_wrong_password_and_a_closed_module_show_their_messages() {
    let mut school = School::demo().await;
    let admin = school.actor("admin").await;
    school
        .engine
        .set_module(&admin, 2026, false, now())
        .await
        .unwrap();
    let app = school.start_app().await;

    sign_in(&app, "2026000002", "not-the-password").await;
    let error = app.text_of("[data-testid=sign-in-error]").await;
    assert!(error.contains("登录名或密码错误"), "shown: {error}");
    app.screenshot("graduate-wrong-password").await;
    app.type_into("[data-testid=password]", DEMO_PASSWORD).await;
    app.click("[data-testid=sign-in-submit]").await;

    // R-MOD-01: the module is shown disabled with the reason; nothing can be done.
    let closed = app.text_of("[data-testid=module-closed]").await;
    assert!(closed.contains("尚未开放"), "shown: {closed}");
    assert!(app
        .text_of("[data-testid=module-state]")
        .await
        .contains("未开放"));
    let blocked = app.text_of("[data-testid=blocked-reason]").await;
    assert!(!blocked.is_empty());
    app.element("[data-testid=next-moduleClosed]").await;
    app.screenshot("graduate-module-closed").await;
    // An invitation cannot be answered while the module is closed.
    app.click("[data-testid=menu-graduate-invitations]").await;
    app.click("[data-testid^=invitation-][data-state=pending]")
        .await;
    app.element("[data-testid=view-only-reason]").await;
    assert_eq!(count(&app, "[data-testid=accept]").await, 0);

    // Messages with the unread badge; opening one marks it read.
    app.click("[data-testid=menu-graduate-messages]").await;
    app.element("[data-testid=message]").await;
    let unread_before = count(&app, "[data-testid=message][data-read=false]").await;
    assert!(unread_before > 0);
    let badge = app.text_of("[data-testid=unread-badge]").await;
    assert_eq!(badge, unread_before.to_string());
    // R-NOTE-06: newest first, each with its time ("YYYY/MM/DD HH:MM", which sorts as text).
    let times = gradsign_e2e::within(
        "read the messages' times",
        app.client.execute(
            "return [...document.querySelectorAll('[data-testid=message-time]')].map((e) => e.innerText.trim())",
            vec![],
        ),
    )
    .await
    .unwrap();
    let times: Vec<String> = serde_json::from_value(times).unwrap();
    assert_eq!(times.len(), count(&app, "[data-testid=message]").await);
    assert!(
        times.iter().all(|t| t.len() >= 16 && t.starts_with("20")),
        "every message shows its time: {times:?}"
    );
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {times:?}"
    );
    app.screenshot("graduate-messages").await;
    app.click("[data-testid=message][data-read=false] [data-testid=message-open]")
        .await;
    app.element("[data-testid=graduate-item]").await;
    app.click("[data-testid=menu-graduate-messages]").await;
    app.element("[data-testid=message]").await;
    assert_eq!(
        count(&app, "[data-testid=message][data-read=false]").await,
        unread_before - 1
    );

    // The operating guide from the menu; the account page refuses a bad phone, naming it.
    app.click("[data-testid=menu-graduate-guide]").await;
    app.element("[data-testid=graduate-guide] article").await;
    app.screenshot("graduate-guide").await;
    // In English (remembered by the app; switched back so later tests start in Chinese).
    app.click("[data-testid=language-switch] label:nth-child(2)")
        .await;
    wait_text(&app, "[data-testid=graduate-guide] h1", |t| t == "Guide").await;
    assert_eq!(
        app.text_of("[data-testid=menu-graduate-home]").await,
        "Home"
    );
    app.screenshot("graduate-guide-en").await;
    app.click("[data-testid=language-switch] label:nth-child(1)")
        .await;
    wait_text(&app, "[data-testid=graduate-guide] h1", |t| t == "操作指南").await;
    app.click("[data-testid=menu-graduate-account]").await;
    replace_text(&app, "[data-testid=account-phone]", "12345").await;
    app.click("[data-testid=account-save]").await;
    let error = app.text_of("[data-testid=account-error]").await;
    assert!(error.contains("手机"), "shown: {error}");
    app.screenshot("graduate-account").await;
    app.quit().await;
}

/// R-PIPL-01: from the account page the graduate saves everything GradSign holds about them as
/// one ZIP, through the native save dialog (the name typed without its extension gets it).
#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn r_pipl_01_the_graduate_saves_all_their_data_from_the_account_page() {
    use std::io::Read;
    let mut school = School::demo().await;
    let app = school.start_app().await;
    sign_in(&app, "2026000001", DEMO_PASSWORD).await;
    app.click("[data-testid=menu-graduate-account]").await;
    app.click("[data-testid=account-data-export]").await;
    let dir = tempfile::tempdir().unwrap();
    gradsign_e2e::answer_save_dialog("保存我的个人信息", &dir.path().join("我的信息")).await;
    let saved = dir.path().join("我的信息.zip");
    wait_text(&app, "[data-testid=account-data-exported]", |t| {
        t.contains("我的信息.zip")
    })
    .await;
    app.screenshot("graduate-data-export").await;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&saved).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap_or_else(|_| panic!("{name} in {names:?}"))
            .read_to_string(&mut text)
            .unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    };
    assert_eq!(read("2026/basic-info.json")["student_number"], "2026000001");
    let items = read("2026/items.json");
    let numbered = items
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["item"]["agreement_number"].is_null())
        .count();
    let pdfs = names
        .iter()
        .filter(|n| n.starts_with("2026/agreements/") && n.ends_with(".pdf"))
        .count();
    assert!(
        !items.as_array().unwrap().is_empty(),
        "the demo graduate's items"
    );
    assert_eq!(pdfs, numbered, "one PDF per agreement");
    app.quit().await;
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn no_keychain_the_app_says_so_and_signs_in_without_remembering() {
    let mut school = School::demo().await;
    // No Secret Service: the session bus address leads nowhere.
    let no_bus = [(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/gradsign-no-bus",
    )];
    let app = school.start_app_with_env(&no_bus).await;
    app.type_into("[data-testid=username]", "2026000002").await;
    app.type_into("[data-testid=password]", DEMO_PASSWORD).await;
    app.click("[data-testid=remember]").await;
    app.click("[data-testid=sign-in-submit]").await;
    // The toast's text is drawn just after the toast itself.
    wait_text(&app, ".el-message", |t| t.contains("钥匙串")).await;
    app.element("[data-testid=graduate-home]").await;
    app.screenshot("graduate-no-keychain").await;
    // Nothing was remembered: the next start asks to sign in again.
    let data_dir = app.quit().await;
    let app = gradsign_e2e::App::start_in_with_env(data_dir, &no_bus).await;
    assert_eq!(app.text_of("[data-testid=sign-in] h1").await, "登录");
    app.quit().await;
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn r_mod_02_the_cohort_switch_shows_an_earlier_record_read_only() {
    const G: u32 = 25;
    let mut school = School::demo().await;
    school.activate(G).await;
    school.earlier_cohort_record(G).await;
    let app = school.start_app().await;
    sign_in(&app, &student_number(G), NEW_PASSWORD).await;
    app.element("[data-testid=graduate-home]").await;
    assert_eq!(count(&app, "[data-testid=read-only-banner]").await, 0);

    // Switch to 2025: the banner, no actions, the earlier record's registration view-only.
    choose_option(&app, "[data-testid=cohort-switch]", "li:nth-child(2)").await;
    let banner = app.text_of("[data-testid=read-only-banner]").await;
    assert!(banner.contains("2025"), "shown: {banner}");
    app.element("[data-testid=next-readOnly]").await;
    app.click("[data-testid=menu-graduate-registrations]").await;
    app.element("[data-testid=registration-list]").await;
    assert_eq!(count(&app, "[data-testid=new-destination]").await, 0);
    app.click("[data-testid^=registration-][data-state=submitted]")
        .await;
    wait_for(&app, "[data-testid=graduate-item][data-state=submitted]").await;
    for action in ["withdraw", "edit", "submit", "void"] {
        assert_eq!(
            count(&app, &format!("[data-testid={action}]")).await,
            0,
            "{action}"
        );
    }
    app.screenshot("graduate-cohort-read-only").await;

    // Back to 2026: the banner goes and the graduate may act again.
    choose_option(&app, "[data-testid=cohort-switch]", "li:nth-child(1)").await;
    app.element("[data-testid=graduate-home]").await;
    assert_eq!(count(&app, "[data-testid=read-only-banner]").await, 0);
    app.element("[data-testid=next-registerPaper]").await;
    app.quit().await;
}

/// R-MOD-04: a 2025 record with graduate G's ID number under another name (a typo in an import)
/// is another person until the admin confirms the link on the graduates screen.
#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn r_mod_04_the_admin_confirms_that_a_record_under_another_name_is_the_same_person() {
    const G: u32 = 26;
    let mut school = School::demo().await;
    school.activate(G).await;
    let old_id = school.earlier_record_with_id_of(G, "错名字").await;
    let graduate = school
        .engine
        .sign_in(&student_number(G), NEW_PASSWORD, now())
        .await
        .unwrap()
        .account
        .actor();
    async fn cohorts(engine: &gradsign_engine::Engine, g: &gradsign_engine::Actor) -> Vec<i64> {
        let list = engine.my_cohorts(g).await.unwrap();
        list.into_iter().map(|(c, _)| c).collect()
    }
    assert_eq!(
        cohorts(&school.engine, &graduate).await,
        vec![2026],
        "another name: another person"
    );
    let app = school.start_app().await;
    sign_in(&app, "admin", DEMO_PASSWORD).await;
    app.element("[data-testid=person-links]").await;
    let state = format!("[data-testid=person-link-state-{old_id}]");
    assert!(app.text_of(&state).await.contains("未确认"));
    app.screenshot("admin-person-links").await;
    app.click(&format!("[data-testid=person-link-confirm-{old_id}]"))
        .await;
    app.wait_content(&state, |t| t.contains("已确认为同一人"))
        .await;
    assert_eq!(
        cohorts(&school.engine, &graduate).await,
        vec![2026, 2025],
        "confirmed: the graduate sees the earlier record"
    );
    app.element(&format!("[data-testid=person-link-remove-{old_id}]"))
        .await;
    app.quit().await;
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn r_sign_10_the_invitation_screen_offers_to_void_an_approved_job_seeking_first() {
    // Demo graduate 9 (2026000010): 待就业 approved and a pending invitation.
    let mut school = School::demo().await;
    let app = school.start_app().await;
    sign_in(&app, "2026000010", DEMO_PASSWORD).await;
    app.click("[data-testid=menu-graduate-invitations]").await;
    app.click("[data-testid^=invitation-][data-state=pending]")
        .await;
    app.element("[data-testid=view-only-reason]").await;
    assert_eq!(count(&app, "[data-testid=accept]").await, 0);
    app.screenshot("graduate-invitation-void-first").await;
    app.click("[data-testid=void-first]").await;
    confirm_box(&app).await;
    // Voided: the invitation can be answered now.
    app.element("[data-testid=accept]").await;
    assert_eq!(count(&app, "[data-testid=view-only-reason]").await, 0);
    app.quit().await;
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn r_note_01_a_message_arriving_while_the_app_runs_raises_a_desktop_notification_and_the_badge(
) {
    let mut school = School::demo().await;
    // Watch the session bus for notification requests (no notification daemon runs here: the
    // call itself is what the app does).
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut monitor = std::process::Command::new("dbus-monitor")
        .args([
            "--session",
            "type='method_call',interface='org.freedesktop.Notifications'",
        ])
        .stdout(log.reopen().unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run dbus-monitor");
    let app = school.start_app().await;
    sign_in(&app, "2026000002", DEMO_PASSWORD).await;
    app.element("[data-testid=graduate-home]").await;
    let badge_before: usize = app
        .text_of("[data-testid=unread-badge]")
        .await
        .parse()
        .unwrap();
    // The background task looks at the account's messages every 15 s; the first look only
    // notes what is there.
    tokio::time::sleep(std::time::Duration::from_secs(17)).await;
    school
        .invite("employer06", 1, &name_of(1), "管理培训生")
        .await;
    let started = std::time::Instant::now();
    let seen = loop {
        let text = std::fs::read_to_string(log.path()).unwrap_or_default();
        if text.contains("member=Notify") {
            break text;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(40),
            "no desktop notification was asked for"
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    };
    let _ = monitor.kill();
    let _ = monitor.wait();
    // The notification carries the in-app message's title.
    assert!(seen.contains("收到签约邀请"), "{seen}");
    // The unread badge counts the new message too (the screen refreshes every 15 s).
    wait_text(&app, "[data-testid=unread-badge]", |t| {
        t.parse::<usize>().is_ok_and(|n| n == badge_before + 1)
    })
    .await;
    app.quit().await;
}
