//! Citations: find a clause from the way a reader cites it.
//!
//! Takes the documents' clause trees; gives a [`CitationIndex`] that resolves
//! `具体意见 三（三）3`, `三（三）3（2）` (in context), `行政许可法 第二十条第二款`,
//! `opinions#sec_1` or a bare id to a [`ClauseRef`], or explains why not with
//! the nearest existing citations.

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use super::{Body, Document, edit_distance, nearest};
use crate::clause::{Clause, ClauseKind};
use crate::frontmatter::Kind;

/// A clause (or a whole document, when `id` is `None`) of the site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClauseRef {
    /// Index of the document.
    pub doc: usize,
    /// Clause id, or `None` for the document itself.
    pub id: Option<String>,
}

/// What is known about one clause for linking to it.
#[derive(Debug, Clone)]
pub struct ClauseInfo {
    /// Formal citation (`《具体意见》三（三）3`).
    pub citation: String,
    /// Where the clause sits in its document's tree (see
    /// [`crate::clause::ClauseTree::at`]); its text is read from there.
    pub address: Box<[u32]>,
    /// The citation path without the document name (`三（三）3`).
    pub path: String,
}

/// Why a citation could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitationError {
    /// One-line description.
    pub message: String,
    /// Nearest existing citations, or the candidates of an ambiguous one.
    pub suggestions: Vec<String>,
    /// True when several clauses match and the document must be named.
    pub ambiguous: bool,
}

/// One document's citation paths (normalised path → clause id) and clause
/// information (id → info).
fn index_document(doc: &Document) -> (HashMap<String, String>, HashMap<String, ClauseInfo>) {
    let mut paths = HashMap::default();
    let mut info = HashMap::default();
    if let Body::Clauses(tree) = &doc.body {
        let name = doc.cited_name();
        tree.walk_addressed(|clause, ancestors, address| {
            let path = citation_path(clause, ancestors, tree.statute);
            let citation = format!("{name}{path}");
            if !clause.cite.is_empty() {
                paths.entry(normalize(&path)).or_insert_with(|| clause.id.clone());
                // Items of an article's first paragraph are cited without
                // it too: 第二条第（一）项 for 第二条第一款第（一）项.
                if tree.statute && clause.id.contains("__para_1__") {
                    paths.entry(normalize(&path.replacen("第一款", "", 1))).or_insert_with(|| clause.id.clone());
                }
            }
            info.insert(clause.id.clone(), ClauseInfo { citation, address: address.into(), path });
        });
    }
    (paths, info)
}

/// Every citable clause of the site.
#[derive(Debug, Default, Clone)]
pub struct CitationIndex {
    names: HashMap<String, usize>,
    paths: Vec<HashMap<String, String>>,
    info: Vec<HashMap<String, ClauseInfo>>,
    short_titles: Vec<String>,
    kinds: Vec<Kind>,
    /// Bytes in the longest document name: no longer prefix can name one.
    longest_name: usize,
}

/// The longest citation resolved, in characters; a longer one is an error
/// at once (no citation of a clause is anywhere near as long, and matching
/// a huge text against every name would take time in proportion to its square).
pub const MAX_CITATION_CHARS: usize = 200;

/// Normal form of a citation: no whitespace, full-width brackets, `第（一）项`
/// read as `第一项`, and no 《》 around a leading document name.
pub fn normalize(text: &str) -> String {
    let mut s: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            other => other,
        })
        .collect();
    while let Some(start) = s.find("第（") {
        let rest = &s[start + "第（".len()..];
        match rest.find("）项") {
            Some(end) if rest[..end].chars().all(crate::clause::numbering::is_cn_numeral_char) => {
                let inner = rest[..end].to_string();
                s.replace_range(start..start + "第（".len() + end + "）项".len(), &format!("第{inner}项"));
            }
            _ => break,
        }
    }
    s
}

/// The citation path of a clause: its ancestors' and its own parts (from the
/// article down, in statutes).
pub fn citation_path(clause: &Clause, ancestors: &[&Clause], statute: bool) -> String {
    let chain: Vec<&Clause> = ancestors.iter().copied().chain(std::iter::once(clause)).collect();
    let start = if statute { chain.iter().rposition(|c| c.kind == ClauseKind::Article).unwrap_or(0) } else { 0 };
    chain[start..].iter().map(|c| c.cite.as_str()).collect()
}

impl CitationIndex {
    /// Indexes every clause of every directive and law.
    pub fn build(documents: &[Document]) -> CitationIndex {
        // Each document's clauses are indexed on their own, in parallel.
        let per_document: Vec<(HashMap<String, String>, HashMap<String, ClauseInfo>)> =
            documents.par_iter().map(index_document).collect();
        let mut index = CitationIndex::default();
        for (i, doc) in documents.iter().enumerate() {
            index.short_titles.push(doc.short_title().to_string());
            index.kinds.push(doc.front.kind);
            if doc.front.kind != Kind::Annotation {
                let slug = doc.output.trim_end_matches(".html").to_string();
                // An older version is named with its date only
                // (`行政许可法@2003-08-27`): plain names mean the current one.
                if doc.version.is_none_or(|v| v.current) {
                    for name in [doc.short_title(), doc.front.title.as_str()] {
                        index.names.entry(normalize(name)).or_insert(i);
                    }
                }
                index.names.entry(normalize(&slug)).or_insert(i);
                if let Some(v) = doc.version {
                    for name in [doc.short_title(), doc.front.title.as_str()] {
                        index.names.entry(normalize(&format!("{name}@{}", v.date))).or_insert(i);
                    }
                }
            }
        }
        (index.paths, index.info) = per_document.into_iter().unzip();
        index.longest_name = index.names.keys().map(String::len).max().unwrap_or(0);
        index
    }

    /// What is known about a clause.
    pub fn info(&self, doc: usize, id: &str) -> Option<&ClauseInfo> {
        self.info.get(doc)?.get(id)
    }

    /// The document whose short title, title or slug is `name` (《》 optional).
    pub fn document(&self, name: &str) -> Option<usize> {
        let n = normalize(name);
        let n = n.strip_prefix('《').and_then(|x| x.strip_suffix('》')).unwrap_or(&n);
        self.names.get(n).copied()
    }

    /// Splits a leading document name off a normalized citation.
    fn split_document<'a>(&self, citation: &'a str) -> Option<(usize, &'a str)> {
        if let Some(rest) = citation.strip_prefix('《')
            && let Some(end) = rest.find('》')
        {
            let doc = self.names.get(&rest[..end])?;
            return Some((*doc, &rest[end + '》'.len_utf8()..]));
        }
        // The longest prefix that names a document: one map lookup per prefix
        // no longer than the longest name.
        let mut limit = self.longest_name.min(citation.len());
        while !citation.is_char_boundary(limit) {
            limit -= 1;
        }
        citation[..limit]
            .char_indices()
            .map(|(i, c)| i + c.len_utf8())
            .rev()
            .find_map(|end| self.names.get(&citation[..end]).map(|&doc| (doc, &citation[end..])))
    }

    fn lookup(&self, doc: usize, path: &str) -> Option<String> {
        // A clause id is a path too.
        let paths = self.paths.get(doc)?;
        paths.get(path).cloned().or_else(|| self.info.get(doc)?.contains_key(path).then(|| path.to_string()))
    }

    /// Up to three citations nearest to `path` in `docs`, each once (a
    /// document may be listed twice, and two documents may share a path).
    fn suggestions(&self, docs: &[usize], path: &str) -> Vec<String> {
        let mut scored: Vec<(usize, String)> = Vec::new();
        for (n, &d) in docs.iter().enumerate() {
            if docs[..n].contains(&d) {
                continue;
            }
            for key in self.paths[d].keys().filter(|k| !k.contains('_')) {
                scored.push((edit_distance(path, key), format!("{} {key}", self.short_titles[d])));
            }
        }
        scored.sort();
        scored.dedup_by(|a, b| a.1 == b.1);
        scored.into_iter().take(3).map(|(_, shown)| shown).collect()
    }

    /// The error for `NAME@DATE…` when NAME is a document but DATE is not
    /// one of its versions.
    fn unknown_version(&self, text: &str) -> Option<CitationError> {
        let (name, rest) = text.split_once('@')?;
        let name = name.strip_prefix('《').and_then(|n| n.strip_suffix('》')).unwrap_or(name);
        let date: String = rest.chars().take(10).collect();
        if self.names.contains_key(&format!("{name}@{date}")) {
            return None;
        }
        let doc = *self.names.get(name)?;
        let prefix = format!("{name}@");
        let mut versions: Vec<String> = self.names.keys().filter(|k| k.starts_with(&prefix)).cloned().collect();
        versions.sort();
        Some(CitationError {
            ambiguous: false,
            message: if versions.is_empty() {
                format!("《{}》 has only one version: cite it without `@{date}`", self.short_titles[doc])
            } else {
                format!("《{}》 has no version dated `{date}`", self.short_titles[doc])
            },
            suggestions: versions,
        })
    }

    /// Resolves a citation written by a reader. `context` is the document the
    /// citation appears in: a bare `三（三）3` looks there first, then in every
    /// directive of the site.
    pub fn resolve(&self, raw: &str, context: Option<usize>) -> Result<ClauseRef, CitationError> {
        if raw.chars().count() > MAX_CITATION_CHARS {
            return Err(CitationError {
                message: format!("a citation is at most {MAX_CITATION_CHARS} characters long"),
                suggestions: Vec::new(),
                ambiguous: false,
            });
        }
        let text = normalize(raw);
        if text.is_empty() {
            return Err(CitationError { message: "empty citation".into(), suggestions: Vec::new(), ambiguous: false });
        }
        if let Some((slug, id)) = text.split_once('#') {
            let doc = self.document(slug).ok_or_else(|| CitationError {
                ambiguous: false,
                message: format!("no document `{slug}`"),
                suggestions: nearest(slug, self.names.keys().map(String::as_str))
                    .into_iter()
                    .map(String::from)
                    .collect(),
            })?;
            return match self.lookup(doc, id) {
                Some(id) => Ok(ClauseRef { doc, id: Some(id) }),
                None => Err(CitationError {
                    ambiguous: false,
                    message: format!("《{}》 has no clause `{id}`", self.short_titles[doc]),
                    suggestions: self.suggestions(&[doc], id),
                }),
            };
        }
        if let Some(error) = self.unknown_version(&text) {
            return Err(error);
        }
        if let Some((doc, path)) = self.split_document(&text) {
            if path.is_empty() {
                return Ok(ClauseRef { doc, id: None });
            }
            return match self.lookup(doc, path) {
                Some(id) => Ok(ClauseRef { doc, id: Some(id) }),
                None => Err(CitationError {
                    ambiguous: false,
                    message: format!("《{}》 has no clause `{path}`", self.short_titles[doc]),
                    suggestions: self.suggestions(&[doc], path),
                }),
            };
        }
        if let Some(doc) = context
            && let Some(id) = self.lookup(doc, &text)
        {
            return Ok(ClauseRef { doc, id: Some(id) });
        }
        let directives: Vec<usize> = (0..self.kinds.len()).filter(|&d| self.kinds[d] == Kind::Directive).collect();
        let found: Vec<(usize, String)> =
            directives.iter().filter_map(|&d| self.lookup(d, &text).map(|id| (d, id))).collect();
        match found.as_slice() {
            [(doc, id)] => Ok(ClauseRef { doc: *doc, id: Some(id.clone()) }),
            [] => {
                let docs: Vec<usize> = context.into_iter().chain(directives.iter().copied()).collect();
                Err(CitationError {
                    ambiguous: false,
                    message: format!("no clause `{text}` (and no document of this site is named at its start)"),
                    suggestions: self.suggestions(&docs, &text),
                })
            }
            many => Err(CitationError {
                ambiguous: true,
                message: format!("`{text}` is ambiguous: several documents have it"),
                suggestions: many.iter().map(|(d, _)| format!("{} {text}", self.short_titles[*d])).collect(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_forms() {
        assert_eq!(normalize(" 具体意见 三(三)3 "), "具体意见三（三）3");
        assert_eq!(normalize("第二十条第二款第（三）项"), "第二十条第二款第三项");
        assert_eq!(normalize("三（三）3（2）"), "三（三）3（2）");
    }

    #[test]
    fn suggestions_are_listed_once() {
        let mut index = CitationIndex::default();
        for (title, keys) in [("甲文", ["一", "二"]), ("乙文", ["一", "二"])] {
            index.short_titles.push(title.to_string());
            index.kinds.push(Kind::Directive);
            index.paths.push(keys.iter().map(|k| (k.to_string(), format!("sec_{k}"))).collect());
            index.info.push(HashMap::default());
        }
        // The context document is also one of the directives.
        let e = index.resolve("三", Some(0)).unwrap_err();
        let mut unique = e.suggestions.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), e.suggestions.len(), "{:?}", e.suggestions);
        assert_eq!(e.suggestions.len(), 3, "{:?}", e.suggestions);
    }
}
