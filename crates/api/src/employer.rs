//! The employer's workspace (issue 5): sign-up with the business licence, staff accounts, the
//! profile, invitations (R-SIGN-01, R-AGR-01), withdrawal, termination (R-TERM) and the list of
//! invitations and agreements. Each operation: the signed-in actor, the engine, the mapped answer.

use base64::Engine as _;
use gradsign_engine::{
    Actor, EmployerDetails, EmployerProfile, EmployerSignUp, EmployerStaff, GraduateLookup,
    InviteInput, Upload,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{Bytes, Cx};
use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::graduate::{EmployerInput, ItemRef, TermsInput, UploadInput};
use crate::review::WorkItem;

/// The sign-up form: R-AGR-01's employer fields, the first staff account, the licence scan.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmployerSignUpInput {
    pub details: EmployerInput,
    pub login: String,
    pub password: String,
    pub display_name: String,
    pub licence: UploadInput,
}

/// The employer's details (R-AGR-01) as stored.
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmployerDetailsView {
    pub name: String,
    pub credit_code: String,
    pub nature: String,
    pub industry: String,
    pub address: String,
    pub contact_person: String,
    pub contact_phone: String,
}

/// The employer's profile page.
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmployerProfileView {
    pub id: i64,
    pub details: EmployerDetailsView,
    /// The school approved the sign-up: invitations are open.
    pub approved: bool,
    pub disabled: bool,
    pub has_licence: bool,
    pub licence_name: Option<String>,
    pub staff: Vec<EmployerStaff>,
}

/// A new staff account.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffInput {
    pub login: String,
    pub password: String,
    pub display_name: String,
}

/// How the employer finds the graduate (R-SIGN-01).
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GraduateLookupInput {
    /// id_number (name + ID number) | student_number (name + this school's student number)
    pub by: String,
    pub name: String,
    pub id_number: String,
    pub student_number: String,
}

/// An invitation: the graduate, every term of R-AGR-01 and the response window.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InviteForm {
    pub graduate: GraduateLookupInput,
    pub terms: TermsInput,
    /// Days to answer: 5 by default, at most the cohort's limit (the engine decides).
    pub deadline_days: Option<i64>,
}

/// An employer signs up (no sign-in needed); the account opens for invitations once approved.
pub async fn sign_up(cx: &Cx<'_>, input: EmployerSignUpInput) -> CommandResult<()> {
    let licence = upload(input.licence)?;
    let s = EmployerSignUp {
        details: input.details.into(),
        login: input.login,
        password: input.password,
        display_name: input.display_name,
    };
    cx.engine
        .employer_sign_up_with_licence(&s, &licence, cx.now)
        .await?;
    Ok(())
}

/// The signed-in employer's profile and staff.
pub async fn profile(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<EmployerProfileView> {
    Ok(cx.engine.employer_profile(actor, None).await?.into())
}

/// The employer keeps its profile (the credit code stays).
pub async fn update_profile(
    cx: &Cx<'_>,
    actor: &Actor,
    details: EmployerInput,
) -> CommandResult<EmployerProfileView> {
    let d = EmployerDetails::from(details);
    Ok(cx
        .engine
        .update_employer_profile(actor, &d, cx.now)
        .await?
        .into())
}

/// The employer replaces its business licence scan.
pub async fn replace_licence(
    cx: &Cx<'_>,
    actor: &Actor,
    licence: UploadInput,
) -> CommandResult<EmployerProfileView> {
    let licence = upload(licence)?;
    Ok(cx
        .engine
        .replace_employer_licence(actor, &licence, cx.now)
        .await?
        .into())
}

/// The business licence scan (JPEG bytes).
pub async fn licence(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<Bytes> {
    Ok(Bytes(cx.engine.employer_licence(actor, None).await?))
}

/// Adds a staff account for the same employer.
pub async fn add_staff(
    cx: &Cx<'_>,
    actor: &Actor,
    input: StaffInput,
) -> CommandResult<EmployerStaff> {
    let (login, pw, name) = (&input.login, &input.password, &input.display_name);
    let a = cx
        .engine
        .add_employer_staff(actor, login, pw, name, cx.now)
        .await?;
    Ok(EmployerStaff {
        id: a.id,
        login: a.login,
        display_name: a.display_name,
        disabled: a.disabled,
    })
}

/// R-SIGN-01: invites a graduate; returns the invitation's id.
pub async fn invite(cx: &Cx<'_>, actor: &Actor, form: InviteForm) -> CommandResult<i64> {
    let invite = InviteInput::try_from(form)?;
    Ok(cx.engine.invite(actor, &invite, cx.now).await?)
}

/// The employer's invitations, agreements and termination requests, newest first.
pub async fn items(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<Vec<WorkItem>> {
    let items = cx.engine.list_items(actor, None, None).await?;
    Ok(items.into_iter().map(WorkItem::from).collect())
}

/// Withdraws a pending invitation.
pub async fn withdraw_invitation(cx: &Cx<'_>, actor: &Actor, req: ItemRef) -> CommandResult<()> {
    Ok(cx.engine.withdraw_invitation(actor, req.id, cx.now).await?)
}

/// The licence file from the UI: staged (`uploadId`, R-UPLOAD-03) or inline; a missing or
/// unreadable one names the licence field.
fn upload(f: UploadInput) -> CommandResult<Upload> {
    if let (None, Some(id)) = (&f.data_base64, &f.upload_id) {
        return Ok(Upload::Staged {
            name: f.name,
            id: id.clone(),
        });
    }
    let bytes = f
        .data_base64
        .as_deref()
        .filter(|_| f.upload_id.is_none())
        .and_then(|d| {
            base64::engine::general_purpose::STANDARD
                .decode(d.as_bytes())
                .ok()
        })
        .filter(|b| !b.is_empty())
        .ok_or_else(|| {
            let mut e = CommandError::new(
                ErrorCode::Validation,
                "请上传营业执照扫描件（JPEG、PNG 或 WebP 图片）",
                "Upload a scan of the business licence (a JPEG, PNG or WebP image)",
            );
            e.details = serde_json::json!({ "field": "licence" });
            e
        })?;
    Ok(Upload::Bytes {
        name: f.name,
        bytes,
    })
}

impl TryFrom<InviteForm> for InviteInput {
    type Error = CommandError;

    fn try_from(f: InviteForm) -> CommandResult<Self> {
        let g = f.graduate;
        let graduate = match g.by.as_str() {
            "id_number" => GraduateLookup::IdNumber {
                name: g.name,
                id_number: g.id_number,
            },
            "student_number" => GraduateLookup::StudentNumber {
                name: g.name,
                student_number: g.student_number,
            },
            _ => {
                let mut e = CommandError::new(
                    ErrorCode::Validation,
                    "请选择查找方式：身份证号或学号",
                    "Choose how to find the graduate: ID number or student number",
                );
                e.details = serde_json::json!({ "field": "by" });
                return Err(e);
            }
        };
        Ok(InviteInput {
            graduate,
            terms: f.terms.into(),
            deadline_days: f.deadline_days,
        })
    }
}

impl From<EmployerProfile> for EmployerProfileView {
    fn from(p: EmployerProfile) -> Self {
        let d = p.details;
        EmployerProfileView {
            id: p.id,
            details: EmployerDetailsView {
                name: d.name,
                credit_code: d.credit_code,
                nature: d.nature,
                industry: d.industry,
                address: d.address,
                contact_person: d.contact_person,
                contact_phone: d.contact_phone,
            },
            approved: p.approved,
            disabled: p.disabled,
            has_licence: p.licence.is_some(),
            licence_name: p.licence.map(|l| l.name),
            staff: p.staff,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(by: &str) -> GraduateLookupInput {
        GraduateLookupInput {
            by: by.into(),
            name: "张三".into(),
            id_number: "11010120030101001X".into(),
            student_number: "2026000001".into(),
        }
    }

    fn blank_terms() -> TermsInput {
        serde_json::from_value(serde_json::json!({
            "position": "工程师", "workLocation": "北京", "salary": "月薪1万元", "probation": "",
            "agreementTerm": "3年", "liquidatedDamages": "", "archiveHandling": "单位接收",
            "archiveReceivingUnit": "", "archiveAddress": "", "archivePostcode": "",
            "hukouAddress": "", "otherTerms": ""
        }))
        .unwrap()
    }

    #[test]
    fn an_invitation_finds_the_graduate_by_id_number_or_student_number() {
        let by_id = InviteInput::try_from(InviteForm {
            graduate: lookup("id_number"),
            terms: blank_terms(),
            deadline_days: Some(7),
        })
        .unwrap();
        assert!(matches!(
            by_id.graduate,
            GraduateLookup::IdNumber { ref id_number, .. } if id_number == "11010120030101001X"
        ));
        assert_eq!(by_id.deadline_days, Some(7));
        assert_eq!(by_id.terms.position, "工程师");
        let by_sn = InviteInput::try_from(InviteForm {
            graduate: lookup("student_number"),
            terms: blank_terms(),
            deadline_days: None,
        })
        .unwrap();
        assert!(matches!(
            by_sn.graduate,
            GraduateLookup::StudentNumber { ref student_number, .. } if student_number == "2026000001"
        ));
        let bad = InviteInput::try_from(InviteForm {
            graduate: lookup("phone"),
            terms: blank_terms(),
            deadline_days: None,
        })
        .unwrap_err();
        assert_eq!(bad.details["field"], "by");
    }

    #[test]
    fn a_missing_licence_names_the_licence_field() {
        let e = upload(UploadInput {
            name: "执照.jpg".into(),
            data_base64: Some(String::new()),
            upload_id: None,
        })
        .unwrap_err();
        assert_eq!(e.details["field"], "licence");
        let ok = upload(UploadInput {
            name: "执照.jpg".into(),
            data_base64: Some("/9j/4A==".into()),
            upload_id: None,
        })
        .unwrap();
        assert!(matches!(ok, Upload::Bytes { bytes, .. } if bytes == [0xFF, 0xD8, 0xFF, 0xE0]));
        let staged = upload(UploadInput {
            name: "执照.jpg".into(),
            data_base64: None,
            upload_id: Some("0123".into()),
        })
        .unwrap();
        assert!(matches!(staged, Upload::Staged { id, .. } if id == "0123"));
        let both = upload(UploadInput {
            name: "执照.jpg".into(),
            data_base64: Some("/9j/4A==".into()),
            upload_id: Some("0123".into()),
        })
        .unwrap_err();
        assert_eq!(both.details["field"], "licence");
    }
}
