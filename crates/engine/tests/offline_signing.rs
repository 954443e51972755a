//! Offline signing 申请就业协议线下签约 (R-OFFSIGN-01..08), on SQLite and PostgreSQL (and over
//! HTTP: crates/server/tests/rules_over_http.rs runs these bodies a third time). The printed
//! pages are the real PDF rendered by the engine and rasterised by pdftoppm, as a phone or a
//! scanner would hand them back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use gradsign_documents::AgreementState;
use gradsign_engine::*;

fn code(r: Result<impl std::fmt::Debug>) -> ErrorCode {
    match r {
        Ok(v) => panic!("expected a refusal, got Ok({v:?})"),
        Err(e) => e.code,
    }
}

fn application(n: u32) -> OfflineSigningInput {
    PaperInput {
        employer: employer_details(50 + n),
        terms: terms(),
    }
}

fn fonts() -> &'static gradsign_documents::Fonts {
    gradsign_documents::Fonts::system_shared().expect("the system's Noto CJK fonts")
}

/// Every page of a PDF as a PNG at 150 dpi (pdftoppm, as the verify screen's photos are made).
fn page_images(pdf: &[u8]) -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", "150", "-png"])
        .arg(&path)
        .arg(dir.path().join("p"))
        .status()
        .expect("pdftoppm (poppler-utils, installed by scripts/setup.sh)");
    assert!(out.success());
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    names.sort();
    names.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn page_upload(name: &str, bytes: Vec<u8>) -> Upload {
    Upload::Bytes {
        name: name.into(),
        bytes,
    }
}

fn blank_page() -> Upload {
    page_upload("无二维码.png", gradsign_engine::demo::BLANK_PNG.to_vec())
}

async fn pdf_of(w: &World, actor: &Actor, id: i64) -> Vec<u8> {
    w.engine
        .agreement_pdf(actor, id, fonts(), w.t0)
        .await
        .unwrap()
}

/// Graduate `n` applies and both levels approve: the agreement is issued to print.
async fn issued(w: &World, n: u32) -> i64 {
    let id = w
        .engine
        .apply_offline_signing(w.g(n), &application(n), w.t0)
        .await
        .unwrap();
    w.approve_all(n, id, w.t0 + 10).await;
    assert_eq!(w.state(id).await, "approved_for_print");
    id
}

/// An issued agreement with its stamped pages uploaded (photos of its own print copy).
async fn stamped(w: &World, n: u32) -> i64 {
    let id = issued(w, n).await;
    let pages = page_images(&pdf_of(w, w.g(n), id).await);
    let uploads: Vec<Upload> = pages
        .into_iter()
        .enumerate()
        .map(|(i, b)| page_upload(&format!("第{}页.png", i + 1), b))
        .collect();
    w.engine
        .upload_stamped_pages(w.g(n), id, &uploads, w.t0 + 20)
        .await
        .unwrap();
    id
}

// ---------------------------------------------------------------- R-OFFSIGN-01

async fn r_offsign_01_apply_refused_for_directed_and_while_another_is_pending(w: World) {
    assert_eq!(
        code(
            w.engine
                .apply_offline_signing(w.g(1), &application(1), w.t0)
                .await
        ),
        ErrorCode::InfoNotConfirmed
    );
    for n in 1..=5 {
        w.confirm(n).await;
    }
    let before = w.digest().await;
    // R-DEST-05: 定向/委培 graduates register their directed destination instead.
    assert_eq!(
        code(
            w.engine
                .apply_offline_signing(w.g(4), &application(4), w.t0)
                .await
        ),
        ErrorCode::DirectedGraduate
    );
    let mut bad = application(1);
    bad.employer.credit_code = "91110108MA01ABCDE0".into();
    let e = w
        .engine
        .apply_offline_signing(w.g(1), &bad, w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "credit_code");
    assert_eq!(w.digest().await, before, "refusals change nothing");
    // An accepted online agreement under review is pending (R-ONE-01).
    let inv = w.invite(0, 2, w.t0).await.unwrap();
    w.engine
        .accept_invitation(w.g(2), inv, w.t0 + 1)
        .await
        .unwrap();
    let after_accept = w.digest().await;
    assert_eq!(
        code(
            w.engine
                .apply_offline_signing(w.g(2), &application(2), w.t0 + 2)
                .await
        ),
        ErrorCode::OneDestination
    );
    assert_eq!(w.digest().await, after_accept, "a refusal changes nothing");
    // The application is pending from submission: nothing else may start.
    let id = w
        .engine
        .apply_offline_signing(w.g(1), &application(1), w.t0 + 3)
        .await
        .unwrap();
    let d = w.engine.item_detail(w.g(1), id, w.t0).await.unwrap();
    assert_eq!(
        (
            d.item.kind,
            d.item.state.as_str(),
            d.item.dest_code.as_str()
        ),
        (ItemKind::OfflineSigning, "submitted", "10")
    );
    assert_eq!(d.item.payload["employer"]["name"], "北京测试科技有限公司51");
    let e = w
        .engine
        .apply_offline_signing(w.g(1), &application(1), w.t0 + 4)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::OneDestination);
    assert_eq!(e.details["active"], "offline_agreement");
    let inv1 = w.invite(0, 1, w.t0 + 5).await.unwrap();
    assert_eq!(
        code(w.engine.accept_invitation(w.g(1), inv1, w.t0 + 6).await),
        ErrorCode::OneDestination
    );
    let p = w
        .engine
        .create_paper(
            w.g(1),
            &PaperInput {
                employer: employer_details(9),
                terms: terms(),
            },
            &[blank_page()],
            w.t0 + 7,
        )
        .await
        .unwrap();
    assert_eq!(
        code(w.engine.submit_registration(w.g(1), p, w.t0 + 8).await),
        ErrorCode::OneDestination
    );
    // A returned application is still the graduate's one pending destination.
    let r = w
        .engine
        .apply_offline_signing(w.g(5), &application(5), w.t0)
        .await
        .unwrap();
    let v = w.version(r).await;
    w.engine
        .review(
            &w.dep_rev_b,
            r,
            v,
            ReviewDecision::Return {
                reason: "单位信息不完整".into(),
            },
            w.t0 + 1,
        )
        .await
        .unwrap();
    assert_eq!(w.state(r).await, "returned");
    let inv5 = w.invite(1, 5, w.t0 + 2).await.unwrap();
    assert_eq!(
        code(w.engine.accept_invitation(w.g(5), inv5, w.t0 + 3).await),
        ErrorCode::OneDestination
    );
}

async fn r_offsign_01_withdrawn_application_meets_an_invitation_accepted_meanwhile(w: World) {
    w.confirm(3).await;
    let id = w
        .engine
        .apply_offline_signing(w.g(3), &application(3), w.t0)
        .await
        .unwrap();
    w.engine
        .withdraw_offline_signing(w.g(3), id, w.t0 + 1)
        .await
        .unwrap();
    assert_eq!(w.state(id).await, "withdrawn");
    // Withdrawn is not pending: the graduate accepts an online invitation meanwhile …
    let inv = w.invite(0, 3, w.t0 + 2).await.unwrap();
    w.engine
        .accept_invitation(w.g(3), inv, w.t0 + 3)
        .await
        .unwrap();
    // … and the withdrawn application cannot come back while that agreement is pending.
    let mut edited = application(3);
    edited.terms.salary = "月薪16000元".into();
    w.engine
        .edit_offline_signing(w.g(3), id, &edited, w.t0 + 4)
        .await
        .unwrap();
    let before = w.digest().await;
    let e = w
        .engine
        .submit_offline_signing(w.g(3), id, w.t0 + 5)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::OneDestination);
    assert_eq!(e.details["active"], "online_agreement");
    assert_eq!(w.digest().await, before);
    let d = w.engine.item_detail(w.g(3), id, w.t0).await.unwrap();
    assert!(
        d.blocked_reason.is_some(),
        "the screen says why it cannot submit"
    );
    assert_eq!(d.item.payload["terms"]["salary"], "月薪16000元");
    // Once the online agreement fails review, the application goes in again.
    let v = w.version(inv).await;
    w.engine
        .review(
            &w.dep_rev_a,
            inv,
            v,
            ReviewDecision::Reject {
                reason: "材料不清晰或不完整".into(),
            },
            w.t0 + 6,
        )
        .await
        .unwrap();
    w.engine
        .submit_offline_signing(w.g(3), id, w.t0 + 7)
        .await
        .unwrap();
    assert_eq!(w.state(id).await, "submitted");
}

// ---------------------------------------------------------------- R-OFFSIGN-02

async fn r_offsign_02_each_level_approves_returns_or_rejects(w: World) {
    w.confirm(1).await;
    let id = w
        .engine
        .apply_offline_signing(w.g(1), &application(1), w.t0)
        .await
        .unwrap();
    // The other department's reviewer and the school (before the department) may not decide.
    let v = w.version(id).await;
    let approve = ReviewDecision::Approve {
        note: String::new(),
    };
    assert_eq!(
        code(
            w.engine
                .review(&w.dep_rev_b, id, v, approve.clone(), w.t0)
                .await
        ),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(
            w.engine
                .review(&w.school_rev, id, v, approve.clone(), w.t0)
                .await
        ),
        ErrorCode::Forbidden
    );
    // A return needs its reason.
    let e = w
        .engine
        .review(
            &w.dep_rev_a,
            id,
            v,
            ReviewDecision::Return {
                reason: "  ".into(),
            },
            w.t0,
        )
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "reason");
    w.approve(&w.dep_rev_a, id, w.t0 + 1).await.unwrap();
    let d = w.engine.item_detail(&w.admin, id, w.t0).await.unwrap();
    assert_eq!((d.item.state.as_str(), d.item.step), ("under_review", 1));
    assert_eq!(d.item.awaiting_level, Some(Level::School));
    // R-REV-02: a decision on the version seen before is "already reviewed".
    assert_eq!(
        code(
            w.engine
                .review(&w.school_rev, id, v, approve.clone(), w.t0 + 2)
                .await
        ),
        ErrorCode::AlreadyReviewed
    );
    // Withdrawal is over once a reviewer has acted.
    assert_eq!(
        code(
            w.engine
                .withdraw_offline_signing(w.g(1), id, w.t0 + 2)
                .await
        ),
        ErrorCode::InvalidState
    );
    // Returned at the school level …
    let v = w.version(id).await;
    w.engine
        .review(
            &w.school_rev,
            id,
            v,
            ReviewDecision::Return {
                reason: "违约金约定不明确".into(),
            },
            w.t0 + 3,
        )
        .await
        .unwrap();
    assert_eq!(w.state(id).await, "returned");
    // … edited and resubmitted, it starts again at the chain's first level.
    let mut edited = application(1);
    edited.terms.liquidated_damages = "3000元".into();
    w.engine
        .edit_offline_signing(w.g(1), id, &edited, w.t0 + 4)
        .await
        .unwrap();
    w.engine
        .submit_offline_signing(w.g(1), id, w.t0 + 5)
        .await
        .unwrap();
    let d = w.engine.item_detail(&w.admin, id, w.t0).await.unwrap();
    assert_eq!((d.item.state.as_str(), d.item.step), ("submitted", 0));
    assert_eq!(d.item.awaiting_level, Some(Level::Department));
    assert_eq!(d.item.submitted_at, w.t0 + 5);
    let decisions: Vec<(&str, &str, &str)> = d
        .history
        .iter()
        .filter(|h| !h.level.is_empty())
        .map(|h| (h.action.as_str(), h.level.as_str(), h.reason.as_str()))
        .collect();
    assert_eq!(
        decisions,
        [
            ("approve", "department", ""),
            ("return", "school", "违约金约定不明确")
        ]
    );
    // A rejection ends the application; the graduate may apply anew.
    let v = w.version(id).await;
    w.engine
        .review(
            &w.dep_rev_a,
            id,
            v,
            ReviewDecision::Reject {
                reason: "不符合线下签约条件".into(),
            },
            w.t0 + 6,
        )
        .await
        .unwrap();
    assert_eq!(w.state(id).await, "rejected");
    assert_eq!(
        code(w.engine.submit_offline_signing(w.g(1), id, w.t0 + 7).await),
        ErrorCode::InvalidState
    );
    assert!(w
        .engine
        .apply_offline_signing(w.g(1), &application(1), w.t0 + 8)
        .await
        .is_ok());
}

async fn r_offsign_02_the_two_reviews_are_their_own_queues(w: World) {
    w.confirm(1).await;
    w.confirm(2).await;
    let a = w
        .engine
        .apply_offline_signing(w.g(1), &application(1), w.t0)
        .await
        .unwrap();
    let b = stamped(&w, 2).await;
    let queue = |kind: &str| {
        let kind = kind.to_string();
        let w = &w;
        async move {
            let q = QueueQuery {
                kind: Some(ItemKind::OfflineSigning),
                offline_review: Some(if kind == "application" {
                    gradsign_engine::workflow::offline_signing::OfflineReview::Application
                } else {
                    gradsign_engine::workflow::offline_signing::OfflineReview::Stamped
                }),
                awaiting_me: true,
                limit: 50,
                ..QueueQuery::default()
            };
            w.engine
                .review_queue(&w.dep_rev_a, &q)
                .await
                .unwrap()
                .rows
                .iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(queue("application").await, [a]);
    assert_eq!(queue("stamped").await, [b]);
}

// ---------------------------------------------------------------- R-OFFSIGN-03

async fn r_offsign_03_issue_freezes_number_snapshot_and_code_and_prints_to_stamp(w: World) {
    w.confirm(1).await;
    let id = w
        .engine
        .apply_offline_signing(w.g(1), &application(1), w.t0)
        .await
        .unwrap();
    // Nothing to print before the issue.
    assert_eq!(
        code(w.engine.agreement_pdf(w.g(1), id, fonts(), w.t0).await),
        ErrorCode::InvalidState
    );
    w.approve(&w.dep_rev_a, id, w.t0 + 1).await.unwrap();
    let d = w.engine.item_detail(&w.admin, id, w.t0).await.unwrap();
    assert!(
        d.item.agreement_number.is_none(),
        "issued at the last level only"
    );
    w.approve(&w.school_rev, id, w.t0 + 2).await.unwrap();
    let d = w.engine.item_detail(w.g(1), id, w.t0).await.unwrap();
    assert_eq!(d.item.state, "approved_for_print");
    let number = d.item.agreement_number.clone().unwrap();
    assert!(
        number.starts_with("2026100012") && number.len() == 16,
        "R-AGR-02: {number}"
    );
    let (vc, hash) = (
        d.item.verification_code.clone().unwrap(),
        d.item.snapshot_hash.clone().unwrap(),
    );
    assert_eq!(vc.len(), 12);
    let p = w
        .engine
        .printable_agreement(w.g(1), id, w.t0)
        .await
        .unwrap();
    assert_eq!(p.state, AgreementState::AwaitingStamp);
    assert_eq!(p.snapshot.number, number);
    assert_eq!(p.snapshot.hash().unwrap(), hash);
    assert_eq!(p.snapshot.employer.name, "北京测试科技有限公司51");
    // The print copy: every page marked and carrying its QR code; a stamp box.
    let pdf = pdf_of(&w, &w.school_rev, id).await;
    let text = pdf_text(&pdf);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(!pages.is_empty());
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("待单位盖章回传"),
            "page {} has the mark",
            i + 1
        );
        assert!(page.contains(&number), "page {} has the number", i + 1);
    }
    assert!(text.contains("甲方（用人单位）盖章"));
    assert!(text.contains("本协议经甲方盖章"));
    for (i, image) in page_images(&pdf).iter().enumerate() {
        assert_eq!(
            gradsign_documents::read_verification_qr(image),
            Some((vc.clone(), hash.clone())),
            "page {} carries the QR code",
            i + 1
        );
    }
    // The department reviewer of another department does not see it.
    assert_eq!(
        code(
            w.engine
                .agreement_pdf(&w.dep_rev_b, id, fonts(), w.t0)
                .await
        ),
        ErrorCode::NotFound
    );
    // The verify screen: issued, awaiting the employer's stamp.
    let r = w
        .engine
        .verify_agreement("c-offsign", &vc, &hash, w.t0)
        .await
        .unwrap();
    assert!(r.exists && r.hash_matches);
    assert_eq!(r.state.as_deref(), Some("issued_awaiting_stamp"));
    assert_eq!(r.agreement_number.as_deref(), Some(number.as_str()));
    // A later fix of basic info does not change the frozen snapshot.
    w.engine
        .update_contact(w.g(1), "13911112222", "new@example.com", w.t0 + 3)
        .await
        .unwrap();
    let again = w
        .engine
        .printable_agreement(w.g(1), id, w.t0)
        .await
        .unwrap();
    assert_eq!(again.snapshot.hash().unwrap(), hash);
    assert_ne!(again.snapshot.graduate.phone, "13911112222");
}

// ---------------------------------------------------------------- R-OFFSIGN-04

async fn r_offsign_04_stamped_pages_are_checked_by_their_qr(w: World) {
    w.confirm(1).await;
    w.confirm(2).await;
    let mine = issued(&w, 1).await;
    let other = issued(&w, 2).await;
    let my_pages = page_images(&pdf_of(&w, w.g(1), mine).await);
    let other_pages = page_images(&pdf_of(&w, w.g(2), other).await);
    // A page of another agreement: refused with that reason, nothing stored.
    let before = w.digest().await;
    let e = w
        .engine
        .upload_stamped_pages(
            w.g(1),
            mine,
            &[
                page_upload("1.png", my_pages[0].clone()),
                page_upload("2.png", other_pages[0].clone()),
            ],
            w.t0 + 20,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PageMismatch);
    assert_eq!(e.details["reason"], "other_agreement");
    assert_eq!(e.details["page"], 2);
    assert!(e.message.zh.contains("另一份协议书"));
    assert_eq!(w.digest().await, before, "nothing stored");
    // A page whose QR carries another hash (an altered or older copy): refused.
    let mut altered = w
        .engine
        .printable_agreement(w.g(1), mine, w.t0)
        .await
        .unwrap()
        .document();
    altered.content_hash = gradsign_engine::snapshot::sha256_hex(b"altered");
    let altered_pages =
        page_images(&gradsign_documents::render_agreement(&altered, fonts()).unwrap());
    let e = w
        .engine
        .upload_stamped_pages(
            w.g(1),
            mine,
            &[page_upload("1.png", altered_pages[0].clone())],
            w.t0 + 20,
        )
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.details["reason"].as_str()),
        (ErrorCode::PageMismatch, Some("hash_differs"))
    );
    assert_eq!(w.digest().await, before);
    // Its own pages match; a page without a readable QR is kept, flagged.
    let mut uploads: Vec<Upload> = my_pages
        .iter()
        .enumerate()
        .map(|(i, b)| page_upload(&format!("第{}页.png", i + 1), b.clone()))
        .collect();
    uploads.push(blank_page());
    w.engine
        .upload_stamped_pages(w.g(1), mine, &uploads, w.t0 + 21)
        .await
        .unwrap();
    let d = w
        .engine
        .item_detail(&w.dep_rev_a, mine, w.t0)
        .await
        .unwrap();
    assert_eq!(d.item.state, "stamped_submitted");
    assert_eq!(d.item.submitted_at, w.t0 + 21);
    assert_eq!(d.item.awaiting_level, Some(Level::Department));
    let qr: Vec<&str> = d.item.payload["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["qr"].as_str().unwrap())
        .collect();
    let mut expected = vec!["matched"; my_pages.len()];
    expected.push("not_found");
    assert_eq!(qr, expected);
    // Each page is stored compressed (R-SCAN) under its hash and reachable by the reviewer.
    let first = d.item.payload["pages"][0]["file"]["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let bytes = w
        .engine
        .item_file(&w.dep_rev_a, mine, &first, w.t0)
        .await
        .unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    // Before a reviewer acts the graduate may replace the pages; no upload without a page.
    assert_eq!(
        w.engine
            .upload_stamped_pages(w.g(1), mine, &[], w.t0 + 22)
            .await
            .unwrap_err()
            .details["field"],
        "files"
    );
    w.engine
        .upload_stamped_pages(
            w.g(1),
            mine,
            &[page_upload("1.png", my_pages[0].clone())],
            w.t0 + 23,
        )
        .await
        .unwrap();
    let d = w.engine.item_detail(w.g(1), mine, w.t0).await.unwrap();
    assert_eq!(d.item.payload["pages"].as_array().unwrap().len(), 1);
    // Nobody else uploads for the graduate, and not before the issue.
    assert_eq!(
        code(
            w.engine
                .upload_stamped_pages(
                    w.g(2),
                    mine,
                    &[page_upload("1.png", my_pages[0].clone())],
                    w.t0 + 24
                )
                .await
        ),
        ErrorCode::Forbidden
    );
    w.confirm(3).await;
    let fresh = w
        .engine
        .apply_offline_signing(w.g(3), &application(3), w.t0)
        .await
        .unwrap();
    assert_eq!(
        code(
            w.engine
                .upload_stamped_pages(w.g(3), fresh, &[blank_page()], w.t0 + 25)
                .await
        ),
        ErrorCode::InvalidState
    );
}

// ---------------------------------------------------------------- R-OFFSIGN-05

async fn r_offsign_05_signing_review_signs_returns_or_fails(w: World) {
    w.confirm(1).await;
    w.confirm(2).await;
    let id = stamped(&w, 1).await;
    let number = w
        .engine
        .item_detail(&w.admin, id, w.t0)
        .await
        .unwrap()
        .item
        .agreement_number
        .unwrap();
    // Returned at the department: new images are asked for.
    let v = w.version(id).await;
    w.engine
        .review(
            &w.dep_rev_a,
            id,
            v,
            ReviewDecision::Return {
                reason: "盖章页不清晰".into(),
            },
            w.t0 + 30,
        )
        .await
        .unwrap();
    assert_eq!(w.state(id).await, "stamped_returned");
    let pages = page_images(&pdf_of(&w, w.g(1), id).await);
    w.engine
        .upload_stamped_pages(
            w.g(1),
            id,
            &[page_upload("重拍.png", pages[0].clone())],
            w.t0 + 31,
        )
        .await
        .unwrap();
    assert_eq!(w.state(id).await, "stamped_submitted");
    let stats_before = w.engine.statistics(&w.admin, 2026).await.unwrap();
    w.approve(&w.dep_rev_a, id, w.t0 + 32).await.unwrap();
    assert_eq!(w.state(id).await, "stamped_under_review");
    w.approve(&w.school_rev, id, w.t0 + 33).await.unwrap();
    let d = w.engine.item_detail(w.g(1), id, w.t0).await.unwrap();
    assert_eq!(d.item.state, "signed");
    assert_eq!(d.item.agreement_number.as_deref(), Some(number.as_str()));
    // R-STAT-01: code 10, counted like an online agreement.
    let stats = w.engine.statistics(&w.admin, 2026).await.unwrap();
    assert_eq!(
        stats.effective_by_code.get("10").copied().unwrap_or(0),
        stats_before
            .effective_by_code
            .get("10")
            .copied()
            .unwrap_or(0)
            + 1
    );
    assert_eq!(stats.overall.placed, stats_before.overall.placed + 1);
    // Its PDF now says signed offline and shows the timeline.
    let text = pdf_text(&pdf_of(&w, w.g(1), id).await);
    assert!(text.contains("线下签约"), "{text}");
    assert!(!text.contains("待单位盖章回传"));
    assert!(text.contains("协议审核学校通过"));
    assert!(text.contains("签约审核学校通过"));
    assert!(text.contains("上传盖章协议书"));
    let (vc, hash) = (
        d.item.verification_code.unwrap(),
        d.item.snapshot_hash.unwrap(),
    );
    let r = w
        .engine
        .verify_agreement("c-05", &vc, &hash, w.t0)
        .await
        .unwrap();
    assert_eq!(r.state.as_deref(), Some("effective"));
    // A rejection at the signing review fails the signing: the number is not reused and the
    // graduate may apply again.
    let two = stamped(&w, 2).await;
    let two_number = w
        .engine
        .item_detail(&w.admin, two, w.t0)
        .await
        .unwrap()
        .item
        .agreement_number
        .unwrap();
    let v = w.version(two).await;
    w.engine
        .review(
            &w.dep_rev_a,
            two,
            v,
            ReviewDecision::Reject {
                reason: "盖章单位与申请单位不一致".into(),
            },
            w.t0 + 40,
        )
        .await
        .unwrap();
    assert_eq!(w.state(two).await, "failed");
    let again = issued(&w, 2).await;
    let again_number = w
        .engine
        .item_detail(&w.admin, again, w.t0)
        .await
        .unwrap()
        .item
        .agreement_number
        .unwrap();
    assert_ne!(again_number, two_number, "R-AGR-02: never reused");
    assert_eq!(
        code(w.engine.agreement_pdf(w.g(2), two, fonts(), w.t0).await),
        ErrorCode::InvalidState,
        "a failed signing's print copy is void"
    );
}

// ---------------------------------------------------------------- R-OFFSIGN-06

async fn r_offsign_06_a_signed_offline_agreement_ends_only_through_offline_termination(w: World) {
    w.confirm(1).await;
    let id = stamped(&w, 1).await;
    w.approve_all(1, id, w.t0 + 40).await;
    assert_eq!(w.state(id).await, "signed");
    // Online termination is not the way, and nothing else starts while it is effective.
    assert_eq!(
        code(
            w.engine
                .request_termination(w.g(1), id, "双方协商一致解除", "", w.t0 + 41)
                .await
        ),
        ErrorCode::NotFound
    );
    assert_eq!(
        code(
            w.engine
                .apply_offline_signing(w.g(1), &application(1), w.t0 + 41)
                .await
        ),
        ErrorCode::OneDestination
    );
    let d = w.engine.item_detail(w.g(1), id, w.t0).await.unwrap();
    assert!(d
        .allowed
        .contains(&"request_offline_termination".to_string()));
    let t = w
        .engine
        .request_offline_termination(
            w.g(1),
            id,
            "毕业生出国出境",
            "出国留学",
            &[blank_page()],
            w.t0 + 42,
        )
        .await
        .unwrap();
    // One open request at a time.
    assert_eq!(
        code(
            w.engine
                .request_offline_termination(
                    w.g(1),
                    id,
                    "毕业生出国出境",
                    "出国留学",
                    &[blank_page()],
                    w.t0 + 43,
                )
                .await
        ),
        ErrorCode::OpenTermination
    );
    w.approve_all(1, t, w.t0 + 44).await;
    assert_eq!(w.state(id).await, "terminated");
    let p = w
        .engine
        .printable_agreement(w.g(1), id, w.t0)
        .await
        .unwrap();
    assert_eq!(p.state, AgreementState::Terminated);
    let text = pdf_text(&pdf_of(&w, w.g(1), id).await);
    assert!(text.contains("已解约"));
    assert!(text.contains("线下解约学校审核通过"));
    let d = w.engine.item_detail(w.g(1), id, w.t0).await.unwrap();
    let r = w
        .engine
        .verify_agreement(
            "c-06",
            &d.item.verification_code.unwrap(),
            &d.item.snapshot_hash.unwrap(),
            w.t0,
        )
        .await
        .unwrap();
    assert_eq!(r.state.as_deref(), Some("terminated"));
    // Free again.
    assert!(w
        .engine
        .apply_offline_signing(w.g(1), &application(1), w.t0 + 45)
        .await
        .is_ok());
}

// ---------------------------------------------------------------- R-OFFSIGN-07

async fn r_offsign_07_messages_at_each_review_result_and_at_the_issue(w: World) {
    let s = w
        .engine
        .activate_graduate("202600001", &id_for(1, false), "pass12345", w.t0)
        .await
        .unwrap();
    let me = s.account.actor();
    w.engine.confirm_info(&me, w.t0).await.unwrap();
    let id = w
        .engine
        .apply_offline_signing(&me, &application(1), w.t0)
        .await
        .unwrap();
    w.approve(&w.dep_rev_a, id, w.t0 + 1).await.unwrap();
    w.approve(&w.school_rev, id, w.t0 + 2).await.unwrap();
    let pages = page_images(&pdf_of(&w, &me, id).await);
    w.engine
        .upload_stamped_pages(&me, id, &[page_upload("1.png", pages[0].clone())], w.t0 + 3)
        .await
        .unwrap();
    let v = w.version(id).await;
    w.engine
        .review(
            &w.dep_rev_a,
            id,
            v,
            ReviewDecision::Return {
                reason: "盖章页不清晰".into(),
            },
            w.t0 + 4,
        )
        .await
        .unwrap();
    w.engine
        .upload_stamped_pages(&me, id, &[page_upload("1.png", pages[0].clone())], w.t0 + 5)
        .await
        .unwrap();
    w.approve(&w.dep_rev_a, id, w.t0 + 6).await.unwrap();
    w.approve(&w.school_rev, id, w.t0 + 7).await.unwrap();
    let titles: Vec<String> = w
        .engine
        .messages(&me)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.item_id == Some(id))
        .map(|m| m.title)
        .rev()
        .collect();
    assert_eq!(
        titles,
        [
            "线下签约申请审核结果",
            "线下签约协议书已下发，请打印盖章",
            "盖章页被退回，请重新上传",
            "线下签约盖章页审核结果",
            "线下签约成功",
        ]
    );
    let all = w.engine.messages(&me).await.unwrap();
    let returned = all
        .iter()
        .find(|m| m.title == "盖章页被退回，请重新上传")
        .unwrap();
    assert!(returned.body.contains("盖章页不清晰"));
}

// ---------------------------------------------------------------- R-OFFSIGN-08

async fn r_offsign_08_an_issued_agreement_the_employer_will_not_stamp_can_be_given_up(w: World) {
    w.confirm(1).await;
    let id = w
        .engine
        .apply_offline_signing(w.g(1), &application(1), w.t0)
        .await
        .unwrap();
    // Not before the issue: an application under review is withdrawn instead.
    assert_eq!(
        code(w.engine.cancel_offline_signing(w.g(1), id, w.t0).await),
        ErrorCode::InvalidState
    );
    w.approve_all(1, id, w.t0 + 1).await;
    let d = w.engine.item_detail(w.g(1), id, w.t0).await.unwrap();
    assert!(d.allowed.contains(&"upload_stamped".to_string()));
    assert!(d.allowed.contains(&"cancel".to_string()));
    let (vc, hash) = (
        d.item.verification_code.clone().unwrap(),
        d.item.snapshot_hash.clone().unwrap(),
    );
    assert_eq!(
        code(w.engine.cancel_offline_signing(w.g(2), id, w.t0 + 2).await),
        ErrorCode::Forbidden
    );
    w.engine
        .cancel_offline_signing(w.g(1), id, w.t0 + 2)
        .await
        .unwrap();
    assert_eq!(w.state(id).await, "cancelled");
    let r = w
        .engine
        .verify_agreement("c-08", &vc, &hash, w.t0)
        .await
        .unwrap();
    assert_eq!(r.state.as_deref(), Some("void"));
    assert_eq!(
        code(w.engine.agreement_pdf(w.g(1), id, fonts(), w.t0).await),
        ErrorCode::InvalidState
    );
    assert!(w
        .engine
        .apply_offline_signing(w.g(1), &application(1), w.t0 + 3)
        .await
        .is_ok());
}

on_both_backends!(
    r_offsign_01_apply_refused_for_directed_and_while_another_is_pending,
    r_offsign_01_withdrawn_application_meets_an_invitation_accepted_meanwhile,
    r_offsign_02_each_level_approves_returns_or_rejects,
    r_offsign_02_the_two_reviews_are_their_own_queues,
    r_offsign_03_issue_freezes_number_snapshot_and_code_and_prints_to_stamp,
    r_offsign_04_stamped_pages_are_checked_by_their_qr,
    r_offsign_05_signing_review_signs_returns_or_fails,
    r_offsign_06_a_signed_offline_agreement_ends_only_through_offline_termination,
    r_offsign_07_messages_at_each_review_result_and_at_the_issue,
    r_offsign_08_an_issued_agreement_the_employer_will_not_stamp_can_be_given_up,
);
