//! In-app messages (R-NOTE-01) of whoever is signed in.

use gradsign_engine::{Actor, Message};

use crate::catalog::Cx;
use crate::error::CommandResult;
use crate::graduate::ItemRef;

/// The signed-in account's messages, newest first.
pub async fn list(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<Vec<Message>> {
    Ok(cx.engine.messages(actor).await?)
}

/// Marks one of the signed-in account's messages read.
pub async fn mark_read(cx: &Cx<'_>, actor: &Actor, req: ItemRef) -> CommandResult<()> {
    Ok(cx.engine.mark_message_read(actor, req.id, cx.now).await?)
}
