//! In-app messages (R-NOTE-01) of whoever is signed in.

use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::commands::actor;
use crate::error::CommandResult;
use crate::state::{now, AppState};

/// One in-app message.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    #[ts(type = "number | null")]
    pub item_id: Option<i64>,
    #[ts(type = "number")]
    pub created_at: i64,
    pub read: bool,
}

/// The signed-in account's messages, newest first.
#[tauri::command]
pub async fn messages_list(state: State<'_, AppState>) -> CommandResult<Vec<MessageView>> {
    let actor = actor(&state).await?;
    let messages = state.engine()?.messages(&actor).await?;
    Ok(messages.into_iter().map(MessageView::from).collect())
}

/// Marks one of the signed-in account's messages read.
#[tauri::command]
pub async fn messages_mark_read(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    let actor = actor(&state).await?;
    Ok(state.engine()?.mark_message_read(&actor, id, now()).await?)
}

impl From<gradsign_engine::Message> for MessageView {
    fn from(m: gradsign_engine::Message) -> Self {
        MessageView {
            id: m.id,
            kind: m.kind,
            title: m.title,
            body: m.body,
            item_id: m.item_id,
            created_at: m.created_at,
            read: m.read,
        }
    }
}
