//! The OpenAPI 3.1 document of the school server's HTTP API, generated from the catalog's Rust
//! types, so it cannot drift from what the server reads and writes. The server publishes it at
//! `/api/v1/openapi.json`; it is committed as `docs/openapi.json` (the test `openapi_is_fresh`
//! fails when that copy is stale; `UPDATE_OPENAPI=1 cargo test -p gradsign-api openapi`
//! rewrites it).
//!
//! The wire, as the server speaks it:
//! - `POST /api/v1/{name}` for every operation; the body is the request type's JSON (an empty
//!   body is `null`, which is all a `()` request takes); `Authorization: Bearer <session token>`
//!   for the signed-in ones; an optional `Idempotency-Key`.
//! - 200 with the response type's JSON, or the raw bytes of a binary answer.
//! - Every error is `CommandError` with the status `ErrorCode::http_status` chooses; each status
//!   lists exactly the codes that map to it.
//!
//! Schemas are JSON Schema 2020-12 (the dialect of OpenAPI 3.1) from `schemars`, which reads the
//! same serde attributes serde does. Requests are described as serde reads them (an `Option`
//! field may be left out, unknown fields are refused only where serde refuses them); answers as
//! serde writes them: every field present, and no field that is not declared.

use std::collections::{BTreeMap, BTreeSet};

use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Map, Value};

use crate::catalog::{Access, Encoding, OperationVisitor};
use crate::error::{CommandError, ErrorCode};

/// Where the document keeps its named schemas; every `$ref` points here.
const SCHEMAS: &str = "#/components/schemas/";

/// The largest upload the uploads route takes (R-UPLOAD-01), in MiB as its description says.
const UPLOAD_LIMIT_MIB: usize = gradsign_engine::files::MAX_UPLOAD_BYTES / (1024 * 1024);

/// The whole document.
pub fn document() -> Value {
    let mut requests = generator(Contract::Deserialize);
    let mut responses = generator(Contract::Serialize);
    let mut operations = Operations {
        requests: &mut requests,
        responses: &mut responses,
        found: Vec::new(),
    };
    crate::visit_types(&mut operations);
    let found = std::mem::take(&mut operations.found);
    let error = responses.subschema_for::<CommandError>().to_value();
    let staged = responses
        .subschema_for::<gradsign_engine::StagedUpload>()
        .to_value();

    let (mut schemas, renamed) = merge(
        responses.take_definitions(true),
        requests.take_definitions(true),
    );
    for schema in schemas.values_mut() {
        bound_integers(schema);
    }

    let statuses = error_statuses();
    let mut paths = Map::new();
    for mut op in found {
        let mut request = std::mem::take(&mut op.request);
        rename_refs(&mut request, &renamed);
        bound_integers(&mut request);
        let mut response = std::mem::take(&mut op.response);
        bound_integers(&mut response);
        paths.insert(
            format!("/api/v1/{}", op.name),
            json!({ "post": operation(&op, request, response, &statuses) }),
        );
    }
    paths.insert("/healthz".into(), healthz());
    paths.insert("/readyz".into(), readyz());
    paths.insert("/api/v1/openapi.json".into(), openapi_route());
    paths.insert("/api/v1/uploads".into(), uploads(staged));

    let mut responses_section = Map::new();
    for (status, codes) in &statuses {
        responses_section.insert(error_response_name(*status), error_response(&error, codes));
    }
    // The server's own routes answer 503 when not ready or overloaded, as every route may.
    if !statuses.contains_key(&503) {
        responses_section.insert(
            error_response_name(503),
            json!({
                "description": "Not ready or overloaded.",
                "content": { "application/json": { "schema": error } },
            }),
        );
    }

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "GradSign",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The school server's HTTP API: every operation of GradSign's catalog \
                at `POST /api/v1/{name}`, JSON in and out (binary answers as raw bytes), one \
                error shape `{code, message: {zh, en}, details}` whose HTTP status the code \
                decides. Generated from the Rust types (crates/api, gradsign_api::openapi).",
        },
        "tags": tags(),
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": responses_section,
            "parameters": { "IdempotencyKey": idempotency_key() },
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The session token `session_open` or `account_activate` answered.",
                },
            },
        },
    })
}

/// A generator writing named schemas under `components.schemas`, for one direction of the wire.
fn generator(contract: Contract) -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
            s.contract = contract;
        })
        .into_generator()
}

/// One operation's types as the catalog declares them.
struct Found {
    name: &'static str,
    access: Access,
    request: Value,
    response: Value,
    /// `()`: the body may be empty.
    unit_request: bool,
}

struct Operations<'a> {
    requests: &'a mut SchemaGenerator,
    responses: &'a mut SchemaGenerator,
    found: Vec<Found>,
}

impl OperationVisitor for Operations<'_> {
    fn visit<Req: ts_rs::TS + JsonSchema + 'static, Resp: ts_rs::TS + JsonSchema + 'static>(
        &mut self,
        name: &'static str,
        access: Access,
    ) {
        let request = self.requests.subschema_for::<Req>().to_value();
        let mut response = self.responses.subschema_for::<Resp>().to_value();
        close_objects(&mut response);
        self.found.push(Found {
            name,
            access,
            unit_request: std::any::TypeId::of::<Req>() == std::any::TypeId::of::<()>(),
            request,
            response,
        });
    }
}

/// The named schemas of both directions in one map. A type both read and written whose two
/// schemas differ (an `Option` field a request may leave out, an answer always writes) keeps its
/// name for the answer and is named `…Input` for the request; the renames are returned.
fn merge(
    mut written: Map<String, Value>,
    read: Map<String, Value>,
) -> (Map<String, Value>, BTreeMap<String, String>) {
    for schema in written.values_mut() {
        close_objects(schema);
    }
    let mut renamed = BTreeMap::new();
    for name in read.keys() {
        if written.get(name).is_some_and(|w| w != &read[name]) {
            renamed.insert(name.clone(), format!("{name}Input"));
        }
    }
    for (name, mut schema) in read {
        rename_refs(&mut schema, &renamed);
        let name = renamed.get(&name).cloned().unwrap_or(name);
        written.entry(name).or_insert(schema);
    }
    (written, renamed)
}

/// Points every `$ref` to a renamed schema at its new name.
fn rename_refs(schema: &mut Value, renamed: &BTreeMap<String, String>) {
    match schema {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref") {
                if let Some(new) = r.strip_prefix(SCHEMAS).and_then(|n| renamed.get(n)) {
                    *r = format!("{SCHEMAS}{new}");
                }
            }
            m.values_mut().for_each(|v| rename_refs(v, renamed));
        }
        Value::Array(a) => a.iter_mut().for_each(|v| rename_refs(v, renamed)),
        _ => {}
    }
}

/// The subschemas of a schema (by keyword), for the walks below; property names are never
/// mistaken for keywords.
fn subschemas(schema: &mut Map<String, Value>, mut f: impl FnMut(&mut Value)) {
    for (keyword, value) in schema.iter_mut() {
        match keyword.as_str() {
            "properties" | "$defs" | "patternProperties" => {
                if let Value::Object(m) = value {
                    m.values_mut().for_each(&mut f);
                }
            }
            "items" | "additionalProperties" | "not" | "if" | "then" | "else" | "contains" => {
                f(value)
            }
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                if let Value::Array(a) = value {
                    a.iter_mut().for_each(&mut f);
                }
            }
            _ => {}
        }
    }
}

/// An answer's object has exactly its declared fields: serde writes every field of a struct
/// and nothing else (no wire type flattens another), so an undeclared field is a wrong schema.
fn close_objects(schema: &mut Value) {
    let Value::Object(m) = schema else { return };
    if m.contains_key("properties") && !m.contains_key("additionalProperties") {
        m.insert("additionalProperties".into(), Value::Bool(false));
    }
    subschemas(m, close_objects);
}

/// Integers carry the range of their Rust type: serde refuses a number outside it (a field
/// error), so a number outside it is not a valid request.
fn bound_integers(schema: &mut Value) {
    let Value::Object(m) = schema else { return };
    let range: Option<(Value, Value)> = match m.get("format").and_then(Value::as_str) {
        Some("int64") => Some((i64::MIN.into(), i64::MAX.into())),
        Some("int32") => Some((i32::MIN.into(), i32::MAX.into())),
        Some("uint32") => Some((0.into(), u32::MAX.into())),
        Some("uint64" | "uint") => Some((0.into(), u64::MAX.into())),
        _ => None,
    };
    if let Some((min, max)) = range {
        m.entry("minimum").or_insert(min);
        m.entry("maximum").or_insert(max);
    }
    subschemas(m, bound_integers);
}

/// Every HTTP status an error can have, with the codes that map to it, from the Rust enum: a
/// code added to `ErrorCode` appears here with the status it is given.
pub fn error_statuses() -> BTreeMap<u16, Vec<String>> {
    let mut statuses: BTreeMap<u16, Vec<String>> = BTreeMap::new();
    for code in error_codes() {
        let status = serde_json::from_value::<ErrorCode>(Value::String(code.clone()))
            .map(ErrorCode::http_status)
            .unwrap_or(500);
        statuses.entry(status).or_default().push(code);
    }
    statuses
}

/// Every `ErrorCode` as the wire writes it, read from its own schema (its variants, in order).
fn error_codes() -> Vec<String> {
    let schema = generator(Contract::Serialize)
        .into_root_schema_for::<ErrorCode>()
        .to_value();
    let mut codes = Vec::new();
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        codes.extend(values.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    for variant in schema
        .get("oneOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(c) = variant.get("const").and_then(Value::as_str) {
            codes.push(c.to_owned());
        }
        let values = variant.get("enum").and_then(Value::as_array);
        codes.extend(
            values
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned),
        );
    }
    codes
}

fn error_response_name(status: u16) -> String {
    format!("Error{status}")
}

/// An error answer of one status: the one error shape, its code one of those of the status.
fn error_response(error: &Value, codes: &[String]) -> Value {
    json!({
        "description": format!("Refused: {}.", codes.join(", ")),
        "content": {
            "application/json": {
                "schema": {
                    "allOf": [
                        error,
                        { "properties": { "code": { "enum": codes } } },
                    ],
                },
            },
        },
    })
}

/// One catalog operation's path item.
fn operation(
    op: &Found,
    request: Value,
    response: Value,
    statuses: &BTreeMap<u16, Vec<String>>,
) -> Value {
    let info = crate::OPERATIONS.iter().find(|o| o.name == op.name);
    let encoding = info.map_or(Encoding::Json, |o| o.encoding);
    let area = info.map_or("other", |o| o.area());
    let security = match op.access {
        Access::Anonymous => json!([]),
        Access::SignedIn => json!([{ "bearer": [] }]),
    };
    let body = if op.unit_request {
        json!({
            "required": false,
            "description": "None: an empty body, or `null`.",
            "content": { "application/json": { "schema": request } },
        })
    } else {
        json!({
            "required": true,
            "content": { "application/json": { "schema": request } },
        })
    };
    let ok = match encoding {
        Encoding::Json => json!({
            "description": "The answer.",
            "content": { "application/json": { "schema": response } },
        }),
        Encoding::Bytes => json!({
            "description": "The file's bytes.",
            "content": {
                "application/octet-stream": { "schema": { "type": "string", "format": "binary" } },
            },
        }),
    };
    let mut responses = Map::new();
    responses.insert("200".into(), ok);
    for status in statuses.keys() {
        responses.insert(
            status.to_string(),
            json!({ "$ref": format!("#/components/responses/{}", error_response_name(*status)) }),
        );
    }
    let who = match op.access {
        Access::Anonymous => "Anyone, signed in or not.",
        Access::SignedIn => "A signed-in account; the engine decides by its role and scope.",
    };
    json!({
        "operationId": op.name,
        "tags": [area],
        "description": who,
        "security": security,
        "parameters": [{ "$ref": "#/components/parameters/IdempotencyKey" }],
        "requestBody": body,
        "responses": responses,
    })
}

/// R-IDEM-01: a key that makes a retry answer the first answer and apply nothing twice; taken by
/// every operation (those that answer a new session token ignore it, its form is still checked).
fn idempotency_key() -> Value {
    json!({
        "name": "Idempotency-Key",
        "in": "header",
        "required": false,
        "description": "A retry with the same key and request answers the first answer and \
            applies nothing twice (R-IDEM-01); the same key with another request is refused.",
        "schema": { "type": "string", "pattern": "^[!-~]{1,128}$" },
    })
}

/// The areas of the product, in the catalog's order, each a tag.
fn tags() -> Value {
    let mut seen = BTreeSet::new();
    let tags: Vec<Value> = crate::OPERATIONS
        .iter()
        .map(|o| o.area())
        .filter(|a| seen.insert(*a))
        .map(|a| json!({ "name": a }))
        .chain([json!({ "name": "server", "description": "The server's own routes." })])
        .collect();
    Value::Array(tags)
}

/// `{"status": "ok"}` and, for readiness, the schema version.
fn status_schema(with_version: bool) -> Value {
    let mut properties = Map::new();
    properties.insert("status".into(), json!({ "const": "ok" }));
    let mut required = vec![json!("status")];
    if with_version {
        properties.insert(
            "schemaVersion".into(),
            json!({ "type": "integer", "format": "int64", "minimum": 0, "maximum": i64::MAX }),
        );
        required.push(json!("schemaVersion"));
    }
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn healthz() -> Value {
    json!({ "get": {
        "operationId": "healthz",
        "tags": ["server"],
        "description": "The process answers.",
        "security": [],
        "responses": {
            "200": {
                "description": "Alive.",
                "content": { "application/json": { "schema": status_schema(false) } },
            },
            "503": { "$ref": "#/components/responses/Error503" },
        },
    }})
}

fn readyz() -> Value {
    json!({ "get": {
        "operationId": "readyz",
        "tags": ["server"],
        "description": "The database answers and holds the schema version this server migrates to.",
        "security": [],
        "responses": {
            "200": {
                "description": "Ready.",
                "content": { "application/json": { "schema": status_schema(true) } },
            },
            "503": { "$ref": "#/components/responses/Error503" },
        },
    }})
}

fn openapi_route() -> Value {
    json!({ "get": {
        "operationId": "openapi",
        "tags": ["server"],
        "description": "This document.",
        "security": [],
        "responses": {
            "200": {
                "description": "The OpenAPI 3.1 document.",
                "content": { "application/json": { "schema": { "type": "object" } } },
            },
            "503": { "$ref": "#/components/responses/Error503" },
        },
    }})
}

/// `POST /api/v1/uploads?name=…`: one scan or licence as the raw body, staged for a later
/// request (R-UPLOAD-01 limits, checked while the body streams in).
fn uploads(staged: Value) -> Value {
    let binary = json!({ "schema": { "type": "string", "format": "binary" } });
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json!({
            "description": "Staged.",
            "content": { "application/json": { "schema": staged } },
        }),
    );
    for status in error_statuses().keys() {
        responses.insert(
            status.to_string(),
            json!({ "$ref": format!("#/components/responses/{}", error_response_name(*status)) }),
        );
    }
    json!({ "post": {
        "operationId": "uploads",
        "tags": ["server"],
        "description": format!(
            "Stages one file (a JPEG, PNG or WebP image of at most {UPLOAD_LIMIT_MIB} MiB) for a \
            later request that names it by id."
        ),
        "security": [{ "bearer": [] }],
        "parameters": [{
            "name": "name",
            "in": "query",
            "required": true,
            "description": "The file's name as the user chose it (at most 200 characters).",
            "schema": { "type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S" },
        }],
        "requestBody": {
            "required": true,
            "content": {
                "image/jpeg": binary,
                "image/png": binary,
                "image/webp": binary,
            },
        },
        "responses": responses,
    }})
}
