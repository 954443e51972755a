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
}

/// Whether the database is empty (first start). Anonymous: the first screen comes before any
/// sign-in, and it tells nothing but that.
pub async fn status(cx: &Cx<'_>, _: ()) -> CommandResult<AppStatus> {
    let first_start = cx.engine.is_empty().await?;
    Ok(AppStatus { first_start })
}
