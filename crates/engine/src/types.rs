//! Domain values that cannot hold bad data: parse at the boundary, trust afterwards.

use crate::error::{DomainError, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// GB 11643 citizen ID number: 17 digits + ISO 7064 MOD 11-2 check character, a real birth date.
/// Lowercase `x` is accepted and stored as `X`; surrounding spaces are trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

impl IdNumber {
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim().to_ascii_uppercase();
        let bad = |zh: &str, en: &str| {
            DomainError::field(
                "id_number",
                format!("身份证号{zh}"),
                format!("ID number {en}"),
            )
        };
        if s.chars().count() != 18 {
            return Err(bad("应为18位", "must have 18 characters"));
        }
        let b = s.as_bytes();
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(bad(
                "前17位须为数字，末位为数字或X",
                "must be 17 digits followed by a digit or X",
            ));
        }
        let sum: u32 = b[..17]
            .iter()
            .zip(ID_WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        if ID_CHECK[(sum % 11) as usize] != b[17] {
            return Err(bad("校验位不正确", "has a wrong check digit"));
        }
        let (y, m, d) = (&s[6..10], &s[10..12], &s[12..14]);
        let date = match (y.parse(), m.parse(), d.parse()) {
            (Ok(y), Ok(m), Ok(d)) => NaiveDate::from_ymd_opt(y, m, d),
            _ => None,
        };
        match date {
            Some(dt) if dt.format("%Y").to_string().as_str() >= "1900" => Ok(IdNumber(s)),
            _ => Err(bad("中的出生日期无效", "has an invalid birth date")),
        }
    }

    /// The check character for 17 digits (used by tests and the demo to make valid numbers).
    pub fn check_char(first17: &str) -> Option<char> {
        let b = first17.as_bytes();
        if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let sum: u32 = b
            .iter()
            .zip(ID_WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        Some(ID_CHECK[(sum % 11) as usize] as char)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 17th digit: odd male, even female.
    pub fn gender(&self) -> Gender {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// First 6 and last 4 shown, the rest as `*`.
    pub fn masked(&self) -> String {
        mask_id(&self.0)
    }
}

/// Masks any stored ID number: first 6 and last 4 characters kept.
pub fn mask_id(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    if c.len() <= 10 {
        return "*".repeat(c.len());
    }
    let mut out: String = c[..6].iter().collect();
    out.push_str(&"*".repeat(c.len() - 10));
    out.extend(&c[c.len() - 4..]);
    out
}

impl TryFrom<String> for IdNumber {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        IdNumber::parse(&s)
    }
}
impl From<IdNumber> for String {
    fn from(v: IdNumber) -> String {
        v.0
    }
}

/// GB 32100 unified social credit code: 18 characters of `0-9A-HJ-NPQRTUWXY`, with check characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

const CC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

fn org_value(c: char) -> Option<u32> {
    // GB 11714 organisation code: digits are themselves, letters A=10 … Z=35.
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32 + 10),
        _ => None,
    }
}

impl CreditCode {
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim().to_ascii_uppercase();
        let bad = |zh: &str, en: &str| {
            DomainError::field(
                "credit_code",
                format!("统一社会信用代码{zh}"),
                format!("Credit code {en}"),
            )
        };
        let c: Vec<char> = s.chars().collect();
        if c.len() != 18 {
            return Err(bad("应为18位", "must have 18 characters"));
        }
        let mut vals = Vec::with_capacity(18);
        for ch in &c {
            match CC_ALPHABET.find(*ch) {
                Some(v) => vals.push(v as u32),
                None => {
                    return Err(bad(
                        "含有不允许的字符（不使用I、O、S、V、Z）",
                        "contains a character outside 0-9A-HJ-NPQRTUWXY",
                    ))
                }
            }
        }
        if CreditCode::check_char(&s[..17]) != Some(c[17]) {
            return Err(bad("校验码不正确", "has a wrong check character"));
        }
        // Positions 9–17 hold the organisation code with its own MOD 11 check.
        let org: Vec<char> = c[8..17].to_vec();
        let sum: Option<u32> = org[..8]
            .iter()
            .zip(ORG_WEIGHTS)
            .map(|(ch, w)| org_value(*ch).map(|v| v * w))
            .sum();
        let expected = sum.map(|s| match 11 - s % 11 {
            10 => 'X',
            11 => '0',
            n => char::from_digit(n, 10).unwrap_or('?'),
        });
        if expected != Some(org[8]) {
            return Err(bad(
                "中的组织机构代码校验位不正确",
                "has a wrong organisation-code check character",
            ));
        }
        let _ = vals;
        Ok(CreditCode(s))
    }

    /// The 18th character for the first 17 (None if a character is outside the alphabet).
    pub fn check_char(first17: &str) -> Option<char> {
        let mut sum = 0u32;
        let mut n = 0;
        for (ch, w) in first17.chars().zip(CC_WEIGHTS) {
            sum += CC_ALPHABET.find(ch)? as u32 * w;
            n += 1;
        }
        if n != 17 {
            return None;
        }
        let v = (31 - sum % 31) % 31;
        CC_ALPHABET.chars().nth(v as usize)
    }

    /// Builds a valid code from a 2-char registration prefix, 6-digit region and 8-char org body.
    pub fn compose(prefix2: &str, region6: &str, org8: &str) -> Option<CreditCode> {
        let sum: u32 = org8
            .chars()
            .zip(ORG_WEIGHTS)
            .map(|(ch, w)| org_value(ch).map(|v| v * w))
            .sum::<Option<u32>>()?;
        let org_check = match 11 - sum % 11 {
            10 => 'X',
            11 => '0',
            n => char::from_digit(n, 10)?,
        };
        let first17 = format!("{prefix2}{region6}{org8}{org_check}");
        let check = CreditCode::check_char(&first17)?;
        CreditCode::parse(&format!("{first17}{check}")).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for CreditCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        CreditCode::parse(&s)
    }
}
impl From<CreditCode> for String {
    fn from(v: CreditCode) -> String {
        v.0
    }
}

/// A mainland mobile number: 11 digits starting with 1[3-9].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);
impl Phone {
    pub fn parse(raw: &str) -> Result<Self> {
        let s: String = raw
            .trim()
            .chars()
            .filter(|c| *c != ' ' && *c != '-')
            .collect();
        let s = s.strip_prefix("+86").unwrap_or(&s).to_string();
        let b = s.as_bytes();
        if b.len() == 11
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1])
            && b.iter().all(u8::is_ascii_digit)
        {
            Ok(Phone(s))
        } else {
            Err(DomainError::field(
                "phone",
                "手机号应为11位大陆手机号码（1开头）",
                "Phone must be an 11-digit mainland mobile number starting with 1",
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for Phone {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        Phone::parse(&s)
    }
}
impl From<Phone> for String {
    fn from(v: Phone) -> String {
        v.0
    }
}

/// An e-mail address: one `@`, a dotted domain, no spaces, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);
impl Email {
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim();
        let ok = chars(s) <= 254
            && !s.contains(char::is_whitespace)
            && match s.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if ok {
            Ok(Email(s.to_string()))
        } else {
            Err(DomainError::field(
                "email",
                "邮箱格式不正确",
                "E-mail address is malformed",
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for Email {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        Email::parse(&s)
    }
}
impl From<Email> for String {
    fn from(v: Email) -> String {
        v.0
    }
}

/// Free text of at most 200 characters, counted as Unicode scalar values (200 汉字 fit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(try_from = "String", into = "String")]
pub struct Explanation(String);
impl Explanation {
    pub const MAX: usize = 200;
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim();
        let n = chars(s);
        if n > Self::MAX {
            return Err(DomainError::field(
                "explanation",
                format!("说明最多200字，当前{n}字"),
                format!("Explanation has at most 200 characters, this one has {n}"),
            )
            .with_details(
                serde_json::json!({"field": "explanation", "max": Self::MAX, "actual": n}),
            ));
        }
        Ok(Explanation(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
impl TryFrom<String> for Explanation {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        Explanation::parse(&s)
    }
}
impl From<Explanation> for String {
    fn from(v: Explanation) -> String {
        v.0
    }
}

/// A person's name: 1–50 characters, rare characters outside the BMP (𠮷) kept intact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);
impl PersonName {
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim();
        let n = chars(s);
        if n == 0 || n > 50 || s.chars().any(char::is_control) {
            return Err(DomainError::field(
                "name",
                "姓名应为1至50个字符",
                "Name must have 1 to 50 characters",
            ));
        }
        Ok(PersonName(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for PersonName {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        PersonName::parse(&s)
    }
}
impl From<PersonName> for String {
    fn from(v: PersonName) -> String {
        v.0
    }
}

/// Required single-line text of 1..=max characters for `field`.
pub fn required_text(field: &str, label_zh: &str, raw: &str, max: usize) -> Result<String> {
    let s = raw.trim();
    let n = chars(s);
    if n == 0 {
        return Err(DomainError::field(
            field,
            format!("{label_zh}不能为空"),
            format!("{field} is required"),
        ));
    }
    if n > max {
        return Err(DomainError::field(
            field,
            format!("{label_zh}最多{max}字"),
            format!("{field} has at most {max} characters"),
        ));
    }
    Ok(s.to_string())
}

/// Optional text of at most `max` characters.
pub fn optional_text(field: &str, label_zh: &str, raw: &str, max: usize) -> Result<String> {
    let s = raw.trim();
    if chars(s) > max {
        return Err(DomainError::field(
            field,
            format!("{label_zh}最多{max}字"),
            format!("{field} has at most {max} characters"),
        ));
    }
    Ok(s.to_string())
}

/// A cohort (届别): the graduation year, 2000–2100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct CohortYear(i64);
impl CohortYear {
    pub fn parse(y: i64) -> Result<Self> {
        if (2000..=2100).contains(&y) {
            Ok(CohortYear(y))
        } else {
            Err(DomainError::field(
                "cohort",
                "届别应为2000至2100之间的年份",
                "Cohort must be a year between 2000 and 2100",
            ))
        }
    }
    pub fn get(self) -> i64 {
        self.0
    }
}
impl TryFrom<i64> for CohortYear {
    type Error = DomainError;
    fn try_from(y: i64) -> Result<Self> {
        CohortYear::parse(y)
    }
}
impl From<CohortYear> for i64 {
    fn from(v: CohortYear) -> i64 {
        v.0
    }
}

/// R-AGR-02 agreement number: cohort (4) + school code (5) + education level (1) + serial (6).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgreementNumber(String);
impl AgreementNumber {
    pub fn compose(
        cohort: CohortYear,
        school_code: &str,
        level: EducationLevel,
        serial: i64,
    ) -> Result<Self> {
        AgreementNumber::parse(&format!(
            "{:04}{}{}{:06}",
            cohort.get(),
            school_code,
            level.digit(),
            serial
        ))
    }
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim();
        let b = s.as_bytes();
        let ok = b.len() == 16
            && b.iter().all(u8::is_ascii_digit)
            && (b'1'..=b'4').contains(&b[9])
            && &s[10..] != "000000";
        if ok && CohortYear::parse(s[..4].parse().unwrap_or(0)).is_ok() {
            Ok(AgreementNumber(s.to_string()))
        } else {
            Err(DomainError::field(
                "agreement_number",
                "协议编号应为16位数字（届别4位+学校代码5位+学历1位+序号6位）",
                "Agreement number must be 16 digits: cohort, school code, level, serial",
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for AgreementNumber {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        AgreementNumber::parse(&s)
    }
}
impl From<AgreementNumber> for String {
    fn from(v: AgreementNumber) -> String {
        v.0
    }
}

/// The school code used in agreement numbers: 5 digits.
pub fn parse_school_code(raw: &str) -> Result<String> {
    let s = raw.trim();
    if s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err(DomainError::field(
            "school_code",
            "学校代码应为5位数字",
            "School code must be 5 digits",
        ))
    }
}

macro_rules! closed_list {
    ($(#[$m:meta])* $name:ident, $field:literal, [$($var:ident = $zh:literal),+ $(,)?]) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub enum $name { $($var),+ }
        impl $name {
            /// Every value, in the order of the reference list.
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// The Chinese label stored and printed.
            pub fn label(self) -> &'static str { match self { $($name::$var => $zh),+ } }
            pub fn parse(raw: &str) -> Result<Self> {
                let s = raw.trim();
                $(if s == $zh { return Ok($name::$var); })+
                Err(DomainError::field($field,
                    format!("{}不在允许的取值中：{}", $field, [$($zh),+].join("、")),
                    format!("{} must be one of: {}", $field, [$($zh),+].join(", "))))
            }
        }
        impl TryFrom<String> for $name { type Error = DomainError; fn try_from(s: String) -> Result<Self> { $name::parse(&s) } }
        impl From<$name> for String { fn from(v: $name) -> String { v.label().to_string() } }
    };
}

closed_list!(
    /// 性别.
    Gender, "gender", [Male = "男", Female = "女"]);
closed_list!(
    /// 培养方式.
    TrainingMode, "training_mode", [NonDirected = "非定向", Directed = "定向", Commissioned = "委培"]);
closed_list!(
    /// 单位性质 (R-AGR-01).
    EmployerNature, "nature", [
        Government = "机关", Research = "科研设计单位", University = "高等学校", OtherTeaching = "其他教学单位",
        Medical = "医疗卫生单位", OtherInstitution = "其他事业单位", StateOwned = "国有企业", ForeignInvested = "三资企业",
        OtherEnterprise = "其他企业", Military = "部队", Village = "农村建制村", Community = "城镇社区", Other = "其他"]);
closed_list!(
    /// 档案去向.
    ArchiveHandling, "archive_handling", [Employer = "单位接收", Agency = "档案挂靠机构", Origin = "回生源地"]);

impl TrainingMode {
    /// 定向 and 委培 graduates cannot sign online (R-SIGN-09, R-DEST-05).
    pub fn is_directed(self) -> bool {
        !matches!(self, TrainingMode::NonDirected)
    }
}

/// 学历 with its agreement-number digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum EducationLevel {
    Junior,
    Bachelor,
    Master,
    Doctor,
}
impl EducationLevel {
    pub const ALL: &'static [EducationLevel] = &[
        EducationLevel::Junior,
        EducationLevel::Bachelor,
        EducationLevel::Master,
        EducationLevel::Doctor,
    ];
    pub fn label(self) -> &'static str {
        match self {
            EducationLevel::Junior => "专科",
            EducationLevel::Bachelor => "本科",
            EducationLevel::Master => "硕士研究生",
            EducationLevel::Doctor => "博士研究生",
        }
    }
    pub fn digit(self) -> u8 {
        match self {
            EducationLevel::Junior => 1,
            EducationLevel::Bachelor => 2,
            EducationLevel::Master => 3,
            EducationLevel::Doctor => 4,
        }
    }
    /// Accepts the four labels and, as imports do, 硕士 and 博士.
    pub fn parse(raw: &str) -> Result<Self> {
        match raw.trim() {
            "专科" => Ok(EducationLevel::Junior),
            "本科" => Ok(EducationLevel::Bachelor),
            "硕士研究生" | "硕士" => Ok(EducationLevel::Master),
            "博士研究生" | "博士" => Ok(EducationLevel::Doctor),
            _ => Err(DomainError::field(
                "education_level",
                "学历应为专科、本科、硕士研究生或博士研究生",
                "Education level must be 专科, 本科, 硕士研究生 or 博士研究生",
            )),
        }
    }
}
impl TryFrom<String> for EducationLevel {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        EducationLevel::parse(&s)
    }
}
impl From<EducationLevel> for String {
    fn from(v: EducationLevel) -> String {
        v.label().to_string()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn r_info_04_id_number_check_digit_date_case_and_spaces() {
        let id = IdNumber::parse(" 11010519491231002x ").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(
            IdNumber::parse("110105194912310021").unwrap_err().details["field"],
            "id_number"
        );
        assert!(
            IdNumber::parse("11010519491231002").is_err(),
            "17 characters"
        );
        assert!(
            IdNumber::parse("1101051949123100211").is_err(),
            "19 characters"
        );
        // 1949-02-30 does not exist; compute a valid check digit so only the date is wrong.
        let first = "11010519490230002";
        let bad_date = format!("{first}{}", IdNumber::check_char(first).unwrap());
        assert!(IdNumber::parse(&bad_date)
            .unwrap_err()
            .message
            .en
            .contains("birth date"));
        assert!(IdNumber::parse("11010519491231002Y").is_err());
    }

    #[test]
    fn r_agr_01_credit_code_alphabet_and_check_characters() {
        let ok = CreditCode::compose("91", "350100", "M000100Y").unwrap();
        assert_eq!(ok.as_str().len(), 18);
        assert_eq!(CreditCode::parse(&ok.as_str().to_lowercase()).unwrap(), ok);
        let mut s: Vec<char> = ok.as_str().chars().collect();
        s[17] = if s[17] == '0' { '1' } else { '0' };
        assert!(
            CreditCode::parse(&s.iter().collect::<String>()).is_err(),
            "wrong check character"
        );
        for c in ['I', 'O', 'S', 'V', 'Z'] {
            let mut t: Vec<char> = ok.as_str().chars().collect();
            t[3] = c;
            assert!(
                CreditCode::parse(&t.iter().collect::<String>())
                    .unwrap_err()
                    .message
                    .zh
                    .contains("不使用"),
                "{c} is outside the alphabet"
            );
        }
        // A known published code: 91350100M000100Y43 (GB 32100 example).
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
    }

    #[test]
    fn r_term_01_explanation_counts_code_points() {
        assert!(Explanation::parse(&"汉".repeat(200)).is_ok());
        assert!(
            Explanation::parse(&"𠮷".repeat(200)).is_ok(),
            "200 astral characters are 200, not 400"
        );
        let e = Explanation::parse(&"汉".repeat(201)).unwrap_err();
        assert_eq!(e.details["actual"], 201);
        assert!(Explanation::parse(&"a".repeat(201)).is_err());
    }

    #[test]
    fn r_info_04_names_keep_rare_characters() {
        let n = PersonName::parse(" 王𠮷 ").unwrap();
        assert_eq!(n.as_str(), "王𠮷");
        assert_eq!(n.as_str().chars().count(), 2);
        assert!(PersonName::parse("").is_err());
        assert!(PersonName::parse("a\u{0}b").is_err());
    }

    #[test]
    fn r_info_04_phone_email_levels_cohort() {
        assert_eq!(
            Phone::parse("+86 138-0013-8000").unwrap().as_str(),
            "13800138000"
        );
        assert!(Phone::parse("12800138000").is_err());
        assert!(Phone::parse("1380013800").is_err());
        assert!(Email::parse("a@b.cn").is_ok());
        assert!(Email::parse("a@b").is_err());
        assert!(Email::parse("a b@c.cn").is_err());
        assert_eq!(
            EducationLevel::parse("硕士").unwrap(),
            EducationLevel::Master
        );
        assert_eq!(EducationLevel::parse("博士").unwrap().digit(), 4);
        assert!(EducationLevel::parse("研究生").is_err());
        assert!(CohortYear::parse(1999).is_err());
        assert!(CohortYear::parse(2026).is_ok());
    }

    #[test]
    fn r_agr_02_agreement_number_layout() {
        let n = AgreementNumber::compose(
            CohortYear::parse(2026).unwrap(),
            "10001",
            EducationLevel::Bachelor,
            123,
        )
        .unwrap();
        assert_eq!(n.as_str(), "2026100012000123");
        assert!(
            AgreementNumber::parse("2026100015000123").is_err(),
            "level digit 1-4"
        );
        assert!(
            AgreementNumber::parse("2026100012000000").is_err(),
            "serial starts at 1"
        );
        assert!(AgreementNumber::parse("202610001200012").is_err());
    }

    proptest! {
        #[test]
        fn r_info_04_every_valid_id_parses_and_every_other_check_fails(digits in "[1-6][0-9]{5}", y in 1950u32..2010, m in 1u32..13, d in 1u32..29, seq in 0u32..1000, other in 0usize..11) {
            let first = format!("{digits}{y:04}{m:02}{d:02}{seq:03}");
            let check = IdNumber::check_char(&first).unwrap();
            let good = format!("{first}{check}");
            prop_assert!(IdNumber::parse(&good).is_ok());
            let wrong = b"10X98765432"[other] as char;
            if wrong != check {
                let bad = format!("{first}{wrong}");
                prop_assert!(IdNumber::parse(&bad).is_err());
            }
        }

        #[test]
        fn r_agr_01_composed_credit_codes_parse(org in "[0-9A-HJ-NPQRTUWXY]{8}") {
            if let Some(c) = CreditCode::compose("91", "110108", &org) {
                prop_assert!(CreditCode::parse(c.as_str()).is_ok());
            }
        }
    }
}
