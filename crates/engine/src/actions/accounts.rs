//! Accounts, sign-in and sessions. Passwords are argon2id with OWASP's parameters (19 MiB, t=2,
//! p=1); session tokens are random and stored only as their SHA-256. Five wrong passwords in a row
//! lock the account for 15 minutes (R-AUTH-01 in docs/rules.md); six wrong ID numbers for one
//! student number lock its activation for 15 minutes (R-AUTH-05). Staff and employer logins never
//! look like a student number (R-AUTH-04); everyone changes their own password (R-AUTH-06).

use crate::audit::Entry;
use crate::engine::{record, Engine, GRADUATE_SELECT};
use crate::error::{DomainError, ErrorCode, Result};
use crate::model::EmployerDetails;
use crate::store::Tx;
use crate::throttle;
use crate::time::Timestamp;
use crate::types::{required_text, IdNumber};
use crate::workflow::{Actor, Role};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

/// Consecutive failures before the account is locked.
pub const MAX_FAILED_SIGN_INS: i64 = 5;
/// How long a lock lasts, seconds.
pub const LOCK_SECONDS: i64 = 15 * 60;
/// How long a session lasts, seconds.
pub const SESSION_SECONDS: i64 = 7 * 24 * 3600;
/// R-AUTH-05: wrong ID numbers in a row for one student number before its activation is locked.
pub const MAX_FAILED_ACTIVATIONS: i64 = 6;
/// R-AUTH-05: how long an activation lock lasts, seconds (as a sign-in lock, R-AUTH-01).
pub const ACTIVATION_LOCK_SECONDS: i64 = 15 * 60;

fn argon2() -> Argon2<'static> {
    // OWASP: m = 19 MiB, t = 2, p = 1. The constants are valid, so the fallback is never taken.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A session token. Debug never prints it; it serializes only where the caller asks for it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionToken(pub String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

/// Who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: i64,
    pub login: String,
    pub role: Role,
    pub display_name: String,
    pub graduate_id: Option<i64>,
    pub employer_id: Option<i64>,
    pub department_id: Option<i64>,
    pub disabled: bool,
}

impl AccountView {
    pub fn actor(&self) -> Actor {
        Actor {
            account_id: Some(self.id),
            role: self.role,
            graduate_id: self.graduate_id,
            employer_id: self.employer_id,
            department_id: self.department_id,
        }
    }
}

/// A signed-in session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token: SessionToken,
    pub expires_at: Timestamp,
    pub account: AccountView,
}

/// A staff account the admin creates.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewStaff {
    pub login: String,
    pub password: String,
    pub display_name: String,
    /// department_reviewer, school_reviewer or school_admin.
    pub role: Role,
    /// Required for department reviewers.
    pub department_id: Option<i64>,
}

/// An employer's sign-up (R-AGR-01 fields + the first staff account).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmployerSignUp {
    pub details: EmployerDetails,
    pub login: String,
    pub password: String,
    pub display_name: String,
}

/// Logins: 3–64 characters of letters, digits and `._-@`.
pub fn parse_login(raw: &str) -> Result<String> {
    let s = raw.trim();
    let ok = (3..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
    if ok {
        Ok(s.to_string())
    } else {
        Err(DomainError::field(
            "login",
            "登录名应为3至64位字母、数字或 ._-@",
            "Login must be 3 to 64 letters, digits or ._-@",
        ))
    }
}

/// R-AUTH-04: a staff or employer login. Graduates sign in with their student number (letters
/// and digits only, R-INFO-04), so these logins may not be all digits (the usual shape of a
/// student number); that they are no student number the school imported is checked against the
/// database by [`require_free_login`].
pub fn parse_non_graduate_login(raw: &str) -> Result<String> {
    let s = parse_login(raw)?;
    if s.chars().all(|c| c.is_ascii_digit()) {
        return Err(DomainError::field(
            "login",
            "登录名不能全为数字（纯数字是毕业生学号的形式），请加入字母或 ._-@",
            "A login may not be all digits (that is how student numbers look); add a letter or one of ._-@",
        ));
    }
    Ok(s)
}

/// R-AUTH-04: a new staff or employer login is neither another account's login nor a student
/// number the school imported (which will be that graduate's login once they activate). Both are
/// refused alike, so the answer does not tell which.
pub(crate) async fn require_free_login(c: &mut sqlx::AnyConnection, login: &str) -> Result<()> {
    let taken = sqlx::query(
        "SELECT 1 AS x FROM accounts WHERE login = $1 UNION ALL SELECT 1 AS x FROM graduates WHERE student_number = $1",
    )
    .bind(login)
    .fetch_optional(c)
    .await?;
    if taken.is_some() {
        return Err(DomainError::new(
            ErrorCode::Duplicate,
            "该登录名已被使用，请换一个",
            "This login is taken; choose another",
        )
        .with_details(serde_json::json!({ "field": "login" })));
    }
    Ok(())
}

/// Passwords: 8–128 characters with at least one letter and one digit.
pub fn check_password_policy(p: &str) -> Result<()> {
    let n = p.chars().count();
    if (8..=128).contains(&n)
        && p.chars().any(|c| c.is_alphabetic())
        && p.chars().any(|c| c.is_ascii_digit())
    {
        Ok(())
    } else {
        Err(DomainError::field(
            "password",
            "密码应为8至128位，且同时包含字母和数字",
            "Password must have 8 to 128 characters with letters and digits",
        ))
    }
}

/// Checks the policy and hashes off the async runtime.
pub async fn hash_password_checked(p: &str) -> Result<String> {
    check_password_policy(p)?;
    let p = p.to_string();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(p.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|_| DomainError::internal("hash"))
    })
    .await
    .map_err(|_| DomainError::internal("hash"))?
}

async fn verify_password(p: &str, hash: &str) -> bool {
    let (p, hash) = (p.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || match PasswordHash::new(&hash) {
        Ok(h) => argon2().verify_password(p.as_bytes(), &h).is_ok(),
        Err(_) => false,
    })
    .await
    .unwrap_or(false)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn wrong_credentials() -> DomainError {
    DomainError::new(
        ErrorCode::WrongCredentials,
        "登录名或密码错误（毕业生首次登录请用学号和身份证号激活）",
        "Wrong login or password (graduates activate first with student number and ID number)",
    )
}

/// R-AUTH-01: the sign-in lock's refusal.
fn password_throttled(locked_until: Timestamp, now: Timestamp) -> DomainError {
    throttle::throttled(
        "密码错误次数过多",
        "Too many failed attempts",
        locked_until,
        now,
    )
}

/// R-AUTH-01: one more wrong password; the fifth in a row locks the account. The database does
/// the counting (`failed_attempts + 1`), so concurrent failures are all counted.
async fn count_failed_sign_in(tx: &mut Tx, account_id: i64, now: Timestamp) -> Result<()> {
    sqlx::query(
        "UPDATE accounts SET \
         failed_attempts = CASE WHEN failed_attempts + 1 >= $1 THEN 0 ELSE failed_attempts + 1 END, \
         locked_until = CASE WHEN failed_attempts + 1 >= $1 THEN $2 ELSE locked_until END \
         WHERE id = $3",
    )
    .bind(MAX_FAILED_SIGN_INS)
    .bind(now.saturating_add(LOCK_SECONDS))
    .bind(account_id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

const ACCOUNT_SELECT: &str = "SELECT id, login, role, display_name, graduate_id, employer_id, department_id, disabled, password_hash, failed_attempts, locked_until FROM accounts";

fn account_from_row(r: &sqlx::any::AnyRow) -> Result<AccountView> {
    let role: String = r.try_get("role")?;
    let disabled: i64 = r.try_get("disabled")?;
    // R-AUTH-07: the system role belongs to the engine's own actor only; an account row claiming
    // it (which no action writes) is refused, so no session ever authenticates as the system.
    let role = Role::parse(&role)
        .filter(|r| *r != Role::System)
        .ok_or_else(|| DomainError::internal("role"))?;
    Ok(AccountView {
        id: r.try_get("id")?,
        login: r.try_get("login")?,
        role,
        display_name: r.try_get("display_name")?,
        graduate_id: r.try_get("graduate_id")?,
        employer_id: r.try_get("employer_id")?,
        department_id: r.try_get("department_id")?,
        disabled: disabled != 0,
    })
}

impl Engine {
    fn new_token(&self) -> String {
        let mut b = [0u8; 32];
        self.random_bytes(&mut b);
        hex::encode(b)
    }

    async fn open_session(
        &self,
        tx: &mut Tx,
        account: AccountView,
        now: Timestamp,
    ) -> Result<Session> {
        let token = self.new_token();
        let expires_at = now.saturating_add(SESSION_SECONDS);
        sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash(&token))
            .bind(account.id)
            .bind(now)
            .bind(expires_at)
            .execute(tx.conn())
            .await?;
        Ok(Session {
            token: SessionToken(token),
            expires_at,
            account,
        })
    }

    /// Signs in with login and password. Throttled after repeated failures; a disabled account or
    /// an employer not yet approved still signs in (to see its status) but cannot act.
    pub async fn sign_in(&self, login: &str, password: &str, now: Timestamp) -> Result<Session> {
        let login = login.trim();
        let row = {
            let mut c = self.store.read().await?;
            sqlx::query(&format!("{ACCOUNT_SELECT} WHERE login = $1"))
                .bind(login)
                .fetch_optional(&mut *c)
                .await?
        };
        let Some(row) = row else {
            return Err(wrong_credentials());
        };
        let account = account_from_row(&row).map_err(|_| wrong_credentials())?;
        let locked_until: i64 = row.try_get("locked_until")?;
        if now < locked_until {
            return Err(password_throttled(locked_until, now));
        }
        if account.disabled {
            return Err(DomainError::new(
                ErrorCode::Forbidden,
                "账号已停用，请联系学校就业部门",
                "This account is disabled; contact the school's employment office",
            ));
        }
        let hash: Option<String> = row.try_get("password_hash")?;
        let ok = match &hash {
            Some(h) => verify_password(password, h).await,
            None => false,
        };
        let mut tx = self.store.begin().await?;
        if !ok {
            count_failed_sign_in(&mut tx, account.id, now).await?;
            tx.commit().await?;
            return Err(wrong_credentials());
        }
        sqlx::query("UPDATE accounts SET failed_attempts = 0, locked_until = 0 WHERE id = $1")
            .bind(account.id)
            .execute(tx.conn())
            .await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(tx.conn())
            .await?;
        let session = self.open_session(&mut tx, account, now).await?;
        tx.commit().await?;
        Ok(session)
    }

    /// R-INFO-03: a graduate's first sign-in by student number + ID number, setting a password.
    /// R-AUTH-05: a student number the school has not uploaded and a wrong ID number get the same
    /// `not_imported` answer and both count as a failure for that student number; the sixth in a
    /// row locks its activation for 15 minutes (even the right ID number is then `throttled`).
    /// The count is committed although the activation is refused.
    pub async fn activate_graduate(
        &self,
        student_number: &str,
        id_number: &str,
        password: &str,
        now: Timestamp,
    ) -> Result<Session> {
        let id = IdNumber::parse(id_number)?;
        let sn = required_text("student_number", "学号", student_number, 30)?;
        let hash = hash_password_checked(password).await?;
        let key = format!("activate:{sn}");
        let mut tx = self.store.begin().await?;
        if let Some(until) = throttle::locked_until(tx.conn(), &key, now).await? {
            return Err(throttle::throttled(
                "身份证号错误次数过多，该学号暂不能激活",
                "Too many wrong ID numbers for this student number",
                until,
                now,
            ));
        }
        let row = sqlx::query(&format!("{GRADUATE_SELECT} WHERE g.student_number = $1 AND g.id_number = $2 ORDER BY g.cohort DESC"))
            .bind(&sn)
            .bind(id.as_str())
            .fetch_optional(tx.conn())
            .await?;
        let Some(row) = row else {
            throttle::record_failure(
                tx.conn(),
                &key,
                MAX_FAILED_ACTIVATIONS,
                ACTIVATION_LOCK_SECONDS,
                now,
            )
            .await?;
            // Committed on purpose: the failure must count although the activation is refused.
            tx.commit().await?;
            return Err(DomainError::new(ErrorCode::NotImported, "学校尚未上传您的信息（或学号与身份证号不匹配），请联系学校就业部门", "The school has not uploaded your record (or student number and ID number do not match); contact the school's employment office"));
        };
        let g = crate::engine::graduate_from_row(&row)?;
        let existing = sqlx::query("SELECT id FROM accounts WHERE graduate_id = $1 OR login = $2")
            .bind(g.id)
            .bind(&sn)
            .fetch_optional(tx.conn())
            .await?;
        if existing.is_some() {
            return Err(DomainError::new(
                ErrorCode::AlreadyActivated,
                "账号已激活，请用学号和密码登录",
                "The account is already activated; sign in with student number and password",
            ));
        }
        throttle::clear(tx.conn(), &key).await?;
        let account_id: i64 = sqlx::query("INSERT INTO accounts (login, role, display_name, password_hash, graduate_id, created_at) VALUES ($1, 'graduate', $2, $3, $4, $5) RETURNING id")
            .bind(&sn)
            .bind(&g.name)
            .bind(&hash)
            .bind(g.id)
            .bind(now)
            .fetch_one(tx.conn())
            .await?
            .try_get("id")?;
        let account = AccountView {
            id: account_id,
            login: sn,
            role: Role::Graduate,
            display_name: g.name.clone(),
            graduate_id: Some(g.id),
            employer_id: None,
            department_id: None,
            disabled: false,
        };
        record(
            &mut tx,
            Entry {
                subject: format!("graduate:{}", g.id),
                item_id: None,
                actor: &account.actor(),
                at: now,
                action: "activate",
                level: "",
                from_state: "",
                to_state: "active",
                reason: "",
                changes: serde_json::Value::Null,
            },
        )
        .await?;
        let session = self.open_session(&mut tx, account, now).await?;
        tx.commit().await?;
        Ok(session)
    }

    /// The actor behind a session token.
    pub async fn authenticate(&self, token: &SessionToken, now: Timestamp) -> Result<Actor> {
        Ok(self.session_account(token, now).await?.actor())
    }

    /// The account behind a session token (expired or unknown: Unauthenticated).
    pub async fn session_account(
        &self,
        token: &SessionToken,
        now: Timestamp,
    ) -> Result<AccountView> {
        let mut c = self.store.read().await?;
        let row = sqlx::query(&format!("{ACCOUNT_SELECT} WHERE id = (SELECT account_id FROM sessions WHERE token_hash = $1 AND expires_at > $2)"))
            .bind(token_hash(&token.0))
            .bind(now)
            .fetch_optional(&mut *c)
            .await?;
        let Some(row) = row else {
            return Err(DomainError::new(
                ErrorCode::Unauthenticated,
                "登录已过期，请重新登录",
                "Your session has expired; sign in again",
            ));
        };
        let account = account_from_row(&row)?;
        if account.disabled {
            return Err(DomainError::new(
                ErrorCode::Unauthenticated,
                "账号已停用",
                "This account is disabled",
            ));
        }
        Ok(account)
    }

    /// Ends a session (unknown tokens are fine: signing out twice is not an error).
    pub async fn sign_out(&self, token: &SessionToken) -> Result<()> {
        let mut c = self.store.read().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(&token.0))
            .execute(&mut *c)
            .await?;
        Ok(())
    }

    /// The admin creates a reviewer or another admin.
    pub async fn create_staff_account(
        &self,
        actor: &Actor,
        s: &NewStaff,
        now: Timestamp,
    ) -> Result<AccountView> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        if !matches!(
            s.role,
            Role::DepartmentReviewer | Role::SchoolReviewer | Role::SchoolAdmin
        ) {
            return Err(DomainError::field(
                "role",
                "只能创建院系审核员、学校审核员或管理员账号",
                "Only reviewer and admin accounts are created here",
            ));
        }
        let login = parse_non_graduate_login(&s.login)?;
        let name = required_text("display_name", "姓名", &s.display_name, 50)?;
        let department = if s.role == Role::DepartmentReviewer {
            Some(s.department_id.ok_or_else(|| {
                DomainError::field(
                    "department_id",
                    "院系审核员须指定院系",
                    "A department reviewer needs a department",
                )
            })?)
        } else {
            None
        };
        let hash = hash_password_checked(&s.password).await?;
        let mut tx = self.store.begin().await?;
        require_free_login(tx.conn(), &login).await?;
        if let Some(d) = department {
            if sqlx::query("SELECT id FROM departments WHERE id = $1")
                .bind(d)
                .fetch_optional(tx.conn())
                .await?
                .is_none()
            {
                return Err(DomainError::field(
                    "department_id",
                    "院系不存在",
                    "Unknown department",
                ));
            }
        }
        let id: i64 = sqlx::query("INSERT INTO accounts (login, role, display_name, password_hash, department_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(&login)
            .bind(s.role.as_str())
            .bind(&name)
            .bind(&hash)
            .bind(department)
            .bind(now)
            .fetch_one(tx.conn())
            .await?
            .try_get("id")?;
        record(
            &mut tx,
            Entry { subject: format!("account:{id}"), item_id: None, actor, at: now, action: "create_account", level: "", from_state: "", to_state: "active", reason: "", changes: serde_json::json!({"login": login, "role": s.role, "department_id": department}) },
        )
        .await?;
        tx.commit().await?;
        Ok(AccountView {
            id,
            login,
            role: s.role,
            display_name: name,
            graduate_id: None,
            employer_id: None,
            department_id: department,
            disabled: false,
        })
    }

    /// An employer signs up; it can invite once the admin approves it.
    pub async fn employer_sign_up(
        &self,
        s: &EmployerSignUp,
        now: Timestamp,
    ) -> Result<AccountView> {
        self.employer_sign_up_inner(s, None, now).await
    }

    /// [`Engine::employer_sign_up`], keeping the stored business licence scan in the same
    /// transaction (see actions/workspaces.rs).
    pub(crate) async fn employer_sign_up_inner(
        &self,
        s: &EmployerSignUp,
        licence: Option<&crate::files::PreparedFiles>,
        now: Timestamp,
    ) -> Result<AccountView> {
        let d = s.details.validate()?;
        let login = parse_non_graduate_login(&s.login)?;
        let name = required_text("display_name", "联系人姓名", &s.display_name, 50)?;
        let hash = hash_password_checked(&s.password).await?;
        let mut tx = self.store.begin().await?;
        require_free_login(tx.conn(), &login).await?;
        if sqlx::query("SELECT id FROM employers WHERE credit_code = $1")
            .bind(&d.credit_code)
            .fetch_optional(tx.conn())
            .await?
            .is_some()
        {
            return Err(DomainError::new(
                ErrorCode::Duplicate,
                "该统一社会信用代码的单位已注册，请联系该单位的管理员添加账号",
                "An employer with this credit code is already registered",
            )
            .with_details(serde_json::json!({"field": "credit_code"})));
        }
        let employer_id: i64 = sqlx::query(
            "INSERT INTO employers (name, credit_code, nature, industry, address, contact_person, contact_phone, approved, disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, $8) RETURNING id",
        )
        .bind(&d.name)
        .bind(&d.credit_code)
        .bind(&d.nature)
        .bind(&d.industry)
        .bind(&d.address)
        .bind(&d.contact_person)
        .bind(&d.contact_phone)
        .bind(now)
        .fetch_one(tx.conn())
        .await?
        .try_get("id")?;
        if let Some(files) = licence {
            let l = files
                .refs
                .first()
                .ok_or_else(|| DomainError::internal("licence"))?;
            sqlx::query("UPDATE employers SET licence_file = $1 WHERE id = $2")
                .bind(serde_json::to_string(l)?)
                .bind(employer_id)
                .execute(tx.conn())
                .await?;
            files.save(&mut tx, now).await?;
        }
        let id: i64 = sqlx::query("INSERT INTO accounts (login, role, display_name, password_hash, employer_id, created_at) VALUES ($1, 'employer', $2, $3, $4, $5) RETURNING id")
            .bind(&login)
            .bind(&name)
            .bind(&hash)
            .bind(employer_id)
            .bind(now)
            .fetch_one(tx.conn())
            .await?
            .try_get("id")?;
        let account = AccountView {
            id,
            login,
            role: Role::Employer,
            display_name: name,
            graduate_id: None,
            employer_id: Some(employer_id),
            department_id: None,
            disabled: false,
        };
        record(
            &mut tx,
            Entry {
                subject: format!("employer:{employer_id}"),
                item_id: None,
                actor: &account.actor(),
                at: now,
                action: "employer_sign_up",
                level: "",
                from_state: "",
                to_state: "awaiting_approval",
                reason: "",
                changes: serde_json::to_value(&d)?,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(account)
    }

    /// The admin approves (or disables) an employer.
    pub async fn set_employer_approval(
        &self,
        actor: &Actor,
        employer_id: i64,
        approved: bool,
        now: Timestamp,
    ) -> Result<()> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        let mut tx = self.store.begin().await?;
        let row = sqlx::query("SELECT approved FROM employers WHERE id = $1")
            .bind(employer_id)
            .fetch_optional(tx.conn())
            .await?;
        let Some(row) = row else {
            return Err(DomainError::not_found("单位", "Employer"));
        };
        let before: i64 = row.try_get("approved")?;
        if (before != 0) == approved {
            return Err(DomainError::invalid_state(if approved {
                "approved"
            } else {
                "awaiting_approval"
            }));
        }
        sqlx::query("UPDATE employers SET approved = $1 WHERE id = $2")
            .bind(i64::from(approved))
            .bind(employer_id)
            .execute(tx.conn())
            .await?;
        let state = |a: bool| if a { "approved" } else { "awaiting_approval" };
        record(
            &mut tx,
            Entry {
                subject: format!("employer:{employer_id}"),
                item_id: None,
                actor,
                at: now,
                action: if approved {
                    "approve_employer"
                } else {
                    "revoke_employer"
                },
                level: "",
                from_state: state(before != 0),
                to_state: state(approved),
                reason: "",
                changes: serde_json::Value::Null,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An employer's staff member adds another staff account for the same employer; only once
    /// the school has approved the employer, and not while it is disabled (R-EMP-02).
    pub async fn add_employer_staff(
        &self,
        actor: &Actor,
        login: &str,
        password: &str,
        display_name: &str,
        now: Timestamp,
    ) -> Result<AccountView> {
        actor.require(actor.role == Role::Employer && actor.employer_id.is_some())?;
        let employer_id = actor.employer_id.unwrap_or_default();
        let login = parse_non_graduate_login(login)?;
        let name = required_text("display_name", "姓名", display_name, 50)?;
        let hash = hash_password_checked(password).await?;
        let mut tx = self.store.begin().await?;
        crate::actions::signing::require_active_employer(tx.conn(), employer_id).await?;
        require_free_login(tx.conn(), &login).await?;
        let id: i64 = sqlx::query("INSERT INTO accounts (login, role, display_name, password_hash, employer_id, created_at) VALUES ($1, 'employer', $2, $3, $4, $5) RETURNING id")
            .bind(&login)
            .bind(&name)
            .bind(&hash)
            .bind(employer_id)
            .bind(now)
            .fetch_one(tx.conn())
            .await?
            .try_get("id")?;
        record(
            &mut tx,
            Entry {
                subject: format!("account:{id}"),
                item_id: None,
                actor,
                at: now,
                action: "add_employer_staff",
                level: "",
                from_state: "",
                to_state: "active",
                reason: "",
                changes: serde_json::json!({"login": login}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(AccountView {
            id,
            login,
            role: Role::Employer,
            display_name: name,
            graduate_id: None,
            employer_id: Some(employer_id),
            department_id: None,
            disabled: false,
        })
    }

    /// R-AUTH-06: the signed-in person (any role) changes their own password. The current
    /// password is verified (a wrong one counts towards R-AUTH-01's lock like a wrong sign-in),
    /// the new one follows R-AUTH-02 and differs from it. Every session of the account ends,
    /// the one used here included, and the returned session replaces it (the token rotates, so
    /// a session stolen before the change is useless after it).
    pub async fn change_password(
        &self,
        actor: &Actor,
        current_password: &str,
        new_password: &str,
        now: Timestamp,
    ) -> Result<Session> {
        let account_id = match actor.account_id {
            Some(id) if actor.role != Role::System => id,
            _ => return Err(DomainError::forbidden()),
        };
        check_password_policy(new_password)
            .map_err(|e| e.with_details(serde_json::json!({ "field": "new_password" })))?;
        if new_password == current_password {
            return Err(DomainError::field(
                "new_password",
                "新密码不能与当前密码相同",
                "The new password must differ from the current one",
            ));
        }
        let row = {
            let mut c = self.store.read().await?;
            sqlx::query(&format!("{ACCOUNT_SELECT} WHERE id = $1"))
                .bind(account_id)
                .fetch_optional(&mut *c)
                .await?
        };
        let Some(row) = row else {
            return Err(DomainError::forbidden());
        };
        let account = account_from_row(&row)?;
        if account.disabled || account.role != actor.role {
            return Err(DomainError::forbidden());
        }
        let locked_until: i64 = row.try_get("locked_until")?;
        if now < locked_until {
            return Err(password_throttled(locked_until, now));
        }
        let old_hash: Option<String> = row.try_get("password_hash")?;
        let ok = match &old_hash {
            Some(h) => verify_password(current_password, h).await,
            None => false,
        };
        if !ok {
            let mut tx = self.store.begin().await?;
            count_failed_sign_in(&mut tx, account.id, now).await?;
            tx.commit().await?;
            return Err(DomainError::new(
                ErrorCode::WrongCredentials,
                "当前密码错误",
                "The current password is wrong",
            )
            .with_details(serde_json::json!({ "field": "current_password" })));
        }
        let hash = hash_password_checked(new_password).await?;
        let mut tx = self.store.begin().await?;
        // Conditional on the hash just verified: a concurrent change wins, this one is refused.
        let done = sqlx::query("UPDATE accounts SET password_hash = $1, failed_attempts = 0, locked_until = 0 WHERE id = $2 AND password_hash = $3")
            .bind(&hash)
            .bind(account.id)
            .bind(&old_hash)
            .execute(tx.conn())
            .await?;
        if done.rows_affected() != 1 {
            return Err(DomainError::new(
                ErrorCode::WrongCredentials,
                "当前密码已被更改，请重新登录",
                "The password was changed meanwhile; sign in again",
            )
            .with_details(serde_json::json!({ "field": "current_password" })));
        }
        sqlx::query("DELETE FROM sessions WHERE account_id = $1")
            .bind(account.id)
            .execute(tx.conn())
            .await?;
        record(
            &mut tx,
            Entry {
                subject: format!("account:{}", account.id),
                item_id: None,
                actor,
                at: now,
                action: "change_password",
                level: "",
                from_state: "active",
                to_state: "active",
                reason: "",
                changes: serde_json::Value::Null,
            },
        )
        .await?;
        let session = self.open_session(&mut tx, account, now).await?;
        tx.commit().await?;
        Ok(session)
    }

    /// The admin sets a new password for an account (and its sessions end).
    pub async fn reset_password(
        &self,
        actor: &Actor,
        account_id: i64,
        new_password: &str,
        now: Timestamp,
    ) -> Result<()> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        let hash = hash_password_checked(new_password).await?;
        let mut tx = self.store.begin().await?;
        let done = sqlx::query("UPDATE accounts SET password_hash = $1, failed_attempts = 0, locked_until = 0 WHERE id = $2").bind(&hash).bind(account_id).execute(tx.conn()).await?;
        if done.rows_affected() != 1 {
            return Err(DomainError::not_found("账号", "Account"));
        }
        sqlx::query("DELETE FROM sessions WHERE account_id = $1")
            .bind(account_id)
            .execute(tx.conn())
            .await?;
        record(
            &mut tx,
            Entry {
                subject: format!("account:{account_id}"),
                item_id: None,
                actor,
                at: now,
                action: "reset_password",
                level: "",
                from_state: "active",
                to_state: "active",
                reason: "",
                changes: serde_json::Value::Null,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every account (admin), without secrets.
    pub async fn accounts(&self, actor: &Actor) -> Result<Vec<AccountView>> {
        actor.require(actor.role == Role::SchoolAdmin)?;
        self.all_accounts().await
    }

    /// R-AUTH-08: the command line (school IT holding the database's credentials, acting as the
    /// system) does an admin's work as one of the school's enabled admin accounts: the one named,
    /// or the first. The history names that account, never a made-up one; any other actor is
    /// refused.
    pub async fn school_admin(&self, actor: &Actor, login: Option<&str>) -> Result<Actor> {
        actor.require(actor.role == Role::System)?;
        self.all_accounts()
            .await?
            .into_iter()
            .filter(|a| a.role == Role::SchoolAdmin && !a.disabled)
            .find(|a| login.is_none_or(|l| a.login == l))
            .map(|a| a.actor())
            .ok_or_else(|| DomainError::not_found("学校管理员账号", "School admin account"))
    }

    async fn all_accounts(&self) -> Result<Vec<AccountView>> {
        let mut c = self.store.read().await?;
        let rows = sqlx::query(&format!("{ACCOUNT_SELECT} ORDER BY id"))
            .fetch_all(&mut *c)
            .await?;
        rows.iter().map(account_from_row).collect()
    }
}
