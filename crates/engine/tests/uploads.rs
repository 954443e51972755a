//! Uploaded files in the database (R-UPLOAD-02), an earlier version's files folder copied in at
//! open, and staged uploads (R-UPLOAD-03), on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use gradsign_engine::files::{MAX_STAGED_PER_ACCOUNT, MAX_UPLOAD_BYTES, STAGED_UPLOAD_SECONDS};
use gradsign_engine::*;
use sqlx::Row;

fn png() -> Vec<u8> {
    gradsign_engine::demo::BLANK_PNG.to_vec()
}

/// A small PNG of its own colour, so its compressed copy is a file of its own.
fn coloured_png(r: u8) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(8, 8, image::Rgb([r, 40, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn inline(name: &str) -> Upload {
    Upload::Bytes {
        name: name.into(),
        bytes: png(),
    }
}

fn staged(name: &str, s: &StagedUpload) -> Upload {
    Upload::Staged {
        name: name.into(),
        id: s.id.clone(),
    }
}

fn paper() -> PaperInput {
    PaperInput {
        employer: employer_details(9),
        terms: terms(),
    }
}

/// Graduate `n` signed in: activated, so the actor has an account (staging needs one).
async fn signed_in_graduate(w: &World, n: u32) -> Actor {
    w.confirm(n).await;
    w.engine
        .activate_graduate(
            &format!("2026{n:05}"),
            &id_for(n, n.is_multiple_of(2)),
            "pass12345",
            w.t0,
        )
        .await
        .unwrap()
        .account
        .actor()
}

async fn exec(engine: &Engine, sql: &str, bind: Option<&str>) {
    let mut c = engine.store().read().await.unwrap();
    let q = sqlx::query(sql);
    let q = match bind {
        Some(b) => q.bind(b.to_string()),
        None => q,
    };
    q.execute(&mut *c).await.unwrap();
}

fn upload_problems(r: &gradsign_engine::check::CheckReport) -> Vec<&String> {
    r.problems
        .iter()
        .filter(|p| p.starts_with("R-UPLOAD-02"))
        .collect()
}

async fn r_upload_02_an_earlier_versions_files_folder_is_copied_in_at_open(w: World) {
    w.confirm(1).await;
    let id = w
        .engine
        .create_paper(w.g(1), &paper(), &[inline("第1页.png")], w.t0)
        .await
        .unwrap();
    let profile = w
        .engine
        .replace_employer_licence(
            &w.employers[0],
            &Upload::Bytes {
                name: "执照.png".into(),
                bytes: coloured_png(200),
            },
            w.t0,
        )
        .await
        .unwrap();
    let licence = profile.licence.unwrap();
    let d = w.engine.item_detail(w.g(1), id, w.t0).await.unwrap();
    let scan = &d.item.payload["scans"][0];
    let (scan_hash, scan_thumb) = (
        scan["hash"].as_str().unwrap().to_string(),
        scan["thumbnail"].as_str().unwrap().to_string(),
    );
    let licence_thumb = licence.thumbnail.clone().unwrap();
    assert_ne!(licence_thumb, scan_thumb, "four files of their own");
    let scan_bytes = stored_file(&w.engine, &scan_hash).await.unwrap();

    // The database as an earlier version left it: the bytes in the folder (`<2 hex>/<hash>`),
    // `files` rows without bytes, thumbnails without a row, nothing copied yet.
    let folder = w.engine.files_dir().to_path_buf();
    for h in [&scan_hash, &scan_thumb, &licence.hash, &licence_thumb] {
        let bytes = stored_file(&w.engine, h).await.unwrap();
        std::fs::create_dir_all(folder.join(&h[..2])).unwrap();
        std::fs::write(folder.join(&h[..2]).join(h), bytes).unwrap();
    }
    exec(&w.engine, "UPDATE files SET data = NULL", None).await;
    for h in [&scan_thumb, &licence_thumb] {
        exec(&w.engine, "DELETE FROM files WHERE hash = $1", Some(h)).await;
    }
    exec(
        &w.engine,
        "DELETE FROM settings WHERE key = 'files_folder_imported'",
        None,
    )
    .await;
    assert_eq!(
        w.engine
            .item_file(w.g(1), id, &scan_hash, w.t0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound,
        "the bytes are not in the database yet"
    );
    // One file was lost from the folder: reported, not a failed open.
    std::fs::remove_file(folder.join(&licence_thumb[..2]).join(&licence_thumb)).unwrap();

    let reopened = Engine::open(&w.db, &folder).await.unwrap();
    assert_eq!(
        reopened
            .item_file(w.g(1), id, &scan_hash, w.t0)
            .await
            .unwrap(),
        scan_bytes,
        "the scan downloads from the database"
    );
    assert!(reopened
        .item_file(w.g(1), id, &scan_thumb, w.t0)
        .await
        .unwrap()
        .starts_with(&[0xFF, 0xD8]));
    assert!(reopened
        .employer_licence(&w.employers[0], None)
        .await
        .unwrap()
        .starts_with(&[0xFF, 0xD8]));
    let report = reopened.check(&Actor::system(), None).await.unwrap();
    let problems = upload_problems(&report);
    assert_eq!(problems.len(), 1, "{:?}", report.problems);
    assert!(
        problems[0].contains(&licence_thumb) && problems[0].contains("employer"),
        "{}",
        problems[0]
    );
    // A damaged file (bytes that do not match its hash) is never stored as the file: still
    // reported at the next open.
    std::fs::write(
        folder.join(&licence_thumb[..2]).join(&licence_thumb),
        b"damaged",
    )
    .unwrap();
    let again = Engine::open(&w.db, &folder).await.unwrap();
    let report = again.check(&Actor::system(), None).await.unwrap();
    assert_eq!(upload_problems(&report).len(), 1, "{:?}", report.problems);
    assert!(stored_file(&again, &licence_thumb).await.is_none());
}

async fn r_upload_02_a_lost_folder_file_comes_back_at_the_next_open(w: World) {
    w.confirm(1).await;
    let id = w
        .engine
        .create_paper(w.g(1), &paper(), &[inline("第1页.png")], w.t0)
        .await
        .unwrap();
    let d = w.engine.item_detail(w.g(1), id, w.t0).await.unwrap();
    let hash = d.item.payload["scans"][0]["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let bytes = stored_file(&w.engine, &hash).await.unwrap();
    exec(
        &w.engine,
        "UPDATE files SET data = NULL WHERE hash = $1",
        Some(&hash),
    )
    .await;
    exec(
        &w.engine,
        "DELETE FROM settings WHERE key = 'files_folder_imported'",
        None,
    )
    .await;
    let folder = w.engine.files_dir().to_path_buf();
    let first = Engine::open(&w.db, &folder).await.unwrap();
    let report = first.check(&Actor::system(), None).await.unwrap();
    assert_eq!(upload_problems(&report).len(), 1, "{:?}", report.problems);
    std::fs::create_dir_all(folder.join(&hash[..2])).unwrap();
    std::fs::write(folder.join(&hash[..2]).join(&hash), &bytes).unwrap();
    let second = Engine::open(&w.db, &folder).await.unwrap();
    assert_eq!(
        second.item_file(w.g(1), id, &hash, w.t0).await.unwrap(),
        bytes
    );
    let report = second.check(&Actor::system(), None).await.unwrap();
    assert!(report.ok(), "{:?}", report.problems);
}

async fn r_upload_03_a_staged_upload_is_used_once_by_its_own_account(w: World) {
    let g1 = signed_in_graduate(&w, 1).await;
    let g2 = signed_in_graduate(&w, 2).await;
    let s = w
        .engine
        .stage_upload(&g1, "第1页.png", &png(), w.t0)
        .await
        .unwrap();
    assert_eq!(s.size, png().len() as u64);
    assert_eq!(s.id.len(), 64, "256 random bits");
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["id"], s.id.as_str());
    assert_eq!(json["size"], png().len());

    // Another account's id, an unknown id: refused naming the field, nothing changed.
    let before = w.digest().await;
    let e = w
        .engine
        .create_paper(&g2, &paper(), &[staged("p.png", &s)], w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(e.details["field"], "scans[0].uploadId");
    let e = w
        .engine
        .create_paper(
            &g1,
            &paper(),
            &[
                inline("p1.png"),
                Upload::Staged {
                    name: "p2.png".into(),
                    id: "0".repeat(64),
                },
            ],
            w.t0,
        )
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "scans[1].uploadId");
    assert_eq!(w.digest().await, before);

    // Its own account uses it; the record shows the name the request gives.
    let id = w
        .engine
        .create_paper(&g1, &paper(), &[staged("合同第1页.png", &s)], w.t0 + 60)
        .await
        .unwrap();
    let d = w.engine.item_detail(&g1, id, w.t0).await.unwrap();
    let scan = &d.item.payload["scans"][0];
    assert_eq!(scan["name"], "合同第1页.png");
    assert_eq!(scan["original_size"], png().len());
    let hash = scan["hash"].as_str().unwrap();
    let bytes = w.engine.item_file(&g1, id, hash, w.t0).await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "R-SCAN-01: JPEG");
    assert_eq!(stored_counts(&w.engine).await.1, 0, "used up");

    // Once: the same id again is refused.
    let before = w.digest().await;
    let e = w
        .engine
        .edit_paper(
            &g1,
            id,
            &paper(),
            Some(&[staged("p.png", &s)][..]),
            w.t0 + 120,
        )
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "scans[0].uploadId");
    assert_eq!(w.digest().await, before);
}

async fn r_upload_03_a_refused_action_keeps_the_staged_upload(w: World) {
    let g1 = signed_in_graduate(&w, 1).await;
    let s = w
        .engine
        .stage_upload(&g1, "第1页.png", &png(), w.t0)
        .await
        .unwrap();
    w.engine
        .set_module(&w.admin, 2026, false, w.t0)
        .await
        .unwrap();
    let before = stored_counts(&w.engine).await;
    assert_eq!(
        w.engine
            .create_paper(&g1, &paper(), &[staged("p.png", &s)], w.t0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::ModuleClosed
    );
    assert_eq!(
        stored_counts(&w.engine).await,
        before,
        "no file stored, the staged upload still there"
    );
    w.engine
        .set_module(&w.admin, 2026, true, w.t0)
        .await
        .unwrap();
    w.engine
        .create_paper(&g1, &paper(), &[staged("p.png", &s)], w.t0)
        .await
        .unwrap();
}

async fn r_upload_03_two_actions_racing_for_one_staged_upload_one_wins(w: World) {
    let g1 = signed_in_graduate(&w, 1).await;
    let s = w
        .engine
        .stage_upload(&g1, "第1页.png", &png(), w.t0)
        .await
        .unwrap();
    let paper = paper();
    let a = [staged("a.png", &s)];
    let b = [staged("b.png", &s)];
    let (x, y) = tokio::join!(
        w.engine.create_paper(&g1, &paper, &a, w.t0),
        w.engine.create_paper(&g1, &paper, &b, w.t0),
    );
    assert!(x.is_ok() != y.is_ok(), "exactly one: {x:?} {y:?}");
    let e = x.err().or(y.err()).unwrap();
    assert_eq!(e.code, ErrorCode::Validation);
    assert!(
        e.details["field"]
            .as_str()
            .unwrap()
            .ends_with("[0].uploadId"),
        "{}",
        e.details
    );
}

async fn r_upload_03_staged_uploads_expire_and_are_pruned(w: World) {
    let g1 = signed_in_graduate(&w, 1).await;
    let s = w
        .engine
        .stage_upload(&g1, "第1页.png", &png(), w.t0)
        .await
        .unwrap();
    let expiry = w.t0 + STAGED_UPLOAD_SECONDS;
    let e = w
        .engine
        .create_paper(&g1, &paper(), &[staged("p.png", &s)], expiry)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "scans[0].uploadId");
    assert_eq!(
        stored_counts(&w.engine).await.1,
        1,
        "expired, not yet pruned"
    );
    w.engine.sweep(&Actor::system(), expiry).await.unwrap();
    assert_eq!(stored_counts(&w.engine).await.1, 0, "the sweep prunes it");
    // Staging prunes too: one expired, one fresh.
    w.engine
        .stage_upload(&g1, "a.png", &png(), w.t0)
        .await
        .unwrap();
    w.engine
        .stage_upload(&g1, "b.png", &png(), expiry)
        .await
        .unwrap();
    assert_eq!(stored_counts(&w.engine).await.1, 1);
}

async fn r_upload_03_staging_checks_the_file_the_account_and_the_quota(w: World) {
    let g1 = signed_in_graduate(&w, 1).await;
    assert_eq!(
        w.engine
            .stage_upload(&Actor::system(), "a.png", &png(), w.t0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden,
        "staging needs a signed-in account"
    );
    let e = w
        .engine
        .stage_upload(&g1, "协议.jpg", b"not an image", w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(e.details["field"], "file");
    assert_eq!(e.details["scan_error"], "scan.not_an_image");
    assert!(e.message.zh.contains("协议.jpg"), "{}", e.message.zh);
    // R-UPLOAD-01: at most 20 MB, refused before anything is decoded.
    let mut big = png();
    big.resize(MAX_UPLOAD_BYTES + 1, 0);
    let e = w
        .engine
        .stage_upload(&g1, "big.png", &big, w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["scan_error"], "scan.too_many_bytes");
    assert_eq!(stored_counts(&w.engine).await.1, 0);
    for i in 0..MAX_STAGED_PER_ACCOUNT {
        w.engine
            .stage_upload(&g1, &format!("{i}.png"), &png(), w.t0)
            .await
            .unwrap();
    }
    let e = w
        .engine
        .stage_upload(&g1, "one-more.png", &png(), w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "file");
    assert_eq!(
        stored_counts(&w.engine).await.1,
        MAX_STAGED_PER_ACCOUNT,
        "the quota holds"
    );
}

async fn r_upload_03_an_employer_stages_its_licence_but_signing_up_cannot(w: World) {
    let employer = &w.employers[0];
    let s = w
        .engine
        .stage_upload(employer, "执照.png", &png(), w.t0)
        .await
        .unwrap();
    let profile = w
        .engine
        .replace_employer_licence(employer, &staged("营业执照.png", &s), w.t0)
        .await
        .unwrap();
    assert_eq!(profile.licence.unwrap().name, "营业执照.png");
    assert!(w
        .engine
        .employer_licence(employer, None)
        .await
        .unwrap()
        .starts_with(&[0xFF, 0xD8]));
    let e = w
        .engine
        .replace_employer_licence(employer, &staged("again.png", &s), w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "licence.uploadId");
    // Signing up has no account to have staged it.
    let s = w
        .engine
        .stage_upload(employer, "执照.png", &png(), w.t0)
        .await
        .unwrap();
    let e = w
        .engine
        .employer_sign_up_with_licence(
            &EmployerSignUp {
                details: employer_details(7),
                login: "employer7".into(),
                password: "employer123".into(),
                display_name: "张经理".into(),
            },
            &staged("执照.png", &s),
            w.t0,
        )
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "licence.uploadId");
    let mut c = w.engine.store().read().await.unwrap();
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM employers")
        .fetch_one(&mut *c)
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(n, 2, "nobody signed up");
}

async fn r_upload_02_a_file_staged_through_one_engine_downloads_through_another(w: World) {
    // Two servers on one database, with no shared folder.
    let elsewhere = tempfile::tempdir().unwrap();
    let other = Engine::open(&w.db, elsewhere.path()).await.unwrap();
    let g1 = signed_in_graduate(&w, 1).await;
    let s = w
        .engine
        .stage_upload(&g1, "第1页.png", &png(), w.t0)
        .await
        .unwrap();
    let id = other
        .create_paper(&g1, &paper(), &[staged("第1页.png", &s)], w.t0)
        .await
        .unwrap();
    let d = w.engine.item_detail(&g1, id, w.t0).await.unwrap();
    let hash = d.item.payload["scans"][0]["hash"].as_str().unwrap();
    assert_eq!(
        w.engine.item_file(&g1, id, hash, w.t0).await.unwrap(),
        other.item_file(&g1, id, hash, w.t0).await.unwrap()
    );
    assert_eq!(
        std::fs::read_dir(elsewhere.path()).unwrap().count(),
        0,
        "nothing written to a folder"
    );
}

on_both_backends!(
    r_upload_02_a_file_staged_through_one_engine_downloads_through_another,
    r_upload_02_an_earlier_versions_files_folder_is_copied_in_at_open,
    r_upload_02_a_lost_folder_file_comes_back_at_the_next_open,
    r_upload_03_a_staged_upload_is_used_once_by_its_own_account,
    r_upload_03_a_refused_action_keeps_the_staged_upload,
    r_upload_03_two_actions_racing_for_one_staged_upload_one_wins,
    r_upload_03_staged_uploads_expire_and_are_pruned,
    r_upload_03_staging_checks_the_file_the_account_and_the_quota,
    r_upload_03_an_employer_stages_its_licence_but_signing_up_cannot,
);

/// A SQLite backup (`VACUUM INTO`, as `gradsign backup` makes) holds the files: the copy opened
/// beside an empty folder serves the scan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_upload_02_a_backup_holds_the_files() {
    let w = World::new(Backend::Sqlite).await;
    w.confirm(1).await;
    let id = w
        .engine
        .create_paper(w.g(1), &paper(), &[inline("第1页.png")], w.t0)
        .await
        .unwrap();
    let d = w.engine.item_detail(w.g(1), id, w.t0).await.unwrap();
    let hash = d.item.payload["scans"][0]["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.sqlite3");
    w.engine.store().vacuum_into(&copy).await.unwrap();
    let restored = Engine::open(copy.to_str().unwrap(), dir.path().join("no-folder"))
        .await
        .unwrap();
    assert_eq!(
        restored.item_file(w.g(1), id, &hash, w.t0).await.unwrap(),
        w.engine.item_file(w.g(1), id, &hash, w.t0).await.unwrap()
    );
    assert!(restored.check(&Actor::system(), None).await.unwrap().ok());
}
