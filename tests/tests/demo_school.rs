//! The demo school from the first-start screen, a graduate's sign-in, and "remember me" through
//! the real keychain (gnome-keyring on the test's own D-Bus session) across restarts.

use std::time::Duration;

use gradsign_e2e::App;

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn demo_school_then_a_remembered_graduate_session_survives_a_restart() {
    let app = App::start().await;
    app.click("[data-testid=explore-demo]").await;
    app.element_within("[data-testid=demo-accounts]", Duration::from_secs(180))
        .await;
    app.screenshot("graduate-demo-accounts").await;

    // The demo's first graduate (engine: crates/engine/src/demo.rs, DEMO_PASSWORD).
    app.type_into("[data-testid=username]", "2026000001").await;
    app.type_into("[data-testid=password]", "demo2026").await;
    app.click("[data-testid=remember]").await;
    app.click("[data-testid=sign-in-submit]").await;
    let who = app.text_of("[data-testid=signed-in-as]").await;
    assert!(who.starts_with("已登录："), "shown: {who}");
    app.screenshot("graduate-home").await;

    // Restart on the same database: the remembered session signs in by itself.
    let data_dir = app.quit().await;
    let app = App::start_in(data_dir).await;
    assert_eq!(app.text_of("[data-testid=signed-in-as]").await, who);

    // Sign out forgets it: the next start asks to sign in.
    app.click("[data-testid=sign-out]").await;
    app.text_of("[data-testid=sign-in] h1").await;
    let data_dir = app.quit().await;
    let app = App::start_in(data_dir).await;
    assert_eq!(app.text_of("[data-testid=sign-in] h1").await, "登录");
    app.quit().await;
}
