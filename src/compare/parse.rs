//! A law file's articles in order, for comparison: the clause tree flattened
//! to one entry per 第X条 with the headings above it.

use crate::clause::{Clause, ClauseKind, ClauseTree, build_tree};
use crate::markdown::split_blocks;

/// A heading above an article (编, 章, 节 or an unnumbered one such as 附则).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// The heading's clause id (`chp_3`, `book_2__chp_1`, `supplementary`).
    pub id: String,
    /// The heading as written (`第三章 法律责任`).
    pub title: String,
}

/// One article of a law version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The clause id the site gives the article (`art_12`, `art_133-1`).
    pub id: String,
    /// The number as written (`第十二条`).
    pub label: String,
    /// The article's text without its number: its 款 one per line, each 项
    /// and 目 line with its own number (`（一）…`).
    pub text: String,
    /// The headings above it, outermost first.
    pub headings: Vec<Heading>,
    /// 1-based line of the article in its file.
    pub line: usize,
}

/// A law file that cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

fn heading_title(clause: &Clause) -> String {
    match (clause.label.is_empty(), clause.text.is_empty()) {
        (false, false) => format!("{} {}", clause.label, clause.text),
        (false, true) => clause.label.clone(),
        _ => clause.text.clone(),
    }
}

fn push_lines(clause: &Clause, out: &mut Vec<String>) {
    for child in &clause.children {
        out.push(format!("{}{}", child.label, child.text));
        push_lines(child, out);
    }
}

/// The articles of a parsed clause tree, in document order.
pub fn articles_of(tree: &ClauseTree) -> Vec<Article> {
    let mut articles = Vec::new();
    tree.walk(|clause, ancestors| {
        if clause.kind != ClauseKind::Article {
            return;
        }
        let headings = ancestors
            .iter()
            .filter(|a| {
                matches!(
                    a.kind,
                    ClauseKind::Book
                        | ClauseKind::SubBook
                        | ClauseKind::Chapter
                        | ClauseKind::Section
                        | ClauseKind::Division
                        | ClauseKind::Annex
                        | ClauseKind::Part
                )
            })
            .map(|a| Heading { id: a.id.clone(), title: heading_title(a) })
            .collect();
        let mut lines = Vec::new();
        push_lines(clause, &mut lines);
        articles.push(Article {
            id: clause.id.clone(),
            label: clause.label.clone(),
            text: lines.join("\n"),
            headings,
            line: clause.line,
        });
    });
    articles
}

/// The articles of a law text, in document order. The text may start with
/// front matter (`---` … `---`), which is skipped. Numbering errors (a
/// duplicate or backward article number) and a text without any 第X条 are
/// errors at their line.
pub fn parse_articles(text: &str) -> Result<Vec<Article>, ParseError> {
    let (body, first_line) = match crate::frontmatter::split(text) {
        Ok(split) => (split.body, split.body_line),
        Err(crate::frontmatter::SplitError::Missing) => (text, 1),
        Err(crate::frontmatter::SplitError::Unclosed) => {
            return Err(ParseError {
                line: 1,
                column: 1,
                message: "the front matter's opening `---` has no closing `---`".into(),
                hint: "end the front matter with a `---` line, or remove the opening one".into(),
            });
        }
    };
    let title = body.lines().find_map(|l| l.strip_prefix("# ")).unwrap_or("").trim().to_string();
    let (tree, problems) = build_tree(&split_blocks(body, first_line, true), &title);
    if let Some(p) = problems.iter().find(|p| p.error) {
        return Err(ParseError { line: p.line, column: p.column, message: p.message.clone(), hint: p.hint.clone() });
    }
    let articles = articles_of(&tree);
    if articles.is_empty() {
        return Err(ParseError {
            line: first_line,
            column: 1,
            message: "no article (第X条) found".into(),
            hint: "only law texts numbered 第一条、第二条… can be compared; each article starts a line".into(),
        });
    }
    Ok(articles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_with_headings_and_items() {
        let text = "---\ntitle: 法\nkind: law\n---\n# 法\n\n2005年 通过\n\n<!-- INFO END -->\n\n## 第一章 总 则\n\n第一条 目的。\n\n第二条 包括：\n\n（一）甲；\n\n（二）乙。\n\n第二款。\n\n## 附则\n\n第三条 施行。\n";
        let articles = parse_articles(text).unwrap();
        let ids: Vec<_> = articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["art_1", "art_2", "art_3"]);
        assert_eq!(articles[1].text, "包括：\n（一）甲；\n（二）乙。\n第二款。");
        assert_eq!(articles[1].label, "第二条");
        assert_eq!(articles[1].line, 15);
        assert_eq!(articles[0].headings, vec![Heading { id: "chp_1".into(), title: "第一章 总 则".into() }]);
        assert_eq!(articles[2].headings[0].title, "附则");
    }

    #[test]
    fn errors_name_their_line() {
        let err = parse_articles("第一条 甲。\n\n第一条 乙。\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("duplicate"), "{err:?}");
        let err = parse_articles("# 标题\n\n只有段落。\n").unwrap_err();
        assert!(err.message.contains("no article"), "{err:?}");
        assert!(parse_articles("---\ntitle: x\n").is_err());
    }
}
