//! Every text of both law corpora (tests/data/laws and tests/data/laws-extra,
//! copied from the shared corpus) imported with `import --kind law` and built:
//!
//! - the build has no errors;
//! - the page text is the source text: every source line verbatim, exactly
//!   once, in order (nothing lost, nothing shown twice);
//! - the page's articles are exactly the source's `第X条` line starts;
//! - a schedule after the last article (`附：`, `附表`, `附录`, `附件`) is an
//!   annex, not part of the last article;
//! - a line inside a quotation (the new wording an amending item quotes) is
//!   never a numbered clause: it is shown whole inside a `<blockquote>`;
//! - no id is used twice in the page.
//!
//! The test reports the files that fail each check and how many pass.

use std::path::{Path, PathBuf};

use shiyi::clause::numbering::{Marker, parse_marker};
use shiyi::import::import_law;
use shiyi::{BuildOptions, Status};

const FOLDERS: [&str; 2] = ["tests/data/laws", "tests/data/laws-extra"];

/// Source files whose own `第X条` line starts are not all articles.
fn articles_override(file: &str) -> Option<Vec<String>> {
    match file {
        // 第三十二条–第五十二条; the 第一百二十三条… lines belong to the
        // constitutional text that 第五十二条 inserts.
        "constitution_amendment_2018.md" => Some((32..=52).map(|n| format!("art_{n}")).collect()),
        _ => None,
    }
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '\u{200b}').collect()
}

fn decode(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// Visible text of an HTML fragment, permalinks removed, whitespace squeezed.
fn visible(html: &str) -> String {
    let no_links = regex::Regex::new(r#"<a class="permalink"[^>]*>[^<]*</a>"#).unwrap().replace_all(html, "");
    let no_tags = regex::Regex::new(r"<[^>]*>").unwrap().replace_all(&no_links, "");
    squeeze(&decode(&no_tags))
}

/// The lines of a source file as the page must show them: the `# title`
/// line (the page's heading), comment lines and blank lines left out,
/// heading marks and table pipes removed.
fn shown_lines(text: &str, title: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{200b}');
        if t.is_empty() || (t.starts_with("<!--") && t.ends_with("-->")) {
            continue;
        }
        if t.strip_prefix("# ").is_some_and(|h| h.trim() == title) {
            continue;
        }
        if t.starts_with('|') {
            if t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
                continue;
            }
            out.push(squeeze(&t.replace('|', "")));
            continue;
        }
        out.push(squeeze(t.trim_start_matches('#')));
    }
    out
}

/// `art_N` / `art_N-M` for each line after `<!-- INFO END -->` that starts
/// with `第X条` (or `第X条之Y`) and a space.
fn source_articles(text: &str) -> Vec<String> {
    let body = text.split_once("<!-- INFO END -->").map_or(text, |(_, b)| b);
    body.lines()
        .filter_map(|l| match parse_marker(l) {
            Some((Marker::Article(n, sub), _)) if l.starts_with('第') => {
                let head = l.split([' ', '\u{3000}']).next().unwrap_or("");
                (head.len() < l.len()).then(|| if sub == 0 { format!("art_{n}") } else { format!("art_{n}-{sub}") })
            }
            _ => None,
        })
        .collect()
}

/// Lines of the body that lie inside a quotation opened on an earlier line
/// (`修改为：“…` with no closing `”`) and start with a number.
fn quoted_numbered_lines(text: &str) -> Vec<String> {
    let body = text.split_once("<!-- INFO END -->").map_or(text, |(_, b)| b);
    let mut open = false;
    let mut out = Vec::new();
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let inner = if open { line.strip_prefix('“').unwrap_or(line) } else { line };
        if open && parse_marker(inner).is_some() && inner == line {
            out.push(line.to_string());
        }
        let opens = inner.matches('“').count();
        let closes = inner.matches('”').count();
        open = if open { closes <= opens } else { opens > closes };
    }
    out
}

/// The article ids of a page, in order.
fn page_articles(html: &str) -> Vec<String> {
    regex::Regex::new(r#"<section class="clause article" id="([^"]+)""#)
        .unwrap()
        .captures_iter(html)
        .map(|c| c[1].to_string())
        .collect()
}

fn doc_text(html: &str) -> &str {
    let start = html.find("<div class=\"doc-text\">").unwrap_or(0);
    let end = html[start..].find("<footer class=\"print-footer\"").map_or(html.len(), |e| start + e);
    let end = html[start..end].find("<nav class=\"pager\"").map_or(end, |e| start + e);
    &html[start..end]
}

/// Checks one corpus file; `Err` lists what is wrong with it.
fn check_file(path: &Path, work: &Path) -> Result<(), Vec<String>> {
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).unwrap();
    let mut wrong = Vec::new();
    let imported = match import_law(&text, "doc", &stem, None) {
        Ok(f) => f,
        Err(e) => return Err(vec![format!("import: {e}")]),
    };
    let site = work.join(&stem);
    std::fs::create_dir_all(site.join("content/laws")).unwrap();
    std::fs::write(site.join("site.yaml"), "title: 语料\nhandouts: false\n").unwrap();
    std::fs::write(site.join("content/laws").join(&imported.file_name), &imported.markdown).unwrap();
    let outcome = shiyi::check(&BuildOptions { root: site, output: None, drafts: false, force: false });
    if outcome.status != Status::Success {
        let first: Vec<String> = outcome.report().lines().take(8).map(String::from).collect();
        return Err(vec![format!("build failed:\n{}", first.join("\n"))]);
    }
    let rendered = outcome.rendered.unwrap();
    let html = String::from_utf8(rendered.files["laws/doc.html"].clone()).unwrap();
    let title = text.lines().find_map(|l| l.strip_prefix("# ")).unwrap_or("").trim().to_string();

    // Every source line verbatim, once, in order.
    let expected: String = shown_lines(&text, &title).concat();
    let shown = visible(doc_text(&html));
    if shown != expected {
        let at = shown.chars().zip(expected.chars()).take_while(|(a, b)| a == b).count();
        let context = |s: &str| s.chars().skip(at.saturating_sub(10)).take(40).collect::<String>();
        wrong.push(format!("text differs at char {at}: page `{}` vs source `{}`", context(&shown), context(&expected)));
    }

    // Articles.
    let want = articles_override(&file).unwrap_or_else(|| source_articles(&text));
    let got = page_articles(&html);
    if got != want {
        let first = got.iter().zip(&want).position(|(a, b)| a != b).unwrap_or(got.len().min(want.len()));
        wrong.push(format!(
            "articles: {} on the page, {} in the source, first difference at {first}: {:?} vs {:?}",
            got.len(),
            want.len(),
            got.get(first),
            want.get(first)
        ));
    }

    // Schedules after the last article.
    let body = text.split_once("<!-- INFO END -->").map_or(text.as_str(), |(_, b)| b);
    let lines: Vec<&str> = body.lines().collect();
    let last_article = lines.iter().rposition(|l| matches!(parse_marker(l), Some((Marker::Article(..), _))));
    if let Some(i) = last_article {
        let schedule = lines[i + 1..].iter().copied().map(str::trim).find(|l| {
            ["附表", "附录", "附件", "附："].iter().any(|p| l.starts_with(p)) && l.chars().count() < 60
                || *l == "附"
                || l.starts_with("## 附件")
        });
        if let Some(line) = schedule {
            let last_id = got.last().cloned().unwrap_or_default();
            let start = html.find(&format!("id=\"{last_id}\"")).unwrap_or(0);
            let end = html[start..].find("</section>").map_or(html.len(), |e| start + e);
            let shown_line = squeeze(line.trim_start_matches('#'));
            let paragraphs = regex::Regex::new(r#"(?s)<p class="clause-text">(.*?)</p>"#).unwrap();
            if paragraphs.captures_iter(&html[start..end]).any(|p| visible(&p[1]).starts_with(&shown_line)) {
                wrong.push(format!("schedule `{line}` is inside the last article {last_id}"));
            }
            if !html.contains("class=\"clause annex\"") {
                wrong.push(format!("schedule `{line}` is not an annex"));
            }
        }
    }

    // Quoted wording is never a numbered clause.
    for line in quoted_numbered_lines(&text) {
        let escaped = line.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        let Some(at) = html.find(&escaped) else {
            wrong.push(format!("quoted line `{line}` is not shown whole (its number was split off)"));
            continue;
        };
        let opened = html[..at].rfind("<blockquote");
        let closed = html[..at].rfind("</blockquote>");
        if opened.is_none() || closed > opened {
            wrong.push(format!("quoted line `{line}` is not inside a quotation"));
        }
    }

    // Ids.
    let mut ids: Vec<&str> = regex::Regex::new(r#" id="([^"]+)""#)
        .unwrap()
        .captures_iter(&html)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    if ids.len() != before {
        wrong.push(format!("{} ids used twice", before - ids.len()));
    }

    if wrong.is_empty() { Ok(()) } else { Err(wrong) }
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in FOLDERS {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
        let mut these: Vec<PathBuf> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("README.md"))
            .collect();
        these.sort();
        files.extend(these);
    }
    files
}

#[test]
fn every_corpus_text_imports_and_builds_exactly() {
    let files = corpus_files();
    assert_eq!(files.len(), 42 + 26, "both corpus folders are complete");
    let work = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for path in &files {
        if let Err(wrong) = check_file(path, work.path()) {
            failures.push(format!("{}:\n  {}", path.display(), wrong.join("\n  ")));
        }
    }
    eprintln!("corpus: {} of {} files right", files.len() - failures.len(), files.len());
    assert!(failures.is_empty(), "{} files wrong:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_checks_catch_what_they_look_for() {
    // The quotation scanner sees the numbered lines of a quoted wording.
    let text =
        "<!-- INFO END -->\n一、将第二条修改为：\n“人民法院受理下列案件：\n1.甲案件；\n2.乙案件。”\n二、删除第三条。\n";
    assert_eq!(quoted_numbered_lines(text), ["1.甲案件；", "2.乙案件。”"]);
    let text = "<!-- INFO END -->\n一、修改为：“甲：\n“（一）乙；\n“（二）丙。”\n二、删除。\n";
    assert_eq!(quoted_numbered_lines(text), Vec::<String>::new(), "lines opened by “ are not bare numbers");
    assert_eq!(source_articles("<!-- INFO END -->\n第一条 甲\n第二条之一　乙\n第三条的决定\n"), ["art_1", "art_2-1"]);
    assert_eq!(shown_lines("# 法\n\n## 第一章 总 则\n| a | b |\n|---|---|\n", "法"), ["第一章总则", "ab"]);
}

/// The article-numbered rules of the extra corpus, imported as plain text
/// (the `--kind directive` default), keep their articles.
#[test]
fn article_numbered_rules_imported_as_plain_text_keep_their_articles() {
    use shiyi::import::{DirectiveImport, import_directive};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/laws-extra");
    let work = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for n in 1..=10 {
        let text = std::fs::read_to_string(root.join(format!("articles_{n:02}.md"))).unwrap();
        let title = text.lines().find_map(|l| l.strip_prefix("# ")).unwrap().trim().to_string();
        let body = text.split_once("<!-- INFO END -->").unwrap().1;
        // As a scraped page gives it: full-width spaces after the numbers.
        let plain = format!("{title}\n{}", body.replace("条 ", "条\u{3000}"));
        let files = import_directive(&plain, &DirectiveImport::new("rule")).unwrap();
        let site = work.path().join(format!("a{n}"));
        std::fs::create_dir_all(site.join("content")).unwrap();
        std::fs::write(site.join("site.yaml"), "title: 语料\nhandouts: false\n").unwrap();
        for f in &files {
            std::fs::write(site.join("content").join(&f.file_name), &f.markdown).unwrap();
        }
        let outcome = shiyi::check(&BuildOptions { root: site, output: None, drafts: false, force: false });
        assert_eq!(outcome.status, Status::Success, "articles_{n:02}: {}", outcome.report());
        let html = String::from_utf8(outcome.rendered.unwrap().files["rule.html"].clone()).unwrap();
        assert_eq!(page_articles(&html), source_articles(&text), "articles_{n:02}");
        checked += 1;
    }
    assert_eq!(checked, 10);
}
