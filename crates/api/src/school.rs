//! Creating the school on first start: the engine's demo school, or a real one. Both operations
//! are anonymous (there is no account yet to sign in with); the engine refuses both unless the
//! database is empty: `init_school` counts the schools inside its own transaction and answers
//! `duplicate` ("This database already holds a school"), and `create_demo` checks `is_empty` first
//! and then goes through `init_school`. So on a set-up database they change nothing.

use gradsign_engine::demo::DemoAccount;
use gradsign_engine::SchoolSetup;
use schemars::JsonSchema;
use serde::Deserialize;
use ts_rs::TS;

use crate::catalog::Cx;
use crate::error::CommandResult;

/// A new school with its first admin account (the engine's `SchoolSetup`).
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SchoolSetupInput {
    pub name: String,
    /// The 5-digit school code (学校代码) used in agreement numbers.
    pub code: String,
    /// The employment office's contact, shown to graduates whose info is wrong.
    pub contact: String,
    pub departments: Vec<String>,
    pub admin_login: String,
    pub admin_password: String,
    pub admin_name: String,
}

/// Fills the empty database with the engine's demo school; returns its accounts. Anonymous; the
/// engine refuses (`duplicate`) unless the database is empty.
pub async fn demo_create(cx: &Cx<'_>, _: ()) -> CommandResult<Vec<DemoAccount>> {
    Ok(cx.engine.create_demo(cx.now).await?)
}

/// Creates a school and its admin account in the empty database. Anonymous; the engine refuses
/// (`duplicate`, in the same transaction as the insert) unless the database holds no school.
pub async fn setup(cx: &Cx<'_>, req: SchoolSetupInput) -> CommandResult<()> {
    cx.engine.init_school(&req.into(), cx.now).await?;
    Ok(())
}

impl From<SchoolSetupInput> for SchoolSetup {
    fn from(i: SchoolSetupInput) -> Self {
        SchoolSetup {
            name: i.name,
            code: i.code,
            contact: i.contact,
            departments: i.departments,
            admin_login: i.admin_login,
            admin_password: i.admin_password,
            admin_name: i.admin_name,
        }
    }
}
