//! What the engine's benches share: a school with cohort 2026 open under the department + school
//! chain, its graduates' import rows, and one approved employer.
#![allow(dead_code, clippy::unwrap_used)]

use gradsign_engine::*;

/// Sets up the school with `departments` and opens cohort 2026; answers its admin.
pub async fn open_school(engine: &Engine, departments: &[&str], t0: Timestamp) -> Actor {
    let admin_id = engine
        .init_school(
            &SchoolSetup {
                name: "基准大学".into(),
                code: "10001".into(),
                contact: "x".into(),
                departments: departments.iter().map(|d| d.to_string()).collect(),
                admin_login: "admin".into(),
                admin_password: "admin12345".into(),
                admin_name: "a".into(),
            },
            t0,
        )
        .await
        .unwrap();
    let admin = Actor {
        account_id: Some(admin_id),
        role: Role::SchoolAdmin,
        graduate_id: None,
        employer_id: None,
        department_id: None,
    };
    engine
        .configure_cohort(
            &admin,
            &CohortSettings {
                year: 2026,
                chain: ReviewChain::Both,
                invite_limit_days: 15,
                changes_until: None,
                agreement_title: None,
            },
            t0,
        )
        .await
        .unwrap();
    engine.set_module(&admin, 2026, true, t0).await.unwrap();
    admin
}

/// The import row (spreadsheet line `line`) of graduate `i` with ID number `id`.
pub fn import_row(line: usize, i: u32, id: String, gender: &str, department: &str) -> ImportRow {
    ImportRow {
        line,
        cells: vec![
            format!("B{i:08}"),
            format!("学生{i}"),
            gender.into(),
            id,
            "本科".into(),
            "软件工程".into(),
            department.into(),
            "非定向".into(),
            String::new(),
            "北京".into(),
            "13800000000".into(),
            "a@b.cn".into(),
        ],
    }
}

/// The one employer of the benches, signed up and approved; answers its actor.
pub async fn approved_employer(engine: &Engine, admin: &Actor, t0: Timestamp) -> Actor {
    let employer = engine
        .employer_sign_up(
            &EmployerSignUp {
                details: EmployerDetails {
                    name: "基准公司".into(),
                    credit_code: "91350100M000100Y43".into(),
                    nature: "其他企业".into(),
                    industry: "软件".into(),
                    address: "北京".into(),
                    contact_person: "王".into(),
                    contact_phone: "010-12345678".into(),
                },
                login: "emp".into(),
                password: "employer123".into(),
                display_name: "王".into(),
            },
            t0,
        )
        .await
        .unwrap();
    engine
        .set_employer_approval(admin, employer.employer_id.unwrap(), true, t0)
        .await
        .unwrap();
    employer.actor()
}
