//! The clause tree: a document body parsed from its own numbering.
//!
//! Input is the list of [`Block`](crate::markdown::Block)s of a Markdown body (see
//! [`crate::markdown::split_blocks`]); output is a [`ClauseTree`] whose every clause
//! carries a stable ASCII id in the Akoma Ntoso eId style, plus numbering
//! diagnostics. Two numbering styles are recognised:
//!
//! * directives: `一、` / `（一）` / `1.` / `（1）` → `sec_N` / `subsec_N` / `point_N` / `subpoint_N`;
//! * statutes: `第X编` / `第X分编` / `第X章` / `第X节` / `第X条` / 款 / `（一）` 项 / `1.` 目 →
//!   `book_N` / `subbook_N` / `chp_N` / `sec_N` / `art_N` / `para_N` / `point_N` / `subpoint_N`.
//!
//! Before the tree is built, [`layout`] looks at the whole body for what only
//! the surrounding blocks reveal: a table of contents in the body, schedules
//! after the last article, appended acts. Quotations over several paragraphs
//! (an amending item's new wording) stay whole inside their item.
//!
//! Ids derive from numbers, never from wording, so editing text keeps URLs,
//! and an id is never used twice: irregular numbering in an official text
//! gets a suffixed id and a diagnostic.

pub mod layout;
pub mod numbering;
mod quote;
mod tree;

pub use tree::{ClauseProblem, build_tree};

/// What kind of unit a clause is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClauseKind {
    /// 第X编.
    Book,
    /// 第X分编.
    SubBook,
    /// 第X章.
    Chapter,
    /// 第X节 of a statute.
    Section,
    /// 第X条 (article).
    Article,
    /// 款: one paragraph of an article.
    Paragraph,
    /// 项 of a statute or `1.` of a directive.
    Point,
    /// 目 of a statute or `（1）` of a directive.
    SubPoint,
    /// A further level (`（1）` under a statute's 目).
    Item,
    /// `一、` of a directive.
    DirectiveSection,
    /// `（一）` of a directive.
    DirectiveSubsection,
    /// 附件 of a law.
    Annex,
    /// 第X部分.
    Part,
    /// An unnumbered heading (序言, 附则 or any other).
    Division,
    /// An unnumbered paragraph.
    Text,
    /// A table or code block, rendered as Markdown as it is.
    Block,
    /// Wording quoted over several paragraphs (the new text an amending item
    /// gives); its paragraphs are its children, never numbered clauses.
    Quote,
}

impl ClauseKind {
    /// Short class name used in HTML (`article`, `point`, …).
    pub fn css_name(self) -> &'static str {
        match self {
            ClauseKind::Book => "book",
            ClauseKind::SubBook => "subbook",
            ClauseKind::Chapter => "chapter",
            ClauseKind::Section => "section",
            ClauseKind::Article => "article",
            ClauseKind::Paragraph => "paragraph",
            ClauseKind::Point => "point",
            ClauseKind::SubPoint => "subpoint",
            ClauseKind::Item => "item",
            ClauseKind::DirectiveSection => "dsec",
            ClauseKind::DirectiveSubsection => "dsubsec",
            ClauseKind::Annex => "annex",
            ClauseKind::Part => "part",
            ClauseKind::Division => "division",
            ClauseKind::Text => "text",
            ClauseKind::Block => "block",
            ClauseKind::Quote => "quote",
        }
    }
}

/// One clause: its number, its own text and its sub-clauses.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// The unit kind.
    pub kind: ClauseKind,
    /// Stable id, unique in the document (`art_20__para_2__point_3`).
    pub id: String,
    /// The marker as written (`三、`, `(三)`, `第二十条`); empty when unnumbered.
    pub label: String,
    /// This clause's part of a formal citation (`三`, `（三）`, `第二款`, `第（三）项`).
    pub cite: String,
    /// The clause's own text (Markdown source, marker removed).
    pub text: String,
    /// True when the clause was written as a heading line.
    pub heading: bool,
    /// 1-based line in the source file.
    pub line: usize,
    /// Sub-clauses in order.
    pub children: Vec<Clause>,
}

impl Clause {
    /// Visits this clause and every descendant, depth first, with its ancestors.
    pub fn walk<'a>(&'a self, ancestors: &mut Vec<&'a Clause>, f: &mut dyn FnMut(&'a Clause, &[&'a Clause])) {
        f(self, ancestors);
        ancestors.push(self);
        for child in &self.children {
            child.walk(ancestors, f);
        }
        ancestors.pop();
    }
}

/// What [`ClauseTree::walk_addressed`] calls: clause, ancestors, address.
type AddressedVisitor<'a, 'f> = dyn FnMut(&'a Clause, &[&'a Clause], &[u32]) + 'f;

/// A parsed document body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClauseTree {
    /// Header lines of a law before `<!-- INFO END -->` (history of the text).
    pub preface: Vec<Clause>,
    /// Numbered clauses and the unnumbered paragraphs before them.
    pub body: Vec<Clause>,
    /// What follows a thematic break (`***`): signature, date, notes.
    pub closing: Vec<Clause>,
    /// True when the body uses statute numbering (第X条).
    pub statute: bool,
}

impl ClauseTree {
    /// Visits every clause of preface, body and closing with its ancestors.
    pub fn walk<'a>(&'a self, mut f: impl FnMut(&'a Clause, &[&'a Clause])) {
        let mut ancestors = Vec::new();
        for clause in self.preface.iter().chain(&self.body).chain(&self.closing) {
            clause.walk(&mut ancestors, &mut f);
        }
    }

    /// [`ClauseTree::walk`], also giving each clause's address: its index
    /// among the top-level clauses (preface, body, closing in a row), then
    /// the index among its parent's children at each level.
    pub fn walk_addressed<'a>(&'a self, mut f: impl FnMut(&'a Clause, &[&'a Clause], &[u32])) {
        fn visit<'a>(
            clause: &'a Clause,
            ancestors: &mut Vec<&'a Clause>,
            address: &mut Vec<u32>,
            f: &mut AddressedVisitor<'a, '_>,
        ) {
            f(clause, ancestors, address);
            ancestors.push(clause);
            for (i, child) in clause.children.iter().enumerate() {
                address.push(i as u32);
                visit(child, ancestors, address, f);
                address.pop();
            }
            ancestors.pop();
        }
        let mut ancestors = Vec::new();
        let mut address = Vec::new();
        for (i, clause) in self.preface.iter().chain(&self.body).chain(&self.closing).enumerate() {
            address.push(i as u32);
            visit(clause, &mut ancestors, &mut address, &mut f);
            address.pop();
        }
    }

    /// The clause at `address` (see [`ClauseTree::walk_addressed`]).
    pub fn at(&self, address: &[u32]) -> Option<&Clause> {
        let (&first, rest) = address.split_first()?;
        let mut clause = self.preface.iter().chain(&self.body).chain(&self.closing).nth(first as usize)?;
        for &i in rest {
            clause = clause.children.get(i as usize)?;
        }
        Some(clause)
    }

    /// Number of clauses, all levels.
    pub fn len(&self) -> usize {
        let mut n = 0;
        self.walk(|_, _| n += 1);
        n
    }

    /// True when the tree holds no clause at all.
    pub fn is_empty(&self) -> bool {
        self.preface.is_empty() && self.body.is_empty() && self.closing.is_empty()
    }
}
