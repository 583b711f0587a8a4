//! Incremental rebuilds for the preview server.
//!
//! Takes the [`Snapshot`] of the last good build (its resolved site and
//! theme) and the files a burst of changes touched; gives the output files
//! to replace, or `None` when the change needs a whole build.
//!
//! The case made fast is the one editors make all day: the body of an
//! annotation or page edited, its front matter untouched. When the body's
//! cross-links are also the same (its `[[references]]`, whose backlinks other
//! pages show, and its 《cited titles》, which the 引用文件 page lists),
//! nothing outside the pages that print the body can change: the document's
//! own page, the handouts that print it and the study plan (see
//! [`render::render_body_pages`]). Anything else (a front-matter edit, a
//! directive's clauses, a new, removed or renamed file, a theme or
//! `site.yaml` change, a file that no longer parses) takes a whole build,
//! which also reports any error. The search index is not rebuilt here: the
//! snapshot keeps every document's search entries, updates the changed
//! one's, and hands them over ([`Snapshot::search_input`]) so the server can
//! rebuild the index on another thread once the editor pauses.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::load::parse_document;
use crate::render;
use crate::resolve::cited::title_spans;
use crate::resolve::references::find_references;
use crate::resolve::{Body, Resolved};
use crate::search::entries::{self, Entry};
use crate::theme::Theme;

/// The last good build, kept to render changes on top of it.
pub struct Snapshot {
    root: PathBuf,
    resolved: Resolved,
    theme: Theme,
    /// Search entries of every document, then of the glossary (made on the
    /// first change, kept up to date by every later one).
    search_entries: Vec<Arc<Vec<Entry<'static>>>>,
}

/// The search entries of a site at one moment, cheap to clone and to send
/// to another thread.
#[derive(Clone)]
pub struct SearchInput(Vec<Arc<Vec<Entry<'static>>>>, Arc<crate::search::Settings>);

impl SearchInput {
    /// The files of the search index for these entries.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let all: Vec<&Entry<'static>> = self.0.iter().flat_map(|list| list.iter()).collect();
        crate::search::collect_files(|put| crate::search::build(&all, &self.1, put))
    }
}

/// The search entries of `doc`, owning their texts: the snapshot keeps them
/// while documents change under it.
fn owned_entries(cx: &entries::Context, index: usize) -> Vec<Entry<'static>> {
    entries::of_document(cx, index).into_iter().map(Entry::into_owned).collect()
}

/// The cross-links a Markdown body makes: its reference targets and cited
/// titles, in order.
fn cross_links(body: &str) -> (Vec<&str>, Vec<&str>) {
    let references = find_references(body).into_iter().map(|r| r.target).collect();
    let titles = title_spans(body).into_iter().map(|span| &body[span]).collect();
    (references, titles)
}

impl Snapshot {
    /// The snapshot of a build of the site at `root`.
    pub fn new(root: PathBuf, resolved: Resolved, theme: Theme) -> Snapshot {
        Snapshot { root, resolved, theme, search_entries: Vec::new() }
    }

    /// Makes the search entries, if not made yet (else the first change
    /// makes them).
    pub fn ensure_search_entries(&mut self) {
        if self.search_entries.is_empty() {
            use rayon::prelude::*;
            let cx = entries::Context::new(&self.resolved);
            self.search_entries =
                (0..self.resolved.documents.len()).into_par_iter().map(|i| Arc::new(owned_entries(&cx, i))).collect();
            self.search_entries.push(Arc::new(entries::of_glossary(&self.resolved)));
        }
    }

    /// The search entries of the site as it is now.
    pub fn search_input(&mut self) -> SearchInput {
        self.ensure_search_entries();
        SearchInput(self.search_entries.clone(), Arc::new(crate::search::Settings::of_site(&self.resolved)))
    }

    /// Applies a change of the files `changed` (relative to the root) if
    /// only Markdown bodies changed, and returns the output files to replace;
    /// `None` when a whole build is needed (the snapshot may then be stale
    /// and must be replaced by that build's).
    pub fn apply(&mut self, changed: &[PathBuf]) -> Option<Vec<(String, Vec<u8>)>> {
        let mut files = Vec::new();
        for path in changed {
            files.extend(self.apply_one(path)?);
        }
        Some(files)
    }

    fn apply_one(&mut self, path: &Path) -> Option<Vec<(String, Vec<u8>)>> {
        let index = self.resolved.documents.iter().position(|d| d.path == path)?;
        let doc = &self.resolved.documents[index];
        if !matches!(doc.body, Body::Markdown) {
            return None;
        }
        let text = std::fs::read_to_string(self.root.join(path)).ok()?;
        let rel = path.strip_prefix(crate::load::CONTENT_DIR).ok()?.to_string_lossy().replace('\\', "/");
        let raw = parse_document(path, rel, &text).ok()?;
        if raw.front_yaml != doc.front_yaml || raw.body_line != doc.body_line {
            return None;
        }
        if raw.body == doc.body_text {
            return Some(Vec::new());
        }
        if cross_links(&raw.body) != cross_links(&doc.body_text) {
            return None;
        }
        self.ensure_search_entries();
        self.resolved.documents[index].body_text = raw.body;
        self.search_entries[index] = Arc::new(owned_entries(&entries::Context::new(&self.resolved), index));
        let mut files = Vec::new();
        for (path, result) in render::render_body_pages(&self.resolved, &self.theme, index) {
            files.push((path, result.ok()?));
        }
        Some(files)
    }
}
