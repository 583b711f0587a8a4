//! Comparing two versions of a law (新旧对照): law text in, aligned articles
//! and character-level changes out.
//!
//! [`parse_articles`] reads a law file (front matter optional) with the clause
//! parser and gives its articles in order, each with its chapter headings and
//! its text without the article number; [`align`] pairs the articles of two
//! versions, by number where the text is identical or near and by text
//! similarity where articles were renumbered, moved, split or merged;
//! [`char_diff`] marks the inserted and deleted characters of a changed pair.
//! Every function here is pure: the `diff` command and the comparison pages
//! both build on them.

mod align;
mod parse;
pub mod report;
mod textdiff;

pub use align::{Alignment, Pair, Relation, Status, align};
pub use parse::{Article, Heading, ParseError, articles_of, parse_articles};
pub use textdiff::{Mark, Segment, char_diff};

/// The counts of a comparison's summary (修改 N 条、新增 N 条、删除 N 条、移动 N 条).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Pairs whose text and number are unchanged.
    pub same: usize,
    /// Pairs whose text changed.
    pub changed: usize,
    /// Pairs whose text is unchanged but whose number changed.
    pub moved: usize,
    /// Articles only in the new version.
    pub added: usize,
    /// Articles only in the old version.
    pub removed: usize,
}

impl Summary {
    /// Counts the pairs of an alignment by status.
    pub fn of(alignment: &Alignment) -> Summary {
        let mut s = Summary::default();
        for pair in &alignment.pairs {
            match pair.status {
                Status::Same => s.same += 1,
                Status::Changed => s.changed += 1,
                Status::Moved => s.moved += 1,
                Status::Added => s.added += 1,
                Status::Removed => s.removed += 1,
            }
        }
        s
    }

    /// The summary line in Chinese: `修改 3 条、新增 1 条、删除 0 条、移动 12 条`.
    pub fn chinese(&self) -> String {
        format!("修改 {} 条、新增 {} 条、删除 {} 条、移动 {} 条", self.changed, self.added, self.removed, self.moved)
    }
}
