//! The site-wide list pages: 引用文件 (cited documents), 术语 (glossary),
//! 时间表 (timeline) and 标签 (tags), each rendered from its own view values.

use rustc_hash::FxHashSet as HashSet;

use super::linker::{CITED_PAGE, GLOSSARY_PAGE, Linker};
use super::views::{CitedView, LinkView, PageLinkView, PagerView, PeriodView, TagView, TaskView, TermView};
use super::{Renderer, relative_url};
use crate::diagnostic::Diagnostic;
use crate::resolve::Resolved;
use crate::resolve::citations::ClauseRef;
use crate::resolve::terms::stable_key;

/// Output path of the timeline page.
pub const TIMELINE_PAGE: &str = "timeline.html";
/// Output path of the tag index.
pub const TAGS_PAGE: &str = "tags.html";

/// The list pages this site has (title, path), in navigation order.
pub fn special_pages(resolved: &Resolved) -> Vec<(&'static str, &'static str)> {
    let links = &resolved.links;
    let mut out = Vec::new();
    if !links.cited.is_empty() {
        out.push(("引用文件", CITED_PAGE));
    }
    if !links.glossary.is_empty() {
        out.push(("术语", GLOSSARY_PAGE));
    }
    if !links.timeline.is_empty() {
        out.push(("时间表", TIMELINE_PAGE));
    }
    if !links.tags.is_empty() {
        out.push(("标签", TAGS_PAGE));
    }
    out
}

/// Output path of a tag's page.
pub fn tag_page(name: &str) -> String {
    format!("tags/{}.html", stable_key(name))
}

fn clause_link(linker: &Linker<'_>, target: &ClauseRef) -> LinkView {
    LinkView { title: linker.citation_of(target), url: linker.url_of(target) }
}

/// Entries on one page of a long list: the timeline's tasks, or the clauses
/// citing one document.
pub const PER_PAGE: usize = 500;

/// A cited document cited by more clauses than this gets pages of its own;
/// the 引用文件 page then links to them instead of listing the clauses.
pub const CITED_INLINE: usize = 50;

/// Page `number` (from 1) of a list whose first page is `first`:
/// `timeline.html`, `timeline/2.html`, `timeline/3.html`…
pub fn numbered_page(first: &str, number: usize) -> String {
    if number <= 1 { first.to_string() } else { format!("{}/{number}.html", first.trim_end_matches(".html")) }
}

/// The first page of the clauses citing the cited document `id`.
pub fn cited_document_page(id: &str) -> String {
    format!("cited/{id}.html")
}

/// Pages needed for `count` entries (at least one).
fn page_count(count: usize) -> usize {
    count.div_ceil(PER_PAGE).max(1)
}

/// The pager of page `number` of `total`, seen from `path`: the previous and
/// next pages, and the first, the last and the pages around this one.
fn pager(first: &str, number: usize, total: usize, path: &str) -> Option<PagerView> {
    if total <= 1 {
        return None;
    }
    let url = |n: usize| relative_url(path, &numbered_page(first, n));
    let mut shown: Vec<usize> = vec![1, total];
    shown.extend(number.saturating_sub(2).max(1)..=(number + 2).min(total));
    shown.sort_unstable();
    shown.dedup();
    Some(PagerView {
        current: number,
        total,
        prev: (number > 1).then(|| url(number - 1)),
        next: (number < total).then(|| url(number + 1)),
        pages: shown.into_iter().map(|n| PageLinkView { number: n, url: url(n), current: n == number }).collect(),
    })
}

/// One list page to render.
pub(super) enum ListPage<'a> {
    /// A site-wide list (title, path), from [`special_pages`].
    Special(&'static str, &'static str),
    /// Page `number` of the timeline.
    Timeline(usize),
    /// Page `number` of the clauses citing cited document `index`.
    CitedDocument(usize, usize),
    /// The page of one tag.
    Tag(&'a str),
}

impl ListPage<'_> {
    /// The output path of this page.
    pub(super) fn path(&self, resolved: &Resolved) -> String {
        match *self {
            ListPage::Special(_, path) => path.to_string(),
            ListPage::Timeline(number) => numbered_page(TIMELINE_PAGE, number),
            ListPage::CitedDocument(index, number) => {
                numbered_page(&cited_document_page(&resolved.links.cited[index].id), number)
            }
            ListPage::Tag(name) => tag_page(name),
        }
    }
}

/// Every list page the site has, each rendered on its own by [`render_list`].
pub(super) fn list_pages(resolved: &Resolved) -> Vec<ListPage<'_>> {
    let links = &resolved.links;
    let mut out: Vec<ListPage<'_>> = Vec::new();
    for (title, path) in special_pages(resolved) {
        if path == TIMELINE_PAGE {
            out.extend((1..=page_count(links.timeline.len())).map(ListPage::Timeline));
        } else {
            out.push(ListPage::Special(title, path));
        }
    }
    for (i, cited) in links.cited.iter().enumerate() {
        if cited.cited_by.len() > CITED_INLINE {
            out.extend((1..=page_count(cited.cited_by.len())).map(|n| ListPage::CitedDocument(i, n)));
        }
    }
    out.extend(links.tags.keys().map(|name| ListPage::Tag(name)));
    out
}

/// The title of page `number` of a list called `title`.
fn numbered_title(title: &str, number: usize) -> String {
    if number <= 1 { title.to_string() } else { format!("{title}（第{number}页）") }
}

/// Renders page `number` of the timeline.
fn render_timeline(renderer: &Renderer<'_>, number: usize) -> (String, Result<Vec<u8>, Diagnostic>) {
    let resolved = renderer.resolved;
    let timeline = &resolved.links.timeline;
    let total = page_count(timeline.len());
    let path = numbered_page(TIMELINE_PAGE, number);
    let linker = Linker::new(resolved, renderer.terms.as_ref(), &path, None);
    let mut periods: Vec<PeriodView> = Vec::new();
    for entry in timeline.iter().skip((number - 1) * PER_PAGE).take(PER_PAGE) {
        let task = TaskView {
            html: linker.text_html(&entry.sentence, None, &mut HashSet::default()),
            citation: linker.citation_of(&entry.clause),
            url: linker.url_of(&entry.clause),
        };
        match periods.last_mut() {
            Some(p) if p.period == entry.period => p.tasks.push(task),
            _ => periods.push(PeriodView { period: entry.period.clone(), tasks: vec![task] }),
        }
    }
    let crumbs = vec![LinkView { title: renderer.site.title.clone(), url: relative_url(&path, "index.html") }];
    let page = renderer.page_view(&numbered_title("时间表", number), "timeline", &path, crumbs);
    let pager = pager(TIMELINE_PAGE, number, total, &path);
    let result = renderer.render("timeline.html", &path, page, |c| {
        c.insert("periods", &periods);
        c.insert("pager", &pager);
    });
    (path, result)
}

/// Renders page `number` of the clauses citing cited document `index`.
fn render_cited_document(
    renderer: &Renderer<'_>,
    index: usize,
    number: usize,
) -> (String, Result<Vec<u8>, Diagnostic>) {
    let resolved = renderer.resolved;
    let cited = &resolved.links.cited[index];
    let first = cited_document_page(&cited.id);
    let path = numbered_page(&first, number);
    let linker = Linker::new(resolved, None, &path, None);
    let view = CitedView {
        id: cited.id.clone(),
        title: cited.title.clone(),
        url: cited.site_document.map(|d| linker.url_of(&ClauseRef { doc: d, id: None })),
        short_names: cited.short_names.clone(),
        count: cited.cited_by.len(),
        more_url: None,
        cited_by: cited
            .cited_by
            .iter()
            .skip((number - 1) * PER_PAGE)
            .take(PER_PAGE)
            .map(|r| clause_link(&linker, r))
            .collect(),
    };
    let mut crumbs = vec![LinkView { title: renderer.site.title.clone(), url: relative_url(&path, "index.html") }];
    crumbs.push(LinkView { title: "引用文件".into(), url: relative_url(&path, CITED_PAGE) });
    let title = numbered_title(&format!("引用《{}》的条款", cited.title), number);
    let page = renderer.page_view(&title, "cited-document", &path, crumbs);
    let pager = pager(&first, number, page_count(cited.cited_by.len()), &path);
    let result = renderer.render("cited-document.html", &path, page, |c| {
        c.insert("cited", &view);
        c.insert("pager", &pager);
    });
    (path, result)
}

/// Renders one list page: its output path and bytes.
pub(super) fn render_list(renderer: &Renderer<'_>, list: &ListPage<'_>) -> (String, Result<Vec<u8>, Diagnostic>) {
    let resolved = renderer.resolved;
    let links = &resolved.links;
    let home =
        |path: &str| vec![LinkView { title: renderer.site.title.clone(), url: relative_url(path, "index.html") }];
    let (title, path) = match *list {
        ListPage::Special(title, path) => (title, path),
        ListPage::Timeline(number) => return render_timeline(renderer, number),
        ListPage::CitedDocument(index, number) => return render_cited_document(renderer, index, number),
        ListPage::Tag(name) => return render_tag(renderer, name),
    };
    {
        let linker = Linker::new(resolved, renderer.terms.as_ref(), path, None);
        let page = renderer.page_view(title, path.trim_end_matches(".html"), path, home(path));
        let result = match path {
            CITED_PAGE => {
                let cited: Vec<CitedView> = links
                    .cited
                    .iter()
                    .map(|c| {
                        let inline = c.cited_by.len() <= CITED_INLINE;
                        CitedView {
                            id: c.id.clone(),
                            title: c.title.clone(),
                            url: c.site_document.map(|d| linker.url_of(&ClauseRef { doc: d, id: None })),
                            short_names: c.short_names.clone(),
                            count: c.cited_by.len(),
                            more_url: (!inline).then(|| relative_url(path, &cited_document_page(&c.id))),
                            cited_by: if inline {
                                c.cited_by.iter().map(|r| clause_link(&linker, r)).collect()
                            } else {
                                Vec::new()
                            },
                        }
                    })
                    .collect();
                renderer.render("cited.html", path, page, |c| c.insert("cited", &cited))
            }
            GLOSSARY_PAGE => {
                let terms: Vec<TermView> = links
                    .glossary
                    .iter()
                    .zip(&links.term_usage)
                    .map(|(t, used)| TermView {
                        id: t.id.clone(),
                        term: t.term.clone(),
                        aliases: t.aliases.clone(),
                        // Each definition numbers its references from 1: the
                        // term's id keeps their ids apart on the page.
                        definition_html: Linker::new(resolved, renderer.terms.as_ref(), path, None)
                            .with_anchor_prefix(&format!("{}-", t.id))
                            .with_references(&t.references)
                            .block(&t.definition),
                        see: t.see.iter().map(|r| clause_link(&linker, r)).collect(),
                        used_in: used.iter().map(|r| clause_link(&linker, r)).collect(),
                    })
                    .collect();
                renderer.render("glossary.html", path, page, |c| c.insert("terms", &terms))
            }
            _ => {
                let tags: Vec<TagView> = links
                    .tags
                    .iter()
                    .map(|(name, docs)| TagView {
                        name: name.clone(),
                        url: relative_url(path, &tag_page(name)),
                        documents: docs
                            .iter()
                            .map(|&d| clause_link(&linker, &ClauseRef { doc: d, id: None }))
                            .collect(),
                    })
                    .collect();
                renderer.render("tags.html", path, page, |c| c.insert("tags", &tags))
            }
        };
        (path.to_string(), result)
    }
}

/// Renders the page of one tag.
fn render_tag(renderer: &Renderer<'_>, name: &str) -> (String, Result<Vec<u8>, Diagnostic>) {
    let resolved = renderer.resolved;
    let links = &resolved.links;
    let home =
        |path: &str| vec![LinkView { title: renderer.site.title.clone(), url: relative_url(path, "index.html") }];
    {
        let docs = links.tags.get(name).map_or(&[][..], Vec::as_slice);
        let path = tag_page(name);
        let linker = Linker::new(resolved, None, &path, None);
        let tag = TagView {
            name: name.to_string(),
            url: String::new(),
            documents: docs
                .iter()
                .map(|&d| LinkView {
                    title: resolved.documents[d].front.title.clone(),
                    url: linker.url_of(&ClauseRef { doc: d, id: None }),
                })
                .collect(),
        };
        let mut crumbs = home(&path);
        crumbs.push(LinkView { title: "标签".into(), url: relative_url(&path, TAGS_PAGE) });
        let page = renderer.page_view(&format!("标签：{name}"), "tag", &path, crumbs);
        let result = renderer.render("tag.html", &path, page, |c| c.insert("tag", &tag));
        (path, result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_pages_and_their_pager() {
        assert_eq!(numbered_page("timeline.html", 1), "timeline.html");
        assert_eq!(numbered_page("timeline.html", 3), "timeline/3.html");
        assert_eq!(numbered_page("cited/cite-1.html", 2), "cited/cite-1/2.html");
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(PER_PAGE + 1), 2);
        assert!(pager("timeline.html", 1, 1, "timeline.html").is_none());
        let p = pager("timeline.html", 7, 20, "timeline/7.html").unwrap();
        let numbers: Vec<usize> = p.pages.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [1, 5, 6, 7, 8, 9, 20]);
        assert_eq!(p.prev.as_deref(), Some("../timeline/6.html"));
        assert_eq!(p.next.as_deref(), Some("../timeline/8.html"));
        assert_eq!(p.pages[0].url, "../timeline.html");
        assert!(p.pages.iter().filter(|l| l.current).all(|l| l.number == 7));
        let first = pager("timeline.html", 1, 2, "timeline.html").unwrap();
        assert_eq!((first.prev, first.next.as_deref()), (None, Some("timeline/2.html")));
    }
}
