//! Alignment of law versions (新旧对照) on the eight families of
//! `data/versions/` and on the hand-made pair of `data/compare/`.
//!
//! Run with `-- --nocapture` to print the pairs of each family by status.

mod common;

use std::collections::HashMap;
use std::path::Path;

use shiyi::compare::{Article, Mark, Relation, Status, Summary, align, char_diff, parse_articles, report};

fn articles(path: &Path) -> Vec<Article> {
    let text = std::fs::read_to_string(path).unwrap();
    parse_articles(&text).unwrap_or_else(|e| panic!("{}:{}:{}: {}", path.display(), e.line, e.column, e.message))
}

/// The version files of each family, oldest first, from SOURCES.tsv.
fn families() -> Vec<(String, Vec<String>)> {
    let dir = common::repo_root().join("tests/data/versions");
    let sources = std::fs::read_to_string(dir.join("SOURCES.tsv")).unwrap();
    let mut families: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in sources.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let family = cols[0].split('_').next().unwrap().to_string();
        let entry = (cols[3].to_string(), dir.join(cols[0]).display().to_string());
        match families.iter_mut().find(|(f, _)| *f == family) {
            Some((_, files)) => files.push(entry),
            None => families.push((family, vec![entry])),
        }
    }
    families
        .into_iter()
        .map(|(f, mut files)| {
            files.sort();
            (f, files.into_iter().map(|(_, p)| p).collect())
        })
        .collect()
}

fn side(segments: &[shiyi::compare::Segment], keep: Mark) -> String {
    segments.iter().filter(|s| s.mark == Mark::Same || s.mark == keep).map(|s| s.text.as_str()).collect()
}

/// Checks every property the alignment promises on one pair of versions and
/// returns its summary.
fn check_pair(name: &str, old: &[Article], new: &[Article]) -> Summary {
    let alignment = align(old, new);
    // Every article of each side exactly once.
    let mut old_seen = vec![0; old.len()];
    let mut new_seen = vec![0; new.len()];
    for pair in &alignment.pairs {
        if let Some(i) = pair.old {
            old_seen[i] += 1;
        }
        if let Some(j) = pair.new {
            new_seen[j] += 1;
        }
        match (pair.old, pair.new, pair.status) {
            (Some(i), Some(j), Status::Same) => {
                assert_eq!(old[i].text, new[j].text, "{name}: same pair with different text");
                assert_eq!(old[i].id, new[j].id, "{name}: same pair with different numbers");
            }
            (Some(i), Some(j), Status::Moved) => {
                assert_eq!(old[i].text, new[j].text, "{name}: moved pair with different text");
                assert_ne!(old[i].id, new[j].id, "{name}: moved pair keeps its number");
            }
            (Some(i), Some(j), Status::Changed) => {
                assert_ne!(old[i].text, new[j].text, "{name}: changed pair with the same text");
                let segments = char_diff(&old[i].text, &new[j].text);
                assert_eq!(
                    side(&segments, Mark::Deleted),
                    old[i].text,
                    "{name}: deletions do not give back the old text"
                );
                assert_eq!(side(&segments, Mark::Inserted), new[j].text, "{name}: insertions do not give the new text");
                assert!(segments.iter().any(|s| s.mark != Mark::Same));
            }
            (Some(_), None, Status::Removed) | (None, Some(_), Status::Added) => {}
            other => panic!("{name}: impossible pair {other:?}"),
        }
    }
    assert!(old_seen.iter().all(|&n| n == 1), "{name}: an old article is not in exactly one pair");
    assert!(new_seen.iter().all(|&n| n == 1), "{name}: a new article is not in exactly one pair");
    // Document order: the new side in its own order.
    let order: Vec<usize> = alignment.pairs.iter().filter_map(|p| p.new).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{name}: new articles out of order");
    // An article whose text is unchanged (and found once on each side) is
    // paired with itself: `same` or `moved`, never removed and added.
    let mut old_texts: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut new_texts: HashMap<&str, Vec<usize>> = HashMap::new();
    old.iter().enumerate().for_each(|(i, a)| old_texts.entry(a.text.as_str()).or_default().push(i));
    new.iter().enumerate().for_each(|(j, a)| new_texts.entry(a.text.as_str()).or_default().push(j));
    for (text, olds) in &old_texts {
        if let (1, Some(news)) = (olds.len(), new_texts.get(text))
            && news.len() == 1
        {
            let pair = alignment.pairs.iter().find(|p| p.old == Some(olds[0])).unwrap();
            assert_eq!(
                pair.new,
                Some(news[0]),
                "{name}: unchanged {} is not paired with {}",
                old[olds[0]].id,
                new[news[0]].id
            );
        }
    }
    Summary::of(&alignment)
}

#[test]
fn every_family_aligns() {
    let families = families();
    assert_eq!(families.len(), 8);
    for (family, files) in families {
        assert!(files.len() >= 2, "{family}: one version only");
        for w in files.windows(2) {
            let (old, new) = (articles(Path::new(&w[0])), articles(Path::new(&w[1])));
            let s = check_pair(&family, &old, &new);
            println!(
                "{family}: {} → {} articles; same {}, changed {}, moved {}, added {}, removed {}",
                old.len(),
                new.len(),
                s.same,
                s.changed,
                s.moved,
                s.added,
                s.removed
            );
            // Comparing a version with itself changes nothing.
            let itself = check_pair(&family, &new, &new);
            assert_eq!(itself, Summary { same: new.len(), ..Summary::default() });
        }
    }
}

#[test]
fn both_anti_monopoly_law_versions() {
    let dir = common::repo_root().join("tests/data/laws");
    let old = articles(&dir.join("anti_monopoly_law_2007-08-30.md"));
    let new = articles(&dir.join("anti_monopoly_law_2022-06-24.md"));
    let s = check_pair("反垄断法", &old, &new);
    // 2022 added a first 款 to 第四条 and inserted 第五条 (公平竞争审查), so the
    // unchanged articles after it are moved.
    assert!(s.moved > 0 && s.changed > 0 && s.added > 0, "{s:?}");
    let alignment = align(&old, &new);
    let art = |side: &[Article], id: &str| side.iter().position(|a| a.id == id).unwrap();
    let pair_of = |j: usize| alignment.pairs.iter().find(|p| p.new == Some(j)).unwrap();
    let fourth = pair_of(art(&new, "art_4"));
    assert_eq!((fourth.old, fourth.status), (Some(art(&old, "art_4")), Status::Changed));
    let inserted = char_diff(&old[art(&old, "art_4")].text, &new[art(&new, "art_4")].text);
    assert!(inserted.iter().any(|s| s.mark == Mark::Inserted && s.text.contains("反垄断工作坚持中国共产党的领导")));
    assert_eq!(pair_of(art(&new, "art_5")).status, Status::Added);
    let sixth = pair_of(art(&new, "art_6"));
    assert_eq!((sixth.old, sixth.status), (Some(art(&old, "art_5")), Status::Moved));
}

/// The hand-made pair: a split, a merge, an insertion that renumbers all later
/// articles and a deleted chapter, against the alignment worked out by hand.
#[test]
fn the_hand_made_pair() {
    let dir = common::repo_root().join("tests/data/compare");
    let old = articles(&dir.join("old.md"));
    let new = articles(&dir.join("new.md"));
    check_pair("hand-made", &old, &new);
    let alignment = align(&old, &new);
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let got: serde_json::Value = serde_json::from_str(&report::json(&old, &new, &alignment)).unwrap();
    assert_eq!(got, expected);
    let relation = |id: &str, side: &[Article], new_side: bool| {
        let k = side.iter().position(|a| a.id == id).unwrap();
        alignment.pairs.iter().find(|p| if new_side { p.new == Some(k) } else { p.old == Some(k) }).unwrap().relation
    };
    // New 第五条 was split from old 第三条; old 第六条 merged into new 第七条.
    assert_eq!(relation("art_5", &new, true), Some(Relation::SplitFrom(2)));
    assert_eq!(relation("art_6", &old, false), Some(Relation::MergedInto(6)));
    // The deleted chapter: its articles are removed, its heading is gone.
    for id in ["art_7", "art_8"] {
        let a = old.iter().find(|a| a.id == id).unwrap();
        assert_eq!(a.headings[0].title, "第三章 年度报告");
        assert_eq!(relation(id, &old, false), None);
    }
    assert!(new.iter().all(|a| a.headings.iter().all(|h| !h.title.contains("年度报告"))));
}
