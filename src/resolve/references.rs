//! Clause references (`[[三（三）3]]`, `[[行政许可法 第二十条|许可条件]]`),
//! annotation bindings (`annotates:`) and the backlinks they create.

use rustc_hash::FxHashMap as HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::citations::{CitationIndex, ClauseRef};
use super::terms::suggestion_hint;
use super::{Body, Document};
use crate::diagnostic::Diagnostic;
use crate::frontmatter::Kind;

/// `[[target]]` or `[[target|label]]`.
static REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[\[([^\[\]|\n]+)(?:\|([^\[\]\n]+))?\]\]").expect("valid reference pattern"));

/// One `[[…]]` in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceSpan<'a> {
    /// Byte range of the whole `[[…]]`.
    pub range: std::ops::Range<usize>,
    /// The citation.
    pub target: &'a str,
    /// The link text, when given after `|`.
    pub label: Option<&'a str>,
}

/// Every `[[…]]` in `text`, in order.
pub fn find_references(text: &str) -> Vec<ReferenceSpan<'_>> {
    REFERENCE
        .captures_iter(text)
        .map(|c| {
            let whole = c.get(0).expect("group 0 always matches");
            ReferenceSpan {
                range: whole.range(),
                target: c.get(1).map_or("", |m| m.as_str().trim()),
                label: c.get(2).map(|m| m.as_str().trim()),
            }
        })
        .collect()
}

/// A reference of a document, resolved (or not, after an error).
#[derive(Debug, Clone)]
pub struct Reference {
    /// Where it points.
    pub target: Option<ClauseRef>,
    /// 1-based line of the `[[` in the file.
    pub line: usize,
    /// 1-based column of the `[[`.
    pub column: usize,
}

/// A place that cites a clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlink {
    /// The citing document.
    pub source: usize,
    /// The anchor in it (a clause id, or `ref-N` in a page).
    pub anchor: String,
    /// How to name the citing place (`《具体意见》三（三）2`, or a page title).
    pub label: String,
}

/// References, annotation bindings and backlinks of the whole site.
#[derive(Debug, Default, Clone)]
pub struct ReferenceGraph {
    /// Per document, its references in text order.
    pub references: Vec<Vec<Reference>>,
    /// Per document, the clauses it annotates (annotations only).
    pub annotates: Vec<Vec<ClauseRef>>,
    /// Annotation documents of each clause.
    pub annotations: HashMap<ClauseRef, Vec<usize>>,
    /// Citing places of each clause (or document).
    pub backlinks: HashMap<ClauseRef, Vec<Backlink>>,
}

/// Line and column of byte offsets in one text, asked in increasing order:
/// each call reads only the text since the last one, so finding every
/// reference of a text takes time in proportion to its length.
pub(super) struct Positions<'t> {
    text: &'t str,
    /// Where the last call ended, the newlines before it, and the characters
    /// between its line's start and it.
    offset: usize,
    line: usize,
    column: usize,
}

impl<'t> Positions<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Positions { text, offset: 0, line: 0, column: 0 }
    }

    /// Newlines before byte `offset` (0-based line) and its 1-based column.
    pub(super) fn at(&mut self, offset: usize) -> (usize, usize) {
        if offset < self.offset {
            *self = Positions::new(self.text);
        }
        for c in self.text[self.offset..offset].chars() {
            if c == '\n' {
                self.line += 1;
                self.column = 0;
            } else {
                self.column += 1;
            }
        }
        self.offset = offset;
        (self.line, self.column + 1)
    }
}

/// A citation as messages quote it: at most 40 characters, then `…`.
fn shortened(citation: &str) -> std::borrow::Cow<'_, str> {
    match citation.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &citation[..cut]).into(),
        None => citation.into(),
    }
}

/// The id of the clause that holds source line `line` (the last clause starting at or before it).
fn clause_at(lines: &[(usize, String)], line: usize) -> Option<&str> {
    let i = lines.partition_point(|(l, _)| *l <= line);
    i.checked_sub(1).map(|i| lines[i].1.as_str())
}

/// Resolves every reference and annotation binding of the site.
pub fn build_graph(documents: &[Document], index: &CitationIndex) -> (ReferenceGraph, Vec<Diagnostic>) {
    let mut graph = ReferenceGraph::default();
    let mut diagnostics = Vec::new();
    for (i, doc) in documents.iter().enumerate() {
        let mut refs = Vec::new();
        // Laws are shown as written: `[[` in a law is text, not a reference.
        if doc.front.kind != Kind::Law {
            let clause_lines: Vec<(usize, String)> = match &doc.body {
                Body::Clauses(tree) => {
                    let mut v = Vec::new();
                    tree.walk(|c, _| v.push((c.line, c.id.clone())));
                    v.sort_by_key(|(l, _)| *l);
                    v
                }
                Body::Markdown => Vec::new(),
            };
            let context = doc.front.kind.has_clauses().then_some(i);
            let mut positions = Positions::new(&doc.body_text);
            for span in find_references(&doc.body_text) {
                let (line, column) = positions.at(span.range.start);
                let line = line + doc.body_line;
                match index.resolve(span.target, context) {
                    Ok(target) => {
                        let number = refs.len() + 1;
                        let (anchor, label) = match clause_at(&clause_lines, line) {
                            Some(id) if doc.front.kind.has_clauses() => {
                                let label = index
                                    .info(i, id)
                                    .map_or_else(|| doc.short_title().to_string(), |c| c.citation.clone());
                                (id.to_string(), label)
                            }
                            _ => (format!("ref-{number}"), doc.front.title.clone()),
                        };
                        graph.backlinks.entry(target.clone()).or_default().push(Backlink { source: i, anchor, label });
                        refs.push(Reference { target: Some(target), line, column });
                    }
                    Err(e) => {
                        diagnostics.push(
                            Diagnostic::error(
                                &doc.path,
                                line,
                                column,
                                format!("reference [[{}]]: {}", shortened(span.target), e.message),
                            )
                            .with_code("reference")
                            .citing(span.target)
                            .with_hint(suggestion_hint(&e)),
                        );
                        refs.push(Reference { target: None, line, column });
                    }
                }
            }
        }
        graph.references.push(refs);

        let mut targets = Vec::new();
        if doc.front.kind == Kind::Annotation {
            if doc.front.annotates.is_empty() {
                diagnostics.push(
                    Diagnostic::error(&doc.path, 1, 1, "this annotation names no clause to annotate")
                        .with_code("annotates")
                        .with_hint("add `annotates: [\"具体意见 三（三）3\"]` to its front matter"),
                );
            }
            for target in &doc.front.annotates {
                // The front matter's YAML starts on the file's second line.
                let line = crate::yaml::line_containing(&doc.front_yaml, target, 1).map_or(1, |l| l + 1);
                match index.resolve(target, None) {
                    Ok(r) => {
                        graph.annotations.entry(r.clone()).or_default().push(i);
                        targets.push(r);
                    }
                    Err(e) => diagnostics.push(
                        Diagnostic::error(&doc.path, line, 1, format!("annotates `{target}`: {}", e.message))
                            .with_code("annotates")
                            .citing(target.as_str())
                            .with_hint(suggestion_hint(&e)),
                    ),
                }
            }
        }
        graph.annotates.push(targets);
    }
    (graph, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_read_forward() {
        let text = "ab\n[[x]] 中[[y]]\n\n  [[z]]";
        let mut positions = Positions::new(text);
        let found: Vec<(usize, usize)> = find_references(text).iter().map(|s| positions.at(s.range.start)).collect();
        assert_eq!(found, vec![(1, 1), (1, 8), (3, 3)]);
        assert_eq!(positions.at(0), (0, 1), "an earlier offset starts over");
    }

    #[test]
    fn reference_syntax() {
        let spans = find_references("见[[三（三）3]]和[[行政许可法 第二十条|许可]]，不是[单括号]。");
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[0].target, "三（三）3");
        assert_eq!(spans[1].label, Some("许可"));
        assert_eq!(Positions::new("ab\ncd[[x]]").at(5), (1, 3));
    }
}
