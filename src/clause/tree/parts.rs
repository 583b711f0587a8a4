//! The parts of the tree that the whole body or a quotation decides: tables
//! of contents, schedules, lists of attachments, appended acts, part headings
//! and quoted wording; and the last pass that keeps every id unique.

use std::collections::{HashMap, HashSet};

use super::super::layout::{Role, is_title_like, schedule_start};
use super::super::numbering::{Marker, format_cn_numeral, is_cn_numeral_char, parse_marker};
use super::super::{Clause, ClauseKind};
use super::{Builder, ClauseProblem, rank};
use crate::markdown::{Block, BlockKind};

impl Builder {
    /// Statute texts sometimes quote other articles (an amendment that inserts
    /// `第一百二十三条…` after announcing `内容如下：`). An article or structural
    /// marker that breaks the sequence right after such a colon starts a
    /// quotation, which lasts until the sequence resumes or a heading comes.
    pub(super) fn starts_or_continues_quote(&mut self, block: &Block, marker: Option<Marker>) -> bool {
        if !self.statute {
            return false;
        }
        if matches!(block.kind, BlockKind::Heading(_)) {
            self.quoting = false;
            return false;
        }
        let continues_sequence = |last: Option<(u32, u32, usize)>, m: Marker| match (last, m) {
            (Some((n, _, _)), Marker::Article(k, 0)) => k == n + 1,
            (Some((n, _, _)), Marker::Article(k, _)) => k == n,
            (None, _) => true,
            _ => false,
        };
        if self.quoting {
            if let Some(m @ Marker::Article(..)) = marker
                && continues_sequence(self.last_article, m)
            {
                self.quoting = false;
                return false;
            }
            return true;
        }
        if let Some(m) = marker
            && m.is_statute_structure()
            && self.previous_text_ends_with_colon
            && self.in_article()
            && !continues_sequence(self.last_article, m)
        {
            self.quoting = true;
            return true;
        }
        false
    }

    pub(super) fn own_id_and_cite(&self, kind: ClauseKind, marker: Marker) -> (String, String) {
        let n = marker.number();
        let cn = format_cn_numeral(n);
        match (kind, marker) {
            (ClauseKind::Book, _) => (format!("book_{n}"), format!("第{cn}编")),
            (ClauseKind::SubBook, _) => (format!("subbook_{n}"), format!("第{cn}分编")),
            (ClauseKind::Chapter, _) => (format!("chp_{n}"), format!("第{cn}章")),
            (ClauseKind::Section, _) => (format!("sec_{n}"), format!("第{cn}节")),
            (ClauseKind::Article, Marker::Article(_, 0)) => (format!("art_{n}"), format!("第{cn}条")),
            (ClauseKind::Article, Marker::Article(_, sub)) => {
                (format!("art_{n}-{sub}"), format!("第{cn}条之{}", format_cn_numeral(sub)))
            }
            (ClauseKind::Annex, _) => (format!("annex_{n}"), format!("附件{cn}")),
            (ClauseKind::Part, _) => (format!("part_{n}"), format!("第{cn}部分")),
            (ClauseKind::Point, Marker::CnParen(_)) => (format!("point_{n}"), format!("第（{cn}）项")),
            (ClauseKind::Point, Marker::CnEnum(_)) => (format!("point_{n}"), format!("第{cn}项")),
            (ClauseKind::Point, _) => (format!("point_{n}"), format!("{n}")),
            (ClauseKind::SubPoint, Marker::Arabic(_)) => (format!("subpoint_{n}"), format!("第{n}目")),
            (ClauseKind::SubPoint, _) => (format!("subpoint_{n}"), format!("（{n}）")),
            (ClauseKind::Item, _) => (format!("item_{n}"), format!("（{n}）")),
            (ClauseKind::DirectiveSection, _) => (format!("sec_{n}"), cn),
            (ClauseKind::DirectiveSubsection, _) => (format!("subsec_{n}"), format!("（{cn}）")),
            _ => (format!("x_{n}"), String::new()),
        }
    }

    /// Opens a quotation under the innermost open clause.
    pub(super) fn open_quote(&mut self, line: usize) {
        let siblings = self.siblings();
        let n = siblings.iter().filter(|c| c.kind == ClauseKind::Quote).count() + 1;
        let id = match self.parent_id() {
            Some(parent) => format!("{parent}__quote_{n}"),
            None => format!("quote_{n}"),
        };
        let clause = Clause {
            kind: ClauseKind::Quote,
            id,
            label: String::new(),
            cite: String::new(),
            text: String::new(),
            heading: false,
            line,
            children: Vec::new(),
        };
        match self.stack.last_mut() {
            Some((parent, _)) => parent.children.push(clause),
            None => self.roots.push(clause),
        }
    }

    /// Adds a paragraph to the quotation opened last.
    pub(super) fn add_quoted(&mut self, block: &Block) {
        let siblings = match self.stack.last_mut() {
            Some((parent, _)) => &mut parent.children,
            None => &mut self.roots,
        };
        let Some(quote) = siblings.last_mut().filter(|c| c.kind == ClauseKind::Quote) else { return };
        let kind = if block.kind == BlockKind::Raw { ClauseKind::Block } else { ClauseKind::Text };
        let n = quote.children.len() + 1;
        quote.children.push(Clause {
            kind,
            id: format!("{}__p_{n}", quote.id),
            label: String::new(),
            cite: format!("第{}段", format_cn_numeral(n as u32)),
            text: block.text.clone(),
            heading: false,
            line: block.line,
            children: Vec::new(),
        });
    }

    /// Pushes an unnumbered or specially numbered clause at `r`.
    fn push_special(&mut self, block: &Block, kind: ClauseKind, r: i32, own: String, label: &str, cite: String) {
        self.pop_to_rank(r);
        let id = if r == 0 { own } else { self.compose_id(own, kind) };
        let text = block.text[label.len()..].trim_start().to_string();
        let label = label.trim_end().to_string();
        let clause = Clause { kind, id, label, cite, text, heading: true, line: block.line, children: Vec::new() };
        self.push(clause, r);
    }

    /// A line whose role the whole body revealed (see [`survey`]).
    pub(super) fn add_with_role(&mut self, block: &Block, role: Role) {
        match role {
            Role::Contents => {
                self.pop_to_rank(i32::MIN);
                self.contents += 1;
                self.roots.push(Clause {
                    kind: ClauseKind::Text,
                    id: format!("contents__p_{}", self.contents),
                    label: String::new(),
                    cite: String::new(),
                    text: block.text.clone(),
                    heading: false,
                    line: block.line,
                    children: Vec::new(),
                });
            }
            Role::Schedule(number) => {
                self.pop_to_rank(0);
                let (_, marker_len) = schedule_start(&block.text).unwrap_or((None, 0));
                let label = &block.text[..marker_len];
                let n = number.unwrap_or_else(|| {
                    let annexes = self.roots.iter().filter(|c| c.kind == ClauseKind::Annex && c.id != "annexes");
                    annexes.count() as u32 + 1
                });
                let word: String =
                    label.chars().take_while(|c| !c.is_ascii_digit() && *c != '：' && *c != ':').collect();
                let word = word.trim_end_matches(is_cn_numeral_char).trim();
                let cite = if number.is_some() { format!("{word}{}", format_cn_numeral(n)) } else { word.to_string() };
                self.push_special(block, ClauseKind::Annex, 0, format!("annex_{n}"), label, cite);
            }
            Role::AnnexList if self.stack.first().is_some_and(|(c, _)| c.id == "annexes") => self.add_text(block),
            Role::AnnexList => {
                let (_, marker_len) = schedule_start(&block.text).unwrap_or((None, 0));
                let label = &block.text[..marker_len];
                self.push_special(block, ClauseKind::Annex, 0, "annexes".into(), label, "附件".into());
            }
            Role::NewPart => {
                self.components += 1;
                let own = format!("component_{}", self.components);
                let cite: String = block.text.chars().filter(|c| !c.is_whitespace()).collect();
                self.push_special(block, ClauseKind::Division, 0, own, "", cite);
            }
            Role::PartHeading => {
                let Some((marker, rest)) = parse_marker(&block.text) else { return self.add_text(block) };
                let label = &block.text[..block.text.len() - rest.len()];
                let n = marker.number();
                self.pop_to_rank(rank(ClauseKind::Part));
                self.check_order(ClauseKind::Part, marker, label, block.line, block.column);
                let own = format!("part_{n}");
                let cite = format!("第{}部分", format_cn_numeral(n));
                self.push_special(block, ClauseKind::Part, rank(ClauseKind::Part), own, label, cite);
            }
            Role::Normal => {}
        }
    }

    fn in_annex(&self) -> bool {
        self.stack.iter().any(|(c, _)| c.kind == ClauseKind::Annex || c.id.starts_with("component_"))
    }

    /// In a schedule, a short unnumbered line right before a list that starts
    /// at 1 is the heading of that list (`第二类` before `1．苯乙酸`), so a
    /// list that starts again is a new group, not a repeat.
    pub(super) fn is_schedule_heading(&self, block: &Block, next: Option<&Block>) -> bool {
        block.kind == BlockKind::Text
            && self.in_annex()
            && !self.in_article()
            && is_title_like(&block.text)
            && next.and_then(|n| parse_marker(&n.text)).is_some_and(|(m, _)| m.number() == 1)
    }
}

/// Gives `clause` and its descendants ids not in `seen`: a repeated id gets
/// the first free suffix (`art_5-dup2`), its descendants follow, and the
/// repeat is reported (as an error unless a numbering error already names
/// that line).
pub(super) fn unique_ids(
    clause: &mut Clause,
    seen: &mut HashMap<String, usize>,
    next_suffix: &mut HashMap<String, usize>,
    reported: &HashSet<usize>,
    problems: &mut Vec<ClauseProblem>,
) {
    if let Some(&first) = seen.get(&clause.id) {
        let old = clause.id.clone();
        // Suffixes are tried from the last one given to this id on, so that
        // an id repeated many times costs no more than its repeats.
        let mut k = next_suffix.get(&old).copied().unwrap_or(2);
        while seen.contains_key(&format!("{old}-dup{k}")) {
            k += 1;
        }
        next_suffix.insert(old.clone(), k + 1);
        let new = format!("{old}-dup{k}");
        if !reported.contains(&clause.line) {
            problems.push(ClauseProblem {
                line: clause.line,
                column: 1,
                message: format!("clause id `{old}` is used twice (first at line {first})"),
                hint: "two clauses have the same number at the same level; renumber one".into(),
                error: true,
            });
        }
        rename(clause, &old, &new);
    }
    seen.insert(clause.id.clone(), clause.line);
    for child in &mut clause.children {
        unique_ids(child, seen, next_suffix, reported, problems);
    }
}

/// Replaces the id prefix `old` by `new` in `clause` and its descendants.
fn rename(clause: &mut Clause, old: &str, new: &str) {
    if let Some(rest) = clause.id.strip_prefix(old)
        && (rest.is_empty() || rest.starts_with("__"))
    {
        clause.id = format!("{new}{rest}");
    }
    for child in &mut clause.children {
        rename(child, old, new);
    }
}

/// The paragraphs of a law's header or a closing, unnumbered.
pub(super) fn plain_paragraphs(blocks: &[Block], prefix: &str, skip_title: Option<&str>) -> Vec<Clause> {
    let mut out = Vec::new();
    for block in blocks {
        if matches!(block.kind, BlockKind::InfoEnd | BlockKind::Break) {
            continue;
        }
        if block.kind == BlockKind::Heading(1) && Some(block.text.as_str()) == skip_title {
            continue;
        }
        let kind = if block.kind == BlockKind::Raw { ClauseKind::Block } else { ClauseKind::Text };
        out.push(Clause {
            kind,
            id: format!("{prefix}__p_{}", out.len() + 1),
            label: String::new(),
            cite: String::new(),
            text: block.text.clone(),
            heading: matches!(block.kind, BlockKind::Heading(_)),
            line: block.line,
            children: Vec::new(),
        });
    }
    out
}
