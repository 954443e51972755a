//! Paper agreement registration with a real photo (R-PAPER), other destinations approved then
//! voided (R-DEST-01/04), and the 定向/委培 graduate's single type (R-DEST-05), in the real window.

mod graduate_fixture;

use gradsign_e2e::within;
use gradsign_engine::demo::DEMO_PASSWORD;
use gradsign_engine::ItemKind;
use graduate_fixture::*;

/// Demo graduates 15 and 25 (2026000016, 2026000026) have confirmed info and no records.
const PAPER: u32 = 15;
const DEST: u32 = 25;

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn r_paper_01_02_paper_registration_with_a_photo_is_withdrawn_edited_and_resubmitted() {
    let mut school = School::demo().await;
    let graduate = school.activate(PAPER).await;
    let photos = tempfile::tempdir().unwrap();
    let photo = photo(photos.path(), "协议书第1页.jpg");
    let photo_bytes = std::fs::metadata(&photo).unwrap().len();
    let app = school.start_app().await;
    sign_in(&app, &student_number(PAPER), NEW_PASSWORD).await;
    app.click("[data-testid=menu-graduate-registrations]").await;
    app.click("[data-testid=new-paper]").await;

    for (field, value) in [
        ("name", "杭州云帆网络有限公司"),
        ("creditCode", "123"),
        ("industry", "信息传输、软件和信息技术服务业"),
        ("address", "杭州市余杭区文一西路1号"),
        ("contactPerson", "王经理"),
        ("contactPhone", "0571-88886666"),
        ("position", "前端工程师"),
        ("workLocation", "杭州市"),
        ("salary", "月薪11000元"),
        ("agreementTerm", "3年"),
        ("archiveReceivingUnit", "杭州市人才服务中心"),
        ("archiveAddress", "杭州市西湖区人才大厦"),
        ("archivePostcode", "310000"),
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
    choose_file(&app, "[data-testid=paper-scans]", &photo, "image/jpeg").await;
    let listed = app.text_of("[data-testid=paper-scans-list]").await;
    assert!(listed.contains("协议书第1页.jpg"), "listed: {listed}");
    app.screenshot("graduate-paper-form").await;

    // A malformed credit code: the engine's message names the field; nothing is saved.
    app.click("[data-testid=paper-save-submit]").await;
    let error = app.text_of("[data-testid=paper-error]").await;
    assert!(error.contains("信用代码"), "shown: {error}");
    assert!(school
        .engine
        .list_items(&graduate, Some(ItemKind::Paper), None)
        .await
        .unwrap()
        .is_empty());
    replace_text(&app, "[data-testid=paper-creditCode]", &credit(1)).await;
    // Enter in a field saves nothing (it once left a silent draft): only the buttons save.
    let field = app.element("[data-testid=paper-position]").await;
    within("press Enter in a field", field.send_keys("\u{E007}"))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    app.element("[data-testid=paper-form]").await;
    assert!(school
        .engine
        .list_items(&graduate, Some(ItemKind::Paper), None)
        .await
        .unwrap()
        .is_empty());
    app.click("[data-testid=paper-save-submit]").await;
    wait_for(&app, "[data-testid=graduate-item][data-state=submitted]").await;

    // The photo went through the engine's compression: both sizes shown, the stored one smaller.
    let id = school.newest_item(&graduate, ItemKind::Paper).await;
    let admin = school.actor("admin").await;
    let stored = school
        .engine
        .item_detail(&admin, id, now())
        .await
        .unwrap()
        .item
        .payload["scans"][0]
        .clone();
    let (size, original) = (
        stored["size"].as_u64().unwrap(),
        stored["original_size"].as_u64().unwrap(),
    );
    assert_eq!(original, photo_bytes);
    assert!(size < original, "compressed {size} < original {original}");
    let shown = app.text_of("[data-testid=stored-file]").await;
    assert!(
        shown.contains("压缩前") && shown.contains("压缩后"),
        "shown: {shown}"
    );
    scroll_to(&app, "[data-testid=terms]").await;
    app.screenshot("graduate-paper").await;

    // R-PAPER-02: withdraw before review, edit, resubmit.
    app.click("[data-testid=withdraw]").await;
    wait_for(&app, "[data-testid=graduate-item][data-state=draft]").await;
    app.click("[data-testid=edit]").await;
    app.element("[data-testid=paper-form]").await;
    wait_text(&app, "[data-testid=paper-name]", |_| true).await;
    replace_text(&app, "[data-testid=paper-position]", "全栈工程师").await;
    app.click("[data-testid=paper-save-submit]").await;
    wait_for(&app, "[data-testid=graduate-item][data-state=submitted]").await;
    let detail = school.engine.item_detail(&admin, id, now()).await.unwrap();
    assert_eq!(detail.item.payload["terms"]["position"], "全栈工程师");
    // The scans were kept (no new upload on the edit).
    assert_eq!(detail.item.payload["scans"][0]["hash"], stored["hash"]);
    app.quit().await;
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn r_dest_01_04_05_a_destination_is_approved_then_voided_and_a_directed_graduate_sees_only_their_type(
) {
    let mut school = School::demo().await;
    let graduate = school.activate(DEST).await;
    let photos = tempfile::tempdir().unwrap();
    let proof = photo(photos.path(), "录取通知书.jpg");
    let app = school.start_app().await;
    sign_in(&app, &student_number(DEST), NEW_PASSWORD).await;
    app.click("[data-testid=menu-graduate-registrations]").await;
    app.click("[data-testid=new-destination]").await;
    choose_option(
        &app,
        "[data-testid=destination-type]",
        "[data-testid=destination-type-postgraduate]",
    )
    .await;
    app.type_into("[data-testid=destination-school]", "浙江大学")
        .await;
    app.type_into("[data-testid=destination-programme]", "软件工程")
        .await;
    app.type_into("[data-testid=destination-degree_level]", "硕士")
        .await;
    // The proof by drag-and-drop onto the form's drop zone.
    drop_file(
        &app,
        "[data-testid=destination-proofs-drop]",
        &proof,
        "image/jpeg",
    )
    .await;
    let listed = app.text_of("[data-testid=destination-proofs-list]").await;
    assert!(listed.contains("录取通知书.jpg"), "listed: {listed}");
    app.screenshot("graduate-destination-form").await;
    app.click("[data-testid=destination-save-submit]").await;
    wait_for(&app, "[data-testid=graduate-item][data-state=submitted]").await;

    let id = school.newest_item(&graduate, ItemKind::Destination).await;
    school.approve_both(DEST, id).await;
    app.click("[data-testid=menu-graduate-registrations]").await;
    app.click(&format!("[data-testid=registration-{id}]")).await;
    wait_for(&app, "[data-testid=graduate-item][data-state=approved]").await;
    app.click("[data-testid=void]").await;
    confirm_box(&app).await;
    wait_for(&app, "[data-testid=graduate-item][data-state=voided]").await;
    assert_eq!(school.state(id).await, "voided");
    app.screenshot("graduate-destination-voided").await;
    sign_out(&app).await;

    // Demo graduate 5 is 定向: no signing section, no paper registration, one type.
    sign_in(&app, "2026000006", DEMO_PASSWORD).await;
    app.element("[data-testid=graduate-home]").await;
    assert_eq!(
        count(&app, "[data-testid=menu-graduate-invitations]").await,
        0
    );
    app.click("[data-testid=menu-graduate-registrations]").await;
    app.element("[data-testid=new-destination]").await;
    assert_eq!(count(&app, "[data-testid=new-paper]").await, 0);
    app.click("[data-testid=new-destination]").await;
    app.click("[data-testid=destination-type]").await;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(
        count(
            &app,
            ".el-select__popper[aria-hidden=false] li.el-select-dropdown__item"
        )
        .await,
        1
    );
    app.element(".el-select__popper[aria-hidden=false] [data-testid=destination-type-directed]")
        .await;
    app.screenshot("graduate-directed").await;
    app.quit().await;
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn r_off_01_an_approved_paper_agreement_is_terminated_offline_with_the_letters_scan() {
    // Demo graduate 17 (2026000018): an approved paper agreement.
    const G: u32 = 17;
    let mut school = School::demo().await;
    let graduate = school.activate(G).await;
    let photos = tempfile::tempdir().unwrap();
    let letter = photo(photos.path(), "解约函.jpg");
    let app = school.start_app().await;
    sign_in(&app, &student_number(G), NEW_PASSWORD).await;
    app.click("[data-testid=current-open]").await;
    wait_for(
        &app,
        "[data-testid=graduate-item][data-kind=paper][data-state=approved]",
    )
    .await;
    app.click("[data-testid=ask-termination]").await;
    choose_option(&app, "[data-testid=termination-reason]", "li:first-child").await;
    // R-OFF-01: the explanation and the letter are required; without them nothing is sent.
    app.click("[data-testid=termination-submit]").await;
    app.element("[data-testid=item-error]").await;
    assert!(school
        .engine
        .list_items(&graduate, Some(ItemKind::OfflineTermination), None)
        .await
        .unwrap()
        .is_empty());
    app.type_into("[data-testid=termination-explanation]", "已考取研究生")
        .await;
    wait_text(&app, "[data-testid=explanation-counter]", |t| t == "6/200").await;
    choose_file(
        &app,
        "[data-testid=termination-scans]",
        &letter,
        "image/jpeg",
    )
    .await;
    app.click("[data-testid=termination-submit]").await;
    wait_for(
        &app,
        "[data-testid=termination-request][data-state=submitted]",
    )
    .await;
    scroll_to(&app, "[data-testid=termination-requests]").await;
    app.screenshot("graduate-offline-termination").await;
    let id = school
        .newest_item(&graduate, ItemKind::OfflineTermination)
        .await;
    assert_eq!(school.state(id).await, "submitted");
    app.quit().await;
}

/// R-OFF-02: an offline termination returned for changes is edited in its own form, which
/// starts from the request's reason and explanation; a new letter replaces the old one, and the
/// corrected request goes back to review.
#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn r_off_02_a_returned_offline_termination_is_edited_with_a_new_letter_and_resubmitted() {
    // Demo graduate 22 (2026000023): an offline termination returned for changes.
    const G: u32 = 22;
    let mut school = School::demo().await;
    let graduate = school.activate(G).await;
    let id = school
        .newest_item(&graduate, ItemKind::OfflineTermination)
        .await;
    assert_eq!(school.state(id).await, "returned");
    let before = school
        .engine
        .item_detail(&graduate, id, now())
        .await
        .unwrap()
        .item
        .payload;
    let photos = tempfile::tempdir().unwrap();
    let letter = photo(photos.path(), "新解约函.jpg");
    let app = school.start_app().await;
    sign_in(&app, &student_number(G), NEW_PASSWORD).await;
    app.element("[data-testid=graduate-home]").await;
    go(&app, &format!("#/graduate/items/{id}")).await;
    wait_for(
        &app,
        "[data-testid=graduate-item][data-kind=offline_termination][data-state=returned]",
    )
    .await;
    app.click("[data-testid=edit]").await;
    // The form starts from the request as it is, not from an empty destination form.
    app.element("[data-testid=offline-termination-edit]").await;
    let explanation = app
        .element("[data-testid=termination-explanation]")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        explanation.as_deref(),
        before["explanation"].as_str(),
        "the explanation as it was"
    );
    assert!(app
        .text_of("[data-testid=termination-reason]")
        .await
        .contains(before["reason"].as_str().unwrap()));
    replace_text(
        &app,
        "[data-testid=termination-explanation]",
        "已考取公务员，附录用通知",
    )
    .await;
    choose_file(
        &app,
        "[data-testid=termination-scans]",
        &letter,
        "image/jpeg",
    )
    .await;
    app.click("[data-testid=termination-submit]").await;
    // Saved (the letter uploaded and compressed): the edit form closes.
    let started = std::time::Instant::now();
    while app
        .client
        .find(fantoccini::Locator::Css(
            "[data-testid=offline-termination-edit]",
        ))
        .await
        .is_ok()
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "the edit form stays open: nothing saved"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    app.clear_toasts().await;
    let _ = app
        .client
        .execute(
            "document.querySelector('[data-testid=submit]').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await;
    let saved = school
        .engine
        .item_detail(&graduate, id, now())
        .await
        .unwrap()
        .item;
    let shown = app
        .client
        .execute(
            "return document.querySelector('[data-testid=graduate-item]')?.innerText ?? ''",
            vec![],
        )
        .await
        .ok();
    assert_eq!(
        saved.payload["explanation"], "已考取公务员，附录用通知",
        "saved before submitting; the page: {shown:?}"
    );
    app.click("[data-testid=submit]").await;
    wait_for(
        &app,
        "[data-testid=graduate-item][data-kind=offline_termination][data-state=submitted]",
    )
    .await;
    let after = school
        .engine
        .item_detail(&graduate, id, now())
        .await
        .unwrap()
        .item;
    assert_eq!(after.state, "submitted");
    assert_eq!(after.payload["explanation"], "已考取公务员，附录用通知");
    assert_eq!(after.payload["reason"], before["reason"]);
    assert_ne!(
        after.payload["scans"], before["scans"],
        "the new letter replaced the old one"
    );
    app.quit().await;
}
