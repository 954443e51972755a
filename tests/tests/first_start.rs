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

/// R-DESK-02 and R-DESK-01: a second launch on the same data folder asks the first to show its
/// window and ends (status 0) while the first goes on; the first's log file, in the folder's
/// `logs/`, records its start and the second launch.
#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn r_desk_02_a_second_launch_on_the_folder_shows_the_first_window_and_ends() {
    use std::time::{Duration, Instant};
    let app = App::start().await;
    app.element("[data-testid=first-start]").await;
    let bin = std::env::var("GRADSIGN_APP_BIN").expect("GRADSIGN_APP_BIN (scripts/e2e.sh)");
    let mut second = std::process::Command::new(bin)
        .arg("--data-dir")
        .arg(app.data_dir.path())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = second.kill();
            panic!("the second launch did not end");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "the second launch ends with 0: {status}");
    let log = app.data_dir.path().join("logs").join("gradsign.log");
    let started = Instant::now();
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("a second launch on this data folder") {
            assert!(text.contains("started"), "{text}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the first app did not hear the second launch: {text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The first window goes on.
    app.element("[data-testid=explore-demo]").await;
    app.quit().await;
}
