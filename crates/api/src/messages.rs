//! In-app messages (R-NOTE-01) of whoever is signed in.

use std::time::Duration;

use gradsign_engine::{Actor, Message, MessageState};

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

/// Where the signed-in account's messages stand: the newest id and the unread count (the badge).
pub async fn state(cx: &Cx<'_>, actor: &Actor, _: ()) -> CommandResult<MessageState> {
    Ok(cx.engine.message_state(actor).await?)
}

/// Waits until the signed-in account's messages stand otherwise than `seen` (at once when `seen`
/// is none), or until `longest` has passed, and answers where they stand. The session is checked
/// first, at `cx.now`: an ended session is refused (`unauthenticated`) before any wait. This is
/// what the server's event stream and the desktop's own watch run; it is no catalog operation, as
/// a wait must not hold one of the server's request slots.
pub async fn wait_for_change(
    cx: &Cx<'_>,
    seen: Option<MessageState>,
    longest: Duration,
) -> CommandResult<MessageState> {
    let actor = cx.actor().await?;
    // Subscribed before the first look, so a commit between the look and the wait still wakes it.
    let mut changes = cx.engine.message_changes();
    let deadline = tokio::time::Instant::now() + longest;
    loop {
        changes.borrow_and_update();
        let now = cx.engine.message_state(&actor).await?;
        if Some(now) != seen {
            return Ok(now);
        }
        match tokio::time::timeout_at(deadline, changes.changed()).await {
            Ok(Ok(())) => continue,
            Ok(Err(_)) | Err(_) => return Ok(now),
        }
    }
}
