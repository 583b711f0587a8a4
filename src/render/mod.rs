//! Render stage: from the resolved site to the bytes of every output file.
//!
//! Takes [`Resolved`] and a [`Theme`]; gives [`Rendered`]: a map from output
//! path to bytes (pages, static files, assets, redirects) plus any template
//! errors. Nothing is written here; pages are rendered in parallel.

pub mod clause_html;
pub mod handouts;
pub mod linker;
mod pages;
pub mod present;
pub mod quiz;
pub mod versions;
pub mod views;

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use tera::Context;

use crate::diagnostic::Diagnostic;
use crate::frontmatter::Kind;
use crate::markdown::{block_html, escape_html, escape_text};
use crate::resolve::citations::ClauseRef;
use crate::resolve::{Body, Document, Resolved, paths};
use crate::theme::{Theme, tera_message};
use clause_html::{ClauseDecorator, ClauseStyle, render_tree, toc};
use linker::Linker;
use views::{DocumentView, LinkView, PageView, QuoteView, SiteView};

/// Every output file, by path from the output root, with its bytes.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Output files.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Template errors and output conflicts.
    pub diagnostics: Vec<Diagnostic>,
}

/// The prefix that leads from `page` (a path from the root) back to the root.
pub fn root_prefix(page: &str) -> String {
    "../".repeat(page.matches('/').count())
}

/// A link from `page` to `target` (both paths from the root).
pub fn relative_url(page: &str, target: &str) -> String {
    format!("{}{target}", root_prefix(page))
}

fn link(from: &str, doc: &Document) -> LinkView {
    LinkView { title: doc.front.title.clone(), url: relative_url(from, &doc.output) }
}

/// A link that names the document by its short title (for navigation).
fn short_link(from: &str, doc: &Document) -> LinkView {
    LinkView { title: doc.short_title().to_string(), url: relative_url(from, &doc.output) }
}

fn site_view(resolved: &Resolved) -> SiteView {
    let c = &resolved.config;
    SiteView {
        title: c.title.clone(),
        language: c.language.clone(),
        description: c.description.clone(),
        publisher: c.publisher.clone(),
        footer_html: c.footer.as_deref().map(block_html),
    }
}

/// At most this many directives are named in the navigation of every page;
/// a larger collection is reached through the home page, so that pages do not
/// grow with the size of the site.
const NAV_DIRECTIVES: usize = 6;

/// At most this many plain pages are named in the navigation of every page;
/// when a site has more, the home page lists them instead.
const NAV_PAGES: usize = 8;

/// The plain pages (`kind: page`) of the site, in order.
fn plain_pages(resolved: &Resolved) -> impl Iterator<Item = &Document> + Clone {
    resolved.documents.iter().filter(|d| d.front.kind == Kind::Page)
}

/// Above this many directives and laws, the home page leaves out their
/// tables of contents.
const HOME_TOC_LIMIT: usize = 30;

/// The navigation targets (title, path from the root): the home page,
/// directives (for small sites), pages, and the site-wide lists that have content.
fn nav_targets(resolved: &Resolved) -> Vec<(String, String)> {
    let mut out = vec![("首页".to_string(), "index.html".to_string())];
    let directives = resolved.documents.iter().filter(|d| d.front.kind == Kind::Directive);
    if directives.clone().count() <= NAV_DIRECTIVES {
        out.extend(directives.map(|d| (d.short_title().to_string(), d.output.clone())));
    }
    let pages = plain_pages(resolved);
    if pages.clone().count() <= NAV_PAGES {
        out.extend(pages.map(|d| (d.short_title().to_string(), d.output.clone())));
    }
    if let Some(plan) = &resolved.config.study_plan {
        out.push((plan.title.clone(), handouts::STUDY_PLAN_PAGE.to_string()));
    }
    for (title, path) in pages::special_pages(resolved) {
        out.push((title.to_string(), path.to_string()));
    }
    out
}

/// Adds cross-links to a page's clauses and puts annotations and backlinks
/// beside them.
struct Decorated<'a> {
    linker: &'a Linker<'a>,
    doc: usize,
    plain_text: bool,
}

impl ClauseDecorator for Decorated<'_> {
    fn text(&self, text: &str, clause_id: &str) -> String {
        if self.plain_text {
            self.linker.text_html(text, Some(clause_id), &mut rustc_hash::FxHashSet::default()).replace('\n', "<br>")
        } else {
            self.linker.inline(text, Some(clause_id))
        }
    }

    fn aside(&self, clause_id: &str) -> String {
        let graph = &self.linker.resolved().links.graph;
        let key = ClauseRef { doc: self.doc, id: Some(clause_id.to_string()) };
        let annotations = graph.annotations.get(&key).map_or(&[][..], Vec::as_slice);
        let backlinks = graph.backlinks.get(&key).map_or(&[][..], Vec::as_slice);
        if annotations.is_empty() && backlinks.is_empty() {
            return String::new();
        }
        let class = if annotations.is_empty() { "annotations" } else { "annotations has-notes" };
        // Each aside is a landmark: its label names the clause, so labels stay unique.
        let label = escape_text(&format!("{}的释义与引用", self.linker.citation_of(&key)));
        let mut out = format!("<aside class=\"{class}\" aria-label=\"{label}\">\n");
        if !annotations.is_empty() {
            out.push_str("<p class=\"aside-head\">释义</p>\n<ul class=\"aside-list\">\n");
            for &a in annotations {
                let doc = &self.linker.resolved().documents[a];
                let _ = write!(
                    out,
                    "<li><a href=\"{}\">{}</a>",
                    self.linker.url_of(&ClauseRef { doc: a, id: None }),
                    escape_text(&doc.front.title)
                );
                if let Some(summary) = &doc.front.summary {
                    let _ = write!(out, "<span class=\"aside-summary\">{}</span>", escape_text(summary));
                }
                out.push_str("</li>\n");
            }
            out.push_str("</ul>\n");
        }
        if !backlinks.is_empty() {
            out.push_str(
                "<div class=\"aside-backlinks\">\n<p class=\"aside-head\">被引用</p>\n<ul class=\"backlinks\">\n",
            );
            for b in backlinks {
                let _ = writeln!(
                    out,
                    "<li><a href=\"{}\">{}</a></li>",
                    self.linker.url_of_anchor(b.source, &b.anchor),
                    escape_text(&b.label)
                );
            }
            out.push_str("</ul>\n</div>\n");
        }
        out.push_str("</aside>\n");
        out
    }
}

/// The view of a document. With a linker, the body is rendered (and linked);
/// without, only its metadata and table of contents are filled in.
fn document_view(resolved: &Resolved, index: usize, from: &str, linker: Option<&Linker<'_>>) -> DocumentView {
    let doc = &resolved.documents[index];
    let f = &doc.front;
    let chinese = |d: Option<crate::frontmatter::Date>| d.map(|d| d.chinese());
    let page_url = if from == doc.output { String::new() } else { relative_url(from, &doc.output) };
    let (toc, preface_html, body_html, closing_html, clause_count) = match (&doc.body, linker) {
        (Body::Clauses(tree), Some(linker)) => {
            let decorated = Decorated { linker, doc: index, plain_text: f.kind == Kind::Law };
            let style = ClauseStyle { short_title: doc.short_title(), statute: tree.statute, decorator: &decorated };
            let (p, b, c) = render_tree(tree, &style);
            (toc(tree, &page_url, 3), p, b, c, tree.len())
        }
        (Body::Clauses(tree), None) => {
            (toc(tree, &page_url, 3), String::new(), String::new(), String::new(), tree.len())
        }
        (Body::Markdown, Some(linker)) => (Vec::new(), String::new(), linker.block(&doc.body_text), String::new(), 0),
        (Body::Markdown, None) => (Vec::new(), String::new(), String::new(), String::new(), 0),
    };
    let other = |i: Option<usize>| i.map(|i| link(from, &resolved.documents[i]));
    let graph = &resolved.links.graph;
    let annotates = match linker {
        Some(linker) => graph.annotates[index]
            .iter()
            .map(|target| QuoteView {
                citation: linker.citation_of(target),
                url: linker.url_of(target),
                html: target
                    .id
                    .as_ref()
                    .and_then(|id| resolved.clause_text(target.doc, id))
                    .map(|text| {
                        if resolved.documents[target.doc].front.kind == Kind::Law {
                            escape_html(text)
                        } else {
                            crate::markdown::inline_html(text)
                        }
                    })
                    .unwrap_or_default(),
            })
            .collect(),
        None => Vec::new(),
    };
    let cited_by = match linker {
        Some(linker) => graph
            .backlinks
            .get(&ClauseRef { doc: index, id: None })
            .into_iter()
            .flatten()
            .map(|b| LinkView { title: b.label.clone(), url: linker.url_of_anchor(b.source, &b.anchor) })
            .collect(),
        None => Vec::new(),
    };
    let annotations = resolved
        .links
        .graph
        .annotations
        .get(&ClauseRef { doc: index, id: None })
        .into_iter()
        .flatten()
        .map(|&a| link(from, &resolved.documents[a]))
        .collect();
    DocumentView {
        title: f.title.clone(),
        short_title: doc.short_title().to_string(),
        kind: f.kind.name().to_string(),
        url: relative_url(from, &doc.output),
        doc_number: f.doc_number.clone(),
        issuer: f.issuer.clone(),
        date: chinese(f.date),
        date_iso: f.date.map(|d| d.to_string()),
        signed: chinese(f.signed),
        effective: chinese(f.effective),
        version_date: chinese(f.version_date),
        summary: f.summary.clone(),
        note: f.note.clone(),
        source: f.source.clone(),
        author: f.author.clone(),
        tags: f.tags.clone(),
        toc,
        preface_html,
        body_html,
        closing_html,
        parent: other(doc.parent),
        attachments: doc.attachments.iter().map(|&i| link(from, &resolved.documents[i])).collect(),
        prev: other(doc.prev),
        next: other(doc.next),
        clause_count,
        annotates,
        cited_by,
        annotations,
        handouts: handouts::scopes_of(resolved, index)
            .into_iter()
            .map(|h| LinkView {
                title: h.section.map_or_else(|| "全文".to_string(), |c| c.label.clone()),
                url: relative_url(from, &h.path),
            })
            .collect(),
        quizzes: quiz::scopes_of(resolved, index)
            .into_iter()
            .filter(|q| !q.sheet)
            .map(|q| LinkView {
                title: q.section.map_or_else(|| "全文".to_string(), |c| c.label.clone()),
                url: relative_url(from, &q.path),
            })
            .collect(),
        versions: versions::versions_view(resolved, index, from),
        present: present::path_of(resolved, index).map(|p| relative_url(from, &p)),
    }
}

struct Renderer<'a> {
    resolved: &'a Resolved,
    theme: &'a Theme,
    site: SiteView,
    terms: Option<(AhoCorasick, Vec<usize>)>,
    nav: Vec<(String, String)>,
}

impl<'a> Renderer<'a> {
    /// The renderer of `resolved` with `theme`.
    fn new(resolved: &'a Resolved, theme: &'a Theme) -> Renderer<'a> {
        Renderer {
            resolved,
            theme,
            site: site_view(resolved),
            terms: linker::glossary_matcher(resolved),
            nav: nav_targets(resolved),
        }
    }

    /// The view of the page at `path`.
    fn page_view(&self, title: &str, kind: &str, path: &str, breadcrumbs: Vec<LinkView>) -> PageView {
        PageView {
            title: title.to_string(),
            kind: kind.to_string(),
            root: root_prefix(path),
            path: path.to_string(),
            breadcrumbs,
            nav: self.nav.iter().map(|(t, p)| LinkView { title: t.clone(), url: relative_url(path, p) }).collect(),
        }
    }

    fn render(
        &self,
        template: &str,
        path: &str,
        page: PageView,
        extra: impl FnOnce(&mut Context),
    ) -> Result<Vec<u8>, Diagnostic> {
        self.render_sized(template, path, page, 8 * 1024, extra)
    }

    /// [`Renderer::render`] into a buffer that starts at `capacity` bytes.
    fn render_sized(
        &self,
        template: &str,
        path: &str,
        page: PageView,
        capacity: usize,
        extra: impl FnOnce(&mut Context),
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut context = Context::new();
        context.insert("site", &self.site);
        context.insert("page", &page);
        extra(&mut context);
        // Rendered straight into bytes: Tera's `render` would check the whole
        // page for UTF-8 once more on the way to a String.
        let mut out = Vec::with_capacity(capacity);
        self.theme.tera.render_to(template, &context, &mut out).map(|()| out).map_err(|e| {
            let origin = self.theme.template_origins.get(template).cloned().unwrap_or_else(|| template.into());
            Diagnostic::error(origin, 0, 0, format!("cannot render {path}: {}", tera_message(&e)))
                .with_code("template")
                .with_hint("check the variables the template uses against the view reference in the README")
        })
    }

    fn document_page(&self, index: usize) -> Result<Vec<u8>, Diagnostic> {
        let doc = &self.resolved.documents[index];
        let path = doc.output.as_str();
        let mut crumbs = vec![LinkView { title: self.site.title.clone(), url: relative_url(path, "index.html") }];
        if let Some(p) = doc.parent {
            crumbs.push(short_link(path, &self.resolved.documents[p]));
        }
        let linker = Linker::new(self.resolved, self.terms.as_ref(), path, Some(index));
        let view = document_view(self.resolved, index, path, Some(&linker));
        let template = if doc.front.kind.has_clauses() { "document.html" } else { "page.html" };
        let page = self.page_view(&doc.front.title, doc.front.kind.name(), path, crumbs);
        // Pages run to about twice their source, most of it annotations and links.
        let capacity = 16 * 1024 + 2 * doc.body_text.len();
        self.render_sized(template, path, page, capacity, |c| c.insert("doc", &view))
    }

    fn home(&self) -> Result<Vec<u8>, Diagnostic> {
        let mut documents: Vec<DocumentView> = self
            .resolved
            .documents
            .iter()
            .enumerate()
            .filter(|(_, d)| d.front.kind.has_clauses() && d.version.is_none_or(|v| v.current))
            .map(|(i, _)| document_view(self.resolved, i, "index.html", None))
            .collect();
        // A home page that lists many documents lists them without their
        // tables of contents, so that it does not grow with every clause.
        if documents.len() > HOME_TOC_LIMIT {
            documents.iter_mut().for_each(|d| d.toc.clear());
        }
        // Pages left out of the navigation are listed here.
        let pages: Vec<LinkView> = if plain_pages(self.resolved).count() > NAV_PAGES {
            plain_pages(self.resolved).map(|d| short_link("index.html", d)).collect()
        } else {
            Vec::new()
        };
        let page = self.page_view(&self.site.title, "home", "index.html", Vec::new());
        self.render("home.html", "index.html", page, |c| {
            c.insert("documents", &documents);
            c.insert("pages", &pages);
        })
    }

    fn compare_page(
        &self,
        set: &crate::resolve::versions::VersionSet,
        c: &crate::resolve::versions::Comparison,
    ) -> Result<Vec<u8>, Diagnostic> {
        let path = c.output.as_str();
        let view = versions::compare_view(self.resolved, set, c);
        let current = &self.resolved.documents[set.current()];
        let crumbs = vec![
            LinkView { title: self.site.title.clone(), url: relative_url(path, "index.html") },
            short_link(path, current),
        ];
        let page = self.page_view(&view.title, "compare", path, crumbs);
        self.render_sized("compare.html", path, page, 64 * 1024, |c| c.insert("cmp", &view))
    }

    fn not_found(&self) -> Result<Vec<u8>, Diagnostic> {
        let crumbs = vec![LinkView { title: self.site.title.clone(), url: "index.html".into() }];
        let page = self.page_view("页面不存在", "404", "404.html", crumbs);
        self.render("404.html", "404.html", page, |_| {})
    }

    fn search_page(&self) -> Result<Vec<u8>, Diagnostic> {
        let crumbs = vec![LinkView { title: self.site.title.clone(), url: "index.html".into() }];
        let page = self.page_view("搜索", "search", "search.html", crumbs);
        self.render("search.html", "search.html", page, |_| {})
    }
}

/// One page to render.
enum Job<'l, 'r> {
    List(&'l pages::ListPage<'r>),
    Home,
    NotFound,
    Search,
    StudyPlan,
    Document(usize),
    Handout(&'l handouts::HandoutScope<'r>),
    Quiz(&'l quiz::QuizScope<'r>),
    Present(usize, &'l str),
    Compare(&'r crate::resolve::versions::VersionSet, &'r crate::resolve::versions::Comparison),
}

/// A small page that sends the reader from an old path to the new one.
fn redirect_page(from: &str, to: &str) -> Vec<u8> {
    let url = escape_html(&relative_url(from, to));
    let icon = escape_html(&relative_url(from, "static/favicon.svg"));
    format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>已移动</title>\
         <meta http-equiv=\"refresh\" content=\"0; url={url}\"><link rel=\"canonical\" href=\"{url}\">\
         <link rel=\"icon\" href=\"{icon}\" type=\"image/svg+xml\"></head>\
         <body><p>本页已移至 <a href=\"{url}\">{url}</a>。</p></body></html>\n"
    )
    .into_bytes()
}

/// Where rendered files go as they are made: kept in memory ([`Rendered`])
/// or written to a folder (see [`crate::output::Staging`]).
pub trait FileSink: Sync {
    /// Stores one output file; an error says what went wrong.
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), String>;
}

/// A sink that passes files on to another and counts them.
pub struct CountingSink<'s> {
    inner: &'s dyn FileSink,
    count: std::sync::atomic::AtomicUsize,
}

impl<'s> CountingSink<'s> {
    /// Counts what goes to `inner`.
    pub fn new(inner: &'s dyn FileSink) -> Self {
        CountingSink { inner, count: Default::default() }
    }

    /// Files stored so far.
    pub fn count(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl FileSink for CountingSink<'_> {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), String> {
        self.count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.inner.put(path, bytes)
    }
}

/// A sink that keeps every file in memory.
#[derive(Default)]
struct MemorySink(std::sync::Mutex<BTreeMap<String, Vec<u8>>>);

impl FileSink for MemorySink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), String> {
        self.0.lock().map_err(|_| "a render thread failed".to_string())?.insert(path.to_string(), bytes);
        Ok(())
    }
}

/// Hands files to a sink, remembering their paths (to find conflicts) and
/// collecting problems from the parallel render.
struct Collector<'s> {
    sink: &'s dyn FileSink,
    paths: std::sync::Mutex<HashSet<String>>,
    diagnostics: std::sync::Mutex<Vec<Diagnostic>>,
}

impl Collector<'_> {
    fn problem(&self, d: Diagnostic) {
        if let Ok(mut list) = self.diagnostics.lock() {
            list.push(d);
        }
    }

    fn has(&self, path: &str) -> bool {
        self.paths.lock().is_ok_and(|p| p.contains(path))
    }

    fn put(&self, path: &str, bytes: Vec<u8>) {
        if !paths::is_contained(path) {
            self.problem(
                Diagnostic::error(
                    path,
                    0,
                    0,
                    format!("refusing to write `{path}`: it is not a plain path inside the output folder"),
                )
                .with_code("output-path")
                .with_hint("rename the file so that its path has no `..`, `:`, backslash or empty part"),
            );
            return;
        }
        let first = self.paths.lock().is_ok_and(|mut paths| paths.insert(path.to_string()));
        if !first {
            self.problem(
                Diagnostic::error(path, 0, 0, format!("two output files have the same path `{path}`"))
                    .with_code("output-path")
                    .with_hint("rename the content file or set another `slug:`"),
            );
            return;
        }
        if let Err(e) = self.sink.put(path, bytes) {
            self.problem(
                Diagnostic::error(path, 0, 0, format!("cannot write {path}: {e}"))
                    .with_code("write")
                    .with_hint("check that the output folder is writable and the disk is not full"),
            );
        }
    }

    fn take(&self, path: &str, result: Result<Vec<u8>, Diagnostic>) {
        match result {
            Ok(bytes) => self.put(path, bytes),
            Err(d) => self.problem(d),
        }
    }
}

/// Renders every output file of the site into memory.
pub fn render(resolved: &Resolved, theme: &Theme) -> Rendered {
    let memory = MemorySink::default();
    let diagnostics = render_into(resolved, theme, &memory);
    let files = memory.0.into_inner().unwrap_or_default();
    Rendered { files, diagnostics }
}

/// Renders again the pages that show the body of document `doc`: its own
/// page, the handouts that print it and the study plan (which counts its
/// reading time). Used by the preview server when only that body changed.
pub fn render_body_pages(resolved: &Resolved, theme: &Theme, doc: usize) -> Vec<(String, Result<Vec<u8>, Diagnostic>)> {
    let renderer = Renderer::new(resolved, theme);
    let mut out = vec![(resolved.documents[doc].output.clone(), renderer.document_page(doc))];
    let scopes = handouts::scopes_showing(resolved, doc);
    out.extend(
        scopes
            .par_iter()
            .map(|scope| (scope.path.clone(), handouts::render_handout(&renderer, scope)))
            .collect::<Vec<_>>(),
    );
    if let Some(result) = handouts::render_study_plan(&renderer) {
        out.push((handouts::STUDY_PLAN_PAGE.to_string(), result));
    }
    out
}

/// Renders every output file of the site, handing each to `sink` as soon as
/// it is made (pages are rendered in parallel); returns the problems found,
/// sorted.
pub fn render_into(resolved: &Resolved, theme: &Theme, sink: &dyn FileSink) -> Vec<Diagnostic> {
    let renderer = Renderer::new(resolved, theme);
    let out = Collector { sink, paths: Default::default(), diagnostics: Default::default() };
    // Every page is a job of its own; the large site-wide lists come first
    // so that they overlap with the many small document pages.
    let lists = pages::list_pages(resolved);
    let scopes = handouts::scopes(resolved);
    let quizzes = quiz::scopes(resolved);
    let presents = present::scopes(resolved);
    let mut jobs: Vec<Job<'_, '_>> = lists.iter().map(Job::List).collect();
    jobs.extend([Job::Home, Job::NotFound, Job::Search, Job::StudyPlan]);
    // A content file whose page would take the place of a generated one is
    // an error at the content file (never one of the two lost silently).
    let generated: HashSet<String> = lists
        .iter()
        .map(|l| l.path(resolved))
        .chain(scopes.iter().map(|s| s.path.clone()))
        .chain(presents.iter().map(|(_, p)| p.clone()))
        .chain(["index.html", "404.html", "search.html", handouts::STUDY_PLAN_PAGE].map(String::from))
        .collect();
    for (i, doc) in resolved.documents.iter().enumerate() {
        if generated.contains(&doc.output) {
            out.problem(
                Diagnostic::error(&doc.path, 1, 1, format!("`{}` is a page that shiyi generates", doc.output))
                    .with_code("output-path")
                    .with_hint("move the file to another folder or set another `slug:`"),
            );
        } else {
            jobs.push(Job::Document(i));
        }
    }
    jobs.extend(scopes.iter().map(Job::Handout));
    jobs.extend(quizzes.iter().map(Job::Quiz));
    jobs.extend(presents.iter().map(|(i, p)| Job::Present(*i, p.as_str())));
    for set in &resolved.versions {
        jobs.extend(set.comparisons.iter().map(|c| Job::Compare(set, c)));
    }
    // The search index is built while the pages render.
    let render_pages = || {
        let _phase = crate::timings::phase("pages");
        jobs.par_iter().with_max_len(1).for_each(|job| match job {
            Job::List(list) => {
                let (path, result) = pages::render_list(&renderer, list);
                out.take(&path, result);
            }
            Job::Home => out.take("index.html", renderer.home()),
            Job::NotFound => out.take("404.html", renderer.not_found()),
            Job::Search => out.take("search.html", renderer.search_page()),
            Job::StudyPlan => {
                if let Some(result) = handouts::render_study_plan(&renderer) {
                    out.take(handouts::STUDY_PLAN_PAGE, result);
                }
            }
            Job::Document(i) => out.take(&resolved.documents[*i].output, renderer.document_page(*i)),
            Job::Handout(scope) => out.take(&scope.path, handouts::render_handout(&renderer, scope)),
            Job::Quiz(scope) => out.take(&scope.path, quiz::render_quiz(&renderer, scope)),
            Job::Present(i, path) => out.take(path, present::render_present(&renderer, *i, path)),
            Job::Compare(set, c) => out.take(&c.output, renderer.compare_page(set, c)),
        })
    };
    let build_index = || {
        let _phase = crate::timings::phase("search index");
        crate::search::write_index(resolved, &|path, bytes| out.put(&path, bytes));
    };
    rayon::join(render_pages, build_index);
    for (dated, doc) in versions::dated_redirects(resolved) {
        if out.has(&dated) {
            out.problem(
                Diagnostic::error(&doc.path, 1, 1, format!("`{dated}` would overwrite another output file"))
                    .with_hint("rename the file or folder that produces it"),
            );
        } else {
            out.put(&dated, redirect_page(&dated, &doc.output));
        }
    }
    for doc in &resolved.documents {
        // Invalid aliases were reported while resolving.
        for alias in doc.front.aliases.iter().filter_map(|a| paths::alias_output(a).ok()) {
            if out.has(&alias) {
                out.problem(
                    Diagnostic::error(&doc.path, 1, 1, format!("alias `{alias}` would overwrite another output file"))
                        .with_code("output-path")
                        .with_hint("remove the alias or choose another path"),
                );
            } else {
                out.put(&alias, redirect_page(&alias, &doc.output));
            }
        }
    }
    for (name, bytes) in &theme.statics {
        out.put(&format!("static/{name}"), bytes.clone());
    }
    for asset in &resolved.assets {
        let source = format!("content/{}", asset.rel);
        match std::fs::read(&asset.source) {
            Ok(_) if out.has(&asset.rel) => out.problem(
                Diagnostic::error(source, 0, 0, "this file has the same output path as a page")
                    .with_code("output-path")
                    .with_hint("rename the file"),
            ),
            Ok(bytes) => out.put(&asset.rel, bytes),
            Err(e) => out.problem(Diagnostic::error(source, 0, 0, format!("cannot read: {e}")).with_code("read")),
        }
    }
    let mut diagnostics = out.diagnostics.into_inner().unwrap_or_default();
    diagnostics.sort();
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls() {
        assert_eq!(relative_url("index.html", "notice.html"), "notice.html");
        assert_eq!(relative_url("laws/x.html", "notice.html#sec_1"), "../notice.html#sec_1");
        assert_eq!(root_prefix("a/b/c.html"), "../../");
    }
}
