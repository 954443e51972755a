//! What the catalog's integration tests share: the demo school on a real SQLite file, and calls
//! through the catalog's dispatch as a transport makes them.
#![allow(dead_code)]

pub mod wire;

use gradsign_api::{dispatch, Caller, CommandResult, Cx, Reply};
use gradsign_engine::{Engine, Timestamp};
use serde_json::Value;

/// The clock of every call (the demo school is made at this time).
pub const NOW: Timestamp = 1_780_000_000;

/// A fresh demo school; the folder lives as long as the returned guard.
pub async fn demo() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.sqlite3");
    let engine = Engine::open(db.to_str().unwrap(), dir.path().join("files"))
        .await
        .unwrap();
    engine.create_demo(NOW).await.unwrap();
    (dir, engine)
}

/// One call through `dispatch` at `NOW`.
pub async fn run(
    engine: &Engine,
    caller: &Caller,
    name: &str,
    request: Value,
) -> CommandResult<Reply> {
    let cx = Cx {
        engine,
        now: NOW,
        caller,
    };
    dispatch(&cx, name, request).await
}

/// A caller signed in as a demo account.
pub async fn signed_in(engine: &Engine, login: &str) -> Caller {
    let session = engine
        .sign_in(login, gradsign_engine::demo::DEMO_PASSWORD, NOW)
        .await
        .unwrap();
    Caller::with_token(session.token, "test")
}
