//! Cited documents: every 《…》 title in the content, grouped into a table of
//! authorities, each linked to the site's own copy where there is one.

use rayon::prelude::*;

use super::citations::{CitationIndex, ClauseRef};
use super::terms::{Abbreviations, comparable_title, stable_key};
use super::{Body, Document};
use crate::frontmatter::Kind;

/// One cited document and every place that cites it.
#[derive(Debug, Clone)]
pub struct CitedDocument {
    /// The title as cited (full form where an abbreviation is used).
    pub title: String,
    /// Anchor on the 引用文件 page (`cite-…`).
    pub id: String,
    /// The site's own document of that title, if any.
    pub site_document: Option<usize>,
    /// Short names used for it.
    pub short_names: Vec<String>,
    /// The citing clauses (or documents, for pages), in order, without repeats.
    pub cited_by: Vec<ClauseRef>,
}

/// The outermost 《…》 spans of a text, as byte ranges of their inner text.
pub fn title_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    if !text.contains('《') {
        return spans;
    }
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '《' => {
                if depth == 0 {
                    start = i + c.len_utf8();
                }
                depth += 1;
            }
            '》' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    spans.push(start..i);
                }
            }
            _ => {}
        }
    }
    spans
}

/// What a cited title refers to: the canonical (comparable) title it stands for.
pub fn canonical_title(inner: &str, abbreviations: &Abbreviations) -> String {
    canonical_of_comparable(comparable_title(inner), abbreviations)
}

/// [`canonical_title`] of a title already made comparable.
fn canonical_of_comparable(title: String, abbreviations: &Abbreviations) -> String {
    match abbreviations.lookup(&title, None) {
        Some(a) => comparable_title(&a.full),
        None => title,
    }
}

/// Collects the cited documents of directives, annotations and pages (laws
/// cite too many other laws to list usefully).
pub fn collect(documents: &[Document], index: &CitationIndex, abbreviations: &Abbreviations) -> Vec<CitedDocument> {
    // Titles are found and made canonical per document in parallel, then
    // filed in site order: (canonical title, title as cited, where).
    let found: Vec<Vec<(String, String, ClauseRef)>> = documents
        .par_iter()
        .enumerate()
        .map(|(i, doc)| {
            let mut out = Vec::new();
            let mut visit = |text: &str, id: Option<&String>| {
                for span in title_spans(text) {
                    let short = comparable_title(&text[span]);
                    let key = canonical_of_comparable(short.clone(), abbreviations);
                    if !key.is_empty() {
                        out.push((key, short, ClauseRef { doc: i, id: id.cloned() }));
                    }
                }
            };
            match (&doc.body, doc.front.kind) {
                (_, Kind::Law) => {}
                (Body::Clauses(tree), _) => tree.walk(|clause, _| visit(&clause.text, Some(&clause.id))),
                (Body::Markdown, _) => visit(&doc.body_text, None),
            }
            out
        })
        .collect();
    // Filed in order of first citation.
    let mut slot_of: rustc_hash::FxHashMap<String, usize> = Default::default();
    let mut cited: Vec<CitedDocument> = Vec::new();
    for (key, short, at) in found.into_iter().flatten() {
        let slot = match slot_of.get(&key) {
            Some(&slot) => slot,
            None => {
                let site_document = index.document(&key).filter(|&d| documents[d].front.kind != Kind::Annotation);
                cited.push(CitedDocument {
                    title: key.clone(),
                    id: format!("cite-{}", stable_key(&key)),
                    site_document,
                    short_names: Vec::new(),
                    cited_by: Vec::new(),
                });
                slot_of.insert(key.clone(), cited.len() - 1);
                cited.len() - 1
            }
        };
        let entry = &mut cited[slot];
        if short != key && !entry.short_names.contains(&short) {
            entry.short_names.push(short);
        }
        // Clauses are visited once each, in order: a repeat is the last entry.
        if entry.cited_by.last() != Some(&at) {
            entry.cited_by.push(at);
        }
    }
    cited
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outermost_titles() {
        let text = "现将《甲〈乙〉（以下简称《丙》）的意见》和《丁》";
        let spans: Vec<&str> = title_spans(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(spans, vec!["甲〈乙〉（以下简称《丙》）的意见", "丁"]);
    }
}
