//! Every engine function that reads or changes school data checks the actor itself (R-AUTH-07),
//! the gateway token never leaves the engine (R-NOTE-04), and an employer that may not invite
//! learns nothing about graduates (R-SIGN-14). Each test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use gradsign_engine::*;
use sqlx::Row;

fn code(r: Result<impl std::fmt::Debug>) -> ErrorCode {
    match r {
        Ok(v) => panic!("expected a refusal, got Ok({v:?})"),
        Err(e) => e.code,
    }
}

fn import_file() -> (Vec<String>, Vec<ImportRow>) {
    (
        header(),
        vec![ImportRow {
            line: 2,
            cells: import_cells(40, "计算机学院", "非定向"),
        }],
    )
}

/// R-AUTH-07: departments, cohorts, reason templates, settings, the import check, the sweep,
/// delivery and the integrity check each refuse the roles that have no use for them.
async fn r_auth_07_reads_and_machine_work_check_the_actor(w: World) {
    let system = Actor::system();
    let (g, emp) = (w.g(1).clone(), w.employers[0].clone());
    // Departments: the admin and school reviewers all, a department reviewer their own only.
    assert_eq!(w.engine.departments(&w.admin).await.unwrap().len(), 2);
    assert_eq!(w.engine.departments(&w.school_rev).await.unwrap().len(), 2);
    let own = w.engine.departments(&w.dep_rev_a).await.unwrap();
    assert_eq!(own.iter().map(|d| d.id).collect::<Vec<_>>(), vec![w.dep_a]);
    for a in [&g, &emp, &system] {
        assert_eq!(code(w.engine.departments(a).await), ErrorCode::Forbidden);
    }
    // Cohorts: staff and employers (the invitation window), not graduates nor the system.
    for a in [&w.admin, &w.school_rev, &w.dep_rev_b, &emp] {
        assert_eq!(w.engine.cohorts(a).await.unwrap()[0].year, 2026);
        assert_eq!(
            w.engine.cohort(a, 2026).await.unwrap().invite_limit_days,
            15
        );
    }
    for a in [&g, &system] {
        assert_eq!(code(w.engine.cohorts(a).await), ErrorCode::Forbidden);
        assert_eq!(code(w.engine.cohort(a, 2026).await), ErrorCode::Forbidden);
    }
    // Reason templates: reviewers and the admin.
    for a in [&w.admin, &w.school_rev, &w.dep_rev_a] {
        assert!(!w.engine.reason_templates(a).await.unwrap().is_empty());
    }
    for a in [&g, &emp, &system] {
        assert_eq!(
            code(w.engine.reason_templates(a).await),
            ErrorCode::Forbidden
        );
    }
    // Admin-only settings and the import check.
    assert!(!w.engine.keep_original_scans(&w.admin).await.unwrap());
    assert!(w.engine.gateway_settings(&w.admin).await.unwrap().is_none());
    let (head, rows) = import_file();
    assert!(w
        .engine
        .check_import(&w.admin, 2026, &head, &rows)
        .await
        .unwrap()
        .is_empty());
    for a in [&w.school_rev, &w.dep_rev_a, &g, &emp, &system] {
        assert_eq!(
            code(w.engine.keep_original_scans(a).await),
            ErrorCode::Forbidden
        );
        assert_eq!(
            code(w.engine.gateway_settings(a).await),
            ErrorCode::Forbidden
        );
        assert_eq!(
            code(w.engine.check_import(a, 2026, &head, &rows).await),
            ErrorCode::Forbidden
        );
    }
    // Machine work: the admin or the system.
    for a in [&w.admin, &system] {
        w.engine.sweep(a, w.t0).await.unwrap();
        w.engine.deliver_outbox(a, w.t0).await.unwrap();
        assert!(w.engine.check(a, None).await.unwrap().ok());
        assert_eq!(w.engine.head_hash(a).await.unwrap().len(), 64);
    }
    for a in [&w.school_rev, &w.dep_rev_a, &g, &emp] {
        assert_eq!(code(w.engine.sweep(a, w.t0).await), ErrorCode::Forbidden);
        assert_eq!(
            code(w.engine.deliver_outbox(a, w.t0).await),
            ErrorCode::Forbidden
        );
        assert_eq!(code(w.engine.check(a, None).await), ErrorCode::Forbidden);
        assert_eq!(code(w.engine.head_hash(a).await), ErrorCode::Forbidden);
    }
    // An agreement found by its number only by those who may see it.
    w.confirm(1).await;
    let id = w.signed(1).await;
    let number = w
        .engine
        .item_detail(&w.admin, id, w.t0)
        .await
        .unwrap()
        .item
        .agreement_number
        .unwrap();
    for a in [&w.admin, &w.school_rev, &w.dep_rev_a, &emp, &g] {
        assert_eq!(w.engine.agreement_by_number(a, &number).await.unwrap(), id);
    }
    for a in [&w.dep_rev_b, &w.employers[1], w.g(2), &system] {
        assert_eq!(
            code(w.engine.agreement_by_number(a, &number).await),
            ErrorCode::NotFound
        );
    }
}

/// R-AUTH-07: no account can carry the system role, so no session is ever the system actor.
async fn r_auth_07_no_session_authenticates_as_the_system(w: World) {
    let e = w
        .engine
        .create_staff_account(
            &w.admin,
            &NewStaff {
                login: "machine".into(),
                password: "machine123".into(),
                display_name: "机器".into(),
                role: Role::System,
                department_id: None,
            },
            w.t0,
        )
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "role");
    // Even a row written behind the engine's back does not sign in or authenticate.
    let hash = gradsign_engine::actions::accounts::hash_password_checked("machine123")
        .await
        .unwrap();
    let mut c = w.engine.store().read().await.unwrap();
    let account: i64 = sqlx::query("INSERT INTO accounts (login, role, display_name, password_hash, created_at) VALUES ('machine', 'system', '机器', $1, 0) RETURNING id")
        .bind(&hash)
        .fetch_one(&mut *c)
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    let token = "a-session-token-for-the-system";
    let token_hash = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(token.as_bytes()))
    };
    sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, 0, $3)")
        .bind(&token_hash)
        .bind(account)
        .bind(w.t0 + 3600)
        .execute(&mut *c)
        .await
        .unwrap();
    drop(c);
    assert_eq!(
        code(w.engine.sign_in("machine", "machine123", w.t0).await),
        ErrorCode::WrongCredentials
    );
    assert!(w
        .engine
        .authenticate(&SessionToken(token.into()), w.t0)
        .await
        .is_err());
    assert!(w
        .engine
        .session_account(&SessionToken(token.into()), w.t0)
        .await
        .is_err());
}

async fn stored_gateway(w: &World) -> String {
    let mut c = w.engine.store().read().await.unwrap();
    sqlx::query("SELECT value FROM settings WHERE key = 'gateway'")
        .fetch_one(&mut *c)
        .await
        .unwrap()
        .try_get("value")
        .unwrap()
}

async fn history_of_gateway(w: &World) -> Vec<String> {
    let mut c = w.engine.store().read().await.unwrap();
    sqlx::query("SELECT changes FROM history WHERE action = 'set_gateway' ORDER BY seq")
        .fetch_all(&mut *c)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("changes").unwrap())
        .collect()
}

/// R-NOTE-04: the settings never carry the token; a blank token keeps the stored one (merged in
/// the engine's transaction), a new one replaces it; history says only whether it was replaced.
async fn r_note_04_gateway_token_never_returned_and_kept_when_blank(w: World) {
    let cfg = |url: &str, token: &str| GatewayConfig {
        url: url.into(),
        token: token.into(),
        sms_template: "SMS_1".into(),
        wechat_template: "WX_1".into(),
    };
    let first = cfg("https://gw.example.edu.cn/send", "secret-token-1");
    assert!(!format!("{first:?}").contains("secret-token-1"));
    w.engine
        .set_gateway(&w.admin, Some(&first), w.t0)
        .await
        .unwrap();
    let shown = w.engine.gateway_settings(&w.admin).await.unwrap().unwrap();
    assert_eq!(
        shown,
        GatewaySettings {
            url: "https://gw.example.edu.cn/send".into(),
            sms_template: "SMS_1".into(),
            wechat_template: "WX_1".into(),
            token_set: true,
        }
    );
    let wire = serde_json::to_string(&shown).unwrap();
    assert!(!wire.contains("secret"), "{wire}");
    assert!(!format!("{shown:?}").contains("secret"));
    // A blank token (whitespace too) keeps the stored one while the URL changes.
    w.engine
        .set_gateway(
            &w.admin,
            Some(&cfg(" https://gw2.example.edu.cn/send ", "  ")),
            w.t0,
        )
        .await
        .unwrap();
    let shown = w.engine.gateway_settings(&w.admin).await.unwrap().unwrap();
    assert_eq!(
        (shown.url.as_str(), shown.token_set),
        ("https://gw2.example.edu.cn/send", true)
    );
    assert!(stored_gateway(&w).await.contains("secret-token-1"));
    // A new token replaces it.
    w.engine
        .set_gateway(
            &w.admin,
            Some(&cfg("https://gw2.example.edu.cn/send", "secret-token-2")),
            w.t0,
        )
        .await
        .unwrap();
    let stored = stored_gateway(&w).await;
    assert!(stored.contains("secret-token-2") && !stored.contains("secret-token-1"));
    let history = history_of_gateway(&w).await;
    assert_eq!(history.len(), 3);
    assert!(history.iter().all(|h| !h.contains("secret")), "{history:?}");
    let replaced: Vec<bool> = history
        .iter()
        .map(|h| serde_json::from_str::<serde_json::Value>(h).unwrap()["token_replaced"] == true)
        .collect();
    assert_eq!(replaced, vec![true, false, true]);
    // Removing it: nothing to show; a blank token with nothing stored is an empty token.
    w.engine.set_gateway(&w.admin, None, w.t0).await.unwrap();
    assert!(w.engine.gateway_settings(&w.admin).await.unwrap().is_none());
    w.engine
        .set_gateway(&w.admin, Some(&cfg("http://127.0.0.1:9/send", "")), w.t0)
        .await
        .unwrap();
    assert!(
        !w.engine
            .gateway_settings(&w.admin)
            .await
            .unwrap()
            .unwrap()
            .token_set
    );
    // Only the admin sets it.
    assert_eq!(
        code(
            w.engine
                .set_gateway(&w.school_rev, Some(&first), w.t0)
                .await
        ),
        ErrorCode::Forbidden
    );
}

/// R-SIGN-14: an employer not approved (or disabled) gets one and the same refusal whether the
/// graduate exists, is 定向/委培 or is nobody, and nothing is written.
async fn r_sign_14_unapproved_employer_learns_nothing_about_graduates(w: World) {
    let acc = w
        .engine
        .employer_sign_up(
            &EmployerSignUp {
                details: employer_details(3),
                login: "employer3".into(),
                password: "employer123".into(),
                display_name: "李经理".into(),
            },
            w.t0,
        )
        .await
        .unwrap();
    let emp = acc.actor();
    let invite = |lookup: GraduateLookup| InviteInput {
        graduate: lookup,
        terms: terms(),
        deadline_days: Some(5),
    };
    let by_id = |n: u32| {
        let male = n.is_multiple_of(2);
        GraduateLookup::IdNumber {
            name: format!("学生{n}"),
            id_number: id_for(n, male),
        }
    };
    let lookups = [
        by_id(1),   // exists, 非定向
        by_id(4),   // exists, 定向
        by_id(300), // nobody
        GraduateLookup::StudentNumber {
            name: "学生4".into(),
            student_number: "202600004".into(),
        },
        GraduateLookup::StudentNumber {
            name: "无此人".into(),
            student_number: "209999999".into(),
        },
    ];
    let before = w.digest().await;
    let answers = |emp: Actor| {
        let e = &w.engine;
        let inputs: Vec<InviteInput> = lookups.iter().cloned().map(invite).collect();
        async move {
            let mut out = Vec::new();
            for i in &inputs {
                out.push(e.invite(&emp, i, w.t0).await);
            }
            out
        }
    };
    let refusals = |emp: Actor| {
        let all = answers(emp);
        async move {
            all.await
                .into_iter()
                .map(|r| r.unwrap_err())
                .collect::<Vec<_>>()
        }
    };
    let not_approved = refusals(emp.clone()).await;
    assert!(not_approved.iter().all(|e| *e == not_approved[0]));
    let e = &not_approved[0];
    assert_eq!(e.code, ErrorCode::EmployerNotApproved);
    for leak in ["定向", "委培", "未找到", "directed", "not found"] {
        assert!(
            !e.message.zh.contains(leak) && !e.message.en.contains(leak),
            "{leak}: {e:?}"
        );
    }
    assert_eq!(w.digest().await, before, "a refusal writes nothing");
    // Approved, then disabled by the school: again one answer for everyone.
    let eid = acc.employer_id.unwrap();
    w.engine
        .set_employer_approval(&w.admin, eid, true, w.t0)
        .await
        .unwrap();
    w.engine
        .set_employer_disabled(&w.admin, eid, true, w.t0)
        .await
        .unwrap();
    let before = w.digest().await;
    let disabled = refusals(emp.clone()).await;
    assert!(disabled.iter().all(|e| *e == disabled[0]));
    assert_eq!(disabled[0].code, ErrorCode::EmployerNotApproved);
    assert!(!disabled[0].message.zh.contains("定向"));
    assert_eq!(w.digest().await, before);
    // Enabled again: the usual answers (R-SIGN-09, R-SIGN-11).
    w.engine
        .set_employer_disabled(&w.admin, eid, false, w.t0)
        .await
        .unwrap();
    let answers = answers(emp).await;
    assert!(answers[0].is_ok(), "{:?}", answers[0]);
    let codes: Vec<ErrorCode> = answers
        .into_iter()
        .skip(1)
        .map(|r| r.unwrap_err().code)
        .collect();
    assert_eq!(
        codes,
        vec![
            ErrorCode::DirectedGraduate,
            ErrorCode::NotFound,
            ErrorCode::DirectedGraduate,
            ErrorCode::NotFound
        ]
    );
}

/// R-AUTH-08: the command line acts as a real, enabled admin account, found only by the system.
async fn r_auth_08_the_command_line_acts_as_a_real_admin_account(w: World) {
    let system = Actor::system();
    let admin = w.engine.school_admin(&system, None).await.unwrap();
    assert_eq!(admin, w.admin);
    let named = w.engine.school_admin(&system, Some("admin")).await.unwrap();
    assert_eq!(named, w.admin);
    assert_eq!(
        code(w.engine.school_admin(&system, Some("nobody")).await),
        ErrorCode::NotFound
    );
    // Only the machine asks: a signed-in admin or anyone else is refused.
    for a in [&w.admin, &w.school_rev, &w.employers[0]] {
        assert_eq!(
            code(w.engine.school_admin(a, None).await),
            ErrorCode::Forbidden
        );
    }
    // A disabled admin is never acted as.
    let other = w
        .engine
        .create_staff_account(
            &w.admin,
            &NewStaff {
                login: "office2".into(),
                password: "Office2026pass".into(),
                display_name: "李老师".into(),
                role: Role::SchoolAdmin,
                department_id: None,
            },
            w.t0,
        )
        .await
        .unwrap();
    w.engine
        .set_account_disabled(&w.admin, other.id, true, w.t0)
        .await
        .unwrap();
    assert_eq!(
        code(w.engine.school_admin(&system, Some("office2")).await),
        ErrorCode::NotFound
    );
}

on_both_backends!(
    r_auth_08_the_command_line_acts_as_a_real_admin_account,
    r_auth_07_no_session_authenticates_as_the_system,
    r_note_04_gateway_token_never_returned_and_kept_when_blank,
    r_sign_14_unapproved_employer_learns_nothing_about_graduates;
    engine_only: r_auth_07_reads_and_machine_work_check_the_actor,
);
