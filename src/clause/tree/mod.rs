//! Builds the clause tree from blocks: a stack of open clauses, one rank per
//! numbering level, ids composed from the numbers on the way down.

use std::collections::{HashMap, HashSet};

mod parts;
#[cfg(test)]
mod tests;

use super::layout::{Role, survey};
use super::numbering::{Marker, format_cn_numeral, malformed_number, parse_marker};
use super::{Clause, ClauseKind, ClauseTree, quote};
use crate::markdown::{Block, BlockKind};
use parts::{plain_paragraphs, unique_ids};

/// A numbering problem found while building the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseProblem {
    /// 1-based source line.
    pub line: usize,
    /// 1-based column (in characters) of the offending marker.
    pub column: usize,
    /// One-line description.
    pub message: String,
    /// What to do about it.
    pub hint: String,
    /// True for errors (the build fails), false for warnings.
    pub error: bool,
}

/// Depth of a clause kind in the hierarchy; a smaller rank is an ancestor.
fn rank(kind: ClauseKind) -> i32 {
    match kind {
        ClauseKind::Book | ClauseKind::Annex => 0,
        ClauseKind::SubBook | ClauseKind::Part => 1,
        ClauseKind::Chapter => 2,
        ClauseKind::Section => 3,
        ClauseKind::Article | ClauseKind::DirectiveSection => 4,
        ClauseKind::Paragraph | ClauseKind::DirectiveSubsection => 5,
        ClauseKind::Point => 6,
        ClauseKind::SubPoint => 7,
        ClauseKind::Item => 8,
        ClauseKind::Division => 2,
        ClauseKind::Text | ClauseKind::Block | ClauseKind::Quote => 9,
    }
}

/// The number for the next child of a kind that `counted` accepts: one more
/// than the number ending the id of the last such child (ids end `_N`, as
/// `…__p_3` and `…__para_2`). Read from the end, not by counting every child,
/// so that a clause with many children is built in linear time.
fn next_number(children: &[Clause], counted: impl Fn(ClauseKind) -> bool) -> u32 {
    children
        .iter()
        .rev()
        .find(|c| counted(c.kind))
        .and_then(|c| c.id.rsplit('_').next()?.parse::<u32>().ok())
        .map_or(1, |n| n + 1)
}

struct Builder {
    statute: bool,
    stack: Vec<(Clause, i32)>,
    roots: Vec<Clause>,
    problems: Vec<ClauseProblem>,
    last_article: Option<(u32, u32, usize)>,
    divisions: u32,
    preamble_paragraphs: u32,
    heading_ranks: HashMap<u8, i32>,
    quoting: bool,
    previous_text_ends_with_colon: bool,
    /// Depth of an open quotation over several paragraphs (0: none).
    quote_depth: i32,
    /// Counters for unnumbered top-level parts.
    contents: u32,
    components: u32,
}

impl Builder {
    fn new(statute: bool) -> Self {
        Builder {
            statute,
            stack: Vec::new(),
            roots: Vec::new(),
            problems: Vec::new(),
            last_article: None,
            divisions: 0,
            preamble_paragraphs: 0,
            heading_ranks: HashMap::new(),
            quoting: false,
            previous_text_ends_with_colon: false,
            quote_depth: 0,
            contents: 0,
            components: 0,
        }
    }

    fn pop(&mut self) {
        if let Some((clause, _)) = self.stack.pop() {
            match self.stack.last_mut() {
                Some((parent, _)) => parent.children.push(clause),
                None => self.roots.push(clause),
            }
        }
    }

    fn pop_to_rank(&mut self, r: i32) {
        while self.stack.last().is_some_and(|(_, top)| *top >= r) {
            self.pop();
        }
    }

    fn in_article(&self) -> bool {
        self.stack.iter().any(|(c, _)| c.kind == ClauseKind::Article)
    }

    fn siblings(&self) -> &[Clause] {
        match self.stack.last() {
            Some((parent, _)) => &parent.children,
            None => &self.roots,
        }
    }

    fn parent_id(&self) -> Option<&str> {
        self.stack.last().map(|(c, _)| c.id.as_str())
    }

    fn compose_id(&self, own: String, kind: ClauseKind) -> String {
        if matches!(kind, ClauseKind::Article | ClauseKind::Annex) {
            return own;
        }
        match self.parent_id() {
            Some(parent) => format!("{parent}__{own}"),
            None => own,
        }
    }

    fn push(&mut self, clause: Clause, r: i32) {
        self.stack.push((clause, r));
    }

    /// Adds an unnumbered paragraph (or table) under the innermost open clause;
    /// inside an article it opens the next 款.
    fn add_text(&mut self, block: &Block) {
        let kind = if block.kind == BlockKind::Raw { ClauseKind::Block } else { ClauseKind::Text };
        if self.statute && self.in_article() && kind == ClauseKind::Text {
            while self.stack.last().is_some_and(|(c, _)| c.kind != ClauseKind::Article) {
                self.pop();
            }
            let n = self.stack.last().map_or(1, |(a, _)| next_number(&a.children, |k| k == ClauseKind::Paragraph));
            let id = self.compose_id(format!("para_{n}"), ClauseKind::Paragraph);
            let para = Clause {
                kind: ClauseKind::Paragraph,
                id,
                label: String::new(),
                cite: format!("第{}款", format_cn_numeral(n)),
                text: block.text.clone(),
                heading: false,
                line: block.line,
                children: Vec::new(),
            };
            self.push(para, rank(ClauseKind::Paragraph));
            return;
        }
        let n = match self.stack.last() {
            Some((parent, _)) => {
                next_number(&parent.children, |k| matches!(k, ClauseKind::Text | ClauseKind::Block)) as usize
            }
            None => {
                self.preamble_paragraphs += 1;
                self.preamble_paragraphs as usize
            }
        };
        let id = match self.stack.last() {
            Some((parent, _)) => format!("{}__p_{n}", parent.id),
            None => format!("preamble__p_{n}"),
        };
        let cite =
            if kind == ClauseKind::Text { format!("第{}段", format_cn_numeral(n as u32)) } else { String::new() };
        let clause = Clause {
            kind,
            id,
            label: String::new(),
            cite,
            text: block.text.clone(),
            heading: false,
            line: block.line,
            children: Vec::new(),
        };
        match self.stack.last_mut() {
            Some((parent, _)) => parent.children.push(clause),
            None => self.roots.push(clause),
        }
    }

    /// Warns about a paragraph that starts like a clause number but is not
    /// one (`十十、`, `0.`, `（〇）`): it stays text, which the editor may not expect.
    fn warn_malformed_number(&mut self, block: &Block) {
        if let Some(number) = malformed_number(&block.text) {
            self.problems.push(ClauseProblem {
                line: block.line,
                column: block.column,
                message: format!("`{number}` is not a clause number: this paragraph is read as text"),
                hint: "write the number the usual way (十一、 （二十） 3.), starting from one; or ignore this if it is text"
                    .into(),
                error: false,
            });
        }
    }

    fn kind_of(&self, marker: Marker) -> ClauseKind {
        match marker {
            Marker::Book(_) => ClauseKind::Book,
            Marker::SubBook(_) => ClauseKind::SubBook,
            Marker::Chapter(_) => ClauseKind::Chapter,
            Marker::Section(_) => ClauseKind::Section,
            Marker::Article(..) => ClauseKind::Article,
            Marker::Annex(_) => ClauseKind::Annex,
            Marker::Part(_) => ClauseKind::Part,
            Marker::CnEnum(_) if self.statute && self.in_article() => ClauseKind::Point,
            Marker::CnEnum(_) => ClauseKind::DirectiveSection,
            Marker::CnParen(_) if self.statute => ClauseKind::Point,
            Marker::CnParen(_) => ClauseKind::DirectiveSubsection,
            Marker::Arabic(_) if self.statute => ClauseKind::SubPoint,
            Marker::Arabic(_) => ClauseKind::Point,
            Marker::ArabicParen(_) if self.statute => ClauseKind::Item,
            Marker::ArabicParen(_) => ClauseKind::SubPoint,
        }
    }

    fn check_order(&mut self, kind: ClauseKind, marker: Marker, label: &str, line: usize, column: usize) {
        let previous = if kind == ClauseKind::Article {
            self.last_article.map(|(n, sub, line)| ((n, sub), line))
        } else {
            self.siblings().iter().rev().find(|c| c.kind == kind).map(|c| ((number_of_id(&c.id), 0), c.line))
        };
        let current = match marker {
            Marker::Article(n, sub) => (n, sub),
            other => (other.number(), 0),
        };
        let Some((prev, prev_line)) = previous else {
            return;
        };
        if current == prev {
            self.problems.push(ClauseProblem {
                line,
                column,
                message: format!("duplicate number `{label}`: the same number is already used at line {prev_line}"),
                hint: "renumber one of the two clauses; each number may appear once at its level".into(),
                error: true,
            });
        } else if current < prev {
            self.problems.push(ClauseProblem {
                line,
                column,
                message: format!("out-of-order number `{label}` comes after a higher number at line {prev_line}"),
                hint: "clauses must be numbered in increasing order; check for a missing or misplaced clause".into(),
                error: true,
            });
        } else if current.1 == 0 && current.0 > prev.0 + 1 {
            self.problems.push(ClauseProblem {
                line,
                column,
                message: format!("numbering gap: `{label}` follows number {} (line {prev_line})", prev.0),
                hint: "a clause seems to be missing; if the source really skips it, this warning can be ignored".into(),
                error: false,
            });
        }
    }

    fn add_numbered(&mut self, block: &Block, marker: Marker, rest: &str) {
        let kind = self.kind_of(marker);
        let r = rank(kind);
        self.pop_to_rank(r);
        if let BlockKind::Heading(level) = block.kind {
            self.heading_ranks.entry(level).or_insert(r);
        }
        let label = block.text[..block.text.len() - rest.len()].trim_end().to_string();
        let column = block.column;
        self.check_order(kind, marker, &label, block.line, column);
        if let Marker::Article(n, sub) = marker {
            self.last_article = Some((n, sub, block.line));
        }
        let (own, cite) = self.own_id_and_cite(kind, marker);
        let id = self.compose_id(own, kind);
        let heading = matches!(block.kind, BlockKind::Heading(_));
        let mut clause =
            Clause { kind, id, label, cite, text: rest.to_string(), heading, line: block.line, children: Vec::new() };
        if kind == ClauseKind::Article {
            // The article's first 款 shares its line.
            let para = Clause {
                kind: ClauseKind::Paragraph,
                id: format!("{}__para_1", clause.id),
                label: String::new(),
                cite: "第一款".into(),
                text: std::mem::take(&mut clause.text),
                heading: false,
                line: block.line,
                children: Vec::new(),
            };
            self.push(clause, r);
            self.push(para, rank(ClauseKind::Paragraph));
        } else {
            self.push(clause, r);
        }
    }

    fn add_division(&mut self, block: &Block, level: u8) {
        let r = self.heading_ranks.get(&level).copied().unwrap_or(if self.statute {
            rank(ClauseKind::Chapter)
        } else {
            rank(ClauseKind::DirectiveSection)
        });
        self.pop_to_rank(r);
        let compact: String = block.text.chars().filter(|c| !c.is_whitespace()).collect();
        let own = match compact.as_str() {
            "序言" => "preamble".to_string(),
            "附则" => "supplementary".to_string(),
            _ => {
                self.divisions += 1;
                format!("hcontainer_{}", self.divisions)
            }
        };
        let id = self.compose_id(own, ClauseKind::Division);
        let clause = Clause {
            kind: ClauseKind::Division,
            id,
            label: String::new(),
            cite: compact,
            text: block.text.clone(),
            heading: true,
            line: block.line,
            children: Vec::new(),
        };
        self.push(clause, r);
    }

    fn add_block(&mut self, block: &Block, role: Role, next: Option<&Block>) {
        if self.quote_depth > 0 && block.kind != BlockKind::InfoEnd && block.kind != BlockKind::Break {
            if block.kind != BlockKind::Raw {
                self.quote_depth += quote::balance(&block.text, true);
            }
            self.add_quoted(block);
            return;
        }
        match block.kind {
            BlockKind::InfoEnd | BlockKind::Break => {}
            BlockKind::Raw => self.add_text(block),
            BlockKind::Text | BlockKind::Heading(_) => {
                let opening = quote::opens(&block.text, self.previous_text_ends_with_colon);
                if opening > 0 && block.text.starts_with('“') {
                    self.open_quote(block.line);
                    self.add_quoted(block);
                    self.quote_depth = opening;
                    self.previous_text_ends_with_colon = false;
                    return;
                }
                let parsed = parse_marker(&block.text);
                if self.starts_or_continues_quote(block, parsed.map(|(m, _)| m)) {
                    self.add_text(block);
                } else if role != Role::Normal {
                    self.add_with_role(block, role);
                } else if parsed.is_none() && self.is_schedule_heading(block, next) {
                    self.add_division(block, 0);
                } else {
                    match (parsed, block.kind) {
                        (Some((marker, rest)), _) => self.add_numbered(block, marker, rest),
                        (None, BlockKind::Heading(level)) => self.add_division(block, level),
                        (None, _) => {
                            self.warn_malformed_number(block);
                            self.add_text(block)
                        }
                    }
                }
                if opening > 0 {
                    self.open_quote(block.line);
                    self.quote_depth = opening;
                }
                self.previous_text_ends_with_colon = block.text.ends_with(['：', ':']);
            }
        }
    }

    fn finish(mut self) -> (Vec<Clause>, Vec<ClauseProblem>) {
        while !self.stack.is_empty() {
            self.pop();
        }
        (self.roots, self.problems)
    }
}

/// The number at the end of an id's last part (`sec_3__subsec_12` → 12).
fn number_of_id(id: &str) -> u32 {
    let last = id.rsplit("__").next().unwrap_or(id);
    let digits = last.rsplit('_').next().unwrap_or("");
    digits.split('-').next().and_then(|d| d.parse().ok()).unwrap_or(0)
}

/// Builds the clause tree of a document body. `title` is the document's title,
/// so that a law file's own `# title` line is not repeated in its preface.
pub fn build_tree(blocks: &[Block], title: &str) -> (ClauseTree, Vec<ClauseProblem>) {
    let (preface, body) = match blocks.iter().position(|b| b.kind == BlockKind::InfoEnd) {
        Some(i) => (&blocks[..i], &blocks[i + 1..]),
        None => (&blocks[..0], blocks),
    };
    let (body, closing) = match body.iter().position(|b| b.kind == BlockKind::Break) {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body, &body[..0]),
    };
    let statute = body.iter().any(|b| {
        matches!(b.kind, BlockKind::Text | BlockKind::Heading(_))
            && matches!(parse_marker(&b.text), Some((Marker::Article(..), _)))
    });
    let roles = survey(body, statute);
    let mut builder = Builder::new(statute);
    for (i, block) in body.iter().enumerate() {
        builder.add_block(block, roles[i], body.get(i + 1));
    }
    let (roots, mut problems) = builder.finish();
    let tree = ClauseTree {
        preface: plain_paragraphs(preface, "preface", Some(title)),
        body: roots,
        closing: plain_paragraphs(closing, "closing", None),
        statute,
    };
    let reported: HashSet<usize> = problems.iter().filter(|p| p.error).map(|p| p.line).collect();
    let mut tree = tree;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    for part in [&mut tree.preface, &mut tree.body, &mut tree.closing] {
        for clause in part.iter_mut() {
            unique_ids(clause, &mut seen, &mut next_suffix, &reported, &mut problems);
        }
    }
    (tree, problems)
}
