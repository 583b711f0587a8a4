//! Resolve stage: from loaded files to a consistent site.
//!
//! Takes [`Loaded`]; gives [`Resolved`]: each document with its output path,
//! its clause tree (directives and laws) or Markdown body (pages), its parent
//! and attachments, its place in reading order, the site's cross-links
//! ([`Links`]: citations, references, annotations, backlinks, abbreviations,
//! glossary, cited documents, timeline, tags, study plan), and all diagnostics
//! (numbering, slugs, attachment targets, references, glossary, study plan).

pub mod citations;
pub mod cited;
pub mod coverage;
mod links;
pub mod paths;
pub mod quiz;
pub mod references;
pub mod study;
pub mod terms;
pub mod timeline;
pub mod versions;

pub use links::{Links, term_matcher};

use std::collections::{BTreeMap, HashMap};

use std::path::PathBuf;

use rayon::prelude::*;

use crate::clause::{ClauseTree, build_tree};
use crate::config::SiteConfig;
use crate::diagnostic::Diagnostic;
use crate::frontmatter::{FrontMatter, Kind};
use crate::load::{Asset, Loaded, RawDocument, Unreadable};
use crate::markdown::split_blocks;
use crate::yaml;

/// Output files that shiyi writes itself; no document may take their place.
pub const RESERVED_OUTPUTS: &[&str] = &[
    "index.html",
    "404.html",
    "search.html",
    "cited.html",
    "glossary.html",
    "timeline.html",
    "tags.html",
    "study-plan.html",
];

/// A document's body after parsing.
#[derive(Debug, Clone)]
pub enum Body {
    /// A directive or law: its clause tree.
    Clauses(ClauseTree),
    /// A page or annotation: Markdown rendered as it is (its text is the
    /// document's `body_text`).
    Markdown,
}

/// One document, placed in the site.
#[derive(Debug, Clone)]
pub struct Document {
    /// Front matter.
    pub front: FrontMatter,
    /// Source path relative to the site root (for diagnostics).
    pub path: PathBuf,
    /// Output path from the site root (`notice.html`, `laws/x.html`).
    pub output: String,
    /// Parsed body.
    pub body: Body,
    /// Index of the document this one is attached to.
    pub parent: Option<usize>,
    /// Indexes of the documents attached to this one.
    pub attachments: Vec<usize>,
    /// Previous directive or law in reading order.
    pub prev: Option<usize>,
    /// Next directive or law in reading order.
    pub next: Option<usize>,
    /// The front matter's YAML (to find a field's line).
    pub front_yaml: String,
    /// The Markdown body as written (for directives and laws, only until
    /// the cross-links are made: their clause tree holds the text).
    pub body_text: String,
    /// File line of the body's first line.
    pub body_line: usize,
    /// Its place among the versions of its document (`version_of:`).
    pub version: Option<versions::VersionOf>,
}

impl Resolved {
    /// The text (as written) of clause `id` of document `doc`.
    pub fn clause_text(&self, doc: usize, id: &str) -> Option<&str> {
        let info = self.links.index.info(doc, id)?;
        let Body::Clauses(tree) = &self.documents.get(doc)?.body else { return None };
        tree.at(&info.address).map(|c| c.text.as_str())
    }
}

impl Document {
    /// The name used in citations: `short_title`, or the title.
    pub fn short_title(&self) -> &str {
        self.front.short_title.as_deref().unwrap_or(&self.front.title)
    }

    /// The name of the document in citations, with the version for a
    /// version that is no longer current: `《反垄断法》（2007年8月30日版）`.
    pub fn cited_name(&self) -> String {
        match self.version {
            Some(v) if !v.current => format!("《{}》（{}版）", self.short_title(), v.date.chinese()),
            _ => format!("《{}》", self.short_title()),
        }
    }
}

/// The whole site, checked and cross-referenced, ready to render.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// `site.yaml`.
    pub config: SiteConfig,
    /// Documents in reading order (directives, then laws, then pages; by weight, then path).
    pub documents: Vec<Document>,
    /// Files to copy.
    pub assets: Vec<Asset>,
    /// Source texts by path, for diagnostics.
    pub sources: HashMap<PathBuf, String>,
    /// All problems found so far (load and resolve).
    pub diagnostics: Vec<Diagnostic>,
    /// Cross-links: citations, references, annotations, terms, cited documents, timeline, tags.
    pub links: Links,
    /// Documents in several versions, with their comparisons.
    pub versions: Vec<versions::VersionSet>,
}

/// Options that change what is resolved.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResolveOptions {
    /// Keep documents marked `draft: true`.
    pub drafts: bool,
}

fn kind_order(kind: Kind) -> u8 {
    match kind {
        Kind::Directive => 0,
        Kind::Law => 1,
        Kind::Annotation => 2,
        Kind::Page => 3,
    }
}

/// Line of a front-matter key in the file (the YAML starts on line 2).
fn field_line(doc: &RawDocument, key: &str) -> usize {
    yaml::key_line(&doc.front_yaml, key).map_or(1, |l| l + 1)
}

/// The file line of the list item `value` under front matter key `key` (the
/// key's own line when the item is not found on a line of its own).
fn item_line(doc: &RawDocument, key: &str, value: &str) -> usize {
    let Some(key_line) = yaml::key_line(&doc.front_yaml, key) else {
        return 1;
    };
    // `key_line` counts the front matter's lines from 1; the file's first
    // line is the opening `---`.
    let found = doc.front_yaml.lines().enumerate().skip(key_line).find(|(_, line)| line.contains(value));
    found.map_or(key_line + 1, |(i, _)| i + 2)
}

/// Edit distance in characters, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb { prev } else { 1 + prev.min(row[j]).min(row[j + 1]) };
            prev = cur;
        }
    }
    row[b.len()]
}

/// Up to three candidates closest to `name`.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut scored: Vec<(usize, &str)> = candidates.into_iter().map(|c| (edit_distance(name, c), c)).collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// The output path of a document: its folder, then its slug (or file stem), `.html`.
fn output_path(doc: &RawDocument) -> String {
    let (dir, file) = match doc.rel.rsplit_once('/') {
        Some((d, f)) => (format!("{d}/"), f),
        None => (String::new(), doc.rel.as_str()),
    };
    let stem = file.strip_suffix(".md").unwrap_or(file);
    format!("{dir}{}.html", doc.front.slug.as_deref().unwrap_or(stem))
}

/// Warnings for the links in a body whose targets are not safe (the
/// renderer shows their text alone).
fn unsafe_links(raw: &RawDocument) -> Vec<Diagnostic> {
    let mut positions = references::Positions::new(&raw.body);
    crate::url_safety::unsafe_link_targets(&raw.body)
        .into_iter()
        .map(|(offset, url)| {
            let (lines, column) = positions.at(offset);
            let shown: String = url.chars().take(60).collect();
            Diagnostic::warning(
                &raw.path,
                raw.body_line + lines,
                column,
                format!("link target `{shown}` is not allowed: the link is shown as text"),
            )
            .with_code("unsafe-link")
            .with_hint("link to a page of the site, a `#fragment`, or an http, https, mailto or tel address")
        })
        .collect()
}

fn parse_body(raw: &RawDocument) -> (Body, Vec<Diagnostic>) {
    let (body, mut diagnostics) = parse_clauses(raw);
    diagnostics.extend(unsafe_links(raw));
    (body, diagnostics)
}

fn parse_clauses(raw: &RawDocument) -> (Body, Vec<Diagnostic>) {
    if !raw.front.kind.has_clauses() {
        return (Body::Markdown, Vec::new());
    }
    let blocks = split_blocks(&raw.body, raw.body_line, raw.front.kind == Kind::Law);
    let (tree, problems) = build_tree(&blocks, &raw.front.title);
    let diagnostics = problems
        .into_iter()
        .map(|p| {
            let d = if p.error {
                Diagnostic::error(&raw.path, p.line, p.column, p.message).with_code("numbering")
            } else {
                Diagnostic::warning(&raw.path, p.line, p.column, p.message).with_code("numbering")
            };
            d.with_hint(p.hint)
        })
        .collect();
    (Body::Clauses(tree), diagnostics)
}

/// Resolves a loaded site.
pub fn resolve(loaded: Loaded, options: ResolveOptions) -> Resolved {
    let Loaded { config, documents: raw, assets, glossary, sources, mut diagnostics, unreadable, .. } = loaded;
    let mut raw: Vec<RawDocument> = raw.into_iter().filter(|d| options.drafts || !d.front.draft).collect();
    raw.sort_by(|a, b| {
        (kind_order(a.front.kind), a.front.weight, &a.rel).cmp(&(kind_order(b.front.kind), b.front.weight, &b.rel))
    });

    let phase = crate::timings::phase("parse bodies");
    let parsed: Vec<(Body, Vec<Diagnostic>)> = raw.par_iter().map(parse_body).collect();
    drop(phase);

    // Versions take their output paths from `version_of:`.
    let plan = versions::plan(&raw);
    diagnostics.extend(plan.diagnostics);

    // Output paths: valid, unique, not reserved.
    let mut by_output: BTreeMap<String, usize> = BTreeMap::new();
    let outputs: Vec<String> =
        raw.iter().enumerate().map(|(i, d)| plan.outputs[i].clone().unwrap_or_else(|| output_path(d))).collect();
    for (i, doc) in raw.iter().enumerate() {
        if let Some(slug) = &doc.front.slug
            && !paths::valid_slug(slug)
        {
            diagnostics.push(
                Diagnostic::error(&doc.path, field_line(doc, "slug"), 1, format!("invalid slug `{slug}`"))
                    .with_code("slug")
                    .with_hint(
                        "a slug is one file name of letters, digits, `-`, `_` and `.`, not starting with `.` or `-`",
                    ),
            );
        }
        for alias in &doc.front.aliases {
            if let Err(why) = paths::alias_output(alias) {
                diagnostics.push(
                    Diagnostic::error(
                        &doc.path,
                        item_line(doc, "aliases", alias),
                        1,
                        format!("invalid alias `{alias}`"),
                    )
                    .with_code("alias")
                    .with_hint(why),
                );
            }
        }
        if RESERVED_OUTPUTS.contains(&outputs[i].as_str()) {
            diagnostics.push(
                Diagnostic::error(&doc.path, 1, 1, format!("`{}` is written by shiyi itself", outputs[i]))
                    .with_code("output-path")
                    .with_hint("rename the file or set another `slug:`"),
            );
        } else if let Some(first) = by_output.insert(outputs[i].clone(), i) {
            diagnostics.push(
                Diagnostic::error(
                    &doc.path,
                    1,
                    1,
                    format!("output `{}` is also produced by {}", outputs[i], raw[first].path.display()),
                )
                .with_code("output-path")
                .with_hint("give one of the two files another `slug:`"),
            );
        }
    }

    // Attachments.
    let key_of = |i: usize| outputs[i].strip_suffix(".html").unwrap_or(&outputs[i]).to_string();
    let keys: HashMap<String, usize> = (0..raw.len()).map(|i| (key_of(i), i)).collect();
    let mut parents: Vec<Option<usize>> = vec![None; raw.len()];
    for (i, doc) in raw.iter().enumerate() {
        let Some(target) = &doc.front.attachment_of else {
            continue;
        };
        let target_key = target.trim_end_matches(".md").trim_end_matches(".html");
        match keys.get(target_key) {
            Some(&p) if p != i => parents[i] = Some(p),
            _ => {
                let suggestions = nearest(target_key, keys.keys().map(String::as_str));
                diagnostics.push(
                    Diagnostic::error(
                        &doc.path,
                        field_line(doc, "attachment_of"),
                        1,
                        format!("attachment_of names `{target}`, which is not a document of this site"),
                    )
                    .with_code("attachment-of")
                    .citing(target.as_str())
                    .with_hint(format!("write the slug of another document, e.g. {}", suggestions.join(", "))),
                );
            }
        }
    }

    // Older versions are reached from their current version, not in reading order.
    let older = |i: usize| plan.version_of[i].is_some_and(|v| !v.current);
    let readable: Vec<usize> = (0..raw.len()).filter(|&i| raw[i].front.kind.has_clauses() && !older(i)).collect();
    let mut place_in_reading_order: Vec<Option<usize>> = vec![None; raw.len()];
    for (p, &r) in readable.iter().enumerate() {
        place_in_reading_order[r] = Some(p);
    }
    let mut attachments: Vec<Vec<usize>> = vec![Vec::new(); raw.len()];
    for (child, parent) in parents.iter().enumerate() {
        if let Some(p) = parent {
            attachments[*p].push(child);
        }
    }
    let mut documents: Vec<Document> = Vec::with_capacity(raw.len());
    for (i, (doc, (body, problems))) in raw.into_iter().zip(parsed).enumerate() {
        diagnostics.extend(problems);
        let position = place_in_reading_order[i];
        documents.push(Document {
            front: doc.front,
            path: doc.path,
            output: outputs[i].clone(),
            body,
            parent: parents[i],
            attachments: std::mem::take(&mut attachments[i]),
            prev: position.and_then(|p| p.checked_sub(1)).map(|p| readable[p]),
            next: position.and_then(|p| readable.get(p + 1).copied()),
            front_yaml: doc.front_yaml,
            body_text: doc.body,
            body_line: doc.body_line,
            version: plan.version_of[i],
        });
    }
    let version_sets = versions::build(plan.sets, &documents);
    let config_text = sources.get(&PathBuf::from(crate::config::CONFIG_FILE)).map(String::as_str);
    let (links, problems) = links::link(&documents, glossary.as_ref(), &config, config_text);
    diagnostics.extend(problems);
    diagnostics.extend(versions::check(&documents, &version_sets, &links.graph, &links.index));
    // A clause tree holds its document's text: the source is not needed past
    // linking, and keeping it would double the memory of a large site.
    for doc in &mut documents {
        if matches!(doc.body, Body::Clauses(_)) {
            doc.body_text = String::new();
        }
    }
    diagnostics.sort();
    mark_consequences(&mut diagnostics, &unreadable, &documents);
    Resolved { config, documents, assets, sources, diagnostics, links, versions: version_sets }
}

/// Marks the unresolved citations of files that could not be read as
/// consequences of those files' own errors, and orders the diagnostics so
/// that the causes come first and the consequences last.
fn mark_consequences(diagnostics: &mut [Diagnostic], unreadable: &[Unreadable], documents: &[Document]) {
    if unreadable.is_empty() {
        return;
    }
    let bare = |name: &str| {
        let n = citations::normalize(name);
        n.strip_prefix('《').map(|rest| rest.replacen('》', "", 1)).unwrap_or(n)
    };
    let readable: Vec<String> = documents
        .iter()
        .flat_map(|d| [d.short_title(), d.front.title.as_str(), d.output.trim_end_matches(".html")])
        .map(bare)
        .collect();
    for d in diagnostics.iter_mut() {
        let Some(cited) = d.cites().map(bare) else { continue };
        if readable.iter().any(|name| cited.starts_with(name.as_str())) {
            continue;
        }
        let cause = unreadable.iter().find_map(|u| {
            u.names.iter().map(|n| bare(n)).find(|n| !n.is_empty() && cited.starts_with(n.as_str())).map(|n| (u, n))
        });
        if let Some((u, name)) = cause {
            d.hint = Some(format!("`{name}` is {}, which has an error of its own: fix that first", u.path.display()));
            d.set_caused_by(u.path.clone());
        }
    }
    let is_cause = |d: &Diagnostic| unreadable.iter().any(|u| u.path == d.path);
    diagnostics.sort_by_key(|d| {
        if is_cause(d) {
            0
        } else if d.caused_by().is_some() {
            2
        } else {
            1
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_names() {
        assert_eq!(edit_distance("notice", "notise"), 1);
        assert_eq!(nearest("opinons", ["notice", "opinions", "laws/x"]), vec!["opinions", "notice", "laws/x"]);
    }
}
