//! Online termination of a signed agreement (R-TERM), for both parties: the graduate and the
//! employer call the same operations, and the engine decides from the signed-in actor who may
//! ask, answer or cancel.

use gradsign_engine::Actor;
use schemars::JsonSchema;
use serde::Deserialize;
use ts_rs::TS;

use crate::catalog::Cx;
use crate::error::CommandResult;
use crate::graduate::ItemRef;

/// R-TERM-01: terminate a signed agreement, with the reason and an explanation.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TerminationRequest {
    pub agreement_id: i64,
    pub reason: String,
    pub explanation: String,
}

/// R-TERM-02: the other party's answer to a termination request.
#[derive(Debug, Clone, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TerminationAnswer {
    pub id: i64,
    pub accept: bool,
}

/// R-TERM-01: asks to terminate a signed agreement; returns the request's id.
pub async fn request(cx: &Cx<'_>, actor: &Actor, req: TerminationRequest) -> CommandResult<i64> {
    Ok(cx
        .engine
        .request_termination(
            actor,
            req.agreement_id,
            &req.reason,
            &req.explanation,
            cx.now,
        )
        .await?)
}

/// R-TERM-02: the other party answers the request.
pub async fn answer(cx: &Cx<'_>, actor: &Actor, req: TerminationAnswer) -> CommandResult<()> {
    Ok(cx
        .engine
        .answer_termination(actor, req.id, req.accept, cx.now)
        .await?)
}

/// Cancels one's own request before the other party answers.
pub async fn cancel(cx: &Cx<'_>, actor: &Actor, req: ItemRef) -> CommandResult<()> {
    Ok(cx.engine.cancel_termination(actor, req.id, cx.now).await?)
}
