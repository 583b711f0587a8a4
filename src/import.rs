//! Import: plain text in, shiyi Markdown out.
//!
//! [`import_directive`] turns a directive scraped from the web (paragraphs
//! separated by newlines or full-width spaces, page chrome such as
//! `发布时间：`, stray spaces) into one Markdown document per part: the
//! directive itself and each attachment (附件), with front matter, numbered
//! headings (`## 一、…`, `### （一）…`) and the signature block after `***`.
//! [`import_law`] adds front matter to a law text and leaves the text untouched.

use crate::clause::numbering::{Marker, parse_cn_numeral, parse_marker};
use crate::markdown::{tidy_spacing, trim_blank};
use crate::resolve::terms::{abbreviation_definitions, comparable_title};

/// One Markdown file produced by an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedFile {
    /// File name (`notice.md`).
    pub file_name: String,
    /// The whole file: front matter and body.
    pub markdown: String,
}

/// Choices for a directive import.
#[derive(Debug, Clone)]
pub struct DirectiveImport {
    /// Slug of the directive (`notice` → `notice.md`).
    pub slug: String,
    /// Slugs for the attachments, in order; missing ones become `SLUG-attachment-N`.
    pub attachment_slugs: Vec<String>,
    /// Where the text came from (front matter `source`).
    pub source: Option<String>,
}

/// Metadata labels that scraped pages put around the text.
const META_LABELS: &[&str] =
    &["发布时间", "发布日期", "信息来源", "来源", "成文日期", "索引号", "主题分类", "发文字号"];

/// The paragraph that announces attachments (`附件：`), kept as its own piece.
const ATTACHMENT_MARK: &str = "附件：";

/// Splits a raw paragraph where `附件：` or `注：` starts after whitespace
/// (scraped pages run the signature date, `附件：`, the attachment title and a
/// closing note together, separated only by ordinary spaces). `附件：` becomes
/// a piece of its own; a note starts a new piece.
fn split_marks(raw: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = raw;
    loop {
        let found = ["附件", "注"]
            .iter()
            .filter_map(|mark| {
                rest.match_indices(mark).find(|(i, _)| {
                    *i > 0
                        && rest[..*i].ends_with(char::is_whitespace)
                        && rest[i + mark.len()..].starts_with(['：', ':'])
                })
            })
            .min_by_key(|(i, _)| *i);
        let Some((i, mark)) = found else { break };
        out.push(&rest[..i]);
        if mark == "附件" {
            out.push(ATTACHMENT_MARK);
            let after = &rest[i + mark.len()..];
            let colon = after.chars().next().map_or(0, char::len_utf8);
            rest = &after[colon..];
        } else {
            rest = &rest[i..];
        }
    }
    out.push(rest);
    out
}

/// Paragraphs of scraped text: split at line breaks and full-width spaces.
fn paragraphs(text: &str) -> Vec<String> {
    text.split(['\n', '\r', '\u{3000}'])
        .flat_map(split_marks)
        .map(trim_blank)
        .filter(|p| !p.is_empty())
        .map(tidy_spacing)
        .filter(|p| !p.is_empty())
        .collect()
}

/// `2005年07月31日` or `2005-07-31` → `2005-07-31`.
fn arabic_date(text: &str) -> Option<String> {
    let digits: Vec<u32> =
        text.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok()).collect();
    match digits.as_slice() {
        [y, m, d, ..] if *y > 1900 && (1..=12).contains(m) && (1..=31).contains(d) => {
            Some(format!("{y:04}-{m:02}-{d:02}"))
        }
        _ => None,
    }
}

/// `二○○五年七月二十二日` → `2005-07-22`.
fn chinese_date(text: &str) -> Option<String> {
    let (year, rest) = text.split_once('年')?;
    let (month, rest) = rest.split_once('月')?;
    let day = rest.strip_suffix('日')?;
    let (y, m, d) = (parse_cn_numeral(year)?, parse_cn_numeral(month)?, parse_cn_numeral(day)?);
    ((1900..3000).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Escapes characters that Markdown would read as formatting, so the text
/// renders exactly as written.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '<' | '>' | '#' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// True for a numbered line that reads as a heading: short, no sentence end.
fn is_title_like(rest: &str) -> bool {
    rest.chars().count() <= 40 && !rest.contains(['。', '；', '：']) && !rest.ends_with(['，', '、'])
}

fn quote(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// The body of one part as Markdown.
fn body_markdown(paragraphs: &[String], closing: &[String]) -> String {
    let mut out = String::new();
    for p in paragraphs {
        let line = match parse_marker(p) {
            Some((Marker::CnEnum(_), rest)) if is_title_like(rest) => {
                format!("## {}", escape_markdown(p))
            }
            Some((Marker::CnParen(_), rest)) if is_title_like(rest) => {
                format!("### {}", escape_markdown(p))
            }
            _ => escape_markdown(p),
        };
        out.push_str(&line);
        out.push_str("\n\n");
    }
    if !closing.is_empty() {
        out.push_str("***\n\n");
        for p in closing {
            out.push_str(&escape_markdown(p));
            out.push_str("\n\n");
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

struct Part {
    title: String,
    body: Vec<String>,
    closing: Vec<String>,
}

/// The trailing signature (issuer line, then a Chinese date line) and notes
/// (`注：…`) of a part move to its closing.
fn split_closing(body: &mut Vec<String>) -> (Vec<String>, Option<String>, Option<String>) {
    let mut closing = Vec::new();
    let mut issuer = None;
    let mut signed = None;
    while body.last().is_some_and(|p| p.starts_with("注：") || p.starts_with("注:")) {
        closing.insert(0, body.pop().unwrap_or_default());
    }
    if let Some(date) = body.last().and_then(|p| chinese_date(p)) {
        signed = Some(date);
        closing.insert(0, body.pop().unwrap_or_default());
        if let Some(name) = body.last()
            && name.chars().count() <= 40
            && !name.contains(['，', '。', '；', '：'])
        {
            issuer = Some(name.clone());
            closing.insert(0, body.pop().unwrap_or_default());
        }
    }
    (closing, issuer, signed)
}

/// Imports a plain-text directive with its attachments.
pub fn import_directive(text: &str, options: &DirectiveImport) -> Result<Vec<ImportedFile>, String> {
    let mut paras = paragraphs(text);
    if paras.is_empty() {
        return Err("the file has no text".into());
    }
    // Title and page chrome.
    let mut title = paras.remove(0);
    let mut date = None;
    paras.retain(|p| {
        let label = META_LABELS.iter().find(|l| p.starts_with(*l) && p[l.len()..].starts_with(['：', ':']));
        match label {
            Some(&l) => {
                if l.starts_with("发布") {
                    date = arabic_date(p);
                }
                false
            }
            None => true,
        }
    });
    let mut doc_number = None;
    if let Some(open) = title.rfind(['（', '('])
        && title.ends_with(['）', ')'])
        && title.ends_with("号）")
    {
        let inner_start = open + title[open..].chars().next().map_or(1, char::len_utf8);
        doc_number = Some(title[inner_start..title.len() - '）'.len_utf8()].to_string());
        title.truncate(open);
    }

    // Parts: the directive, then each 附件.
    let mut parts = vec![Part { title: title.clone(), body: Vec::new(), closing: Vec::new() }];
    let mut expect_title = false;
    for p in paras {
        let announced = p.strip_prefix(ATTACHMENT_MARK).or_else(|| p.strip_prefix("附件:"));
        if let Some(title) = announced {
            if title.is_empty() {
                expect_title = true;
            } else {
                parts.push(Part { title: title.to_string(), body: Vec::new(), closing: Vec::new() });
            }
        } else if expect_title {
            parts.push(Part { title: p, body: Vec::new(), closing: Vec::new() });
            expect_title = false;
        } else if let Some(part) = parts.last_mut() {
            part.body.push(p);
        }
    }

    let notice_text = parts[0].body.join("");
    let abbreviations = abbreviation_definitions(&notice_text);
    let mut files = Vec::new();
    let mut main_issuer = None;
    let mut main_signed = None;
    for (index, part) in parts.iter_mut().enumerate() {
        let (closing, issuer, signed) = split_closing(&mut part.body);
        part.closing = closing;
        if index == 0 {
            main_issuer = issuer;
            main_signed = signed;
        }
    }
    for (index, part) in parts.iter().enumerate() {
        let slug = if index == 0 {
            options.slug.clone()
        } else {
            options
                .attachment_slugs
                .get(index - 1)
                .cloned()
                .unwrap_or_else(|| format!("{}-attachment-{index}", options.slug))
        };
        let short_title = if index == 0 {
            ["通知", "意见", "决定", "办法", "规定", "通报", "条例"]
                .iter()
                .find(|g| part.title.ends_with(*g))
                .map(|g| g.to_string())
        } else {
            let wanted = comparable_title(&part.title);
            abbreviations.iter().find(|(full, _)| comparable_title(full) == wanted).map(|(_, s)| s.clone())
        };
        let mut front = format!("---\ntitle: {}\nkind: directive\n", quote(&part.title));
        if let Some(s) = &short_title {
            front.push_str(&format!("short_title: {}\n", quote(s)));
        }
        if index == 0
            && let Some(n) = &doc_number
        {
            front.push_str(&format!("doc_number: {}\n", quote(n)));
        }
        if let Some(issuer) = &main_issuer {
            front.push_str(&format!("issuer: {}\n", quote(issuer)));
        }
        if let Some(s) = &main_signed {
            front.push_str(&format!("signed: {s}\n"));
        }
        if let Some(d) = &date {
            front.push_str(&format!("date: {d}\n"));
        }
        front.push_str(&format!("weight: {}\n", index + 1));
        if index > 0 {
            front.push_str(&format!("attachment_of: {}\n", quote(&options.slug)));
        }
        if let Some(note) = part.closing.iter().find_map(|p| p.strip_prefix("注：").or_else(|| p.strip_prefix("注:")))
        {
            front.push_str(&format!("note: {}\n", quote(&format!("原文注：{note}"))));
        }
        if let Some(source) = &options.source {
            front.push_str(&format!("source: {}\n", quote(source)));
        }
        front.push_str("---\n\n");
        let mut closing = part.closing.clone();
        if index == 0 {
            for attachment in &parts[1..] {
                closing.push(format!("附件：{}", attachment.title));
            }
        }
        files.push(ImportedFile {
            file_name: format!("{slug}.md"),
            markdown: front + &body_markdown(&part.body, &closing),
        });
    }
    Ok(files)
}

/// Imports a law text (a `# title` line, history lines, `<!-- INFO END -->`,
/// the articles): front matter is added, the text is kept byte for byte.
/// `slug` names the output file; the version date is read from the source
/// file's name (`广告法(2021-04-29)`, `advertising_law_2021-04-29`).
pub fn import_law(text: &str, slug: &str, source_name: &str, note: Option<&str>) -> Result<ImportedFile, String> {
    let title = text
        .lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_string())
        .ok_or("a law file must start with a `# title` line")?;
    let short = title.strip_prefix("中华人民共和国").unwrap_or(&title).to_string();
    let version =
        source_name.rsplit(['_', '(', '（']).next().and_then(|tail| arabic_date(tail.trim_end_matches([')', '）'])));
    let mut front = format!("---\ntitle: {}\nkind: law\nshort_title: {}\n", quote(&title), quote(&short));
    if let Some(v) = &version {
        front.push_str(&format!("version_date: {v}\n"));
    }
    let note = match (note, &version) {
        (Some(n), _) => Some(n.to_string()),
        (None, Some(v)) => Some(format!("本文为{}版本的文本，不一定是引用它的文件成文时施行的版本。", v)),
        (None, None) => None,
    };
    if let Some(n) = note {
        front.push_str(&format!("note: {}\n", quote(&n)));
    }
    front.push_str("---\n");
    Ok(ImportedFile { file_name: format!("{slug}.md"), markdown: front + text })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing() {
        assert_eq!(tidy_spacing("2005- 2010年"), "2005-2010年");
        assert_eq!(tidy_spacing("纲要 》 的具体意见"), "纲要》的具体意见");
        assert_eq!(tidy_spacing("2006 年"), "2006年");
        assert_eq!(tidy_spacing("ISO  9000 标准"), "ISO 9000标准");
    }

    #[test]
    fn dates() {
        assert_eq!(chinese_date("二○○五年七月二十二日").as_deref(), Some("2005-07-22"));
        assert_eq!(arabic_date("发布时间：2005年07月31日").as_deref(), Some("2005-07-31"));
        assert_eq!(chinese_date("二○○五年"), None);
    }

    #[test]
    fn directive_with_attachment() {
        let text = "关于印发《意见》的通知（某字[2005]1号）\n发布时间：2005年07月31日\n　　现将《甲的意见》（以下简称《意见》）印发。　　某党组　　二○○五年七月二十二日 附件： 甲的意见　　一、总体要求　　（一）指导思想　　以……为指导。　　1.坚持。　　注：《方案》略";
        let opts = DirectiveImport { slug: "n".into(), attachment_slugs: vec!["a".into()], source: None };
        let files = import_directive(text, &opts).unwrap();
        assert_eq!(files.len(), 2);
        let n = &files[0].markdown;
        assert!(n.contains("doc_number: \"某字[2005]1号\""), "{n}");
        assert!(n.contains("signed: 2005-07-22") && n.contains("date: 2005-07-31"), "{n}");
        assert!(n.contains("***\n\n某党组\n\n二○○五年七月二十二日\n\n附件：甲的意见\n"), "{n}");
        let a = &files[1].markdown;
        assert!(a.contains("short_title: \"意见\""), "{a}");
        assert!(
            a.contains("## 一、总体要求\n\n### （一）指导思想\n\n以……为指导。\n\n1.坚持。\n\n***\n\n注：《方案》略\n"),
            "{a}"
        );
    }

    #[test]
    fn law_text_is_untouched() {
        let text = "# 中华人民共和国广告法\n\n<!-- INFO END -->\n\n第一条 为了……";
        let f = import_law(text, "advertising-law", "advertising_law_2021-04-29", None).unwrap();
        assert!(f.markdown.ends_with(text));
        assert!(f.markdown.contains("short_title: \"广告法\"\nversion_date: 2021-04-29\n"));
    }
}
