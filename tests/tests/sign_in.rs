//! Signing in on a school set up through the first-start screen.

use gradsign_e2e::App;

const ADMIN_LOGIN: &str = "admin";
const ADMIN_PASSWORD: &str = "Admin2026pass";

/// First start → "set up a school" → the sign-in screen.
async fn set_up_school(app: &App) {
    app.click("[data-testid=set-up-school]").await;
    for (field, value) in [
        ("name", "示范大学"),
        ("code", "10001"),
        ("contact", "就业指导中心 010-12345678"),
        ("departments", "计算机学院\n外国语学院"),
        ("adminName", "王老师"),
        ("adminLogin", ADMIN_LOGIN),
        ("adminPassword", ADMIN_PASSWORD),
    ] {
        app.type_into(&format!("[data-testid=setup-{field}]"), value)
            .await;
    }
    app.click("[data-testid=setup-submit]").await;
    app.text_of("[data-testid=sign-in] h1").await;
}

/// Types the password (and the login, when given) and submits. The login stays typed after a
/// failed attempt, as for a person retrying.
async fn sign_in(app: &App, login: Option<&str>, password: &str) {
    if let Some(login) = login {
        app.type_into("[data-testid=username]", login).await;
    }
    app.type_into("[data-testid=password]", password).await;
    app.click("[data-testid=sign-in-submit]").await;
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn a_wrong_password_shows_the_engines_message_then_the_right_one_signs_in() {
    let app = App::start().await;
    set_up_school(&app).await;

    sign_in(&app, Some(ADMIN_LOGIN), "wrong-password-1").await;
    let error = app.text_of("[data-testid=sign-in-error]").await;
    assert!(error.contains("登录名或密码错误"), "shown: {error}");
    app.screenshot("graduate-sign-in-error").await;

    sign_in(&app, None, ADMIN_PASSWORD).await;
    let who = app.text_of("[data-testid=signed-in-as]").await;
    // The admin lands in the workspace, which names the person and the role.
    assert_eq!(who, "王老师（学校管理员）");
    app.quit().await;
}
