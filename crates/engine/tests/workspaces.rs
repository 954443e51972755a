//! The employer's and the reviewers' workspaces' engine functions (actions/workspaces.rs), each
//! on SQLite and PostgreSQL: the sign-up with a business licence, the employer's profile, an
//! item's scans for those who may see the item, the school's reason templates and the
//! reviewers' printout of a filtered list of agreements.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use gradsign_engine::*;
use std::collections::BTreeMap;

fn png(name: &str) -> Upload {
    Upload::Bytes {
        name: name.into(),
        bytes: gradsign_engine::demo::BLANK_PNG.to_vec(),
    }
}

fn sign_up(n: u32, login: &str) -> EmployerSignUp {
    EmployerSignUp {
        details: employer_details(n),
        login: login.into(),
        password: "employer123".into(),
        display_name: "王经理".into(),
    }
}

async fn employer_signs_up_with_a_licence_the_admin_and_itself_can_see(w: World) {
    // A text file named .jpg is refused naming the licence field; nothing is stored.
    let before = w.digest().await;
    let bad = Upload::Bytes {
        name: "执照.jpg".into(),
        bytes: b"not an image".to_vec(),
    };
    let e = w
        .engine
        .employer_sign_up_with_licence(&sign_up(7, "licensed"), &bad, w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(e.details["field"], "licence");
    assert_eq!(w.digest().await, before);
    // A bad credit code is refused before the scan is looked at.
    let mut wrong = sign_up(7, "licensed");
    wrong.details.credit_code = "91110000000000000X".into();
    let e = w
        .engine
        .employer_sign_up_with_licence(&wrong, &png("执照.png"), w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "credit_code");
    assert_eq!(w.digest().await, before);

    let account = w
        .engine
        .employer_sign_up_with_licence(&sign_up(7, "licensed"), &png("执照.png"), w.t0)
        .await
        .unwrap();
    let me = account.actor();
    let profile = w.engine.employer_profile(&me, None).await.unwrap();
    assert!(!profile.approved, "a new sign-up waits for the admin");
    let licence = profile.licence.clone().expect("licence kept");
    assert_eq!(licence.mime, "image/jpeg");
    assert_eq!(profile.staff.len(), 1);
    assert_eq!(profile.staff[0].login, "licensed");
    let own = w.engine.employer_licence(&me, None).await.unwrap();
    assert!(own.starts_with(&[0xFF, 0xD8]), "a JPEG");
    let by_admin = w
        .engine
        .employer_licence(&w.admin, Some(profile.id))
        .await
        .unwrap();
    assert_eq!(own, by_admin);
    // Another employer does not see it; a reviewer may not ask.
    let other = w
        .engine
        .employer_licence(&w.employers[0], Some(profile.id))
        .await
        .unwrap_err();
    assert_eq!(other.code, ErrorCode::NotFound);
    let reviewer = w
        .engine
        .employer_profile(&w.school_rev, Some(profile.id))
        .await
        .unwrap_err();
    assert_eq!(reviewer.code, ErrorCode::Forbidden);
    // Staff accounts (R-EMP-02) and invitations wait for the approval; then staff appear on
    // the profile.
    assert_eq!(
        w.engine
            .add_employer_staff(&me, "licensed-2", "employer456", "赵专员", w.t0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::EmployerNotApproved
    );
    w.engine
        .set_employer_approval(&w.admin, profile.id, true, w.t0)
        .await
        .unwrap();
    assert!(w.engine.employer_profile(&me, None).await.unwrap().approved);
    w.engine
        .add_employer_staff(&me, "licensed-2", "employer456", "赵专员", w.t0)
        .await
        .unwrap();
    let profile = w.engine.employer_profile(&me, None).await.unwrap();
    assert_eq!(profile.staff.len(), 2);
}

async fn employer_keeps_its_profile_but_not_its_credit_code(w: World) {
    let me = &w.employers[0];
    let mut d = employer_details(1);
    d.address = "北京市海淀区新地址1号".into();
    d.contact_person = "钱主管".into();
    let profile = w
        .engine
        .update_employer_profile(me, &d, w.t0)
        .await
        .unwrap();
    assert_eq!(profile.details.address, "北京市海淀区新地址1号");
    assert_eq!(profile.details.contact_person, "钱主管");
    // A different (valid) code is refused naming the field; nothing changes.
    let before = w.digest().await;
    let mut other = d.clone();
    other.credit_code = employer_details(2).credit_code;
    let e = w
        .engine
        .update_employer_profile(me, &other, w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "credit_code");
    let mut blank = d.clone();
    blank.address = "  ".into();
    let e = w
        .engine
        .update_employer_profile(me, &blank, w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "address");
    assert_eq!(w.digest().await, before);
    // The admin does not edit an employer's profile here.
    let e = w
        .engine
        .update_employer_profile(&w.admin, &d, w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
}

async fn item_scans_are_served_only_to_those_who_see_the_item(w: World) {
    w.confirm(1).await;
    let input = DestinationInput {
        type_id: "postgraduate".into(),
        fields: [
            ("school", "北京大学"),
            ("programme", "计算机科学与技术"),
            ("degree_level", "硕士"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect::<BTreeMap<_, _>>(),
    };
    let id = w
        .engine
        .create_destination(w.g(1), &input, &[png("录取通知书.png")], w.t0)
        .await
        .unwrap();
    w.engine
        .submit_registration(w.g(1), id, w.t0)
        .await
        .unwrap();
    let detail = w.engine.item_detail(&w.dep_rev_a, id, w.t0).await.unwrap();
    let proof = &detail.item.payload["proofs"][0];
    let hash = proof["hash"].as_str().unwrap().to_string();
    let thumb = proof["thumbnail"].as_str().unwrap().to_string();
    let bytes = w
        .engine
        .item_file(&w.dep_rev_a, id, &hash, w.t0)
        .await
        .unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8]));
    assert_eq!(
        w.engine.item_file(w.g(1), id, &hash, w.t0).await.unwrap(),
        bytes
    );
    assert!(w
        .engine
        .item_file(&w.school_rev, id, &thumb, w.t0)
        .await
        .is_ok());
    // Another department's reviewer, an employer, and a hash the item does not hold: not found.
    for (actor, h) in [
        (&w.dep_rev_b, hash.as_str()),
        (&w.employers[0], hash.as_str()),
        (&w.dep_rev_a, &"ab".repeat(32)),
    ] {
        let e = w.engine.item_file(actor, id, h, w.t0).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
    }
}

async fn reason_templates_default_to_reference_and_the_school_edits_them(w: World) {
    let defaults = w.engine.reason_templates(&w.school_rev).await.unwrap();
    assert_eq!(defaults[0], "材料不清晰或不完整");
    assert!(defaults.contains(&"其他".to_string()));
    let set = w
        .engine
        .set_reason_templates(
            &w.admin,
            &[
                " 材料未盖章 ".into(),
                String::new(),
                "照片模糊，请重新拍摄".into(),
            ],
            w.t0,
        )
        .await
        .unwrap();
    assert_eq!(set, vec!["材料未盖章", "照片模糊，请重新拍摄"]);
    assert_eq!(w.engine.reason_templates(&w.school_rev).await.unwrap(), set);
    // Refusals change nothing: a reviewer, a duplicate, an over-long template.
    let before = w.digest().await;
    let e = w
        .engine
        .set_reason_templates(&w.school_rev, &["x".into()], w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let e = w
        .engine
        .set_reason_templates(&w.admin, &["重复".into(), "重复 ".into()], w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "templates");
    assert_eq!(e.details["index"], 1);
    let e = w
        .engine
        .set_reason_templates(&w.admin, &["长".repeat(101)], w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "templates");
    assert_eq!(w.digest().await, before);
    // An empty list restores REFERENCE.md's defaults.
    assert_eq!(
        w.engine
            .set_reason_templates(&w.admin, &[], w.t0)
            .await
            .unwrap(),
        defaults
    );
}

async fn reviewers_print_the_filtered_signed_agreements_as_one_pdf(w: World) {
    for n in [1, 2, 5] {
        w.confirm(n).await;
    }
    let _a1 = w.signed(1).await;
    let _a2 = w.signed(2).await;
    let _b5 = w.signed(5).await;
    let fonts = gradsign_documents::Fonts::system_shared().unwrap();
    let all = QueueQuery {
        limit: 50,
        ..QueueQuery::default()
    };
    // The department reviewer prints its own department's two; the school all three.
    let (pdf, n) = w
        .engine
        .agreements_pdf(&w.dep_rev_a, &all, fonts, w.t0)
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert!(pdf.starts_with(b"%PDF"));
    let (_, n) = w
        .engine
        .agreements_pdf(&w.school_rev, &all, fonts, w.t0)
        .await
        .unwrap();
    assert_eq!(n, 3);
    let only_b = QueueQuery {
        department_id: Some(w.dep_b),
        ..all.clone()
    };
    let (_, n) = w
        .engine
        .agreements_pdf(&w.school_rev, &only_b, fonts, w.t0)
        .await
        .unwrap();
    assert_eq!(n, 1);
    // Nothing matching, a state that has no agreement, an employer: refused.
    let none = QueueQuery {
        state: Some("terminated".into()),
        ..all.clone()
    };
    let e = w
        .engine
        .agreements_pdf(&w.school_rev, &none, fonts, w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let pending = QueueQuery {
        state: Some("pending".into()),
        ..all.clone()
    };
    let e = w
        .engine
        .agreements_pdf(&w.school_rev, &pending, fonts, w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "state");
    let e = w
        .engine
        .agreements_pdf(&w.employers[0], &all, fonts, w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
}

on_both_backends!(
    employer_signs_up_with_a_licence_the_admin_and_itself_can_see,
    employer_keeps_its_profile_but_not_its_credit_code,
    item_scans_are_served_only_to_those_who_see_the_item,
    reason_templates_default_to_reference_and_the_school_edits_them,
    reviewers_print_the_filtered_signed_agreements_as_one_pdf,
);
