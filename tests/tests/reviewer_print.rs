//! Agreements leave the app as PDFs through the native save dialog, for the employer (its own
//! agreement) and for the school reviewer (the filtered list of signed agreements as one PDF):
//! the files are read back with poppler's pdftotext.

mod reviewer_fixture;

use gradsign_e2e::{answer_save_dialog, App};
use reviewer_fixture::*;

fn pdf_text(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(path)
        .arg("-")
        .output()
        .expect("run pdftotext (poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn wait_for_file(path: &std::path::Path) {
    let started = std::time::Instant::now();
    while std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) == 0 {
        assert!(
            started.elapsed() < gradsign_e2e::SCREEN_TIMEOUT,
            "nothing saved at {}",
            path.display()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
#[ignore = "starts the desktop app: run through scripts/e2e.sh"]
async fn the_employer_saves_its_agreement_and_the_school_reviewer_prints_the_signed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let school = School::create(dir.path(), 2).await;
    let first = school.signed_agreement(1).await;
    let second = school.signed_agreement(2).await;
    let number = |id: i64| {
        let engine = &school.engine;
        let admin = &school.admin;
        async move {
            engine
                .item_detail(admin, id, now())
                .await
                .unwrap()
                .item
                .agreement_number
                .expect("signed: it has a number")
        }
    };
    let (n1, n2) = (number(first).await, number(second).await);
    let app = App::start_in(dir).await;

    // The employer saves its first agreement.
    sign_in(&app, EMPLOYER).await;
    app.click(&format!("[data-testid=employer-open-{first}]"))
        .await;
    app.click("[data-testid=employer-save-pdf]").await;
    let saved = out.path().join("employer-agreement.pdf");
    answer_save_dialog("保存电子就业协议书", &saved).await;
    wait_for_file(&saved).await;
    let text = pdf_text(&saved);
    assert!(text.contains(&n1), "the saved PDF is agreement {n1}");
    assert!(!text.contains(&n2), "and only that one");
    sign_out(&app).await;

    // The school reviewer prints every signed agreement in scope as one PDF.
    sign_in(&app, SCHOOL_REVIEWER).await;
    app.click("[data-testid=queue-all]").await;
    app.click("[data-testid=queue-search]").await;
    app.element(&format!("[data-testid=queue-row-{second}]"))
        .await;
    app.click("[data-testid=print-agreements]").await;
    let printed = out.path().join("signed-agreements.pdf");
    answer_save_dialog("保存协议打印件", &printed).await;
    wait_for_file(&printed).await;
    let text = pdf_text(&printed);
    assert!(
        text.contains(&n1) && text.contains(&n2),
        "both agreements: {n1}, {n2}"
    );
    // The message counts them (the employer's earlier "saved" message may still be showing).
    wait_text(&app, "body", |t| t.contains("已保存 2 份协议")).await;
    app.quit().await;
}
