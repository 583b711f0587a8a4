//! The projector view (演示): `present/<doc>.html` for every directive with
//! clauses. The page holds every clause as a `<section>` of its own, with
//! the 要点 of the annotations bound to it; `static/present.js` shows one
//! at a time, so the page works from `file://` without a server.

use serde::Serialize;

use super::linker::Linker;
use super::views::LinkView;
use super::{Renderer, relative_url};
use crate::diagnostic::Diagnostic;
use crate::frontmatter::Kind;
use crate::resolve::citations::ClauseRef;
use crate::resolve::{Body, Resolved};

/// One clause shown on its own (`slides` of `present.html`).
#[derive(Debug, Clone, Serialize)]
pub struct SlideView {
    /// Element id: the clause id, so that `#id` names the same clause here
    /// and on the document page.
    pub id: String,
    /// Position text without the document (`三（三）4`).
    pub cite: String,
    /// The clause's marker as written (`4.`); empty when unnumbered.
    pub label: String,
    /// The clause's own text, rendered.
    pub text_html: String,
    /// The 要点 of the annotations bound to the clause, rendered.
    pub points: Vec<PointsView>,
}

/// The 要点 of one annotation.
#[derive(Debug, Clone, Serialize)]
pub struct PointsView {
    /// The annotation, linked.
    pub note: LinkView,
    /// The list under its `## 要点` heading, rendered.
    pub html: String,
}

/// The projector view of one document (`present` in `present.html`).
#[derive(Debug, Clone, Serialize)]
pub struct PresentView {
    /// The document.
    pub document: LinkView,
    /// Every clause, in reading order.
    pub slides: Vec<SlideView>,
}

fn stem(output: &str) -> &str {
    let file = output.rsplit('/').next().unwrap_or(output);
    file.strip_suffix(".html").unwrap_or(file)
}

/// The projector view path of document `i`, when it has one.
pub fn path_of(resolved: &Resolved, i: usize) -> Option<String> {
    let doc = &resolved.documents[i];
    match (&doc.body, doc.front.kind) {
        (Body::Clauses(tree), Kind::Directive) if !tree.body.is_empty() => {
            Some(format!("present/{}.html", stem(&doc.output)))
        }
        _ => None,
    }
}

/// Every document with a projector view, with the view's path.
pub fn scopes(resolved: &Resolved) -> Vec<(usize, String)> {
    (0..resolved.documents.len()).filter_map(|i| path_of(resolved, i).map(|p| (i, p))).collect()
}

/// The Markdown under the `## 要点` heading of an annotation, up to the next
/// heading of that level or higher (empty when it has none).
pub fn key_points(markdown: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in markdown.lines() {
        let trimmed = line.trim_end();
        if trimmed.starts_with('#') {
            let level = trimmed.chars().take_while(|&c| c == '#').count();
            let title = trimmed[level..].trim();
            if inside && level <= 2 {
                break;
            }
            if level == 2 && title == "要点" {
                inside = true;
                continue;
            }
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Renders the projector view of document `doc` at `path`.
pub(super) fn render_present(renderer: &Renderer<'_>, doc: usize, path: &str) -> Result<Vec<u8>, Diagnostic> {
    let resolved = renderer.resolved;
    let document = &resolved.documents[doc];
    let Body::Clauses(tree) = &document.body else { return Ok(Vec::new()) };
    let linker = Linker::new(resolved, renderer.terms.as_ref(), path, Some(doc)).detached();
    let mut slides = Vec::new();
    tree.walk(|c, _| {
        let target = ClauseRef { doc, id: Some(c.id.clone()) };
        let citation = linker.citation_of(&target);
        let cite = citation.split_once('》').map_or(citation.as_str(), |(_, rest)| rest).to_string();
        let mut points = Vec::new();
        for &a in resolved.links.graph.annotations.get(&target).into_iter().flatten() {
            let note = &resolved.documents[a];
            let md = key_points(&note.body_text);
            if md.trim().is_empty() {
                continue;
            }
            // Each annotation numbers its references from 1: a prefix per
            // slide and note keeps their ids apart on this one page.
            let prefix = format!("{}-n{}-", c.id, points.len() + 1);
            let note_linker =
                Linker::new(resolved, renderer.terms.as_ref(), path, Some(a)).detached().with_anchor_prefix(&prefix);
            points.push(PointsView {
                note: LinkView { title: note.front.title.clone(), url: relative_url(path, &note.output) },
                html: note_linker.block(&md),
            });
        }
        slides.push(SlideView {
            id: c.id.clone(),
            cite,
            label: c.label.clone(),
            text_html: linker.inline(&c.text, Some(&c.id)),
            points,
        });
    });
    let view = PresentView {
        document: LinkView { title: document.front.title.clone(), url: relative_url(path, &document.output) },
        slides,
    };
    let title = format!("《{}》演示", document.short_title());
    let crumbs = vec![
        LinkView { title: renderer.site.title.clone(), url: relative_url(path, "index.html") },
        LinkView { title: document.short_title().to_string(), url: relative_url(path, &document.output) },
    ];
    let page = renderer.page_view(&title, "present", path, crumbs);
    renderer.render("present.html", path, page, |c| c.insert("present", &view))
}

#[cfg(test)]
mod tests {
    use super::key_points;

    #[test]
    fn key_points_stop_at_the_next_section() {
        let md = "导语\n\n## 要点\n\n- 甲\n- 乙\n\n### 细目\n\n丙\n\n## 背景\n\n丁\n";
        assert_eq!(key_points(md).trim(), "- 甲\n- 乙\n\n### 细目\n\n丙");
        assert_eq!(key_points("## 背景\n\n丁\n"), "");
    }
}
