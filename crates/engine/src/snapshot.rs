//! R-PDF-02: the frozen agreement snapshot taken at signing, its RFC 8785 canonical JSON, the
//! SHA-256 printed on the agreement, and the verification code (60 random bits, Crockford base32).

use crate::error::{DomainError, Result};
use crate::model::{AgreementTerms, EmployerDetails};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The graduate as the agreement prints them (confirmed basic info at signing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotGraduate {
    pub name: String,
    pub gender: String,
    pub id_number: String,
    pub education_level: String,
    pub major: String,
    pub department: String,
    pub student_number: String,
    pub phone: String,
    pub email: String,
}

/// The agreement's canonical content: number, parties, terms. Not its later state or timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementSnapshot {
    pub number: String,
    pub title: String,
    pub cohort: i64,
    pub school_name: String,
    pub school_code: String,
    pub graduate: SnapshotGraduate,
    pub employer: EmployerDetails,
    pub terms: AgreementTerms,
}

impl AgreementSnapshot {
    /// RFC 8785 canonical JSON of the snapshot.
    pub fn canonical_json(&self) -> Result<String> {
        canonical_json(&serde_json::to_value(self)?)
    }

    /// Lower-case hex SHA-256 of the canonical JSON.
    pub fn hash(&self) -> Result<String> {
        Ok(sha256_hex(self.canonical_json()?.as_bytes()))
    }
}

pub fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// RFC 8785 (JCS) for the values snapshots hold: object members sorted by their UTF-16 code
/// units, no whitespace, strings escaped as ECMAScript's JSON.stringify does, integers in
/// decimal. A non-integer number is refused rather than risk a second float formatting.
pub fn canonical_json(v: &serde_json::Value) -> Result<String> {
    let mut out = String::new();
    write_canonical(v, &mut out)?;
    Ok(out)
}

fn write_canonical(v: &serde_json::Value, out: &mut String) -> Result<()> {
    use serde_json::Value;
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) if i.unsigned_abs() <= (1u64 << 53) => out.push_str(&i.to_string()),
            (_, Some(u)) if u <= (1u64 << 53) => out.push_str(&u.to_string()),
            _ => return Err(DomainError::internal("canonical_json_number")),
        },
        Value::String(s) => write_string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out)?;
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_canonical(&m[*k], out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// 12 Crockford base32 characters from the low 60 bits of `bits`.
pub fn verification_code(bits: u64) -> String {
    (0..12)
        .rev()
        .map(|i| CROCKFORD[((bits >> (i * 5)) & 31) as usize] as char)
        .collect()
}

/// Normalises a typed code: upper case, I/L → 1, O → 0, spaces and dashes dropped.
pub fn normalise_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn r_pdf_02_canonical_json_is_rfc8785() {
        // Members sorted by UTF-16 code units (the RFC's own example ordering), no whitespace.
        let v: serde_json::Value = serde_json::from_str(r#"{"\u20ac":"Euro","\r":"CR","1":"One","\ud83d\ude00":"Smiley","\u00f6":"o-umlaut","b":[1,true,null,"\n\u0001"]}"#).unwrap();
        assert_eq!(canonical_json(&v).unwrap(), "{\"\\r\":\"CR\",\"1\":\"One\",\"b\":[1,true,null,\"\\n\\u0001\"],\"ö\":\"o-umlaut\",\"€\":\"Euro\",\"😀\":\"Smiley\"}");
        assert!(
            canonical_json(&serde_json::json!({"x": 1.5})).is_err(),
            "floats are refused"
        );
    }

    #[test]
    fn r_pdf_02_verification_code_has_60_bits_in_crockford() {
        assert_eq!(verification_code(0), "000000000000");
        assert_eq!(verification_code(u64::MAX), "ZZZZZZZZZZZZ");
        assert_ne!(verification_code(1 << 59), verification_code(0));
        assert_eq!(normalise_code("abcd-ef01 io"), "ABCDEF0110");
    }
}
