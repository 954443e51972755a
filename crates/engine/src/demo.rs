//! The demo school: an empty database becomes a school to explore, made entirely through the
//! engine's own actions (no rows written around it), so `gradsign check` passes on it.
//! Three departments, cohort 2026 open with the department + school chain, 200 graduates (some
//! 定向 and 委培), 10 employers, and records in every state of every workflow.

use crate::actions::accounts::{EmployerSignUp, NewStaff};
use crate::actions::graduates::{ImportRow, IMPORT_HEADER};
use crate::actions::registrations::{DestinationInput, PaperInput};
use crate::actions::setup::{CohortSettings, SchoolSetup};
use crate::actions::signing::{GraduateLookup, InviteInput};
use crate::engine::Engine;
use crate::error::{DomainError, ErrorCode, Result};
use crate::files::Upload;
use crate::model::{AgreementTerms, EmployerDetails};
use crate::time::Timestamp;
use crate::types::{CreditCode, IdNumber};
use crate::workflow::{Actor, ReviewChain, ReviewDecision, Role};
use serde::Serialize;
use std::collections::BTreeMap;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo2026";

/// A demo account to print.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "DemoAccountView"))]
#[cfg_attr(feature = "schema", schemars(rename = "DemoAccountView"))]
pub struct DemoAccount {
    pub role: String,
    pub login: String,
    pub password: String,
    pub note: String,
}

const DEPARTMENTS: [&str; 3] = ["计算机学院", "经济管理学院", "外国语学院"];
const MAJORS: [[&str; 2]; 3] = [
    ["计算机科学与技术", "软件工程"],
    ["会计学", "市场营销"],
    ["英语", "日语"],
];
const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];
const GIVEN: [&str; 16] = [
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
    "秀英",
];
const EMPLOYERS: [(&str, &str, &str); 10] = [
    (
        "北京星河科技有限公司",
        "其他企业",
        "信息传输、软件和信息技术服务业",
    ),
    ("上海远航金融信息服务有限公司", "其他企业", "金融业"),
    ("深圳前海智造股份有限公司", "国有企业", "制造业"),
    (
        "杭州云帆网络有限公司",
        "其他企业",
        "信息传输、软件和信息技术服务业",
    ),
    ("广州南粤会计师事务所", "其他企业", "租赁和商务服务业"),
    ("中国某某研究院", "科研设计单位", "科学研究和技术服务业"),
    ("南京东方外语学校", "其他教学单位", "教育"),
    (
        "成都天府物流集团有限公司",
        "国有企业",
        "交通运输、仓储和邮政业",
    ),
    ("武汉光谷医疗器械有限公司", "三资企业", "制造业"),
    ("西安丝路文旅发展有限公司", "其他企业", "文化、体育和娱乐业"),
];

/// A 1×1 white PNG: the demo's stand-in "scan" (real uploads go through the scan compressor),
/// also used by the tests.
pub const BLANK_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xDE, 0, 0, 0, 12, 0x49, 0x44, 0x41, 0x54,
    0x08, 0xD7, 0x63, 0xF8, 0xFF, 0xFF, 0x3F, 0, 0x05, 0xFE, 0x02, 0xFE, 0xDC, 0xCC, 0x59, 0xE7, 0,
    0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

fn demo_scan(name: &str) -> Upload {
    Upload::Bytes {
        name: name.into(),
        bytes: BLANK_PNG.to_vec(),
    }
}

fn demo_id(i: u32, male: bool) -> String {
    let seq = (i % 400) * 2 + u32::from(male);
    let first = format!(
        "{}{:04}{:02}{:02}{:03}",
        ["110101", "310104", "440305", "510107"][(i % 4) as usize],
        2002 + i % 3,
        1 + i % 12,
        1 + i % 28,
        seq % 1000
    );
    let check = IdNumber::check_char(&first).unwrap_or('0');
    format!("{first}{check}")
}

fn terms(position: &str, city: &str, salary: u32) -> AgreementTerms {
    AgreementTerms {
        position: position.into(),
        work_location: city.into(),
        salary: format!("月薪{salary}元"),
        probation: "3个月".into(),
        agreement_term: "3年".into(),
        liquidated_damages: "5000元".into(),
        archive_handling: "单位接收".into(),
        archive_receiving_unit: format!("{city}人才服务中心"),
        archive_address: format!("{city}人才大厦"),
        archive_postcode: "100000".into(),
        hukou_address: city.into(),
        other_terms: "单位缴纳五险一金。".into(),
    }
}

fn dest(type_id: &str, fields: &[(&str, &str)]) -> DestinationInput {
    DestinationInput {
        type_id: type_id.into(),
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
    }
}

struct Demo<'a> {
    engine: &'a Engine,
    dep_reviewers: Vec<Actor>,
    school: Actor,
    employers: Vec<Actor>,
    graduates: Vec<(Actor, u32, String, String, bool)>,
}

impl Demo<'_> {
    fn g(&self, i: usize) -> &Actor {
        &self.graduates[i].0
    }
    fn dep_reviewer(&self, i: usize) -> &Actor {
        &self.dep_reviewers[(self.graduates[i].1 % 3) as usize]
    }
    async fn invite(&self, e: usize, i: usize, at: Timestamp) -> Result<i64> {
        let (_, _, name, id, _) = &self.graduates[i];
        let positions = ["软件工程师", "财务分析师", "翻译", "产品经理", "审计助理"];
        let cities = ["北京市", "上海市", "深圳市", "杭州市", "广州市"];
        self.engine
            .invite(
                &self.employers[e],
                &InviteInput {
                    graduate: GraduateLookup::IdNumber {
                        name: name.clone(),
                        id_number: id.clone(),
                    },
                    terms: terms(positions[e % 5], cities[e % 5], 8000 + 1000 * e as u32),
                    deadline_days: Some(5),
                },
                at,
            )
            .await
    }
    async fn decide(
        &self,
        reviewer: &Actor,
        id: i64,
        d: ReviewDecision,
        at: Timestamp,
    ) -> Result<()> {
        let v = self
            .engine
            .item_detail(reviewer, id, at)
            .await?
            .item
            .version;
        self.engine.review(reviewer, id, v, d, at).await
    }
    async fn approve(&self, reviewer: &Actor, id: i64, at: Timestamp) -> Result<()> {
        self.decide(
            reviewer,
            id,
            ReviewDecision::Approve {
                note: "材料齐全".into(),
            },
            at,
        )
        .await
    }
    async fn approve_all(&self, i: usize, id: i64, at: Timestamp) -> Result<()> {
        self.approve(self.dep_reviewer(i), id, at).await?;
        self.approve(&self.school, id, at + 3600).await
    }
    async fn signed(&self, e: usize, i: usize, at: Timestamp) -> Result<i64> {
        let id = self.invite(e, i, at).await?;
        self.engine
            .accept_invitation(self.g(i), id, at + 3600)
            .await?;
        self.approve_all(i, id, at + 7200).await?;
        Ok(id)
    }
    async fn registration(&self, i: usize, d: &DestinationInput, at: Timestamp) -> Result<i64> {
        let proofs = if matches!(
            d.type_id.as_str(),
            "job_seeking" | "pre_study" | "other_not_employed"
        ) {
            vec![]
        } else {
            vec![demo_scan("证明材料.png")]
        };
        let id = self
            .engine
            .create_destination(self.g(i), d, &proofs, at)
            .await?;
        self.engine
            .submit_registration(self.g(i), id, at + 60)
            .await?;
        Ok(id)
    }
    async fn paper(&self, i: usize, e: usize, at: Timestamp) -> Result<i64> {
        let details = EmployerDetails {
            name: format!("{}（纸质协议）", EMPLOYERS[e].0),
            credit_code: credit(100 + e as u32),
            nature: EMPLOYERS[e].1.into(),
            industry: EMPLOYERS[e].2.into(),
            address: "某市某区某路1号".into(),
            contact_person: "王经理".into(),
            contact_phone: "021-55556666".into(),
        };
        self.engine
            .create_paper(
                self.g(i),
                &PaperInput {
                    employer: details,
                    terms: terms("管理培训生", "上海市", 9000),
                },
                &[demo_scan("协议第1页.png"), demo_scan("协议第2页.png")],
                at,
            )
            .await
    }
}

/// The graduates holding the offline signing examples, one per state (R-OFFSIGN): none
/// directed, all confirmed, all with accounts.
const OFFLINE_EXAMPLES: [usize; 13] = [
    190, 191, 192, 193, 194, 195, 196, 197, 198, 188, 187, 184, 183,
];
const OFFLINE_EXAMPLE_STATES: [&str; 13] = [
    "已提交",
    "审核中",
    "退回修改",
    "待打印盖章",
    "盖章页待审核",
    "盖章页退回",
    "已签约",
    "签约失败",
    "已放弃",
    "已撤回",
    "未通过",
    "盖章页审核中",
    "已解约",
];

impl Demo<'_> {
    /// One offline signing per state on [`OFFLINE_EXAMPLES`], each a step further than the one
    /// before. The stamped "photos" are blank scans: the reviewer sees them flagged "QR not
    /// found", as a real unreadable photo would be.
    async fn offline_examples(&self, t: Timestamp, now: Timestamp) -> Result<()> {
        let e = self.engine;
        let day = 86_400;
        for (k, &i) in OFFLINE_EXAMPLES.iter().enumerate() {
            let n = 300 + k as u32;
            let employer = EmployerDetails {
                name: ["某县农业科技合作社", "某市社区卫生服务中心", "某设计工作室"][k % 3].into(),
                credit_code: credit(n),
                nature: ["其他企业", "医疗卫生单位", "其他企业"][k % 3].into(),
                industry: ["农、林、牧、渔业", "卫生和社会工作", "文化、体育和娱乐业"][k % 3]
                    .into(),
                address: "某省某市某路18号".into(),
                contact_person: "赵主任".into(),
                contact_phone: "0871-66668888".into(),
            };
            let at = t + (k as i64) * 3600;
            let id = e
                .apply_offline_signing(
                    self.g(i),
                    &PaperInput {
                        employer,
                        terms: terms("技术员", "昆明市", 6000 + 200 * k as u32),
                    },
                    at,
                )
                .await?;
            let return_reason = |r: &str| ReviewDecision::Return { reason: r.into() };
            match k {
                0 => {}                                                          // submitted
                9 => e.withdraw_offline_signing(self.g(i), id, at + 600).await?, // withdrawn
                10 => {
                    self.decide(
                        self.dep_reviewer(i),
                        id,
                        ReviewDecision::Reject {
                            reason: "不符合线下签约条件".into(),
                        },
                        at + day,
                    )
                    .await? // rejected
                }
                1 => self.approve(self.dep_reviewer(i), id, at + day).await?, // under_review
                2 => {
                    self.decide(
                        self.dep_reviewer(i),
                        id,
                        return_reason("单位信息不完整，请补充单位地址"),
                        at + day,
                    )
                    .await? // returned
                }
                _ => {
                    self.approve_all(i, id, at + day).await?; // approved_for_print
                    if k == 3 {
                        continue;
                    }
                    if k == 8 {
                        e.cancel_offline_signing(self.g(i), id, at + 2 * day)
                            .await?; // cancelled
                        continue;
                    }
                    e.upload_stamped_pages(
                        self.g(i),
                        id,
                        &[demo_scan("盖章第1页.png"), demo_scan("盖章第2页.png")],
                        at + 2 * day,
                    )
                    .await?; // stamped_submitted
                    match k {
                        5 => {
                            self.decide(
                                self.dep_reviewer(i),
                                id,
                                return_reason("盖章页不清晰，请重新拍照上传"),
                                at + 3 * day,
                            )
                            .await? // stamped_returned
                        }
                        6 => self.approve_all(i, id, at + 3 * day).await?, // signed
                        11 => self.approve(self.dep_reviewer(i), id, at + 3 * day).await?, // stamped_under_review
                        12 => {
                            self.approve_all(i, id, at + 3 * day).await?;
                            let o = e
                                .request_offline_termination(
                                    self.g(i),
                                    id,
                                    "毕业生考取公务员或事业单位",
                                    "考取某市公务员，与单位协商解除",
                                    &[demo_scan("解约函.png")],
                                    at + 4 * day,
                                )
                                .await?;
                            self.approve_all(i, o, at + 5 * day).await? // terminated
                        }
                        7 => {
                            self.decide(
                                self.dep_reviewer(i),
                                id,
                                ReviewDecision::Reject {
                                    reason: "盖章单位与申请单位不一致".into(),
                                },
                                at + 3 * day,
                            )
                            .await? // failed
                        }
                        _ => {}
                    }
                }
            }
            debug_assert!(at + 6 * day < now);
        }
        Ok(())
    }
}

fn credit(n: u32) -> String {
    CreditCode::compose("91", "110108", &format!("{:08}", 30_000_000 + n * 7))
        .map(|c| c.as_str().to_string())
        .unwrap_or_default()
}

impl Engine {
    /// Turns an empty database into the demo school at `now` (records are dated before it).
    pub async fn create_demo(&self, now: Timestamp) -> Result<Vec<DemoAccount>> {
        if !self.is_empty().await? {
            return Err(DomainError::new(
                ErrorCode::Duplicate,
                "数据库不为空，演示学校只能建在空数据库上",
                "The database is not empty; the demo school needs an empty database",
            ));
        }
        let t = now - 20 * 86_400;
        let mut accounts = vec![];
        let admin_id = self
            .init_school(
                &SchoolSetup {
                    name: "示范大学".into(),
                    code: "10001".into(),
                    contact: "学生就业指导中心 010-12345678 jobs@demo.edu.cn".into(),
                    departments: DEPARTMENTS.iter().map(|s| s.to_string()).collect(),
                    admin_login: "admin".into(),
                    admin_password: DEMO_PASSWORD.into(),
                    admin_name: "就业中心管理员".into(),
                },
                t,
            )
            .await?;
        accounts.push(DemoAccount {
            role: "school_admin".into(),
            login: "admin".into(),
            password: DEMO_PASSWORD.into(),
            note: "学校管理员".into(),
        });
        let admin = Actor {
            account_id: Some(admin_id),
            role: Role::SchoolAdmin,
            graduate_id: None,
            employer_id: None,
            department_id: None,
        };
        // The demo's change deadline lies a year after it is made, so every action can be tried
        // whenever the demo is explored (a real cohort keeps 31 August).
        self.configure_cohort(
            &admin,
            &CohortSettings {
                year: 2026,
                chain: ReviewChain::Both,
                invite_limit_days: 15,
                changes_until: Some(now.saturating_add(365 * 86_400)),
                agreement_title: None,
            },
            t,
        )
        .await?;
        self.set_module(&admin, 2026, true, t).await?;
        let departments = self.all_departments().await?;
        let mut dep_reviewers = vec![];
        for (k, d) in departments.iter().enumerate() {
            let login = ["cs-reviewer", "econ-reviewer", "lang-reviewer"][k];
            let a = self
                .create_staff_account(
                    &admin,
                    &NewStaff {
                        login: login.into(),
                        password: DEMO_PASSWORD.into(),
                        display_name: format!("{}审核员", d.name),
                        role: Role::DepartmentReviewer,
                        department_id: Some(d.id),
                    },
                    t,
                )
                .await?;
            accounts.push(DemoAccount {
                role: "department_reviewer".into(),
                login: login.into(),
                password: DEMO_PASSWORD.into(),
                note: d.name.clone(),
            });
            dep_reviewers.push(a.actor());
        }
        let school = self
            .create_staff_account(
                &admin,
                &NewStaff {
                    login: "school-reviewer".into(),
                    password: DEMO_PASSWORD.into(),
                    display_name: "就业中心审核员".into(),
                    role: Role::SchoolReviewer,
                    department_id: None,
                },
                t,
            )
            .await?
            .actor();
        accounts.push(DemoAccount {
            role: "school_reviewer".into(),
            login: "school-reviewer".into(),
            password: DEMO_PASSWORD.into(),
            note: "学校审核员".into(),
        });

        // 200 graduates through the import action.
        let mut rows = vec![];
        let mut people = vec![];
        for i in 0..200u32 {
            let dep = i % 3;
            let male = i % 2 == 0;
            let name = if i == 7 {
                "王𠮷".to_string()
            } else {
                format!(
                    "{}{}",
                    SURNAMES[(i % 12) as usize],
                    GIVEN[((i * 7 + i / 12) % 16) as usize]
                )
            };
            let id = demo_id(i, male);
            let mode = match i % 25 {
                5 => "定向",
                6 => "委培",
                _ => "非定向",
            };
            let level = if i % 11 == 3 {
                "硕士研究生"
            } else if i % 17 == 4 {
                "专科"
            } else {
                "本科"
            };
            rows.push(ImportRow {
                line: i as usize + 2,
                cells: vec![
                    format!("2026{:06}", i + 1),
                    name.clone(),
                    if male { "男" } else { "女" }.into(),
                    id.clone(),
                    level.into(),
                    MAJORS[dep as usize][(i / 3 % 2) as usize].into(),
                    DEPARTMENTS[dep as usize].into(),
                    mode.into(),
                    if mode == "非定向" {
                        String::new()
                    } else {
                        "某市人民医院".into()
                    },
                    ["北京", "上海", "广东", "四川"][(i % 4) as usize].into(),
                    format!("139{:08}", 10_000 + i),
                    format!("student{}@demo.edu.cn", i + 1),
                ],
            });
            people.push((name, id, mode != "非定向"));
        }
        self.import_graduates(
            &admin,
            2026,
            &IMPORT_HEADER
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
            &rows,
            t,
        )
        .await?;
        let mut graduates = vec![];
        for (i, (name, id, directed)) in people.into_iter().enumerate() {
            // The first ten graduates have activated accounts, and so have the offline signing
            // examples (an applicant has signed in); the others sign in the first time with
            // student number + ID number.
            let sn = format!("2026{:06}", i + 1);
            let actor = if i < 10 || OFFLINE_EXAMPLES.contains(&i) {
                let s = self.activate_graduate(&sn, &id, DEMO_PASSWORD, t).await?;
                accounts.push(DemoAccount {
                    role: "graduate".into(),
                    login: sn.clone(),
                    password: DEMO_PASSWORD.into(),
                    note: match OFFLINE_EXAMPLES.iter().position(|&g| g == i) {
                        Some(k) => format!("{name}（线下签约示例：{}）", OFFLINE_EXAMPLE_STATES[k]),
                        None => format!("{name}{}", if directed { "（定向/委培）" } else { "" }),
                    },
                });
                s.account.actor()
            } else {
                let gid = self.graduate_id_by_student_number(2026, &sn).await?;
                Actor {
                    account_id: None,
                    role: Role::Graduate,
                    graduate_id: Some(gid),
                    employer_id: None,
                    department_id: None,
                }
            };
            graduates.push((actor, (i % 3) as u32, name, id, directed));
        }
        let mut employers = vec![];
        for (k, (name, nature, industry)) in EMPLOYERS.iter().enumerate() {
            let login = format!("employer{:02}", k + 1);
            let details = EmployerDetails {
                name: (*name).into(),
                credit_code: credit(k as u32),
                nature: (*nature).into(),
                industry: (*industry).into(),
                address: "某市高新区创新路88号".into(),
                contact_person: "人力资源部 李女士".into(),
                contact_phone: "010-88886666".into(),
            };
            let a = self
                .employer_sign_up(
                    &EmployerSignUp {
                        details,
                        login: login.clone(),
                        password: DEMO_PASSWORD.into(),
                        display_name: "李女士".into(),
                    },
                    t,
                )
                .await?;
            let approved = k < 9;
            if approved {
                self.set_employer_approval(&admin, a.employer_id.unwrap_or(-1), true, t)
                    .await?;
            }
            accounts.push(DemoAccount {
                role: "employer".into(),
                login,
                password: DEMO_PASSWORD.into(),
                note: format!(
                    "{name}{}",
                    if approved {
                        ""
                    } else {
                        "（待学校审核）"
                    }
                ),
            });
            employers.push(a.actor());
        }
        let d = Demo {
            engine: self,
            dep_reviewers,
            school,
            employers,
            graduates,
        };
        d.populate(t, now).await?;
        Ok(accounts)
    }

    async fn graduate_id_by_student_number(&self, cohort: i64, sn: &str) -> Result<i64> {
        let mut c = self.store.read().await?;
        let r = sqlx::query("SELECT id FROM graduates WHERE cohort = $1 AND student_number = $2")
            .bind(cohort)
            .bind(sn)
            .fetch_one(&mut *c)
            .await?;
        Ok(sqlx::Row::try_get(&r, "id")?)
    }
}

impl Demo<'_> {
    /// Records in every state of every workflow. Graduates 0–9 have accounts: they get the
    /// interesting mix; 10..200 fill statistics.
    async fn populate(&self, t: Timestamp, now: Timestamp) -> Result<()> {
        let e = self.engine;
        let day = 86_400;
        // Everyone but every tenth (from 10 on) confirms basic info.
        for i in 0..200 {
            if i < 10 || i % 10 != 9 {
                e.confirm_info(self.g(i), t).await?;
            }
        }
        // Graduate 0: signed with employer 0, and a pending invitation from employer 1 (view-only).
        let a0 = self.signed(0, 0, t).await?;
        self.invite(1, 0, now - day).await?;
        // Graduate 1: pending invitations (one due within 24 h), a rejected and a withdrawn one.
        self.invite(0, 1, now - 4 * day).await?;
        self.invite(2, 1, now - day).await?;
        let r = self.invite(3, 1, t).await?;
        e.reject_invitation(self.g(1), r, t + 3600).await?;
        let w = self.invite(4, 1, t).await?;
        e.withdraw_invitation(&self.employers[4], w, t + 3600)
            .await?;
        // Graduate 2: an expired invitation, and an accepted one awaiting the department.
        self.invite(5, 2, t).await?;
        e.sweep(&Actor::system(), t + 7 * day).await?;
        let a2 = self.invite(6, 2, now - 2 * day).await?;
        e.accept_invitation(self.g(2), a2, now - 2 * day + 600)
            .await?;
        // Graduate 3: accepted, approved by the department, awaiting the school.
        let a3 = self.invite(7, 3, now - 3 * day).await?;
        e.accept_invitation(self.g(3), a3, now - 3 * day + 600)
            .await?;
        self.approve(self.dep_reviewer(3), a3, now - 2 * day)
            .await?;
        // Graduate 4: a failed review, then a paper registration returned for changes.
        let f4 = self.invite(8, 4, t).await?;
        e.accept_invitation(self.g(4), f4, t + 600).await?;
        self.decide(
            self.dep_reviewer(4),
            f4,
            ReviewDecision::Reject {
                reason: "单位信息有误".into(),
            },
            t + day,
        )
        .await?;
        let p4 = self.paper(4, 1, t + 2 * day).await?;
        e.submit_registration(self.g(4), p4, t + 2 * day).await?;
        self.decide(
            self.dep_reviewer(4),
            p4,
            ReviewDecision::Return {
                reason: "材料未盖章".into(),
            },
            t + 3 * day,
        )
        .await?;
        // Graduate 5 (定向): the directed supplement, approved.
        let d5 = self
            .registration(5, &dest("directed", &[("position", "住院医师")]), t)
            .await?;
        self.approve_all(5, d5, t + day).await?;
        // Graduate 6 (委培): a directed supplement awaiting review.
        self.registration(6, &dest("directed", &[("position", "护士")]), now - day)
            .await?;
        // Graduate 7 (王𠮷): signed, then terminated online (graduate asked, employer agreed, approved),
        // now 升学 submitted.
        let a7 = self.signed(1, 7, t).await?;
        let t7 = e
            .request_termination(
                self.g(7),
                a7,
                "毕业生升学（考取研究生/专升本）",
                "已被录取为硕士研究生",
                t + day,
            )
            .await?;
        e.answer_termination(&self.employers[1], t7, true, t + day + 600)
            .await?;
        self.approve_all(7, t7, t + 2 * day).await?;
        self.registration(
            7,
            &dest(
                "postgraduate",
                &[
                    ("school", "示范大学"),
                    ("programme", "计算机技术"),
                    ("degree_level", "硕士"),
                ],
            ),
            t + 3 * day,
        )
        .await?;
        // Graduate 8: signed; the employer asked to terminate and awaits the graduate's answer.
        let a8 = self.signed(2, 8, t).await?;
        e.request_termination(
            &self.employers[2],
            a8,
            "用人单位原因（岗位取消、经营变化等）",
            "",
            now - day,
        )
        .await?;
        // Graduate 9: 待就业 approved (the invitation screen offers to void it), a draft paper.
        let d9 = self
            .registration(9, &dest("job_seeking", &[("status", "求职中")]), t)
            .await?;
        self.approve_all(9, d9, t + day).await?;
        self.invite(3, 9, now - day).await?;
        self.paper(9, 2, now - day).await?;
        // Terminations in every state on graduates 10–19.
        let a10 = self.signed(0, 10, t).await?;
        let t10 = e
            .request_termination(self.g(10), a10, "双方协商一致解除", "", t + day)
            .await?;
        e.answer_termination(&self.employers[0], t10, false, t + day + 60)
            .await?; // counterparty_refused
        let t10b = e
            .request_termination(
                self.g(10),
                a10,
                "其他",
                "家庭原因需回生源地工作",
                t + 2 * day,
            )
            .await?;
        e.cancel_termination(self.g(10), t10b, t + 2 * day + 60)
            .await?; // cancelled
        let a11 = self.signed(1, 11, t).await?;
        let t11 = e
            .request_termination(&self.employers[1], a11, "双方协商一致解除", "", t + day)
            .await?;
        e.answer_termination(self.g(11), t11, true, t + day + 60)
            .await?; // under_review
        let a12 = self.signed(2, 12, t).await?;
        let t12 = e
            .request_termination(self.g(12), a12, "毕业生出国出境", "", t + day)
            .await?;
        e.answer_termination(&self.employers[2], t12, true, t + day + 60)
            .await?;
        self.decide(
            self.dep_reviewer(12),
            t12,
            ReviewDecision::Reject {
                reason: "材料不清晰或不完整".into(),
            },
            t + 2 * day,
        )
        .await?; // review_failed
                 // Paper registrations in every state on 13–17; offline terminations on 18–23.
        let p13 = self.paper(13, 3, t).await?;
        e.submit_registration(self.g(13), p13, t + 60).await?; // submitted
        let p14 = self.paper(14, 4, t).await?;
        e.submit_registration(self.g(14), p14, t + 60).await?;
        self.approve(self.dep_reviewer(14), p14, t + day).await?; // under_review
        let p16 = self.paper(16, 6, t).await?;
        e.submit_registration(self.g(16), p16, t + 60).await?;
        self.decide(
            self.dep_reviewer(16),
            p16,
            ReviewDecision::Reject {
                reason: "登记信息与材料不一致".into(),
            },
            t + day,
        )
        .await?; // rejected
        for (i, outcome) in [(17usize, 0u8), (18, 1), (20, 2), (21, 3), (22, 4), (23, 5)] {
            let p = self.paper(i, i % 9, t).await?;
            e.submit_registration(self.g(i), p, t + 60).await?;
            self.approve_all(i, p, t + day).await?; // approved
            if outcome == 0 {
                continue;
            }
            let o = e
                .request_offline_termination(
                    self.g(i),
                    p,
                    "毕业生考取公务员或事业单位",
                    "已考取公务员",
                    &[demo_scan("解约函.png")],
                    t + 2 * day,
                )
                .await?;
            match outcome {
                1 => {}                                                         // submitted
                2 => self.approve(self.dep_reviewer(i), o, t + 3 * day).await?, // under_review
                3 => self.approve_all(i, o, t + 3 * day).await?, // approved: paper terminated
                4 => {
                    self.decide(
                        self.dep_reviewer(i),
                        o,
                        ReviewDecision::Return {
                            reason: "材料不清晰或不完整".into(),
                        },
                        t + 3 * day,
                    )
                    .await?
                }
                _ => {
                    self.decide(
                        self.dep_reviewer(i),
                        o,
                        ReviewDecision::Reject {
                            reason: "其他".into(),
                        },
                        t + 3 * day,
                    )
                    .await?
                }
            }
        }
        let p24 = self.paper(24, 5, t).await?;
        e.submit_registration(self.g(24), p24, t + 60).await?;
        self.approve_all(24, p24, t + day).await?;
        let o24 = e
            .request_offline_termination(
                self.g(24),
                p24,
                "其他",
                "单位搬迁",
                &[demo_scan("解约函.png")],
                t + 2 * day,
            )
            .await?;
        e.withdraw_registration(self.g(24), o24, t + 2 * day + 60)
            .await?; // withdrawn
                     // Other destinations in every state, and a spread of codes for the statistics.
        let kinds = [
            dest(
                "labour_contract",
                &[
                    ("employer", "某连锁超市有限公司"),
                    ("credit_code", &credit(200)),
                    ("nature", "其他企业"),
                    ("industry", "批发和零售业"),
                    ("position", "储备店长"),
                    ("location", "成都市"),
                    ("contract_start", "2026-07-01"),
                    ("contract_end", "2029-06-30"),
                    ("salary", "7000"),
                ],
            ),
            dest(
                "employment_certificate",
                &[
                    ("employer", "某教育咨询公司"),
                    ("credit_code", &credit(201)),
                    ("position", "课程顾问"),
                    ("location", "武汉市"),
                    ("monthly_income", "6000"),
                ],
            ),
            dest(
                "postgraduate",
                &[
                    ("school", "某某大学"),
                    ("programme", "会计"),
                    ("degree_level", "硕士"),
                ],
            ),
            dest("job_seeking", &[("status", "拟参加公招考试")]),
            dest(
                "freelance",
                &[
                    ("occupation", "自由译者"),
                    ("clients", "多家翻译平台"),
                    ("monthly_income", "5000"),
                ],
            ),
            dest(
                "entrepreneurship",
                &[
                    ("enterprise", "某某网店"),
                    ("shop_url", "https://shop.example.com/123"),
                    ("role", "店主"),
                    ("start_date", "2026-01-01"),
                ],
            ),
            dest(
                "conscript",
                &[
                    ("recruiting_office", "某区人民武装部"),
                    ("enlistment_date", "2026-09-01"),
                ],
            ),
            dest(
                "national_west",
                &[
                    ("project", "西部计划"),
                    ("service_place", "新疆某县"),
                    ("service_period", "2年"),
                ],
            ),
            dest(
                "study_abroad",
                &[
                    ("school", "某海外大学"),
                    ("country", "英国"),
                    ("programme", "金融学"),
                ],
            ),
            dest(
                "pre_study",
                &[("intended_exam", "研究生入学考试"), ("year", "2027")],
            ),
        ];
        let mut k = 0;
        // Offline signing in each of its states on the examples (190–198).
        self.offline_examples(t, now).await?;
        for i in 26..200usize {
            if self.graduates[i].4 || i % 10 == 9 || OFFLINE_EXAMPLES.contains(&i) {
                continue; // directed graduates and the unconfirmed
            }
            let state = i % 9;
            if state == 0 {
                // Online agreements for the statistics, across employers.
                self.signed(i % 9, i, t + (i as i64) * 600).await?;
                continue;
            }
            let d = &kinds[k % kinds.len()];
            k += 1;
            match state {
                1 => {
                    e.create_destination(self.g(i), d, &[demo_scan("证明.png")], t)
                        .await?; // draft
                }
                2 => {
                    self.registration(i, d, t).await?; // submitted
                }
                3 => {
                    let id = self.registration(i, d, t).await?;
                    self.approve(self.dep_reviewer(i), id, t + day).await?; // under_review
                }
                4 => {
                    let id = self.registration(i, d, t).await?;
                    self.decide(
                        self.dep_reviewer(i),
                        id,
                        ReviewDecision::Return {
                            reason: "材料不清晰或不完整".into(),
                        },
                        t + day,
                    )
                    .await?;
                }
                5 => {
                    let id = self.registration(i, d, t).await?;
                    self.decide(
                        self.dep_reviewer(i),
                        id,
                        ReviewDecision::Reject {
                            reason: "不符合该去向类型的认定条件".into(),
                        },
                        t + day,
                    )
                    .await?;
                }
                6 => {
                    let id = self.registration(i, d, t).await?;
                    self.approve_all(i, id, t + day).await?;
                    e.void_destination(self.g(i), id, t + 2 * day).await?; // voided
                }
                _ => {
                    let id = self.registration(i, d, t).await?;
                    self.approve_all(i, id, t + day).await?; // approved
                }
            }
        }
        let _ = a0;
        Ok(())
    }
}
