//! The machinery of the catalog: who may call an operation, what a call carries, how its request
//! is read and its answer written. The list of operations itself is in `lib.rs`.

use gradsign_engine::{Actor, Engine, SessionToken, Timestamp};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{CommandError, CommandResult, ErrorCode};

/// Who may call an operation. Every operation that reads or changes school data needs a
/// signed-in actor, and the engine then decides by role and scope; the few that need none say so
/// by name here (verify, employer sign-up, activation, app status, sign-in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Anyone, signed in or not.
    Anonymous,
    /// A valid session; the engine decides by role and scope.
    SignedIn,
}

/// How an operation's answer travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// JSON (camelCase fields).
    Json,
    /// Raw bytes (a PDF, a JPEG): never base64 inside JSON.
    Bytes,
}

/// One catalog entry as data: what the HTTP server routes and the permission table iterates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OperationInfo {
    pub name: &'static str,
    pub access: Access,
    pub encoding: Encoding,
    /// The function over the engine, as written in the catalog (`graduate::portal`).
    pub handler: &'static str,
}

impl OperationInfo {
    /// The part of the product the operation belongs to: its handler's module (`graduate`).
    pub fn area(&self) -> &'static str {
        self.handler
            .split("::")
            .next()
            .unwrap_or(self.handler)
            .trim()
    }
}

/// The caller of one operation, as the transport knows it.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The session token sent with the call, if any.
    pub token: Option<SessionToken>,
    /// What anonymous look-ups are throttled by (R-VERIFY-01, R-AUTH-01): the desktop is one
    /// client; a server passes the client's address.
    pub client: String,
}

impl Caller {
    /// A caller without a session.
    pub fn anonymous(client: impl Into<String>) -> Self {
        Self {
            token: None,
            client: client.into(),
        }
    }

    /// A caller with a session token.
    pub fn with_token(token: SessionToken, client: impl Into<String>) -> Self {
        Self {
            token: Some(token),
            client: client.into(),
        }
    }
}

/// What every operation runs with: the engine, the time of the call (read once by the transport,
/// never inside an operation) and the caller.
#[derive(Debug, Clone, Copy)]
pub struct Cx<'a> {
    pub engine: &'a Engine,
    pub now: Timestamp,
    pub caller: &'a Caller,
}

impl Cx<'_> {
    /// The signed-in actor of this call (role, scope), from the session token.
    pub async fn actor(&self) -> CommandResult<Actor> {
        let token = self.caller.token.as_ref().ok_or_else(|| {
            CommandError::new(
                ErrorCode::Unauthenticated,
                "请先登录",
                "Please sign in first",
            )
        })?;
        Ok(self.engine.authenticate(token, self.now).await?)
    }
}

/// An operation's answer, ready for the transport.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Json(serde_json::Value),
    Bytes(Vec<u8>),
}

impl Reply {
    /// The JSON answer (a `Bytes` answer is an internal error here: the catalog says which).
    pub fn into_json(self) -> CommandResult<serde_json::Value> {
        match self {
            Reply::Json(v) => Ok(v),
            Reply::Bytes(_) => Err(CommandError::internal(
                "binary answer where JSON was expected",
            )),
        }
    }

    /// The bytes of a binary answer.
    pub fn into_bytes(self) -> CommandResult<Vec<u8>> {
        match self {
            Reply::Bytes(b) => Ok(b),
            Reply::Json(_) => Err(CommandError::internal(
                "JSON answer where bytes were expected",
            )),
        }
    }
}

/// Raw bytes as an operation's answer (a PDF, a scan): `ArrayBuffer` on the UI side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl ts_rs::TS for Bytes {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;
    fn name(_: &ts_rs::Config) -> String {
        "ArrayBuffer".into()
    }
    fn inline(cfg: &ts_rs::Config) -> String {
        Self::name(cfg)
    }
}

/// On HTTP the bytes are the whole body (`application/octet-stream`), never a JSON string.
impl schemars::JsonSchema for Bytes {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Bytes".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "binary" })
    }
}

/// Reads an operation's request; a malformed one is a validation error naming the field
/// (`details.field`, the path into the request) and why, changing nothing.
pub fn parse_request<T: DeserializeOwned>(request: serde_json::Value) -> CommandResult<T> {
    if let Some(field) = field_with_nul(&request, String::new()) {
        // PostgreSQL's text cannot hold U+0000 and no field of GradSign means one: refused here,
        // for every operation and both backends alike, instead of failing in the database.
        let mut err = CommandError::new(
            ErrorCode::Validation,
            format!("请求字段“{field}”含有空字符（U+0000）"),
            format!("Request field “{field}” contains a NUL character (U+0000)"),
        );
        err.details = serde_json::json!({ "field": field });
        return Err(err);
    }
    serde_path_to_error::deserialize(request).map_err(|e| {
        let field = e.path().to_string();
        let why = e.inner().to_string();
        let mut err = CommandError::new(
            ErrorCode::Validation,
            format!("请求字段“{field}”不正确：{why}"),
            format!("Request field “{field}” is not valid: {why}"),
        );
        err.details = serde_json::json!({ "field": field });
        err
    })
}

/// The path (as `serde_path_to_error` writes it: `scans[1].name`) of the first string or key in
/// `v` that holds U+0000.
fn field_with_nul(v: &serde_json::Value, path: String) -> Option<String> {
    match v {
        serde_json::Value::String(s) if s.contains('\0') => Some(path),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| field_with_nul(item, format!("{path}[{i}]"))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(k, item)| {
            let here = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            if k.contains('\0') {
                Some(here)
            } else {
                field_with_nul(item, here)
            }
        }),
        _ => None,
    }
}

/// Writes a JSON answer.
pub fn json_reply<T: Serialize>(value: T) -> CommandResult<Reply> {
    serde_json::to_value(value)
        .map(Reply::Json)
        .map_err(CommandError::internal)
}

/// Writes a binary answer.
pub fn bytes_reply(value: Bytes) -> CommandResult<Reply> {
    Ok(Reply::Bytes(value.0))
}

/// Declares the catalog: for each operation its access, encoding, name, request and response
/// types, and the function over the engine. It generates `OPERATIONS`, `dispatch` and the
/// TypeScript operation map, so an operation exists in all three or in none.
macro_rules! catalog {
    ($( $access:ident $encoding:ident $name:ident ( $req:ty ) -> $resp:ty = $func:path ; )*) => {
        /// Every operation of the catalog, in declaration order.
        pub const OPERATIONS: &[$crate::catalog::OperationInfo] = &[
            $($crate::catalog::OperationInfo {
                name: stringify!($name),
                access: catalog!(@access $access),
                encoding: catalog!(@encoding $encoding),
                handler: stringify!($func),
            },)*
        ];

        /// Runs the operation `name` with its JSON `request` for `cx.caller`.
        pub async fn dispatch(
            cx: &$crate::catalog::Cx<'_>,
            name: &str,
            request: serde_json::Value,
        ) -> $crate::error::CommandResult<$crate::catalog::Reply> {
            match name {
                $(stringify!($name) => {
                    let request: $req = $crate::catalog::parse_request(request)?;
                    let response: $resp = catalog!(@call $access cx $func, request);
                    catalog!(@reply $encoding response)
                })*
                _ => Err($crate::error::CommandError::unknown_operation(name)),
            }
        }

        /// Visits every operation's request and response type (bindings, OpenAPI).
        pub fn visit_types(visitor: &mut impl $crate::catalog::OperationVisitor) {
            $(visitor.visit::<$req, $resp>(stringify!($name), catalog!(@access $access));)*
        }
    };
    (@access anonymous) => { $crate::catalog::Access::Anonymous };
    (@access signed_in) => { $crate::catalog::Access::SignedIn };
    (@encoding json) => { $crate::catalog::Encoding::Json };
    (@encoding bytes) => { $crate::catalog::Encoding::Bytes };
    (@call anonymous $cx:ident $func:path, $request:ident) => { $func($cx, $request).await? };
    (@call signed_in $cx:ident $func:path, $request:ident) => {{
        let actor = $cx.actor().await?;
        $func($cx, &actor, $request).await?
    }};
    (@reply json $response:ident) => { $crate::catalog::json_reply($response) };
    (@reply bytes $response:ident) => { $crate::catalog::bytes_reply($response) };
}
pub(crate) use catalog;

/// Receives each operation's types, for generated bindings and documents.
pub trait OperationVisitor {
    fn visit<
        Req: ts_rs::TS + schemars::JsonSchema + 'static,
        Resp: ts_rs::TS + schemars::JsonSchema + 'static,
    >(
        &mut self,
        name: &'static str,
        access: Access,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Probe {
        name: String,
        scans: Vec<String>,
    }

    #[test]
    fn a_nul_character_is_refused_naming_its_field() {
        let e =
            parse_request::<Probe>(serde_json::json!({ "name": "ok", "scans": ["a", "b\u{0}"] }))
                .unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation);
        assert_eq!(e.details["field"], "scans[1]");
        let e = parse_request::<Probe>(serde_json::json!({ "name": "\u{0}x", "scans": [] }))
            .unwrap_err();
        assert_eq!(e.details["field"], "name");
        assert!(parse_request::<Probe>(serde_json::json!({ "name": "学院", "scans": [] })).is_ok());
    }
}
