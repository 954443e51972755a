//! What the printed agreement shows (R-PDF-01..03): the frozen snapshot (R-PDF-02), the current
//! state and the signing and review timeline, for the actors who may see the agreement. The
//! documents crate turns this into the PDF; the engine decides every word of it.

use crate::engine::{item_from_row, load_item, Engine, ITEM_COLUMNS};
use crate::error::{DomainError, Result};
use crate::model::ItemKind;
use crate::snapshot::AgreementSnapshot;
use crate::time::{format_shanghai, Timestamp};
use crate::workflow::Actor;
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// One timeline line, already worded and in Asia/Shanghai.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedEvent {
    pub at: String,
    pub actor: String,
    pub action: String,
}

/// Everything the agreement PDF prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintableAgreement {
    pub snapshot: AgreementSnapshot,
    pub verification_code: String,
    pub content_hash: String,
    /// What the PDF says of the agreement now: in force (online or signed offline), issued to
    /// print and awaiting the employer's stamp (R-OFFSIGN-03), or terminated (R-PDF-03).
    pub state: gradsign_documents::AgreementState,
    pub timeline: Vec<PrintedEvent>,
}

fn role_label(role: &str) -> &'static str {
    match role {
        "graduate" => "毕业生",
        "employer" => "用人单位",
        "department_reviewer" => "院系审核",
        "school_reviewer" => "学校审核",
        "school_admin" => "学校管理员",
        _ => "系统",
    }
}

fn action_label(kind: &str, action: &str, level: &str, to_state: &str) -> String {
    let lvl = match level {
        "department" => "院系",
        "school" => "学校",
        _ => "",
    };
    match (kind, action) {
        ("signing", "invite") => "发出签约邀请".into(),
        ("signing", "accept") => "接受签约邀请".into(),
        ("signing", "approve") => format!("{lvl}审核通过"),
        ("termination", "request") => "申请解约".into(),
        ("termination", "accept") => "同意解约".into(),
        ("termination", "approve") => format!("解约{lvl}审核通过"),
        ("offline_signing", "apply") => "申请就业协议线下签约".into(),
        ("offline_signing", "submit") => "重新提交线下签约申请".into(),
        ("offline_signing", "approve")
            if matches!(to_state, "under_review" | "approved_for_print") =>
        {
            format!("协议审核{lvl}通过")
        }
        ("offline_signing", "approve") => format!("签约审核{lvl}通过"),
        ("offline_signing", "upload_stamped") => "上传盖章协议书（回传）".into(),
        ("offline_termination", "request") => "申请线下解约".into(),
        ("offline_termination", "approve") => format!("线下解约{lvl}审核通过"),
        (_, a) => a.to_string(),
    }
}

impl Engine {
    /// The printable agreement of a signed (or terminated) online agreement, for its parties and
    /// the school (department reviewers: their department). The full ID number is printed: the
    /// agreement is the parties' legal document (R-PDF-04 in docs/rules.md).
    pub async fn printable_agreement(
        &self,
        actor: &Actor,
        item_id: i64,
        _now: Timestamp,
    ) -> Result<PrintableAgreement> {
        let mut c = self.store.read().await?;
        let it = load_item(&mut c, item_id).await?;
        let visible = matches!(it.kind, ItemKind::Signing | ItemKind::OfflineSigning)
            && match actor.role {
                crate::workflow::Role::Graduate => actor.graduate_id == Some(it.graduate_id),
                crate::workflow::Role::Employer => actor.is_employer(it.employer_id),
                crate::workflow::Role::DepartmentReviewer => {
                    actor.department_id == Some(it.department_id)
                }
                crate::workflow::Role::SchoolReviewer | crate::workflow::Role::SchoolAdmin => true,
                crate::workflow::Role::System => false,
            };
        if !visible {
            return Err(DomainError::not_found("协议", "Agreement"));
        }
        let (Some(snapshot), Some(hash), Some(code)) =
            (&it.snapshot, &it.snapshot_hash, &it.verification_code)
        else {
            return Err(DomainError::new(
                crate::error::ErrorCode::InvalidState,
                "协议尚未签约生效，没有电子协议书",
                "The agreement is not signed yet; there is no electronic agreement",
            ));
        };
        if it.kind == ItemKind::OfflineSigning
            && matches!(it.state.as_str(), "failed" | "cancelled")
        {
            return Err(DomainError::new(
                crate::error::ErrorCode::InvalidState,
                "该线下签约已失败或已放弃，下发的协议书已作废",
                "This offline signing failed or was given up; the issued agreement is void",
            ));
        }
        let snapshot: AgreementSnapshot = serde_json::from_str(snapshot)?;
        let rows = sqlx::query(
            "SELECT h.at, h.action, h.level, h.to_state, h.actor_role, i.kind, COALESCE(a.display_name, '') AS name FROM history h JOIN items i ON i.id = h.item_id \
             LEFT JOIN accounts a ON a.id = h.actor_account_id WHERE (h.item_id = $1 OR i.parent_id = $1) \
             AND h.action IN ('invite', 'accept', 'approve', 'request', 'apply', 'submit', 'upload_stamped') ORDER BY h.seq",
        )
        .bind(item_id)
        .fetch_all(&mut *c)
        .await?;
        let mut timeline = Vec::new();
        for r in rows {
            let (kind, action, level, role, name): (String, String, String, String, String) = (
                r.try_get("kind")?,
                r.try_get("action")?,
                r.try_get("level")?,
                r.try_get("actor_role")?,
                r.try_get("name")?,
            );
            let to_state: String = r.try_get("to_state")?;
            let who = match role.as_str() {
                "graduate" => format!("{}（毕业生）", snapshot.graduate.name),
                "employer" => format!("{} {}", snapshot.employer.name, name)
                    .trim()
                    .to_string(),
                _ if name.is_empty() => role_label(&role).to_string(),
                _ => format!("{}（{}）", name, role_label(&role)),
            };
            timeline.push(PrintedEvent {
                at: format_shanghai(r.try_get("at")?),
                actor: who,
                action: action_label(&kind, &action, &level, &to_state),
            });
        }
        Ok(PrintableAgreement {
            snapshot,
            verification_code: code.clone(),
            content_hash: hash.clone(),
            state: match (it.kind, it.state.as_str()) {
                (_, "terminated") => gradsign_documents::AgreementState::Terminated,
                (ItemKind::OfflineSigning, "signed") => {
                    gradsign_documents::AgreementState::SignedOffline
                }
                (ItemKind::OfflineSigning, _) => gradsign_documents::AgreementState::AwaitingStamp,
                _ => gradsign_documents::AgreementState::Effective,
            },
            timeline,
        })
    }

    /// The online or offline agreement item with this agreement number (for `gradsign agreement render`),
    /// if the actor may see it (R-AUTH-07); otherwise "not found", as for an unknown number.
    pub async fn agreement_by_number(&self, actor: &Actor, number: &str) -> Result<i64> {
        let mut c = self.store.read().await?;
        let row = sqlx::query(&format!(
            "SELECT {ITEM_COLUMNS} FROM items WHERE agreement_number = $1 AND kind IN ('signing', 'offline_signing')"
        ))
        .bind(number.trim())
        .fetch_optional(&mut *c)
        .await?;
        if let Some(r) = row {
            let it = item_from_row(&r)?;
            if crate::queries::visible(&mut c, actor, &it).await? {
                return Ok(it.id);
            }
        }
        Err(DomainError::not_found("协议", "Agreement"))
    }
}

impl PrintableAgreement {
    /// The documents crate's view of this agreement (R-PDF-01).
    pub fn document(&self) -> gradsign_documents::AgreementDocument {
        use gradsign_documents as d;
        let s = &self.snapshot;
        d::AgreementDocument {
            title: s.title.clone(),
            number: s.number.clone(),
            verification_code: self.verification_code.clone(),
            content_hash: self.content_hash.clone(),
            state: self.state,
            graduate: d::Graduate {
                name: s.graduate.name.clone(),
                gender: s.graduate.gender.clone(),
                id_number: s.graduate.id_number.clone(),
                education_level: s.graduate.education_level.clone(),
                major: s.graduate.major.clone(),
                department: s.graduate.department.clone(),
                student_number: s.graduate.student_number.clone(),
                phone: s.graduate.phone.clone(),
                email: s.graduate.email.clone(),
            },
            employer: d::Employer {
                name: s.employer.name.clone(),
                credit_code: s.employer.credit_code.clone(),
                nature: s.employer.nature.clone(),
                industry: s.employer.industry.clone(),
                address: s.employer.address.clone(),
                contact_person: s.employer.contact_person.clone(),
                contact_phone: s.employer.contact_phone.clone(),
            },
            school: d::School {
                name: s.school_name.clone(),
                code: s.school_code.clone(),
            },
            terms: d::Terms {
                position: s.terms.position.clone(),
                work_location: s.terms.work_location.clone(),
                salary: s.terms.salary.clone(),
                probation: s.terms.probation.clone(),
                agreement_term: s.terms.agreement_term.clone(),
                liquidated_damages: s.terms.liquidated_damages.clone(),
                archive_handling: s.terms.archive_handling.clone(),
                archive_receiving_unit: s.terms.archive_receiving_unit.clone(),
                archive_address: s.terms.archive_address.clone(),
                archive_postcode: s.terms.archive_postcode.clone(),
                hukou_address: s.terms.hukou_address.clone(),
                other_terms: s.terms.other_terms.clone(),
            },
            timeline: self
                .timeline
                .iter()
                .map(|e| d::TimelineEntry {
                    at: e.at.clone(),
                    actor: e.actor.clone(),
                    action: e.action.clone(),
                })
                .collect(),
        }
    }
}

impl Engine {
    /// R-PDF-01: the electronic agreement as PDF bytes, for those who may see it.
    pub async fn agreement_pdf(
        &self,
        actor: &Actor,
        item_id: i64,
        fonts: &gradsign_documents::Fonts,
        now: Timestamp,
    ) -> Result<Vec<u8>> {
        let doc = self
            .printable_agreement(actor, item_id, now)
            .await?
            .document();
        let fonts = fonts.clone();
        tokio::task::spawn_blocking(move || gradsign_documents::render_agreement(&doc, &fonts))
            .await
            .map_err(|_| DomainError::internal("render"))?
            .map_err(|_| {
                DomainError::new(
                    crate::error::ErrorCode::Internal,
                    "电子协议书生成失败",
                    "The agreement PDF could not be made",
                )
            })
    }
}
