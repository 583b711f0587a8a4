//! Builds the clause tree from blocks: a stack of open clauses, one rank per
//! numbering level, ids composed from the numbers on the way down.

use std::collections::HashMap;

use super::numbering::{Marker, format_cn_numeral, parse_marker};
use super::{Clause, ClauseKind, ClauseTree};
use crate::markdown::{Block, BlockKind};

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
        ClauseKind::Text | ClauseKind::Block => 9,
    }
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
            let count = self
                .stack
                .last()
                .map_or(0, |(a, _)| a.children.iter().filter(|c| c.kind == ClauseKind::Paragraph).count())
                as u32;
            let n = count + 1;
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
                parent.children.iter().filter(|c| matches!(c.kind, ClauseKind::Text | ClauseKind::Block)).count() + 1
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

    fn own_id_and_cite(&self, kind: ClauseKind, marker: Marker) -> (String, String) {
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

    /// Statute texts sometimes quote other articles (an amendment that inserts
    /// `第一百二十三条…` after announcing `内容如下：`). An article or structural
    /// marker that breaks the sequence right after such a colon starts a
    /// quotation, which lasts until the sequence resumes or a heading comes.
    fn starts_or_continues_quote(&mut self, block: &Block, marker: Option<Marker>) -> bool {
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

    fn add_block(&mut self, block: &Block) {
        match block.kind {
            BlockKind::InfoEnd | BlockKind::Break => {}
            BlockKind::Raw => self.add_text(block),
            BlockKind::Text | BlockKind::Heading(_) => {
                let parsed = parse_marker(&block.text);
                if self.starts_or_continues_quote(block, parsed.map(|(m, _)| m)) {
                    self.add_text(block);
                } else {
                    match (parsed, block.kind) {
                        (Some((marker, rest)), _) => self.add_numbered(block, marker, rest),
                        (None, BlockKind::Heading(level)) => self.add_division(block, level),
                        (None, _) => self.add_text(block),
                    }
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

fn plain_paragraphs(blocks: &[Block], prefix: &str, skip_title: Option<&str>) -> Vec<Clause> {
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
    let mut builder = Builder::new(statute);
    for block in body {
        builder.add_block(block);
    }
    let (roots, mut problems) = builder.finish();
    let tree = ClauseTree {
        preface: plain_paragraphs(preface, "preface", Some(title)),
        body: roots,
        closing: plain_paragraphs(closing, "closing", None),
        statute,
    };
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let reported: Vec<usize> = problems.iter().filter(|p| p.error).map(|p| p.line).collect();
    tree.walk(|clause, _| {
        if let Some(first) = seen.insert(clause.id.as_str(), clause.line)
            && !reported.contains(&clause.line)
        {
            problems.push(ClauseProblem {
                line: clause.line,
                column: 1,
                message: format!("clause id `{}` is used twice (first at line {first})", clause.id),
                hint: "two clauses have the same number at the same level; renumber one".into(),
                error: true,
            });
        }
    });
    (tree, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::split_blocks;

    fn ids(tree: &ClauseTree) -> Vec<String> {
        let mut out = Vec::new();
        tree.walk(|c, _| out.push(c.id.clone()));
        out
    }

    #[test]
    fn directive_levels_get_nested_ids() {
        let md = "前言段落。\n\n## 一、总体要求\n\n### （一）指导思想\n\n引言。\n\n1.第一点。\n\n（1）细目。\n\n2.第二点。\n\n## 二、其他\n";
        let (tree, problems) = build_tree(&split_blocks(md, 1, false), "t");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            ids(&tree),
            vec![
                "preamble__p_1",
                "sec_1",
                "sec_1__subsec_1",
                "sec_1__subsec_1__p_1",
                "sec_1__subsec_1__point_1",
                "sec_1__subsec_1__point_1__subpoint_1",
                "sec_1__subsec_1__point_2",
                "sec_2",
            ]
        );
        assert!(!tree.statute);
        // Every clause is found again at the address the walk gave it.
        let mut seen = 0;
        tree.walk_addressed(|clause, _, address| {
            assert_eq!(tree.at(address).map(|c| &c.id), Some(&clause.id));
            seen += 1;
        });
        assert_eq!(seen, ids(&tree).len());
        assert!(tree.at(&[99]).is_none() && tree.at(&[]).is_none());
    }

    #[test]
    fn statute_paragraphs_and_points() {
        let md = "## 第一章 总则\n\n第一条 目的。\n\n第二条 第一款：\n\n（一）甲；\n\n（二）乙。\n\n第二款。\n\n（一）丙。\n\n## 第二章 附\n\n第三条 再。\n\n第三条之一 插入。\n";
        let (tree, problems) = build_tree(&split_blocks(md, 1, true), "t");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            ids(&tree),
            vec![
                "chp_1",
                "art_1",
                "art_1__para_1",
                "art_2",
                "art_2__para_1",
                "art_2__para_1__point_1",
                "art_2__para_1__point_2",
                "art_2__para_2",
                "art_2__para_2__point_1",
                "chp_2",
                "art_3",
                "art_3__para_1",
                "art_3-1",
                "art_3-1__para_1",
            ]
        );
    }

    #[test]
    fn duplicate_and_out_of_order_numbers_are_errors() {
        let md = "一、甲\n\n一、乙\n\n三、丙\n\n二、丁\n";
        let (_, problems) = build_tree(&split_blocks(md, 10, false), "t");
        let summary: Vec<_> = problems.iter().map(|p| (p.line, p.error)).collect();
        assert!(summary.contains(&(12, true)), "{problems:?}");
        assert!(summary.contains(&(14, false)), "{problems:?}");
        assert!(summary.contains(&(16, true)), "{problems:?}");
    }

    #[test]
    fn quoted_articles_stay_inside_the_amending_article() {
        let md = "第五十一条 修改。\n\n第五十二条 增加五条。内容如下：\n\n第七节 监察委员会\n\n第一百二十三条 引文。\n\n第一百二十四条 引文。\n\n第七节相应改为第八节。\n";
        let (tree, problems) = build_tree(&split_blocks(md, 1, true), "t");
        assert!(problems.is_empty(), "{problems:?}");
        let articles: Vec<_> = tree.body.iter().filter(|c| c.kind == ClauseKind::Article).collect();
        assert_eq!(articles.len(), 2);
        assert_eq!(articles[1].children.len(), 5);
    }

    #[test]
    fn preface_and_closing() {
        let md = "# 法\n\n2005年 通过\n\n<!-- INFO END -->\n\n第一条 内容。\n";
        let (tree, _) = build_tree(&split_blocks(md, 1, true), "法");
        assert_eq!(tree.preface.len(), 1);
        assert_eq!(tree.preface[0].id, "preface__p_1");
        let md = "正文。\n\n***\n\n落款\n";
        let (tree, _) = build_tree(&split_blocks(md, 1, false), "t");
        assert_eq!(tree.closing[0].id, "closing__p_1");
    }
}
