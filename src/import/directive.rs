//! Directives: plain text in, one Markdown document per part out.
//!
//! [`import_directive`] turns a directive scraped from the web (paragraphs
//! separated by newlines or full-width spaces, page chrome such as
//! `发布时间：`, stray spaces) into one Markdown document per part: the
//! directive itself and each attachment (附件), with front matter, numbered
//! headings (`## 一、…`, `### （一）…`) and the signature block after `***`.

use super::notice::split_parts;
use crate::clause::numbering::{Marker, parse_marker};
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
#[derive(Debug, Clone, Default)]
pub struct DirectiveImport {
    /// Slug of the directive (`notice` → `notice.md`).
    pub slug: String,
    /// Slugs for the attachments, in order; missing ones become `SLUG-attachment-N`.
    pub attachment_slugs: Vec<String>,
    /// Where the text came from (front matter `source`).
    pub source: Option<String>,
}

impl DirectiveImport {
    /// An import into `SLUG.md`, attachments named `SLUG-attachment-N`.
    pub fn new(slug: &str) -> DirectiveImport {
        DirectiveImport { slug: slug.to_string(), ..DirectiveImport::default() }
    }
}

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

/// A piece of scraped text tidied; the space after a structural number
/// (`第一条 为了…`) is kept, since the number needs it.
fn tidy_piece(piece: &str) -> String {
    if let Some((m, rest)) = parse_marker(piece)
        && (m.is_statute_structure() || matches!(m, Marker::Part(_)))
        && !rest.is_empty()
    {
        let label = piece[..piece.len() - rest.len()].trim_end();
        return format!("{label} {}", tidy_spacing(rest));
    }
    tidy_spacing(piece)
}

/// True for a piece that is only a structural number (`第一条`, `第一章`).
fn bare_number(piece: &str) -> bool {
    matches!(parse_marker(piece), Some((m, "")) if m.is_statute_structure() || matches!(m, Marker::Part(_)))
}

/// Paragraphs of scraped text: split at line breaks and full-width spaces;
/// a structural number split from its text (`第一条　为了…`) is joined to it
/// again, and table rows (`| a | b |`) are kept as they are.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut joins_next = false;
    for line in text.split(['\n', '\r']) {
        let row = trim_blank(line);
        if row.starts_with('|') && row.ends_with('|') && row.len() > 1 {
            out.push(row.to_string());
            joins_next = false;
            continue;
        }
        let pieces = line.split('\u{3000}').flat_map(split_marks).map(trim_blank).filter(|p| !p.is_empty());
        for piece in pieces.map(tidy_piece).filter(|p| !p.is_empty()) {
            match out.last_mut() {
                Some(last) if joins_next => last.push_str(&format!(" {piece}")),
                _ => out.push(piece.clone()),
            }
            joins_next = bare_number(out.last().map_or("", String::as_str));
        }
    }
    out
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

pub(super) fn quote(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// The body of one part as Markdown.
fn body_markdown(paragraphs: &[String], closing: &[String]) -> String {
    let mut out = String::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if p.starts_with('|') {
            out.push_str(p);
            let next_is_row = paragraphs.get(i + 1).is_some_and(|n| n.starts_with('|'));
            out.push_str(if next_is_row { "\n" } else { "\n\n" });
            continue;
        }
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

/// Imports a plain-text directive with its attachments.
pub fn import_directive(text: &str, options: &DirectiveImport) -> Result<Vec<ImportedFile>, String> {
    let paras = paragraphs(text);
    if paras.is_empty() {
        return Err("the file has no text".into());
    }
    let (meta, parts) = split_parts(paras);
    let notice_text = parts[0].body.join("");
    let abbreviations = abbreviation_definitions(&notice_text);
    let issuer = parts[0].issuer.clone().or(meta.issuer.clone());
    let signed = parts[0].signed.clone().or(meta.signed.clone());
    let source = options.source.clone().or(meta.source.clone());
    let mut files = Vec::new();
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
        // Only the text's own `（以下简称《…》）` gives a short title.
        let wanted = comparable_title(&part.title);
        let short_title =
            abbreviations.iter().find(|(full, _)| comparable_title(full) == wanted).map(|(_, s)| s.clone());
        let mut front = format!("---\ntitle: {}\nkind: directive\n", quote(&part.title));
        if let Some(s) = &short_title {
            front.push_str(&format!("short_title: {}\n", quote(s)));
        }
        if index == 0
            && let Some(n) = &meta.doc_number
        {
            front.push_str(&format!("doc_number: {}\n", quote(n)));
        }
        if let Some(issuer) = &issuer {
            front.push_str(&format!("issuer: {}\n", quote(issuer)));
        }
        if let Some(s) = &signed {
            front.push_str(&format!("signed: {s}\n"));
        }
        if let Some(d) = &meta.date {
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
        if let Some(source) = &source {
            front.push_str(&format!("source: {}\n", quote(source)));
        }
        front.push_str("---\n\n");
        let mut closing = part.closing.clone();
        if index == 0 && !closing.iter().any(|p| p.starts_with("附件")) {
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
    fn article_numbers_keep_their_separator() {
        let text = "某办法\n\u{3000}\u{3000}第一条\u{3000}为了规范管理，制定本办法。\u{3000}\u{3000}第二条 本办法 适用于本市。\n第一章\u{3000}总则";
        assert_eq!(
            paragraphs(text),
            ["某办法", "第一条 为了规范管理，制定本办法。", "第二条 本办法适用于本市。", "第一章 总则"]
        );
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
}
