//! The records that travel through the workflows: agreement terms (R-AGR-01), payloads of each
//! item kind, uploaded file references.

use crate::error::{DomainError, Result};
use crate::types::{
    optional_text, required_text, ArchiveHandling, CreditCode, EmployerNature, Explanation, Phone,
};
use crate::workflow::termination::Party;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The kinds of item the workflows move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// An invitation and, once accepted, the online agreement (R-SIGN).
    Signing,
    /// An online termination request (R-TERM).
    Termination,
    /// A paper agreement registration (R-PAPER).
    Paper,
    /// An other-destination registration (R-DEST).
    Destination,
    /// An offline termination request (R-OFF).
    OfflineTermination,
    /// An application for offline signing and, once issued, the offline agreement (R-OFFSIGN).
    OfflineSigning,
}

impl ItemKind {
    pub const ALL: &'static [ItemKind] = &[
        ItemKind::Signing,
        ItemKind::Termination,
        ItemKind::Paper,
        ItemKind::Destination,
        ItemKind::OfflineTermination,
        ItemKind::OfflineSigning,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Signing => "signing",
            ItemKind::Termination => "termination",
            ItemKind::Paper => "paper",
            ItemKind::Destination => "destination",
            ItemKind::OfflineTermination => "offline_termination",
            ItemKind::OfflineSigning => "offline_signing",
        }
    }
    pub fn parse(s: &str) -> Result<ItemKind> {
        ItemKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| DomainError::field("kind", "未知的事项类型", "Unknown item kind"))
    }
}

/// The employer's details as an invitation or a paper agreement carries them (R-AGR-01).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployerDetails {
    pub name: String,
    pub credit_code: String,
    pub nature: String,
    pub industry: String,
    pub address: String,
    pub contact_person: String,
    pub contact_phone: String,
}

impl EmployerDetails {
    /// The checked, trimmed copy; the first bad field is named in the error.
    pub fn validate(&self) -> Result<EmployerDetails> {
        Ok(EmployerDetails {
            name: required_text("employer_name", "单位名称", &self.name, 100)?,
            credit_code: CreditCode::parse(&self.credit_code)?.as_str().to_string(),
            nature: EmployerNature::parse(&self.nature)?.label().to_string(),
            industry: required_text("industry", "行业", &self.industry, 50)?,
            address: required_text("address", "单位地址", &self.address, 200)?,
            contact_person: required_text("contact_person", "联系人", &self.contact_person, 50)?,
            contact_phone: {
                let p = self.contact_phone.trim();
                // Landlines are fine for an employer: 7–20 digits, dashes and a leading +.
                let ok = (7..=20).contains(&p.len())
                    && p.chars()
                        .all(|c| c.is_ascii_digit() || c == '-' || c == '+' || c == ' ');
                if !ok && Phone::parse(p).is_err() {
                    return Err(DomainError::field(
                        "contact_phone",
                        "联系电话格式不正确",
                        "Contact phone is malformed",
                    ));
                }
                p.to_string()
            },
        })
    }
}

/// The agreement's terms (R-AGR-01).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementTerms {
    pub position: String,
    pub work_location: String,
    pub salary: String,
    pub probation: String,
    pub agreement_term: String,
    pub liquidated_damages: String,
    pub archive_handling: String,
    pub archive_receiving_unit: String,
    pub archive_address: String,
    pub archive_postcode: String,
    pub hukou_address: String,
    /// 备注: other agreed terms, binding.
    pub other_terms: String,
}

impl AgreementTerms {
    pub fn validate(&self) -> Result<AgreementTerms> {
        let archive = ArchiveHandling::parse(&self.archive_handling)?;
        let needs_unit = archive != ArchiveHandling::Origin;
        let unit = if needs_unit {
            required_text(
                "archive_receiving_unit",
                "档案接收单位",
                &self.archive_receiving_unit,
                100,
            )?
        } else {
            optional_text(
                "archive_receiving_unit",
                "档案接收单位",
                &self.archive_receiving_unit,
                100,
            )?
        };
        let address = if needs_unit {
            required_text(
                "archive_address",
                "档案接收地址",
                &self.archive_address,
                200,
            )?
        } else {
            optional_text(
                "archive_address",
                "档案接收地址",
                &self.archive_address,
                200,
            )?
        };
        let postcode = self.archive_postcode.trim().to_string();
        if (needs_unit || !postcode.is_empty())
            && !(postcode.len() == 6 && postcode.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(DomainError::field(
                "archive_postcode",
                "档案接收邮编应为6位数字",
                "Archive postcode must be 6 digits",
            ));
        }
        Ok(AgreementTerms {
            position: required_text("position", "岗位", &self.position, 100)?,
            work_location: required_text("work_location", "工作地点", &self.work_location, 100)?,
            salary: required_text("salary", "薪酬", &self.salary, 100)?,
            probation: optional_text("probation", "试用期", &self.probation, 50)?,
            agreement_term: required_text("agreement_term", "协议期限", &self.agreement_term, 50)?,
            liquidated_damages: optional_text(
                "liquidated_damages",
                "违约金",
                &self.liquidated_damages,
                100,
            )?,
            archive_handling: archive.label().to_string(),
            archive_receiving_unit: unit,
            archive_address: address,
            archive_postcode: postcode,
            hukou_address: optional_text(
                "hukou_address",
                "户口迁移地址",
                &self.hukou_address,
                200,
            )?,
            other_terms: optional_text("other_terms", "其他约定", &self.other_terms, 1000)?,
        })
    }
}

/// An uploaded file, stored by content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    /// SHA-256 of the stored bytes, hex.
    pub hash: String,
    /// The user's file name, for display only (never used as a path).
    pub name: String,
    pub size: i64,
    pub mime: String,
    /// Size of the upload before compression.
    #[serde(default)]
    pub original_size: i64,
    /// The list thumbnail's hash, where one was made.
    #[serde(default)]
    pub thumbnail: Option<String>,
    /// R-SCAN-03: the uploaded bytes as they came, kept only while the school's setting asks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// R-OFFSIGN-04: the verification QR code read off an uploaded stamped page (on the
    /// compressed image, else on the original at full resolution); absent for other uploads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr: Option<QrContent>,
}

/// What a GradSign verification QR code carries (R-PDF-02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrContent {
    pub code: String,
    pub hash: String,
}

/// Invitation / online agreement payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPayload {
    pub employer: EmployerDetails,
    pub terms: AgreementTerms,
}

/// Paper agreement registration payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperPayload {
    pub employer: EmployerDetails,
    pub terms: AgreementTerms,
    /// Photos or scans of the stamped pages.
    pub scans: Vec<FileRef>,
}

/// Other-destination registration payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestinationPayload {
    /// An id of `data/destinations.json`.
    pub type_id: String,
    pub fields: BTreeMap<String, String>,
    pub proofs: Vec<FileRef>,
}

/// Online termination payload (R-TERM-01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerminationPayload {
    pub initiator: Party,
    pub reason: String,
    pub explanation: String,
    pub agreement_number: String,
}

/// Offline signing payload (R-OFFSIGN-01, -04): the agreement the graduate filled in and, once
/// uploaded, the photos of the stamped pages with what their QR codes said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineSigningPayload {
    pub employer: EmployerDetails,
    pub terms: AgreementTerms,
    #[serde(default)]
    pub pages: Vec<StampedPage>,
}

/// One uploaded stamped page (R-OFFSIGN-04).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StampedPage {
    pub file: FileRef,
    pub qr: crate::workflow::offline_signing::PageQr,
}

/// R-ONE-01 as SQL: the items that are a graduate's effective or pending destination, for a
/// query whose items table is `alias` (`""` or `"i."`). The one place the list lives; the
/// workflows' `is_active` say the same per state.
pub fn active_destination_sql(alias: &str) -> String {
    let a = alias;
    format!(
        "(({a}kind = 'signing' AND {a}state IN ('under_review', 'signed')) \
         OR ({a}kind IN ('paper', 'destination') AND {a}state IN ('submitted', 'under_review', 'approved')) \
         OR ({a}kind = 'offline_signing' AND {a}state IN ({})))",
        crate::workflow::offline_signing::ACTIVE_STATES_SQL
    )
}

/// R-STAT-01 as SQL: the items that are an effective destination (signed online or offline,
/// approved paper or other destination).
pub fn effective_destination_sql(alias: &str) -> String {
    let a = alias;
    format!(
        "(({a}kind IN ('signing', 'offline_signing') AND {a}state = 'signed') \
         OR ({a}kind IN ('paper', 'destination') AND {a}state = 'approved'))"
    )
}

/// Offline termination payload (R-OFF-01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineTerminationPayload {
    pub reason: String,
    pub explanation: String,
    /// Scans of the termination letter (解约函).
    pub scans: Vec<FileRef>,
}

/// R-TERM-01 / R-OFF-01: a reason from the fixed list, an explanation ≤ 200 characters, required
/// for 其他 (and, offline, always).
pub fn validate_reason(
    reason: &str,
    explanation: &str,
    explanation_required: bool,
) -> Result<(String, String)> {
    let reason = reason.trim();
    if !crate::reference::lists()
        .termination_reasons
        .iter()
        .any(|r| r == reason)
    {
        return Err(DomainError::field(
            "reason",
            "请从列表中选择解约原因",
            "Choose a termination reason from the list",
        ));
    }
    let ex = Explanation::parse(explanation)?;
    if ex.is_empty() && (explanation_required || reason == "其他") {
        return Err(DomainError::field(
            "explanation",
            "请填写解约说明",
            "An explanation is required",
        ));
    }
    Ok((reason.to_string(), ex.as_str().to_string()))
}
