//! In-app messages (R-NOTE-01) of whoever is signed in.

use gradsign_engine::Actor;
use serde::Serialize;
use ts_rs::TS;

use crate::catalog::Cx;
use crate::error::CommandResult;
use crate::graduate::ItemRef;

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
pub async fn list(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<Vec<MessageView>> {
    let messages = cx.engine.messages(actor).await?;
    Ok(messages.into_iter().map(MessageView::from).collect())
}

/// Marks one of the signed-in account's messages read.
pub async fn mark_read(cx: &Cx<'_>, actor: &Actor, req: ItemRef) -> CommandResult<()> {
    Ok(cx.engine.mark_message_read(actor, req.id, cx.now).await?)
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
