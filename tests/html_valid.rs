//! Valid markup on every built page, checked by the W3C Nu HTML Checker
//! (`vnu.jar` from the npm package `vnu-jar`, run with Java).
//!
//! Builds the shipped site, every fixture site that builds and the starter
//! site of `shiyi init`, and checks all their `.html` and `.svg` files in one
//! run of the checker (the JVM takes seconds to start), and their distinct
//! style sheets in a second. The search page is also checked as the browser
//! shows it after a query, with the header's suggestions open (headless
//! Chromium, serialised DOM).
//!
//! Install what it needs with
//! `npm install --prefix target/npm vnu-jar` and Debian's `default-jre-headless`
//! (or set `SHIYI_VNU_JAR` to a `vnu.jar`). Without Java or the jar the test
//! prints `SKIPPED …` and passes, except with `CI=true`, where it fails.
//! Run with `--nocapture` to see how many files and errors were checked.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::chromium::{chromium, file_url};
use common::html::{build_all_sites, html_files};
use common::skip::skip;

/// Java and the checker's jar, if both are there.
fn checker() -> Option<(PathBuf, PathBuf)> {
    let on_path = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect::<Vec<_>>()).unwrap_or_default();
    let java =
        on_path.into_iter().map(|d| d.join("java")).chain([PathBuf::from("/usr/bin/java")]).find(|p| p.is_file());
    let jar = std::env::var_os("SHIYI_VNU_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::repo_root().join("target/npm/node_modules/vnu-jar/build/dist/vnu.jar"));
    let Some(java) = java else {
        skip("java not found (install Debian's default-jre-headless)");
        return None;
    };
    if !jar.is_file() {
        skip(&format!("{} not found (npm install --prefix target/npm vnu-jar)", jar.display()));
        return None;
    }
    Some((java, jar))
}

/// One error the checker reported.
#[derive(Debug)]
struct Finding {
    file: PathBuf,
    line: u64,
    column: u64,
    message: String,
    extract: String,
}

/// Runs the checker once over `files` (HTML and SVG, or with `css` style
/// sheets only); returns its errors (warnings are not asked for).
///
/// Style sheets get a run of their own: with `--also-check-css` the checker
/// reports the lines of HTML files one too low.
fn run_checker(java: &Path, jar: &Path, files: &[PathBuf], css: bool) -> Vec<Finding> {
    let output = Command::new(java)
        .arg("-Xss8m")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--format", "json"])
        .arg(if css { "--css" } else { "--also-check-svg" })
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", java.display()));
    let report = String::from_utf8_lossy(&output.stderr);
    let json: serde_json::Value = serde_json::from_str(&report)
        .unwrap_or_else(|e| panic!("the checker's report is not JSON ({e}); it said:\n{report}"));
    let messages = json["messages"].as_array().expect("a message list");
    messages
        .iter()
        .filter(|m| m["type"] != "info")
        .map(|m| Finding {
            file: m["url"].as_str().map_or_else(PathBuf::new, |u| PathBuf::from(percent_decode(file_path(u)))),
            line: m["lastLine"].as_u64().or(m["firstLine"].as_u64()).unwrap_or(0),
            column: m["firstColumn"].as_u64().or(m["lastColumn"].as_u64()).unwrap_or(0),
            message: format!("{}: {}", m["type"].as_str().unwrap_or("?"), m["message"].as_str().unwrap_or("")),
            extract: m["extract"].as_str().unwrap_or("").replace('\n', " "),
        })
        .collect()
}

/// `file:/a/b` or `file:///a/b` → `/a/b`.
fn file_path(url: &str) -> &str {
    let path = url.strip_prefix("file:").unwrap_or(url);
    if path.starts_with("///") { &path[2..] } else { path }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The search page of the shipped site as the browser shows it: after a
/// query, and with the header box's suggestions open and one of them active.
/// Each is written to `dir` as a file; returns their paths.
fn search_doms(out: &Path, dir: &Path) -> Vec<PathBuf> {
    let Some(bin) = chromium() else { return Vec::new() };
    let url = format!("{}?q=%E8%A1%8C%E6%94%BF%E8%AE%B8%E5%8F%AF", file_url(&out.join("search.html")));
    let mut page = common::devtools::open(&bin, &url, (1280, 900));
    page.wait_for("document.documentElement.getAttribute('data-search-state') === 'done'");
    page.wait_for("document.querySelectorAll('[data-search-results] [data-search-result]').length > 0");
    let results = page.markup();
    page.eval("document.getElementById('site-search-q').focus()");
    page.type_text("收支两条线");
    page.wait_for("document.querySelectorAll('[role=listbox] [role=option]').length > 0");
    page.press("ArrowDown");
    page.wait_for("!!document.getElementById('site-search-q').getAttribute('aria-activedescendant')");
    let suggestions = page.markup();
    std::fs::create_dir_all(dir).unwrap();
    let mut files = Vec::new();
    for (name, html) in [("search-results.html", results), ("search-suggestions.html", suggestions)] {
        std::fs::write(dir.join(name), html).unwrap();
        files.push(dir.join(name));
    }
    files
}

#[test]
fn every_built_page_is_valid_html() {
    let Some((java, jar)) = checker() else { return };
    let scratch = tempfile::tempdir().unwrap();
    let sites = build_all_sites(scratch.path());
    let mut files: Vec<PathBuf> = Vec::new();
    let mut sheets: Vec<PathBuf> = Vec::new();
    let mut seen: Vec<Vec<u8>> = Vec::new();
    for (_, out) in &sites {
        files.extend(html_files(out).into_iter().map(|p| out.join(p)));
        // The theme's images and style sheets; each distinct sheet once.
        for (path, bytes) in common::read_tree(&out.join("static")) {
            let file = out.join("static").join(&path);
            if path.ends_with(".svg") {
                files.push(file);
            } else if path.ends_with(".css") && !seen.contains(&bytes) {
                seen.push(bytes);
                sheets.push(file);
            }
        }
    }
    let pages = files.iter().filter(|p| p.extension().is_some_and(|e| e == "html")).count();
    let doms = search_doms(&sites[0].1, &scratch.path().join("dom"));
    let dom_count = doms.len();
    files.extend(doms);
    assert!(pages > 100, "only {pages} pages were built");

    let mut findings = run_checker(&java, &jar, &files, false);
    findings.extend(run_checker(&java, &jar, &sheets, true));
    files.extend(sheets);
    let named = |file: &Path| -> String {
        let file = file.strip_prefix(scratch.path()).unwrap_or(file);
        file.display().to_string()
    };
    let mut lines: Vec<String> = findings
        .iter()
        .map(|f| format!("{}:{}:{}: {}\n    {}", named(&f.file), f.line, f.column, f.message, f.extract))
        .collect();
    lines.sort();
    let mut with_errors: Vec<&Path> = findings.iter().map(|f| f.file.as_path()).collect();
    with_errors.sort();
    with_errors.dedup();
    println!(
        "checked {} files ({pages} built pages, {dom_count} search DOMs): {} errors in {} files",
        files.len(),
        findings.len(),
        with_errors.len()
    );
    assert!(findings.is_empty(), "{} errors in {} files:\n{}", findings.len(), with_errors.len(), lines.join("\n"));
}

#[test]
fn the_checker_reports_what_is_wrong() {
    let Some((java, jar)) = checker() else { return };
    let scratch = tempfile::tempdir().unwrap();
    let bad = scratch.path().join("bad page.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>t</title></head>\n<body>\n\
         <p id=\"a\">一</p>\n<p id=\"a\">二</p>\n<input type=\"search\" aria-expanded=\"false\">\n</body></html>\n",
    )
    .unwrap();
    let findings = run_checker(&java, &jar, std::slice::from_ref(&bad), false);
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert!(findings.iter().all(|f| f.file == bad), "{findings:?}");
    let at = |needle: &str| findings.iter().find(|f| f.message.contains(needle)).map(|f| f.line);
    assert_eq!(at("Duplicate ID “a”"), Some(5), "{findings:?}");
    assert_eq!(at("aria-expanded"), Some(6), "{findings:?}");
    let sheet = scratch.path().join("bad.css");
    std::fs::write(&sheet, "p { color: red; }\n.x { colr: red; }\n").unwrap();
    let findings = run_checker(&java, &jar, std::slice::from_ref(&sheet), true);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!((findings[0].file.as_path(), findings[0].line), (sheet.as_path(), 2), "{findings:?}");
}
