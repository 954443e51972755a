//! Online termination of a signed agreement (R-TERM), for both parties: the graduate and the
//! employer call the same commands, and the engine decides from the signed-in actor who may ask,
//! answer or cancel.

use tauri::State;

use crate::commands::actor;
use crate::error::CommandResult;
use crate::state::{now, AppState};

/// R-TERM-01: asks to terminate a signed agreement; returns the request's id.
#[tauri::command]
pub async fn termination_request(
    state: State<'_, AppState>,
    agreement_id: i64,
    reason: String,
    explanation: String,
) -> CommandResult<i64> {
    let (actor, engine) = (actor(&state).await?, state.engine()?);
    let id = engine.request_termination(&actor, agreement_id, &reason, &explanation, now());
    Ok(id.await?)
}

/// R-TERM-02: the other party answers the request.
#[tauri::command]
pub async fn termination_answer(
    state: State<'_, AppState>,
    id: i64,
    accept: bool,
) -> CommandResult<()> {
    let (actor, engine) = (actor(&state).await?, state.engine()?);
    Ok(engine.answer_termination(&actor, id, accept, now()).await?)
}

/// Cancels one's own request before the other party answers.
#[tauri::command]
pub async fn termination_cancel(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    let (actor, engine) = (actor(&state).await?, state.engine()?);
    Ok(engine.cancel_termination(&actor, id, now()).await?)
}
