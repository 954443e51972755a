//! The workflows of DOMAIN.md: each is an enum state with one pure transition function
//! `(state, event, actor, facts, now) -> Result<next, DomainError>`. Facts carry what the engine
//! read from the store inside the same transaction (scope ids, deadlines, the graduate's standing);
//! the functions read no clock and no database. Each item workflow's `step` wraps its transition
//! with the history line and the notices the step writes ([`Step`]); the engine's one step driver
//! (`actions/steps.rs`) does the rest once.

pub mod info;
pub mod module;
pub mod offline_signing;
pub mod registration;
pub mod review;
pub mod signing;
pub mod termination;

use crate::error::{DomainError, ErrorCode, Result};
use serde::{Deserialize, Serialize};

/// The five roles plus the system (deadline sweep, cascades of another action).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Graduate,
    Employer,
    DepartmentReviewer,
    SchoolReviewer,
    SchoolAdmin,
    System,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Graduate => "graduate",
            Role::Employer => "employer",
            Role::DepartmentReviewer => "department_reviewer",
            Role::SchoolReviewer => "school_reviewer",
            Role::SchoolAdmin => "school_admin",
            Role::System => "system",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        [
            Role::Graduate,
            Role::Employer,
            Role::DepartmentReviewer,
            Role::SchoolReviewer,
            Role::SchoolAdmin,
            Role::System,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// Who acts, with the scope the engine checks every action against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub account_id: Option<i64>,
    pub role: Role,
    pub graduate_id: Option<i64>,
    pub employer_id: Option<i64>,
    pub department_id: Option<i64>,
}

impl Actor {
    /// The engine's own actor for machine work: the deadline sweep, outbox delivery, integrity
    /// checks and the cascades of another action (R-AUTH-07). No account carries this role (the
    /// engine refuses an account row that claims it), so no session ever authenticates as it;
    /// only code that runs the engine directly (the desktop's background worker, the CLI) uses it.
    pub fn system() -> Actor {
        Actor {
            account_id: None,
            role: Role::System,
            graduate_id: None,
            employer_id: None,
            department_id: None,
        }
    }
    pub fn is_graduate(&self, graduate_id: i64) -> bool {
        self.role == Role::Graduate && self.graduate_id == Some(graduate_id)
    }
    pub fn is_employer(&self, employer_id: Option<i64>) -> bool {
        self.role == Role::Employer && employer_id.is_some() && self.employer_id == employer_id
    }
    pub fn require(&self, ok: bool) -> Result<()> {
        if ok {
            Ok(())
        } else {
            Err(DomainError::forbidden())
        }
    }
}

/// A review level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Department,
    School,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Department => "department",
            Level::School => "school",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Level::Department => "院系审核",
            Level::School => "学校审核",
        }
    }
}

/// R-REV-01: per cohort, department, school, or both in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewChain {
    Department,
    School,
    Both,
}

impl ReviewChain {
    pub fn levels(self) -> &'static [Level] {
        match self {
            ReviewChain::Department => &[Level::Department],
            ReviewChain::School => &[Level::School],
            ReviewChain::Both => &[Level::Department, Level::School],
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewChain::Department => "department",
            ReviewChain::School => "school",
            ReviewChain::Both => "both",
        }
    }
    pub fn parse(s: &str) -> Result<ReviewChain> {
        match s.trim() {
            "department" | "院系" => Ok(ReviewChain::Department),
            "school" | "学校" => Ok(ReviewChain::School),
            "both" | "院系+学校" => Ok(ReviewChain::Both),
            _ => Err(DomainError::field(
                "chain",
                "审核链应为 department、school 或 both",
                "Review chain must be department, school or both",
            )),
        }
    }
}

/// A reviewer's decision (R-REV-03: return and reject need a reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum ReviewDecision {
    Approve { note: String },
    Return { reason: String },
    Reject { reason: String },
}

impl ReviewDecision {
    pub fn name(&self) -> &'static str {
        match self {
            ReviewDecision::Approve { .. } => "approve",
            ReviewDecision::Return { .. } => "return",
            ReviewDecision::Reject { .. } => "reject",
        }
    }
    pub fn text(&self) -> &str {
        match self {
            ReviewDecision::Approve { note } => note,
            ReviewDecision::Return { reason } | ReviewDecision::Reject { reason } => reason,
        }
    }
}

/// What the engine knows of a graduate when one of their items moves.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GraduateStanding {
    /// R-INFO-01.
    pub confirmed: bool,
    /// R-MOD-01.
    pub module_open: bool,
    /// R-DEST-05 / R-SIGN-09.
    pub directed: bool,
    /// R-MOD-02: the item belongs to the actor's current cohort record.
    pub current_cohort: bool,
    /// R-RULES-03: the cohort's change deadline has passed.
    pub changes_closed: bool,
    /// R-ONE-01: an effective or pending destination other than the item itself.
    pub active: Option<ActiveDestination>,
}

/// The one effective or pending destination a graduate may hold (R-ONE-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActiveDestination {
    /// An accepted online agreement, under review or signed.
    OnlineAgreement,
    /// A paper registration submitted, under review or approved.
    PaperAgreement,
    /// An other destination submitted, under review or approved.
    OtherDestination,
    /// An offline signing applied for, under either review, issued for stamping, or signed.
    OfflineAgreement,
}

impl GraduateStanding {
    /// The gate every graduate workflow action passes first (R-INFO-01, R-MOD-01, R-MOD-02).
    pub fn require_can_act(&self) -> Result<()> {
        if !self.current_cohort {
            return Err(DomainError::new(
                ErrorCode::ReadOnlyCohort,
                "往届记录只能查看，不能修改",
                "Records of an earlier cohort are read-only",
            ));
        }
        if !self.confirmed {
            return Err(DomainError::new(
                ErrorCode::InfoNotConfirmed,
                "请先确认基本信息（信息确认无误，进入系统）",
                "Confirm your basic info first",
            ));
        }
        if !self.module_open {
            return Err(module_closed());
        }
        Ok(())
    }

    /// R-ONE-01: nothing else effective or pending.
    pub fn require_free(&self) -> Result<()> {
        match self.active {
            None => Ok(()),
            Some(a) => Err(one_destination(a)),
        }
    }

    /// R-RULES-03: graduates' changes after the cohort's change deadline need the school.
    pub fn require_changes_open(&self) -> Result<()> {
        if self.changes_closed {
            Err(DomainError::new(
                ErrorCode::ChangesClosed,
                "已过本届去向变更截止日期，请联系学校就业部门",
                "The cohort's change deadline has passed; contact the school's employment office",
            ))
        } else {
            Ok(())
        }
    }
}

pub fn module_closed() -> DomainError {
    DomainError::new(
        ErrorCode::ModuleClosed,
        "学校尚未开放本届“毕业去向登记与网签”模块",
        "The school has not opened the destination registration module for this cohort",
    )
}

pub fn one_destination(a: ActiveDestination) -> DomainError {
    let (zh, en) = match a {
        ActiveDestination::OnlineAgreement => (
            "已有网签协议（审核中或已生效），请先解约",
            "an online agreement is under review or signed; terminate it first",
        ),
        ActiveDestination::PaperAgreement => (
            "已有纸质协议登记（审核中或已生效），请先撤回或解约",
            "a paper agreement registration is pending or approved; withdraw or terminate it first",
        ),
        ActiveDestination::OtherDestination => (
            "已有其他去向登记（审核中或已生效），请先撤回或作废",
            "another destination is pending or approved; withdraw or void it first",
        ),
        ActiveDestination::OfflineAgreement => (
            "已申请就业协议线下签约（审核中、待盖章回传或已生效），请先撤回、放弃或解约",
            "an offline signing is pending, awaiting the employer's stamp or signed; withdraw, cancel or terminate it first",
        ),
    };
    DomainError::new(
        ErrorCode::OneDestination,
        format!("每人同一时间只能有一个毕业去向：{zh}"),
        format!("One destination at a time: {en}"),
    )
    .with_details(serde_json::json!({ "active": a }))
}

/// A workflow state stored as the item's `state` name and review `step`.
pub trait WorkflowState: Copy + PartialEq + Sized {
    fn name(self) -> &'static str;
    /// The chain step awaiting a decision (0 outside review).
    fn step(self) -> usize;
    fn from_parts(name: &str, step: usize) -> Option<Self>;
}

/// What one step of a workflow decided: the next state, the history line it writes and the
/// notices it sends. The functions that make it are pure; the engine's step driver
/// (`actions/steps.rs`) writes the state, the line and the notices in the action's transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step<S> {
    pub next: S,
    /// The history entry's action, review level (decisions only) and reason.
    pub action: &'static str,
    pub level: &'static str,
    pub reason: String,
    pub notices: Vec<Notice>,
}

impl<S> Step<S> {
    pub fn new(next: S, action: &'static str) -> Step<S> {
        Step {
            next,
            action,
            level: "",
            reason: String::new(),
            notices: Vec::new(),
        }
    }
}

/// Which party of the item a notice goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addressee {
    Graduate,
    Employer,
}

/// An in-app message (R-NOTE-01); `school_change` also sends it by SMS and WeChat (R-NOTE-02).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub to: Addressee,
    pub kind: &'static str,
    pub title: String,
    pub body: NoticeBody,
    pub school_change: bool,
}

/// A notice's text, or the text around the agreement number the signing assigns after the step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeBody {
    Text(String),
    AroundAgreementNumber { before: String, after: &'static str },
}

impl Notice {
    pub fn new(
        to: Addressee,
        kind: &'static str,
        title: impl Into<String>,
        body: impl Into<String>,
    ) -> Notice {
        Notice {
            to,
            kind,
            title: title.into(),
            body: NoticeBody::Text(body.into()),
            school_change: false,
        }
    }
}
