//! Agreement numbers (R-AGR-02), the frozen snapshot at signing (R-PDF-02) and verification of a
//! printed agreement (R-VERIFY-01).

use crate::engine::{load_cohort, school, Engine, Graduate, Item};
use crate::error::{DomainError, ErrorCode, Result};
use crate::model::InvitationPayload;
use crate::snapshot::{normalise_code, verification_code, AgreementSnapshot, SnapshotGraduate};
use crate::store::Tx;
use crate::throttle;
use crate::time::Timestamp;
use crate::types::{AgreementNumber, CohortYear, EducationLevel};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// Look-ups allowed per client key in one window (R-VERIFY-02).
pub const VERIFY_PER_MINUTE: i64 = 10;
/// R-VERIFY-03: the length of a client's look-up window, seconds.
pub const VERIFY_WINDOW_SECONDS: i64 = 60;

/// The answer of the verify screen: no more personal data than the printed page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", ts(rename = "VerifyView"))]
#[cfg_attr(feature = "schema", schemars(rename = "VerifyView"))]
#[serde(rename_all = "camelCase")]
pub struct VerifyResult {
    pub exists: bool,
    /// effective | terminated | issued_awaiting_stamp (an offline agreement issued to print,
    /// R-OFFSIGN-03) | void (an offline signing that failed or was given up)
    pub state: Option<String>,
    pub hash_matches: bool,
    pub agreement_number: Option<String>,
}

/// R-AGR-02: the next number for (cohort, level); serials are never reused.
pub(crate) async fn next_agreement_number(tx: &mut Tx, cohort: i64, level: &str) -> Result<String> {
    let level = EducationLevel::parse(level)?;
    let digit = i64::from(level.digit());
    sqlx::query("INSERT INTO serials (cohort, level, next) VALUES ($1, $2, 1) ON CONFLICT (cohort, level) DO NOTHING").bind(cohort).bind(digit).execute(tx.conn()).await?;
    let next: i64 = sqlx::query(
        "UPDATE serials SET next = next + 1 WHERE cohort = $1 AND level = $2 RETURNING next",
    )
    .bind(cohort)
    .bind(digit)
    .fetch_one(tx.conn())
    .await?
    .try_get("next")?;
    let serial = next - 1;
    if serial > 999_999 {
        return Err(DomainError::new(
            ErrorCode::Internal,
            "本届该学历的协议编号已用完",
            "Agreement numbers for this cohort and level are exhausted",
        ));
    }
    let (_, code) = school(tx.conn()).await?;
    Ok(
        AgreementNumber::compose(CohortYear::parse(cohort)?, &code, level, serial)?
            .as_str()
            .to_string(),
    )
}

impl Engine {
    /// R-SIGN-07 + R-PDF-02: number, frozen snapshot and verification code at the last approval.
    pub(crate) async fn sign_agreement(
        &self,
        tx: &mut Tx,
        it: &mut Item,
        g: &Graduate,
        _now: Timestamp,
    ) -> Result<serde_json::Value> {
        let payload: InvitationPayload = serde_json::from_str(&it.payload)?;
        self.freeze_agreement(tx, it, g, payload.employer, payload.terms)
            .await
    }

    /// R-AGR-02 + R-PDF-02: gives the item its agreement number and freezes its snapshot, hash
    /// and verification code (at the last approval of an online agreement, at the issue of an
    /// offline one, R-OFFSIGN-03). Answers the history entry's `changes`.
    pub(crate) async fn freeze_agreement(
        &self,
        tx: &mut Tx,
        it: &mut Item,
        g: &Graduate,
        employer: crate::model::EmployerDetails,
        terms: crate::model::AgreementTerms,
    ) -> Result<serde_json::Value> {
        let number = next_agreement_number(tx, it.cohort, &it.education_level).await?;
        let (school_name, school_code) = school(tx.conn()).await?;
        let cohort = load_cohort(tx.conn(), it.cohort).await?;
        let snap = AgreementSnapshot {
            number: number.clone(),
            title: cohort.agreement_title,
            cohort: it.cohort,
            school_name,
            school_code,
            graduate: SnapshotGraduate {
                name: g.name.clone(),
                gender: g.gender.clone(),
                id_number: g.id_number.clone(),
                education_level: g.education_level.clone(),
                major: g.major.clone(),
                department: g.department.clone(),
                student_number: g.student_number.clone(),
                phone: g.phone.clone(),
                email: g.email.clone(),
            },
            employer,
            terms,
        };
        let mut bits = [0u8; 8];
        self.random_bytes(&mut bits);
        let code = verification_code(u64::from_le_bytes(bits));
        let hash = snap.hash()?;
        it.agreement_number = Some(number.clone());
        it.verification_code = Some(code);
        it.snapshot = Some(snap.canonical_json()?);
        it.snapshot_hash = Some(hash.clone());
        Ok(serde_json::json!({ "agreement_number": number, "snapshot_hash": hash }))
    }

    /// R-VERIFY-01: anyone checks a printed agreement by its code and printed hash. `client` keys
    /// the throttle (the desktop passes its install id; a server the caller's address).
    pub async fn verify_agreement(
        &self,
        client: &str,
        code: &str,
        printed_hash: &str,
        now: Timestamp,
    ) -> Result<VerifyResult> {
        let mut c = self.store.read().await?;
        // R-VERIFY-03: counted in the database, so every server on it shares the client's window.
        let key = format!("verify:{client}");
        if let Some(ends) =
            throttle::count_look_up(&mut c, &key, VERIFY_PER_MINUTE, VERIFY_WINDOW_SECONDS, now)
                .await?
        {
            let wait = ends.saturating_sub(now).max(1);
            return Err(DomainError::new(
                ErrorCode::Throttled,
                "查询过于频繁，请一分钟后再试",
                "Too many look-ups; try again in a minute",
            )
            .with_details(serde_json::json!({ "retry_after": wait })));
        }
        let code = normalise_code(code);
        let printed = printed_hash.trim().to_ascii_lowercase();
        let row = sqlx::query("SELECT kind, state, agreement_number, snapshot_hash FROM items WHERE verification_code = $1").bind(&code).fetch_optional(&mut *c).await?;
        let Some(r) = row else {
            return Ok(VerifyResult {
                exists: false,
                state: None,
                hash_matches: false,
                agreement_number: None,
            });
        };
        let state: String = r.try_get("state")?;
        let stored: Option<String> = r.try_get("snapshot_hash")?;
        let shown = match state.as_str() {
            "signed" => "effective",
            "terminated" => "terminated",
            // R-OFFSIGN-03: an offline agreement issued to print, not yet signed.
            "approved_for_print"
            | "stamped_submitted"
            | "stamped_under_review"
            | "stamped_returned" => "issued_awaiting_stamp",
            // An offline signing that failed or was given up: its print copy is void.
            "failed" | "cancelled" => "void",
            other => other,
        };
        Ok(VerifyResult {
            exists: true,
            state: Some(shown.to_string()),
            hash_matches: stored.as_deref() == Some(printed.as_str()),
            agreement_number: r.try_get("agreement_number")?,
        })
    }
}
