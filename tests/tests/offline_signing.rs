//! Offline signing 申请就业协议线下签约 (R-OFFSIGN) in the real window: the graduate applies, the
//! department and the school approve the agreement, the graduate saves the print copy (read back
//! with pdftotext: the 待单位盖章回传 mark and the number on it), uploads a photo of the stamped
//! page (its QR code read by the engine), and the department and the school approve the stamped
//! pages: signed.

mod graduate_fixture;

use gradsign_e2e::{answer_save_dialog, App};
use gradsign_engine::demo::DEMO_PASSWORD;
use gradsign_engine::ItemKind;
use graduate_fixture::*;

/// Demo graduate 15 (2026000016) has confirmed info and no records.
const GRADUATE: u32 = 15;

/// Signs in as a reviewer, opens item `id` in the queue `tab` and approves it.
async fn approve_in_queue(app: &App, login: &str, tab: &str, id: i64, screenshot: Option<&str>) {
    sign_in(app, login, DEMO_PASSWORD).await;
    app.click(&format!("[data-testid=queue-tab-{tab}]")).await;
    app.click(&format!("[data-testid=queue-open-{id}]")).await;
    app.element("[data-testid=decide-approve]").await;
    if let Some(name) = screenshot {
        app.screenshot(name).await;
    }
    let before = app.text_of("[data-testid=item-state]").await;
    app.click("[data-testid=decide-approve]").await;
    wait_text(app, "[data-testid=item-state]", |t| t != before).await;
    app.clear_toasts().await;
    sign_out(app).await;
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn r_offsign_apply_print_stamp_upload_and_sign_in_the_window() {
    let mut school = School::demo().await;
    let graduate = school.activate(GRADUATE).await;
    let app = school.start_app().await;
    sign_in(&app, &student_number(GRADUATE), NEW_PASSWORD).await;
    // The home page offers offline signing beside online signing and paper registration.
    app.click("[data-testid=next-applyOffline] a").await;
    app.element("[data-testid=offline-intro]").await;
    for (field, value) in [
        ("name", "某县农业科技合作社"),
        ("creditCode", &credit(7)),
        ("industry", "农、林、牧、渔业"),
        ("address", "云南省某县农科路8号"),
        ("contactPerson", "赵主任"),
        ("contactPhone", "0871-66668888"),
        ("position", "农业技术员"),
        ("workLocation", "云南省某县"),
        ("salary", "月薪6500元"),
        ("agreementTerm", "3年"),
        ("archiveReceivingUnit", "某县人才服务中心"),
        ("archiveAddress", "云南省某县人民路1号"),
        ("archivePostcode", "650000"),
    ] {
        app.type_into(&format!("[data-testid=paper-{field}]"), value)
            .await;
    }
    choose_option(&app, "[data-testid=paper-nature]", "li:nth-child(9)").await;
    choose_option(
        &app,
        "[data-testid=paper-archiveHandling]",
        "li:first-child",
    )
    .await;
    app.screenshot("graduate-offline-form").await;
    app.click("[data-testid=offline-apply]").await;
    wait_for(
        &app,
        "[data-testid=graduate-item][data-kind=offline_signing][data-state=submitted]",
    )
    .await;
    let id = school
        .newest_item(&graduate, ItemKind::OfflineSigning)
        .await;
    app.clear_toasts().await;
    sign_out(&app).await;

    // 协议审核 by the department, then the school, each in its own queue.
    approve_in_queue(
        &app,
        department_reviewer(GRADUATE),
        "offline_signing_application",
        id,
        Some("reviewer-offline-application"),
    )
    .await;
    approve_in_queue(
        &app,
        "school-reviewer",
        "offline_signing_application",
        id,
        None,
    )
    .await;
    assert_eq!(school.state(id).await, "approved_for_print");

    // The print copy: previewed, saved through the dialog, read back.
    sign_in(&app, &student_number(GRADUATE), NEW_PASSWORD).await;
    app.click("[data-testid=current-open]").await;
    app.element("[data-testid=offline-print-hint]").await;
    app.element("[data-testid=pdf-preview]:not([data-rendered-pages='0'])")
        .await;
    let number = app.text_of("[data-testid=agreement-number]").await;
    app.screenshot("graduate-offline-issued").await;
    let saved_dir = tempfile::tempdir().unwrap();
    let saved = saved_dir.path().join("线下签约协议书.pdf");
    scroll_to(&app, "[data-testid=pdf-save]").await;
    app.click("[data-testid=pdf-save]").await;
    answer_save_dialog("保存电子就业协议书", &saved).await;
    wait_text(&app, "[data-testid=pdf-saved]", |t| {
        t.contains("线下签约协议书.pdf")
    })
    .await;
    let text = std::process::Command::new("pdftotext")
        .arg(&saved)
        .arg("-")
        .output()
        .expect("run pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("待单位盖章回传"), "the mark: {text}");
    assert!(text.contains(&number), "the number {number}: {text}");

    // 回传: page 1, stamped and photographed (rasterised, a red stamp, blurred, JPEG).
    let page = saved_dir.path().join("page");
    assert!(std::process::Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-singlefile", "-f", "1", "-l", "1"])
        .arg(&saved)
        .arg(&page)
        .status()
        .unwrap()
        .success());
    let photo = saved_dir.path().join("盖章页1.jpg");
    assert!(std::process::Command::new("convert")
        .arg(page.with_extension("png"))
        .args(["-fill", "none", "-stroke", "#c8102e", "-strokewidth", "6"])
        .args(["-draw", "circle 250,1500 370,1500"])
        .args(["-blur", "0x0.7", "-quality", "75"])
        .arg(&photo)
        .status()
        .unwrap()
        .success());
    choose_file(
        &app,
        "[data-testid=stamped-pages-input]",
        &photo,
        "image/jpeg",
    )
    .await;
    app.click("[data-testid=stamped-upload-submit]").await;
    wait_for(
        &app,
        "[data-testid=graduate-item][data-state=stamped_submitted]",
    )
    .await;
    app.element("[data-testid=stamped-page][data-qr=matched]")
        .await;
    app.clear_toasts().await;
    app.screenshot("graduate-offline-stamped").await;
    sign_out(&app).await;

    // 签约审核: the reviewer sees the page with "QR matches".
    sign_in(&app, department_reviewer(GRADUATE), DEMO_PASSWORD).await;
    app.click("[data-testid=queue-tab-offline_signing_stamped]")
        .await;
    app.click(&format!("[data-testid=queue-open-{id}]")).await;
    let qr = app
        .wait_content("[data-testid=scan-qr-0]", |t| !t.trim().is_empty())
        .await;
    assert_eq!(qr.trim(), "二维码一致");
    app.screenshot("reviewer-offline-stamped").await;
    app.click("[data-testid=decide-approve]").await;
    wait_text(&app, "[data-testid=item-state]", |t| t == "盖章页审核中").await;
    app.clear_toasts().await;
    sign_out(&app).await;
    approve_in_queue(&app, "school-reviewer", "offline_signing_stamped", id, None).await;

    sign_in(&app, &student_number(GRADUATE), NEW_PASSWORD).await;
    app.click("[data-testid=current-open]").await;
    wait_for(
        &app,
        "[data-testid=graduate-item][data-kind=offline_signing][data-state=signed]",
    )
    .await;
    app.element("[data-testid=pdf-preview]:not([data-rendered-pages='0'])")
        .await;
    app.screenshot("graduate-offline-signed").await;
    let messages = school.engine.messages(&graduate).await.unwrap();
    assert!(
        messages.iter().any(|m| m.title == "线下签约成功"),
        "{messages:?}"
    );
    app.quit().await;
}
