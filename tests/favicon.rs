//! Every page of every built site links the theme's icon with a relative
//! URL that names a file of the site, so browsers never ask for a
//! `/favicon.ico` the site does not have, from `file://` or any sub-path.

mod common;

use std::path::Path;

use common::html::{attribute, build_all_sites, html_files, start_tags};

/// The `href` of the page's `<link rel="icon">`, if it has one.
fn icon_href(html: &str) -> Option<String> {
    start_tags(html)
        .into_iter()
        .filter(|t| t.get(..5).is_some_and(|n| n.eq_ignore_ascii_case("link ")))
        .find(|t| attribute(t, "rel").is_some_and(|r| r.split_whitespace().any(|w| w.eq_ignore_ascii_case("icon"))))
        .and_then(|t| attribute(t, "href").map(str::to_string))
}

#[test]
fn every_page_links_an_icon_that_exists() {
    let scratch = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    let mut pages = 0;
    for (name, out) in build_all_sites(scratch.path()) {
        let icon = out.join("static/favicon.svg");
        let svg = std::fs::read_to_string(&icon).unwrap_or_default();
        assert!(svg.starts_with("<svg") && svg.contains("viewBox"), "{name}: no SVG icon at static/favicon.svg");
        for path in html_files(&out) {
            pages += 1;
            let html = std::fs::read_to_string(out.join(&path)).unwrap();
            let Some(href) = icon_href(&html) else {
                problems.push(format!("{name}: {path}: no <link rel=\"icon\">"));
                continue;
            };
            if href.contains(':') || href.starts_with('/') {
                problems.push(format!("{name}: {path}: icon link `{href}` is not relative"));
                continue;
            }
            let base = Path::new(&path).parent().unwrap_or(Path::new(""));
            let target = out.join(base).join(&href);
            let same = target.canonicalize().ok() == icon.canonicalize().ok();
            if !same {
                problems.push(format!("{name}: {path}: icon link `{href}` does not name static/favicon.svg"));
            }
        }
    }
    assert!(pages > 100, "only {pages} pages were built");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_icon_link_is_read_from_the_head() {
    let page =
        "<head><link rel=\"stylesheet\" href=\"a.css\"><LINK REL=\"shortcut icon\" href='../static/i.svg'></head>";
    assert_eq!(icon_href(page).as_deref(), Some("../static/i.svg"));
    assert_eq!(icon_href("<link rel=\"stylesheet\" href=\"a.css\">"), None);
}
