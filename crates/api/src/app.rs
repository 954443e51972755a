//! The app as a whole: what the first screen needs to know.

use schemars::JsonSchema;
use serde::Serialize;
use ts_rs::TS;

use crate::catalog::Cx;
use crate::error::CommandResult;

/// What the app shows first.
#[derive(Debug, Clone, Serialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    /// No school in the database yet: offer the demo school or the school set-up.
    pub first_start: bool,
    /// The school's name (none before the set-up), shown before anyone signs in: a desktop
    /// connecting to the school's server shows whose server it reached.
    pub school_name: Option<String>,
}

/// Whether the database is empty (first start) and the school's name. Anonymous: the first
/// screen comes before any sign-in, and it tells nothing else.
pub async fn status(cx: &Cx<'_>, _: ()) -> CommandResult<AppStatus> {
    let school_name = cx.engine.school_name().await?;
    Ok(AppStatus {
        first_start: school_name.is_none(),
        school_name,
    })
}
