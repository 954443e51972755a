//! The app on an empty data folder: the first-start choice.

use gradsign_e2e::App;

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn first_start_offers_the_demo_school_or_a_school_set_up() {
    let app = App::start().await;
    let heading = app.text_of("[data-testid=first-start] h1").await;
    assert_eq!(heading, "欢迎使用毕业去向登记与网上签约");
    let demo = app.text_of("[data-testid=explore-demo]").await;
    assert_eq!(demo, "进入示范学校");
    let setup = app.text_of("[data-testid=set-up-school]").await;
    assert_eq!(setup, "开始设置");
    app.screenshot("graduate-first-start").await;
    app.quit().await;
}
