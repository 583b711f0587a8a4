//! Skipping a test whose tools are missing (Chromium, pdftotext, axe-core,
//! node, python3), so that `cargo test` says so without `--nocapture`.
//!
//! The test harness captures what tests print and shows it only for failed
//! tests; a skipped test passes, so its reason would vanish. [`skip`] writes
//! the line to the process's standard error itself, which the harness does
//! not capture. Under `CI=true` nothing may be skipped: the test fails
//! instead, naming what is missing.

use std::io::Write;

/// True when `CI=true`: every test must run.
pub fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// Reports that the running test is skipped because `reason` (or, under
/// `CI=true`, fails with it). The caller returns right after.
pub fn skip(reason: &str) {
    let binary = env!("CARGO_CRATE_NAME");
    let thread = std::thread::current();
    let test = thread.name().filter(|n| *n != "main").unwrap_or("(unnamed test)");
    assert!(!in_ci(), "{binary}::{test}: CI=true requires this test, but {reason}");
    let line = format!("SKIPPED {binary}::{test}: {reason}\n");
    // Straight to the stream: `eprintln!` would be captured with the test's output.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// The axe-core script the accessibility checks inject, or `None` after
/// reporting the skip ([`skip`] fails under `CI=true`, where `.ci/run` installs it).
pub fn axe_script() -> Option<std::path::PathBuf> {
    let path = super::repo_root().join("target/npm/node_modules/axe-core/axe.min.js");
    if path.is_file() {
        return Some(path);
    }
    skip("axe-core not installed (npm install --prefix target/npm axe-core@4; .ci/run does)");
    None
}
