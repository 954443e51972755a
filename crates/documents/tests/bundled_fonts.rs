//! The app's bundled font folder wins over the system's (same agreement, same print, on every
//! machine); a folder without the fonts falls back to the system's. Its own test binary: the
//! bundled folder is process-wide.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use gradsign_documents::{
    render_agreement, sample_agreement, Fonts, SANS_FILE, SERIF_FILE, SYSTEM_FONT_DIR,
};
use std::path::Path;

#[test]
fn the_bundled_font_folder_is_preferred_and_renders() {
    if std::env::var_os("GRADSIGN_FONT_DIR").is_some() {
        // An explicit folder wins by design; this test is about the default order.
        std::env::remove_var("GRADSIGN_FONT_DIR");
    }
    let bundled = tempfile::tempdir().unwrap();
    let system = Path::new(SYSTEM_FONT_DIR);
    for name in [SERIF_FILE, SANS_FILE] {
        std::os::unix::fs::symlink(system.join(name), bundled.path().join(name)).unwrap();
    }
    Fonts::use_bundled_dir(bundled.path().to_path_buf());
    assert_eq!(Fonts::source_dir(), bundled.path());
    let fonts = Fonts::system().expect("fonts from the bundled folder");
    let pdf = render_agreement(&sample_agreement(), &fonts).expect("render");
    assert!(pdf.starts_with(b"%PDF-"));

    // Without the fonts in it, the bundled folder is passed over.
    std::fs::remove_file(bundled.path().join(SERIF_FILE)).unwrap();
    assert_eq!(Fonts::source_dir(), system);
}
