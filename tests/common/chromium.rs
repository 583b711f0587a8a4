//! Headless Chromium for the browser tests: finding the binary (skip or, under
//! `CI=true`, fail when it is missing), running it with the project's flags and
//! a fresh profile, with a timeout.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The longest one Chromium run may take before it is killed.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The flags every run starts with (a fresh `--user-data-dir` is added).
pub const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
];

/// Lets page scripts (`static/shiyi.js`) run before the DOM is dumped.
pub const LET_SCRIPTS_RUN: &str = "--virtual-time-budget=2000";

/// The Chromium binary; `None` (after printing a skip line) when it is
/// missing, except under `CI=true`, where a missing browser panics.
pub fn chromium() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect::<Vec<_>>()).unwrap_or_default();
    let found = on_path
        .into_iter()
        .map(|dir| dir.join("chromium"))
        .chain([PathBuf::from("/usr/bin/chromium")])
        .find(|p| p.is_file());
    if found.is_none() {
        super::skip::skip("chromium not found (install Debian's chromium: apt-get install chromium fonts-noto-cjk)");
    }
    found
}

/// The `file://` URL of an absolute path, percent-encoding all but unreserved bytes.
pub fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.to_str().expect("UTF-8 path").bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// What one Chromium run printed.
pub struct Run {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs Chromium with [`FLAGS`], a fresh profile and `extra` on the file
/// `page`; fails if it exits unsuccessfully or takes longer than [`TIMEOUT`].
pub fn run_chromium(bin: &Path, page: &Path, extra: &[&str]) -> Run {
    run_chromium_url(bin, &file_url(page), extra)
}

/// Like [`run_chromium`], for any URL (e.g. `http://127.0.0.1:PORT/…`).
pub fn run_chromium_url(bin: &Path, url: &str, extra: &[&str]) -> Run {
    let scratch = TempDir::new().unwrap();
    let (out_path, err_path) = (scratch.path().join("stdout"), scratch.path().join("stderr"));
    let mut child = Command::new(bin)
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", scratch.path().join("profile").display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).unwrap())
        .stderr(fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium timed out after {TIMEOUT:?} on {url}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let read = |p: &Path| String::from_utf8_lossy(&fs::read(p).unwrap_or_default()).into_owned();
    let run = Run { stdout: read(&out_path), stderr: read(&err_path) };
    assert!(status.success(), "chromium exited with {status} on {url}:\n{}", run.stderr);
    run
}

/// The DOM of `page` after its scripts ran.
pub fn dump_dom(bin: &Path, page: &Path) -> String {
    let dom = run_chromium(bin, page, &[LET_SCRIPTS_RUN, "--dump-dom"]).stdout;
    assert!(dom.contains("</html>"), "no DOM dumped for {}", page.display());
    dom
}
