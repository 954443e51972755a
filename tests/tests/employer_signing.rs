//! The employer's workspace in the real window: an employer invites a graduate, the graduate
//! accepts (through the engine), the department reviewer and then the school reviewer approve in
//! their workspace, and both parties see the agreement signed. Also: an employer signs up with a
//! business licence from the sign-in screen. The signing runs once with the school on this
//! machine, once on the school's server.

mod reviewer_fixture;

use gradsign_e2e::{within, App};
use gradsign_engine::ItemKind;
use reviewer_fixture::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn employer_invites_graduate_accepts_both_reviewers_approve_both_see_it_signed() {
    signing(Mode::Here).await;
}

/// The same signing with every desktop connected to the school's server: the employer's
/// invitation, both reviewers' queues and approvals over HTTPS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn employer_invites_and_both_reviewers_approve_on_the_school_server() {
    signing(Mode::Server).await;
}

async fn signing(mode: Mode) {
    let mut place = Place::new(mode).await;
    let school = School::create_on(place.engine.clone(), 1).await;
    let app = place.start_app().await;

    // The employer composes the invitation: name + ID number, every term, 7 days to answer.
    sign_in(&app, EMPLOYER).await;
    app.element("[data-testid=employer-home]").await;
    app.screenshot("employer-home").await;
    app.click("[data-testid=employer-new-invite]").await;
    app.type_into("[data-testid=invite-name]", &name_of(1))
        .await;
    app.type_into("[data-testid=invite-idNumber]", &id_for(1))
        .await;
    for (field, value) in [
        ("position", "软件开发工程师"),
        ("workLocation", "北京市海淀区"),
        ("salary", "月薪15000元"),
        ("probation", "3个月"),
        ("agreementTerm", "3年"),
        ("liquidatedDamages", "5000元"),
        ("archiveReceivingUnit", "北京市海淀区人才服务中心"),
        ("archiveAddress", "北京市海淀区彩和坊路8号"),
        ("archivePostcode", "100080"),
        ("hukouAddress", "北京市海淀区"),
        ("otherTerms", "单位依法缴纳五险一金。"),
    ] {
        app.type_into(&format!("[data-testid=invite-{field}]"), value)
            .await;
    }
    choose_first_option(&app, "[data-testid=invite-archiveHandling]").await;
    app.screenshot("employer-invite").await;
    app.click("[data-testid=invite-submit]").await;
    wait_text(&app, "[data-testid=employer-item-state]", |t| t == "待应约").await;
    let terms = app.text_of("[data-testid=item-terms]").await;
    assert!(terms.contains("软件开发工程师"), "terms shown: {terms}");
    app.screenshot("employer-invitation").await;

    // The graduate accepts (through the engine, on the same database).
    let items = school
        .engine
        .list_items(school.g(1), Some(ItemKind::Signing), None)
        .await
        .unwrap();
    assert_eq!(items.len(), 1, "one invitation reached the graduate");
    let id = items[0].id;
    assert_eq!(items[0].payload["terms"]["position"], "软件开发工程师");
    school
        .engine
        .accept_invitation(school.g(1), id, now())
        .await
        .unwrap();

    // The department reviewer finds it in the signing queue (ID number masked) and approves.
    sign_out(&app).await;
    sign_in(&app, DEP_REVIEWER).await;
    app.element(&format!("[data-testid=queue-row-{id}]")).await;
    let table = app.text_of("[data-testid=queue-table]").await;
    assert!(
        !table.contains(&id_for(1)),
        "the full ID number is not listed"
    );
    assert!(table.contains(&id_for(1)[..6]), "the masked ID number is");
    app.screenshot("reviewer-queue").await;
    app.click(&format!("[data-testid=queue-open-{id}]")).await;
    app.element("[data-testid=decide-approve]").await;
    app.screenshot("reviewer-item").await;
    app.click("[data-testid=decide-approve]").await;
    wait_text(&app, "[data-testid=item-awaiting]", |t| t.contains("学校")).await;
    // Approved at the department: read-only for this reviewer now.
    app.element("[data-testid=item-read-only]").await;

    // The school reviewer approves: the agreement is signed with its number.
    sign_out(&app).await;
    sign_in(&app, SCHOOL_REVIEWER).await;
    app.click(&format!("[data-testid=queue-open-{id}]")).await;
    app.click("[data-testid=decide-approve]").await;
    wait_text(&app, "[data-testid=item-state]", |t| t == "已签约").await;
    let number = app.text_of("[data-testid=item-agreement-number]").await;
    assert!(number.len() >= 10, "agreement number shown: {number}");
    app.element("[data-testid=item-save-pdf]").await;

    // Both parties see it signed: the employer in its list and item, the graduate in the engine.
    sign_out(&app).await;
    sign_in(&app, EMPLOYER).await;
    wait_text(&app, &format!("[data-testid=employer-state-{id}]"), |t| {
        t == "已签约"
    })
    .await;
    app.click(&format!("[data-testid=employer-open-{id}]"))
        .await;
    wait_text(&app, "[data-testid=employer-item-state]", |t| t == "已签约").await;
    assert_eq!(
        app.text_of("[data-testid=item-agreement-number]").await,
        number
    );
    app.element("[data-testid=employer-save-pdf]").await;
    app.element("[data-testid=employer-termination-form]").await;
    app.screenshot("employer-signed").await;
    // The employer's messages (R-NOTE-01): the graduate's answer and the review results, with
    // the unread badge; opening one goes to the agreement.
    let badge = app.text_of("[data-testid=unread-badge]").await;
    assert!(
        badge.trim().parse::<u32>().is_ok_and(|n| n >= 2),
        "unread badge: {badge}"
    );
    // The passing "saved" toasts sit over the bar: gone first.
    app.clear_toasts().await;
    app.click("[data-testid=nav-messages]").await;
    let list = app.text_of("[data-testid=employer-messages]").await;
    assert!(
        list.contains(&name_of(1)),
        "the messages name the graduate: {list}"
    );
    app.screenshot("employer-messages").await;
    app.click("[data-testid=message-open]").await;
    app.element("[data-testid=employer-item-state]").await;
    let seen = school
        .engine
        .item_detail(school.g(1), id, now())
        .await
        .unwrap();
    assert_eq!(seen.item.state, "signed");
    assert_eq!(seen.item.agreement_number.as_deref(), Some(number.as_str()));
    app.quit().await;
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn employer_signs_up_with_its_licence_and_waits_for_approval() {
    let dir = tempfile::tempdir().unwrap();
    let school = School::create(dir.path(), 1).await;
    let app = App::start_in(dir).await;

    app.click("[data-testid=employer-sign-up-link]").await;
    app.element("[data-testid=employer-sign-up]").await;
    // Submitting empty names what is missing, and nothing is sent.
    app.click("[data-testid=signup-submit]").await;
    wait_text(&app, "[data-testid=employer-sign-up]", |t| {
        t.contains("必填")
    })
    .await;
    for (field, value) in [
        ("name", "上海远航信息服务有限公司"),
        ("creditCode", credit(2).as_str()),
        ("industry", "信息传输、软件和信息技术服务业"),
        ("address", "上海市浦东新区世纪大道100号"),
        ("contactPerson", "吴先生"),
        ("contactPhone", "021-55556666"),
        ("displayName", "吴先生"),
        ("login", "yuanhang"),
        ("password", PASSWORD),
    ] {
        app.type_into(&format!("[data-testid=signup-{field}]"), value)
            .await;
    }
    choose_first_option(&app, "[data-testid=signup-nature]").await;
    let licence = gradsign_e2e::screenshots_dir().join("graduate-sign-in-error.png");
    let input = app.element("[data-testid=signup-licence]").await;
    within(
        "choose the licence file",
        input.send_keys(&licence.display().to_string()),
    )
    .await
    .unwrap();
    app.screenshot("employer-sign-up").await;
    app.click("[data-testid=signup-submit]").await;
    app.element("[data-testid=sign-up-done]").await;

    // Stored with the licence, awaiting the admin.
    let accounts = school.engine.accounts(&school.admin).await.unwrap();
    let account = accounts.iter().find(|a| a.login == "yuanhang").unwrap();
    let profile = school
        .engine
        .employer_profile(&account.actor(), None)
        .await
        .unwrap();
    assert!(!profile.approved);
    assert_eq!(profile.details.credit_code, credit(2));
    assert!(profile.licence.is_some(), "the licence scan was kept");

    // Signed in, the employer is told invitations wait for the school; its profile shows it.
    app.click("[data-testid=sign-up-back]").await;
    sign_in(&app, "yuanhang").await;
    app.element("[data-testid=employer-not-approved]").await;
    app.click("[data-testid=nav-profile]").await;
    wait_text(&app, "[data-testid=profile-approval]", |t| {
        t == "等待学校审核"
    })
    .await;
    app.click("[data-testid=profile-view-licence]").await;
    app.element("[data-testid=profile-licence-image]").await;
    app.screenshot("employer-profile").await;
    app.quit().await;
}
