//! Versions of one document: files that share a `version_of:` key.
//!
//! Every version of a document is a file of its own with the same
//! `version_of: KEY` and its own `version_date:`, in the same folder. The
//! newest is current: it is written to `FOLDER/KEY.html`, the page plain
//! references link to. Every version also has a dated address,
//! `FOLDER/KEY/DATE.html` (the current one's redirects to `FOLDER/KEY.html`,
//! so that the address stays valid once a newer version arrives), and every
//! two versions a comparison page, `FOLDER/KEY/compare-OLD_NEW.html`.
//!
//! Takes the loaded files (for the output paths) and then the parsed
//! documents; gives the [`VersionSet`]s with their article alignments and the
//! diagnostics of the convention.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::citations::{CitationIndex, ClauseRef};
use super::paths::valid_slug;
use super::references::ReferenceGraph;
use super::{Body, Document, field_line};
use crate::compare::{self, Alignment, Article, Status};
use crate::diagnostic::Diagnostic;
use crate::frontmatter::{Date, Kind};
use crate::load::RawDocument;

/// Where a document stands among the versions of its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionOf {
    /// Index of its [`VersionSet`].
    pub set: usize,
    /// True for the newest version.
    pub current: bool,
    /// The version's date.
    pub date: Date,
}

/// Two versions compared article by article.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The older version (document index).
    pub old: usize,
    /// The newer version (document index).
    pub new: usize,
    /// Output path of the comparison page.
    pub output: String,
    /// The older version's articles.
    pub old_articles: Vec<Article>,
    /// The newer version's articles.
    pub new_articles: Vec<Article>,
    /// The aligned pairs.
    pub alignment: Alignment,
}

/// All versions of one document.
#[derive(Debug, Clone)]
pub struct VersionSet {
    /// The shared `version_of:` key.
    pub key: String,
    /// Output path of the current version without `.html` (`laws/anti-monopoly-law`).
    pub base: String,
    /// The versions (document indexes), oldest first.
    pub members: Vec<usize>,
    /// Every two versions, older first: consecutive pairs and all others.
    pub comparisons: Vec<Comparison>,
}

impl VersionSet {
    /// The current (newest) version.
    pub fn current(&self) -> usize {
        *self.members.last().expect("a version set has members")
    }

    /// The dated address of a version (`laws/x/2007-08-30.html`).
    pub fn dated_output(&self, date: Date) -> String {
        format!("{}/{date}.html", self.base)
    }

    /// The comparison of versions `old` and `new` (document indexes), if both are members.
    pub fn comparison(&self, old: usize, new: usize) -> Option<&Comparison> {
        self.comparisons.iter().find(|c| c.old == old && c.new == new)
    }
}

/// The version sets planned from the loaded files, before parsing.
#[derive(Debug, Default)]
pub struct Plan {
    /// Per file: its output path when it is a version.
    pub outputs: Vec<Option<String>>,
    /// Per file: its place among versions.
    pub version_of: Vec<Option<VersionOf>>,
    /// The sets: key, base and members (oldest first).
    pub sets: Vec<(String, String, Vec<usize>)>,
    /// Problems with the convention.
    pub diagnostics: Vec<Diagnostic>,
}

/// Groups the files that share a `version_of:` key (in one folder) and gives
/// each its output path.
pub fn plan(raw: &[RawDocument]) -> Plan {
    let mut plan = Plan { outputs: vec![None; raw.len()], version_of: vec![None; raw.len()], ..Plan::default() };
    let mut groups: BTreeMap<(String, String), Vec<(Date, usize)>> = BTreeMap::new();
    for (i, doc) in raw.iter().enumerate() {
        let Some(key) = &doc.front.version_of else { continue };
        let line = field_line(doc, "version_of");
        let problem = if !valid_slug(key) {
            Some(format!("invalid version_of `{key}`"))
        } else if !doc.front.kind.has_clauses() {
            Some(format!("a {} cannot have versions", doc.front.kind.name()))
        } else if doc.front.version_date.is_none() {
            Some("a version needs its `version_date:`".to_string())
        } else if doc.front.slug.is_some() {
            Some("`slug:` and `version_of:` together: a version's address comes from version_of".to_string())
        } else {
            None
        };
        if let Some(message) = problem {
            plan.diagnostics.push(Diagnostic::error(&doc.path, line, 1, message).with_code("version").with_hint(
                "give every version of a law (or directive) the same `version_of: NAME` (a file name without \
                 spaces or slashes) and its own `version_date: YYYY-MM-DD`",
            ));
            continue;
        }
        let dir = doc.rel.rsplit_once('/').map_or(String::new(), |(d, _)| format!("{d}/"));
        let date = doc.front.version_date.expect("checked above");
        groups.entry((dir, key.clone())).or_default().push((date, i));
    }
    for ((dir, key), mut members) in groups {
        members.sort();
        for w in members.windows(2) {
            if w[0].0 == w[1].0 {
                let doc = &raw[w[1].1];
                plan.diagnostics.push(
                    Diagnostic::error(
                        &doc.path,
                        field_line(doc, "version_date"),
                        1,
                        format!("`{key}` has two versions dated {}: also {}", w[0].0, raw[w[0].1].path.display()),
                    )
                    .with_code("version")
                    .with_hint("each version of a document needs its own version_date"),
                );
            }
        }
        let base = format!("{dir}{key}");
        let set = plan.sets.len();
        let last = members.len() - 1;
        for (k, &(date, i)) in members.iter().enumerate() {
            let current = k == last;
            plan.outputs[i] = Some(if current { format!("{base}.html") } else { format!("{base}/{date}.html") });
            plan.version_of[i] = Some(VersionOf { set, current, date });
        }
        plan.sets.push((key, base, members.into_iter().map(|(_, i)| i).collect()));
    }
    plan
}

/// Builds the sets with the comparison of every two versions.
pub fn build(plan_sets: Vec<(String, String, Vec<usize>)>, documents: &[Document]) -> Vec<VersionSet> {
    let articles = |i: usize| match &documents[i].body {
        Body::Clauses(tree) => compare::articles_of(tree),
        Body::Markdown => Vec::new(),
    };
    plan_sets
        .into_iter()
        .map(|(key, base, members)| {
            let mut pairs = Vec::new();
            for (a, &old) in members.iter().enumerate() {
                for &new in &members[a + 1..] {
                    pairs.push((old, new));
                }
            }
            let comparisons = pairs
                .into_par_iter()
                .map(|(old, new)| {
                    let (old_articles, new_articles) = (articles(old), articles(new));
                    let alignment = compare::align(&old_articles, &new_articles);
                    let date = |i: usize| documents[i].front.version_date.map(|d| d.to_string()).unwrap_or_default();
                    Comparison {
                        old,
                        new,
                        output: format!("{base}/compare-{}_{}.html", date(old), date(new)),
                        old_articles,
                        new_articles,
                        alignment,
                    }
                })
                .collect();
            VersionSet { key, base, members, comparisons }
        })
        .collect()
}

/// What became of article `article` of version `old` in version `new`:
/// the pair's status and the new article's label, if any.
pub fn fate<'a>(comparison: &'a Comparison, article: &str) -> Option<(Status, Option<&'a str>)> {
    let i = comparison.old_articles.iter().position(|a| a.id == article)?;
    let pair = comparison.alignment.pairs.iter().find(|p| p.old == Some(i))?;
    Some((pair.status, pair.new.map(|j| comparison.new_articles[j].label.as_str())))
}

/// The article id (`art_12`) a clause id belongs to, if it is inside one.
pub fn article_of(id: &str) -> Option<&str> {
    let first = id.split("__").next()?;
    first.starts_with("art_").then_some(first)
}

/// What a citation of an older version's article says about the current
/// version: `第十五条 changed between versions (now 第二十条)`.
fn article_news(c: &Comparison, article: &str) -> Option<(bool, String)> {
    let (status, now) = fate(c, article)?;
    let label = c.old_articles.iter().find(|a| a.id == article).map_or(article, |a| a.label.as_str());
    let now = now.unwrap_or_default();
    Some(match status {
        Status::Same => (false, format!("{label} is unchanged")),
        Status::Moved => (false, format!("{label} is unchanged, now numbered {now}")),
        Status::Changed if now == label => (true, format!("cited article {label} changed between versions")),
        Status::Changed => (true, format!("cited article {label} changed between versions (now {now})")),
        Status::Removed | Status::Added => (true, format!("cited article {label} was removed in the current version")),
    })
}

/// Warnings about citations of versions that are no longer current: an
/// annotation that quotes an older version (`annotates:` or `[[…@DATE …]]`),
/// and any citation of an article that changed since the cited version.
pub fn check(
    documents: &[Document],
    sets: &[VersionSet],
    graph: &ReferenceGraph,
    index: &CitationIndex,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if sets.is_empty() {
        return out;
    }
    for (d, doc) in documents.iter().enumerate() {
        let mut cited: Vec<(usize, usize, ClauseRef)> =
            graph.references[d].iter().filter_map(|r| r.target.clone().map(|t| (r.line, r.column, t))).collect();
        if doc.front.kind == Kind::Annotation {
            for target in &doc.front.annotates {
                if let Ok(r) = index.resolve(target, None) {
                    let line = crate::yaml::line_containing(&doc.front_yaml, target, 1).map_or(1, |l| l + 1);
                    cited.push((line, 1, r));
                }
            }
        }
        for (line, column, target) in cited {
            let Some(v) = documents[target.doc].version.filter(|v| !v.current) else { continue };
            let set = &sets[v.set];
            let current = set.current();
            let current_date = documents[current].version.map(|v| v.date.to_string()).unwrap_or_default();
            let comparison = set.comparison(target.doc, current);
            let news = target.id.as_deref().and_then(article_of).zip(comparison).and_then(|(a, c)| article_news(c, a));
            let name = documents[target.doc].short_title();
            let message = if doc.front.kind == Kind::Annotation {
                let mut m = format!(
                    "this annotation quotes 《{name}》 of {}, which is no longer the current version ({current_date})",
                    v.date
                );
                if let Some((_, news)) = &news {
                    m.push_str(&format!("; {news}"));
                }
                m
            } else if let Some((true, news)) = news {
                format!("{news}: 《{name}》 of {} is cited here, the current version is {current_date}", v.date)
            } else {
                continue;
            };
            let hint = match comparison {
                Some(c) => format!("see what changed on {} and update the text, or cite the current version", c.output),
                None => "update the text, or cite the current version".to_string(),
            };
            out.push(
                Diagnostic::warning(&doc.path, line, column, message).with_code("outdated-version").with_hint(hint),
            );
        }
    }
    out
}
