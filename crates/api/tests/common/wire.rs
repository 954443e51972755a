//! The OpenAPI document as the tests hold the catalog to it: every request a test sends and
//! every answer `dispatch` gives, checked against the document's schema for that operation and
//! status (JSON Schema 2020-12, the `jsonschema` crate), as a client reading the document would.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use gradsign_api::{CommandResult, Reply};
use jsonschema::Validator;
use serde_json::{json, Value};

/// A document and the validators made from it so far.
pub struct Wire {
    pub doc: Value,
    validators: Mutex<BTreeMap<String, Arc<Validator>>>,
}

impl Wire {
    pub fn new(doc: Value) -> Self {
        Self {
            doc,
            validators: Mutex::new(BTreeMap::new()),
        }
    }

    /// The catalog's own document, made once per test process.
    pub fn catalog() -> &'static Wire {
        static WIRE: OnceLock<Wire> = OnceLock::new();
        WIRE.get_or_init(|| Wire::new(gradsign_api::openapi::document()))
    }

    /// The path item of an operation.
    pub fn operation(&self, name: &str) -> &Value {
        &self.doc["paths"][format!("/api/v1/{name}")]["post"]
    }

    /// A response object, its `$ref` into `components.responses` followed.
    pub fn response(&self, name: &str, status: u16) -> Option<&Value> {
        let r = self.operation(name)["responses"].get(status.to_string())?;
        match r.get("$ref").and_then(Value::as_str) {
            Some(to) => self.pointer(to),
            None => Some(r),
        }
    }

    /// What a `#/…` reference points to.
    pub fn pointer(&self, reference: &str) -> Option<&Value> {
        self.doc.pointer(reference.strip_prefix('#')?)
    }

    /// A validator of `schema`, a schema of this document (its `$ref`s resolve against the
    /// document's components).
    fn validator(&self, key: &str, schema: &Value) -> Arc<Validator> {
        if let Some(v) = self.validators.lock().unwrap().get(key) {
            return v.clone();
        }
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.doc["components"],
            "allOf": [schema],
        });
        let v = Arc::new(
            jsonschema::draft202012::new(&root)
                .unwrap_or_else(|e| panic!("the schema of {key} does not compile: {e}")),
        );
        self.validators
            .lock()
            .unwrap()
            .insert(key.to_owned(), v.clone());
        v
    }

    /// Why `value` does not fit `schema` (none when it does).
    pub fn errors(&self, key: &str, schema: &Value, value: &Value) -> Vec<String> {
        self.validator(key, schema)
            .iter_errors(value)
            .map(|e| format!("at {}: {e}", e.instance_path()))
            .collect()
    }

    /// The request schema of an operation.
    pub fn request_schema(&self, name: &str) -> &Value {
        &self.operation(name)["requestBody"]["content"]["application/json"]["schema"]
    }

    /// Why a request does not fit its operation's request schema.
    pub fn request_errors(&self, name: &str, request: &Value) -> Vec<String> {
        let schema = self.request_schema(name);
        assert!(
            schema.is_object() || schema.is_boolean(),
            "{name}: no request schema in the document"
        );
        self.errors(&format!("{name} request"), schema, request)
    }

    /// Why an answer does not fit the document: the status its code is sent with, the content
    /// type, the schema of that status.
    pub fn answer_errors(&self, name: &str, answer: &CommandResult<Reply>) -> Vec<String> {
        let (status, value) = match answer {
            Ok(Reply::Json(v)) => (200, v.clone()),
            Ok(Reply::Bytes(_)) => {
                let ok = self.response(name, 200);
                return match ok.and_then(|r| r["content"].get("application/octet-stream")) {
                    Some(_) => vec![],
                    None => vec![format!("{name}: bytes answered, the document says JSON")],
                };
            }
            Err(e) => (e.code.http_status(), serde_json::to_value(e).unwrap()),
        };
        let Some(response) = self.response(name, status) else {
            return vec![format!("{name}: status {status} is not in the document")];
        };
        let Some(schema) = response["content"]["application/json"].get("schema") else {
            return vec![format!(
                "{name}: status {status} has no JSON answer in the document"
            )];
        };
        self.errors(&format!("{name} {status}"), schema, &value)
            .into_iter()
            .map(|e| format!("{name} {status} {e}\n    answer: {}", short(&value)))
            .collect()
    }

    /// One call held to the document: its answer fits; a request the document refuses was
    /// refused by the catalog as a bad request (400), and a request the document allows was
    /// read by the catalog (never a "request field is not valid" error). Panics with every
    /// mismatch. Returns whether the document allows the request.
    pub fn check(&self, name: &str, request: &Value, answer: &CommandResult<Reply>) -> bool {
        let problems = self.problems(name, request, answer);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        self.request_errors(name, request).is_empty()
    }

    /// What `check` finds wrong with one call (nothing when the call fits the document).
    pub fn problems(
        &self,
        name: &str,
        request: &Value,
        answer: &CommandResult<Reply>,
    ) -> Vec<String> {
        let mut problems = self.answer_errors(name, answer);
        let request_problems = self.request_errors(name, request);
        let valid = request_problems.is_empty();
        match answer {
            Err(e) if is_parse_error(e) && valid => problems.push(format!(
                "{name}: the document allows the request {} but the catalog could not read it: {}",
                short(request),
                e.message.en
            )),
            Err(e) if !valid && e.code.http_status() != 400 => problems.push(format!(
                "{name}: the document refuses the request {} ({}) but the answer was {:?}",
                short(request),
                request_problems.join("; "),
                e.code
            )),
            Ok(_) if !valid => problems.push(format!(
                "{name}: the document refuses the request {} ({}) but the catalog answered it",
                short(request),
                request_problems.join("; ")
            )),
            _ => {}
        }
        problems
    }
}

/// The catalog's own "request field is not valid" error (crate::catalog::parse_request).
fn is_parse_error(e: &gradsign_api::CommandError) -> bool {
    e.message.en.starts_with("Request field")
}

/// A value as a message quotes it: at most a few hundred characters.
fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}
