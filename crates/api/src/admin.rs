//! The school admin's workspace (issue 5): graduates imported from .xlsx/.csv with a preview
//! (R-IMPORT-01), basic info fixed with R-DEST-05's consequences shown first, departments
//! (R-DEP-01), cohorts (R-MOD-01, R-CHANGE-01), settings (R-SCAN-03, the SMS/WeChat gateway of
//! R-NOTE-02), accounts and employers (R-ACC-01, R-AUTH-03) and the outbox. Each operation: the
//! signed-in actor, the engine, the mapped answer; the engine decides every rule and permission.

use base64::Engine as _;
use gradsign_engine::outbox::{DeliveryReport, GatewayConfig, OutboxMessage};
use gradsign_engine::Actor;
use gradsign_engine::{
    AccountView, Cohort, CohortSettings, Department, EmployerView, FixPreview, Graduate,
    GraduateFix, GraduateQuery, ImportProblem, ImportReport, MergeReport, NewStaff, ReviewChain,
    Role,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::Cx;
use crate::error::{CommandError, CommandResult, ErrorCode};

/// The file the admin chose, as base64.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportFileInput {
    pub cohort: i64,
    pub file_name: String,
    pub data_base64: String,
}

/// One bad row: `row N: field: reason` (N the spreadsheet's line, header = 1).
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportProblemView {
    pub line: u32,
    pub field: String,
    pub reason_zh: String,
    pub reason_en: String,
}

/// What the file holds and what is wrong with it, before anything is imported.
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    pub header: Vec<String>,
    pub rows: u32,
    /// The first rows as read, for the preview table.
    pub sample: Vec<Vec<String>>,
    pub problems: Vec<ImportProblemView>,
}

/// A graduate as the admin's list and form show it (the admin sees the full ID number).
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GraduateRow {
    pub id: i64,
    pub cohort: i64,
    pub student_number: String,
    pub name: String,
    pub gender: String,
    pub id_number: String,
    pub education_level: String,
    pub major: String,
    pub department_id: i64,
    pub department: String,
    pub training_mode: String,
    pub directed_unit: String,
    pub origin: String,
    pub phone: String,
    pub email: String,
    pub confirmed: bool,
    pub version: i64,
}

/// The graduates list's filter.
#[derive(Debug, Clone, Default, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GraduateFilter {
    pub cohort: i64,
    pub department_id: Option<i64>,
    pub major: Option<String>,
    pub education_level: Option<String>,
    pub text: Option<String>,
}

/// A fix of basic info; absent fields are kept.
#[derive(Debug, Clone, Default, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GraduateFixInput {
    pub name: Option<String>,
    pub gender: Option<String>,
    pub id_number: Option<String>,
    pub education_level: Option<String>,
    pub major: Option<String>,
    pub department_id: Option<i64>,
    pub training_mode: Option<String>,
    pub directed_unit: Option<String>,
    pub origin: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A cohort's settings.
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CohortView {
    pub year: i64,
    pub module_open: bool,
    /// department | school | both
    pub chain: String,
    pub invite_limit_days: i64,
    /// UTC seconds: after it graduates' changes need the school (R-CHANGE-01).
    pub changes_until: i64,
    pub agreement_title: String,
}

/// The cohort form; `changesUntil` null = 31 August 23:59:59 of the cohort year.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CohortInput {
    pub year: i64,
    pub chain: String,
    pub invite_limit_days: i64,
    pub changes_until: Option<i64>,
    pub agreement_title: Option<String>,
}

/// An account without secrets.
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountRow {
    pub id: i64,
    pub login: String,
    pub role: String,
    pub display_name: String,
    pub department_id: Option<i64>,
    pub employer_id: Option<i64>,
    pub disabled: bool,
}

/// A new reviewer or admin account.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffAccountInput {
    pub login: String,
    pub password: String,
    pub display_name: String,
    /// department_reviewer | school_reviewer | school_admin
    pub role: String,
    pub department_id: Option<i64>,
}

/// The school settings the admin screen shows (the gateway token is never sent back).
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub keep_original_scans: bool,
    pub gateway_url: String,
    pub sms_template: String,
    pub wechat_template: String,
    pub token_set: bool,
}

/// The gateway form; an empty URL removes the gateway; an empty token keeps the stored one.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewayInput {
    pub url: String,
    pub token: String,
    pub sms_template: String,
    pub wechat_template: String,
}

/// `admin_fix_preview`: a graduate and the fix to weigh.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FixPreviewRequest {
    pub id: i64,
    pub fix: GraduateFixInput,
}

/// `admin_fix_graduate`: the fix, against the version the admin saw.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FixRequest {
    pub id: i64,
    pub version: i64,
    pub fix: GraduateFixInput,
}

/// A new department's name.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DepartmentAdd {
    pub name: String,
}

/// A department's new name.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DepartmentRename {
    pub id: i64,
    pub name: String,
}

/// Two departments: `from` is merged into `into`.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DepartmentMerge {
    pub from: i64,
    pub into: i64,
}

/// A cohort's module opened or closed.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ModuleSwitch {
    pub year: i64,
    pub open: bool,
}

/// R-SCAN-03's setting.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeepOriginals {
    pub keep: bool,
}

/// R-MOD-04: two records sharing an ID number under different names confirmed as the same
/// person (`linked`), or the confirmation taken back.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PersonLinkSet {
    pub graduate_id: i64,
    pub other_id: i64,
    pub linked: bool,
}

/// An account or employer disabled or enabled.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DisabledSwitch {
    pub id: i64,
    pub disabled: bool,
}

/// An account's new password.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordReset {
    pub id: i64,
    pub password: String,
}

/// An employer's sign-up approved, or the approval withdrawn.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmployerApproval {
    pub id: i64,
    pub approved: bool,
}

/// One outbox message.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutboxRef {
    pub id: i64,
}

// ---------------------------------------------------------------------------------------------
// Import (R-IMPORT-01)

fn read_file(input: &ImportFileInput) -> CommandResult<gradsign_engine::ImportFile> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(input.data_base64.as_bytes())
        .map_err(|_| {
            let mut e = CommandError::new(
                ErrorCode::Validation,
                format!("文件“{}”未能读取", input.file_name),
                format!("The file “{}” could not be read", input.file_name),
            );
            e.details = serde_json::json!({ "field": "file" });
            e
        })?;
    Ok(gradsign_engine::read_import(&input.file_name, &bytes)?)
}

/// Reads the chosen file and lists every bad row; nothing is imported.
pub async fn import_check(
    cx: &Cx<'_>,
    actor: &Actor,
    req: ImportFileInput,
) -> CommandResult<ImportPreview> {
    let f = read_file(&req)?;
    let problems = cx
        .engine
        .check_import(actor, req.cohort, &f.header, &f.rows)
        .await?;
    Ok(ImportPreview::new(f, problems))
}

/// Imports every row or none; a refusal carries every bad row in `details.rows`.
pub async fn import(
    cx: &Cx<'_>,
    actor: &Actor,
    req: ImportFileInput,
) -> CommandResult<ImportReport> {
    let f = read_file(&req)?;
    Ok(cx
        .engine
        .import_graduates(actor, req.cohort, &f.header, &f.rows, cx.now)
        .await?)
}

impl ImportPreview {
    fn new(f: gradsign_engine::ImportFile, problems: Vec<ImportProblem>) -> Self {
        ImportPreview {
            rows: u32::try_from(f.rows.len()).unwrap_or(u32::MAX),
            sample: f.rows.iter().take(20).map(|r| r.cells.clone()).collect(),
            header: f.header,
            problems: problems.into_iter().map(ImportProblemView::from).collect(),
        }
    }
}

impl From<ImportProblem> for ImportProblemView {
    fn from(p: ImportProblem) -> Self {
        ImportProblemView {
            line: u32::try_from(p.line).unwrap_or(u32::MAX),
            field: p.field,
            reason_zh: p.reason_zh,
            reason_en: p.reason_en,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Graduates

/// A cohort's graduates (at most 2,000 per filter).
pub async fn graduates(
    cx: &Cx<'_>,
    actor: &Actor,
    req: GraduateFilter,
) -> CommandResult<Vec<GraduateRow>> {
    let list = cx.engine.list_graduates(actor, &req.into(), 2000).await?;
    Ok(list.into_iter().map(GraduateRow::from).collect())
}

/// What saving this fix would change and withdraw (R-DEST-05), before saving.
pub async fn fix_preview(
    cx: &Cx<'_>,
    actor: &Actor,
    req: FixPreviewRequest,
) -> CommandResult<FixPreview> {
    Ok(cx
        .engine
        .preview_fix(actor, req.id, &req.fix.into())
        .await?)
}

/// Saves a fix of basic info (recorded; the graduate notified in the app, by SMS and WeChat).
pub async fn fix_graduate(
    cx: &Cx<'_>,
    actor: &Actor,
    req: FixRequest,
) -> CommandResult<GraduateRow> {
    let g = cx
        .engine
        .fix_graduate(actor, req.id, req.version, &req.fix.into(), cx.now)
        .await?;
    Ok(g.into())
}

impl From<GraduateFilter> for GraduateQuery {
    fn from(f: GraduateFilter) -> Self {
        let blank = |s: Option<String>| s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        GraduateQuery {
            cohort: f.cohort,
            department_id: f.department_id,
            major: blank(f.major),
            education_level: blank(f.education_level),
            text: blank(f.text),
        }
    }
}

impl From<GraduateFixInput> for GraduateFix {
    fn from(f: GraduateFixInput) -> Self {
        GraduateFix {
            name: f.name,
            gender: f.gender,
            id_number: f.id_number,
            education_level: f.education_level,
            major: f.major,
            department_id: f.department_id,
            training_mode: f.training_mode,
            directed_unit: f.directed_unit,
            origin: f.origin,
            phone: f.phone,
            email: f.email,
        }
    }
}

impl From<Graduate> for GraduateRow {
    fn from(g: Graduate) -> Self {
        GraduateRow {
            id: g.id,
            cohort: g.cohort,
            student_number: g.student_number,
            name: g.name,
            gender: g.gender,
            id_number: g.id_number,
            education_level: g.education_level,
            major: g.major,
            department_id: g.department_id,
            department: g.department,
            training_mode: g.training_mode,
            directed_unit: g.directed_unit,
            origin: g.origin,
            phone: g.phone,
            email: g.email,
            confirmed: g.confirmed_at.is_some(),
            version: g.version,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Departments (R-DEP-01)

/// Every department.
pub async fn departments(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<Vec<Department>> {
    Ok(cx.engine.departments(actor).await?)
}

/// Adds a department.
pub async fn department_add(
    cx: &Cx<'_>,
    actor: &Actor,
    req: DepartmentAdd,
) -> CommandResult<Department> {
    Ok(cx.engine.add_department(actor, &req.name, cx.now).await?)
}

/// Renames a department.
pub async fn department_rename(
    cx: &Cx<'_>,
    actor: &Actor,
    req: DepartmentRename,
) -> CommandResult<Department> {
    Ok(cx
        .engine
        .rename_department(actor, req.id, &req.name, cx.now)
        .await?)
}

/// Merges `from` into `into` (graduates, items and reviewers move; nothing is lost).
pub async fn department_merge(
    cx: &Cx<'_>,
    actor: &Actor,
    req: DepartmentMerge,
) -> CommandResult<MergeReport> {
    Ok(cx
        .engine
        .merge_departments(actor, req.from, req.into, cx.now)
        .await?)
}

// ---------------------------------------------------------------------------------------------
// Cohorts (R-MOD-01, R-CHANGE-01)

/// Every cohort, newest first.
pub async fn cohorts(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<Vec<CohortView>> {
    let list = cx.engine.cohorts(actor).await?;
    Ok(list.into_iter().map(CohortView::from).collect())
}

/// Creates or updates a cohort's settings.
pub async fn cohort_configure(
    cx: &Cx<'_>,
    actor: &Actor,
    req: CohortInput,
) -> CommandResult<CohortView> {
    let s = req.try_into()?;
    let c = cx.engine.configure_cohort(actor, &s, cx.now).await?;
    Ok(c.into())
}

/// Opens or closes the module for a cohort.
pub async fn cohort_set_module(
    cx: &Cx<'_>,
    actor: &Actor,
    req: ModuleSwitch,
) -> CommandResult<CohortView> {
    let c = cx
        .engine
        .set_module(actor, req.year, req.open, cx.now)
        .await?;
    Ok(c.into())
}

impl From<Cohort> for CohortView {
    fn from(c: Cohort) -> Self {
        CohortView {
            year: c.year,
            module_open: c.module_open,
            chain: c.chain.as_str().to_string(),
            invite_limit_days: c.invite_limit_days,
            changes_until: c.changes_until,
            agreement_title: c.agreement_title,
        }
    }
}

impl TryFrom<CohortInput> for CohortSettings {
    type Error = CommandError;

    fn try_from(i: CohortInput) -> CommandResult<Self> {
        Ok(CohortSettings {
            year: i.year,
            chain: ReviewChain::parse(&i.chain)?,
            invite_limit_days: i.invite_limit_days,
            changes_until: i.changes_until,
            agreement_title: i.agreement_title.filter(|t| !t.trim().is_empty()),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Settings (R-SCAN-03, R-NOTE-02)

/// The settings screen's values: the gateway without its token, only whether one is stored (the
/// token never leaves the engine, R-NOTE-04).
pub async fn settings(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<SettingsView> {
    let keep_original_scans = cx.engine.keep_original_scans(actor).await?;
    Ok(match cx.engine.gateway_settings(actor).await? {
        Some(gw) => SettingsView {
            keep_original_scans,
            gateway_url: gw.url,
            sms_template: gw.sms_template,
            wechat_template: gw.wechat_template,
            token_set: gw.token_set,
        },
        None => SettingsView {
            keep_original_scans,
            gateway_url: String::new(),
            sms_template: String::new(),
            wechat_template: String::new(),
            token_set: false,
        },
    })
}

/// R-SCAN-03: keep the original of every later upload, or not.
pub async fn keep_originals_set(
    cx: &Cx<'_>,
    actor: &Actor,
    req: KeepOriginals,
) -> CommandResult<()> {
    Ok(cx
        .engine
        .set_keep_original_scans(actor, req.keep, cx.now)
        .await?)
}

/// Sets the SMS/WeChat gateway (an empty URL removes it; the engine keeps the stored token when
/// the form's is empty).
pub async fn gateway_set(cx: &Cx<'_>, actor: &Actor, req: GatewayInput) -> CommandResult<()> {
    let cfg = gateway_config(req);
    Ok(cx.engine.set_gateway(actor, cfg.as_ref(), cx.now).await?)
}

/// Sends the due outbox messages now (the settings screen's test send, the outbox's "send now").
pub async fn outbox_deliver(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<DeliveryReport> {
    Ok(cx.engine.deliver_outbox(actor, cx.now).await?)
}

/// The form as the engine's gateway: a blank URL means "no gateway".
fn gateway_config(i: GatewayInput) -> Option<GatewayConfig> {
    if i.url.trim().is_empty() {
        return None;
    }
    Some(GatewayConfig {
        url: i.url,
        token: i.token,
        sms_template: i.sms_template,
        wechat_template: i.wechat_template,
    })
}

// ---------------------------------------------------------------------------------------------
// Accounts and employers (R-ACC-01, R-AUTH-03)

/// Every account, without secrets.
pub async fn accounts(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<Vec<AccountRow>> {
    let list = cx.engine.accounts(actor).await?;
    Ok(list.into_iter().map(AccountRow::from).collect())
}

/// Creates a reviewer (department or school level) or another admin.
pub async fn account_create(
    cx: &Cx<'_>,
    actor: &Actor,
    req: StaffAccountInput,
) -> CommandResult<AccountRow> {
    let s = req.try_into()?;
    let a = cx.engine.create_staff_account(actor, &s, cx.now).await?;
    Ok(a.into())
}

/// Disables or enables an account.
pub async fn account_set_disabled(
    cx: &Cx<'_>,
    actor: &Actor,
    req: DisabledSwitch,
) -> CommandResult<()> {
    Ok(cx
        .engine
        .set_account_disabled(actor, req.id, req.disabled, cx.now)
        .await?)
}

/// R-MOD-04: the pairs of records sharing an ID number under different names.
pub async fn person_links(
    cx: &Cx<'_>,
    actor: &Actor,
    _: (),
) -> CommandResult<Vec<gradsign_engine::PersonLinkCandidate>> {
    Ok(cx.engine.person_link_candidates(actor).await?)
}

/// R-MOD-04: confirms, or takes back, that two such records are the same person.
pub async fn person_link_set(cx: &Cx<'_>, actor: &Actor, req: PersonLinkSet) -> CommandResult<()> {
    Ok(cx
        .engine
        .set_person_link(actor, req.graduate_id, req.other_id, req.linked, cx.now)
        .await?)
}

/// Sets a new password for an account (its sessions end).
pub async fn password_reset(cx: &Cx<'_>, actor: &Actor, req: PasswordReset) -> CommandResult<()> {
    Ok(cx
        .engine
        .reset_password(actor, req.id, &req.password, cx.now)
        .await?)
}

/// Every employer, sign-ups awaiting approval first.
pub async fn employers(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<Vec<EmployerView>> {
    Ok(cx.engine.employers(actor).await?)
}

/// Approves an employer's sign-up (or withdraws the approval).
pub async fn employer_approve(
    cx: &Cx<'_>,
    actor: &Actor,
    req: EmployerApproval,
) -> CommandResult<()> {
    Ok(cx
        .engine
        .set_employer_approval(actor, req.id, req.approved, cx.now)
        .await?)
}

/// Disables or enables an employer.
pub async fn employer_set_disabled(
    cx: &Cx<'_>,
    actor: &Actor,
    req: DisabledSwitch,
) -> CommandResult<()> {
    Ok(cx
        .engine
        .set_employer_disabled(actor, req.id, req.disabled, cx.now)
        .await?)
}

impl From<AccountView> for AccountRow {
    fn from(a: AccountView) -> Self {
        AccountRow {
            id: a.id,
            login: a.login,
            role: a.role.as_str().to_string(),
            display_name: a.display_name,
            department_id: a.department_id,
            employer_id: a.employer_id,
            disabled: a.disabled,
        }
    }
}

impl TryFrom<StaffAccountInput> for NewStaff {
    type Error = CommandError;

    fn try_from(i: StaffAccountInput) -> CommandResult<Self> {
        let role = Role::parse(&i.role).ok_or_else(|| {
            let mut e = CommandError::new(
                ErrorCode::Validation,
                "请选择账号类型",
                "Choose the account's role",
            );
            e.details = serde_json::json!({ "field": "role" });
            e
        })?;
        Ok(NewStaff {
            login: i.login,
            password: i.password,
            display_name: i.display_name,
            role,
            department_id: i.department_id,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Outbox (R-NOTE-02)

/// The SMS/WeChat outbox, newest first, with delivery status.
pub async fn outbox(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<Vec<OutboxMessage>> {
    Ok(cx.engine.outbox(actor).await?)
}

/// Sends a given-up or unsent message again.
pub async fn outbox_retry(cx: &Cx<'_>, actor: &Actor, req: OutboxRef) -> CommandResult<()> {
    Ok(cx.engine.retry_outbox(actor, req.id, cx.now).await?)
}
#[cfg(test)]
mod tests {
    use super::*;

    fn gw(url: &str, token: &str) -> GatewayInput {
        GatewayInput {
            url: url.into(),
            token: token.into(),
            sms_template: " SMS_1 ".into(),
            wechat_template: "WX_1".into(),
        }
    }

    #[test]
    fn an_empty_gateway_url_removes_it_and_the_rest_goes_to_the_engine_as_typed() {
        assert!(gateway_config(gw("  ", "t")).is_none());
        let cfg = gateway_config(gw("https://sms.example.edu.cn/hook", "")).unwrap();
        assert_eq!(cfg.url, "https://sms.example.edu.cn/hook");
        assert_eq!(
            cfg.token, "",
            "an empty token: the engine keeps the stored one"
        );
        assert_eq!(cfg.sms_template, " SMS_1 ", "the engine trims and checks");
    }

    #[test]
    fn a_staff_account_needs_a_known_role_and_the_chain_a_known_name() {
        let bad = NewStaff::try_from(StaffAccountInput {
            login: "r1".into(),
            password: "reviewer2026".into(),
            display_name: "王老师".into(),
            role: "boss".into(),
            department_id: None,
        })
        .unwrap_err();
        assert_eq!(bad.details["field"], "role");
        let c = CohortSettings::try_from(CohortInput {
            year: 2026,
            chain: "both".into(),
            invite_limit_days: 10,
            changes_until: None,
            agreement_title: Some("  ".into()),
        })
        .unwrap();
        assert!(
            c.agreement_title.is_none(),
            "a blank title keeps the national one"
        );
        assert!(CohortSettings::try_from(CohortInput {
            year: 2026,
            chain: "nobody".into(),
            invite_limit_days: 10,
            changes_until: None,
            agreement_title: None,
        })
        .is_err());
    }
}
