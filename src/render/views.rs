//! View structs: the only values templates see. Each is a plain, serialisable
//! snapshot made for one page; templates never see the pipeline's own types.
//!
//! Every URL in a view is relative to the page being rendered, so the output
//! works from any sub-path and from `file://`.

use serde::Serialize;

/// Site-wide settings (`site` in every template).
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// Site title.
    pub title: String,
    /// `<html lang>`.
    pub language: String,
    /// Site description.
    pub description: String,
    /// Publisher, if set.
    pub publisher: Option<String>,
    /// Footer HTML (from Markdown), if set.
    pub footer_html: Option<String>,
}

/// A link: text and relative URL.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    /// Link text.
    pub title: String,
    /// Relative URL.
    pub url: String,
}

/// The page being rendered (`page` in every template).
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    /// `<title>` and main heading.
    pub title: String,
    /// `home`, `directive`, `law`, `annotation`, `page` or `404`.
    pub kind: String,
    /// Prefix from this page to the site root (`""` or `"../"`…).
    pub root: String,
    /// This page's own path from the site root (`notice.html`).
    pub path: String,
    /// Links from the home page down to this page (this page excluded).
    pub breadcrumbs: Vec<LinkView>,
    /// Main navigation: the site's documents and pages.
    pub nav: Vec<LinkView>,
}

/// One entry of a table of contents.
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    /// Clause id (the fragment).
    pub id: String,
    /// Relative URL to the clause (`notice.html#sec_1` or `#sec_1`).
    pub url: String,
    /// The number as written (`一、`).
    pub label: String,
    /// The heading text.
    pub title: String,
    /// Sub-entries.
    pub children: Vec<TocEntry>,
}

/// A directive, law or page (`doc` in `document.html` and `page.html`).
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    /// Full title.
    pub title: String,
    /// Short name used in citations.
    pub short_title: String,
    /// `directive`, `law`, `annotation` or `page`.
    pub kind: String,
    /// Relative URL of the document page.
    pub url: String,
    /// 文号.
    pub doc_number: Option<String>,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Publication date in Chinese (`2005年7月31日`).
    pub date: Option<String>,
    /// Publication date as `YYYY-MM-DD` (for `<time datetime>`).
    pub date_iso: Option<String>,
    /// Signature date in Chinese.
    pub signed: Option<String>,
    /// Effective date in Chinese.
    pub effective: Option<String>,
    /// For laws: the date of this version of the text, in Chinese.
    pub version_date: Option<String>,
    /// Summary.
    pub summary: Option<String>,
    /// Note shown under the title.
    pub note: Option<String>,
    /// Source of the text.
    pub source: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Table of contents (headings of the clause tree).
    pub toc: Vec<TocEntry>,
    /// Law header lines (history), rendered.
    pub preface_html: String,
    /// The body: the clause tree (or page Markdown), rendered.
    pub body_html: String,
    /// Closing part (signature, date, notes), rendered.
    pub closing_html: String,
    /// The document this one is attached to.
    pub parent: Option<LinkView>,
    /// Documents attached to this one.
    pub attachments: Vec<LinkView>,
    /// Previous document in reading order.
    pub prev: Option<LinkView>,
    /// Next document in reading order.
    pub next: Option<LinkView>,
    /// Number of clauses with an id.
    pub clause_count: usize,
    /// For annotations: the clauses explained, quoted.
    pub annotates: Vec<QuoteView>,
    /// Places that cite this document as a whole.
    pub cited_by: Vec<LinkView>,
    /// Annotations of the document as a whole.
    pub annotations: Vec<LinkView>,
    /// Print handouts: the whole document first, then one per top-level section.
    pub handouts: Vec<LinkView>,
    /// Self-test pages: the whole document first, then one per top-level
    /// section with questions.
    pub quizzes: Vec<LinkView>,
    /// The projector view (演示), when the document has one.
    pub present: Option<String>,
    /// For a document in several versions: this version, the others and
    /// their comparisons.
    pub versions: Option<super::versions::VersionsView>,
}

/// A clause an annotation explains, quoted on the annotation page.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteView {
    /// Formal citation.
    pub citation: String,
    /// Relative URL of the clause.
    pub url: String,
    /// The clause's text, rendered.
    pub html: String,
}

/// One cited document on the 引用文件 page (`cited` in `cited.html`).
#[derive(Debug, Clone, Serialize)]
pub struct CitedView {
    /// Anchor id.
    pub id: String,
    /// Title without 《》.
    pub title: String,
    /// The site's own copy, if any.
    pub url: Option<String>,
    /// Short names used for it.
    pub short_names: Vec<String>,
    /// How many clauses cite it.
    pub count: usize,
    /// The page listing the citing clauses, when there are too many to list
    /// here (`cited_by` is then empty).
    pub more_url: Option<String>,
    /// The citing clauses (on this page).
    pub cited_by: Vec<LinkView>,
}

/// The pager of a list split over several pages (`pager`, absent when the
/// list fits on one page).
#[derive(Debug, Clone, Serialize)]
pub struct PagerView {
    /// This page's number, from 1.
    pub current: usize,
    /// Number of pages.
    pub total: usize,
    /// The previous page.
    pub prev: Option<String>,
    /// The next page.
    pub next: Option<String>,
    /// The first and last pages and those around this one, in order.
    pub pages: Vec<PageLinkView>,
}

/// One page link of a [`PagerView`].
#[derive(Debug, Clone, Serialize)]
pub struct PageLinkView {
    /// Page number, from 1.
    pub number: usize,
    /// Relative URL.
    pub url: String,
    /// True for the page shown.
    pub current: bool,
}

/// One glossary term (`terms` in `glossary.html`).
#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    /// Anchor id.
    pub id: String,
    /// The term.
    pub term: String,
    /// Other forms.
    pub aliases: Vec<String>,
    /// Definition, rendered.
    pub definition_html: String,
    /// Related clauses named by the glossary.
    pub see: Vec<LinkView>,
    /// Clauses that use the term.
    pub used_in: Vec<LinkView>,
}

/// One period of the timeline (`periods` in `timeline.html`).
#[derive(Debug, Clone, Serialize)]
pub struct PeriodView {
    /// `2005年至2007年`.
    pub period: String,
    /// The tasks of that period.
    pub tasks: Vec<TaskView>,
}

/// One dated task.
#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    /// The sentence (rendered).
    pub html: String,
    /// Citation of its clause.
    pub citation: String,
    /// Relative URL of its clause.
    pub url: String,
}

/// One tag (`tags` in `tags.html`, `tag` in `tag.html`).
#[derive(Debug, Clone, Serialize)]
pub struct TagView {
    /// Tag name.
    pub name: String,
    /// Relative URL of the tag's page.
    pub url: String,
    /// Documents with the tag.
    pub documents: Vec<LinkView>,
}

/// One annotation printed in a handout.
#[derive(Debug, Clone, Serialize)]
pub struct HandoutNoteView {
    /// Its id on the page (`note-` and the annotation's file name); the ids
    /// of its references start with it.
    pub id: String,
    /// Annotation title.
    pub title: String,
    /// Citations of the clauses it explains.
    pub citations: Vec<String>,
    /// Link to the annotation page.
    pub url: String,
    /// Its text without the discussion questions, rendered.
    pub body_html: String,
}

/// Discussion questions of one annotation, gathered at the end of a handout.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionsView {
    /// What they are about (the annotated clauses' citations).
    pub about: String,
    /// The questions, rendered.
    pub html: String,
}

/// A print handout (`handout` in `handout.html`): clauses, annotations, questions.
#[derive(Debug, Clone, Serialize)]
pub struct HandoutView {
    /// Handout title.
    pub title: String,
    /// Citation of what it covers (`《具体意见》三`).
    pub citation: String,
    /// The document's date (signed or published), in Chinese.
    pub date: Option<String>,
    /// The whole document.
    pub document: LinkView,
    /// The clauses, rendered.
    pub body_html: String,
    /// The annotations of those clauses, in clause order.
    pub notes: Vec<HandoutNoteView>,
    /// Their discussion questions.
    pub questions: Vec<QuestionsView>,
    /// Estimated reading time in minutes.
    pub minutes: u32,
}

/// One session of the study plan (`sessions` in `study-plan.html`).
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    /// Session number, from 1.
    pub number: usize,
    /// Title.
    pub title: String,
    /// What to focus on, rendered.
    pub note_html: Option<String>,
    /// The sections read, linked to the text.
    pub sections: Vec<LinkView>,
    /// The sections' handouts.
    pub handouts: Vec<LinkView>,
    /// Estimated reading time in minutes (text and annotations).
    pub minutes: u32,
}
