//! Cross-links of the whole site, built once the documents are parsed:
//! citations, references and backlinks, abbreviations, the glossary and its
//! usage, cited documents, the timeline, tags and the study plan.

use std::collections::BTreeMap;
use std::path::PathBuf;

use aho_corasick::{AhoCorasick, MatchKind};

use super::{Body, Document, citations, cited, quiz, references, study, terms, timeline};
use crate::config::SiteConfig;
use crate::diagnostic::Diagnostic;
use crate::frontmatter::Kind;

/// Everything that links documents and clauses to each other.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// Citable clauses.
    pub index: citations::CitationIndex,
    /// References, annotation bindings and backlinks.
    pub graph: references::ReferenceGraph,
    /// Short names the documents define.
    pub abbreviations: terms::Abbreviations,
    /// Glossary terms.
    pub glossary: Vec<terms::Term>,
    /// For each glossary term, the directive clauses that use it.
    pub term_usage: Vec<Vec<citations::ClauseRef>>,
    /// Cited documents (引用文件).
    pub cited: Vec<cited::CitedDocument>,
    /// Dated tasks (时间表).
    pub timeline: Vec<timeline::TimelineEntry>,
    /// Documents by tag.
    pub tags: BTreeMap<String, Vec<usize>>,
    /// The study plan's sessions (empty without a plan).
    pub study_plan: Vec<study::Session>,
    /// Self-test questions, annotation by annotation.
    pub quiz: Vec<quiz::Question>,
}

/// A matcher for every glossary term and alias (leftmost-longest); pattern
/// `k` belongs to term `owners[k]`.
pub fn term_matcher(glossary: &[terms::Term]) -> Option<(AhoCorasick, Vec<usize>)> {
    let mut patterns = Vec::new();
    let mut owners = Vec::new();
    for (i, t) in glossary.iter().enumerate() {
        for name in std::iter::once(&t.term).chain(&t.aliases) {
            patterns.push(name.as_str());
            owners.push(i);
        }
    }
    if patterns.is_empty() {
        return None;
    }
    AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(patterns).ok().map(|m| (m, owners))
}

fn collect_abbreviations(documents: &[Document]) -> Vec<terms::Abbreviation> {
    let mut out = Vec::new();
    for (i, doc) in documents.iter().enumerate() {
        let (Body::Clauses(tree), Kind::Directive) = (&doc.body, doc.front.kind) else { continue };
        tree.walk(|clause, _| {
            for (full, short) in terms::abbreviation_definitions(&clause.text) {
                out.push(terms::Abbreviation {
                    short,
                    full,
                    defined_at: citations::ClauseRef { doc: i, id: Some(clause.id.clone()) },
                });
            }
        });
    }
    out
}

fn term_usage(documents: &[Document], glossary: &[terms::Term]) -> Vec<Vec<citations::ClauseRef>> {
    let mut usage = vec![Vec::new(); glossary.len()];
    let Some((matcher, owners)) = term_matcher(glossary) else { return usage };
    for (i, doc) in documents.iter().enumerate() {
        let (Body::Clauses(tree), Kind::Directive) = (&doc.body, doc.front.kind) else { continue };
        tree.walk(|clause, _| {
            for m in matcher.find_iter(&clause.text) {
                let place = citations::ClauseRef { doc: i, id: Some(clause.id.clone()) };
                let list: &mut Vec<citations::ClauseRef> = &mut usage[owners[m.pattern().as_usize()]];
                // Clauses are walked once each, so a repeat can only be the last entry.
                if list.last() != Some(&place) {
                    list.push(place);
                }
            }
        });
    }
    usage
}

/// What builds on the abbreviations: the glossary, its usage and the cited
/// documents.
struct TermLinks {
    abbreviations: terms::Abbreviations,
    glossary: Vec<terms::Term>,
    glossary_problems: Vec<Diagnostic>,
    term_usage: Vec<Vec<citations::ClauseRef>>,
    cited: Vec<cited::CitedDocument>,
}

/// Reads the abbreviations, then the glossary, its usage and the cited
/// documents, which build on them.
fn term_links(
    documents: &[Document],
    glossary_source: Option<&(PathBuf, String)>,
    index: &citations::CitationIndex,
) -> TermLinks {
    let phase = crate::timings::phase("abbreviations and terms");
    let abbreviations = terms::Abbreviations::new(collect_abbreviations(documents));
    let (glossary, glossary_problems) = match glossary_source {
        Some((path, text)) => terms::load_glossary(path, text, index),
        None => (Vec::new(), Vec::new()),
    };
    let term_usage = term_usage(documents, &glossary);
    drop(phase);
    let _phase = crate::timings::phase("cited documents");
    let cited = cited::collect(documents, index, &abbreviations);
    TermLinks { abbreviations, glossary, glossary_problems, term_usage, cited }
}

/// Builds every cross-link of the site, reporting broken ones.
pub(super) fn link(
    documents: &[Document],
    glossary_source: Option<&(PathBuf, String)>,
    config: &SiteConfig,
    config_text: Option<&str>,
) -> (Links, Vec<Diagnostic>) {
    // The timeline and tags need only the documents; the reference graph and
    // the cited documents each need only the citation index (and the
    // abbreviations). Independent branches run side by side.
    let (((index, (graph, mut diagnostics)), term_links), (timeline, tags)) = rayon::join(
        || {
            let phase = crate::timings::phase("citation index");
            let index = citations::CitationIndex::build(documents);
            drop(phase);
            let (graph, term_links) = rayon::join(
                || {
                    let _phase = crate::timings::phase("reference graph");
                    references::build_graph(documents, &index)
                },
                || term_links(documents, glossary_source, &index),
            );
            ((index, graph), term_links)
        },
        || {
            let _phase = crate::timings::phase("timeline");
            let timeline = timeline::collect(documents);
            let mut tags: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (i, doc) in documents.iter().enumerate() {
                for tag in &doc.front.tags {
                    tags.entry(tag.clone()).or_default().push(i);
                }
            }
            (timeline, tags)
        },
    );
    let TermLinks { abbreviations, glossary, glossary_problems, term_usage, cited } = term_links;
    diagnostics.extend(glossary_problems);
    let study_plan = match &config.study_plan {
        Some(plan) => {
            let (sessions, problems) = study::resolve_plan(plan, config_text, &index);
            diagnostics.extend(problems);
            sessions
        }
        None => Vec::new(),
    };
    let (quiz, quiz_problems) = quiz::collect(documents, &index, &graph);
    diagnostics.extend(quiz_problems);
    let links = Links { index, graph, abbreviations, glossary, term_usage, cited, timeline, tags, study_plan, quiz };
    (links, diagnostics)
}
