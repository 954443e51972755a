//! R-NOTE-02: SMS and WeChat messages leave through an outbox, sent by a worker to the school's
//! gateway webhook (URL, token, template ids), with retries (exponential backoff, a limit) and a
//! delivery status per message. Logs carry message ids only, never phone numbers or names.

use crate::audit::Entry;
use crate::engine::{record, Engine};
use crate::error::{DomainError, Result};
use crate::store::Backend;
use crate::time::Timestamp;
use crate::types::optional_text;
use crate::workflow::{Actor, Role};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use std::time::Duration;

/// Attempts before a message is given up.
pub const MAX_ATTEMPTS: i64 = 5;
/// First retry delay, seconds; doubled on each further failure.
pub const BACKOFF_SECONDS: i64 = 60;
/// The most messages one delivery run claims (R-NOTE-05).
pub const CLAIM_BATCH: i64 = 50;
/// How long a claim holds, seconds (R-NOTE-05): longer than a whole batch can take (each send
/// times out after [`SEND_TIMEOUT`]), so a live sender keeps its messages; a killed sender's
/// messages are taken over by another once it has passed.
pub const CLAIM_LEASE_SECONDS: i64 = 600;
/// One send's time limit.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);
const _: () = assert!(CLAIM_LEASE_SECONDS > CLAIM_BATCH * SEND_TIMEOUT.as_secs() as i64);

/// The school's SMS/WeChat gateway as the admin sets it ([`Engine::set_gateway`]). An empty
/// `token` keeps the stored one (R-NOTE-04). It is read from input only: it never serializes and
/// its Debug output hides the token, so the token cannot leave the engine by accident.
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct GatewayConfig {
    pub url: String,
    pub token: String,
    pub sms_template: String,
    pub wechat_template: String,
}

impl std::fmt::Debug for GatewayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewayConfig")
            .field("url", &self.url)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// The gateway as the admin's settings screen shows it (R-NOTE-04): everything but the token,
/// and whether one is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewaySettings {
    pub url: String,
    pub sms_template: String,
    pub wechat_template: String,
    /// A non-empty token is stored (its value never leaves the engine).
    pub token_set: bool,
}

/// The gateway as stored in `settings` (JSON under the key `gateway`); private, so the token is
/// only ever read by [`Engine::deliver_outbox`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StoredGateway {
    url: String,
    token: String,
    sms_template: String,
    wechat_template: String,
}

impl std::fmt::Debug for StoredGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredGateway")
            .field("url", &self.url)
            .field("token", &"<redacted>")
            .finish()
    }
}

impl From<&StoredGateway> for GatewaySettings {
    fn from(g: &StoredGateway) -> Self {
        GatewaySettings {
            url: g.url.clone(),
            sms_template: g.sms_template.clone(),
            wechat_template: g.wechat_template.clone(),
            token_set: !g.token.is_empty(),
        }
    }
}

async fn stored_gateway(c: &mut AnyConnection) -> Result<Option<StoredGateway>> {
    let row = sqlx::query("SELECT value FROM settings WHERE key = 'gateway'")
        .fetch_optional(c)
        .await?;
    match row {
        Some(r) => Ok(Some(serde_json::from_str(
            &r.try_get::<String, _>("value")?,
        )?)),
        None => Ok(None),
    }
}

/// Delivery status of an outbox message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Retrying,
    Sent,
    GivenUp,
    /// No gateway configured: stays in the outbox.
    NotSentNoGateway,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Retrying => "retrying",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::GivenUp => "given_up",
            DeliveryStatus::NotSentNoGateway => "not_sent_no_gateway",
        }
    }
}

/// One outbox message as the admin's outbox page lists it (recipient masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "OutboxRow"))]
#[cfg_attr(feature = "schema", schemars(rename = "OutboxRow"))]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    pub id: i64,
    pub channel: String,
    pub graduate_id: i64,
    pub template: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    pub last_error: String,
    pub created_at: Timestamp,
}

/// What one delivery run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "DeliveryOutcome"))]
#[cfg_attr(feature = "schema", schemars(rename = "DeliveryOutcome"))]
#[serde(rename_all = "camelCase")]
pub struct DeliveryReport {
    pub sent: usize,
    pub failed: usize,
    pub given_up: usize,
    pub no_gateway: usize,
}

/// R-NOTE-07, R-DESK-04: the gateway (phone numbers, its token) and the update manifest (where the
/// software comes from) are reached over https only; plain http only to this machine (127.0.0.1,
/// ::1, localhost: a local relay, the tests' own servers).
pub fn https_or_loopback(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return false;
    }
    match scheme {
        "https" => true,
        "http" => {
            let host = if let Some(v6) = authority.strip_prefix('[') {
                v6.split(']').next().unwrap_or("")
            } else {
                authority.split(':').next().unwrap_or("")
            };
            host == "localhost"
                || host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        _ => false,
    }
}

impl Engine {
    /// R-NOTE-04: the configured gateway without its token (admin only), if any.
    pub async fn gateway_settings(&self, actor: &Actor) -> Result<Option<GatewaySettings>> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        let mut c = self.store.read().await?;
        Ok(stored_gateway(&mut c)
            .await?
            .as_ref()
            .map(GatewaySettings::from))
    }

    /// The admin sets (or with None removes) the gateway. Only http(s) URLs are accepted. An
    /// empty token keeps the stored one (R-NOTE-04): the stored config is read, merged and
    /// written inside this one transaction, so a concurrent change of the token is not lost.
    pub async fn set_gateway(
        &self,
        actor: &Actor,
        cfg: Option<&GatewayConfig>,
        now: Timestamp,
    ) -> Result<()> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        let input = match cfg {
            None => None,
            Some(g) => {
                let url = g.url.trim();
                if !https_or_loopback(url) || url.len() > 500 {
                    return Err(DomainError::field(
                        "url",
                        "网关地址须以 https:// 开头（最多500个字符；http:// 只用于本机）",
                        "The gateway URL must start with https:// (at most 500 characters; http:// only to this machine)",
                    ));
                }
                let sms = optional_text("sms_template", "短信模板编号", &g.sms_template, 100)?;
                let wechat =
                    optional_text("wechat_template", "微信模板编号", &g.wechat_template, 100)?;
                if g.token.trim().chars().count() > 1000 {
                    return Err(DomainError::field(
                        "token",
                        "网关令牌最多1000个字符",
                        "The gateway token has at most 1000 characters",
                    ));
                }
                Some((url.to_string(), g.token.trim().to_string(), sms, wechat))
            }
        };
        let mut tx = self.store.begin().await?;
        // Lock the stored row first (PostgreSQL: a concurrent set_gateway waits here and the read
        // below then sees its committed token; SQLite's BEGIN IMMEDIATE already serialises).
        sqlx::query("UPDATE settings SET value = value WHERE key = 'gateway'")
            .execute(tx.conn())
            .await?;
        let stored = stored_gateway(tx.conn()).await?;
        let merged = input.map(|(url, token, sms_template, wechat_template)| {
            let replaced = !token.is_empty();
            let token = match (&stored, replaced) {
                (Some(s), false) => s.token.clone(),
                _ => token,
            };
            (
                StoredGateway {
                    url,
                    token,
                    sms_template,
                    wechat_template,
                },
                replaced,
            )
        });
        sqlx::query("DELETE FROM settings WHERE key = 'gateway'")
            .execute(tx.conn())
            .await?;
        if let Some((g, _)) = &merged {
            sqlx::query("INSERT INTO settings (key, value) VALUES ('gateway', $1)")
                .bind(serde_json::to_string(g)?)
                .execute(tx.conn())
                .await?;
        }
        record(
            &mut tx,
            Entry {
                subject: "settings:gateway".into(),
                item_id: None,
                actor,
                at: now,
                action: "set_gateway",
                level: "",
                from_state: if stored.is_some() {
                    "configured"
                } else {
                    "none"
                },
                to_state: if merged.is_some() {
                    "configured"
                } else {
                    "none"
                },
                reason: "",
                // Never the token: only whether it was replaced.
                changes: serde_json::json!({
                    "url": merged.as_ref().map(|(g, _)| g.url.clone()),
                    "token_replaced": merged.as_ref().is_some_and(|(_, r)| *r),
                }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sends due messages through the gateway; with none configured they stay unsent. Run by the
    /// admin ("send now") or by the engine's own [`Actor::system`] (the background worker, `gradsign
    /// outbox send`); R-AUTH-07.
    ///
    /// R-NOTE-05: any number of senders may run at once on one database. A run first claims up to
    /// [`CLAIM_BATCH`] due messages that nobody holds, in one statement (PostgreSQL: `FOR UPDATE
    /// SKIP LOCKED`, so concurrent runs take disjoint batches; SQLite: its single writer), under
    /// a claim of its own for [`CLAIM_LEASE_SECONDS`]; it records a result only while its claim
    /// still holds the message. A sender killed mid-batch leaves its claims to lapse; the
    /// messages are then sent by the next run, never lost (one already handed to the gateway may
    /// reach it twice: it carries `message_id` to tell).
    pub async fn deliver_outbox(&self, actor: &Actor, now: Timestamp) -> Result<DeliveryReport> {
        actor.require(matches!(actor.role, Role::SchoolAdmin | Role::System))?;
        let mut report = DeliveryReport::default();
        let mut c = self.store.read().await?;
        // A plain-http gateway an earlier version accepted is no gateway now (R-NOTE-07).
        let gateway = stored_gateway(&mut c).await?.filter(|gw| {
            let ok = https_or_loopback(&gw.url);
            if !ok {
                tracing::warn!("the SMS/WeChat gateway is not https: nothing is sent until the admin sets an https address");
            }
            ok
        });
        let Some(gw) = gateway else {
            let done = sqlx::query("UPDATE outbox SET status = 'not_sent_no_gateway', updated_at = $1 WHERE status = 'pending'").bind(now).execute(&mut *c).await?;
            report.no_gateway = usize::try_from(done.rows_affected()).unwrap_or(0);
            return Ok(report);
        };
        let mut bits = [0u8; 16];
        self.random_bytes(&mut bits);
        let claim = hex::encode(bits);
        let skip_locked = match self.store.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        sqlx::query(&format!(
            "UPDATE outbox SET claimed_by = $1, claimed_until = $2 WHERE id IN (\
             SELECT id FROM outbox WHERE status IN ('pending', 'retrying', 'not_sent_no_gateway') \
             AND next_attempt_at <= $3 AND claimed_until <= $3 ORDER BY id LIMIT $4{skip_locked})"
        ))
        .bind(&claim)
        .bind(now.saturating_add(CLAIM_LEASE_SECONDS))
        .bind(now)
        .bind(CLAIM_BATCH)
        .execute(&mut *c)
        .await?;
        let rows = sqlx::query(
            "SELECT o.id, o.channel, o.template, o.payload, o.attempts, g.phone FROM outbox o JOIN graduates g ON g.id = o.graduate_id \
             WHERE o.claimed_by = $1 ORDER BY o.id",
        )
        .bind(&claim)
        .fetch_all(&mut *c)
        .await?;
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .build()
            .map_err(|_| DomainError::internal("http_client"))?;
        for r in rows {
            let id: i64 = r.try_get("id")?;
            let channel: String = r.try_get("channel")?;
            let attempts: i64 = r.try_get("attempts")?;
            let payload: serde_json::Value =
                serde_json::from_str(&r.try_get::<String, _>("payload")?)?;
            let template_id = if channel == "sms" {
                &gw.sms_template
            } else {
                &gw.wechat_template
            };
            let body = serde_json::json!({
                "message_id": id,
                "channel": channel,
                "template_id": template_id,
                "template": r.try_get::<String, _>("template")?,
                "to": r.try_get::<String, _>("phone")?,
                "data": payload,
            });
            let result = client
                .post(&gw.url)
                .bearer_auth(&gw.token)
                .json(&body)
                .send()
                .await;
            let error = match result {
                Ok(resp) if resp.status().is_success() => None,
                Ok(resp) => Some(format!("HTTP {}", resp.status().as_u16())),
                Err(e) if e.is_timeout() => Some("timeout".to_string()),
                Err(_) => Some("connection failed".to_string()),
            };
            let attempts = attempts + 1;
            let (status, next) = match &error {
                None => (DeliveryStatus::Sent, now),
                Some(_) if attempts >= MAX_ATTEMPTS => (DeliveryStatus::GivenUp, now),
                Some(_) => (
                    DeliveryStatus::Retrying,
                    now.saturating_add(BACKOFF_SECONDS << (attempts - 1).clamp(0, 10)),
                ),
            };
            // The result is recorded, and the claim released, only if this run still holds it.
            let marked = sqlx::query(
                "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4, updated_at = $5, \
                 claimed_by = '', claimed_until = 0 WHERE id = $6 AND claimed_by = $7",
            )
            .bind(status.as_str())
            .bind(attempts)
            .bind(next)
            .bind(error.unwrap_or_default())
            .bind(now)
            .bind(id)
            .bind(&claim)
            .execute(&mut *c)
            .await?;
            if marked.rows_affected() != 1 {
                tracing::warn!(
                    message_id = id,
                    "outbox claim lapsed; another sender holds it"
                );
                continue;
            }
            match status {
                DeliveryStatus::Sent => report.sent += 1,
                DeliveryStatus::GivenUp => report.given_up += 1,
                _ => report.failed += 1,
            }
            tracing::info!(
                message_id = id,
                status = status.as_str(),
                attempts,
                "outbox delivery"
            );
        }
        Ok(report)
    }

    /// The outbox for the admin, newest first.
    pub async fn outbox(&self, actor: &Actor) -> Result<Vec<OutboxMessage>> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        let mut c = self.store.read().await?;
        let rows = sqlx::query("SELECT id, channel, graduate_id, template, status, attempts, next_attempt_at, last_error, created_at FROM outbox ORDER BY id DESC LIMIT 1000").fetch_all(&mut *c).await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxMessage {
                    id: r.try_get("id")?,
                    channel: r.try_get("channel")?,
                    graduate_id: r.try_get("graduate_id")?,
                    template: r.try_get("template")?,
                    status: r.try_get("status")?,
                    attempts: r.try_get("attempts")?,
                    next_attempt_at: r.try_get("next_attempt_at")?,
                    last_error: r.try_get("last_error")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// The admin sends a given-up or unsent message again (attempts start over).
    pub async fn retry_outbox(&self, actor: &Actor, id: i64, now: Timestamp) -> Result<()> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        let mut c = self.store.read().await?;
        let done = sqlx::query("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, updated_at = $1 WHERE id = $2 AND status IN ('given_up', 'not_sent_no_gateway', 'retrying')")
            .bind(now)
            .bind(id)
            .execute(&mut *c)
            .await?;
        if done.rows_affected() != 1 {
            return Err(DomainError::invalid_state("sent_or_pending"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod https_tests {
    use super::https_or_loopback;

    #[test]
    fn r_note_07_https_anywhere_and_plain_http_only_to_this_machine() {
        for ok in [
            "https://sms.school.edu.cn/send",
            "https://sms.school.edu.cn:8443/send?x=1",
            "http://127.0.0.1:9/send",
            "http://127.8.0.1/send",
            "http://[::1]:8080/send",
            "http://localhost:8080/latest.json",
        ] {
            assert!(https_or_loopback(ok), "{ok}");
        }
        for bad in [
            "http://sms.school.edu.cn/send",
            "http://10.0.0.1/send",
            "http://localhost.evil.cn/send",
            "http://127.0.0.1@evil.cn/send",
            "https://user:pw@sms.school.edu.cn/send",
            "ftp://127.0.0.1/send",
            "https://",
            "127.0.0.1/send",
            "",
        ] {
            assert!(!https_or_loopback(bad), "{bad}");
        }
    }
}
