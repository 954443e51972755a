//! The school the load runs against, as data both the import file and the set-up derive from: the
//! same graduate `i` always has the same student number, name, ID number and department, so the
//! CSV the CLI imports and the accounts the generator activates agree without sharing a file.

/// The school's departments, in the order `gradsign init --department` is given them.
pub const DEPARTMENTS: [&str; 4] = ["计算机学院", "经济学院", "外语学院", "机械学院"];

/// The import file's header (R-IMPORT-01's columns, as the engine reads them).
pub const IMPORT_HEADER: [&str; 12] = [
    "学号",
    "姓名",
    "性别",
    "身份证号",
    "学历",
    "专业",
    "院系",
    "培养方式",
    "定向委培单位",
    "生源地",
    "手机",
    "邮箱",
];

/// Every password the set-up gives (R-AUTH-02: letters and digits, 8–128 characters).
pub const PASSWORD: &str = "Bench-Load-2026";

/// Graduate `i` of the imported cohort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraduateIdentity {
    pub student_number: String,
    pub name: String,
    pub id_number: String,
    /// Index into [`DEPARTMENTS`].
    pub department: usize,
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// The 18th character of a resident ID number whose first 17 digits are `first17` (GB 11643).
pub fn id_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    ID_CHECK.get((sum % 11) as usize).map(|c| char::from(*c))
}

impl GraduateIdentity {
    /// Graduate `i`: ID numbers stay unique for the first 336,000 graduates (28 days × 12
    /// months × 1,000 sequence numbers of one birth year).
    pub fn of(i: u32) -> GraduateIdentity {
        let date = i / 1000;
        let month = 1 + (date / 28) % 12;
        let day = 1 + date % 28;
        let first = format!("1101012003{month:02}{day:02}{:03}", i % 1000);
        let check = id_check_char(&first).unwrap_or('0');
        GraduateIdentity {
            student_number: format!("B{:08}", i + 1),
            name: format!("学生{i}"),
            id_number: format!("{first}{check}"),
            department: (i as usize) % DEPARTMENTS.len(),
        }
    }

    /// R-IMPORT-01's gender column agrees with the ID number's 17th digit (odd: 男).
    pub fn gender(&self) -> &'static str {
        let odd = self
            .id_number
            .as_bytes()
            .get(16)
            .is_some_and(|d| (d.wrapping_sub(b'0')) % 2 == 1);
        if odd {
            "男"
        } else {
            "女"
        }
    }

    /// The graduate's line of the import file.
    pub fn csv_line(&self) -> String {
        [
            self.student_number.as_str(),
            &self.name,
            self.gender(),
            &self.id_number,
            "本科",
            "软件工程",
            DEPARTMENTS[self.department],
            "非定向",
            "",
            "北京",
            "13800000000",
            "bench@example.edu.cn",
        ]
        .join(",")
    }
}

const CC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// The unified social credit code of employer `n` (GB 32100: its organisation code carries its
/// own MOD 11 check, the whole code a MOD 31 one).
pub fn credit_code(n: u32) -> String {
    let org8 = format!("{:08}", 30_000_000u32.saturating_add(n.saturating_mul(7)));
    let sum: u32 = org8
        .bytes()
        .zip(ORG_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let org_check = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10).unwrap_or('0'),
    };
    let first17 = format!("91110108{org8}{org_check}");
    let sum: u32 = first17
        .chars()
        .zip(CC_WEIGHTS)
        .map(|(c, w)| CC_ALPHABET.find(c).unwrap_or(0) as u32 * w)
        .sum();
    let check = CC_ALPHABET
        .chars()
        .nth(((31 - sum % 31) % 31) as usize)
        .unwrap_or('0');
    format!("{first17}{check}")
}

/// The import file of the first `graduates` graduates (UTF-8 CSV, header first).
pub fn import_csv(graduates: u32) -> String {
    let mut out = IMPORT_HEADER.join(",");
    out.push('\n');
    for i in 0..graduates {
        out.push_str(&GraduateIdentity::of(i).csv_line());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_are_unique_and_carry_their_check_digit() {
        // The example of GB 11643's own text.
        assert_eq!(id_check_char("11010519491231002"), Some('X'));
        let ids: std::collections::BTreeSet<String> = (0..5000)
            .map(|i| GraduateIdentity::of(i).id_number)
            .collect();
        assert_eq!(ids.len(), 5000);
    }

    #[test]
    fn credit_codes_carry_both_check_characters() {
        for n in [0, 1, 19, 777] {
            let c: Vec<char> = credit_code(n).chars().collect();
            assert_eq!(c.len(), 18);
            // GB 32100: the weighted sum of all 18 characters is a multiple of 31.
            let sum: u32 = c[..17]
                .iter()
                .zip(CC_WEIGHTS)
                .map(|(ch, w)| CC_ALPHABET.find(*ch).unwrap_or(99) as u32 * w)
                .sum::<u32>()
                + CC_ALPHABET.find(c[17]).unwrap_or(99) as u32;
            assert_eq!(sum % 31, 0, "{c:?}");
            // GB 11714: the organisation code's weighted sum plus its check is a multiple of 11.
            let org: u32 = c[8..16]
                .iter()
                .zip(ORG_WEIGHTS)
                .map(|(ch, w)| ch.to_digit(10).unwrap_or(99) * w)
                .sum();
            let check = if c[16] == 'X' {
                10
            } else {
                c[16].to_digit(10).unwrap_or(99)
            };
            assert_eq!((org + check) % 11, 0, "{c:?}");
        }
        assert_ne!(credit_code(1), credit_code(2));
    }
}
