//! The graduate's page (R-INFO-01, R-MOD-01, R-MOD-02, R-ONE-01) on the demo school.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use gradsign_engine::time::shanghai_time;
use gradsign_engine::*;

async fn graduate(engine: &Engine, login: &str, now: Timestamp) -> Actor {
    engine
        .sign_in(login, gradsign_engine::demo::DEMO_PASSWORD, now)
        .await
        .unwrap()
        .account
        .actor()
}

async fn r_mod_01_portal_shows_standing_current_destination_and_why_blocked(backend: Backend) {
    let (engine, _dir, _files) = World::empty(backend).await;
    let now = shanghai_time(2026, 11, 27, 9, 0, 0);
    let accounts = engine.create_demo(now).await.unwrap();
    let admin = engine
        .sign_in("admin", demo::DEMO_PASSWORD, now)
        .await
        .unwrap()
        .account
        .actor();
    assert!(accounts.iter().any(|a| a.login == "2026000001"));

    // Graduate 0 is signed online: the current destination is that agreement.
    let g0 = graduate(&engine, "2026000001", now).await;
    let p = engine.graduate_portal(&g0, None, now).await.unwrap();
    assert_eq!(p.graduate.student_number, "2026000001");
    assert!(p.school_contact.contains("010-12345678"));
    assert!(p.cohort.module_open);
    assert!(!p.read_only);
    assert!(p.blocked.is_none());
    let current = p.current.expect("a current destination");
    assert_eq!(
        (current.kind, current.state.as_str()),
        (ItemKind::Signing, "signed")
    );
    assert_eq!(p.cohorts.len(), 1);
    assert!(p.cohorts[0].current);

    // Graduate 1 has only pending invitations: nothing current.
    let g1 = graduate(&engine, "2026000002", now).await;
    assert!(engine
        .graduate_portal(&g1, None, now)
        .await
        .unwrap()
        .current
        .is_none());

    // Another graduate's record is not theirs to see.
    let other = engine.graduate_portal(&g1, Some(p.graduate.id), now).await;
    assert_eq!(other.unwrap_err().code, ErrorCode::NotFound);

    // The school closes the module: the page says why nothing can be done (R-MOD-01).
    engine.set_module(&admin, 2026, false, now).await.unwrap();
    let closed = engine.graduate_portal(&g0, None, now).await.unwrap();
    assert!(!closed.cohort.module_open);
    assert_eq!(closed.blocked.unwrap().code, ErrorCode::ModuleClosed);

    // Staff have no graduate page.
    assert_eq!(
        engine
            .graduate_portal(&admin, None, now)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn r_mod_01_portal_shows_standing_current_destination_and_why_blocked() {
        super::r_mod_01_portal_shows_standing_current_destination_and_why_blocked(
            super::Backend::Sqlite,
        )
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn r_off_01_offline_termination_offered_only_while_none_is_open() {
        super::r_off_01_offline_termination_offered_only_while_none_is_open(super::Backend::Sqlite)
            .await
    }
}

/// R-OFF: the agreement offers an offline termination only while none is open (the action
/// refuses a second one; the screen shows only what the engine allows).
async fn r_off_01_offline_termination_offered_only_while_none_is_open(backend: Backend) {
    let (engine, _dir, _files) = World::empty(backend).await;
    let now = shanghai_time(2026, 11, 27, 9, 0, 0);
    engine.create_demo(now).await.unwrap();
    // Demo graduate 17 (2026000018): an approved paper agreement, no termination.
    let admin = engine
        .sign_in("admin", demo::DEMO_PASSWORD, now)
        .await
        .unwrap()
        .account
        .actor();
    let paper = engine
        .list_items(&admin, Some(ItemKind::Paper), None)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.student_number == "2026000018")
        .unwrap();
    let g = engine
        .activate_graduate(
            "2026000018",
            &engine
                .graduate(&admin, paper.graduate_id)
                .await
                .unwrap()
                .id_number,
            "Grad2026pass",
            now,
        )
        .await
        .unwrap()
        .account
        .actor();
    let allowed = |d: ItemDetail| {
        d.allowed
            .contains(&"request_offline_termination".to_string())
    };
    assert!(allowed(
        engine.item_detail(&g, paper.id, now).await.unwrap()
    ));
    engine
        .request_offline_termination(
            &g,
            paper.id,
            "其他",
            "单位搬迁",
            &[Upload::Bytes {
                name: "解约函.png".into(),
                bytes: demo::BLANK_PNG.to_vec(),
            }],
            now,
        )
        .await
        .unwrap();
    assert!(!allowed(
        engine.item_detail(&g, paper.id, now).await.unwrap()
    ));
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn r_mod_01_portal_shows_standing_current_destination_and_why_blocked() {
        super::r_mod_01_portal_shows_standing_current_destination_and_why_blocked(
            super::Backend::Postgres,
        )
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn r_off_01_offline_termination_offered_only_while_none_is_open() {
        super::r_off_01_offline_termination_offered_only_while_none_is_open(
            super::Backend::Postgres,
        )
        .await
    }
}
