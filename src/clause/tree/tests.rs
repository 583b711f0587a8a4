//! Unit tests of the tree builder.

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

#[test]
fn quoted_wording_stays_in_its_item() {
    let md = "一、将第二条修改为：\n\n“人民法院受理下列案件：\n\n1.甲案件；\n\n2.乙案件。”\n\n二、删除第三条。\n";
    let (tree, problems) = build_tree(&split_blocks(md, 1, true), "t");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        ids(&tree),
        ["sec_1", "sec_1__quote_1", "sec_1__quote_1__p_1", "sec_1__quote_1__p_2", "sec_1__quote_1__p_3", "sec_2"]
    );
    // A quotation opened inside the item's own line.
    let md = "1.将第六条修改为：“持卡人透支：\n\n（一）明知的；\n\n（二）虚假的。”\n\n2.删除。\n";
    let (tree, problems) = build_tree(&split_blocks(md, 1, true), "t");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        ids(&tree),
        ["point_1", "point_1__quote_1", "point_1__quote_1__p_1", "point_1__quote_1__p_2", "point_2"]
    );
}

#[test]
fn schedules_after_the_last_article_are_annexes() {
    let md = "第一条 甲。\n\n第二条 乙。\n\n附录：\n\n禁忌范围\n\n一、矿山；\n\n（一）井下；\n\n二、经期；\n\n（一）冷水。\n";
    let (tree, problems) = build_tree(&split_blocks(md, 1, true), "t");
    assert!(problems.is_empty(), "{problems:?}");
    let all = ids(&tree);
    assert!(all.contains(&"annex_1__hcontainer_1__sec_2__point_1".to_string()), "{all:?}");
    assert_eq!(tree.body.last().map(|c| (c.kind, c.cite.as_str())), Some((ClauseKind::Annex, "附录")));
}

#[test]
fn a_repeated_id_gets_a_suffix() {
    let md = "附件1\n\n内容。\n\n附件1\n\n内容。\n";
    let (tree, problems) = build_tree(&split_blocks(md, 1, true), "t");
    let all = ids(&tree);
    assert!(all.contains(&"annex_1".to_string()) && all.contains(&"annex_1-dup2".to_string()), "{all:?}");
    assert!(all.contains(&"annex_1-dup2__p_1".to_string()), "{all:?}");
    assert!(problems.iter().any(|p| p.error), "the repeat is still reported");
}
