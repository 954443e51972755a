//! The agreement as the PDF prints it: plain strings, already decided by the engine
//! (masking, time zone, wording of levels). Rendering adds nothing that is not here.

use serde::{Deserialize, Serialize};

/// Everything the printed 就业协议书 shows. The engine builds it from the frozen snapshot
/// (R-PDF-02) plus the agreement's current state and timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementDocument {
    /// The school's title setting, e.g. 全国普通高等学校毕业生就业协议书.
    pub title: String,
    /// 协议编号 (R-AGR-02), e.g. `2026100012000123`.
    pub number: String,
    /// Verification code (R-PDF-02), e.g. 12 characters of Crockford base32.
    pub verification_code: String,
    /// Hex SHA-256 of the frozen snapshot's canonical JSON (RFC 8785), lowercase.
    pub content_hash: String,
    /// Current state: effective or terminated (R-PDF-03).
    pub state: AgreementState,
    /// 乙方 毕业生.
    pub graduate: Graduate,
    /// 甲方 用人单位.
    pub employer: Employer,
    /// 丙方 学校.
    pub school: School,
    /// The agreed terms (R-AGR-01).
    pub terms: Terms,
    /// Signing and review history, oldest first.
    pub timeline: Vec<TimelineEntry>,
}

/// State printed on the agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgreementState {
    /// Signed and in force (有效).
    Effective,
    /// Terminated (已解约): every page carries the mark.
    Terminated,
    /// An offline signing's print copy (R-OFFSIGN-03): issued, awaiting the employer's stamp;
    /// every page carries the 待单位盖章回传 mark and the last one a box for the stamp.
    AwaitingStamp,
    /// An offline agreement whose stamped pages the school accepted (R-OFFSIGN-05).
    SignedOffline,
}

impl AgreementState {
    /// The label printed in the state block.
    pub fn label(self) -> &'static str {
        match self {
            AgreementState::Effective => "有效 EFFECTIVE",
            AgreementState::Terminated => "已解约 TERMINATED",
            AgreementState::AwaitingStamp => "待单位盖章回传 AWAITING EMPLOYER STAMP",
            AgreementState::SignedOffline => "有效（线下签约） EFFECTIVE, SIGNED OFFLINE",
        }
    }
}

/// 乙方 毕业生. `id_number` is printed exactly as given (the engine decides masking).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Graduate {
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

/// 甲方 用人单位.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Employer {
    pub name: String,
    pub credit_code: String,
    pub nature: String,
    pub industry: String,
    pub address: String,
    pub contact_person: String,
    pub contact_phone: String,
}

/// 丙方 学校.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct School {
    pub name: String,
    pub code: String,
}

/// The agreed terms (R-AGR-01). `other_terms` (备注) may be long; it wraps and flows
/// onto further pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Terms {
    pub position: String,
    pub work_location: String,
    pub salary: String,
    pub probation: String,
    pub agreement_term: String,
    pub liquidated_damages: String,
    pub archive_handling: String,
    pub archive_receiving_unit: String,
    pub archive_address: String,
    pub archive_postcode: String,
    pub hukou_address: String,
    pub other_terms: String,
}

/// One line of the signing and review timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// Already formatted in Asia/Shanghai, e.g. `2026-03-02 09:15`.
    pub at: String,
    /// Who acted, e.g. `王𠮷（毕业生）` or `计算机学院 李老师`.
    pub actor: String,
    /// What happened, e.g. `发出签约邀请`, `院系审核通过`.
    pub action: String,
}

/// A realistic built-in agreement for `gradsign agreement render --sample`, demos and tests.
/// Its ID number (GB 11643) and credit code (GB 32100) carry valid check characters.
/// The graduate's name contains 𠮷 (U+20BB7, outside the BMP) on purpose.
pub fn sample_agreement() -> AgreementDocument {
    AgreementDocument {
        title: "全国普通高等学校毕业生就业协议书".to_owned(),
        number: "2026100012000123".to_owned(),
        verification_code: "7KQ2M9XD4HRT".to_owned(),
        content_hash: "3b8f0c6d2a9e4f17b5c0d8e2a6f4913c7e5d0b2a8c6f4e1d9b7a5c3e1f0d2b4a".to_owned(),
        state: AgreementState::Effective,
        graduate: Graduate {
            name: "王𠮷".to_owned(),
            gender: "男".to_owned(),
            id_number: "110105200301154513".to_owned(),
            education_level: "本科".to_owned(),
            major: "计算机科学与技术".to_owned(),
            department: "计算机学院".to_owned(),
            student_number: "2022011234".to_owned(),
            phone: "13800138000".to_owned(),
            email: "wangji@stu.example.edu.cn".to_owned(),
        },
        employer: Employer {
            name: "杭州云栖软件科技有限公司".to_owned(),
            credit_code: "91330106MA2KX7Q38P".to_owned(),
            nature: "其他企业".to_owned(),
            industry: "信息传输、软件和信息技术服务业".to_owned(),
            address: "浙江省杭州市西湖区文三路 90 号东部软件园 3 号楼 501 室".to_owned(),
            contact_person: "陈晓敏".to_owned(),
            contact_phone: "0571-88886666".to_owned(),
        },
        school: School {
            name: "示范理工大学".to_owned(),
            code: "10001".to_owned(),
        },
        terms: Terms {
            position: "后端开发工程师".to_owned(),
            work_location: "浙江省杭州市".to_owned(),
            salary: "税前 12,000 元/月".to_owned(),
            probation: "3 个月".to_owned(),
            agreement_term: "3 年".to_owned(),
            liquidated_damages: "5,000 元".to_owned(),
            archive_handling: "单位接收".to_owned(),
            archive_receiving_unit: "杭州市人才服务中心".to_owned(),
            archive_address: "浙江省杭州市上城区解放东路 18 号".to_owned(),
            archive_postcode: "310016".to_owned(),
            hukou_address: "浙江省杭州市西湖区文三路 90 号集体户".to_owned(),
            other_terms: "甲方为乙方缴纳五险一金，住房公积金缴存比例为 12%；乙方报到时提交毕业证书与学位证书原件；甲方提供入职培训与导师带教。".to_owned(),
        },
        timeline: vec![
            TimelineEntry {
                at: "2026-03-02 09:15".to_owned(),
                actor: "杭州云栖软件科技有限公司 陈晓敏".to_owned(),
                action: "发出签约邀请".to_owned(),
            },
            TimelineEntry {
                at: "2026-03-03 20:41".to_owned(),
                actor: "王𠮷（毕业生）".to_owned(),
                action: "接受邀请".to_owned(),
            },
            TimelineEntry {
                at: "2026-03-05 10:02".to_owned(),
                actor: "计算机学院 李老师".to_owned(),
                action: "院系审核通过".to_owned(),
            },
            TimelineEntry {
                at: "2026-03-06 14:30".to_owned(),
                actor: "学校就业指导中心 张老师".to_owned(),
                action: "学校审核通过，协议生效".to_owned(),
            },
        ],
    }
}
