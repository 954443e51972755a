//! Termination from the employer's side in the real window (R-TERM): the employer asks and the
//! graduate refuses, the request shows as refused and the agreement stays signed; then the
//! graduate asks, the employer agrees on its screen, both reviewers approve, and the employer
//! sees the agreement terminated.

mod reviewer_fixture;

use gradsign_e2e::App;
use gradsign_engine::ItemKind;
use reviewer_fixture::*;

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn employer_asks_graduate_refuses_then_graduate_asks_employer_agrees_and_it_terminates() {
    let dir = tempfile::tempdir().unwrap();
    let school = School::create(dir.path(), 1).await;
    let agreement = school.signed_agreement(1).await;
    let app = App::start_in(dir).await;

    // The employer asks, with a reason from the list and an explanation.
    sign_in(&app, EMPLOYER).await;
    app.click(&format!("[data-testid=employer-open-{agreement}]"))
        .await;
    choose_option(
        &app,
        "[data-testid=termination-reason]",
        "li.el-select-dropdown__item:nth-child(6)",
    )
    .await;
    app.type_into(
        "[data-testid=termination-explanation]",
        "项目取消，岗位不再保留。",
    )
    .await;
    app.click("[data-testid=termination-submit]").await;
    // The click returns before the command has finished: wait for the engine to hold it.
    let started = std::time::Instant::now();
    let requests = loop {
        let found = school
            .engine
            .list_items(school.g(1), Some(ItemKind::Termination), None)
            .await
            .unwrap();
        if !found.is_empty() || started.elapsed() > gradsign_e2e::SCREEN_TIMEOUT {
            break found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(requests.len(), 1);
    let first = requests[0].id;
    assert_eq!(requests[0].state, "awaiting_counterparty");
    assert_eq!(
        requests[0].payload["reason"],
        "用人单位原因（岗位取消、经营变化等）"
    );
    app.element(&format!("[data-testid=employer-request-{first}]"))
        .await;

    // The graduate refuses: the request shows refused, the agreement stays signed.
    school
        .engine
        .answer_termination(school.g(1), first, false, now())
        .await
        .unwrap();
    app.click(&format!("[data-testid=employer-request-{first}]"))
        .await;
    wait_text(&app, "[data-testid=employer-item-state]", |t| {
        t == "对方不同意"
    })
    .await;

    // The graduate asks; the employer agrees on its screen; both reviewers approve.
    let second = school
        .engine
        .request_termination(
            school.g(1),
            agreement,
            "毕业生升学（考取研究生/专升本）",
            "",
            now(),
        )
        .await
        .unwrap();
    app.click("[data-testid=nav-home]").await;
    app.click(&format!("[data-testid=employer-open-{second}]"))
        .await;
    app.click("[data-testid=employer-accept-termination]").await;
    wait_text(&app, "[data-testid=employer-item-state]", |t| t == "审核中").await;
    app.screenshot("employer-termination").await;
    for login in [DEP_REVIEWER, SCHOOL_REVIEWER] {
        school
            .approve(&actor_of(&school, login).await, second)
            .await;
    }
    app.click("[data-testid=nav-home]").await;
    wait_text(
        &app,
        &format!("[data-testid=employer-state-{agreement}]"),
        |t| t == "已解约",
    )
    .await;
    assert_eq!(school.state(agreement).await, "terminated");
    app.quit().await;
}
