//! One test (or more) per rule of DOMAIN.md, each run on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use gradsign_engine::time::end_of_day_after;
use gradsign_engine::*;
use std::collections::BTreeMap;

fn code(r: Result<impl std::fmt::Debug>) -> ErrorCode {
    match r {
        Ok(v) => panic!("expected a refusal, got Ok({v:?})"),
        Err(e) => e.code,
    }
}

fn upload(name: &str) -> Upload {
    Upload::Bytes {
        name: name.into(),
        bytes: gradsign_engine::demo::BLANK_PNG.to_vec(),
    }
}

fn destination(type_id: &str, fields: &[(&str, &str)]) -> DestinationInput {
    DestinationInput {
        type_id: type_id.into(),
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
    }
}

fn postgraduate() -> DestinationInput {
    destination(
        "postgraduate",
        &[
            ("school", "北京大学"),
            ("programme", "计算机科学与技术"),
            ("degree_level", "硕士"),
        ],
    )
}

fn paper() -> PaperInput {
    PaperInput {
        employer: employer_details(9),
        terms: terms(),
    }
}

async fn registered_destination(w: &World, n: u32, input: &DestinationInput) -> i64 {
    let id = w
        .engine
        .create_destination(w.g(n), input, &[upload("proof.png")], w.t0)
        .await
        .unwrap();
    w.engine
        .submit_registration(w.g(n), id, w.t0)
        .await
        .unwrap();
    id
}

// ---------------------------------------------------------------- R-INFO

async fn r_info_01_unconfirmed_graduate_can_do_nothing_else(w: World) {
    let inv = w.invite(0, 1, w.t0).await.unwrap();
    let before = w.digest().await;
    assert_eq!(
        code(w.engine.accept_invitation(w.g(1), inv, w.t0).await),
        ErrorCode::InfoNotConfirmed
    );
    assert_eq!(
        code(
            w.engine
                .create_destination(w.g(1), &postgraduate(), &[upload("a.png")], w.t0)
                .await
        ),
        ErrorCode::InfoNotConfirmed
    );
    assert_eq!(w.digest().await, before, "a refused action changes nothing");
    w.confirm(1).await;
    assert_eq!(
        code(w.engine.confirm_info(w.g(1), w.t0).await),
        ErrorCode::InvalidState,
        "confirming twice is refused"
    );
    w.engine.accept_invitation(w.g(1), inv, w.t0).await.unwrap();
}

async fn r_info_02_graduate_edits_only_contact_school_fixes_the_rest(w: World) {
    w.confirm(1).await;
    let g = w
        .engine
        .update_contact(w.g(1), "139 1234 5678", "new@example.com", w.t0)
        .await
        .unwrap();
    assert_eq!(
        (g.phone.as_str(), g.email.as_str()),
        ("13912345678", "new@example.com")
    );
    assert_eq!(
        code(
            w.engine
                .update_contact(w.g(1), "12345", "x@example.com", w.t0)
                .await
        ),
        ErrorCode::Validation
    );
    let fix = GraduateFix {
        major: Some("软件工程".into()),
        ..Default::default()
    };
    assert_eq!(
        code(
            w.engine
                .fix_graduate(w.g(1), w.gid(1), g.version, &fix, w.t0)
                .await
        ),
        ErrorCode::Forbidden,
        "the graduate cannot fix basic info"
    );
    let fixed = w
        .engine
        .fix_graduate(&w.admin, w.gid(1), g.version, &fix, w.t0)
        .await
        .unwrap();
    assert_eq!(fixed.major, "软件工程");
}

async fn r_info_03_not_imported_graduate_cannot_activate(w: World) {
    let e = w
        .engine
        .activate_graduate("209999999", &id_for(900, true), "pass12345", w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotImported);
    assert!(
        e.message.zh.contains("学校"),
        "tells them to ask the school: {}",
        e.message.zh
    );
    let s = w
        .engine
        .activate_graduate("202600001", &id_for(1, false), "pass12345", w.t0)
        .await
        .unwrap();
    assert_eq!(s.account.graduate_id, Some(w.gid(1)));
    assert_eq!(
        code(
            w.engine
                .activate_graduate("202600001", &id_for(1, false), "pass12345", w.t0)
                .await
        ),
        ErrorCode::AlreadyActivated
    );
    let again = w
        .engine
        .sign_in("202600001", "pass12345", w.t0 + 5)
        .await
        .unwrap();
    assert_eq!(
        w.engine
            .authenticate(&again.token, w.t0 + 6)
            .await
            .unwrap()
            .graduate_id,
        Some(w.gid(1))
    );
}

async fn r_info_04_gender_must_agree_with_id_number(w: World) {
    let mut cells = import_cells(50, "计算机学院", "非定向");
    cells[2] = "女".into(); // 50 is even → generated as male
    let e = w
        .engine
        .import_graduates(
            &w.admin,
            2026,
            &header(),
            &[ImportRow { line: 2, cells }],
            w.t0,
        )
        .await
        .unwrap_err();
    let rows = e.details["rows"].as_array().unwrap();
    assert_eq!(rows[0]["field"], "性别");
    assert_eq!(rows[0]["line"], 2);
}

// ---------------------------------------------------------------- R-MOD

async fn r_mod_01_closed_module_refuses_every_workflow_action(w: World) {
    w.confirm(1).await;
    let inv = w.invite(0, 1, w.t0).await.unwrap();
    w.engine
        .set_module(&w.admin, 2026, false, w.t0)
        .await
        .unwrap();
    let before = w.digest().await;
    assert_eq!(
        code(w.engine.accept_invitation(w.g(1), inv, w.t0).await),
        ErrorCode::ModuleClosed
    );
    assert_eq!(code(w.invite(1, 1, w.t0).await), ErrorCode::ModuleClosed);
    assert_eq!(
        code(
            w.engine
                .create_destination(w.g(1), &postgraduate(), &[upload("a.png")], w.t0)
                .await
        ),
        ErrorCode::ModuleClosed
    );
    assert_eq!(w.digest().await, before);
    assert_eq!(
        code(w.engine.set_module(w.g(1), 2026, true, w.t0).await),
        ErrorCode::Forbidden
    );
    w.engine
        .set_module(&w.admin, 2026, true, w.t0)
        .await
        .unwrap();
    w.engine.accept_invitation(w.g(1), inv, w.t0).await.unwrap();
}

async fn r_mod_02_earlier_cohort_is_read_only(w: World) {
    // The same person as graduate 1, in cohort 2025 (本科), now in 2026.
    let (old_gid, _old, id) = earlier_record_with_id_of_graduate_1(&w, "学生1").await;
    let cohorts = w.engine.my_cohorts(w.g(1)).await.unwrap();
    assert_eq!(cohorts, vec![(2026, w.gid(1)), (2025, old_gid)]);
    // Signed in as the 2026 record: the 2025 item is visible, read-only.
    w.confirm(1).await;
    let detail = w.engine.item_detail(w.g(1), id, w.t0).await.unwrap();
    assert!(
        detail.allowed.is_empty(),
        "nothing allowed on an earlier cohort: {:?}",
        detail.allowed
    );
    assert_eq!(
        detail.item.id_number,
        id_for(1, false),
        "own record unmasked"
    );
    assert_eq!(
        code(w.engine.submit_registration(w.g(1), id, w.t0).await),
        ErrorCode::ReadOnlyCohort
    );
}

/// Graduate 1's ID number imported into cohort 2025 under `name` (the same person, or a typo in
/// the import): the 2025 record's id and its graduate's actor, info confirmed, with a
/// postgraduate registration of theirs.
async fn earlier_record_with_id_of_graduate_1(w: &World, name: &str) -> (i64, Actor, i64) {
    w.engine
        .configure_cohort(
            &w.admin,
            &CohortSettings {
                year: 2025,
                chain: ReviewChain::School,
                invite_limit_days: 10,
                changes_until: None,
                agreement_title: None,
            },
            w.t0,
        )
        .await
        .unwrap();
    w.engine
        .set_module(&w.admin, 2025, true, w.t0)
        .await
        .unwrap();
    let mut cells = import_cells(1, "计算机学院", "非定向");
    cells[0] = "202500001".into();
    cells[1] = name.into();
    w.engine
        .import_graduates(
            &w.admin,
            2025,
            &header(),
            &[ImportRow { line: 2, cells }],
            w.t0,
        )
        .await
        .unwrap();
    let listed = w
        .engine
        .list_graduates(
            &w.admin,
            &GraduateQuery {
                cohort: 2025,
                department_id: None,
                major: None,
                education_level: None,
                text: None,
            },
            10,
        )
        .await
        .unwrap();
    let old_gid = listed[0].id;
    let old = Actor {
        graduate_id: Some(old_gid),
        ..w.g(1).clone()
    };
    w.engine.confirm_info(&old, w.t0).await.unwrap();
    let item = w
        .engine
        .create_destination(&old, &postgraduate(), &[upload("a.png")], w.t0)
        .await
        .unwrap();
    (old_gid, old, item)
}

async fn cohorts_of_graduate_1(w: &World) -> Vec<i64> {
    let cohorts = w.engine.my_cohorts(w.g(1)).await.unwrap();
    cohorts.iter().map(|c| c.0).collect()
}

async fn r_mod_04_the_same_id_number_under_another_name_is_another_person_until_the_admin_links_them(
    w: World,
) {
    let (old_gid, _old, item) = earlier_record_with_id_of_graduate_1(&w, "李四").await;
    w.confirm(1).await;
    // Not linked: graduate 1 sees neither the record nor its registration.
    assert_eq!(cohorts_of_graduate_1(&w).await, vec![2026]);
    assert_eq!(
        code(w.engine.item_detail(w.g(1), item, w.t0).await),
        ErrorCode::NotFound
    );
    assert_eq!(
        code(w.engine.graduate(w.g(1), old_gid).await),
        ErrorCode::NotFound
    );
    // The admin sees the pair, unconfirmed, the ID number masked; nobody else may look.
    let pairs = w.engine.person_link_candidates(&w.admin).await.unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    let pair = &pairs[0];
    assert_eq!(
        [pair.first.id, pair.second.id],
        [w.gid(1), old_gid],
        "the older id first"
    );
    assert_eq!(
        [pair.first.name.as_str(), pair.second.name.as_str()],
        ["学生1", "李四"]
    );
    assert_ne!(pair.id_number, id_for(1, false), "masked in the list");
    assert_eq!(pair.confirmed_at, None);
    for who in [&w.school_rev, &w.dep_rev_a, w.g(1)] {
        assert_eq!(
            code(w.engine.person_link_candidates(who).await),
            ErrorCode::Forbidden
        );
        assert_eq!(
            code(
                w.engine
                    .set_person_link(who, w.gid(1), old_gid, true, w.t0)
                    .await
            ),
            ErrorCode::Forbidden
        );
    }
    // Two records of different ID numbers are never linked; nothing is recorded.
    let e = w
        .engine
        .set_person_link(&w.admin, w.gid(1), w.gid(2), true, w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(e.details["field"], "otherId");
    // Confirmed (twice: once is recorded): the same person, the earlier record read-only.
    for _ in 0..2 {
        w.engine
            .set_person_link(&w.admin, old_gid, w.gid(1), true, w.t0 + 60)
            .await
            .unwrap();
    }
    assert_eq!(cohorts_of_graduate_1(&w).await, vec![2026, 2025]);
    let detail = w.engine.item_detail(w.g(1), item, w.t0).await.unwrap();
    assert!(detail.allowed.is_empty(), "{:?}", detail.allowed);
    assert_eq!(
        code(w.engine.submit_registration(w.g(1), item, w.t0).await),
        ErrorCode::ReadOnlyCohort
    );
    let pairs = w.engine.person_link_candidates(&w.admin).await.unwrap();
    assert_eq!(pairs[0].confirmed_at, Some(w.t0 + 60));
    assert_eq!(pairs[0].confirmed_by.as_deref(), Some("管理员"));
    // Taken back: another person again.
    w.engine
        .set_person_link(&w.admin, w.gid(1), old_gid, false, w.t0 + 120)
        .await
        .unwrap();
    assert_eq!(cohorts_of_graduate_1(&w).await, vec![2026]);
    assert_eq!(
        code(w.engine.item_detail(w.g(1), item, w.t0).await),
        ErrorCode::NotFound
    );
}

async fn r_mod_04_the_same_id_number_and_name_need_no_link(w: World) {
    let (old_gid, _old, item) = earlier_record_with_id_of_graduate_1(&w, "学生1").await;
    w.confirm(1).await;
    let cohorts = w.engine.my_cohorts(w.g(1)).await.unwrap();
    assert_eq!(cohorts, vec![(2026, w.gid(1)), (2025, old_gid)]);
    assert!(w.engine.item_detail(w.g(1), item, w.t0).await.is_ok());
    assert!(w
        .engine
        .person_link_candidates(&w.admin)
        .await
        .unwrap()
        .is_empty());
    let e = w
        .engine
        .set_person_link(&w.admin, w.gid(1), old_gid, true, w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "otherId", "nothing to confirm: {e:?}");
}

// ---------------------------------------------------------------- R-PIPL

/// The archive's entries by name.
fn archive_entries(zip: &[u8]) -> BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut bytes = vec![];
        f.read_to_end(&mut bytes).unwrap();
        out.insert(f.name().unwrap().to_string(), bytes);
    }
    out
}

async fn r_pipl_01_a_graduate_exports_everything_held_about_them(w: World) {
    let fonts = gradsign_documents::Fonts::system_shared().unwrap();
    // Graduate 1 with an account (messages are an account's).
    let g1 = w
        .engine
        .activate_graduate("202600001", &id_for(1, false), "pass12345", w.t0)
        .await
        .unwrap()
        .account
        .actor();
    w.confirm(1).await;
    let draft = w
        .engine
        .create_destination(&g1, &postgraduate(), &[upload("录取通知书.png")], w.t0)
        .await
        .unwrap();
    let signed = w.signed(1).await;
    let zip = w
        .engine
        .graduate_data_export(&g1, fonts, w.t0 + 600)
        .await
        .unwrap();
    let entries = archive_entries(&zip);
    let json = |name: &str| -> serde_json::Value {
        serde_json::from_slice(
            entries
                .get(name)
                .unwrap_or_else(|| panic!("{name} in {:?}", entries.keys())),
        )
        .unwrap()
    };
    // Basic info in full: it is the graduate's own.
    let info = json("2026/basic-info.json");
    assert_eq!(info["id_number"], id_for(1, false));
    assert_eq!(info["name"], "学生1");
    // Every item, each with its history.
    let items = json("2026/items.json");
    let ids: Vec<i64> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["item"]["id"].as_i64().unwrap())
        .collect();
    let mut own: Vec<i64> = w
        .engine
        .list_items(&g1, None, None)
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    own.sort_unstable();
    let mut listed = ids.clone();
    listed.sort_unstable();
    assert_eq!(listed, own);
    assert!(listed.contains(&draft) && listed.contains(&signed));
    assert!(items
        .as_array()
        .unwrap()
        .iter()
        .all(|i| !i["history"].as_array().unwrap().is_empty()));
    // The agreement's PDF, under its number; the uploaded file, as stored.
    let number = w
        .engine
        .item_detail(&g1, signed, w.t0)
        .await
        .unwrap()
        .item
        .agreement_number
        .unwrap();
    assert!(entries[&format!("2026/agreements/{number}.pdf")].starts_with(b"%PDF"));
    let detail = w.engine.item_detail(&g1, draft, w.t0).await.unwrap();
    let hash = detail.item.payload["proofs"][0]["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let stored = w.engine.item_file(&g1, draft, &hash, w.t0).await.unwrap();
    assert_eq!(
        entries[&format!("2026/files/{draft}-1-录取通知书.jpg")],
        stored
    );
    // The messages, and the account.
    let messages = json("messages.json");
    assert_eq!(
        messages.as_array().unwrap().len(),
        w.engine.messages(&g1).await.unwrap().len()
    );
    assert!(!messages.as_array().unwrap().is_empty());
    assert!(entries.contains_key("README.txt"));
    let account = json("account.json");
    assert_eq!(account["exportedAt"], w.t0 + 600);
    assert_eq!(account["account"]["login"], "202600001");
    // Another graduate's archive holds nothing of graduate 1.
    w.confirm(2).await;
    let other = archive_entries(
        &w.engine
            .graduate_data_export(w.g(2), fonts, w.t0)
            .await
            .unwrap(),
    );
    let id1 = id_for(1, false);
    assert!(other
        .values()
        .all(|bytes| !String::from_utf8_lossy(bytes).contains(&id1)));
    // Only the graduate themself asks for it.
    for who in [&w.admin, &w.school_rev, &w.dep_rev_a, &w.employers[0]] {
        assert_eq!(
            code(w.engine.graduate_data_export(who, fonts, w.t0).await),
            ErrorCode::Forbidden
        );
    }
}

// ---------------------------------------------------------------- R-SIGN

async fn r_sign_01_employer_invites_with_terms_and_deadline(w: World) {
    let id = w.invite(0, 1, w.t0).await.unwrap();
    let d = w.engine.item_detail(w.g(1), id, w.t0).await.unwrap();
    assert_eq!(d.item.state, "pending");
    assert_eq!(d.item.deadline, Some(end_of_day_after(w.t0, 5)));
    assert_eq!(d.item.payload["terms"]["position"], "软件工程师");
    assert_eq!(
        d.item.employer_name.as_deref(),
        Some("北京测试科技有限公司1")
    );
    // Bad terms are refused naming the field; an unapproved employer cannot invite.
    let mut bad = terms();
    bad.archive_postcode = "12".into();
    let g = w.engine.graduate(&w.admin, w.gid(2)).await.unwrap();
    let e = w
        .engine
        .invite(
            &w.employers[0],
            &InviteInput {
                graduate: GraduateLookup::StudentNumber {
                    name: g.name.clone(),
                    student_number: g.student_number.clone(),
                },
                terms: bad,
                deadline_days: None,
            },
            w.t0,
        )
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "archive_postcode");
    let new = w
        .engine
        .employer_sign_up(
            &EmployerSignUp {
                details: employer_details(3),
                login: "emp3".into(),
                password: "employer123".into(),
                display_name: "李".into(),
            },
            w.t0,
        )
        .await
        .unwrap();
    let e = w
        .engine
        .invite(
            &new.actor(),
            &InviteInput {
                graduate: GraduateLookup::StudentNumber {
                    name: g.name.clone(),
                    student_number: g.student_number.clone(),
                },
                terms: terms(),
                deadline_days: None,
            },
            w.t0,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::EmployerNotApproved);
    // Over the school's limit.
    let e = w
        .engine
        .invite(
            &w.employers[0],
            &InviteInput {
                graduate: GraduateLookup::StudentNumber {
                    name: g.name,
                    student_number: g.student_number,
                },
                terms: terms(),
                deadline_days: Some(16),
            },
            w.t0,
        )
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "deadline");
}

async fn r_sign_02_deadline_is_exclusive_and_decided_by_the_engine(w: World) {
    w.confirm(1).await;
    w.confirm(2).await;
    let a = w.invite(0, 1, w.t0).await.unwrap();
    let b = w.invite(0, 2, w.t0).await.unwrap();
    let deadline = end_of_day_after(w.t0, 5);
    // One second before the deadline is on time; at the deadline it is not.
    w.engine
        .reject_invitation(w.g(1), a, deadline - 1)
        .await
        .unwrap();
    let before = w.digest().await;
    assert_eq!(
        code(w.engine.accept_invitation(w.g(2), b, deadline).await),
        ErrorCode::Expired
    );
    assert_eq!(
        code(w.engine.reject_invitation(w.g(2), b, deadline).await),
        ErrorCode::Expired
    );
    assert_eq!(w.digest().await, before);
    let r = w
        .engine
        .sweep(&Actor::system(), deadline - 1)
        .await
        .unwrap();
    assert_eq!(r.expired, 0);
    let r = w.engine.sweep(&Actor::system(), deadline).await.unwrap();
    assert_eq!(r.expired, 1);
    assert_eq!(w.state(b).await, "expired");
    assert_eq!(
        code(w.engine.accept_invitation(w.g(2), b, w.t0).await),
        ErrorCode::Expired,
        "an expired invitation is never answered, whatever the clock says later"
    );
}

async fn r_sign_03_one_agreement_at_a_time_others_view_only(w: World) {
    w.confirm(1).await;
    let a = w.invite(0, 1, w.t0).await.unwrap();
    let b = w.invite(1, 1, w.t0).await.unwrap();
    w.engine.accept_invitation(w.g(1), a, w.t0).await.unwrap();
    let before = w.digest().await;
    assert_eq!(
        code(w.engine.accept_invitation(w.g(1), b, w.t0).await),
        ErrorCode::SigningLocked
    );
    assert_eq!(
        code(w.engine.reject_invitation(w.g(1), b, w.t0).await),
        ErrorCode::SigningLocked
    );
    assert_eq!(w.digest().await, before);
    let d = w.engine.item_detail(w.g(1), b, w.t0).await.unwrap();
    assert!(d.allowed.is_empty());
    assert_eq!(d.blocked_reason.unwrap().code, ErrorCode::SigningLocked);
    // After the agreement fails review, the other invitation can be answered again.
    let v = w.version(a).await;
    w.engine
        .review(
            &w.dep_rev_a,
            a,
            v,
            ReviewDecision::Reject {
                reason: "单位信息有误".into(),
            },
            w.t0,
        )
        .await
        .unwrap();
    w.engine.accept_invitation(w.g(1), b, w.t0).await.unwrap();
}

async fn r_sign_04_signed_graduate_still_receives_invitations(w: World) {
    w.confirm(1).await;
    w.signed(1).await;
    let other = w.invite(1, 1, w.t0).await.unwrap();
    assert_eq!(w.state(other).await, "pending");
}

async fn r_sign_05_no_second_invitation_while_one_is_pending(w: World) {
    w.confirm(1).await;
    let a = w.invite(0, 1, w.t0).await.unwrap();
    let before = w.digest().await;
    assert_eq!(
        code(w.invite(0, 1, w.t0).await),
        ErrorCode::DuplicateInvitation
    );
    assert_eq!(w.digest().await, before);
    w.invite(1, 1, w.t0).await.unwrap(); // another employer may
    w.engine.reject_invitation(w.g(1), a, w.t0).await.unwrap();
    let b = w.invite(0, 1, w.t0).await.unwrap(); // after a rejection it may
    w.engine
        .sweep(&Actor::system(), end_of_day_after(w.t0, 5))
        .await
        .unwrap();
    assert_eq!(w.state(b).await, "expired");
    w.invite(0, 1, end_of_day_after(w.t0, 5)).await.unwrap(); // after expiry it may
}

async fn r_sign_06_review_chain_progress_visible_to_both(w: World) {
    w.confirm(1).await;
    let a = w.invite(0, 1, w.t0).await.unwrap();
    w.engine.accept_invitation(w.g(1), a, w.t0).await.unwrap();
    let d = w.engine.item_detail(w.g(1), a, w.t0).await.unwrap();
    assert_eq!(d.item.awaiting_level, Some(Level::Department));
    // The school cannot act before the department; another department cannot act at all.
    assert_eq!(
        code(w.approve(&w.school_rev, a, w.t0).await),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(w.approve(&w.dep_rev_b, a, w.t0).await),
        ErrorCode::Forbidden
    );
    w.approve(&w.dep_rev_a, a, w.t0 + 10).await.unwrap();
    let d = w
        .engine
        .item_detail(&w.employers[0], a, w.t0)
        .await
        .unwrap();
    assert_eq!(
        (d.item.state.as_str(), d.item.awaiting_level),
        ("under_review", Some(Level::School))
    );
    let approvals: Vec<_> = d
        .history
        .iter()
        .filter(|h| h.action == "approve")
        .map(|h| h.level.clone())
        .collect();
    assert_eq!(approvals, vec!["department"]);
}

async fn r_sign_07_last_approval_signs_with_a_unique_number(w: World) {
    w.confirm(1).await;
    w.confirm(2).await;
    let a = w.signed(1).await;
    let b = w.signed(2).await;
    let da = w.engine.item_detail(w.g(1), a, w.t0).await.unwrap().item;
    let db = w.engine.item_detail(w.g(2), b, w.t0).await.unwrap().item;
    assert_eq!(da.state, "signed");
    assert_eq!(da.agreement_number.as_deref(), Some("2026100012000001"));
    assert_eq!(db.agreement_number.as_deref(), Some("2026100012000002"));
    assert_eq!(da.verification_code.as_ref().unwrap().len(), 12);
    assert_eq!(da.snapshot_hash.as_ref().unwrap().len(), 64);
    let de = w
        .engine
        .item_detail(&w.employers[0], a, w.t0)
        .await
        .unwrap();
    assert!(de.allowed.contains(&"request_termination".to_string()));
}

async fn r_sign_08_rejected_review_fails_signing_with_reason(w: World) {
    w.confirm(1).await;
    let a = w.invite(0, 1, w.t0).await.unwrap();
    w.engine.accept_invitation(w.g(1), a, w.t0).await.unwrap();
    w.approve(&w.dep_rev_a, a, w.t0).await.unwrap();
    let v = w.version(a).await;
    w.engine
        .review(
            &w.school_rev,
            a,
            v,
            ReviewDecision::Reject {
                reason: "材料不清晰或不完整".into(),
            },
            w.t0,
        )
        .await
        .unwrap();
    let d = w.engine.item_detail(w.g(1), a, w.t0).await.unwrap();
    assert_eq!(d.item.state, "review_failed");
    assert_eq!(d.history.last().unwrap().reason, "材料不清晰或不完整");
    // To sign again the employer sends a new invitation.
    let b = w.invite(0, 1, w.t0).await.unwrap();
    w.engine.accept_invitation(w.g(1), b, w.t0).await.unwrap();
}

async fn r_sign_09_directed_graduate_cannot_be_invited(w: World) {
    let before = w.digest().await;
    let e = w.invite(0, 4, w.t0).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::DirectedGraduate);
    assert!(e.message.zh.contains("定向"));
    assert_eq!(w.digest().await, before);
}

async fn r_sign_10_effective_destination_blocks_accepting(w: World) {
    w.confirm(1).await;
    let d =
        registered_destination(&w, 1, &destination("job_seeking", &[("status", "求职中")])).await;
    w.approve_all(1, d, w.t0).await;
    let inv = w.invite(0, 1, w.t0).await.unwrap();
    let before = w.digest().await;
    assert_eq!(
        code(w.engine.accept_invitation(w.g(1), inv, w.t0).await),
        ErrorCode::OneDestination
    );
    assert_eq!(w.digest().await, before);
    let detail = w.engine.item_detail(w.g(1), inv, w.t0).await.unwrap();
    assert_eq!(
        detail.blocked_reason.unwrap().code,
        ErrorCode::OneDestination
    );
    // Rejecting stays possible; voiding the 待就业 frees acceptance.
    w.engine.void_destination(w.g(1), d, w.t0).await.unwrap();
    w.engine.accept_invitation(w.g(1), inv, w.t0).await.unwrap();
}

// ---------------------------------------------------------------- R-TERM

async fn r_term_01_either_party_asks_with_reason_and_explanation(w: World) {
    w.confirm(1).await;
    let a = w.signed(1).await;
    assert_eq!(
        code(
            w.engine
                .request_termination(w.g(1), a, "不存在的原因", "", w.t0)
                .await
        ),
        ErrorCode::Validation
    );
    let e = w
        .engine
        .request_termination(w.g(1), a, "其他", "", w.t0)
        .await
        .unwrap_err();
    assert_eq!(
        e.details["field"], "explanation",
        "其他 needs an explanation"
    );
    let over = "解".repeat(201);
    let e = w
        .engine
        .request_termination(w.g(1), a, "双方协商一致解除", &over, w.t0)
        .await
        .unwrap_err();
    assert_eq!(
        (e.details["field"].as_str(), e.details["actual"].as_i64()),
        (Some("explanation"), Some(201))
    );
    let exactly = "𠮷".repeat(200);
    let t = w
        .engine
        .request_termination(w.g(1), a, "其他", &exactly, w.t0)
        .await
        .unwrap();
    let d = w
        .engine
        .item_detail(&w.employers[0], t, w.t0)
        .await
        .unwrap();
    assert_eq!(
        d.item.payload["explanation"]
            .as_str()
            .unwrap()
            .chars()
            .count(),
        200
    );
    assert_eq!(d.item.payload["agreement_number"], "2026100012000001");
    assert_eq!(
        d.item.employer_name.as_deref(),
        Some("北京测试科技有限公司1")
    );
    // Not on an agreement that is not signed.
    let p = w.invite(1, 2, w.t0).await.unwrap();
    assert_eq!(
        code(
            w.engine
                .request_termination(&w.employers[1], p, "双方协商一致解除", "", w.t0)
                .await
        ),
        ErrorCode::InvalidState
    );
}

async fn r_term_02_counterparty_refusal_keeps_agreement(w: World) {
    w.confirm(1).await;
    let a = w.signed(1).await;
    let t = w
        .engine
        .request_termination(
            &w.employers[0],
            a,
            "用人单位原因（岗位取消、经营变化等）",
            "",
            w.t0,
        )
        .await
        .unwrap();
    assert_eq!(
        code(
            w.engine
                .answer_termination(&w.employers[0], t, true, w.t0)
                .await
        ),
        ErrorCode::Forbidden,
        "the initiator cannot answer"
    );
    w.engine
        .answer_termination(w.g(1), t, false, w.t0 + 86400 * 30)
        .await
        .unwrap();
    assert_eq!(w.state(t).await, "counterparty_refused");
    assert_eq!(w.state(a).await, "signed");
    w.engine
        .request_termination(&w.employers[0], a, "双方协商一致解除", "", w.t0)
        .await
        .unwrap();
}

async fn r_term_03_school_approval_terminates_and_frees(w: World) {
    w.confirm(1).await;
    let a = w.signed(1).await;
    let t = w
        .engine
        .request_termination(w.g(1), a, "毕业生升学（考取研究生/专升本）", "", w.t0)
        .await
        .unwrap();
    w.engine
        .answer_termination(&w.employers[0], t, true, w.t0)
        .await
        .unwrap();
    let v = w.version(t).await;
    w.engine
        .review(
            &w.dep_rev_a,
            t,
            v,
            ReviewDecision::Reject {
                reason: "材料未盖章".into(),
            },
            w.t0,
        )
        .await
        .unwrap();
    assert_eq!(
        (w.state(t).await.as_str(), w.state(a).await.as_str()),
        ("review_failed", "signed")
    );
    let t2 = w
        .engine
        .request_termination(w.g(1), a, "毕业生升学（考取研究生/专升本）", "", w.t0)
        .await
        .unwrap();
    w.engine
        .answer_termination(&w.employers[0], t2, true, w.t0)
        .await
        .unwrap();
    w.approve_all(1, t2, w.t0).await;
    assert_eq!(
        (w.state(t2).await.as_str(), w.state(a).await.as_str()),
        ("approved", "terminated")
    );
    registered_destination(&w, 1, &postgraduate()).await; // free again
    let d = w.engine.item_detail(w.g(1), a, w.t0).await.unwrap();
    assert!(
        d.history.iter().any(|h| h.to_state == "approved"),
        "the agreement's timeline shows its termination"
    );
}

async fn r_term_04_one_open_request_at_a_time(w: World) {
    w.confirm(1).await;
    let a = w.signed(1).await;
    let t = w
        .engine
        .request_termination(w.g(1), a, "双方协商一致解除", "", w.t0)
        .await
        .unwrap();
    assert_eq!(
        code(
            w.engine
                .request_termination(&w.employers[0], a, "双方协商一致解除", "", w.t0)
                .await
        ),
        ErrorCode::OpenTermination
    );
    w.engine.cancel_termination(w.g(1), t, w.t0).await.unwrap();
    assert_eq!(
        code(w.engine.cancel_termination(w.g(1), t, w.t0).await),
        ErrorCode::InvalidState
    );
    w.engine
        .request_termination(&w.employers[0], a, "双方协商一致解除", "", w.t0)
        .await
        .unwrap();
}

// ---------------------------------------------------------------- R-OFF

async fn approved_paper(w: &World, n: u32) -> i64 {
    let id = w
        .engine
        .create_paper(w.g(n), &paper(), &[upload("page1.png")], w.t0)
        .await
        .unwrap();
    w.engine
        .submit_registration(w.g(n), id, w.t0)
        .await
        .unwrap();
    w.approve_all(n, id, w.t0).await;
    id
}

async fn r_off_01_offline_termination_needs_reason_explanation_and_scans(w: World) {
    w.confirm(1).await;
    let p = approved_paper(&w, 1).await;
    let before = w.digest().await;
    assert_eq!(
        code(
            w.engine
                .request_offline_termination(
                    w.g(1),
                    p,
                    "毕业生出国出境",
                    "",
                    &[upload("letter.png")],
                    w.t0
                )
                .await
        ),
        ErrorCode::Validation
    );
    let e = w
        .engine
        .request_offline_termination(w.g(1), p, "毕业生出国出境", "已获得国外录取", &[], w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "files");
    let e = w
        .engine
        .request_offline_termination(
            w.g(1),
            p,
            "毕业生出国出境",
            "说明",
            &[Upload::Bytes {
                name: "letter.jpg".into(),
                bytes: b"not an image".to_vec(),
            }],
            w.t0,
        )
        .await
        .unwrap_err();
    assert_eq!(e.details["scan_error"], "scan.not_an_image");
    assert_eq!(w.digest().await, before);
    let t = w
        .engine
        .request_offline_termination(
            w.g(1),
            p,
            "毕业生出国出境",
            "已获得国外录取",
            &[upload("letter.png")],
            w.t0,
        )
        .await
        .unwrap();
    assert_eq!(w.state(t).await, "submitted");
    assert_eq!(
        code(
            w.engine
                .request_offline_termination(
                    w.g(1),
                    p,
                    "毕业生出国出境",
                    "又一次",
                    &[upload("letter.png")],
                    w.t0
                )
                .await
        ),
        ErrorCode::OpenTermination
    );
    // Withdraw before any reviewer acted.
    w.engine
        .withdraw_registration(w.g(1), t, w.t0)
        .await
        .unwrap();
    assert_eq!(w.state(t).await, "withdrawn");
}

async fn r_off_02_approve_return_reject(w: World) {
    w.confirm(1).await;
    let p = approved_paper(&w, 1).await;
    let t = w
        .engine
        .request_offline_termination(
            w.g(1),
            p,
            "毕业生出国出境",
            "说明",
            &[upload("letter.png")],
            w.t0,
        )
        .await
        .unwrap();
    let v = w.version(t).await;
    w.engine
        .review(
            &w.dep_rev_a,
            t,
            v,
            ReviewDecision::Return {
                reason: "材料不清晰或不完整".into(),
            },
            w.t0,
        )
        .await
        .unwrap();
    assert_eq!(w.state(t).await, "returned");
    w.engine
        .edit_offline_termination(
            w.g(1),
            t,
            "毕业生出国出境",
            "补充说明",
            Some(&[upload("letter2.png")]),
            w.t0,
        )
        .await
        .unwrap();
    w.engine.submit_registration(w.g(1), t, w.t0).await.unwrap();
    let v = w.version(t).await;
    w.engine
        .review(
            &w.dep_rev_a,
            t,
            v,
            ReviewDecision::Reject {
                reason: "不符合该去向类型的认定条件".into(),
            },
            w.t0,
        )
        .await
        .unwrap();
    assert_eq!(
        (w.state(t).await.as_str(), w.state(p).await.as_str()),
        ("rejected", "approved")
    );
    let t2 = w
        .engine
        .request_offline_termination(
            w.g(1),
            p,
            "毕业生出国出境",
            "说明",
            &[upload("letter.png")],
            w.t0,
        )
        .await
        .unwrap();
    w.approve_all(1, t2, w.t0).await;
    assert_eq!(w.state(p).await, "terminated");
}

// ---------------------------------------------------------------- R-PAPER

async fn r_paper_01_paper_registration_with_scans(w: World) {
    w.confirm(1).await;
    let e = w
        .engine
        .create_paper(w.g(1), &paper(), &[], w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "files");
    let mut bad = paper();
    bad.employer.credit_code = "91110108MA01ABCDE0".into();
    assert_eq!(
        w.engine
            .create_paper(w.g(1), &bad, &[upload("p.png")], w.t0)
            .await
            .unwrap_err()
            .details["field"],
        "credit_code"
    );
    let id = w
        .engine
        .create_paper(
            w.g(1),
            &paper(),
            &[upload("p1.png"), upload("p2.png")],
            w.t0,
        )
        .await
        .unwrap();
    let d = w.engine.item_detail(w.g(1), id, w.t0).await.unwrap();
    assert_eq!(d.item.state, "draft");
    let hash = d.item.payload["scans"][0]["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let stored = stored_file(&w.engine, &hash)
        .await
        .expect("stored by content hash");
    assert!(
        stored.starts_with(&[0xFF, 0xD8, 0xFF]),
        "R-SCAN-01: re-encoded as JPEG"
    );
    assert_eq!(gradsign_engine::snapshot::sha256_hex(&stored), hash);
    assert_eq!(
        d.item.payload["scans"][0]["original_size"],
        gradsign_engine::demo::BLANK_PNG.len()
    );
    let thumb = d.item.payload["scans"][0]["thumbnail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(stored_file(&w.engine, &thumb)
        .await
        .unwrap()
        .starts_with(&[0xFF, 0xD8]));
    assert_eq!(
        code(
            w.engine
                .create_paper(w.g(4), &paper(), &[upload("p.png")], w.t0)
                .await
        ),
        ErrorCode::InfoNotConfirmed
    );
}

async fn r_paper_02_withdraw_edit_resubmit_before_review(w: World) {
    w.confirm(1).await;
    let id = w
        .engine
        .create_paper(w.g(1), &paper(), &[upload("p.png")], w.t0)
        .await
        .unwrap();
    w.engine
        .submit_registration(w.g(1), id, w.t0)
        .await
        .unwrap();
    assert_eq!(
        code(w.engine.edit_paper(w.g(1), id, &paper(), None, w.t0).await),
        ErrorCode::InvalidState,
        "no edits while submitted"
    );
    w.engine
        .withdraw_registration(w.g(1), id, w.t0)
        .await
        .unwrap();
    let mut changed = paper();
    changed.terms.position = "数据工程师".into();
    w.engine
        .edit_paper(w.g(1), id, &changed, None, w.t0)
        .await
        .unwrap();
    w.engine
        .submit_registration(w.g(1), id, w.t0)
        .await
        .unwrap();
    w.approve(&w.dep_rev_a, id, w.t0).await.unwrap();
    assert_eq!(
        code(w.engine.withdraw_registration(w.g(1), id, w.t0).await),
        ErrorCode::InvalidState,
        "no withdrawal once a reviewer acted"
    );
    let d = w.engine.item_detail(w.g(1), id, w.t0).await.unwrap();
    assert_eq!(d.item.payload["terms"]["position"], "数据工程师");
}

async fn r_paper_03_return_and_reject(w: World) {
    w.confirm(1).await;
    let id = w
        .engine
        .create_paper(w.g(1), &paper(), &[upload("p.png")], w.t0)
        .await
        .unwrap();
    w.engine
        .submit_registration(w.g(1), id, w.t0)
        .await
        .unwrap();
    w.approve(&w.dep_rev_a, id, w.t0).await.unwrap();
    let v = w.version(id).await;
    assert_eq!(
        code(
            w.engine
                .review(
                    &w.school_rev,
                    id,
                    v,
                    ReviewDecision::Return { reason: " ".into() },
                    w.t0
                )
                .await
        ),
        ErrorCode::Validation,
        "return needs a reason"
    );
    w.engine
        .review(
            &w.school_rev,
            id,
            v,
            ReviewDecision::Return {
                reason: "材料未盖章".into(),
            },
            w.t0,
        )
        .await
        .unwrap();
    assert_eq!(w.state(id).await, "returned");
    w.engine
        .edit_paper(w.g(1), id, &paper(), Some(&[upload("stamped.png")]), w.t0)
        .await
        .unwrap();
    w.engine
        .submit_registration(w.g(1), id, w.t0)
        .await
        .unwrap();
    let d = w.engine.item_detail(&w.dep_rev_a, id, w.t0).await.unwrap();
    assert_eq!(
        d.item.awaiting_level,
        Some(Level::Department),
        "resubmission starts at the first level"
    );
    let v = w.version(id).await;
    w.engine
        .review(
            &w.dep_rev_a,
            id,
            v,
            ReviewDecision::Reject {
                reason: "登记信息与材料不一致".into(),
            },
            w.t0,
        )
        .await
        .unwrap();
    assert_eq!(w.state(id).await, "rejected");
    assert_eq!(
        code(w.engine.submit_registration(w.g(1), id, w.t0).await),
        ErrorCode::InvalidState,
        "a rejected registration is finished"
    );
    let again = w
        .engine
        .create_paper(w.g(1), &paper(), &[upload("p.png")], w.t0)
        .await
        .unwrap();
    w.engine
        .submit_registration(w.g(1), again, w.t0)
        .await
        .unwrap();
    w.approve_all(1, again, w.t0).await;
    assert_eq!(
        w.engine
            .item_detail(w.g(1), again, w.t0)
            .await
            .unwrap()
            .item
            .agreement_number
            .as_deref(),
        Some("2026100012000001")
    );
}

async fn r_paper_04_approved_paper_ends_only_offline(w: World) {
    w.confirm(1).await;
    let p = approved_paper(&w, 1).await;
    assert_eq!(
        code(w.engine.withdraw_registration(w.g(1), p, w.t0).await),
        ErrorCode::InvalidState
    );
    assert_eq!(
        code(w.engine.void_destination(w.g(1), p, w.t0).await),
        ErrorCode::InvalidState
    );
    assert_eq!(
        code(
            w.engine
                .request_termination(w.g(1), p, "双方协商一致解除", "", w.t0)
                .await
        ),
        ErrorCode::NotFound
    );
    let d = w.engine.item_detail(w.g(1), p, w.t0).await.unwrap();
    assert!(d
        .allowed
        .contains(&"request_offline_termination".to_string()));
}

// ---------------------------------------------------------------- R-DEST

async fn r_dest_01_type_fields_and_proof(w: World) {
    w.confirm(1).await;
    let e = w
        .engine
        .create_destination(
            w.g(1),
            &destination("postgraduate", &[("school", "北京大学")]),
            &[upload("a.png")],
            w.t0,
        )
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "programme");
    let e = w
        .engine
        .create_destination(w.g(1), &postgraduate(), &[], w.t0)
        .await
        .unwrap_err();
    assert_eq!(
        e.details["field"], "files",
        "升学 needs its admission letter"
    );
    let e = w
        .engine
        .create_destination(
            w.g(1),
            &destination(
                "postgraduate",
                &[
                    ("school", "北大"),
                    ("programme", "x"),
                    ("degree_level", "硕士"),
                    ("salary", "1"),
                ],
            ),
            &[upload("a.png")],
            w.t0,
        )
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "salary", "unknown fields are refused");
    // 待就业 needs no proof; its status comes from the list.
    assert_eq!(
        code(
            w.engine
                .create_destination(
                    w.g(1),
                    &destination("job_seeking", &[("status", "随便")]),
                    &[],
                    w.t0
                )
                .await
        ),
        ErrorCode::Validation
    );
    let id = w
        .engine
        .create_destination(
            w.g(1),
            &destination("job_seeking", &[("status", "拟创业")]),
            &[],
            w.t0,
        )
        .await
        .unwrap();
    w.engine
        .submit_registration(w.g(1), id, w.t0)
        .await
        .unwrap();
    w.engine
        .withdraw_registration(w.g(1), id, w.t0)
        .await
        .unwrap();
    assert_eq!(w.state(id).await, "draft");
    let d = w.engine.item_detail(w.g(1), id, w.t0).await.unwrap();
    assert_eq!(d.item.dest_code, "70");
}

async fn r_dest_02_reject_finishes_registration(w: World) {
    w.confirm(1).await;
    let id = registered_destination(&w, 1, &postgraduate()).await;
    let v = w.version(id).await;
    w.engine
        .review(
            &w.dep_rev_a,
            id,
            v,
            ReviewDecision::Reject {
                reason: "去向类型选择错误".into(),
            },
            w.t0,
        )
        .await
        .unwrap();
    assert_eq!(
        code(
            w.engine
                .edit_destination(w.g(1), id, &postgraduate(), None, w.t0)
                .await
        ),
        ErrorCode::InvalidState
    );
    registered_destination(
        &w,
        1,
        &destination(
            "freelance",
            &[
                ("occupation", "设计师"),
                ("clients", "某平台"),
                ("monthly_income", "8000"),
            ],
        ),
    )
    .await;
}

async fn r_dest_03_reviewer_edits_are_kept_and_notified(w: World) {
    w.engine
        .activate_graduate("202600001", &id_for(1, false), "pass12345", w.t0)
        .await
        .unwrap();
    w.confirm(1).await;
    let id = registered_destination(
        &w,
        1,
        &destination(
            "employment_certificate",
            &[
                ("employer", "某公司"),
                ("credit_code", &credit_for(5)),
                ("position", "销售"),
                ("location", "上海"),
                ("monthly_income", "6000"),
            ],
        ),
    )
    .await;
    let v = w.version(id).await;
    let new = destination(
        "labour_contract",
        &[
            ("employer", "某公司"),
            ("credit_code", &credit_for(5)),
            ("nature", "其他企业"),
            ("industry", "零售"),
            ("position", "销售"),
            ("location", "上海"),
            ("contract_start", "2026-07-01"),
            ("contract_end", "2029-06-30"),
            ("salary", "6000"),
        ],
    );
    assert_eq!(
        code(
            w.engine
                .reviewer_edit_destination(&w.school_rev, id, v, &new, w.t0)
                .await
        ),
        ErrorCode::Forbidden,
        "only the level now reviewing"
    );
    let acct = w
        .engine
        .sign_in("202600001", "pass12345", w.t0)
        .await
        .unwrap()
        .account
        .actor();
    w.engine
        .reviewer_edit_destination(&w.dep_rev_a, id, v, &new, w.t0 + 5)
        .await
        .unwrap();
    let d = w.engine.item_detail(&acct, id, w.t0).await.unwrap();
    assert_eq!(
        (
            d.item.dest_code.as_str(),
            d.item.payload["type_id"].as_str()
        ),
        ("11", Some("labour_contract"))
    );
    let edit = d
        .history
        .iter()
        .find(|h| h.action == "reviewer_edit")
        .unwrap();
    assert_eq!(edit.changes["before"]["type_id"], "employment_certificate");
    assert_eq!(edit.changes["after"]["type_id"], "labour_contract");
    assert_eq!(edit.at, w.t0 + 5);
    let msgs = w.engine.messages(&acct).await.unwrap();
    assert!(msgs
        .iter()
        .any(|m| m.kind == "record_modified" && m.item_id == Some(id)));
    let outbox = w.engine.outbox(&w.admin).await.unwrap();
    let channels: Vec<&str> = outbox.iter().map(|m| m.channel.as_str()).collect();
    assert!(channels.contains(&"sms") && channels.contains(&"wechat"));
}

async fn r_dest_04_void_at_once_and_school_still_sees_it(w: World) {
    w.confirm(1).await;
    let id = registered_destination(&w, 1, &postgraduate()).await;
    assert_eq!(
        code(w.engine.void_destination(w.g(1), id, w.t0).await),
        ErrorCode::InvalidState,
        "only approved ones are voided"
    );
    w.approve_all(1, id, w.t0).await;
    w.engine
        .void_destination(w.g(1), id, w.t0 + 99)
        .await
        .unwrap();
    let d = w.engine.item_detail(&w.school_rev, id, w.t0).await.unwrap();
    assert_eq!(d.item.state, "voided");
    assert_eq!(d.history.last().unwrap().at, w.t0 + 99);
    assert!(d.allowed.is_empty());
    registered_destination(&w, 1, &postgraduate()).await;
}

async fn r_dest_05_directed_graduate_sees_only_directed_type(w: World) {
    w.confirm(4).await;
    let before = w.digest().await;
    assert_eq!(
        code(
            w.engine
                .create_destination(w.g(4), &postgraduate(), &[upload("a.png")], w.t0)
                .await
        ),
        ErrorCode::DirectedGraduate
    );
    assert_eq!(
        code(
            w.engine
                .create_paper(w.g(4), &paper(), &[upload("a.png")], w.t0)
                .await
        ),
        ErrorCode::DirectedGraduate
    );
    assert_eq!(w.digest().await, before);
    let id = w
        .engine
        .create_destination(
            w.g(4),
            &destination("directed", &[("position", "技术员")]),
            &[upload("a.png")],
            w.t0,
        )
        .await
        .unwrap();
    w.engine
        .submit_registration(w.g(4), id, w.t0)
        .await
        .unwrap();
    w.confirm(1).await;
    assert_eq!(
        code(
            w.engine
                .create_destination(
                    w.g(1),
                    &destination("directed", &[("position", "x")]),
                    &[upload("a.png")],
                    w.t0
                )
                .await
        ),
        ErrorCode::Validation
    );
    // Changing graduate 2 to 定向 withdraws pending invitations and notifies the employer.
    w.confirm(2).await;
    let inv = w.invite(0, 2, w.t0).await.unwrap();
    let g = w.engine.graduate(&w.admin, w.gid(2)).await.unwrap();
    w.engine
        .fix_graduate(
            &w.admin,
            w.gid(2),
            g.version,
            &GraduateFix {
                training_mode: Some("定向".into()),
                directed_unit: Some("某市教育局".into()),
                ..Default::default()
            },
            w.t0,
        )
        .await
        .unwrap();
    assert_eq!(w.state(inv).await, "withdrawn");
    let msgs = w.engine.messages(&w.employers[0]).await.unwrap();
    assert!(msgs
        .iter()
        .any(|m| m.kind == "invitation_withdrawn" && m.item_id == Some(inv)));
}

// ---------------------------------------------------------------- R-ONE

async fn r_one_01_one_destination_at_a_time(w: World) {
    w.confirm(1).await;
    let d = registered_destination(&w, 1, &postgraduate()).await;
    let before = w.digest().await;
    let p = w
        .engine
        .create_paper(w.g(1), &paper(), &[upload("p.png")], w.t0)
        .await
        .unwrap();
    assert_eq!(
        code(w.engine.submit_registration(w.g(1), p, w.t0).await),
        ErrorCode::OneDestination
    );
    let inv = w.invite(0, 1, w.t0).await.unwrap();
    assert_eq!(
        code(w.engine.accept_invitation(w.g(1), inv, w.t0).await),
        ErrorCode::OneDestination
    );
    assert_ne!(w.digest().await, before); // the draft and the invitation were created
    w.engine
        .withdraw_registration(w.g(1), d, w.t0)
        .await
        .unwrap();
    w.engine.submit_registration(w.g(1), p, w.t0).await.unwrap();
    assert!(w.engine.check(&Actor::system(), None).await.unwrap().ok());
}

// ---------------------------------------------------------------- R-REV

async fn r_rev_01_chain_per_cohort_and_kept_per_item(w: World) {
    w.confirm(1).await;
    w.confirm(2).await;
    let a = registered_destination(&w, 1, &postgraduate()).await; // under both
    w.engine
        .configure_cohort(
            &w.admin,
            &CohortSettings {
                year: 2026,
                chain: ReviewChain::School,
                invite_limit_days: 15,
                changes_until: None,
                agreement_title: None,
            },
            w.t0,
        )
        .await
        .unwrap();
    let b = registered_destination(&w, 2, &postgraduate()).await; // under school only
    assert_eq!(
        w.engine
            .item_detail(&w.admin, a, w.t0)
            .await
            .unwrap()
            .item
            .awaiting_level,
        Some(Level::Department)
    );
    assert_eq!(
        w.engine
            .item_detail(&w.admin, b, w.t0)
            .await
            .unwrap()
            .item
            .awaiting_level,
        Some(Level::School)
    );
    w.approve(&w.school_rev, b, w.t0).await.unwrap();
    assert_eq!(w.state(b).await, "approved");
    w.approve_all(1, a, w.t0).await;
    assert_eq!(w.state(a).await, "approved");
    w.engine
        .configure_cohort(
            &w.admin,
            &CohortSettings {
                year: 2026,
                chain: ReviewChain::Department,
                invite_limit_days: 15,
                changes_until: None,
                agreement_title: None,
            },
            w.t0,
        )
        .await
        .unwrap();
    w.confirm(5).await;
    let c = registered_destination(&w, 5, &postgraduate()).await;
    assert_eq!(
        code(w.approve(&w.dep_rev_a, c, w.t0).await),
        ErrorCode::Forbidden,
        "another department's reviewer"
    );
    w.approve(&w.dep_rev_b, c, w.t0).await.unwrap();
    assert_eq!(w.state(c).await, "approved");
}

async fn r_rev_02_stale_decision_is_already_reviewed(w: World) {
    w.confirm(1).await;
    let id = registered_destination(&w, 1, &postgraduate()).await;
    let v = w.version(id).await;
    w.engine
        .review(
            &w.dep_rev_a,
            id,
            v,
            ReviewDecision::Approve {
                note: String::new(),
            },
            w.t0,
        )
        .await
        .unwrap();
    let before = w.digest().await;
    let e = w
        .engine
        .review(
            &w.dep_rev_a,
            id,
            v,
            ReviewDecision::Approve {
                note: String::new(),
            },
            w.t0,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::AlreadyReviewed);
    assert_eq!(w.digest().await, before);
}

async fn r_rev_03_decisions_kept_with_reviewer_level_time_reason(w: World) {
    w.confirm(1).await;
    let id = registered_destination(&w, 1, &postgraduate()).await;
    let v = w.version(id).await;
    w.engine
        .review(
            &w.dep_rev_a,
            id,
            v,
            ReviewDecision::Approve {
                note: "材料齐全".into(),
            },
            w.t0 + 1,
        )
        .await
        .unwrap();
    let v = w.version(id).await;
    assert_eq!(
        code(
            w.engine
                .review(
                    &w.school_rev,
                    id,
                    v,
                    ReviewDecision::Reject {
                        reason: String::new()
                    },
                    w.t0
                )
                .await
        ),
        ErrorCode::Validation
    );
    w.engine
        .review(
            &w.school_rev,
            id,
            v,
            ReviewDecision::Return {
                reason: "材料不清晰或不完整".into(),
            },
            w.t0 + 2,
        )
        .await
        .unwrap();
    let h = w
        .engine
        .item_detail(w.g(1), id, w.t0)
        .await
        .unwrap()
        .history;
    let d: Vec<_> = h
        .iter()
        .filter(|e| !e.level.is_empty())
        .map(|e| {
            (
                e.action.as_str(),
                e.level.as_str(),
                e.reason.as_str(),
                e.at,
                e.actor_role.as_str(),
            )
        })
        .collect();
    assert_eq!(
        d,
        vec![
            (
                "approve",
                "department",
                "材料齐全",
                w.t0 + 1,
                "department_reviewer"
            ),
            (
                "return",
                "school",
                "材料不清晰或不完整",
                w.t0 + 2,
                "school_reviewer"
            )
        ]
    );
}

// ---------------------------------------------------------------- R-NOTE

async fn r_note_01_in_app_messages_for_each_event(w: World) {
    let s = w
        .engine
        .activate_graduate("202600001", &id_for(1, false), "pass12345", w.t0)
        .await
        .unwrap();
    let me = s.account.actor();
    w.engine.confirm_info(&me, w.t0).await.unwrap();
    let inv = w.invite(0, 1, w.t0).await.unwrap();
    w.engine
        .sweep(&Actor::system(), end_of_day_after(w.t0, 5) - 3600)
        .await
        .unwrap();
    w.engine
        .sweep(&Actor::system(), end_of_day_after(w.t0, 5) - 1800)
        .await
        .unwrap();
    w.engine.accept_invitation(&me, inv, w.t0).await.unwrap();
    w.approve_all(1, inv, w.t0).await;
    w.engine
        .request_termination(&w.employers[0], inv, "双方协商一致解除", "", w.t0)
        .await
        .unwrap();
    let kinds: Vec<String> = w
        .engine
        .messages(&me)
        .await
        .unwrap()
        .into_iter()
        .rev()
        .map(|m| m.kind)
        .collect();
    assert_eq!(
        kinds,
        vec![
            "invitation_received",
            "review_result",
            "review_result",
            "termination_requested",
            // Written by the sweep at its later time: the newest (R-NOTE-06).
            "invitation_expiring",
        ],
        "one reminder only"
    );
    let employer_kinds: Vec<String> = w
        .engine
        .messages(&w.employers[0])
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.kind)
        .collect();
    assert!(employer_kinds.contains(&"answer_received".to_string()));
    let m = &w.engine.messages(&me).await.unwrap()[0];
    w.engine.mark_message_read(&me, m.id, w.t0).await.unwrap();
    assert!(w.engine.messages(&me).await.unwrap()[0].read);
    assert_eq!(
        code(
            w.engine
                .mark_message_read(&w.employers[0], m.id, w.t0)
                .await
        ),
        ErrorCode::NotFound
    );
}

async fn r_note_06_messages_are_listed_newest_first_by_their_time(w: World) {
    let s = w
        .engine
        .activate_graduate("202600001", &id_for(1, false), "pass12345", w.t0)
        .await
        .unwrap();
    let me = s.account.actor();
    w.engine.confirm_info(&me, w.t0).await.unwrap();
    // Written in the opposite order of their times (as the demo school's backdated records are).
    w.invite(0, 1, w.t0 + 200).await.unwrap();
    w.invite(1, 1, w.t0 + 100).await.unwrap();
    let listed = w.engine.messages(&me).await.unwrap();
    let times: Vec<i64> = listed.iter().map(|m| m.created_at).collect();
    assert_eq!(times, vec![w.t0 + 200, w.t0 + 100]);
    assert!(
        listed[0].id < listed[1].id,
        "the newer message was written first"
    );
}

async fn r_note_02_school_changes_go_to_outbox_not_sent_without_gateway(w: World) {
    let g = w.engine.graduate(&w.admin, w.gid(1)).await.unwrap();
    w.engine
        .fix_graduate(
            &w.admin,
            w.gid(1),
            g.version,
            &GraduateFix {
                origin: Some("上海".into()),
                ..Default::default()
            },
            w.t0,
        )
        .await
        .unwrap();
    let r = w
        .engine
        .deliver_outbox(&Actor::system(), w.t0)
        .await
        .unwrap();
    assert_eq!(r.no_gateway, 2);
    let out = w.engine.outbox(&w.admin).await.unwrap();
    assert!(out.iter().all(|m| m.status == "not_sent_no_gateway"));
    assert_eq!(
        code(w.engine.outbox(&w.school_rev).await),
        ErrorCode::Forbidden
    );
}

// ---------------------------------------------------------------- R-AUDIT

async fn r_audit_01_every_action_one_entry_and_tampering_detected(w: World) {
    w.confirm(1).await;
    let n0 = w.history_len().await;
    let id = w.invite(0, 1, w.t0).await.unwrap();
    assert_eq!(w.history_len().await, n0 + 1);
    w.engine.accept_invitation(w.g(1), id, w.t0).await.unwrap();
    assert_eq!(w.history_len().await, n0 + 2);
    let _ = w
        .engine
        .accept_invitation(w.g(1), id, w.t0)
        .await
        .unwrap_err();
    assert_eq!(
        w.history_len().await,
        n0 + 2,
        "a refused action writes nothing"
    );
    let head = w.engine.head_hash(&w.admin).await.unwrap();
    let r = w.engine.check(&w.admin, Some(&head)).await.unwrap();
    assert!(r.ok(), "{:?}", r);
    let mut c = w.engine.store().read().await.unwrap();
    sqlx::query("UPDATE history SET reason = 'changed' WHERE seq = 3")
        .execute(&mut *c)
        .await
        .unwrap();
    let r = w.engine.check(&Actor::system(), None).await.unwrap();
    assert!(
        r.chain.problems.iter().any(|p| p.starts_with("entry 3:")),
        "{:?}",
        r.chain.problems
    );
    sqlx::query("UPDATE history SET reason = '' WHERE seq = 3")
        .execute(&mut *c)
        .await
        .unwrap();
    assert!(w.engine.check(&Actor::system(), None).await.unwrap().ok());
    // Cutting off the tail and making everything around it consistent (the scope's head row, the
    // seals rewritten from scratch) is caught by the head noted earlier (tests/history.rs has
    // each kind of tampering on its own).
    let last: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT MAX(seq) AS s FROM history")
            .fetch_one(&mut *c)
            .await
            .unwrap(),
        "s",
    )
    .unwrap();
    let row = sqlx::query("SELECT scope, scope_seq, prev_hash FROM history WHERE seq = $1")
        .bind(last)
        .fetch_one(&mut *c)
        .await
        .unwrap();
    let scope: String = sqlx::Row::try_get(&row, "scope").unwrap();
    let scope_seq: i64 = sqlx::Row::try_get(&row, "scope_seq").unwrap();
    let prev: String = sqlx::Row::try_get(&row, "prev_hash").unwrap();
    sqlx::query("DELETE FROM history WHERE seq = $1")
        .bind(last)
        .execute(&mut *c)
        .await
        .unwrap();
    sqlx::query("UPDATE chain_heads SET seq = $1, hash = $2 WHERE scope = $3")
        .bind(scope_seq - 1)
        .bind(&prev)
        .bind(&scope)
        .execute(&mut *c)
        .await
        .unwrap();
    for sql in [
        "DELETE FROM seals",
        "DELETE FROM sealed_heads",
        "UPDATE seal_head SET seq = 0, hash = '0000000000000000000000000000000000000000000000000000000000000000'",
    ] {
        sqlx::query(sql).execute(&mut *c).await.unwrap();
    }
    assert!(
        w.engine.check(&Actor::system(), None).await.unwrap().ok(),
        "without the noted head the cut is invisible"
    );
    let r = w.engine.check(&w.admin, Some(&head)).await.unwrap();
    assert!(
        !r.ok() && r.chain.problems.iter().any(|p| p.contains("cut off")),
        "{:?}",
        r.chain.problems
    );
}

// ---------------------------------------------------------------- R-AGR

async fn r_agr_01_terms_are_validated_field_by_field(w: World) {
    let g = w.engine.graduate(&w.admin, w.gid(1)).await.unwrap();
    let lookup = GraduateLookup::IdNumber {
        name: g.name.clone(),
        id_number: g.id_number.clone(),
    };
    for (field, mutate) in [
        (
            "position",
            Box::new(|t: &mut AgreementTerms| t.position = " ".into())
                as Box<dyn Fn(&mut AgreementTerms)>,
        ),
        (
            "archive_handling",
            Box::new(|t: &mut AgreementTerms| t.archive_handling = "随便".into()),
        ),
        (
            "archive_receiving_unit",
            Box::new(|t: &mut AgreementTerms| t.archive_receiving_unit = "".into()),
        ),
        (
            "salary",
            Box::new(|t: &mut AgreementTerms| t.salary = "".into()),
        ),
    ] {
        let mut t = terms();
        mutate(&mut t);
        let e = w
            .engine
            .invite(
                &w.employers[0],
                &InviteInput {
                    graduate: lookup.clone(),
                    terms: t,
                    deadline_days: None,
                },
                w.t0,
            )
            .await
            .unwrap_err();
        assert_eq!(e.details["field"], field);
    }
    // 回生源地 needs no receiving unit.
    let mut t = terms();
    t.archive_handling = "回生源地".into();
    t.archive_receiving_unit = String::new();
    t.archive_address = String::new();
    t.archive_postcode = String::new();
    w.engine
        .invite(
            &w.employers[0],
            &InviteInput {
                graduate: lookup,
                terms: t,
                deadline_days: None,
            },
            w.t0,
        )
        .await
        .unwrap();
}

async fn r_agr_02_numbers_per_cohort_level_never_reused(w: World) {
    w.confirm(1).await;
    w.confirm(2).await;
    let a = w.signed(1).await;
    let t = w
        .engine
        .request_termination(w.g(1), a, "双方协商一致解除", "", w.t0)
        .await
        .unwrap();
    w.engine
        .answer_termination(&w.employers[0], t, true, w.t0)
        .await
        .unwrap();
    w.approve_all(1, t, w.t0).await;
    let p = approved_paper(&w, 2).await;
    let b = w.signed(1).await;
    let mut nums = Vec::new();
    for id in [a, p, b] {
        nums.push(
            w.engine
                .item_detail(&w.admin, id, w.t0)
                .await
                .unwrap()
                .item
                .agreement_number
                .unwrap(),
        );
    }
    // Paper agreements share the serial; a terminated agreement's number is not reused.
    assert_eq!(
        nums,
        vec!["2026100012000001", "2026100012000002", "2026100012000003"]
    );
}

// ---------------------------------------------------------------- R-STAT

async fn r_stat_01_placement_rate_and_watched_shares(w: World) {
    for n in [1, 2, 3, 4, 5] {
        w.confirm(n).await;
    }
    w.signed(1).await; // 10
    let d = registered_destination(
        &w,
        2,
        &destination(
            "freelance",
            &[
                ("occupation", "设计师"),
                ("clients", "平台"),
                ("monthly_income", "8000"),
            ],
        ),
    )
    .await;
    w.approve_all(2, d, w.t0).await; // 76
    let j =
        registered_destination(&w, 3, &destination("job_seeking", &[("status", "求职中")])).await;
    w.approve_all(3, j, w.t0).await; // 70: not placed
    let x =
        registered_destination(&w, 4, &destination("directed", &[("position", "技术员")])).await;
    w.approve_all(4, x, w.t0).await; // directed supplement: 10
    let pending = registered_destination(&w, 5, &postgraduate()).await; // pending: not placed
    let _ = pending;
    let s = w.engine.statistics(&w.school_rev, 2026).await.unwrap();
    assert_eq!((s.overall.total, s.overall.placed), (6, 3));
    assert!((s.overall.rate - 0.5).abs() < 1e-9);
    assert!((s.watched_shares["76"] - 1.0 / 6.0).abs() < 1e-9);
    assert_eq!(s.watched_shares["12"], 0.0);
    assert!(s.formula_zh.contains("落实率"));
    let a = s
        .by_department
        .iter()
        .find(|g| g.name == "计算机学院")
        .unwrap();
    assert_eq!((a.total, a.placed), (4, 3));
    let ds = w.engine.statistics(&w.dep_rev_b, 2026).await.unwrap();
    assert_eq!(
        (ds.overall.total, ds.overall.placed),
        (2, 0),
        "a department reviewer sees their department"
    );
    assert_eq!(
        code(w.engine.statistics(w.g(1), 2026).await),
        ErrorCode::Forbidden
    );
}

// ---------------------------------------------------------------- R-IMPORT

async fn r_import_01_all_or_nothing_with_row_numbers(w: World) {
    let before = w.digest().await;
    let mut rows: Vec<ImportRow> = (100..105u32)
        .map(|n| ImportRow {
            line: (n - 98) as usize,
            cells: import_cells(n, "计算机学院", "非定向"),
        })
        .collect();
    rows[1].cells[3] = rows[1].cells[3].replace('X', "1").chars().rev().collect(); // garbled ID
    rows[2].cells[3] = "4.10101200301E+17".into();
    rows[3].cells[6] = "不存在学院".into();
    rows[4].cells[0] = rows[0].cells[0].clone();
    let e = w
        .engine
        .import_graduates(&w.admin, 2026, &header(), &rows, w.t0)
        .await
        .unwrap_err();
    let problems: Vec<(i64, String)> = e.details["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["line"].as_i64().unwrap(),
                p["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        vec![
            (3, "身份证号".into()),
            (4, "身份证号".into()),
            (5, "院系".into()),
            (6, "学号".into())
        ]
    );
    assert!(e.details["rows"][1]["reason_zh"]
        .as_str()
        .unwrap()
        .contains("舍入"));
    assert_eq!(w.digest().await, before, "nothing imported");
    // Lowercase x and stray spaces are fine; re-import updates and records; absent rows stay.
    let mut ok: Vec<ImportRow> = vec![ImportRow {
        line: 2,
        cells: import_cells(1, "计算机学院", "非定向"),
    }];
    ok[0].cells[5] = "  人工智能 ".into();
    ok[0].cells[3] = format!(" {} ", ok[0].cells[3].to_lowercase());
    let r = w
        .engine
        .import_graduates(&w.admin, 2026, &header(), &ok, w.t0)
        .await
        .unwrap();
    assert_eq!((r.created, r.updated, r.unchanged), (0, 1, 0));
    assert_eq!(
        w.engine.graduate(&w.admin, w.gid(1)).await.unwrap().major,
        "人工智能"
    );
    assert_eq!(
        w.engine.graduate(&w.admin, w.gid(2)).await.unwrap().major,
        "计算机科学与技术"
    );
    let mut bad_header = header();
    bad_header[0] = "学号码".into();
    assert_eq!(
        w.engine
            .import_graduates(&w.admin, 2026, &bad_header, &ok, w.t0)
            .await
            .unwrap_err()
            .details["rows"][0]["line"],
        1
    );
    // An ID number already used by another student number of the cohort.
    let mut dup = import_cells(200, "计算机学院", "非定向");
    dup[3] = id_for(2, true);
    dup[2] = "男".into();
    let e = w
        .engine
        .import_graduates(
            &w.admin,
            2026,
            &header(),
            &[ImportRow {
                line: 2,
                cells: dup,
            }],
            w.t0,
        )
        .await
        .unwrap_err();
    assert_eq!(e.details["rows"][0]["field"], "身份证号");
    assert_eq!(
        code(
            w.engine
                .import_graduates(&w.dep_rev_a, 2026, &header(), &ok, w.t0)
                .await
        ),
        ErrorCode::Forbidden
    );
}

// ---------------------------------------------------------------- R-VERIFY (engine side)

async fn r_verify_01_code_and_hash_checked_and_throttled(w: World) {
    w.confirm(1).await;
    let a = w.signed(1).await;
    let item = w.engine.item_detail(&w.admin, a, w.t0).await.unwrap().item;
    let (vc, hash) = (item.verification_code.unwrap(), item.snapshot_hash.unwrap());
    let r = w
        .engine
        .verify_agreement("c1", &vc.to_lowercase(), &hash, w.t0)
        .await
        .unwrap();
    assert!(r.exists && r.hash_matches);
    assert_eq!(r.state.as_deref(), Some("effective"));
    let mut wrong = hash.clone();
    wrong.replace_range(0..1, if &hash[0..1] == "a" { "b" } else { "a" });
    assert!(
        !w.engine
            .verify_agreement("c1", &vc, &wrong, w.t0)
            .await
            .unwrap()
            .hash_matches
    );
    assert!(
        !w.engine
            .verify_agreement("c1", "ZZZZZZZZZZZZ", &hash, w.t0)
            .await
            .unwrap()
            .exists
    );
    for _ in 0..7 {
        w.engine
            .verify_agreement("c1", &vc, &hash, w.t0 + 1)
            .await
            .unwrap();
    }
    assert_eq!(
        code(w.engine.verify_agreement("c1", &vc, &hash, w.t0 + 2).await),
        ErrorCode::Throttled
    );
    assert!(
        w.engine
            .verify_agreement("c1", &vc, &hash, w.t0 + 70)
            .await
            .is_ok(),
        "the window slides"
    );
}

// ---------------------------------------------------------------- R-PDF (engine side)

async fn r_pdf_02_snapshot_is_frozen_at_signing(w: World) {
    w.confirm(1).await;
    let a = w.signed(1).await;
    let before = w.engine.printable_agreement(w.g(1), a, w.t0).await.unwrap();
    assert_eq!(before.snapshot.number, "2026100012000001");
    assert_eq!(
        before.snapshot.graduate.id_number,
        id_for(1, false),
        "the agreement prints the full ID number"
    );
    assert_eq!(
        gradsign_engine::snapshot::sha256_hex(before.snapshot.canonical_json().unwrap().as_bytes()),
        before.content_hash
    );
    let actions: Vec<&str> = before.timeline.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "发出签约邀请",
            "接受签约邀请",
            "院系审核通过",
            "学校审核通过"
        ]
    );
    // A later fix of basic info does not change the signed snapshot.
    let g = w.engine.graduate(&w.admin, w.gid(1)).await.unwrap();
    w.engine
        .fix_graduate(
            &w.admin,
            w.gid(1),
            g.version,
            &GraduateFix {
                name: Some("学生一".into()),
                ..Default::default()
            },
            w.t0,
        )
        .await
        .unwrap();
    let after = w
        .engine
        .printable_agreement(&w.employers[0], a, w.t0)
        .await
        .unwrap();
    assert_eq!(after.snapshot, before.snapshot);
    assert_eq!(after.content_hash, before.content_hash);
    assert_eq!(after.state, gradsign_documents::AgreementState::Effective);
    assert_eq!(
        code(w.engine.printable_agreement(&w.employers[1], a, w.t0).await),
        ErrorCode::NotFound
    );
    assert_eq!(
        code(w.engine.printable_agreement(w.g(2), a, w.t0).await),
        ErrorCode::NotFound
    );
    let pending = w.invite(1, 2, w.t0).await.unwrap();
    assert_eq!(
        code(
            w.engine
                .printable_agreement(&w.employers[1], pending, w.t0)
                .await
        ),
        ErrorCode::InvalidState
    );
}

async fn r_pdf_03_terminated_agreement_is_marked(w: World) {
    w.confirm(1).await;
    let a = w.signed(1).await;
    let t = w
        .engine
        .request_termination(w.g(1), a, "双方协商一致解除", "", w.t0)
        .await
        .unwrap();
    w.engine
        .answer_termination(&w.employers[0], t, true, w.t0)
        .await
        .unwrap();
    w.approve_all(1, t, w.t0).await;
    let p = w
        .engine
        .printable_agreement(&w.school_rev, a, w.t0)
        .await
        .unwrap();
    assert_eq!(p.state, gradsign_documents::AgreementState::Terminated);
    assert!(p.timeline.iter().any(|e| e.action == "解约学校审核通过"));
    let v = w
        .engine
        .verify_agreement("x", &p.verification_code, &p.content_hash, w.t0)
        .await
        .unwrap();
    assert_eq!(
        (v.state.as_deref(), v.hash_matches),
        (Some("terminated"), true)
    );
}

// ---------------------------------------------------------------- accounts (R-AUTH in docs/rules.md)

async fn r_auth_01_wrong_passwords_throttle_then_unlock(w: World) {
    for _ in 0..5 {
        assert_eq!(
            code(w.engine.sign_in("employer1", "wrong-pass1", w.t0).await),
            ErrorCode::WrongCredentials
        );
    }
    assert_eq!(
        code(w.engine.sign_in("employer1", "employer123", w.t0 + 1).await),
        ErrorCode::Throttled
    );
    let s = w
        .engine
        .sign_in("employer1", "employer123", w.t0 + 15 * 60 + 1)
        .await
        .unwrap();
    assert_eq!(s.account.role, Role::Employer);
    assert_eq!(
        code(w.engine.authenticate(&s.token, s.expires_at).await),
        ErrorCode::Unauthenticated,
        "sessions expire"
    );
    w.engine.sign_out(&s.token).await.unwrap();
    assert_eq!(
        code(w.engine.authenticate(&s.token, w.t0 + 1000).await),
        ErrorCode::Unauthenticated
    );
    assert!(format!("{:?}", s.token).contains("redacted"));
}

async fn r_sign_01_id_numbers_masked_in_lists_but_for_graduate_and_admin(w: World) {
    w.confirm(1).await;
    let id = w.invite(0, 1, w.t0).await.unwrap();
    w.engine.accept_invitation(w.g(1), id, w.t0).await.unwrap();
    let full = id_for(1, false);
    let masked = format!("{}********{}", &full[..6], &full[14..]);
    let by = |a: &Actor| {
        let a = a.clone();
        let e = &w.engine;
        async move {
            e.list_items(&a, Some(ItemKind::Signing), None)
                .await
                .unwrap()[0]
                .id_number
                .clone()
        }
    };
    assert_eq!(by(w.g(1)).await, full);
    assert_eq!(by(&w.admin).await, full);
    assert_eq!(by(&w.employers[0]).await, masked);
    assert_eq!(by(&w.school_rev).await, masked);
    assert_eq!(by(&w.dep_rev_a).await, masked);
    assert!(
        w.engine
            .list_items(&w.dep_rev_b, Some(ItemKind::Signing), None)
            .await
            .unwrap()
            .is_empty(),
        "another department sees nothing"
    );
    assert!(
        w.engine
            .list_items(&w.employers[1], None, None)
            .await
            .unwrap()
            .is_empty(),
        "another employer sees nothing"
    );
    let q = w
        .engine
        .review_queue(
            &w.dep_rev_a,
            &QueueQuery {
                awaiting_me: true,
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(q.rows.len(), 1);
    assert_eq!(q.rows[0].id_number, masked);
    assert_eq!(
        w.engine
            .graduate(&w.school_rev, w.gid(1))
            .await
            .unwrap()
            .id_number,
        masked
    );
    assert_eq!(
        code(w.engine.graduate(&w.dep_rev_b, w.gid(1)).await),
        ErrorCode::NotFound
    );
}

async fn r_auth_03_employer_staff_accounts_share_the_employer(w: World) {
    let staff = w
        .engine
        .add_employer_staff(&w.employers[0], "hr-second", "second123", "第二位HR", w.t0)
        .await
        .unwrap();
    let s = w
        .engine
        .sign_in("hr-second", "second123", w.t0)
        .await
        .unwrap();
    assert_eq!(s.account.employer_id, w.employers[0].employer_id);
    w.confirm(1).await;
    let id = w.invite(0, 1, w.t0).await.unwrap();
    w.engine
        .withdraw_invitation(&staff.actor(), id, w.t0)
        .await
        .unwrap();
    assert_eq!(
        code(
            w.engine
                .add_employer_staff(w.g(1), "xx-staff", "second123", "x", w.t0)
                .await
        ),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(
            w.engine
                .add_employer_staff(&w.employers[1], "hr-second", "second123", "x", w.t0)
                .await
        ),
        ErrorCode::Duplicate
    );
}

async fn r_scan_02_refused_upload_or_action_leaves_no_file(w: World) {
    w.confirm(1).await;
    let before = stored_counts(&w.engine).await;
    let mut truncated = gradsign_engine::demo::BLANK_PNG.to_vec();
    truncated.truncate(30);
    let e = w
        .engine
        .create_paper(
            w.g(1),
            &paper(),
            &[
                upload("ok.png"),
                Upload::Bytes {
                    name: "合同第2页.png".into(),
                    bytes: truncated,
                },
            ],
            w.t0,
        )
        .await
        .unwrap_err();
    assert_eq!(e.details["scan_error"], "scan.truncated");
    assert!(
        e.message.zh.contains("合同第2页.png"),
        "names the file: {}",
        e.message.zh
    );
    assert_eq!(
        stored_counts(&w.engine).await,
        before,
        "the first, good file was not kept"
    );
    // A good scan on an action the engine then refuses: nothing is stored (R-UPLOAD-02).
    w.engine
        .set_module(&w.admin, 2026, false, w.t0)
        .await
        .unwrap();
    assert_eq!(
        code(
            w.engine
                .create_paper(w.g(1), &paper(), &[upload("ok.png")], w.t0)
                .await
        ),
        ErrorCode::ModuleClosed
    );
    assert_eq!(stored_counts(&w.engine).await, before);
}

on_both_backends!(
    r_scan_02_refused_upload_or_action_leaves_no_file,
    r_sign_01_id_numbers_masked_in_lists_but_for_graduate_and_admin,
    r_auth_03_employer_staff_accounts_share_the_employer,
    r_info_01_unconfirmed_graduate_can_do_nothing_else,
    r_info_02_graduate_edits_only_contact_school_fixes_the_rest,
    r_info_03_not_imported_graduate_cannot_activate,
    r_info_04_gender_must_agree_with_id_number,
    r_mod_01_closed_module_refuses_every_workflow_action,
    r_mod_02_earlier_cohort_is_read_only,
    r_mod_04_the_same_id_number_under_another_name_is_another_person_until_the_admin_links_them,
    r_mod_04_the_same_id_number_and_name_need_no_link,
    r_pipl_01_a_graduate_exports_everything_held_about_them,
    r_sign_01_employer_invites_with_terms_and_deadline,
    r_sign_02_deadline_is_exclusive_and_decided_by_the_engine,
    r_sign_03_one_agreement_at_a_time_others_view_only,
    r_sign_04_signed_graduate_still_receives_invitations,
    r_sign_05_no_second_invitation_while_one_is_pending,
    r_sign_06_review_chain_progress_visible_to_both,
    r_sign_07_last_approval_signs_with_a_unique_number,
    r_sign_08_rejected_review_fails_signing_with_reason,
    r_sign_09_directed_graduate_cannot_be_invited,
    r_sign_10_effective_destination_blocks_accepting,
    r_term_01_either_party_asks_with_reason_and_explanation,
    r_term_02_counterparty_refusal_keeps_agreement,
    r_term_03_school_approval_terminates_and_frees,
    r_term_04_one_open_request_at_a_time,
    r_off_01_offline_termination_needs_reason_explanation_and_scans,
    r_off_02_approve_return_reject,
    r_paper_01_paper_registration_with_scans,
    r_paper_02_withdraw_edit_resubmit_before_review,
    r_paper_03_return_and_reject,
    r_paper_04_approved_paper_ends_only_offline,
    r_dest_01_type_fields_and_proof,
    r_dest_02_reject_finishes_registration,
    r_dest_03_reviewer_edits_are_kept_and_notified,
    r_dest_04_void_at_once_and_school_still_sees_it,
    r_dest_05_directed_graduate_sees_only_directed_type,
    r_one_01_one_destination_at_a_time,
    r_rev_01_chain_per_cohort_and_kept_per_item,
    r_rev_02_stale_decision_is_already_reviewed,
    r_rev_03_decisions_kept_with_reviewer_level_time_reason,
    r_note_01_in_app_messages_for_each_event,
    r_note_06_messages_are_listed_newest_first_by_their_time,
    r_note_02_school_changes_go_to_outbox_not_sent_without_gateway,
    r_audit_01_every_action_one_entry_and_tampering_detected,
    r_agr_01_terms_are_validated_field_by_field,
    r_agr_02_numbers_per_cohort_level_never_reused,
    r_stat_01_placement_rate_and_watched_shares,
    r_import_01_all_or_nothing_with_row_numbers,
    r_verify_01_code_and_hash_checked_and_throttled,
    r_auth_01_wrong_passwords_throttle_then_unlock,
    r_pdf_02_snapshot_is_frozen_at_signing,
    r_pdf_03_terminated_agreement_is_marked,
);
