//! Reference data (REFERENCE.md) encoded once: `data/destinations.json` (destination types, their
//! MoE codes, fields and proof) and `data/reference.json` (fixed lists). The engine, the UI and the
//! exports all read these files.

use crate::error::{DomainError, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The destination table file, verbatim (the UI and exports read the same bytes).
pub const DESTINATIONS_JSON: &str = include_str!("../data/destinations.json");
/// The fixed lists file, verbatim.
pub const REFERENCE_JSON: &str = include_str!("../data/reference.json");

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldSpec {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    /// text | date | credit_code | select
    pub kind: String,
    pub required: bool,
    #[serde(default)]
    pub options: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DestinationType {
    pub id: String,
    /// 毕业去向代码 (two digits).
    pub code: String,
    /// Three-digit sub-code where the Ministry publishes one (501, 801 …).
    pub subcode: String,
    pub group: String,
    pub name_zh: String,
    pub name_en: String,
    pub fields: Vec<FieldSpec>,
    pub proof_required: bool,
    pub proof_zh: String,
    pub proof_en: String,
    /// R-DEST-05: only for 定向/委培 graduates (and they see only this one).
    pub directed_only: bool,
    /// False for the agreement itself, which goes through R-SIGN or R-PAPER.
    pub selectable: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DestinationTable {
    /// R-STAT-01's placed codes.
    pub placement_codes: Vec<String>,
    /// Codes whose shares are shown beside the placement rate.
    pub watched_codes: Vec<String>,
    pub types: Vec<DestinationType>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReferenceLists {
    pub termination_reasons: Vec<String>,
    pub review_reason_templates: Vec<String>,
    pub employer_natures: Vec<String>,
    pub education_levels: Vec<String>,
    pub training_modes: Vec<String>,
    pub archive_handling: Vec<String>,
    pub agreement_title: String,
    pub invitation_days_default: i64,
    pub invitation_days_max: i64,
}

/// The destination table, parsed once.
pub fn destinations() -> &'static DestinationTable {
    static T: OnceLock<DestinationTable> = OnceLock::new();
    T.get_or_init(|| {
        serde_json::from_str(DESTINATIONS_JSON).unwrap_or(DestinationTable {
            placement_codes: vec![],
            watched_codes: vec![],
            types: vec![],
        })
    })
}

/// The fixed lists, parsed once.
pub fn lists() -> &'static ReferenceLists {
    static L: OnceLock<ReferenceLists> = OnceLock::new();
    L.get_or_init(|| {
        serde_json::from_str(REFERENCE_JSON).unwrap_or(ReferenceLists {
            termination_reasons: vec![],
            review_reason_templates: vec![],
            employer_natures: vec![],
            education_levels: vec![],
            training_modes: vec![],
            archive_handling: vec![],
            agreement_title: String::new(),
            invitation_days_default: 5,
            invitation_days_max: 15,
        })
    })
}

/// A destination type by id.
pub fn destination_type(id: &str) -> Result<&'static DestinationType> {
    destinations()
        .types
        .iter()
        .find(|t| t.id == id && t.selectable)
        .ok_or_else(|| DomainError::field("type", "未知的毕业去向类型", "Unknown destination type"))
}

/// Validates a destination's fields against its type: required fields present, no unknown keys,
/// select values from the list, credit codes checked, at most 200 characters each.
pub fn validate_fields(
    t: &DestinationType,
    fields: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for key in fields.keys() {
        if !t.fields.iter().any(|f| &f.key == key) {
            return Err(DomainError::field(
                key,
                format!("“{}”类型没有字段 {key}", t.name_zh),
                format!("Type {} has no field {key}", t.name_en),
            ));
        }
    }
    for spec in &t.fields {
        let v = fields
            .get(&spec.key)
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        if v.is_empty() {
            if spec.required {
                return Err(DomainError::field(
                    &spec.key,
                    format!("{}不能为空", spec.label_zh),
                    format!("{} is required", spec.label_en),
                ));
            }
            continue;
        }
        if v.chars().count() > 200 {
            return Err(DomainError::field(
                &spec.key,
                format!("{}最多200字", spec.label_zh),
                format!("{} has at most 200 characters", spec.label_en),
            ));
        }
        match spec.kind.as_str() {
            "select" if !spec.options.contains(&v) => {
                return Err(DomainError::field(
                    &spec.key,
                    format!("{}须从列表中选择", spec.label_zh),
                    format!("{} must be chosen from the list", spec.label_en),
                ));
            }
            "credit_code" => {
                crate::types::CreditCode::parse(&v)
                    .map_err(|e| e.with_details(serde_json::json!({"field": spec.key})))?;
            }
            "date" if chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").is_err() => {
                return Err(DomainError::field(
                    &spec.key,
                    format!("{}应为日期（YYYY-MM-DD）", spec.label_zh),
                    format!("{} must be a date (YYYY-MM-DD)", spec.label_en),
                ));
            }
            _ => {}
        }
        out.insert(spec.key.clone(), v);
    }
    Ok(out)
}

/// R-STAT-01: does a destination code count as placed?
pub fn is_placement_code(code: &str) -> bool {
    destinations().placement_codes.iter().any(|c| c == code)
}
