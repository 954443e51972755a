//! The reviewers' workspace in the real window: the school admin edits the reason templates, a
//! paper registration is returned with the first of them and resubmitted by the graduate; an other destination edited by the reviewer,
//! shown as a diff, with the graduate seeing the change and the message; a batch approval of 20
//! items with a progress bar and a per-item result (one taken by someone else first).

mod reviewer_fixture;

use gradsign_e2e::App;
use gradsign_engine::{ItemKind, PaperInput, ReviewDecision};
use reviewer_fixture::*;

fn paper() -> PaperInput {
    PaperInput {
        employer: employer_details(),
        terms: gradsign_engine::AgreementTerms {
            position: "测试工程师".into(),
            work_location: "北京".into(),
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
    }
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn reviewer_returns_a_paper_registration_and_the_graduate_resubmits() {
    let dir = tempfile::tempdir().unwrap();
    let school = School::create(dir.path(), 2).await;
    let id = school
        .engine
        .create_paper(school.g(2), &paper(), &[scan_png()], now())
        .await
        .unwrap();
    school
        .engine
        .submit_registration(school.g(2), id, now())
        .await
        .unwrap();
    let app = App::start_in(dir).await;

    // The school admin edits the reviewers' reason templates first.
    sign_in(&app, "admin").await;
    app.element("[data-testid=signed-in-as]").await;
    gradsign_e2e::within(
        "open the reason templates",
        app.client
            .execute("window.location.hash = '#/admin/reason-templates'", vec![]),
    )
    .await
    .unwrap();
    wait_value(&app, "[data-testid=templates-text]", |v| {
        v.starts_with("材料不清晰或不完整")
    })
    .await;
    replace_text(
        &app,
        "[data-testid=templates-text]",
        "照片模糊，请重新拍摄\u{E007}材料未盖章\u{E007}材料未盖章",
    )
    .await;
    // (Enter, U+E007, starts a new line: a typed "\n" is not one in WebKit's driver.)
    app.click("[data-testid=templates-save]").await;
    // A duplicate is refused naming the field; nothing is saved.
    let refused = app.text_of("[data-testid=templates-error]").await;
    assert!(refused.contains("重复"), "shown: {refused}");
    replace_text(
        &app,
        "[data-testid=templates-text]",
        "照片模糊，请重新拍摄\u{E007}材料未盖章",
    )
    .await;
    app.click("[data-testid=templates-save]").await;
    wait_text(&app, ".el-message--success", |t| t.contains("已保存")).await;
    app.screenshot("reviewer-reason-templates").await;
    assert_eq!(
        school.engine.reason_templates(&school.admin).await.unwrap(),
        vec!["照片模糊，请重新拍摄", "材料未盖章"]
    );
    sign_out(&app).await;

    sign_in(&app, DEP_REVIEWER).await;
    app.click("[data-testid=queue-tab-paper]").await;
    app.click(&format!("[data-testid=queue-open-{id}]")).await;
    // The scan in the viewer: zoom and rotate.
    app.click("[data-testid=scan-0]").await;
    app.element("[data-testid=viewer-image]").await;
    app.click("[data-testid=viewer-zoom-in]").await;
    app.click("[data-testid=viewer-rotate]").await;
    let viewer = app.text_of("[data-testid=viewer-state]").await;
    assert_eq!(viewer, "125% · 90°");
    app.screenshot("reviewer-scan-viewer").await;
    app.click("[data-testid=scan-viewer] .el-dialog__headerbtn")
        .await;
    // Let the dialog's closing animation finish before clicking behind it.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;

    // Returning without a reason is refused on the screen; with a template it goes through.
    app.click("[data-testid=decide-return]").await;
    let refused = app.text_of("[data-testid=item-error]").await;
    assert!(refused.contains("原因"), "shown: {refused}");
    choose_option(
        &app,
        "[data-testid=decision-template]",
        "[data-testid=template-0]",
    )
    .await;
    app.click("[data-testid=decide-return]").await;
    wait_text(&app, "[data-testid=item-state]", |t| t == "已退回").await;
    let reason = app.text_of("[data-testid=history-reason]").await;
    assert_eq!(
        reason, "照片模糊，请重新拍摄",
        "the school's first template"
    );
    app.screenshot("reviewer-returned").await;

    // The graduate sees the reason and resubmits; the reviewer finds it back in the queue.
    let seen = school
        .engine
        .item_detail(school.g(2), id, now())
        .await
        .unwrap();
    assert_eq!(seen.item.state, "returned");
    assert!(seen
        .history
        .iter()
        .any(|h| h.reason == "照片模糊，请重新拍摄"));
    school
        .engine
        .submit_registration(school.g(2), id, now())
        .await
        .unwrap();
    app.click("[data-testid=item-back]").await;
    app.click("[data-testid=queue-tab-paper]").await;
    app.click("[data-testid=queue-search]").await;
    wait_text(&app, &format!("[data-testid=queue-state-{id}]"), |t| {
        t == "待审核"
    })
    .await;
    app.click(&format!("[data-testid=queue-open-{id}]")).await;
    let history = app.text_of("[data-testid=item-history]").await;
    assert!(history.contains("退回"), "history: {history}");
    assert_eq!(
        history.matches("提交").count(),
        2,
        "two submissions: {history}"
    );
    app.element("[data-testid=decide-approve]").await;
    app.quit().await;
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn reviewer_edits_an_other_destination_and_the_graduate_sees_change_and_message() {
    let dir = tempfile::tempdir().unwrap();
    let school = School::create(dir.path(), 3).await;
    let id = school.submitted_destination(3).await;
    let app = App::start_in(dir).await;

    sign_in(&app, DEP_REVIEWER).await;
    app.click("[data-testid=queue-tab-destination]").await;
    app.click(&format!("[data-testid=queue-open-{id}]")).await;
    assert_eq!(
        app.text_of("[data-testid=item-field-school]").await,
        "北京大学"
    );
    replace_text(&app, "[data-testid=edit-school]", "清华大学").await;
    app.click("[data-testid=edit-save]").await;
    wait_text(&app, "[data-testid=item-field-school]", |t| t == "清华大学").await;
    let diff = app.text_of("[data-testid=history-diff]").await;
    assert!(
        diff.contains("北京大学") && diff.contains("清华大学"),
        "diff: {diff}"
    );
    gradsign_e2e::within(
        "scroll to the diff",
        app.client.execute(
            "document.querySelector('[data-testid=history-diff]').scrollIntoView({block: 'center'})",
            vec![],
        ),
    )
    .await
    .unwrap();
    app.screenshot("reviewer-destination-edit").await;

    // The graduate sees the changed field and an in-app message about it.
    let seen = school
        .engine
        .item_detail(school.g(3), id, now())
        .await
        .unwrap();
    assert_eq!(seen.item.payload["fields"]["school"], "清华大学");
    let messages = school.engine.messages(school.g(3)).await.unwrap();
    assert!(
        messages
            .iter()
            .any(|m| m.item_id == Some(id)
                && (m.title.contains("修改") || m.body.contains("清华大学"))),
        "messages: {messages:?}"
    );
    // Still awaiting this reviewer: approve it now.
    app.click("[data-testid=decide-approve]").await;
    wait_text(&app, "[data-testid=item-awaiting]", |t| t.contains("学校")).await;

    // The school approves, then the graduate voids it (R-DEST-04): it stays in the reviewer's
    // "everything" view, read-only, with every decision in its history.
    let school_reviewer = school
        .engine
        .sign_in(SCHOOL_REVIEWER, PASSWORD, now())
        .await
        .unwrap()
        .account
        .actor();
    let v = school
        .engine
        .item_detail(&school.admin, id, now())
        .await
        .unwrap()
        .item
        .version;
    school
        .engine
        .review(
            &school_reviewer,
            id,
            v,
            ReviewDecision::Approve {
                note: String::new(),
            },
            now(),
        )
        .await
        .unwrap();
    school
        .engine
        .void_destination(school.g(3), id, now())
        .await
        .unwrap();
    app.click("[data-testid=item-back]").await;
    app.click("[data-testid=queue-tab-destination]").await;
    app.click("[data-testid=queue-all]").await;
    app.click("[data-testid=queue-search]").await;
    wait_text(&app, &format!("[data-testid=queue-state-{id}]"), |t| {
        t == "已作废"
    })
    .await;
    app.click(&format!("[data-testid=queue-open-{id}]")).await;
    app.element("[data-testid=item-voided]").await;
    let history = app.text_of("[data-testid=item-history]").await;
    for step in ["审核员修改", "院系 · 审核通过", "学校 · 审核通过", "作废"] {
        assert!(history.contains(step), "{step} missing from {history}");
    }
    let panels = gradsign_e2e::within(
        "look for decision panels",
        app.client
            .find_all(fantoccini::Locator::Css("[data-testid=decision-panel]")),
    )
    .await
    .unwrap();
    assert!(panels.is_empty(), "a voided record offers no decision");

    // The graduate's own page shows the reviewer's change, before and after, by the fields'
    // names (R-DEST-03), as the message about it says.
    sign_out(&app).await;
    sign_in(&app, &student_number(3)).await;
    // Signed in: the router has taken the graduate home; only then to the record.
    app.element("[data-testid=graduate-home]").await;
    gradsign_e2e::within(
        "open the graduate's record",
        app.client.execute(
            &format!("window.location.hash = '#/graduate/items/{id}'"),
            vec![],
        ),
    )
    .await
    .unwrap();
    let diff = app
        .wait_content("[data-testid=timeline] [data-testid=history-diff]", |t| {
            t.contains("清华大学")
        })
        .await;
    assert!(
        diff.contains("北京大学") && !diff.contains("school"),
        "the graduate's diff names the field: {diff}"
    );
    app.quit().await;
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn reviewer_batch_approves_twenty_items_with_progress_and_per_item_results() {
    let dir = tempfile::tempdir().unwrap();
    let school = School::create(dir.path(), 21).await;
    let mut ids = Vec::new();
    for n in 1..=21 {
        ids.push(school.submitted_destination(n).await);
    }
    let app = App::start_in(dir).await;

    sign_in(&app, DEP_REVIEWER).await;
    app.click("[data-testid=queue-tab-destination]").await;
    for id in &ids {
        app.element(&format!("[data-testid=queue-row-{id}]")).await;
    }
    app.click("[data-testid=queue-select-all]").await;
    wait_text(&app, "[data-testid=queue-selected]", |t| t == "已选 21 项").await;
    // Someone else decides on one of them after it was selected: its result says so.
    let taken = ids[4];
    let v = school
        .engine
        .item_detail(&school.admin, taken, now())
        .await
        .unwrap()
        .item
        .version;
    let other = school
        .engine
        .sign_in(DEP_REVIEWER, PASSWORD, now())
        .await
        .unwrap()
        .account
        .actor();
    school
        .engine
        .review(
            &other,
            taken,
            v,
            ReviewDecision::Approve {
                note: String::new(),
            },
            now(),
        )
        .await
        .unwrap();
    app.click("[data-testid=batch-approve]").await;
    app.click(".el-message-box__btns .el-button--primary").await;
    let summary = wait_text(&app, "[data-testid=batch-summary]", |t| !t.is_empty()).await;
    assert_eq!(summary, "完成：20 项通过，1 项未通过");
    wait_text(&app, "[data-testid=batch-count]", |t| t == "正在处理 21/21").await;
    let taken_result = app
        .text_of(&format!("[data-testid=batch-result-{taken}]"))
        .await;
    assert!(
        taken_result.contains("已"),
        "per-item result: {taken_result}"
    );
    assert_eq!(
        app.text_of(&format!("[data-testid=batch-result-{}]", ids[0]))
            .await,
        "已通过"
    );
    app.screenshot("reviewer-batch").await;

    // Every one of the 21 now awaits the school; none is left in the department's queue.
    for id in &ids {
        let d = school
            .engine
            .item_detail(&school.admin, *id, now())
            .await
            .unwrap();
        assert_eq!(d.item.state, "under_review");
        assert_eq!(d.item.awaiting_level, Some(gradsign_engine::Level::School));
    }
    let left = school
        .engine
        .review_queue(
            &other,
            &gradsign_engine::QueueQuery {
                kind: Some(ItemKind::Destination),
                awaiting_me: true,
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(left.rows.is_empty());
    app.quit().await;
}
