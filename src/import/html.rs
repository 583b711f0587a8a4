//! Web pages saved from a government website to plain text.
//!
//! Parses the page with `scraper` (html5ever), finds the article text (the
//! usual content containers of such sites, or else the element holding the
//! most paragraphs), drops the page chrome around it (menus, scripts, share
//! buttons outside the article), and gives back the title, the metadata the
//! page states (`发布机关：`, `发布日期：`, `文号：` and their variants, from
//! labels or `<meta>` tags) as lines the text importer reads, and the
//! article's paragraphs and table rows, one per line.

use scraper::{ElementRef, Html, Selector};

/// Content containers used by common government site templates, best first.
const CONTAINERS: &[&str] = &[
    "#UCAP-CONTENT",
    ".pages_content",
    "#zoom",
    ".TRS_Editor",
    ".article-content",
    ".article_content",
    "#article",
    "article",
    "#content",
    ".content",
    "main",
];

/// Labels of metadata and the line the importer reads for each.
const LABELS: &[(&str, &str)] = &[
    ("发布机关", "发布机关"),
    ("发文机关", "发布机关"),
    ("发布日期", "发布日期"),
    ("发布时间", "发布日期"),
    ("成文日期", "成文日期"),
    ("发文字号", "文号"),
    ("文号", "文号"),
];

fn selector(s: &str) -> Selector {
    Selector::parse(s).expect("a fixed selector parses")
}

fn text_of(e: ElementRef<'_>) -> String {
    let raw: String = e.text().collect();
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn han_count(s: &str) -> usize {
    s.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count()
}

/// The element that holds the article.
fn content(page: &Html) -> Option<ElementRef<'_>> {
    for c in CONTAINERS {
        if let Some(e) = page.select(&selector(c)).find(|e| han_count(&text_of(*e)) >= 20) {
            return Some(e);
        }
    }
    // The parent of the most paragraphs.
    let p = selector("p");
    let mut best: Option<(usize, ElementRef<'_>)> = None;
    for para in page.select(&p) {
        let Some(parent) = para.parent().and_then(ElementRef::wrap) else { continue };
        let n = parent.children().filter_map(ElementRef::wrap).filter(|c| c.value().name() == "p").count();
        if best.is_none_or(|(m, _)| n > m) {
            best = Some((n, parent));
        }
    }
    best.map(|(_, e)| e).or_else(|| page.select(&selector("body")).next())
}

/// The paragraphs and table rows of the article, in order.
fn paragraphs(root: ElementRef<'_>) -> Vec<String> {
    let blocks = selector("p, h1, h2, h3, h4, h5, h6, li, tr, div");
    let mut lines = Vec::new();
    let mut rows_seen = 0;
    for e in root.select(&blocks) {
        let name = e.value().name();
        // A block inside a table row or a paragraph is part of that one.
        let inside = e
            .ancestors()
            .filter_map(ElementRef::wrap)
            .take_while(|a| a.id() != root.id())
            .any(|a| matches!(a.value().name(), "tr" | "p" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"));
        if inside {
            continue;
        }
        if name == "div"
            && e.children().filter_map(ElementRef::wrap).any(|c| {
                c.value().name() != "br"
                    && c.value().name() != "span"
                    && c.value().name() != "font"
                    && c.value().name() != "b"
                    && c.value().name() != "strong"
            })
        {
            continue;
        }
        if name == "tr" {
            let cells: Vec<String> = e
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .map(|c| text_of(c).replace('|', "｜"))
                .collect();
            lines.push(format!("| {} |", cells.join(" | ")));
            let first_row = e.prev_siblings().filter_map(ElementRef::wrap).all(|s| s.value().name() != "tr");
            if first_row {
                lines.push(format!("|{}", " --- |".repeat(cells.len().max(1))));
            }
            rows_seen += 1;
            continue;
        }
        let text = text_of(e);
        if !text.is_empty() {
            lines.push(text);
        }
    }
    if lines.is_empty() && rows_seen == 0 {
        lines = root
            .text()
            .flat_map(|t| t.split('\n'))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect();
    }
    lines
}

/// Metadata lines (`发布日期：2020-01-02`) from labels anywhere in the page
/// and from `<meta>` tags.
fn metadata(page: &Html) -> Vec<String> {
    let mut found: Vec<(&str, String)> = Vec::new();
    let mut add = |key: &'static str, value: String| {
        let value = value.trim().trim_start_matches(['：', ':']).trim().to_string();
        if !value.is_empty() && !found.iter().any(|(k, _)| *k == key) {
            found.push((key, value));
        }
    };
    for e in page.select(&selector("td, th, span, li, p, div, dt, dd, b, strong, label")) {
        let own = text_of(e);
        for (label, key) in LABELS {
            let Some(rest) = own.strip_prefix(label) else { continue };
            let rest = rest.trim_start();
            if rest.is_empty() || rest == "：" || rest == ":" {
                // The value is in the next cell or element.
                if let Some(next) = e.next_siblings().filter_map(ElementRef::wrap).next() {
                    add(key, text_of(next));
                }
            } else if rest.starts_with(['：', ':']) && own.chars().count() < 60 {
                let value: String = rest.chars().skip(1).collect();
                let value = value.split("  ").next().unwrap_or("").split(' ').next().unwrap_or("").to_string();
                add(key, value);
            }
        }
    }
    for (name, key) in [("PubDate", "发布日期"), ("firstpublishedtime", "发布日期")] {
        if let Some(m) = page.select(&selector(&format!("meta[name=\"{name}\"]"))).next()
            && let Some(v) = m.value().attr("content")
        {
            add(key, v.to_string());
        }
    }
    found.into_iter().map(|(k, v)| format!("{k}：{v}")).collect()
}

fn title(page: &Html, lines: &[String]) -> Option<String> {
    if let Some(m) = page.select(&selector("meta[name=\"ArticleTitle\"]")).next()
        && let Some(v) = m.value().attr("content")
        && !v.trim().is_empty()
    {
        return Some(v.trim().to_string());
    }
    if let Some(h) = page.select(&selector("h1")).map(text_of).find(|t| han_count(t) >= 4) {
        return Some(h);
    }
    let t = page.select(&selector("title")).next().map(text_of)?;
    let t = t.split(['_', '|']).next().unwrap_or("").trim().to_string();
    (!t.is_empty() && lines.first().is_none_or(|l| *l != t)).then_some(t)
}

/// The text of a saved web page (see the module doc).
pub fn page_text(html: &str) -> String {
    let page = Html::parse_document(html);
    let Some(root) = content(&page) else { return String::new() };
    let mut lines = paragraphs(root);
    let title = title(&page, &lines);
    if let Some(t) = &title {
        lines.retain(|l| l != t);
    }
    let mut out: Vec<String> = title.into_iter().collect();
    out.extend(metadata(&page));
    out.extend(lines);
    out.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_text_and_metadata_without_chrome() {
        let page = r#"<!DOCTYPE html><html><head><title>关于加强档案管理的通知_政策文件</title>
<script>var x = "菜单";</script></head><body>
<div class="nav"><a href="/">首页</a> <a href="/zc">政策</a></div>
<table class="meta"><tr><td>发文机关：</td><td>某省人民政府办公厅</td><td>发文字号：</td><td>某政办发〔2020〕5号</td></tr>
<tr><td>发布日期：</td><td>2020-03-05</td></tr></table>
<h1>关于加强档案管理的通知</h1>
<div id="UCAP-CONTENT"><p>各市人民政府：</p><p>一、提高认识</p><p>（一）加强领导。</p>
<table><tr><td>项目</td><td>要求</td></tr><tr><td>档案</td><td>齐全</td></tr></table></div>
<div class="footer">版权所有 网站地图</div></body></html>"#;
        let text = page_text(page);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "关于加强档案管理的通知");
        assert!(lines.contains(&"发布机关：某省人民政府办公厅"), "{text}");
        assert!(lines.contains(&"文号：某政办发〔2020〕5号"), "{text}");
        assert!(lines.contains(&"发布日期：2020-03-05"), "{text}");
        assert!(lines.contains(&"一、提高认识") && lines.contains(&"| 档案 | 齐全 |"), "{text}");
        assert!(!text.contains("版权所有") && !text.contains("首页") && !text.contains("菜单"), "{text}");
    }
}
