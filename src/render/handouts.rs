//! Handouts (讲义) and the study plan (学习计划).
//!
//! For every directive: a print page of the whole text with all its
//! annotations, and one per top-level section (一、) with the section's
//! annotations; the discussion questions (思考题) of those annotations are
//! gathered at the end. The study plan of `site.yaml` groups sections into
//! sessions with reading-time estimates and links to their handouts.

use super::clause_html::{ClauseStyle, render_subtree, render_tree};
use super::linker::Linker;
use super::views::{HandoutNoteView, HandoutView, LinkView, QuestionsView, SessionView};
use super::{Decorated, Renderer, relative_url};
use crate::clause::{Clause, ClauseKind};
use crate::diagnostic::Diagnostic;
use crate::frontmatter::Kind;
use crate::resolve::citations::ClauseRef;
use crate::resolve::{Body, Resolved};

/// Output path of the study plan page.
pub const STUDY_PLAN_PAGE: &str = "study-plan.html";

/// The heading that introduces an annotation's discussion questions.
const QUESTIONS_HEADING: &str = "思考题";

/// A part of a document one handout covers.
#[derive(Debug, Clone)]
pub struct HandoutScope<'a> {
    /// The document.
    pub doc: usize,
    /// The top-level clause, or `None` for the whole document.
    pub section: Option<&'a Clause>,
    /// Output path.
    pub path: String,
}

fn stem(output: &str) -> &str {
    let file = output.rsplit('/').next().unwrap_or(output);
    file.strip_suffix(".html").unwrap_or(file)
}

fn is_top_section(c: &Clause) -> bool {
    matches!(c.kind, ClauseKind::DirectiveSection | ClauseKind::Chapter | ClauseKind::Book)
}

/// The handouts of one document: the whole text, then each section (none
/// for documents other than directives).
pub fn scopes_of(resolved: &Resolved, i: usize) -> Vec<HandoutScope<'_>> {
    let doc = &resolved.documents[i];
    if !resolved.config.handouts {
        return Vec::new();
    }
    let (Body::Clauses(tree), Kind::Directive) = (&doc.body, doc.front.kind) else { return Vec::new() };
    let name = stem(&doc.output);
    let mut out = vec![HandoutScope { doc: i, section: None, path: format!("handouts/{name}.html") }];
    for c in tree.body.iter().filter(|c| is_top_section(c)) {
        out.push(HandoutScope { doc: i, section: Some(c), path: format!("handouts/{name}-{}.html", c.id) });
    }
    out
}

/// Every handout of the site, document by document.
pub fn scopes(resolved: &Resolved) -> Vec<HandoutScope<'_>> {
    (0..resolved.documents.len()).flat_map(|i| scopes_of(resolved, i)).collect()
}

/// The handout of a section (by its clause id), if there is one.
pub fn handout_of(resolved: &Resolved, target: &ClauseRef) -> Option<String> {
    let doc = &resolved.documents[target.doc];
    if !resolved.config.handouts {
        return None;
    }
    let id = target.id.as_deref()?;
    let top = id.split("__").next()?;
    (doc.front.kind == Kind::Directive).then(|| format!("handouts/{}-{top}.html", stem(&doc.output)))
}

/// An annotation's Markdown as runs of lines in their order: its text
/// (`false`) and its discussion questions (`true`, without their heading).
pub fn question_parts(markdown: &str) -> Vec<(bool, String)> {
    let mut parts: Vec<(bool, String)> = Vec::new();
    let mut in_questions = false;
    for line in markdown.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            in_questions = heading.trim() == QUESTIONS_HEADING;
            if in_questions {
                continue;
            }
        }
        match parts.last_mut() {
            Some((questions, part)) if *questions == in_questions => {
                part.push_str(line);
                part.push('\n');
            }
            _ => parts.push((in_questions, format!("{line}\n"))),
        }
    }
    parts
}

/// Characters that count for reading time (no whitespace or Markdown marks).
fn reading_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace() && !matches!(c, '#' | '*' | '-' | '[' | ']' | '|')).count()
}

fn clause_ids(clause: &Clause) -> Vec<String> {
    let mut ids = Vec::new();
    clause.walk(&mut Vec::new(), &mut |c, _| ids.push(c.id.clone()));
    ids
}

/// The handouts that print the body of document `doc` (an annotation).
pub fn scopes_showing(resolved: &Resolved, doc: usize) -> Vec<HandoutScope<'_>> {
    let mut annotated: Vec<usize> = resolved.links.graph.annotates[doc].iter().map(|t| t.doc).collect();
    annotated.sort_unstable();
    annotated.dedup();
    annotated
        .into_iter()
        .flat_map(|d| scopes_of(resolved, d))
        .filter(|scope| scope_annotations(resolved, scope).0.contains(&doc))
        .collect()
}

/// Annotations of the scope, in clause order (whole-document ones first), and
/// the number of characters of text they and the clauses hold.
fn scope_annotations(resolved: &Resolved, scope: &HandoutScope<'_>) -> (Vec<usize>, usize) {
    let graph = &resolved.links.graph;
    let Body::Clauses(tree) = &resolved.documents[scope.doc].body else { return (Vec::new(), 0) };
    let mut ids: Vec<Option<String>> = Vec::new();
    let mut chars = 0;
    match scope.section {
        Some(section) => {
            ids.extend(clause_ids(section).into_iter().map(Some));
            section.walk(&mut Vec::new(), &mut |c, _| chars += reading_chars(&c.text));
        }
        None => {
            ids.push(None);
            tree.walk(|c, _| {
                ids.push(Some(c.id.clone()));
                chars += reading_chars(&c.text);
            });
        }
    }
    let mut annotations = Vec::new();
    for id in ids {
        for &a in graph.annotations.get(&ClauseRef { doc: scope.doc, id }).into_iter().flatten() {
            if !annotations.contains(&a) {
                annotations.push(a);
                chars += reading_chars(&resolved.documents[a].body_text);
            }
        }
    }
    (annotations, chars)
}

fn minutes(chars: usize, per_minute: u32) -> u32 {
    (chars as u32).div_ceil(per_minute.max(1))
}

fn reading_speed(resolved: &Resolved) -> u32 {
    resolved.config.study_plan.as_ref().map_or(300, |p| p.chars_per_minute)
}

/// The id of an annotation's note in a handout: `note-` and its file name,
/// with a number added when another note of the page already has it.
fn note_id(output: &str, taken: &[String]) -> String {
    let base = format!("note-{}", stem(output));
    let mut id = base.clone();
    let mut n = 1;
    while taken.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

/// Renders one handout.
pub(super) fn render_handout(renderer: &Renderer<'_>, scope: &HandoutScope<'_>) -> Result<Vec<u8>, Diagnostic> {
    let resolved = renderer.resolved;
    let doc = &resolved.documents[scope.doc];
    let path = scope.path.as_str();
    let linker = Linker::new(resolved, renderer.terms.as_ref(), path, Some(scope.doc)).detached();
    let Body::Clauses(tree) = &doc.body else { return Ok(Vec::new()) };
    let decorated = Decorated { linker: &linker, doc: scope.doc, plain_text: false };
    let style = ClauseStyle { short_title: doc.short_title(), statute: tree.statute, decorator: &decorated };
    let (citation, body_html) = match scope.section {
        Some(section) => (format!("《{}》{}", doc.short_title(), section.cite), render_subtree(section, &style)),
        None => {
            let (preface, body, closing) = render_tree(tree, &style);
            (format!("《{}》全文", doc.short_title()), format!("{preface}{body}{closing}"))
        }
    };
    let (annotations, chars) = scope_annotations(resolved, scope);
    let mut notes = Vec::new();
    let mut questions = Vec::new();
    let mut ids = Vec::new();
    for a in annotations {
        let note = &resolved.documents[a];
        let id = note_id(&note.output, &ids);
        // Each annotation numbers its references from 1: the note's own prefix
        // keeps their ids apart from those of the other notes of the page.
        let note_linker =
            Linker::new(resolved, renderer.terms.as_ref(), path, Some(a)).with_anchor_prefix(&format!("{id}-"));
        let citations: Vec<String> =
            resolved.links.graph.annotates[a].iter().map(|t| note_linker.citation_of(t)).collect();
        // Rendered in the order of the file, so that each `[[…]]` gets the
        // number (and target) it has in the annotation, wherever the
        // questions stand.
        let (mut body_html, mut asked_html) = (String::new(), String::new());
        for (is_questions, part) in question_parts(&note.body_text) {
            let html = note_linker.block(&part);
            if is_questions { &mut asked_html } else { &mut body_html }.push_str(&html);
        }
        notes.push(HandoutNoteView {
            id: id.clone(),
            title: note.front.title.clone(),
            citations: citations.clone(),
            url: relative_url(path, &note.output),
            body_html,
        });
        if !asked_html.trim().is_empty() {
            questions.push(QuestionsView { about: citations.join("、"), html: asked_html });
        }
        ids.push(id);
    }
    let view = HandoutView {
        title: format!("{}讲义", citation),
        citation: citation.clone(),
        date: doc.front.signed.or(doc.front.date).map(|d| d.chinese()),
        document: LinkView { title: doc.front.title.clone(), url: relative_url(path, &doc.output) },
        body_html,
        notes,
        questions,
        minutes: minutes(chars, reading_speed(resolved)),
    };
    let crumbs = vec![
        LinkView { title: renderer.site.title.clone(), url: relative_url(path, "index.html") },
        LinkView { title: doc.short_title().to_string(), url: relative_url(path, &doc.output) },
    ];
    let page = renderer.page_view(&view.title, "handout", path, crumbs);
    renderer.render("handout.html", path, page, |c| c.insert("handout", &view))
}

/// Renders the study plan page, when `site.yaml` has a plan.
pub(super) fn render_study_plan(renderer: &Renderer<'_>) -> Option<Result<Vec<u8>, Diagnostic>> {
    let resolved = renderer.resolved;
    let plan = resolved.config.study_plan.as_ref()?;
    let path = STUDY_PLAN_PAGE;
    let linker = Linker::new(resolved, renderer.terms.as_ref(), path, None);
    let sessions: Vec<SessionView> = resolved
        .links
        .study_plan
        .iter()
        .enumerate()
        .map(|(n, session)| {
            let mut chars = 0;
            let mut handouts = Vec::new();
            for target in &session.sections {
                let Body::Clauses(tree) = &resolved.documents[target.doc].body else { continue };
                if let Some(section) = tree.body.iter().find(|c| Some(&c.id) == target.id.as_ref()) {
                    let scope = HandoutScope { doc: target.doc, section: Some(section), path: String::new() };
                    chars += scope_annotations(resolved, &scope).1;
                }
                if let Some(h) = handout_of(resolved, target) {
                    handouts.push(LinkView {
                        title: format!("{}讲义", linker.citation_of(target)),
                        url: relative_url(path, &h),
                    });
                }
            }
            SessionView {
                number: n + 1,
                title: session.title.clone(),
                note_html: session.note.as_deref().map(|n| linker.block(n)),
                sections: session
                    .sections
                    .iter()
                    .map(|t| LinkView { title: linker.citation_of(t), url: linker.url_of(t) })
                    .collect(),
                handouts,
                minutes: minutes(chars, plan.chars_per_minute),
            }
        })
        .collect();
    let intro_html = plan.intro.as_deref().map(|i| linker.block(i));
    let crumbs = vec![LinkView { title: renderer.site.title.clone(), url: relative_url(path, "index.html") }];
    let page = renderer.page_view(&plan.title, "study-plan", path, crumbs);
    Some(renderer.render("study-plan.html", path, page, |c| {
        c.insert("sessions", &sessions);
        c.insert("intro_html", &intro_html);
        c.insert("chars_per_minute", &plan.chars_per_minute);
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_split_off() {
        let parts = question_parts("## 要点\n\n甲\n\n## 思考题\n\n1. 问？\n\n## 附\n\n乙\n");
        let expected = [(false, "## 要点\n\n甲\n\n"), (true, "\n1. 问？\n\n"), (false, "## 附\n\n乙\n")];
        assert_eq!(parts, expected.map(|(q, t)| (q, t.to_string())));
        assert_eq!(question_parts("无题"), [(false, "无题\n".to_string())]);
        assert_eq!(minutes(301, 300), 2);
    }

    #[test]
    fn note_ids_differ_on_one_page() {
        let first = note_id("annotations/a.html", &[]);
        assert_eq!(first, "note-a");
        let second = note_id("other/a.html", std::slice::from_ref(&first));
        assert_eq!(second, "note-a-2");
        assert_eq!(note_id("x/a.html", &[first, second]), "note-a-3");
    }
}
