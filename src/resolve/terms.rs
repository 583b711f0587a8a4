//! Terms: abbreviations the documents define for themselves
//! (`（以下简称《实施纲要》）`) and the site's glossary (`content/glossary.yaml`).

use rustc_hash::FxHashMap as HashMap;
use std::path::Path;

use serde::Deserialize;

use super::citations::{CitationError, CitationIndex, ClauseRef};
use crate::diagnostic::Diagnostic;
use crate::yaml;

/// A short name a document defines, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Abbreviation {
    /// The short name without 《》 (`实施纲要`).
    pub short: String,
    /// The full name as written (without 《》).
    pub full: String,
    /// The defining clause.
    pub defined_at: ClauseRef,
}

/// Every abbreviation of the site, indexed for lookups by short name.
#[derive(Debug, Clone, Default)]
pub struct Abbreviations {
    list: Vec<Abbreviation>,
    own: HashMap<(usize, String), usize>,
    first: HashMap<String, usize>,
}

impl Abbreviations {
    /// Indexes a list of definitions (in document order).
    pub fn new(list: Vec<Abbreviation>) -> Self {
        let mut own = HashMap::default();
        let mut first = HashMap::default();
        for (i, a) in list.iter().enumerate() {
            own.entry((a.defined_at.doc, a.short.clone())).or_insert(i);
            first.entry(a.short.clone()).or_insert(i);
        }
        Abbreviations { list, own, first }
    }

    /// The definition of `short` that applies in document `doc`: its own if it
    /// defines one, else the first in the site.
    pub fn lookup(&self, short: &str, doc: Option<usize>) -> Option<&Abbreviation> {
        let own = doc.and_then(|d| self.own.get(&(d, short.to_string())));
        own.or_else(|| self.first.get(short)).map(|&i| &self.list[i])
    }

    /// Every definition, in document order.
    pub fn iter(&self) -> impl Iterator<Item = &Abbreviation> {
        self.list.iter()
    }
}

/// Finds `《X》（以下简称《Y》）` (or `〈X〉（以下简称《Y》）`) in `text` and returns
/// each (X, Y), nested titles included.
pub fn abbreviation_definitions(text: &str) -> Vec<(String, String)> {
    const MARK: &str = "（以下简称《";
    let mut out = Vec::new();
    for (at, _) in text.match_indices(MARK) {
        let after = &text[at + MARK.len()..];
        let Some(short) = after.split_once("》）").map(|(s, _)| s) else { continue };
        let before: Vec<char> = text[..at].chars().collect();
        let (open, close) = match before.last() {
            Some('》') => ('《', '》'),
            Some('〉') => ('〈', '〉'),
            _ => continue,
        };
        let mut depth = 0;
        let mut start = None;
        for (i, c) in before.iter().enumerate().rev() {
            if *c == close {
                depth += 1;
            } else if *c == open {
                depth -= 1;
                if depth == 0 {
                    start = Some(i);
                    break;
                }
            }
        }
        if let Some(s) = start {
            let full: String = before[s + 1..before.len() - 1].iter().collect();
            out.push((full, short.to_string()));
        }
    }
    out
}

/// A title in comparable form: inner abbreviation notes removed, 〈〉 as 《》,
/// no whitespace.
pub fn comparable_title(title: &str) -> String {
    // Most titles have nothing to take out.
    if !title.contains(['〈', '〉', '（']) && !title.chars().any(char::is_whitespace) {
        return title.to_string();
    }
    let mut s = title.replace('〈', "《").replace('〉', "》");
    while let Some(i) = s.find("（以下简称") {
        match s[i..].find('）') {
            Some(j) => s.replace_range(i..i + j + '）'.len_utf8(), ""),
            None => break,
        }
    }
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// One glossary entry as written in `content/glossary.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct GlossaryEntry {
    term: String,
    #[serde(default)]
    aliases: Vec<String>,
    definition: String,
    #[serde(default)]
    see: Vec<String>,
}

/// A glossary term, checked and with its related clauses resolved.
#[derive(Debug, Clone)]
pub struct Term {
    /// The term.
    pub term: String,
    /// Other forms that count as the term.
    pub aliases: Vec<String>,
    /// Definition (Markdown).
    pub definition: String,
    /// Related clauses.
    pub see: Vec<ClauseRef>,
    /// The targets of the definition's `[[…]]` references, in order (`None`
    /// for one that did not resolve and was reported).
    pub references: Vec<Option<ClauseRef>>,
    /// Anchor on the glossary page (`term-…`), stable for a given term.
    pub id: String,
}

/// A short stable ASCII key for a text (FNV-1a), for anchors and file names.
pub fn stable_key(text: &str) -> String {
    stable_key_bytes(text.as_bytes())
}

/// [`stable_key`] of raw bytes.
pub fn stable_key_bytes(bytes: &[u8]) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for &b in bytes {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{hash:08x}")
}

/// Parses and checks the glossary; `see` entries are resolved through `index`.
pub fn load_glossary(path: &Path, text: &str, index: &CitationIndex) -> (Vec<Term>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let entries: Vec<GlossaryEntry> = match yaml::from_str(text, 1) {
        Ok(e) => e,
        Err(e) => {
            let d = Diagnostic::error(path, e.line, e.column, format!("glossary: {}", e.message))
                .with_code("glossary")
                .with_hint(yaml::tab_hint(text, 1).unwrap_or_else(|| {
                    "the glossary is a YAML list of entries with `term`, `definition`, and optional `aliases` and `see`"
                        .to_string()
                }));
            return (Vec::new(), vec![d]);
        }
    };
    let mut seen: HashMap<String, String> = HashMap::default();
    let mut terms = Vec::new();
    for entry in entries {
        // The entry's own lines start at its `term:` line.
        let entry_start =
            text.lines().position(|l| l.contains("term:") && l.contains(entry.term.as_str())).unwrap_or(0);
        let line_in_entry =
            |needle: &str| yaml::line_containing(text, needle, entry_start + 1).unwrap_or(entry_start + 1);
        let mut clash = false;
        for name in std::iter::once(&entry.term).chain(&entry.aliases) {
            if name.trim().is_empty() {
                continue;
            }
            if let Some(first) = seen.insert(name.clone(), entry.term.clone()) {
                clash = true;
                diagnostics.push(
                    Diagnostic::error(path, line_in_entry(name), 1, format!("glossary: `{name}` is defined twice"))
                        .with_code("glossary")
                        .with_hint(format!("it already names the term `{first}`; merge the two entries or remove one")),
                );
            }
        }
        if clash {
            continue;
        }
        let mut see = Vec::new();
        for target in &entry.see {
            match index.resolve(target, None) {
                Ok(r) => see.push(r),
                Err(e) => diagnostics.push(
                    Diagnostic::error(
                        path,
                        line_in_entry(target),
                        1,
                        format!("glossary `{}`: {}", entry.term, e.message),
                    )
                    .with_code("glossary-see")
                    .citing(target.as_str())
                    .with_hint(suggestion_hint(&e)),
                ),
            }
        }
        let mut references = Vec::new();
        for span in super::references::find_references(&entry.definition) {
            match index.resolve(span.target, None) {
                Ok(r) => references.push(Some(r)),
                Err(e) => {
                    references.push(None);
                    // Where the `[[` stands in the file (column in characters).
                    let line = line_in_entry(span.target);
                    let column = text
                        .lines()
                        .nth(line - 1)
                        .and_then(|l| l.find(&format!("[[{}", span.target)).map(|at| l[..at].chars().count() + 1));
                    diagnostics.push(
                        Diagnostic::error(
                            path,
                            line,
                            column.unwrap_or(1),
                            format!("glossary `{}`: reference [[{}]]: {}", entry.term, span.target, e.message),
                        )
                        .with_code("glossary-reference")
                        .citing(span.target)
                        .with_hint(suggestion_hint(&e)),
                    );
                }
            }
        }
        terms.push(Term {
            id: format!("term-{}", stable_key(&entry.term)),
            references,
            term: entry.term,
            aliases: entry.aliases.into_iter().filter(|a| !a.trim().is_empty()).collect(),
            definition: entry.definition,
            see,
        });
    }
    (terms, diagnostics)
}

/// What to tell the user about a citation that did not resolve.
pub fn suggestion_hint(error: &CitationError) -> String {
    // Two documents may share a short title: each suggestion is named once.
    let mut once: Vec<&str> = Vec::new();
    for s in &error.suggestions {
        if !once.contains(&s.as_str()) {
            once.push(s);
        }
    }
    if once.is_empty() {
        "check the document name and the clause numbers".to_string()
    } else if error.ambiguous {
        format!("name the document: {}", once.join(" or "))
    } else {
        format!("nearest existing: {}", once.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_names_each_suggestion_once() {
        let error = CitationError {
            message: String::new(),
            suggestions: vec!["意见 一".into(), "意见 一".into(), "通知 一".into()],
            ambiguous: true,
        };
        assert_eq!(suggestion_hint(&error), "name the document: 意见 一 or 通知 一");
    }

    #[test]
    fn nested_abbreviations() {
        let text = "现将《甲关于落实〈乙纲要〉（以下简称《纲要》）的意见》（以下简称《意见》）印发";
        let defs = abbreviation_definitions(text);
        assert_eq!(defs[0], ("乙纲要".to_string(), "纲要".to_string()));
        assert!(
            defs.iter().any(|(f, s)| s == "意见" && comparable_title(f) == "甲关于落实《乙纲要》的意见"),
            "{defs:?}"
        );
    }

    #[test]
    fn keys_are_stable() {
        assert_eq!(stable_key("收支两条线"), stable_key("收支两条线"));
        assert_ne!(stable_key("a"), stable_key("b"));
    }
}
