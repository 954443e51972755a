//! TypeScript bindings generated from the catalog's Rust types: every operation's request and
//! response type, the error shape, and `Operations.ts`, the map from operation name to its
//! request and response, so that a wrong name or argument on the UI side is a type error.

use std::collections::BTreeMap;
use std::path::Path;

use ts_rs::{Config, ExportError, TypeVisitor, TS};

use crate::catalog::{Access, OperationVisitor};
use crate::error::{CommandError, ErrorCode, Text};

/// The configuration every binding is written with: `i64` is a JavaScript `number` (ids, times
/// and counts stay far below 2^53).
pub fn config(dir: &Path) -> Config {
    Config::new().with_out_dir(dir).with_large_int("number")
}

/// Writes the catalog's bindings and `Operations.ts` into `dir`.
pub fn export_all(dir: &Path) -> Result<(), ExportError> {
    let cfg = config(dir);
    CommandError::export_all(&cfg)?;
    ErrorCode::export_all(&cfg)?;
    Text::export_all(&cfg)?;
    let mut map = OperationMap {
        cfg: &cfg,
        imports: BTreeMap::new(),
        entries: Vec::new(),
        error: None,
    };
    crate::visit_types(&mut map);
    if let Some(e) = map.error {
        return Err(e);
    }
    let text = map.render();
    std::fs::write(dir.join("Operations.ts"), text)?;
    Ok(())
}

/// Collects the operation map while exporting every named type it mentions.
struct OperationMap<'a> {
    cfg: &'a Config,
    /// TypeScript name → file (without extension), for the imports.
    imports: BTreeMap<String, String>,
    /// (name, access, request TS, response TS)
    entries: Vec<(&'static str, Access, String, String)>,
    error: Option<ExportError>,
}

impl OperationMap<'_> {
    fn render(&self) -> String {
        let mut out = String::from(
            "// Generated from crates/api's catalog (gradsign_api::bindings). Do not edit.\n",
        );
        for (name, file) in &self.imports {
            out.push_str(&format!("import type {{ {name} }} from \"./{file}\";\n"));
        }
        out.push_str(
            "\n/** Every catalog operation: its request, its response, who may call it. */\n",
        );
        out.push_str("export type Operations = {\n");
        for (name, access, req, resp) in &self.entries {
            let access = match access {
                Access::Anonymous => "anonymous",
                Access::SignedIn => "signed_in",
            };
            out.push_str(&format!(
                "  {name}: {{ request: {req}; response: {resp}; access: \"{access}\" }};\n"
            ));
        }
        out.push_str("};\n\n/** The name of a catalog operation. */\nexport type OperationName = keyof Operations;\n");
        out
    }
}

impl OperationVisitor for OperationMap<'_> {
    fn visit<
        Req: TS + schemars::JsonSchema + 'static,
        Resp: TS + schemars::JsonSchema + 'static,
    >(
        &mut self,
        name: &'static str,
        access: Access,
    ) {
        let req = Req::name(self.cfg);
        let resp = Resp::name(self.cfg);
        let mut named = NamedTypes {
            cfg: self.cfg,
            found: &mut self.imports,
            error: &mut self.error,
        };
        named.visit::<Req>();
        named.visit::<Resp>();
        self.entries.push((name, access, req, resp));
    }
}

/// Finds the named (exportable) types in a type and its generic arguments, and exports each.
struct NamedTypes<'a, 'b> {
    cfg: &'a Config,
    found: &'b mut BTreeMap<String, String>,
    error: &'b mut Option<ExportError>,
}

impl TypeVisitor for NamedTypes<'_, '_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        match T::output_path() {
            Some(path) => {
                let file = path.with_extension("").to_string_lossy().replace('\\', "/");
                if self.found.insert(T::ident(self.cfg), file).is_none() {
                    if let Err(e) = T::export_all(self.cfg) {
                        self.error.get_or_insert(e);
                    }
                }
            }
            None => T::visit_generics(self),
        }
    }
}
