//! The linker: text of one page in, HTML with its cross-links out.
//!
//! In a clause or page text it turns `[[…]]` references into links (with
//! `id="ref-N"` so backlinks can point at them), each 《…》 title into a link to
//! the defining clause (abbreviations, with `<abbr title>`), to the site's own
//! copy of the document, or to its 引用文件 entry, and the first occurrence of
//! each glossary term in a clause into a link to the 术语 page.

use rustc_hash::FxHashSet as HashSet;
use std::cell::Cell;
use std::fmt::Write;

use aho_corasick::AhoCorasick;
use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use crate::markdown::{block_events, escape_text, inline_events, inline_source, push_html, tidy_spacing};
use crate::resolve::citations::ClauseRef;
use crate::resolve::cited::{canonical_title, title_spans};
use crate::resolve::references::find_references;
use crate::resolve::terms::comparable_title;
use crate::resolve::{Resolved, term_matcher};

/// Output path of the 引用文件 page.
pub const CITED_PAGE: &str = "cited.html";
/// Output path of the 术语 page.
pub const GLOSSARY_PAGE: &str = "glossary.html";

/// Scheme of the placeholder links that stand for `[[…]]` during parsing
/// (the one scheme besides the safe ones that Markdown rendering keeps:
/// [`crate::url_safety::REFERENCE_SCHEME`]).
const REF_SCHEME: &str = "shiyi-ref:";

/// Links the texts of one page.
pub struct Linker<'a> {
    resolved: &'a Resolved,
    terms: Option<&'a (AhoCorasick, Vec<usize>)>,
    /// The way from the page back to the output root (`../` per folder).
    root: String,
    /// The page's document, if it is one.
    doc: Option<usize>,
    /// False when the page shows only part of `doc` (a handout): links to the
    /// document then name its page instead of a bare fragment.
    same_page: bool,
    next_reference: Cell<usize>,
    /// Put before `ref-N` in the ids of references, so that a page showing
    /// several texts (a handout) gives each of them ids of its own.
    anchor_prefix: String,
    /// The targets of the text's references when it is not a document's own
    /// body (a glossary definition); `None` uses the document's.
    references: Option<&'a [Option<ClauseRef>]>,
}

/// The glossary matcher, built once per render.
pub fn glossary_matcher(resolved: &Resolved) -> Option<(AhoCorasick, Vec<usize>)> {
    term_matcher(&resolved.links.glossary)
}

/// First characters of a text, for hover titles.
fn snippet(text: &str, chars: usize) -> String {
    let plain: String = tidy_spacing(text).chars().filter(|c| !matches!(c, '*' | '_' | '`' | '[' | ']')).collect();
    let mut s: String = plain.chars().take(chars).collect();
    if plain.chars().count() > chars {
        s.push('…');
    }
    s
}

impl<'a> Linker<'a> {
    /// A linker for the page at `page`, showing document `doc`.
    pub fn new(
        resolved: &'a Resolved,
        terms: Option<&'a (AhoCorasick, Vec<usize>)>,
        page: &'a str,
        doc: Option<usize>,
    ) -> Self {
        Linker {
            resolved,
            terms,
            root: super::root_prefix(page),
            doc,
            same_page: true,
            next_reference: Cell::new(0),
            anchor_prefix: String::new(),
            references: None,
        }
    }

    /// The same linker for a page that shows only part of its document.
    pub fn detached(mut self) -> Self {
        self.same_page = false;
        self
    }

    /// The same linker with reference ids `{prefix}ref-N` instead of `ref-N`.
    pub fn with_anchor_prefix(mut self, prefix: &str) -> Self {
        self.anchor_prefix = prefix.to_string();
        self
    }

    /// The same linker for a text whose references resolved to `targets`
    /// (in order), such as a glossary definition.
    pub fn with_references(mut self, targets: &'a [Option<ClauseRef>]) -> Self {
        self.references = Some(targets);
        self
    }

    fn is_this_page(&self, doc: usize) -> bool {
        self.same_page && Some(doc) == self.doc
    }

    /// The resolved site.
    pub fn resolved(&self) -> &'a Resolved {
        self.resolved
    }

    /// Relative URL of an anchor (`ref-3`, a clause id) in a document.
    pub fn url_of_anchor(&self, doc: usize, anchor: &str) -> String {
        if self.is_this_page(doc) {
            format!("#{anchor}")
        } else {
            format!("{}{}#{anchor}", self.root, self.resolved.documents[doc].output)
        }
    }

    /// Relative URL of a clause or document.
    pub fn url_of(&self, target: &ClauseRef) -> String {
        let doc = &self.resolved.documents[target.doc];
        let this_page = self.is_this_page(target.doc);
        match &target.id {
            Some(id) if this_page => format!("#{id}"),
            Some(id) => format!("{}{}#{id}", self.root, doc.output),
            None if this_page => "#main".to_string(),
            None => format!("{}{}", self.root, doc.output),
        }
    }

    /// The citation of a clause or document (`《具体意见》三（三）3`).
    pub fn citation_of(&self, target: &ClauseRef) -> String {
        let doc = &self.resolved.documents[target.doc];
        match &target.id {
            Some(id) => {
                self.resolved.links.index.info(target.doc, id).map_or_else(|| id.clone(), |i| i.citation.clone())
            }
            None => doc.cited_name(),
        }
    }

    /// Hover title for a link to a clause: its citation and first words.
    /// A link to a document in several versions says which version it
    /// opens: the current one (`（现行版本）`), or an older one, whose
    /// date its citation already names.
    fn hover(&self, target: &ClauseRef) -> String {
        let text = target.id.as_ref().and_then(|id| self.resolved.clause_text(target.doc, id)).map(|t| snippet(t, 40));
        let mut citation = self.citation_of(target);
        if let Some(v) = self.resolved.documents[target.doc].version
            && v.current
        {
            citation.push_str(&format!("（现行版本，{}版）", v.date.chinese()));
        }
        match text {
            Some(t) if !t.is_empty() => format!("{citation}：{t}"),
            _ => citation,
        }
    }

    /// The HTML for one 《…》 title (`inner` without the marks), found at byte
    /// `at` of `text`.
    fn title_html(&self, inner: &str, clause: Option<&str>, text: &str, at: usize) -> String {
        let shown = format!("《{}》", escape_text(inner));
        let key = comparable_title(inner);
        let links = &self.resolved.links;
        let own_first = links.abbreviations.lookup(&key, self.doc);
        if let Some(a) = own_first {
            // In the defining clause, only mentions after the definition link to it.
            let definition = format!("（以下简称《{}》）", a.short);
            let before_definition = Some(a.defined_at.doc) == self.doc
                && a.defined_at.id.as_deref() == clause
                && text.find(&definition).is_none_or(|d| at < d + definition.len());
            if !before_definition {
                return format!(
                    "<a class=\"abbr-link\" href=\"{}\"><abbr title=\"{}\">{shown}</abbr></a>",
                    self.url_of(&a.defined_at),
                    escape_text(&format!("《{}》", a.full))
                );
            }
            return shown;
        }
        if let Some(d) = links.index.document(&key)
            && Some(d) != self.doc
            && self.resolved.documents[d].front.kind != crate::frontmatter::Kind::Annotation
        {
            let target = ClauseRef { doc: d, id: None };
            let doc = &self.resolved.documents[d];
            let title = match doc.version {
                Some(v) if v.current => format!("{}（现行版本，{}版）", doc.front.title, v.date.chinese()),
                _ => doc.front.title.clone(),
            };
            return format!(
                "<a class=\"doc-link\" href=\"{}\" title=\"{}\">{shown}</a>",
                self.url_of(&target),
                escape_text(&title)
            );
        }
        let canonical = canonical_title(inner, &links.abbreviations);
        if let Some(c) = links.cited.iter().find(|c| c.title == canonical) {
            return format!(
                "<a class=\"cite-link\" href=\"{}#{}\" title=\"引用文件\">{shown}</a>",
                format_args!("{}{CITED_PAGE}", self.root),
                c.id
            );
        }
        shown
    }

    /// Plain text with its glossary terms linked (first occurrence per clause).
    fn terms_html(&self, text: &str, seen: &mut HashSet<usize>, out: &mut String) {
        let Some((matcher, owners)) = self.terms else {
            out.push_str(&escape_text(text));
            return;
        };
        let mut last = 0;
        for m in matcher.find_iter(text) {
            let term_index = owners[m.pattern().as_usize()];
            if !seen.insert(term_index) {
                continue;
            }
            let term = &self.resolved.links.glossary[term_index];
            out.push_str(&escape_text(&text[last..m.start()]));
            let _ = write!(
                out,
                "<a class=\"term\" href=\"{}#{}\" title=\"{}\">{}</a>",
                format_args!("{}{GLOSSARY_PAGE}", self.root),
                term.id,
                escape_text(&snippet(&term.definition, 60)),
                escape_text(&text[m.start()..m.end()])
            );
            last = m.end();
        }
        out.push_str(&escape_text(&text[last..]));
    }

    /// Text (not Markdown) to HTML with titles and terms linked.
    pub fn text_html(&self, text: &str, clause: Option<&str>, seen: &mut HashSet<usize>) -> String {
        let mut out = String::with_capacity(text.len() * 2);
        let mut last = 0;
        for span in title_spans(text) {
            let open = span.start - '《'.len_utf8();
            self.terms_html(&text[last..open], seen, &mut out);
            out.push_str(&self.title_html(&text[span.clone()], clause, text, open));
            last = span.end + '》'.len_utf8();
        }
        self.terms_html(&text[last..], seen, &mut out);
        out
    }

    /// Replaces `[[…]]` with placeholder links that [`Linker::link_events`] resolves.
    fn prepare<'m>(&self, markdown: &'m str) -> std::borrow::Cow<'m, str> {
        let spans = find_references(markdown);
        if spans.is_empty() {
            return markdown.into();
        }
        let mut out = String::with_capacity(markdown.len() + 32 * spans.len());
        let mut last = 0;
        for span in spans {
            let number = self.next_reference.get() + 1;
            self.next_reference.set(number);
            let label = match (span.label, self.reference(number)) {
                (Some(l), _) => l.to_string(),
                (None, Some(target)) if Some(target.doc) == self.doc => target
                    .id
                    .as_ref()
                    .and_then(|id| self.resolved.links.index.info(target.doc, id))
                    .map_or_else(|| span.target.to_string(), |i| i.path.clone()),
                (None, Some(target)) => self.citation_of(target),
                (None, None) => span.target.to_string(),
            };
            out.push_str(&markdown[last..span.range.start]);
            let _ = write!(out, "[{}]({REF_SCHEME}{number})", label.replace(['[', ']'], ""));
            last = span.range.end;
        }
        out.push_str(&markdown[last..]);
        out.into()
    }

    fn reference(&self, number: usize) -> Option<&ClauseRef> {
        if let Some(targets) = self.references {
            return targets.get(number.checked_sub(1)?)?.as_ref();
        }
        let doc = self.doc?;
        self.resolved.links.graph.references.get(doc)?.get(number - 1)?.target.as_ref()
    }

    /// Resolves placeholder links and links titles and terms in text events.
    fn link_events<'e>(&self, events: Vec<Event<'e>>, clause: Option<&str>) -> Vec<Event<'e>> {
        let mut out = Vec::with_capacity(events.len());
        let mut in_link: Vec<bool> = Vec::new();
        let mut seen = HashSet::default();
        let mut pending = String::new();
        let flush = |pending: &mut String, out: &mut Vec<Event<'e>>, seen: &mut HashSet<usize>, linking: bool| {
            if pending.is_empty() {
                return;
            }
            let html = if linking { self.text_html(pending, clause, seen) } else { escape_text(pending) };
            out.push(Event::InlineHtml(CowStr::from(html)));
            pending.clear();
        };
        for event in events {
            match event {
                Event::Text(t) => pending.push_str(&t),
                other => {
                    flush(&mut pending, &mut out, &mut seen, in_link.is_empty());
                    match other {
                        Event::Start(Tag::Link { link_type: LinkType::Inline, dest_url, .. })
                            if dest_url.starts_with(REF_SCHEME) =>
                        {
                            let number: usize = dest_url[REF_SCHEME.len()..].parse().unwrap_or(0);
                            in_link.push(true);
                            let html = match self.reference(number) {
                                Some(target) => format!(
                                    "<a class=\"ref\" id=\"{}ref-{number}\" href=\"{}\" title=\"{}\">",
                                    self.anchor_prefix,
                                    self.url_of(target),
                                    escape_text(&self.hover(target))
                                ),
                                None => format!("<a class=\"ref\" id=\"{}ref-{number}\">", self.anchor_prefix),
                            };
                            out.push(Event::InlineHtml(CowStr::from(html)));
                        }
                        Event::Start(tag @ Tag::Link { .. }) => {
                            in_link.push(false);
                            out.push(Event::Start(tag));
                        }
                        Event::End(TagEnd::Link) => match in_link.pop() {
                            Some(true) => out.push(Event::InlineHtml(CowStr::from("</a>"))),
                            _ => out.push(Event::End(TagEnd::Link)),
                        },
                        other => out.push(other),
                    }
                }
            }
        }
        flush(&mut pending, &mut out, &mut seen, in_link.is_empty());
        out
    }

    /// One paragraph's Markdown to inline HTML, linked.
    pub fn inline(&self, markdown: &str, clause: Option<&str>) -> String {
        let prepared = self.prepare(markdown);
        let source = inline_source(&prepared);
        push_html(self.link_events(inline_events(&source), clause))
    }

    /// A Markdown body to HTML, linked.
    pub fn block(&self, markdown: &str) -> String {
        let prepared = self.prepare(markdown);
        push_html(self.link_events(block_events(&prepared), None))
    }
}
