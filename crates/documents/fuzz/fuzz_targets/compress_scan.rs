//! `compress_scan` must never panic, hang or run out of memory on any bytes (R-SCAN-02).
#![no_main]

use gradsign_documents::{compress_scan, ScanPolicy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast; the limit checks themselves are what is exercised.
    let policy = ScanPolicy {
        max_pixels: 4_000_000,
        max_dimension: 4_000,
        max_long_side: 512,
        ..ScanPolicy::default()
    };
    if let Ok(scan) = compress_scan(data, &policy) {
        assert!(scan.width.max(scan.height) <= 512);
        assert!(scan.jpeg.starts_with(&[0xFF, 0xD8]));
    }
});
