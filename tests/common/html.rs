//! Reading built pages as markup: the start tags of a page (comments, scripts
//! and styles skipped), the ids they carry, the ids used twice, and the sites
//! the tests build (the shipped site, every fixture site that must build and
//! the starter site of `shiyi init`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The start tags of `html`, each as its text between `<` and `>`, with the
/// contents of comments, `<script>` and `<style>` left out.
pub fn start_tags(html: &str) -> Vec<&str> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(close) = tag_end(rest) else { break };
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        let name: String =
            tag.chars().take_while(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
        if name.is_empty() {
            continue;
        }
        tags.push(tag);
        if name == "script" || name == "style" {
            let lower = rest.to_ascii_lowercase();
            rest = lower.find(&format!("</{name}")).map_or("", |end| &rest[end..]);
        }
    }
    tags
}

/// The index of the `>` that ends the tag starting at `s[0] == '<'`, past
/// quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The value of attribute `name` in a start tag (quoted either way or bare).
pub fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let key_end = rest.find(|c: char| c.is_whitespace() || c == '=' || c == '/').unwrap_or(rest.len());
        let key = &rest[..key_end];
        rest = rest[key_end..].trim_start();
        let mut value = None;
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, r) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let end = after[1..].find(q).map_or(after.len(), |e| e + 1);
                    (&after[1..end], after.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = Some(v);
            rest = r;
        }
        if key.eq_ignore_ascii_case(name) {
            return Some(value.unwrap_or(""));
        }
    }
}

/// Every `id` of the page, in order (entities other than `&amp;` are kept as written).
pub fn element_ids(html: &str) -> Vec<String> {
    start_tags(html).into_iter().filter_map(|t| attribute(t, "id")).map(|v| v.replace("&amp;", "&")).collect()
}

/// The ids `html` gives to more than one element, each with its count.
pub fn duplicate_ids(html: &str) -> BTreeMap<String, usize> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for id in element_ids(html) {
        *counts.entry(id).or_default() += 1;
    }
    counts.retain(|_, n| *n > 1);
    counts
}

/// The fixture sites that must build (those with a recorded `expected/`).
pub fn building_fixtures() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(super::repo_root().join("tests/fixtures"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("site.yaml").is_file() && p.join("expected").is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Builds the shipped site, every fixture site that must build and the
/// starter site of `shiyi init` into folders under `scratch`; returns each
/// site's name and output folder.
pub fn build_all_sites(scratch: &Path) -> Vec<(String, PathBuf)> {
    let mut sites = vec![("shipped site".to_string(), super::build_site(scratch))];
    let starter = scratch.join("starter");
    shiyi::scaffold::init(&starter, false).unwrap_or_else(|e| panic!("shiyi init: {e:?}"));
    let roots = building_fixtures().into_iter().map(|root| {
        let name = root.file_name().unwrap().to_string_lossy().into_owned();
        (format!("fixture {name}"), root)
    });
    for (name, root) in roots.chain([("starter site (shiyi init)".to_string(), starter)]) {
        let out = scratch.join(format!("out-{}", sites.len()));
        let outcome = shiyi::build(&shiyi::BuildOptions {
            root: root.clone(),
            output: Some(out.clone()),
            drafts: false,
            force: false,
        });
        assert_eq!(outcome.status, shiyi::Status::Success, "{name}: {}", outcome.report());
        sites.push((name, out));
    }
    sites
}

/// The HTML files of a built site, by path relative to it, sorted.
pub fn html_files(site: &Path) -> Vec<String> {
    super::read_tree(site).into_keys().filter(|p| p.ends_with(".html")).collect()
}
