//! Clause trees to HTML: one `<section>`/`<div>` per clause, each with its id,
//! its number, and a permalink whose title is the clause's formal citation.
//!
//! The markup is fixed here (themes style it through classes) because it is
//! the hot path of a large build and the anchor scheme must not vary by theme.

use std::fmt::Write;

use crate::clause::{Clause, ClauseKind, ClauseTree};
use crate::markdown::{block_html, escape_html, inline_html};

use super::views::TocEntry;

/// What a page adds to its clauses: linked text, and notes beside a clause.
pub trait ClauseDecorator {
    /// A clause's own text as HTML.
    fn text(&self, text: &str, clause_id: &str) -> String;
    /// HTML placed right after the clause's own text (its annotations and
    /// backlinks), or an empty string.
    fn aside(&self, clause_id: &str) -> String;
}

/// Clause text without cross-links: Markdown, or plain text for laws.
pub struct Unlinked {
    /// True for laws: text shown exactly as written.
    pub plain_text: bool,
}

impl ClauseDecorator for Unlinked {
    fn text(&self, text: &str, _: &str) -> String {
        if self.plain_text { escape_html(text) } else { inline_html(text) }
    }

    fn aside(&self, _: &str) -> String {
        String::new()
    }
}

/// How a document's clauses are rendered.
pub struct ClauseStyle<'a> {
    /// Short name used in citations (`具体意见`).
    pub short_title: &'a str,
    /// True when the tree uses statute numbering (citations start at the article).
    pub statute: bool,
    /// Text linking and notes beside clauses.
    pub decorator: &'a dyn ClauseDecorator,
}

impl ClauseStyle<'_> {
    fn text_html(&self, text: &str, id: &str) -> String {
        self.decorator.text(text, id)
    }

    /// The formal citation of `clause` (`《具体意见》三（三）3`, `《行政许可法》第二十条第二款`).
    pub fn citation(&self, clause: &Clause, ancestors: &[&Clause]) -> String {
        let chain: Vec<&Clause> = ancestors.iter().copied().chain(std::iter::once(clause)).collect();
        let start =
            if self.statute { chain.iter().rposition(|c| c.kind == ClauseKind::Article).unwrap_or(0) } else { 0 };
        let mut cite = format!("《{}》", self.short_title);
        for c in &chain[start..] {
            cite.push_str(&c.cite);
        }
        cite
    }
}

fn is_container(kind: ClauseKind) -> bool {
    matches!(
        kind,
        ClauseKind::Book
            | ClauseKind::SubBook
            | ClauseKind::Chapter
            | ClauseKind::Section
            | ClauseKind::Annex
            | ClauseKind::Part
            | ClauseKind::Division
            | ClauseKind::Article
    )
}

fn permalink(out: &mut String, id: &str, citation: &str) {
    let cite = escape_html(citation);
    let _ =
        write!(out, " <a class=\"permalink\" href=\"#{id}\" title=\"{cite}\" aria-label=\"本条链接：{cite}\">¶</a>");
}

fn render_clause<'t>(
    out: &mut String,
    style: &ClauseStyle<'_>,
    clause: &'t Clause,
    ancestors: &mut Vec<&'t Clause>,
    lead: Option<&str>,
) {
    let citation = style.citation(clause, ancestors);
    let css = clause.kind.css_name();
    let id = &clause.id;
    let depth = ancestors.iter().filter(|a| a.heading || is_container(a.kind)).count();
    if clause.kind == ClauseKind::Block {
        let _ = writeln!(out, "<div class=\"clause {css}\" id=\"{id}\">{}</div>", block_html(&clause.text));
        return;
    }
    if clause.kind == ClauseKind::Quote {
        // Quoted wording: one quotation, its paragraphs inside.
        let _ = writeln!(out, "<blockquote class=\"clause {css}\" id=\"{id}\">");
        ancestors.push(clause);
        for child in &clause.children {
            render_clause(out, style, child, ancestors, None);
        }
        ancestors.pop();
        out.push_str("</blockquote>\n");
        return;
    }
    let heading = clause.heading || (is_container(clause.kind) && clause.kind != ClauseKind::Article);
    if clause.kind == ClauseKind::Article {
        let _ = writeln!(out, "<section class=\"clause {css}\" id=\"{id}\">");
        out.push_str(&style.decorator.aside(id));
        ancestors.push(clause);
        for (i, child) in clause.children.iter().enumerate() {
            let lead = (i == 0).then_some(clause.label.as_str());
            render_clause(out, style, child, ancestors, lead);
        }
        ancestors.pop();
        out.push_str("</section>\n");
        return;
    }
    if heading {
        let level = (depth + 2).min(6);
        let _ = write!(out, "<section class=\"clause {css}\" id=\"{id}\">\n<h{level} class=\"clause-head\">");
        if !clause.label.is_empty() {
            let _ = write!(out, "<span class=\"num\">{}</span>", escape_html(&clause.label));
        }
        let _ = write!(out, "<span class=\"clause-title\">{}</span>", style.text_html(&clause.text, id));
        permalink(out, id, &citation);
        let _ = writeln!(out, "</h{level}>");
        out.push_str(&style.decorator.aside(id));
    } else {
        let _ = write!(out, "<div class=\"clause {css}\" id=\"{id}\"><p class=\"clause-text\">");
        let label = lead.unwrap_or(&clause.label);
        if !label.is_empty() {
            let _ = write!(out, "<span class=\"num\">{}</span>", escape_html(label));
            if lead.is_some() {
                out.push(' ');
            }
        }
        out.push_str(&style.text_html(&clause.text, id));
        permalink(out, id, &citation);
        out.push_str("</p>\n");
        out.push_str(&style.decorator.aside(id));
    }
    ancestors.push(clause);
    for child in &clause.children {
        render_clause(out, style, child, ancestors, None);
    }
    ancestors.pop();
    out.push_str(if heading { "</section>\n" } else { "</div>\n" });
}

fn render_plain_list(out: &mut String, style: &ClauseStyle<'_>, class: &str, clauses: &[Clause]) {
    if clauses.is_empty() {
        return;
    }
    let _ = writeln!(out, "<div class=\"{class}\">");
    for c in clauses {
        if c.kind == ClauseKind::Block {
            let _ = writeln!(out, "<div id=\"{}\">{}</div>", c.id, block_html(&c.text));
        } else {
            let _ = writeln!(out, "<p class=\"clause-text\" id=\"{}\">{}</p>", c.id, style.text_html(&c.text, &c.id));
        }
    }
    out.push_str("</div>\n");
}

/// Preface, body and closing of a clause tree as HTML.
pub fn render_tree(tree: &ClauseTree, style: &ClauseStyle<'_>) -> (String, String, String) {
    let mut preface = String::new();
    render_plain_list(&mut preface, style, "preface", &tree.preface);
    let mut body = String::with_capacity(tree.body.iter().map(|c| c.text.len() * 2 + 200).sum());
    let mut ancestors = Vec::new();
    for clause in &tree.body {
        render_clause(&mut body, style, clause, &mut ancestors, None);
    }
    let mut closing = String::new();
    render_plain_list(&mut closing, style, "closing", &tree.closing);
    (preface, body, closing)
}

/// One clause and its descendants as HTML (a top-level section for a handout).
pub fn render_subtree(clause: &Clause, style: &ClauseStyle<'_>) -> String {
    let mut out = String::new();
    render_clause(&mut out, style, clause, &mut Vec::new(), None);
    out
}

/// Plain text of a heading for the table of contents (Markdown marks removed).
fn toc_title(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, '*' | '_' | '`')).collect()
}

/// The table of contents: heading clauses, at most `max_depth` levels deep.
/// `page_url` is prefixed to each fragment (empty for the page itself).
pub fn toc(tree: &ClauseTree, page_url: &str, max_depth: usize) -> Vec<TocEntry> {
    fn collect(clauses: &[Clause], page_url: &str, depth: usize, max_depth: usize) -> Vec<TocEntry> {
        let mut out = Vec::new();
        for c in clauses {
            let is_heading = c.heading || (is_container(c.kind) && c.kind != ClauseKind::Article);
            if !is_heading {
                continue;
            }
            let children =
                if depth + 1 < max_depth { collect(&c.children, page_url, depth + 1, max_depth) } else { Vec::new() };
            out.push(TocEntry {
                id: c.id.clone(),
                url: format!("{page_url}#{}", c.id),
                label: c.label.clone(),
                title: toc_title(&c.text),
                children,
            });
        }
        out
    }
    collect(&tree.body, page_url, 0, max_depth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clause::build_tree;
    use crate::markdown::split_blocks;

    #[test]
    fn citations_and_markup() {
        let md = "## 三、制度\n\n### （三）改革\n\n3.推进。\n\n（2）规范。\n";
        let (tree, _) = build_tree(&split_blocks(md, 1, false), "t");
        let style =
            ClauseStyle { short_title: "具体意见", statute: false, decorator: &Unlinked { plain_text: false } };
        let (_, body, _) = render_tree(&tree, &style);
        assert!(body.contains("id=\"sec_3__subsec_3__point_3__subpoint_2\""), "{body}");
        assert!(body.contains("title=\"《具体意见》三（三）3（2）\""), "{body}");
        assert!(body.contains("<h2 class=\"clause-head\"><span class=\"num\">三、</span>"), "{body}");
        let toc = toc(&tree, "", 3);
        assert_eq!(toc[0].children[0].url, "#sec_3__subsec_3");
    }

    #[test]
    fn statute_citation_starts_at_the_article() {
        let md = "## 第一章 总则\n\n第二十条 甲：\n\n（一）乙；\n\n第二款。\n\n（三）丙。\n";
        let (tree, _) = build_tree(&split_blocks(md, 1, true), "t");
        let style =
            ClauseStyle { short_title: "行政许可法", statute: true, decorator: &Unlinked { plain_text: true } };
        let (_, body, _) = render_tree(&tree, &style);
        assert!(body.contains("title=\"《行政许可法》第二十条第二款第（三）项\""), "{body}");
        assert!(body.contains("<span class=\"num\">第二十条</span> 甲："), "{body}");
    }
}
