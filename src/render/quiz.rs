//! Self-test pages (自测) and the printable question sheet.
//!
//! For every directive with questions: `quiz/<doc>.html` with all of them,
//! `quiz/<doc>-sec_N.html` for each top-level section (一、) that has
//! questions, and, with handouts on, `handouts/<doc>-quiz.html`: the
//! questions to print, with the answer key on a page of its own. The pages
//! answer and score in the browser (`static/quiz.js`); no server is involved.

use serde::Serialize;

use super::linker::Linker;
use super::views::LinkView;
use super::{Renderer, relative_url};
use crate::clause::Clause;
use crate::diagnostic::Diagnostic;
use crate::frontmatter::{Kind, QuizKind};
use crate::resolve::quiz::{Question, letter};
use crate::resolve::{Body, Resolved};

/// A set of questions one page shows.
#[derive(Debug, Clone)]
pub struct QuizScope<'a> {
    /// The document.
    pub doc: usize,
    /// The top-level section, or `None` for the whole document.
    pub section: Option<&'a Clause>,
    /// Output path.
    pub path: String,
    /// The printable sheet with its answer key, not the interactive page.
    pub sheet: bool,
}

/// One choice of a question (`options` of a question in `quiz.html`).
#[derive(Debug, Clone, Serialize)]
pub struct OptionView {
    /// `A`, `B`… or `对`, `错`.
    pub label: String,
    /// The choice's text (empty for true/false).
    pub text: String,
    /// Whether it is a right answer.
    pub right: bool,
}

/// One question (`questions` in `quiz.html` and `quiz-sheet.html`).
#[derive(Debug, Clone, Serialize)]
pub struct QuestionView {
    /// Number on the page, from 1.
    pub number: usize,
    /// Element id (`q-1`).
    pub id: String,
    /// `single`, `multiple` or `truefalse`.
    pub kind: &'static str,
    /// `单选题`, `多选题`, `判断题`.
    pub kind_label: &'static str,
    /// The question, rendered inline.
    pub text_html: String,
    /// The choices.
    pub options: Vec<OptionView>,
    /// The right answer as written in the key (`B`, `ACD`, `对`).
    pub answer: String,
    /// The explanation, rendered.
    pub explain_html: String,
    /// The clause tested, with its citation.
    pub clause: LinkView,
}

/// A self-test page or question sheet (`quiz` in the templates).
#[derive(Debug, Clone, Serialize)]
pub struct QuizView {
    /// Page title.
    pub title: String,
    /// What it covers (`《具体意见》三`, `《具体意见》全文`).
    pub citation: String,
    /// The document.
    pub document: LinkView,
    /// The questions.
    pub questions: Vec<QuestionView>,
    /// The other self-test pages of the document (the whole text first).
    pub pages: Vec<LinkView>,
    /// The printable sheet (from a self-test page) or the whole-text self-test (from the sheet).
    pub other: Option<LinkView>,
    /// This page's own address as `pages` write it, to mark the current one.
    pub current_url: String,
}

fn stem(output: &str) -> &str {
    let file = output.rsplit('/').next().unwrap_or(output);
    file.strip_suffix(".html").unwrap_or(file)
}

fn questions_of<'r>(resolved: &'r Resolved, doc: usize, section: Option<&Clause>) -> Vec<&'r Question> {
    resolved
        .links
        .quiz
        .iter()
        .filter(|q| q.target.doc == doc && section.is_none_or(|s| q.section() == Some(s.id.as_str())))
        .collect()
}

/// The self-test pages and the question sheet of document `i` (none when it
/// has no questions).
pub fn scopes_of(resolved: &Resolved, i: usize) -> Vec<QuizScope<'_>> {
    let doc = &resolved.documents[i];
    let (Body::Clauses(tree), Kind::Directive) = (&doc.body, doc.front.kind) else { return Vec::new() };
    if questions_of(resolved, i, None).is_empty() {
        return Vec::new();
    }
    let name = stem(&doc.output);
    let mut out = vec![QuizScope { doc: i, section: None, path: format!("quiz/{name}.html"), sheet: false }];
    for c in tree.body.iter().filter(|c| !questions_of(resolved, i, Some(c)).is_empty()) {
        out.push(QuizScope { doc: i, section: Some(c), path: format!("quiz/{name}-{}.html", c.id), sheet: false });
    }
    if resolved.config.handouts {
        out.push(QuizScope { doc: i, section: None, path: format!("handouts/{name}-quiz.html"), sheet: true });
    }
    out
}

/// Every self-test page and question sheet of the site.
pub fn scopes(resolved: &Resolved) -> Vec<QuizScope<'_>> {
    (0..resolved.documents.len()).flat_map(|i| scopes_of(resolved, i)).collect()
}

fn question_view(renderer: &Renderer<'_>, path: &str, n: usize, q: &Question) -> QuestionView {
    let resolved = renderer.resolved;
    let prefix = format!("q{}-", n + 1);
    let linker =
        Linker::new(resolved, renderer.terms.as_ref(), path, Some(q.annotation)).detached().with_anchor_prefix(&prefix);
    let (kind, kind_label) = match q.kind {
        QuizKind::Single => ("single", "单选题"),
        QuizKind::Multiple => ("multiple", "多选题"),
        QuizKind::Truefalse => ("truefalse", "判断题"),
    };
    let truefalse = q.kind == QuizKind::Truefalse;
    let options = q
        .options
        .iter()
        .enumerate()
        .map(|(i, text)| OptionView {
            label: if truefalse { text.clone() } else { letter(i).to_string() },
            text: if truefalse { String::new() } else { linker.inline(text, None) },
            right: q.answer.contains(&i),
        })
        .collect();
    let answer = q
        .answer
        .iter()
        .map(|&i| if truefalse { q.options[i].clone() } else { letter(i).to_string() })
        .collect::<String>();
    QuestionView {
        number: n + 1,
        id: format!("q-{}", n + 1),
        kind,
        kind_label,
        text_html: linker.inline(&q.text, None),
        options,
        answer,
        explain_html: linker.block(&q.explain),
        clause: LinkView { title: linker.citation_of(&q.target), url: linker.url_of(&q.target) },
    }
}

/// Renders one self-test page or question sheet.
pub(super) fn render_quiz(renderer: &Renderer<'_>, scope: &QuizScope<'_>) -> Result<Vec<u8>, Diagnostic> {
    let resolved = renderer.resolved;
    let doc = &resolved.documents[scope.doc];
    let path = scope.path.as_str();
    let citation = match scope.section {
        Some(s) => format!("《{}》{}", doc.short_title(), s.cite),
        None => format!("《{}》全文", doc.short_title()),
    };
    let questions: Vec<QuestionView> = questions_of(resolved, scope.doc, scope.section)
        .into_iter()
        .enumerate()
        .map(|(n, q)| question_view(renderer, path, n, q))
        .collect();
    let all = scopes_of(resolved, scope.doc);
    let pages = all
        .iter()
        .filter(|s| !s.sheet)
        .map(|s| LinkView {
            title: s.section.map_or_else(|| "全文".to_string(), |c| c.label.clone()),
            url: relative_url(path, &s.path),
        })
        .collect();
    let other = all.iter().find(|s| s.sheet != scope.sheet && s.section.is_none()).map(|s| LinkView {
        title: if s.sheet { "打印题单（附答案）".into() } else { "在线自测".into() },
        url: relative_url(path, &s.path),
    });
    let title = if scope.sheet { format!("{citation}自测题单") } else { format!("{citation}自测") };
    let view = QuizView {
        title: title.clone(),
        citation,
        document: LinkView { title: doc.front.title.clone(), url: relative_url(path, &doc.output) },
        questions,
        pages,
        other,
        current_url: relative_url(path, path),
    };
    let crumbs = vec![
        LinkView { title: renderer.site.title.clone(), url: relative_url(path, "index.html") },
        LinkView { title: doc.short_title().to_string(), url: relative_url(path, &doc.output) },
    ];
    let kind = if scope.sheet { "quiz-sheet" } else { "quiz" };
    let page = renderer.page_view(&title, kind, path, crumbs);
    let template = if scope.sheet { "quiz-sheet.html" } else { "quiz.html" };
    renderer.render(template, path, page, |c| c.insert("quiz", &view))
}
