//! The two CJK faces the agreement prints with, parsed once per process.
//!
//! Parsing a 20–26 MB `.ttc` costs most of a render (~90 ms), so callers keep a [`Fonts`]
//! (it is cheap to share by reference) or use [`Fonts::system_shared`].

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use printpdf::ParsedFont;

/// Face index of Simplified Chinese inside Noto CJK `.ttc` collections
/// (0 JP, 1 KR, 2 SC, 3 TC, 4 HK).
pub const SC_FACE_INDEX: usize = 2;

/// File names looked for by [`Fonts::from_dir`]: body (serif) first, then headings (sans).
pub const SERIF_FILE: &str = "NotoSerifCJK-Regular.ttc";
/// Preferred headings face; [`SANS_FALLBACK_FILE`] is used when it is missing.
pub const SANS_FILE: &str = "NotoSansCJK-Bold.ttc";
/// Fallback headings face.
pub const SANS_FALLBACK_FILE: &str = "NotoSansCJK-Regular.ttc";
/// Where Debian's `fonts-noto-cjk` installs them.
pub const SYSTEM_FONT_DIR: &str = "/usr/share/fonts/opentype/noto";

static BUNDLED_DIR: OnceLock<PathBuf> = OnceLock::new();

/// Why fonts could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    /// A font file is missing or unreadable.
    #[error("字体文件无法读取 / cannot read font file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The bytes are not a font with the SC face.
    #[error("字体无法解析 / cannot parse the {which} font (face {index})")]
    Parse {
        /// `serif` or `sans`.
        which: &'static str,
        /// Face index tried.
        index: usize,
    },
}

/// The parsed body (Noto Serif CJK SC) and headings (Noto Sans CJK SC) faces.
#[derive(Clone)]
pub struct Fonts {
    pub(crate) serif: ParsedFont,
    pub(crate) sans: ParsedFont,
}

impl std::fmt::Debug for Fonts {
    // The parsed faces are megabytes of tables: show their names only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("serif", &self.serif.font_name)
            .field("sans", &self.sans.font_name)
            .finish()
    }
}

impl Fonts {
    /// Parses the SC face ([`SC_FACE_INDEX`]) of each collection. A single-face `.otf`/`.ttf`
    /// (face count 1) is accepted too, with face 0.
    pub fn load(serif_bytes: &[u8], sans_bytes: &[u8]) -> Result<Self, FontError> {
        Ok(Self {
            serif: parse(serif_bytes, "serif")?,
            sans: parse(sans_bytes, "sans")?,
        })
    }

    /// Loads [`SERIF_FILE`] and [`SANS_FILE`] (or [`SANS_FALLBACK_FILE`]) from `dir`:
    /// the app's bundled resource folder or the system font folder.
    pub fn from_dir(dir: &Path) -> Result<Self, FontError> {
        let serif = read(&dir.join(SERIF_FILE))?;
        let sans_path = dir.join(SANS_FILE);
        let sans = if sans_path.exists() {
            read(&sans_path)?
        } else {
            read(&dir.join(SANS_FALLBACK_FILE))?
        };
        Self::load(&serif, &sans)
    }

    /// Names the folder of fonts bundled with the app (its resource folder's `fonts/`). Set once,
    /// before the first render; later calls are ignored. It wins over the system fonts, so the
    /// same agreement prints the same on every machine.
    pub fn use_bundled_dir(dir: PathBuf) {
        let _ = BUNDLED_DIR.set(dir);
    }

    /// The folder [`Fonts::system`] loads from: `GRADSIGN_FONT_DIR` when set, else the bundled
    /// folder (see [`Fonts::use_bundled_dir`]) when it holds [`SERIF_FILE`], else
    /// [`SYSTEM_FONT_DIR`].
    pub fn source_dir() -> PathBuf {
        if let Some(dir) = std::env::var_os("GRADSIGN_FONT_DIR") {
            return PathBuf::from(dir);
        }
        match BUNDLED_DIR.get() {
            Some(dir) if dir.join(SERIF_FILE).is_file() => dir.clone(),
            _ => PathBuf::from(SYSTEM_FONT_DIR),
        }
    }

    /// Loads from [`Fonts::source_dir`].
    pub fn system() -> Result<Self, FontError> {
        Self::from_dir(&Self::source_dir())
    }

    /// [`Fonts::system`] parsed at most once per process; later calls return the same value
    /// (or the same error message).
    pub fn system_shared() -> Result<&'static Fonts, String> {
        static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
        FONTS
            .get_or_init(|| Fonts::system().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(Clone::clone)
    }
}

fn read(path: &Path) -> Result<Vec<u8>, FontError> {
    std::fs::read(path).map_err(|source| FontError::Io {
        path: path.to_owned(),
        source,
    })
}

fn parse(bytes: &[u8], which: &'static str) -> Result<ParsedFont, FontError> {
    let mut warnings = Vec::new();
    // A collection starts with `ttcf`; a single face has index 0.
    let index = if bytes.starts_with(b"ttcf") {
        SC_FACE_INDEX
    } else {
        0
    };
    ParsedFont::from_bytes(bytes, index, &mut warnings).ok_or(FontError::Parse { which, index })
}
