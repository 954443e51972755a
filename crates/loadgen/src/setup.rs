//! The untimed set-up over the HTTP API, after `gradsign init`, `gradsign cohort --open` and
//! `gradsign import graduates` made the school: reviewer accounts, employers signed up and
//! approved, graduates activated with their information confirmed, and a few agreements signed
//! all the way through the review chain, whose printed code and hash the verifiers look up.
//! Everything the timed run needs (tokens, who is in which department) goes to a state file.

use std::sync::Arc;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

use crate::school::{self, GraduateIdentity, DEPARTMENTS, PASSWORD};
use crate::wire::{Answer, Connection};

/// A 1×1 PNG: the employer's licence scan (R-UPLOAD accepts any real image).
const LICENCE_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xDE, 0, 0, 0, 12, 0x49, 0x44, 0x41, 0x54,
    0x08, 0xD7, 0x63, 0xF8, 0xFF, 0xFF, 0x3F, 0, 0x05, 0xFE, 0x02, 0xFE, 0xDC, 0xCC, 0x59, 0xE7, 0,
    0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Graduate {
    pub student_number: String,
    pub name: String,
    pub id_number: String,
    pub department: usize,
    pub token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reviewer {
    /// None: a school-level reviewer.
    pub department: Option<usize>,
    pub token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PrintedAgreement {
    pub code: String,
    pub hash: String,
}

/// What the timed run starts from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SchoolState {
    /// Graduates the mix acts as (activated, information confirmed, none of them signed yet).
    pub graduates: Vec<Graduate>,
    pub employers: Vec<String>,
    pub department_reviewers: Vec<Reviewer>,
    pub school_reviewers: Vec<Reviewer>,
    pub agreements: Vec<PrintedAgreement>,
}

#[derive(Debug, Clone)]
pub struct SetupPlan {
    pub admin_login: String,
    pub admin_password: String,
    /// Graduates activated (of those imported, from graduate 0 on).
    pub activate: u32,
    pub employers: u32,
    pub reviewers_per_department: u32,
    pub school_reviewers: u32,
    /// Agreements signed through the chain for the verifiers (their graduates leave the mix).
    pub agreements: u32,
}

fn refused(what: &str, a: &Answer) -> String {
    format!("{what}: HTTP {} {}", a.status, a.body)
}

async fn expect_ok(
    c: &Connection,
    op: &str,
    token: Option<&str>,
    body: Value,
) -> Result<Value, String> {
    let a = c.call(op, token, &body, None).await;
    if a.ok() {
        Ok(a.body)
    } else {
        Err(refused(op, &a))
    }
}

async fn sign_in(c: &Connection, login: &str, password: &str) -> Result<String, String> {
    let opened = expect_ok(
        c,
        "session_open",
        None,
        json!({"username": login, "password": password}),
    )
    .await?;
    token_of(&opened)
}

fn token_of(opened: &Value) -> Result<String, String> {
    opened["token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no token in {opened}"))
}

/// Waits for every job; the first refusal is the set-up's.
async fn all_of<T>(
    jobs: Vec<tokio::task::JoinHandle<Result<T, String>>>,
) -> Result<Vec<T>, String> {
    let mut out = Vec::with_capacity(jobs.len());
    for j in jobs {
        out.push(j.await.map_err(|e| e.to_string())??);
    }
    Ok(out)
}

pub async fn run(c: &Connection, plan: &SetupPlan) -> Result<SchoolState, String> {
    let admin = sign_in(c, &plan.admin_login, &plan.admin_password).await?;
    let departments = expect_ok(c, "admin_departments", Some(&admin), Value::Null).await?;
    let department_ids: Vec<i64> = DEPARTMENTS
        .iter()
        .map(|name| {
            departments
                .as_array()
                .and_then(|ds| ds.iter().find(|d| d["name"] == *name))
                .and_then(|d| d["id"].as_i64())
                .ok_or_else(|| {
                    format!("department {name} missing: gradsign init names all of {DEPARTMENTS:?}")
                })
        })
        .collect::<Result<_, _>>()?;
    // Argon2 makes each sign-in and activation cost ~20 ms of a core: more than a few at once
    // only queue in the server.
    let permits = Arc::new(Semaphore::new(8));

    // Reviewers: a few per department and at school level.
    let mut jobs = vec![];
    let mut staff = vec![];
    for (d, id) in department_ids.iter().enumerate() {
        for k in 0..plan.reviewers_per_department {
            staff.push((format!("rev-d{d}-{k}"), Some(d), Some(*id)));
        }
    }
    for k in 0..plan.school_reviewers {
        staff.push((format!("rev-school-{k}"), None, None));
    }
    for (login, department, department_id) in staff {
        let (c, admin, permits) = (c.clone(), admin.clone(), permits.clone());
        jobs.push(tokio::spawn(async move {
            let _p = permits.acquire_owned().await.map_err(|e| e.to_string())?;
            let role = if department.is_some() {
                "department_reviewer"
            } else {
                "school_reviewer"
            };
            let body = json!({"login": login, "password": PASSWORD, "displayName": login,
                "role": role, "departmentId": department_id});
            let a = c
                .call("admin_account_create", Some(&admin), &body, None)
                .await;
            // 409: made by an earlier set-up of this database; its password is the same.
            if !a.ok() && a.status != 409 {
                return Err(refused("admin_account_create", &a));
            }
            let token = sign_in(&c, &login, PASSWORD).await?;
            Ok(Reviewer { department, token })
        }));
    }
    let reviewers = all_of(jobs).await?;
    let (department_reviewers, school_reviewers): (Vec<Reviewer>, Vec<Reviewer>) =
        reviewers.into_iter().partition(|r| r.department.is_some());
    if department_reviewers.is_empty() || school_reviewers.is_empty() {
        return Err("the mix needs department and school reviewers".into());
    }

    // Employers: signed up, approved by the admin, signed in.
    let licence = base64::engine::general_purpose::STANDARD.encode(LICENCE_PNG);
    for j in 0..plan.employers {
        let body = json!({
            "details": {"name": format!("基准单位{j}"), "creditCode": school::credit_code(j),
                "nature": "其他企业", "industry": "软件", "address": "北京",
                "contactPerson": "王", "contactPhone": "010-12345678"},
            "login": format!("emp{j}"), "password": PASSWORD, "displayName": "王",
            "licence": {"name": "licence.png", "dataBase64": licence},
        });
        let a = c.call("employer_sign_up", None, &body, None).await;
        if !a.ok() && a.status != 409 {
            return Err(refused("employer_sign_up", &a));
        }
    }
    let rows = expect_ok(c, "admin_employers", Some(&admin), Value::Null).await?;
    for row in rows.as_array().into_iter().flatten() {
        if row["approved"] == false
            && row["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("基准单位"))
        {
            let id = row["id"].as_i64().ok_or("employer without id")?;
            expect_ok(
                c,
                "admin_employer_approve",
                Some(&admin),
                json!({"id": id, "approved": true}),
            )
            .await?;
        }
    }
    let mut jobs = vec![];
    for j in 0..plan.employers {
        let (c, permits) = (c.clone(), permits.clone());
        jobs.push(tokio::spawn(async move {
            let _p = permits.acquire_owned().await.map_err(|e| e.to_string())?;
            sign_in(&c, &format!("emp{j}"), PASSWORD).await
        }));
    }
    let employers = all_of(jobs).await?;
    if employers.is_empty() {
        return Err("the mix needs at least one employer".into());
    }

    // Graduates: activated (R-INFO-03) and their information confirmed (R-INFO-01).
    let mut jobs = vec![];
    for i in 0..plan.activate {
        let (c, permits) = (c.clone(), permits.clone());
        jobs.push(tokio::spawn(async move {
            let _p = permits.acquire_owned().await.map_err(|e| e.to_string())?;
            let g = GraduateIdentity::of(i);
            let body = json!({"studentNumber": g.student_number, "idNumber": g.id_number,
                "password": PASSWORD});
            let a = c.call("account_activate", None, &body, None).await;
            let token = if a.ok() {
                token_of(&a.body)?
            } else {
                // Activated by an earlier set-up: sign in instead.
                sign_in(&c, &g.student_number, PASSWORD).await?
            };
            let a = c
                .call("graduate_confirm_info", Some(&token), &Value::Null, None)
                .await;
            if !a.ok() && a.status != 409 {
                return Err(refused("graduate_confirm_info", &a));
            }
            Ok(Graduate {
                student_number: g.student_number,
                name: g.name,
                id_number: g.id_number,
                department: g.department,
                token,
            })
        }));
    }
    let mut graduates = all_of(jobs).await?;

    // Printed agreements: the last `agreements` graduates sign through both review levels.
    let keep = graduates.len().saturating_sub(plan.agreements as usize);
    let signers = graduates.split_off(keep);
    let mut agreements = vec![];
    for g in &signers {
        let id = invite(c, &employers[0], g).await?;
        expect_ok(
            c,
            "graduate_accept_invitation",
            Some(&g.token),
            json!({"id": id}),
        )
        .await?;
        let dep = department_reviewers
            .iter()
            .find(|r| r.department == Some(g.department))
            .ok_or("no reviewer of the graduate's department")?;
        let approve = json!({"decision": "approve", "reason": ""});
        expect_ok(
            c,
            "review_decide",
            Some(&dep.token),
            json!({"id": id, "version": 1, "input": approve}),
        )
        .await?;
        expect_ok(
            c,
            "review_decide",
            Some(&school_reviewers[0].token),
            json!({"id": id, "version": 2, "input": approve}),
        )
        .await?;
        let items = expect_ok(c, "graduate_items", Some(&g.token), json!({})).await?;
        let item = items
            .as_array()
            .and_then(|is| is.iter().find(|i| i["id"] == id))
            .ok_or("the signed agreement is not among the graduate's items")?;
        match (
            item["verificationCode"].as_str(),
            item["snapshotHash"].as_str(),
        ) {
            (Some(code), Some(hash)) if item["state"] == "signed" => {
                agreements.push(PrintedAgreement {
                    code: code.to_string(),
                    hash: hash.to_string(),
                })
            }
            _ => {
                return Err(format!(
                    "agreement {id} is not signed with a code and hash: {item}"
                ))
            }
        }
    }
    Ok(SchoolState {
        graduates,
        employers,
        department_reviewers,
        school_reviewers,
        agreements,
    })
}

/// The terms every invitation of the load carries (R-AGR-01).
pub fn terms() -> Value {
    json!({
        "position": "软件工程师", "workLocation": "北京", "salary": "12000", "probation": "3个月",
        "agreementTerm": "3年", "liquidatedDamages": "", "archiveHandling": "回生源地",
        "archiveReceivingUnit": "", "archiveAddress": "", "archivePostcode": "",
        "hukouAddress": "", "otherTerms": "",
    })
}

/// The invitation body for graduate `g`, found by name and student number.
pub fn invitation(g: &Graduate) -> Value {
    json!({
        "graduate": {"by": "student_number", "name": g.name, "studentNumber": g.student_number,
            "idNumber": ""},
        "terms": terms(),
        "deadlineDays": 10,
    })
}

async fn invite(c: &Connection, employer: &str, g: &Graduate) -> Result<i64, String> {
    let id = expect_ok(c, "employer_invite", Some(employer), invitation(g)).await?;
    id.as_i64()
        .ok_or_else(|| format!("employer_invite answered {id}"))
}
