//! Real-browser checks of the built site: headless Chromium opens the pages
//! over `file://`, and the tests inspect the DOM after the scripts ran, the
//! relative links, the console, and take screenshots for review.
//!
//! Run with `cargo test --test browser -- --nocapture`. The tests need Debian's
//! `chromium` (`/usr/bin/chromium`); without it each test prints a skip line
//! and passes, unless `CI=true`, where a missing browser fails the test.
//! Screenshots are written to `target/screenshots/` (not committed).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::build_site;
use common::chromium::{LET_SCRIPTS_RUN, chromium, dump_dom, run_chromium};
use regex::Regex;
use tempfile::TempDir;

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// The value of attribute `name` in one start tag, as the DOM dump quotes it.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let re = Regex::new(&format!(r#"\s{name}="([^"]*)""#)).unwrap();
    re.captures(tag).map(|c| c.get(1).unwrap().as_str())
}

/// The top-level HTML pages of a built site.
fn pages(out: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<_> = fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    pages.sort();
    pages
}

#[test]
fn file_url_pages_render_the_directive() {
    let Some(bin) = chromium() else { return };
    let tmp = TempDir::new().unwrap();
    let out = build_site(tmp.path());

    let dom = dump_dom(&bin, &out.join("opinions.html"));
    for needle in [
        r#"<html lang="zh-CN""#,
        r#"id="sec_3__subsec_3__point_2__subpoint_3""#,
        r#"id="sec_6__subsec_3""#,
        r#"认真贯彻实施<a class="doc-link" href="laws/administrative-licensing-law.html""#,
    ] {
        assert!(dom.contains(needle), "opinions.html DOM lacks {needle}");
    }
    let link = Regex::new(r#"<a\s[^>]*class="permalink"[^>]*>([^<]*)</a>"#).unwrap();
    let visible = link.captures_iter(&dom).any(|c| {
        let tag = c.get(0).unwrap().as_str();
        attr(tag, "href") == Some("#sec_1")
            && attr(tag, "title") == Some("《具体意见》一")
            && attr(tag, "hidden").is_none()
            && !c[1].trim().is_empty()
    });
    assert!(visible, "no visible permalink to #sec_1 titled 《具体意见》一");

    let home = dump_dom(&bin, &out.join("index.html"));
    let hrefs: Vec<_> =
        Regex::new(r##"<a\s[^>]*href="([^"#]*)"##).unwrap().captures_iter(&home).map(|c| c[1].to_string()).collect();
    for target in ["opinions.html", "notice.html"] {
        assert!(hrefs.iter().any(|h| h == target), "index.html lacks a link to {target}: {hrefs:?}");
    }
}

#[test]
fn links_work_from_a_sub_path() {
    let Some(bin) = chromium() else { return };
    let tmp = TempDir::new().unwrap();
    let out = build_site(tmp.path());
    let site = tmp.path().join("a/b/site");
    for file in files(&out) {
        let copy = site.join(file.strip_prefix(&out).unwrap());
        fs::create_dir_all(copy.parent().unwrap()).unwrap();
        fs::copy(&file, &copy).unwrap();
    }
    let root = site.canonicalize().unwrap();
    let reference = Regex::new(r#"\s(?:href|src)="([^"]*)""#).unwrap();
    let stylesheet = Regex::new(r#"<link\s[^>]*rel="stylesheet""#).unwrap();
    let scheme = Regex::new(r"^[A-Za-z][A-Za-z0-9+.-]*:").unwrap();
    let mut problems = Vec::new();
    for page in pages(&site) {
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        let dom = dump_dom(&bin, &page);
        assert!(stylesheet.is_match(&dom), "{name}: no stylesheet link");
        for c in reference.captures_iter(&dom) {
            let value = c[1].replace("&amp;", "&");
            if ["http:", "https:", "//", "/"].iter().any(|p| value.starts_with(p)) {
                problems.push(format!("{name}: not relative: {value}"));
            } else if let Some(id) = value.strip_prefix('#') {
                if !id.is_empty() && !dom.contains(&format!(r#"id="{id}""#)) {
                    problems.push(format!("{name}: no element with id {id}"));
                }
            } else if !scheme.is_match(&value) {
                let path = value.split(['#', '?']).next().unwrap();
                let target = page.parent().unwrap().join(path);
                match target.canonicalize() {
                    Ok(t) if t.is_file() && t.starts_with(&root) => {}
                    _ => problems.push(format!("{name}: {value} does not resolve inside the site")),
                }
            }
        }
    }
    assert!(problems.is_empty(), "broken references:\n{}", problems.join("\n"));
}

#[test]
fn screenshots_for_review() {
    let Some(bin) = chromium() else { return };
    let tmp = TempDir::new().unwrap();
    let out = build_site(tmp.path());
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    fs::create_dir_all(&shots).unwrap();
    for page in ["index", "notice", "opinions"] {
        for (w, h) in [(1280, 900), (360, 800)] {
            let png = shots.join(format!("{page}-{w}x{h}.png"));
            let _ = fs::remove_file(&png);
            run_chromium(
                &bin,
                &out.join(format!("{page}.html")),
                &[
                    LET_SCRIPTS_RUN,
                    "--hide-scrollbars",
                    &format!("--window-size={w},{h}"),
                    &format!("--screenshot={}", png.display()),
                ],
            );
            let size = fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
            assert!(size > 5 * 1024, "{} is missing or only {size} bytes", png.display());
            println!("screenshot: {} ({size} bytes)", png.display());
        }
    }
}

#[test]
fn no_console_errors_and_no_outside_requests() {
    let Some(bin) = chromium() else { return };
    let tmp = TempDir::new().unwrap();
    let out = build_site(tmp.path());

    // Chromium logs every console message, console.error included, as
    // `INFO:CONSOLE`; the site's scripts never log, so any message counts.
    let page = out.join("opinions.html");
    let run = run_chromium(&bin, &page, &[LET_SCRIPTS_RUN, "--enable-logging=stderr", "--v=0", "--dump-dom"]);
    assert!(run.stdout.contains("</html>"), "no DOM dumped for opinions.html");
    let console: Vec<_> = run.stderr.lines().filter(|l| l.contains("Uncaught") || l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console output on opinions.html:\n{}", console.join("\n"));

    let outside =
        Regex::new(r#"(?i)(?:\b(?:src|href)\s*=\s*["']?|url\(\s*["']?|@import\s+["'])\s*(?:https?:|//)"#).unwrap();
    let mut found = Vec::new();
    for file in files(&out) {
        let text = String::from_utf8_lossy(&fs::read(&file).unwrap()).into_owned();
        for m in outside.find_iter(&text) {
            let end = text[m.end()..].find(['"', '\'', ')', ' ', '>']).map_or(text.len(), |i| m.end() + i);
            found.push(format!("{}: {}", file.strip_prefix(&out).unwrap().display(), &text[m.start()..end]));
        }
    }
    assert!(found.is_empty(), "outside URLs in the output:\n{}", found.join("\n"));
}
