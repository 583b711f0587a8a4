//! Versions in pages: the version switcher of a versioned document and the
//! comparison page (新旧对照) of two versions.
//!
//! Takes the resolved [`VersionSet`]s; gives view values ([`VersionsView`],
//! [`ComparePageView`]) for the `document.html` and `compare.html` templates.
//! The text of a changed article is marked here, with `<del>` and `<ins>`.

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::relative_url;
use super::views::LinkView;
use crate::compare::{Article, Mark, Relation, Status, Summary, char_diff};
use crate::markdown::escape_text;
use crate::resolve::Resolved;
use crate::resolve::versions::{Comparison, VersionSet, article_of};

/// One version in the switcher.
#[derive(Debug, Clone, Serialize)]
pub struct VersionLinkView {
    /// Its date in Chinese.
    pub date: String,
    /// Its date, `YYYY-MM-DD`.
    pub date_iso: String,
    /// Relative URL of its page.
    pub url: String,
    /// True for the version of the page being shown.
    pub this: bool,
    /// True for the current (newest) version.
    pub current: bool,
}

/// The versions of the document a page shows (`doc.versions`).
#[derive(Debug, Clone, Serialize)]
pub struct VersionsView {
    /// This version's date in Chinese.
    pub date: String,
    /// This version's date, `YYYY-MM-DD`.
    pub date_iso: String,
    /// True when this version is the current one.
    pub current: bool,
    /// The current version's date in Chinese.
    pub current_date: String,
    /// Relative URL of the current version.
    pub current_url: String,
    /// Every version, newest first.
    pub list: Vec<VersionLinkView>,
    /// Comparisons of consecutive versions, newest first.
    pub comparisons: Vec<LinkView>,
    /// Comparisons of any other two versions.
    pub other_comparisons: Vec<LinkView>,
}

fn date_of(resolved: &Resolved, doc: usize) -> (String, String) {
    let d = resolved.documents[doc].version.map(|v| v.date);
    (d.map(|d| d.chinese()).unwrap_or_default(), d.map(|d| d.to_string()).unwrap_or_default())
}

fn comparison_title(resolved: &Resolved, c: &Comparison) -> String {
    format!("{}版 → {}版", date_of(resolved, c.old).0, date_of(resolved, c.new).0)
}

/// The switcher of document `doc` as seen from page `from`, if it has versions.
pub fn versions_view(resolved: &Resolved, doc: usize, from: &str) -> Option<VersionsView> {
    let v = resolved.documents[doc].version?;
    let set = &resolved.versions[v.set];
    let current = set.current();
    let list = set
        .members
        .iter()
        .rev()
        .map(|&m| {
            let (date, date_iso) = date_of(resolved, m);
            VersionLinkView {
                date,
                date_iso,
                url: relative_url(from, &resolved.documents[m].output),
                this: m == doc,
                current: m == current,
            }
        })
        .collect();
    let link = |c: &Comparison| LinkView { title: comparison_title(resolved, c), url: relative_url(from, &c.output) };
    let consecutive = |c: &&Comparison| set.members.windows(2).any(|w| w[0] == c.old && w[1] == c.new);
    let (date, date_iso) = date_of(resolved, doc);
    Some(VersionsView {
        date,
        date_iso,
        current: v.current,
        current_date: date_of(resolved, current).0,
        current_url: relative_url(from, &resolved.documents[current].output),
        list,
        comparisons: set.comparisons.iter().rev().filter(consecutive).map(link).collect(),
        other_comparisons: set.comparisons.iter().rev().filter(|c| !consecutive(c)).map(link).collect(),
    })
}

/// The dated address of each current version with its document: it leads
/// to the current page, so that the address stays valid when a newer
/// version comes.
pub fn dated_redirects(resolved: &Resolved) -> Vec<(String, &crate::resolve::Document)> {
    resolved
        .versions
        .iter()
        .filter_map(|set| {
            let current = &resolved.documents[set.current()];
            current.version.map(|v| (set.dated_output(v.date), current))
        })
        .collect()
}

/// One side of a compared pair.
#[derive(Debug, Clone, Serialize)]
pub struct SideView {
    /// The article's number (`第十二条`).
    pub label: String,
    /// Relative URL of the article in its version's page.
    pub url: String,
    /// The text as HTML, changes marked with `<del>` or `<ins>`.
    pub html: String,
}

/// A row of the comparison: a heading, or a pair of articles.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    /// A chapter heading row: the heading text.
    pub heading: Option<String>,
    /// True when the heading is only in the old version.
    pub heading_old: bool,
    /// Anchor of a pair row (`new-art_13`, `old-art_12`).
    pub id: String,
    /// `same`, `changed`, `moved`, `added` or `removed`.
    pub status: String,
    /// 不变, 修改, 移动, 新增 or 删除.
    pub status_name: String,
    /// The old article.
    pub old: Option<SideView>,
    /// The new article.
    pub new: Option<SideView>,
    /// Where a split or merged article's text came from or went.
    pub relation: Option<String>,
    /// Annotations and clauses that cite either article.
    pub cited_by: Vec<LinkView>,
}

/// The changes of one kind, for the summary.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeListView {
    /// 修改, 新增, 删除 or 移动.
    pub name: String,
    /// `changed`, `added`, `removed` or `moved`.
    pub status: String,
    /// How many.
    pub count: usize,
    /// A link to each, in document order.
    pub links: Vec<LinkView>,
}

/// The comparison page (`cmp` in `compare.html`).
#[derive(Debug, Clone, Serialize)]
pub struct ComparePageView {
    /// Page title.
    pub title: String,
    /// The document's short title.
    pub short_title: String,
    /// The older version: date and URL.
    pub old: LinkView,
    /// The newer version: date and URL.
    pub new: LinkView,
    /// True when the newer version is the current one.
    pub new_is_current: bool,
    /// The summary line (`修改 N 条、新增 N 条、删除 N 条、移动 N 条`).
    pub summary: String,
    /// Unchanged articles.
    pub same: usize,
    /// The changes by kind: 修改, 新增, 删除, 移动.
    pub changes: Vec<ChangeListView>,
    /// Headings and pairs in document order.
    pub rows: Vec<RowView>,
    /// The other comparisons of the same document.
    pub others: Vec<LinkView>,
}

fn plain_html(text: &str) -> String {
    escape_text(text).replace('\n', "<br>")
}

fn marked_html(old: &str, new: &str) -> (String, String) {
    let (mut o, mut n) = (String::new(), String::new());
    for seg in char_diff(old, new) {
        let html = plain_html(&seg.text);
        match seg.mark {
            Mark::Same => {
                o.push_str(&html);
                n.push_str(&html);
            }
            Mark::Deleted => o.push_str(&format!("<del>{html}</del>")),
            Mark::Inserted => n.push_str(&format!("<ins>{html}</ins>")),
        }
    }
    (o, n)
}

/// Places that cite each article of document `doc` (or a clause inside it):
/// its annotations first, then the citing clauses.
fn citers(resolved: &Resolved, doc: usize, from: &str) -> HashMap<String, Vec<LinkView>> {
    let graph = &resolved.links.graph;
    let mut out: HashMap<String, Vec<LinkView>> = HashMap::default();
    let mut annotations: Vec<(&str, usize)> = graph
        .annotations
        .iter()
        .filter(|(k, _)| k.doc == doc)
        .filter_map(|(k, v)| article_of(k.id.as_deref()?).map(|a| v.iter().map(move |&d| (a, d))))
        .flatten()
        .collect();
    annotations.sort();
    annotations.dedup();
    for (article, a) in annotations {
        let d = &resolved.documents[a];
        out.entry(article.to_string())
            .or_default()
            .push(LinkView { title: d.front.title.clone(), url: relative_url(from, &d.output) });
    }
    let mut backlinks: Vec<(&str, usize, &str, &str)> = graph
        .backlinks
        .iter()
        .filter(|(k, _)| k.doc == doc)
        .filter_map(|(k, v)| {
            article_of(k.id.as_deref()?)
                .map(|a| v.iter().map(move |b| (a, b.source, b.anchor.as_str(), b.label.as_str())))
        })
        .flatten()
        .collect();
    backlinks.sort();
    backlinks.dedup();
    for (article, source, anchor, label) in backlinks {
        let url = relative_url(from, &format!("{}#{anchor}", resolved.documents[source].output));
        out.entry(article.to_string()).or_default().push(LinkView { title: label.to_string(), url });
    }
    out
}

fn heading_of(article: &Article) -> String {
    article.headings.iter().map(|h| h.title.as_str()).collect::<Vec<_>>().join(" · ")
}

/// The view of comparison `c` of `set`, for the page at `c.output`.
pub fn compare_view(resolved: &Resolved, set: &VersionSet, c: &Comparison) -> ComparePageView {
    let from = c.output.as_str();
    let (old_doc, new_doc) = (&resolved.documents[c.old], &resolved.documents[c.new]);
    let (old_cite, new_cite) = (citers(resolved, c.old, from), citers(resolved, c.new, from));
    let article_url =
        |doc: usize, a: &Article| relative_url(from, &format!("{}#{}", resolved.documents[doc].output, a.id));
    let mut rows = Vec::new();
    let mut last_heading: Option<String> = None;
    let mut changes: Vec<ChangeListView> = [Status::Changed, Status::Added, Status::Removed, Status::Moved]
        .iter()
        .map(|s| ChangeListView { name: s.chinese().into(), status: s.name().into(), count: 0, links: Vec::new() })
        .collect();
    for pair in &c.alignment.pairs {
        let old = pair.old.map(|i| &c.old_articles[i]);
        let new = pair.new.map(|j| &c.new_articles[j]);
        let (heading, heading_old) = match (new, old) {
            (Some(n), _) => (heading_of(n), false),
            (None, Some(o)) => (heading_of(o), true),
            (None, None) => (String::new(), false),
        };
        if !heading.is_empty() && last_heading.as_deref() != Some(heading.as_str()) {
            rows.push(RowView {
                heading: Some(heading.clone()),
                heading_old,
                id: String::new(),
                status: String::new(),
                status_name: String::new(),
                old: None,
                new: None,
                relation: None,
                cited_by: Vec::new(),
            });
        }
        last_heading = Some(heading);
        let (old_html, new_html) = match (old, new, pair.status) {
            (Some(o), Some(n), Status::Changed) => {
                let (a, b) = marked_html(&o.text, &n.text);
                (Some(a), Some(b))
            }
            _ => (old.map(|o| plain_html(&o.text)), new.map(|n| plain_html(&n.text))),
        };
        let id = match (new, old) {
            (Some(n), _) => format!("new-{}", n.id),
            (None, Some(o)) => format!("old-{}", o.id),
            (None, None) => String::new(),
        };
        let label = match (old, new) {
            (Some(o), Some(n)) if o.label != n.label => format!("{} → {}", o.label, n.label),
            (_, Some(n)) => n.label.clone(),
            (Some(o), None) => o.label.clone(),
            (None, None) => String::new(),
        };
        if let Some(list) = changes.iter_mut().find(|l| l.status == pair.status.name()) {
            list.count += 1;
            list.links.push(LinkView { title: label, url: format!("#{id}") });
        }
        let mut cited_by = Vec::new();
        if pair.status != Status::Same {
            cited_by.extend(old.and_then(|o| old_cite.get(&o.id)).into_iter().flatten().cloned());
            cited_by.extend(new.and_then(|n| new_cite.get(&n.id)).into_iter().flatten().cloned());
        }
        rows.push(RowView {
            heading: None,
            heading_old: false,
            id,
            status: pair.status.name().into(),
            status_name: pair.status.chinese().into(),
            old: old.zip(old_html).map(|(o, html)| SideView {
                label: o.label.clone(),
                url: article_url(c.old, o),
                html,
            }),
            new: new.zip(new_html).map(|(n, html)| SideView {
                label: n.label.clone(),
                url: article_url(c.new, n),
                html,
            }),
            relation: pair.relation.map(|r| match r {
                Relation::SplitFrom(i) => format!("由原{}拆分而来", c.old_articles[i].label),
                Relation::MergedInto(j) => format!("并入新{}", c.new_articles[j].label),
            }),
            cited_by,
        });
    }
    let summary = Summary::of(&c.alignment);
    let (old_date, new_date) = (date_of(resolved, c.old).0, date_of(resolved, c.new).0);
    ComparePageView {
        title: format!("《{}》新旧对照：{}", new_doc.short_title(), comparison_title(resolved, c)),
        short_title: new_doc.short_title().to_string(),
        old: LinkView { title: format!("{old_date}版"), url: relative_url(from, &old_doc.output) },
        new: LinkView { title: format!("{new_date}版"), url: relative_url(from, &new_doc.output) },
        new_is_current: c.new == set.current(),
        summary: summary.chinese(),
        same: summary.same,
        changes,
        rows,
        others: set
            .comparisons
            .iter()
            .filter(|o| o.output != c.output)
            .map(|o| LinkView { title: comparison_title(resolved, o), url: relative_url(from, &o.output) })
            .collect(),
    }
}
