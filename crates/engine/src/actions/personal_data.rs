//! R-PIPL-01: a graduate takes away everything GradSign holds about them (个人信息保护法 第四十五条):
//! one ZIP archive with their account, their basic info and every item of each of their records
//! (every cohort of the same person, R-MOD-04) with its history, their messages, their
//! agreements' PDFs and the files they uploaded. Only the graduate themself asks for it; the
//! archive holds nobody else's personal data beyond what their own items name (an employer's
//! contact on their agreement).

use crate::engine::Engine;
use crate::error::{DomainError, Result};
use crate::time::{format_shanghai, Timestamp};
use crate::workflow::{Actor, Role};
use sqlx::Row;
use std::io::Write;

/// The archive's guide to itself, in both languages.
const README: &str = "GradSign 个人信息导出 / GradSign personal data export\n\n\
account.json         账号 / the account\n\
messages.json        站内消息 / in-app messages\n\
<届别>/basic-info.json   基本信息 / basic info of that cohort's record\n\
<届别>/items.json        每一项登记、邀请、协议及其全部审核记录 / every item with its whole history\n\
<届别>/agreements/       电子就业协议书 PDF / the agreements' PDFs\n\
<届别>/files/            上传的材料（压缩后的图片；学校保留原件时含原件） / the uploaded files\n";

fn zip_error(e: impl std::fmt::Display) -> DomainError {
    tracing::warn!(error = %e, "personal data archive");
    DomainError::internal("archive")
}

/// A file name inside the archive: no folders, no control characters, at most 80 characters.
fn entry_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\' | ':'))
        .take(80)
        .collect();
    let cleaned = cleaned.trim_matches('.').trim().to_string();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

struct Archive {
    zip: zip::ZipWriter<std::io::Cursor<Vec<u8>>>,
}

impl Archive {
    fn new() -> Archive {
        Archive {
            zip: zip::ZipWriter::new(std::io::Cursor::new(Vec::new())),
        }
    }

    fn add(&mut self, path: &str, bytes: &[u8], compress: bool) -> Result<()> {
        let method = if compress {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        self.zip.start_file(path, options).map_err(zip_error)?;
        self.zip.write_all(bytes).map_err(zip_error)
    }

    fn json(&mut self, path: &str, value: &impl serde::Serialize) -> Result<()> {
        self.add(path, &serde_json::to_vec_pretty(value)?, true)
    }

    fn finish(self) -> Result<Vec<u8>> {
        Ok(self.zip.finish().map_err(zip_error)?.into_inner())
    }
}

impl Engine {
    /// R-PIPL-01: the signed-in graduate's personal data archive (ZIP). `fonts` print the
    /// agreements as `agreement_pdf` does.
    pub async fn graduate_data_export(
        &self,
        actor: &Actor,
        fonts: &gradsign_documents::Fonts,
        now: Timestamp,
    ) -> Result<Vec<u8>> {
        actor.require(actor.role == Role::Graduate && actor.graduate_id.is_some())?;
        let mut archive = Archive::new();
        archive.add("README.txt", README.as_bytes(), true)?;
        let account = {
            let mut c = self.store.read().await?;
            let r = sqlx::query(
                "SELECT login, display_name, created_at FROM accounts WHERE id = $1 OR (graduate_id = $2 AND role = 'graduate') ORDER BY id LIMIT 1",
            )
            .bind(actor.account_id.unwrap_or(-1))
            .bind(actor.graduate_id.unwrap_or(-1))
            .fetch_optional(&mut *c)
            .await?;
            let account = match r {
                Some(r) => serde_json::json!({
                    "login": r.try_get::<String, _>("login")?,
                    "displayName": r.try_get::<String, _>("display_name")?,
                    "createdAt": r.try_get::<i64, _>("created_at")?,
                }),
                None => serde_json::Value::Null,
            };
            serde_json::json!({
                "account": account,
                "exportedAt": now,
                "exportedAtText": format_shanghai(now),
            })
        };
        archive.json("account.json", &account)?;
        // Messages are an account's: a record acted for without one (the demo's) has none.
        let messages = match actor.account_id {
            Some(_) => self.messages(actor).await?,
            None => vec![],
        };
        archive.json("messages.json", &messages)?;
        for (cohort, gid) in self.my_cohorts(actor).await? {
            let graduate = self.graduate(actor, gid).await?;
            archive.json(&format!("{cohort}/basic-info.json"), &graduate)?;
            let mut items = vec![];
            for view in self.list_items(actor, None, Some(gid)).await? {
                let detail = self.item_detail(actor, view.id, now).await?;
                for (k, file) in
                    crate::actions::workspaces::payload_file_objects(&detail.item.payload)
                        .iter()
                        .enumerate()
                {
                    let name = file.get("name").and_then(|v| v.as_str()).unwrap_or("file");
                    for (key, tag) in [("hash", ""), ("original", "original-")] {
                        let Some(hash) = file.get(key).and_then(|v| v.as_str()) else {
                            continue;
                        };
                        let bytes = self.read_file(hash).await?;
                        let stem = entry_name(name);
                        let stem = stem.rsplit_once('.').map_or(stem.as_str(), |(s, _)| s);
                        let ext = if key == "hash" { "jpg" } else { "bin" };
                        archive.add(
                            &format!("{cohort}/files/{}-{}-{tag}{stem}.{ext}", view.id, k + 1),
                            &bytes,
                            false,
                        )?;
                    }
                }
                if let Some(number) = &detail.item.agreement_number {
                    let pdf = self.agreement_pdf(actor, view.id, fonts, now).await?;
                    archive.add(
                        &format!("{cohort}/agreements/{}.pdf", entry_name(number)),
                        &pdf,
                        false,
                    )?;
                }
                items.push(serde_json::json!({ "item": detail.item, "history": detail.history }));
            }
            archive.json(&format!("{cohort}/items.json"), &items)?;
        }
        tracing::info!(target: "gradsign", "a graduate exported their personal data");
        archive.finish()
    }
}
