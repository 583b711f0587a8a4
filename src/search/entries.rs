//! What the search finds: one [`Entry`] per clause of a directive, per article
//! (and heading) of a law, per document, annotation, page and glossary term.
//!
//! Takes the [`Resolved`] site; gives entries in site order, each with its
//! link (output path and fragment), breadcrumb, plain text for snippets and
//! the weighted text fields the index is built from.

use std::borrow::Cow;

use pulldown_cmark::{Event, TagEnd};
use rayon::prelude::*;

use crate::clause::numbering::parse_cn_numeral;
use crate::clause::{Clause, ClauseKind};
use crate::frontmatter::Kind;
use crate::markdown::{block_events, inline_events, inline_source};
use crate::render::linker::GLOSSARY_PAGE;
use crate::resolve::citations::ClauseRef;
use crate::resolve::{Body, Document, Resolved};

/// Weight of a title or a heading's own words.
pub const TITLE: f32 = 3.0;
/// Weight of the clause's own text.
pub const TEXT: f32 = 1.0;
/// Weight of the citation without the document (`三（三）3`, `第二十条 第20条`).
pub const CITATION: f32 = 1.0;
/// Weight of the headings above a clause and of its document's name.
pub const CONTEXT: f32 = 0.4;

/// What an entry stands for; the browser ranks clauses a little above the
/// texts that explain them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A clause or article.
    Clause,
    /// A whole document or page.
    Document,
    /// An annotation (释义).
    Annotation,
    /// A glossary term.
    Term,
    /// A clause or document of a version that is no longer current: ranked
    /// below the current version's.
    Older,
}

impl EntryKind {
    /// The one-letter code stored in the index.
    pub fn code(self) -> &'static str {
        match self {
            EntryKind::Clause => "c",
            EntryKind::Document => "d",
            EntryKind::Annotation => "a",
            EntryKind::Term => "t",
            EntryKind::Older => "o",
        }
    }
}

/// Whose text an entry is, for ranking by role (weights in `site.yaml`,
/// `search.weights`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A directive or attachment: the documents under study.
    Directive,
    /// An annotation or glossary term.
    Explanation,
    /// A plain page.
    Page,
    /// A reference law's article, heading or the law itself.
    Law,
    /// A line of a law's history or preface.
    History,
}

impl Role {
    /// The role's place in the manifest's weight list.
    pub fn index(self) -> u32 {
        self as u32
    }
}

/// What the entries of one document need from the rest of the site: the
/// glossary terms each clause uses, the annotations of each clause.
pub struct Context<'a> {
    resolved: &'a Resolved,
    terms_of: rustc_hash::FxHashMap<&'a ClauseRef, Vec<usize>>,
}

impl<'a> Context<'a> {
    /// The context of the site `resolved`.
    pub fn new(resolved: &'a Resolved) -> Context<'a> {
        let mut terms_of: rustc_hash::FxHashMap<&ClauseRef, Vec<usize>> = Default::default();
        for (term, uses) in resolved.links.term_usage.iter().enumerate() {
            for clause in uses {
                terms_of.entry(clause).or_default().push(term);
            }
        }
        Context { resolved, terms_of }
    }

    /// The output link of a clause (or of a document).
    fn url(&self, clause: &ClauseRef) -> String {
        let doc = &self.resolved.documents[clause.doc].output;
        match &clause.id {
            Some(id) => format!("{doc}#{id}"),
            None => doc.clone(),
        }
    }

    /// The annotations that explain `clause` and the glossary terms it uses,
    /// as (label, link).
    fn subs(&self, clause: &ClauseRef) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for &a in self.resolved.links.graph.annotations.get(clause).into_iter().flatten() {
            let doc = &self.resolved.documents[a];
            out.push((doc.front.title.clone(), doc.output.clone()));
        }
        for &t in self.terms_of.get(clause).into_iter().flatten() {
            let term = &self.resolved.links.glossary[t];
            out.push((format!("术语：{}", term.term), format!("{GLOSSARY_PAGE}#{}", term.id)));
        }
        out
    }
}

/// One search result to be. Its texts borrow from the resolved site where
/// they are the source as written (most clauses).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'a> {
    /// What the entry stands for.
    pub kind: EntryKind,
    /// Output path from the root, with the fragment (`opinions.html#sec_3`).
    pub url: String,
    /// Breadcrumb parts (`《具体意见》`, `三`, `（三）`, `3`).
    pub crumb: Vec<Cow<'a, str>>,
    /// Texts to index, each with its weight.
    pub fields: Vec<(f32, Cow<'a, str>)>,
    /// The start of the shown text (a clause's label, a document's title),
    /// which goes on with field [`Entry::shown_field`]: the text is not
    /// stored twice.
    pub shown_prefix: String,
    /// The field whose text follows [`Entry::shown_prefix`].
    pub shown_field: usize,
    /// Whose text it is, for ranking.
    pub role: Role,
    /// The document it belongs to (its index in the site; the glossary comes
    /// after the last document), for folding results of one document.
    pub group: usize,
    /// Sub-links shown under the result: a clause's annotations and glossary
    /// terms, as (label, link).
    pub subs: Vec<(String, String)>,
    /// Links of the clauses an annotation or term explains: it is a result of
    /// its own only when none of them matches.
    pub targets: Vec<String>,
}

impl Entry<'_> {
    /// The entry with every text owned, to outlive the site it was made from.
    pub fn into_owned(self) -> Entry<'static> {
        Entry {
            kind: self.kind,
            url: self.url,
            crumb: self.crumb.into_iter().map(|part| Cow::Owned(part.into_owned())).collect(),
            fields: self.fields.into_iter().map(|(w, text)| (w, Cow::Owned(text.into_owned()))).collect(),
            shown_prefix: self.shown_prefix,
            shown_field: self.shown_field,
            role: self.role,
            group: self.group,
            subs: self.subs,
            targets: self.targets,
        }
    }

    /// Plain text shown in snippets and checked for exact phrases, at most
    /// `limit` characters (the index writes [`Entry::shown_parts`]).
    #[cfg(test)]
    pub fn shown(&self, limit: usize) -> String {
        let (prefix, rest) = self.shown_parts(limit);
        [prefix, rest].concat()
    }

    /// [`Entry::shown`] in its two parts (the prefix, then the start of the
    /// field), borrowed rather than copied.
    pub fn shown_parts(&self, limit: usize) -> (&str, &str) {
        let field = self.fields.get(self.shown_field).map_or("", |f| f.1.as_ref());
        let prefix = first_chars(&self.shown_prefix, limit);
        let left = limit - prefix.chars().count().min(limit);
        (prefix, first_chars(field, left))
    }
}

/// The first `limit` characters of `text`.
fn first_chars(text: &str, limit: usize) -> &str {
    // A character takes at least one byte: short texts need no counting.
    if text.len() <= limit {
        return text;
    }
    match text.char_indices().nth(limit) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Markdown (blocks) to plain text, one line per block.
pub fn markdown_text(markdown: &str) -> String {
    let mut out = String::new();
    for event in block_events(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell) => out.push('\n'),
            _ => {}
        }
    }
    tidy(&out)
}

/// One paragraph of Markdown to plain text, borrowed when the source is
/// already plain (most clauses).
fn inline_text(markdown: &str) -> Cow<'_, str> {
    // Without ASCII punctuation or blank lines there is no Markdown to
    // read: most clauses.
    if markdown.bytes().all(|b| !b.is_ascii_punctuation()) {
        if is_tidy(markdown) {
            return Cow::Borrowed(markdown);
        }
        if markdown.trim().lines().all(|l| !l.trim().is_empty()) {
            return Cow::Owned(tidy(markdown));
        }
    }
    let source = inline_source(markdown);
    let mut out = String::new();
    for event in inline_events(&source) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            _ => {}
        }
    }
    Cow::Owned(tidy(&out))
}

/// True when [`tidy`] would give `text` back unchanged: no blank line, no
/// line with spaces at either end, no cross-reference brackets.
fn is_tidy(text: &str) -> bool {
    !text.is_empty()
        && text.split('\n').all(|line| !line.is_empty() && line.trim() == line)
        && !text.contains("[[")
        && !text.contains("]]")
}

/// Cross-reference brackets removed, lines trimmed, blank lines dropped.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    if out.contains("[[") || out.contains("]]") {
        out = out.replace("[[", "").replace("]]", "");
    }
    out
}

/// `第二十条` → `第20条` (and the same for 章, 节, 款, 项…), so that either
/// form of a number finds the clause.
fn arabic_citation(cite: &str) -> Option<String> {
    let inner = cite.strip_prefix('第')?;
    let unit = inner.chars().last()?;
    let number = inner.strip_suffix(unit)?.trim_start_matches('（').trim_end_matches('）');
    parse_cn_numeral(number).map(|n| format!("第{n}{unit}"))
}

fn is_heading(clause: &Clause) -> bool {
    clause.heading
        || matches!(
            clause.kind,
            ClauseKind::Book
                | ClauseKind::SubBook
                | ClauseKind::Chapter
                | ClauseKind::Section
                | ClauseKind::Annex
                | ClauseKind::Part
                | ClauseKind::Division
        )
}

/// The plain text of an article: its paragraphs and items, one per line.
fn article_text(clause: &Clause, law: bool) -> String {
    let mut out = String::new();
    let mut ancestors = Vec::new();
    clause.walk(&mut ancestors, &mut |c, _| {
        let text = if law { Cow::Borrowed(c.text.trim()) } else { inline_text(&c.text) };
        if !text.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            if !(c.label.is_empty() || c.kind == ClauseKind::Article) {
                out.push_str(&c.label);
            }
            out.push_str(&text);
        }
    });
    out
}

fn clause_entries<'a>(cx: &Context<'a>, index: usize, tree: &'a crate::clause::ClauseTree, out: &mut Vec<Entry<'a>>) {
    let doc: &'a Document = &cx.resolved.documents[index];
    let law = doc.front.kind == Kind::Law;
    // An older version's results are labelled with its date.
    let short = doc.cited_name();
    let kind = if doc.version.is_some_and(|v| !v.current) { EntryKind::Older } else { EntryKind::Clause };
    let mut heading_texts: rustc_hash::FxHashMap<usize, Cow<'a, str>> = Default::default();
    tree.walk(|clause, ancestors| {
        // In a statute the article is the unit; its paragraphs and items are
        // found through it.
        if tree.statute && ancestors.iter().any(|a| a.kind == ClauseKind::Article) {
            return;
        }
        let text = if clause.kind == ClauseKind::Article {
            Cow::Owned(article_text(clause, law))
        } else if law {
            Cow::Borrowed(clause.text.trim())
        } else {
            inline_text(&clause.text)
        };
        let chain = ancestors.iter().copied().chain(std::iter::once(clause));
        let mut crumb = vec![Cow::Owned(short.clone())];
        crumb.extend(chain.clone().filter(|c| !c.cite.is_empty()).map(|c| Cow::Borrowed(c.cite.as_str())));
        let mut citation = crumb[1..].concat();
        for c in chain.filter(|c| !c.cite.is_empty()) {
            if let Some(arabic) = arabic_citation(&c.cite) {
                citation.push(' ');
                citation.push_str(&arabic);
            }
        }
        // Each heading's plain text is made once, not once per clause below it.
        let headings: Vec<usize> = ancestors
            .iter()
            .filter(|a| is_heading(a))
            .map(|a| {
                let key = std::ptr::from_ref::<Clause>(a) as usize;
                heading_texts.entry(key).or_insert_with(|| inline_text(&a.text));
                key
            })
            .collect();
        let mut context: Vec<&str> = headings.iter().map(|key| heading_texts[key].as_ref()).collect();
        context.push(doc.short_title());
        let own = if is_heading(clause) { TITLE } else { TEXT };
        let label = if clause.label.is_empty() || clause.kind == ClauseKind::Article {
            String::new()
        } else {
            clause.label.clone()
        };
        if label.is_empty() && text.is_empty() {
            return;
        }
        let role = match (law, clause.id.starts_with("preface__")) {
            (true, true) => Role::History,
            (true, false) => Role::Law,
            _ => Role::Directive,
        };
        let subs = cx.subs(&ClauseRef { doc: index, id: Some(clause.id.clone()) });
        out.push(Entry {
            kind,
            url: format!("{}#{}", doc.output, clause.id),
            crumb,
            fields: vec![(own, text), (CITATION, Cow::Owned(citation)), (CONTEXT, Cow::Owned(context.join("\n")))],
            shown_prefix: label,
            shown_field: 0,
            role,
            group: index,
            subs,
            targets: Vec::new(),
        });
    });
}

fn document_entry<'a>(cx: &Context<'a>, index: usize) -> Entry<'a> {
    let doc = &cx.resolved.documents[index];
    let f = &doc.front;
    let mut titles = vec![f.title.clone()];
    titles.extend(f.short_title.clone());
    titles.extend(f.doc_number.clone());
    let mut about: Vec<String> = Vec::new();
    about.extend(f.issuer.clone());
    // Dates as a reader types them (`2005年7月22日`); the closing line of a
    // directive writes them in Chinese numerals.
    about.extend([f.signed, f.date, f.effective].into_iter().flatten().map(|d| d.chinese()));
    about.extend(f.summary.clone());
    about.extend(f.note.clone());
    about.extend(f.tags.iter().cloned());
    let mut text = about.join("\n");
    match &doc.body {
        Body::Markdown => {
            let body = markdown_text(&doc.body_text);
            text = if text.is_empty() { body } else { format!("{text}\n{body}") };
        }
        // A law's history lines are entries of their own, weighed least.
        Body::Clauses(_) if f.kind == Kind::Law => {}
        Body::Clauses(tree) => {
            let preface: Vec<&str> = tree.preface.iter().map(|c| c.text.trim()).collect();
            if !preface.is_empty() {
                text = format!("{text}\n{}", preface.join("\n")).trim().to_string();
            }
        }
    }
    let crumb = match f.kind {
        Kind::Annotation => vec![Cow::Borrowed("释义"), Cow::Borrowed(f.title.trim_start_matches("释义："))],
        Kind::Page => vec![Cow::Borrowed(f.title.as_str())],
        _ => vec![Cow::Owned(doc.cited_name())],
    };
    let shown_prefix = if text.is_empty() { f.title.clone() } else { format!("{}\n", f.title) };
    let kind = match f.kind {
        Kind::Annotation => EntryKind::Annotation,
        _ if doc.version.is_some_and(|v| !v.current) => EntryKind::Older,
        _ => EntryKind::Document,
    };
    let fields = vec![(TITLE, Cow::Owned(titles.join("\n"))), (TEXT, Cow::Owned(text))];
    let role = match f.kind {
        Kind::Directive => Role::Directive,
        Kind::Law => Role::Law,
        Kind::Annotation => Role::Explanation,
        Kind::Page => Role::Page,
    };
    let targets = match cx.resolved.links.graph.annotates.get(index) {
        Some(clauses) if f.kind == Kind::Annotation => clauses.iter().map(|c| cx.url(c)).collect(),
        _ => Vec::new(),
    };
    let subs = if f.kind == Kind::Annotation { Vec::new() } else { cx.subs(&ClauseRef { doc: index, id: None }) };
    Entry {
        kind,
        url: doc.output.clone(),
        crumb,
        fields,
        shown_prefix,
        shown_field: 1,
        role,
        group: index,
        subs,
        targets,
    }
}

/// Every entry of the site, in site order.
pub fn collect(resolved: &Resolved) -> Vec<Entry<'_>> {
    let cx = Context::new(resolved);
    // Documents in parallel; their entries joined in site order.
    let mut out: Vec<Entry> =
        (0..resolved.documents.len()).into_par_iter().flat_map_iter(|i| of_document(&cx, i)).collect();
    out.extend(of_glossary(resolved));
    out
}

/// The entries of document `index`: the document itself, then its clauses.
pub fn of_document<'a>(cx: &Context<'a>, index: usize) -> Vec<Entry<'a>> {
    let mut entries = vec![document_entry(cx, index)];
    if let Body::Clauses(tree) = &cx.resolved.documents[index].body {
        clause_entries(cx, index, tree, &mut entries);
    }
    entries
}

/// The entries of the glossary's terms.
pub fn of_glossary(resolved: &Resolved) -> Vec<Entry<'static>> {
    let mut out = Vec::new();
    let cx = Context::new(resolved);
    for (k, term) in resolved.links.glossary.iter().enumerate() {
        let mut names = vec![term.term.clone()];
        names.extend(term.aliases.iter().cloned());
        let definition = markdown_text(&term.definition);
        out.push(Entry {
            kind: EntryKind::Term,
            url: format!("{GLOSSARY_PAGE}#{}", term.id),
            crumb: vec![Cow::Borrowed("术语"), Cow::Owned(term.term.clone())],
            fields: vec![(TITLE, Cow::Owned(names.join("\n"))), (TEXT, Cow::Owned(definition))],
            shown_prefix: format!("{}：", names.join("、")),
            shown_field: 1,
            role: Role::Explanation,
            group: resolved.documents.len(),
            subs: Vec::new(),
            targets: resolved
                .links
                .term_usage
                .get(k)
                .into_iter()
                .flatten()
                .chain(&term.see)
                .map(|c| cx.url(c))
                .collect(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_text_is_cut_by_characters() {
        let entry = Entry {
            kind: EntryKind::Clause,
            url: String::new(),
            crumb: Vec::new(),
            fields: vec![(TEXT, "一二三四五".into())],
            shown_prefix: "（一）".into(),
            shown_field: 0,
            role: Role::Directive,
            group: 0,
            subs: Vec::new(),
            targets: Vec::new(),
        };
        assert_eq!(entry.shown(100), "（一）一二三四五");
        assert_eq!(entry.shown(5), "（一）一二");
        assert_eq!(entry.shown_parts(2), ("（一", ""));
        assert_eq!(entry.shown(0), "");
    }

    #[test]
    fn arabic_forms() {
        assert_eq!(arabic_citation("第二十条").as_deref(), Some("第20条"));
        assert_eq!(arabic_citation("第（三）项").as_deref(), Some("第3项"));
        assert_eq!(arabic_citation("三"), None);
    }

    #[test]
    fn plain_text() {
        assert_eq!(markdown_text("## 要点\n\n- **一** [[具体意见 三]]\n"), "要点\n一 具体意见 三");
        assert_eq!(inline_text("坚持*标本兼治*"), "坚持标本兼治");
        // Plain text takes the short way and comes out as the parser gives it.
        // Text already tidy is borrowed, not copied.
        assert!(matches!(inline_text("第一行\n第二行"), Cow::Borrowed("第一行\n第二行")));
        assert!(matches!(inline_text("总则 "), Cow::Owned(_)));
        for text in [
            "第一行\n  第二行  \n第三行",
            "第一段\n\n第二段",
            "2019年  12315",
            " 总 则 ",
            "甲\r\n乙",
            "甲\n",
            "甲[[乙]]丙",
        ] {
            let source = inline_source(text);
            let mut parsed = String::new();
            for event in inline_events(&source) {
                match event {
                    Event::Text(t) => parsed.push_str(&t),
                    Event::SoftBreak | Event::HardBreak => parsed.push('\n'),
                    _ => {}
                }
            }
            assert_eq!(inline_text(text), tidy(&parsed), "{text:?}");
        }
    }
}
