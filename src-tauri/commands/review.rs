//! The reviewers' printout of a filtered list of signed agreements as one PDF, saved through the
//! native dialog (a desktop thing). The PDF itself is the catalog's `review_agreements_pdf`; the
//! rest of the reviewers' workspace is in crates/api (review.rs).

use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::CommandResult;
use crate::saved_file::{choose_save_path, write_atomically, SavedKind};
use crate::state::AppState;

/// A printout written to the chosen file.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrintOutcome {
    pub path: String,
    pub agreements: u32,
}

/// Prints the filtered list of signed (or terminated) agreements as one PDF, saved where the
/// reviewer chooses; none when the dialog was cancelled. `filter` is the catalog's `QueueFilter`.
#[tauri::command]
pub async fn review_print_agreements(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    filter: serde_json::Value,
    file_name: String,
) -> CommandResult<Option<PrintOutcome>> {
    let pdf = state
        .call("review_agreements_pdf", filter.clone())
        .await?
        .into_bytes()?;
    let counted = state
        .call("review_agreements_count", filter)
        .await?
        .into_json()?;
    let agreements = counted
        .as_u64()
        .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX));
    let title = "保存协议打印件 / Save the agreements for printing";
    let Some(path) = choose_save_path(&app, &file_name, title, SavedKind::Pdf).await else {
        return Ok(None);
    };
    write_atomically(&path, &pdf)?;
    Ok(Some(PrintOutcome {
        path: path.display().to_string(),
        agreements,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::now;
    use serde_json::json;

    /// The printout's count (the catalog's `review_agreements_count`, through the desktop's
    /// dispatch) is the number of agreements the engine put in the PDF, for the filter as the UI
    /// sends it and for one that leaves kind and state to the engine.
    #[test]
    fn the_count_is_what_the_engine_printed() {
        let dir = tempfile::tempdir().unwrap();
        tauri::async_runtime::block_on(async {
            let state = AppState::open(dir.path()).await.unwrap();
            let school = state.school();
            let engine = school.as_ref().as_ref().unwrap().engine().unwrap();
            engine.create_demo(now() - 3600).await.unwrap();
            let session = engine
                .sign_in(
                    "school-reviewer",
                    gradsign_engine::demo::DEMO_PASSWORD,
                    now(),
                )
                .await
                .unwrap();
            state.keep_session(session.token.clone());
            let actor = engine.authenticate(&session.token, now()).await.unwrap();
            let fonts = gradsign_documents::Fonts::system_shared().unwrap();
            for (kind, state_filter, awaiting_me) in [
                (json!("signing"), json!("signed"), false),
                (json!(null), json!(" "), true),
            ] {
                let filter = json!({
                    "kind": kind, "awaitingMe": awaiting_me, "state": state_filter,
                    "departmentId": null, "major": null, "educationLevel": null, "destCode": null,
                    "submittedFrom": null, "submittedTo": null, "newestFirst": false,
                    "after": null, "limit": 1
                });
                let query =
                    gradsign_api::catalog::parse_request::<gradsign_api::review::QueueFilter>(
                        filter.clone(),
                    )
                    .unwrap()
                    .try_into()
                    .unwrap();
                let (_, printed) = engine
                    .agreements_pdf(&actor, &query, fonts, now())
                    .await
                    .unwrap();
                assert!(printed > 1, "the demo school has several signed agreements");
                let counted = state
                    .call("review_agreements_count", filter)
                    .await
                    .unwrap()
                    .into_json()
                    .unwrap();
                assert_eq!(counted.as_u64(), Some(printed as u64));
            }
        });
    }
}
