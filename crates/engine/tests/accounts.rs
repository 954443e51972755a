//! Accounts (docs/rules.md): activation throttled per student number (R-AUTH-05), failure counters
//! counted by the database (R-AUTH-01), everyone changes their own password (R-AUTH-06), staff and
//! employer logins never look like a student number (R-AUTH-04), only an approved, enabled
//! employer adds staff (R-EMP-02). Each test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use gradsign_engine::actions::accounts::{ACTIVATION_LOCK_SECONDS, MAX_FAILED_ACTIVATIONS};
use gradsign_engine::*;

fn code(r: Result<impl std::fmt::Debug>) -> ErrorCode {
    match r {
        Ok(v) => panic!("expected a refusal, got Ok({v:?})"),
        Err(e) => e.code,
    }
}

/// Graduate `n`'s student number and ID number in the test school.
fn graduate(n: u32) -> (String, String) {
    (format!("2026{n:05}"), id_for(n, n.is_multiple_of(2)))
}

/// R-AUTH-05: six wrong ID numbers for one student number lock its activation for 15 minutes;
/// five do not; the lock is per student number; a wrong ID number and a student number the
/// school never uploaded get the same answer, and both count.
async fn r_auth_05_six_wrong_id_numbers_lock_activation(w: World) {
    let wrong = id_for(400, true);
    // Five wrong ID numbers, then the right one: activated (and the count is cleared).
    let (sn1, id1) = graduate(1);
    let mut answers = Vec::new();
    for _ in 0..5 {
        answers.push(
            w.engine
                .activate_graduate(&sn1, &wrong, "pass12345", w.t0)
                .await
                .unwrap_err(),
        );
    }
    let s = w
        .engine
        .activate_graduate(&sn1, &id1, "pass12345", w.t0)
        .await
        .unwrap();
    assert_eq!(s.account.graduate_id, Some(w.gid(1)));
    // Unknown student number: the same answer as a wrong ID number (no enumeration).
    let unknown = w
        .engine
        .activate_graduate("209999999", &wrong, "pass12345", w.t0)
        .await
        .unwrap_err();
    assert_eq!(unknown.code, ErrorCode::NotImported);
    assert!(unknown.message.zh.contains("学校就业部门"), "{:?}", unknown);
    assert!(answers.iter().all(|e| *e == unknown), "{answers:?}");
    // Six wrong ID numbers lock that student number, even for the right ID number.
    let (sn2, id2) = graduate(2);
    for _ in 0..MAX_FAILED_ACTIVATIONS {
        assert_eq!(
            code(
                w.engine
                    .activate_graduate(&sn2, &wrong, "pass12345", w.t0)
                    .await
            ),
            ErrorCode::NotImported
        );
    }
    let locked = w
        .engine
        .activate_graduate(&sn2, &id2, "pass12345", w.t0 + 60)
        .await
        .unwrap_err();
    assert_eq!(locked.code, ErrorCode::Throttled);
    assert_eq!(
        locked.details["retry_after"],
        ACTIVATION_LOCK_SECONDS - 60,
        "{locked:?}"
    );
    assert!(
        locked.message.zh.contains("14分钟"),
        "{}",
        locked.message.zh
    );
    // Another student number is not affected.
    let (sn3, id3) = graduate(3);
    w.engine
        .activate_graduate(&sn3, &id3, "pass12345", w.t0 + 60)
        .await
        .unwrap();
    // The last locked second, then the lock is over.
    assert_eq!(
        code(
            w.engine
                .activate_graduate(&sn2, &id2, "pass12345", w.t0 + ACTIVATION_LOCK_SECONDS - 1)
                .await
        ),
        ErrorCode::Throttled
    );
    let s = w
        .engine
        .activate_graduate(&sn2, &id2, "pass12345", w.t0 + ACTIVATION_LOCK_SECONDS)
        .await
        .unwrap();
    assert_eq!(s.account.graduate_id, Some(w.gid(2)));
    // A student number the school never uploaded locks too (the endpoint enumerates nothing).
    for _ in 0..MAX_FAILED_ACTIVATIONS {
        assert_eq!(
            code(
                w.engine
                    .activate_graduate("209999998", &wrong, "pass12345", w.t0)
                    .await
            ),
            ErrorCode::NotImported
        );
    }
    assert_eq!(
        code(
            w.engine
                .activate_graduate("209999998", &wrong, "pass12345", w.t0)
                .await
        ),
        ErrorCode::Throttled
    );
    // Refusals write no history (R-AUDIT-02): only the three activations did.
    let mut c = w.engine.store().read().await.unwrap();
    let n: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT COUNT(*) AS n FROM history WHERE action = 'activate'")
            .fetch_one(&mut *c)
            .await
            .unwrap(),
        "n",
    )
    .unwrap();
    assert_eq!(n, 3);
}

/// R-AUTH-05: failures arriving at once are all counted (the database increments the counter).
async fn r_auth_05_concurrent_wrong_id_numbers_all_count(w: World) {
    let (sn, id) = graduate(5);
    let wrong = id_for(401, false);
    let attempt = || w.engine.activate_graduate(&sn, &wrong, "pass12345", w.t0);
    let (a, b, c, d, e, f) = tokio::join!(
        attempt(),
        attempt(),
        attempt(),
        attempt(),
        attempt(),
        attempt()
    );
    for r in [a, b, c, d, e, f] {
        assert_eq!(code(r), ErrorCode::NotImported);
    }
    assert_eq!(
        code(
            w.engine
                .activate_graduate(&sn, &id, "pass12345", w.t0)
                .await
        ),
        ErrorCode::Throttled
    );
}

/// R-AUTH-01: wrong passwords arriving at once are all counted (`failed_attempts + 1` in SQL,
/// not a stale read written back).
async fn r_auth_01_concurrent_wrong_passwords_all_count(w: World) {
    let attempt = || w.engine.sign_in("employer1", "wrong-pass1", w.t0);
    let (a, b, c, d, e) = tokio::join!(attempt(), attempt(), attempt(), attempt(), attempt());
    for r in [a, b, c, d, e] {
        assert_eq!(code(r), ErrorCode::WrongCredentials);
    }
    assert_eq!(
        code(w.engine.sign_in("employer1", "employer123", w.t0 + 1).await),
        ErrorCode::Throttled
    );
}

/// R-AUTH-06: each role changes its own password; every session of the account ends and the
/// returned one replaces it; wrong current passwords count towards R-AUTH-01's lock.
async fn r_auth_06_everyone_changes_their_own_password(w: World) {
    let (sn, id) = graduate(1);
    let first = w
        .engine
        .activate_graduate(&sn, &id, "pass12345", w.t0)
        .await
        .unwrap();
    let second = w.engine.sign_in(&sn, "pass12345", w.t0).await.unwrap();
    let me = w.engine.authenticate(&first.token, w.t0).await.unwrap();
    let before = w.history_len().await;
    // Refusals: wrong current password, weak new one, the same one.
    let e = w
        .engine
        .change_password(&me, "not-my-pass1", "newpass2026", w.t0)
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.details["field"].as_str()),
        (ErrorCode::WrongCredentials, Some("current_password"))
    );
    let e = w
        .engine
        .change_password(&me, "pass12345", "short1", w.t0)
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.details["field"].as_str()),
        (ErrorCode::Validation, Some("new_password"))
    );
    let e = w
        .engine
        .change_password(&me, "pass12345", "pass12345", w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "new_password");
    assert_eq!(w.history_len().await, before, "refusals write no history");
    // The change: one history entry, every old session ended, the new one works.
    let third = w
        .engine
        .change_password(&me, "pass12345", "newpass2026", w.t0 + 10)
        .await
        .unwrap();
    assert_eq!(w.history_len().await, before + 1);
    for old in [&first.token, &second.token] {
        assert_eq!(
            code(w.engine.authenticate(old, w.t0 + 11).await),
            ErrorCode::Unauthenticated
        );
    }
    assert_eq!(
        w.engine
            .authenticate(&third.token, w.t0 + 11)
            .await
            .unwrap()
            .graduate_id,
        Some(w.gid(1))
    );
    assert_eq!(
        code(w.engine.sign_in(&sn, "pass12345", w.t0 + 12).await),
        ErrorCode::WrongCredentials
    );
    w.engine
        .sign_in(&sn, "newpass2026", w.t0 + 13)
        .await
        .unwrap();
    // The employer and the admin change theirs too.
    let emp = w
        .engine
        .sign_in("employer1", "employer123", w.t0)
        .await
        .unwrap();
    let s = w
        .engine
        .change_password(&emp.account.actor(), "employer123", "employer456", w.t0)
        .await
        .unwrap();
    assert_eq!(s.account.role, Role::Employer);
    w.engine
        .sign_in("employer1", "employer456", w.t0 + 1)
        .await
        .unwrap();
    w.engine
        .change_password(&w.admin, "admin12345", "admin67890", w.t0)
        .await
        .unwrap();
    w.engine
        .sign_in("admin", "admin67890", w.t0 + 1)
        .await
        .unwrap();
    // Five wrong current passwords lock the account like five wrong sign-ins.
    let emp = w
        .engine
        .sign_in("employer2", "employer123", w.t0)
        .await
        .unwrap()
        .account
        .actor();
    for _ in 0..5 {
        assert_eq!(
            code(
                w.engine
                    .change_password(&emp, "wrong-pass1", "employer789", w.t0)
                    .await
            ),
            ErrorCode::WrongCredentials
        );
    }
    assert_eq!(
        code(
            w.engine
                .change_password(&emp, "employer123", "employer789", w.t0 + 1)
                .await
        ),
        ErrorCode::Throttled
    );
    assert_eq!(
        code(w.engine.sign_in("employer2", "employer123", w.t0 + 1).await),
        ErrorCode::Throttled
    );
}

fn staff(login: &str) -> NewStaff {
    NewStaff {
        login: login.into(),
        password: "reviewer2026".into(),
        display_name: "审核员".into(),
        role: Role::SchoolReviewer,
        department_id: None,
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

/// R-AUTH-04: staff and employer logins may not be all digits, nor an imported student number;
/// an import may not bring a student number that is a staff or employer login.
async fn r_auth_04_staff_and_employer_logins_never_look_like_student_numbers(w: World) {
    let field = |r: Result<AccountView>| {
        let e = r.unwrap_err();
        (e.code, e.details["field"].as_str().map(str::to_string))
    };
    let digits = (ErrorCode::Validation, Some("login".to_string()));
    assert_eq!(
        field(
            w.engine
                .create_staff_account(&w.admin, &staff("20260001"), w.t0)
                .await
        ),
        digits
    );
    assert_eq!(
        field(
            w.engine
                .employer_sign_up(&sign_up(7, "13800000000"), w.t0)
                .await
        ),
        digits
    );
    assert_eq!(
        field(
            w.engine
                .add_employer_staff(&w.employers[0], "987654321", "second123", "x", w.t0)
                .await
        ),
        digits
    );
    // A student number with letters (as some schools use) is reserved once imported.
    let mut cells = import_cells(30, "计算机学院", "非定向");
    cells[0] = "SY2026030".into();
    w.engine
        .import_graduates(
            &w.admin,
            2026,
            &header(),
            &[ImportRow { line: 2, cells }],
            w.t0,
        )
        .await
        .unwrap();
    let taken = (ErrorCode::Duplicate, Some("login".to_string()));
    assert_eq!(
        field(
            w.engine
                .create_staff_account(&w.admin, &staff("SY2026030"), w.t0)
                .await
        ),
        taken
    );
    assert_eq!(
        field(
            w.engine
                .employer_sign_up(&sign_up(7, "SY2026030"), w.t0)
                .await
        ),
        taken
    );
    assert_eq!(
        field(
            w.engine
                .add_employer_staff(&w.employers[0], "SY2026030", "second123", "x", w.t0)
                .await
        ),
        taken
    );
    // Another account's login gets the same answer (it does not tell which).
    assert_eq!(
        field(
            w.engine
                .create_staff_account(&w.admin, &staff("employer1"), w.t0)
                .await
        ),
        taken
    );
    // The graduate activates with it.
    let s = w
        .engine
        .activate_graduate("SY2026030", &id_for(30, true), "pass12345", w.t0)
        .await
        .unwrap();
    assert_eq!(s.account.login, "SY2026030");
    // Logins with letters or ._-@ are fine.
    for (k, login) in ["reviewer.li", "2026-office", "hr@example.com"]
        .iter()
        .enumerate()
    {
        let mut s = staff(login);
        s.display_name = format!("审核员{k}");
        w.engine
            .create_staff_account(&w.admin, &s, w.t0)
            .await
            .unwrap();
    }
    // An import row whose student number is an employer's login is refused at that row.
    let mut cells = import_cells(31, "计算机学院", "非定向");
    cells[0] = "employer1".into();
    let problems = w
        .engine
        .check_import(&w.admin, 2026, &header(), &[ImportRow { line: 2, cells }])
        .await
        .unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!((problems[0].line, problems[0].field.as_str()), (2, "学号"));
}

/// R-EMP-02: only an approved, enabled employer adds staff accounts.
async fn r_emp_02_only_an_approved_enabled_employer_adds_staff(w: World) {
    let acc = w
        .engine
        .employer_sign_up(&sign_up(8, "employer8"), w.t0)
        .await
        .unwrap();
    let emp = acc.actor();
    let eid = acc.employer_id.unwrap();
    let add = |login: &'static str| {
        let emp = emp.clone();
        let e = &w.engine;
        async move {
            e.add_employer_staff(&emp, login, "second123", "第二位HR", w.t0)
                .await
        }
    };
    let before = w.digest().await;
    assert_eq!(code(add("hr-8a").await), ErrorCode::EmployerNotApproved);
    assert_eq!(w.digest().await, before);
    w.engine
        .set_employer_approval(&w.admin, eid, true, w.t0)
        .await
        .unwrap();
    w.engine
        .set_employer_disabled(&w.admin, eid, true, w.t0)
        .await
        .unwrap();
    assert_eq!(code(add("hr-8a").await), ErrorCode::EmployerNotApproved);
    w.engine
        .set_employer_disabled(&w.admin, eid, false, w.t0)
        .await
        .unwrap();
    let staff = add("hr-8a").await.unwrap();
    assert_eq!(staff.employer_id, Some(eid));
}

/// R-AUTH-06: no account, no password: the system and an actor without an account are refused.
/// (Such actors exist inside the engine only: nothing over the wire can present one.)
async fn r_auth_06_an_actor_without_an_account_has_no_password(w: World) {
    let accountless = Actor {
        account_id: None,
        ..w.school_rev.clone()
    };
    for a in [Actor::system(), accountless] {
        assert_eq!(
            code(
                w.engine
                    .change_password(&a, "whatever123", "whatever456", w.t0)
                    .await
            ),
            ErrorCode::Forbidden
        );
    }
}

on_both_backends!(
    r_auth_05_six_wrong_id_numbers_lock_activation,
    r_auth_05_concurrent_wrong_id_numbers_all_count,
    r_auth_01_concurrent_wrong_passwords_all_count,
    r_auth_06_everyone_changes_their_own_password,
    r_auth_04_staff_and_employer_logins_never_look_like_student_numbers,
    r_emp_02_only_an_approved_enabled_employer_adds_staff;
    engine_only: r_auth_06_an_actor_without_an_account_has_no_password,
);
