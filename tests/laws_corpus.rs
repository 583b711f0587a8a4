//! Every law text of the corpus (tests/data/laws, copied from the shared law
//! corpus) parses into exactly the articles the source has.
//!
//! The expected counts are the `articles` column of SOURCES.tsv (lines after
//! `<!-- INFO END -->` that start with 第X条 and a space), except where that
//! regex is fooled by a trap the corpus README documents.

use std::path::Path;

use shiyi::clause::{ClauseKind, ClauseTree, build_tree};
use shiyi::markdown::split_blocks;

fn parse(file: &str) -> ClauseTree {
    let text = std::fs::read_to_string(Path::new("tests/data/laws").join(file)).unwrap();
    let title = text.lines().next().unwrap_or("").trim_start_matches("# ").to_string();
    let (tree, problems) = build_tree(&split_blocks(&text, 1, true), &title);
    let errors: Vec<_> = problems.iter().filter(|p| p.error).collect();
    assert!(errors.is_empty(), "{file}: {errors:?}");
    tree
}

fn articles(tree: &ClauseTree) -> Vec<String> {
    let mut out = Vec::new();
    tree.walk(|c, _| {
        if c.kind == ClauseKind::Article {
            out.push(c.id.clone());
        }
    });
    out
}

/// Files where the source's own article lines are not all articles.
fn expected_override(file: &str) -> Option<usize> {
    match file {
        // Articles 第三十二条–第五十二条; the quoted 第一百二十三条–第一百二十七条
        // belong to the text inserted by 第五十二条.
        "constitution_amendment_2018.md" => Some(21),
        _ => None,
    }
}

#[test]
fn every_law_has_exactly_its_articles() {
    let sources = std::fs::read_to_string("tests/data/laws/SOURCES.tsv").unwrap();
    let mut checked = 0;
    for line in sources.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, count): (&str, usize) = (cols[0], cols[4].parse().unwrap());
        let expected = expected_override(file).unwrap_or(count);
        let tree = parse(file);
        let found = articles(&tree);
        assert_eq!(found.len(), expected, "{file}: {:?}", found.iter().take(5).collect::<Vec<_>>());
        let mut unique = found.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), found.len(), "{file}: duplicate article ids");
        checked += 1;
    }
    assert_eq!(checked, 42);
}

#[test]
fn traps_of_the_corpus() {
    // 第五十二条 keeps the inserted articles as its own paragraphs.
    let tree = parse("constitution_amendment_2018.md");
    let ids = articles(&tree);
    assert_eq!(ids.first().map(String::as_str), Some("art_32"));
    assert_eq!(ids.last().map(String::as_str), Some("art_52"));
    // The header line 第三十一条的决定》… is history, not an article.
    let tree = parse("cultural_relics_protection_law_2017-11-04.md");
    assert!(tree.preface.iter().any(|p| p.text.starts_with("第三十一条的决定")));
    assert_eq!(articles(&tree).first().map(String::as_str), Some("art_1"));
    // Inserted articles of the criminal law.
    let ids = articles(&parse("criminal_law.md"));
    assert!(ids.contains(&"art_133-1".to_string()));
    // 合同编 starts at 第四百六十三条; its chapters sit under 分编.
    let tree = parse("civil_code_part3_contracts.md");
    assert_eq!(articles(&tree).first().map(String::as_str), Some("art_463"));
    assert!(tree.body.iter().any(|c| c.id == "subbook_1"));
    // Items of 国籍法 are written 一、二、三、 inside 第七条.
    let tree = parse("nationality_law_1980-09-10.md");
    let mut points = Vec::new();
    tree.walk(|c, _| {
        if c.kind == ClauseKind::Point {
            points.push(c.id.clone());
        }
    });
    assert!(points.contains(&"art_7__para_1__point_3".to_string()), "{points:?}");
    // Without 第X条, 一、 numbering is read as sections.
    let tree = parse("state_council_hk_flag_display_rules_1997-06-05.md");
    assert!(!tree.statute);
    assert_eq!(tree.body.iter().filter(|c| c.kind == ClauseKind::DirectiveSection).count(), 3);
    // U+200B lines are blank: no empty paragraphs.
    let tree = parse("civil_procedure_law_2023-09-01.md");
    let mut empty = 0;
    tree.walk(|c, _| {
        if c.kind == ClauseKind::Paragraph && c.text.trim().is_empty() {
            empty += 1;
        }
    });
    assert_eq!(empty, 0);
    // The criminal law's annexes are annexes, not glued to its last article.
    let tree = parse("criminal_law.md");
    assert!(tree.body.iter().any(|c| c.kind == ClauseKind::Annex), "annex headings");
}

#[test]
fn structure_levels_of_a_deep_code() {
    let tree = parse("criminal_law.md");
    let mut kinds = std::collections::BTreeMap::new();
    tree.walk(|c, _| *kinds.entry(format!("{:?}", c.kind)).or_insert(0) += 1);
    assert_eq!(kinds.get("Book"), Some(&2), "{kinds:?}");
    assert!(kinds.get("Section").copied().unwrap_or(0) > 20, "{kinds:?}");
    // Articles keep their ids however the chapters around them are numbered.
    let mut art_id_with_chapter = false;
    tree.walk(|c, _| art_id_with_chapter |= c.kind == ClauseKind::Article && c.id.contains("chp"));
    assert!(!art_id_with_chapter);
}
