//! The site-wide list pages: 引用文件 (cited documents), 术语 (glossary),
//! 时间表 (timeline) and 标签 (tags), each rendered from its own view values.

use std::collections::HashSet;

use super::linker::{CITED_PAGE, GLOSSARY_PAGE, Linker};
use super::views::{CitedView, LinkView, PeriodView, TagView, TaskView, TermView};
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

/// One list page to render.
pub(super) enum ListPage<'a> {
    /// A site-wide list (title, path), from [`special_pages`].
    Special(&'static str, &'static str),
    /// The page of one tag.
    Tag(&'a str),
}

/// Every list page the site has, each rendered on its own by [`render_list`].
pub(super) fn list_pages(resolved: &Resolved) -> Vec<ListPage<'_>> {
    let mut out: Vec<ListPage<'_>> =
        special_pages(resolved).into_iter().map(|(title, path)| ListPage::Special(title, path)).collect();
    out.extend(resolved.links.tags.keys().map(|name| ListPage::Tag(name)));
    out
}

/// Renders one list page: its output path and bytes.
pub(super) fn render_list(renderer: &Renderer<'_>, list: &ListPage<'_>) -> (String, Result<Vec<u8>, Diagnostic>) {
    let resolved = renderer.resolved;
    let links = &resolved.links;
    let home =
        |path: &str| vec![LinkView { title: renderer.site.title.clone(), url: relative_url(path, "index.html") }];
    let (title, path) = match *list {
        ListPage::Special(title, path) => (title, path),
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
                    .map(|c| CitedView {
                        id: c.id.clone(),
                        title: c.title.clone(),
                        url: c.site_document.map(|d| linker.url_of(&ClauseRef { doc: d, id: None })),
                        short_names: c.short_names.clone(),
                        cited_by: c.cited_by.iter().map(|r| clause_link(&linker, r)).collect(),
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
                        definition_html: linker.block(&t.definition),
                        see: t.see.iter().map(|r| clause_link(&linker, r)).collect(),
                        used_in: used.iter().map(|r| clause_link(&linker, r)).collect(),
                    })
                    .collect();
                renderer.render("glossary.html", path, page, |c| c.insert("terms", &terms))
            }
            TIMELINE_PAGE => {
                let mut periods: Vec<PeriodView> = Vec::new();
                for entry in &links.timeline {
                    let task = TaskView {
                        html: linker.text_html(&entry.sentence, None, &mut HashSet::new()),
                        citation: linker.citation_of(&entry.clause),
                        url: linker.url_of(&entry.clause),
                    };
                    match periods.last_mut() {
                        Some(p) if p.period == entry.period => p.tasks.push(task),
                        _ => periods.push(PeriodView { period: entry.period.clone(), tasks: vec![task] }),
                    }
                }
                renderer.render("timeline.html", path, page, |c| c.insert("periods", &periods))
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
