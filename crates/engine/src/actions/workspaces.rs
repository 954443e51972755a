//! What the employer's and the reviewers' workspaces need beyond the workflows: the employer's
//! profile and business licence, the stored scans of an item for whoever may see the item, the
//! reviewers' reason templates (a school setting, REFERENCE.md's list by default) and the
//! reviewers' printout of a filtered list of signed agreements as one PDF.

use crate::actions::accounts::{AccountView, EmployerSignUp};
use crate::audit::Entry;
use crate::engine::{record, Engine};
use crate::error::{DomainError, ErrorCode, Result};
use crate::files::{Upload, UploadField};
use crate::model::{EmployerDetails, FileRef, ItemKind};
use crate::queries::QueueQuery;
use crate::time::Timestamp;
use crate::types::required_text;
use crate::workflow::{Actor, Role};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// The settings key of the reviewers' reason templates.
const REASON_TEMPLATES_KEY: &str = "review_reason_templates";
/// At most this many templates, each at most [`MAX_TEMPLATE_CHARS`] characters.
pub const MAX_REASON_TEMPLATES: usize = 30;
pub const MAX_TEMPLATE_CHARS: usize = 100;
/// The most agreements one printout holds (a larger list must be narrowed by its filter).
pub const MAX_PRINTED_AGREEMENTS: usize = 500;

/// A staff account of an employer, as its colleagues see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "StaffView"))]
#[cfg_attr(feature = "schema", schemars(rename = "StaffView"))]
#[serde(rename_all = "camelCase")]
pub struct EmployerStaff {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub disabled: bool,
}

/// An employer's profile: its R-AGR-01 details, approval, licence scan and staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployerProfile {
    pub id: i64,
    pub details: EmployerDetails,
    /// The school admin approved the sign-up: invitations are open.
    pub approved: bool,
    pub disabled: bool,
    /// The business licence scan (营业执照), when one was uploaded.
    pub licence: Option<FileRef>,
    pub staff: Vec<EmployerStaff>,
    pub created_at: Timestamp,
}

/// Which employer a profile call is about: the actor's own, or (the admin) any.
fn employer_scope(actor: &Actor, employer_id: Option<i64>) -> Result<i64> {
    match actor.role {
        Role::Employer => {
            let own = actor.employer_id.ok_or_else(DomainError::forbidden)?;
            match employer_id {
                Some(e) if e != own => Err(DomainError::not_found("单位", "Employer")),
                _ => Ok(own),
            }
        }
        Role::SchoolAdmin => employer_id
            .ok_or_else(|| DomainError::field("employer_id", "请指定单位", "Choose an employer")),
        _ => Err(DomainError::forbidden()),
    }
}

/// Every file hash (scans, proofs and their thumbnails) an item's payload refers to.
/// The file references (`FileRef` as JSON) an item's payload names: its scans, proofs and
/// stamped pages.
pub(crate) fn payload_file_objects(payload: &serde_json::Value) -> Vec<serde_json::Value> {
    let list = |key: &str| {
        payload
            .get(key)
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default()
    };
    let mut files = list("scans");
    files.extend(list("proofs"));
    // Stamped pages (R-OFFSIGN-04) hold their file beside what their QR code said.
    files.extend(
        list("pages")
            .into_iter()
            .filter_map(|p| p.get("file").cloned()),
    );
    files
}

fn payload_files(payload: &serde_json::Value) -> Vec<String> {
    let files = payload_file_objects(payload);
    let mut out = Vec::new();
    for f in &files {
        for k in ["hash", "thumbnail"] {
            if let Some(h) = f.get(k).and_then(|v| v.as_str()) {
                out.push(h.to_string());
            }
        }
    }
    out
}

impl Engine {
    /// R-EMP-01: an employer signs up with a scan of its business licence (营业执照); the licence is
    /// compressed like every upload and kept with the employer. Nothing is stored when refused.
    pub async fn employer_sign_up_with_licence(
        &self,
        s: &EmployerSignUp,
        licence: &Upload,
        now: Timestamp,
    ) -> Result<AccountView> {
        // The cheap checks first, so a typo does not cost a scan compression.
        s.details.validate()?;
        // Signing up has no account yet, so a staged upload (R-UPLOAD-03) is refused here.
        let files = self
            .prepare_uploads(
                None,
                std::slice::from_ref(licence),
                true,
                UploadField::One("licence"),
                now,
            )
            .await
            .map_err(licence_field)?;
        self.employer_sign_up_inner(s, Some(&files), now).await
    }

    /// The actor's employer profile (an employer's staff), or any employer's (the admin).
    pub async fn employer_profile(
        &self,
        actor: &Actor,
        employer_id: Option<i64>,
    ) -> Result<EmployerProfile> {
        let id = employer_scope(actor, employer_id)?;
        let mut c = self.store.read().await?;
        let Some(r) = sqlx::query("SELECT id, name, credit_code, nature, industry, address, contact_person, contact_phone, licence_file, approved, disabled, created_at FROM employers WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *c)
            .await?
        else {
            return Err(DomainError::not_found("单位", "Employer"));
        };
        let licence: Option<String> = r.try_get("licence_file")?;
        let staff = sqlx::query("SELECT id, login, display_name, disabled FROM accounts WHERE employer_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&mut *c)
            .await?
            .iter()
            .map(|s| {
                Ok(EmployerStaff {
                    id: s.try_get("id")?,
                    login: s.try_get("login")?,
                    display_name: s.try_get("display_name")?,
                    disabled: s.try_get::<i64, _>("disabled")? != 0,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(EmployerProfile {
            id,
            details: EmployerDetails {
                name: r.try_get("name")?,
                credit_code: r.try_get("credit_code")?,
                nature: r.try_get("nature")?,
                industry: r.try_get("industry")?,
                address: r.try_get("address")?,
                contact_person: r.try_get("contact_person")?,
                contact_phone: r.try_get("contact_phone")?,
            },
            approved: r.try_get::<i64, _>("approved")? != 0,
            disabled: r.try_get::<i64, _>("disabled")? != 0,
            licence: licence.as_deref().map(serde_json::from_str).transpose()?,
            staff,
            created_at: r.try_get("created_at")?,
        })
    }

    /// R-EMP-01: the employer keeps its profile: every R-AGR-01 field but the credit code, which
    /// identifies the employer (a different code is a different employer, which signs up anew).
    /// Invitations already sent keep the details they were sent with.
    pub async fn update_employer_profile(
        &self,
        actor: &Actor,
        details: &EmployerDetails,
        now: Timestamp,
    ) -> Result<EmployerProfile> {
        actor.require(actor.role == Role::Employer)?;
        let id = employer_scope(actor, None)?;
        let d = details.validate()?;
        let mut tx = self.store.begin().await?;
        let before: String = sqlx::query("SELECT credit_code FROM employers WHERE id = $1")
            .bind(id)
            .fetch_optional(tx.conn())
            .await?
            .ok_or_else(|| DomainError::not_found("单位", "Employer"))?
            .try_get("credit_code")?;
        if before != d.credit_code {
            return Err(DomainError::field(
                "credit_code",
                "统一社会信用代码不能修改；代码不同的单位请重新注册",
                "The credit code cannot change; an employer with another code signs up anew",
            ));
        }
        sqlx::query("UPDATE employers SET name = $1, nature = $2, industry = $3, address = $4, contact_person = $5, contact_phone = $6 WHERE id = $7")
            .bind(&d.name)
            .bind(&d.nature)
            .bind(&d.industry)
            .bind(&d.address)
            .bind(&d.contact_person)
            .bind(&d.contact_phone)
            .bind(id)
            .execute(tx.conn())
            .await?;
        record(
            &mut tx,
            Entry {
                subject: format!("employer:{id}"),
                item_id: None,
                actor,
                at: now,
                action: "update_employer_profile",
                level: "",
                from_state: "",
                to_state: "",
                reason: "",
                changes: serde_json::to_value(&d)?,
            },
        )
        .await?;
        tx.commit().await?;
        self.employer_profile(actor, None).await
    }

    /// The employer replaces its business licence scan.
    pub async fn replace_employer_licence(
        &self,
        actor: &Actor,
        licence: &Upload,
        now: Timestamp,
    ) -> Result<EmployerProfile> {
        actor.require(actor.role == Role::Employer)?;
        let id = employer_scope(actor, None)?;
        let files = self
            .prepare_uploads(
                Some(actor),
                std::slice::from_ref(licence),
                true,
                UploadField::One("licence"),
                now,
            )
            .await
            .map_err(licence_field)?;
        let first = files
            .refs
            .first()
            .ok_or_else(|| DomainError::internal("licence"))?;
        let mut tx = self.store.begin().await?;
        sqlx::query("UPDATE employers SET licence_file = $1 WHERE id = $2")
            .bind(serde_json::to_string(first)?)
            .bind(id)
            .execute(tx.conn())
            .await?;
        files.save(&mut tx, now).await?;
        record(
            &mut tx,
            Entry {
                subject: format!("employer:{id}"),
                item_id: None,
                actor,
                at: now,
                action: "replace_employer_licence",
                level: "",
                from_state: "",
                to_state: "",
                reason: "",
                changes: serde_json::json!({ "licence": first.hash }),
            },
        )
        .await?;
        tx.commit().await?;
        self.employer_profile(actor, None).await
    }

    /// The licence scan's bytes (JPEG), for the employer itself and the school admin.
    pub async fn employer_licence(
        &self,
        actor: &Actor,
        employer_id: Option<i64>,
    ) -> Result<Vec<u8>> {
        let profile = self.employer_profile(actor, employer_id).await?;
        let licence = profile
            .licence
            .ok_or_else(|| DomainError::not_found("营业执照", "Business licence"))?;
        self.read_file(&licence.hash).await
    }

    /// R-REV-05: a stored scan or proof (or its thumbnail) of an item, for whoever may see the
    /// item; a hash the item does not refer to is not found, whatever else is stored.
    pub async fn item_file(
        &self,
        actor: &Actor,
        item_id: i64,
        hash: &str,
        now: Timestamp,
    ) -> Result<Vec<u8>> {
        let detail = self.item_detail(actor, item_id, now).await?;
        if !payload_files(&detail.item.payload)
            .iter()
            .any(|h| h == hash)
        {
            return Err(DomainError::not_found("文件", "File"));
        }
        self.read_file(hash).await
    }

    /// The reviewers' reason templates: the school's list, REFERENCE.md's by default. Read by
    /// the reviewers and the admin only (R-AUTH-07).
    pub async fn reason_templates(&self, actor: &Actor) -> Result<Vec<String>> {
        actor.require(matches!(
            actor.role,
            Role::SchoolAdmin | Role::SchoolReviewer | Role::DepartmentReviewer
        ))?;
        self.stored_reason_templates().await
    }

    async fn stored_reason_templates(&self) -> Result<Vec<String>> {
        let mut c = self.store.read().await?;
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(REASON_TEMPLATES_KEY)
            .fetch_optional(&mut *c)
            .await?;
        match row {
            Some(r) => Ok(serde_json::from_str(&r.try_get::<String, _>("value")?)?),
            None => Ok(crate::reference::lists().review_reason_templates.clone()),
        }
    }

    /// R-REV-04: the admin sets the reason templates (trimmed, blank lines dropped); an empty list
    /// restores the defaults. Each at most 100 characters, at most 30, no two alike.
    pub async fn set_reason_templates(
        &self,
        actor: &Actor,
        templates: &[String],
        now: Timestamp,
    ) -> Result<Vec<String>> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        let mut list: Vec<String> = Vec::new();
        for (i, t) in templates.iter().enumerate() {
            if t.trim().is_empty() {
                continue;
            }
            let t = required_text("templates", "退回/驳回原因模板", t, MAX_TEMPLATE_CHARS)
                .map_err(|e| {
                    e.with_details(serde_json::json!({"field": "templates", "index": i}))
                })?;
            if list.contains(&t) {
                return Err(DomainError::field(
                    "templates",
                    format!("原因模板重复：{t}"),
                    format!("Duplicate reason template: {t}"),
                )
                .with_details(serde_json::json!({"field": "templates", "index": i})));
            }
            list.push(t);
        }
        if list.len() > MAX_REASON_TEMPLATES {
            return Err(DomainError::field(
                "templates",
                format!("原因模板最多{MAX_REASON_TEMPLATES}条"),
                format!("At most {MAX_REASON_TEMPLATES} reason templates"),
            ));
        }
        let mut tx = self.store.begin().await?;
        sqlx::query("DELETE FROM settings WHERE key = $1")
            .bind(REASON_TEMPLATES_KEY)
            .execute(tx.conn())
            .await?;
        if !list.is_empty() {
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)")
                .bind(REASON_TEMPLATES_KEY)
                .bind(serde_json::to_string(&list)?)
                .execute(tx.conn())
                .await?;
        }
        record(
            &mut tx,
            Entry {
                subject: format!("settings:{REASON_TEMPLATES_KEY}"),
                item_id: None,
                actor,
                at: now,
                action: "set_reason_templates",
                level: "",
                from_state: "",
                to_state: if list.is_empty() { "default" } else { "custom" },
                reason: "",
                changes: serde_json::json!({ "templates": list }),
            },
        )
        .await?;
        tx.commit().await?;
        self.stored_reason_templates().await
    }

    /// R-PDF-05: the signed (or, with `state = "terminated"`, terminated) online agreements
    /// matching the queue filter in the reviewer's scope, as one PDF (each agreement on its own
    /// pages, with its own verification code). Pages through the keyset queue; refuses more than
    /// [`MAX_PRINTED_AGREEMENTS`] and an empty list. Returns the PDF and how many it holds.
    pub async fn agreements_pdf(
        &self,
        actor: &Actor,
        filter: &QueueQuery,
        fonts: &gradsign_documents::Fonts,
        now: Timestamp,
    ) -> Result<(Vec<u8>, usize)> {
        let ids = self.printable_agreement_ids(actor, filter).await?;
        let mut docs = Vec::with_capacity(ids.len());
        for id in &ids {
            docs.push(self.printable_agreement(actor, *id, now).await?.document());
        }
        let fonts = fonts.clone();
        let count = docs.len();
        let pdf = tokio::task::spawn_blocking(move || {
            gradsign_documents::render_agreements(&docs, &fonts)
        })
        .await
        .map_err(|_| DomainError::internal("render"))?
        .map_err(|_| {
            DomainError::new(
                ErrorCode::Internal,
                "协议打印文件生成失败",
                "The agreements' PDF could not be made",
            )
        })?;
        Ok((pdf, count))
    }

    /// R-PDF-05: how many agreements [`Engine::agreements_pdf`] prints for `filter` (the same
    /// selection, the same refusals), without rendering them: what a transport that sends the
    /// PDF as bytes alone tells the reviewer beside it.
    pub async fn printable_agreement_count(
        &self,
        actor: &Actor,
        filter: &QueueQuery,
    ) -> Result<usize> {
        Ok(self.printable_agreement_ids(actor, filter).await?.len())
    }

    /// The ids R-PDF-05 prints for `filter`, in queue order: the reviewer's scope, signed (or
    /// terminated) online agreements, at most [`MAX_PRINTED_AGREEMENTS`], never none.
    async fn printable_agreement_ids(
        &self,
        actor: &Actor,
        filter: &QueueQuery,
    ) -> Result<Vec<i64>> {
        actor.require(matches!(
            actor.role,
            Role::DepartmentReviewer | Role::SchoolReviewer | Role::SchoolAdmin
        ))?;
        let state = match filter.state.as_deref() {
            None | Some("signed") => "signed",
            Some("terminated") => "terminated",
            Some(_) => {
                return Err(DomainError::field(
                    "state",
                    "只能打印已签约或已解约的协议",
                    "Only signed or terminated agreements can be printed",
                ))
            }
        };
        let mut q = filter.clone();
        q.kind = Some(ItemKind::Signing);
        q.state = Some(state.into());
        q.awaiting_me = false;
        q.after = None;
        q.limit = 200;
        let mut ids = Vec::new();
        loop {
            let page = self.review_queue(actor, &q).await?;
            ids.extend(page.rows.iter().map(|r| r.id));
            if ids.len() > MAX_PRINTED_AGREEMENTS {
                return Err(DomainError::field(
                    "filter",
                    format!("一次最多打印{MAX_PRINTED_AGREEMENTS}份协议，请缩小筛选范围"),
                    format!("At most {MAX_PRINTED_AGREEMENTS} agreements per printout; narrow the filter"),
                ));
            }
            match page.next {
                Some(next) => q.after = Some(next),
                None => break,
            }
        }
        if ids.is_empty() {
            return Err(DomainError::new(
                ErrorCode::NotFound,
                "没有符合筛选条件的协议",
                "No agreement matches the filter",
            ));
        }
        Ok(ids)
    }
}

/// A refused licence scan names the licence field.
fn licence_field(e: DomainError) -> DomainError {
    // A staged licence (`licence.uploadId`, R-UPLOAD-03) is named already.
    let named = e.details["field"]
        .as_str()
        .is_some_and(|f| f.starts_with("licence"));
    if e.code == ErrorCode::Validation && !named {
        let mut details = e.details.clone();
        if let Some(obj) = details.as_object_mut() {
            obj.insert("field".into(), "licence".into());
        } else {
            details = serde_json::json!({"field": "licence"});
        }
        if e.message.zh == "请上传材料" {
            return DomainError::field(
                "licence",
                "请上传营业执照扫描件",
                "Upload a scan of the business licence",
            );
        }
        return e.with_details(details);
    }
    e
}
