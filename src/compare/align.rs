//! Pairs the articles of two versions.
//!
//! 1. Articles with identical text, in order, are paired first (a patience
//!    diff over the article texts): these are `same`, or `moved` when their
//!    number changed.
//! 2. Between two such anchors, the articles left over are paired in order by
//!    text similarity (Dice coefficient of character bigrams), with a bonus
//!    for keeping the number: an amended article stays paired with itself.
//! 3. What is still unpaired is paired across the whole text when it is
//!    similar enough: an article moved to another chapter.
//! 4. The rest are `added` or `removed`; one whose text is mostly inside an
//!    article of the other version is noted as split from it or merged into it.

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::Article;

/// What happened to an article between the two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Same number, same text.
    Same,
    /// The text changed (the number may have changed too).
    Changed,
    /// Same text under another number.
    Moved,
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
}

impl Status {
    /// The name used in `shiyi diff --json` (`same`, `changed`, …).
    pub fn name(self) -> &'static str {
        match self {
            Status::Same => "same",
            Status::Changed => "changed",
            Status::Moved => "moved",
            Status::Added => "added",
            Status::Removed => "removed",
        }
    }

    /// The Chinese word for it (不变, 修改, 移动, 新增, 删除).
    pub fn chinese(self) -> &'static str {
        match self {
            Status::Same => "不变",
            Status::Changed => "修改",
            Status::Moved => "移动",
            Status::Added => "新增",
            Status::Removed => "删除",
        }
    }
}

/// How an added or removed article relates to an article of the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// An added article whose text mostly comes from this old article (split).
    SplitFrom(usize),
    /// A removed article whose text mostly went into this new article (merged).
    MergedInto(usize),
}

/// One aligned pair: indexes into the old and new article lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    /// Index of the old article, if any.
    pub old: Option<usize>,
    /// Index of the new article, if any.
    pub new: Option<usize>,
    /// What happened to it.
    pub status: Status,
    /// For an added or removed article: where its text came from or went.
    pub relation: Option<Relation>,
}

/// The aligned pairs, in document order: the new version's order, with each
/// removed article placed after the article that preceded it in the old one.
/// Every article of each side is in exactly one pair.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Alignment {
    /// The pairs.
    pub pairs: Vec<Pair>,
}

/// Two articles in a run between anchors are paired when their similarity
/// reaches this, or [`SAME_NUMBER_MIN`] when they keep their number.
const IN_ORDER_MIN: f64 = 0.45;
/// Similarity enough for an amended article that kept its number.
const SAME_NUMBER_MIN: f64 = 0.3;
/// Added to the similarity of two articles with the same number.
const SAME_NUMBER_BONUS: f64 = 0.15;
/// Similarity needed to pair articles out of order (moved elsewhere).
const MOVED_MIN: f64 = 0.6;
/// Share of an article's bigrams found in another for a split or merge note.
const CONTAINED_MIN: f64 = 0.6;

/// The character bigrams of a text, sorted and without repeats (a text of
/// one character gives that character alone).
fn bigrams(text: &str) -> Vec<u64> {
    let chars: Vec<u32> = text.chars().filter(|c| !c.is_whitespace()).map(u32::from).collect();
    let mut out: Vec<u64> = if chars.len() == 1 {
        vec![u64::from(chars[0])]
    } else {
        chars.windows(2).map(|w| (u64::from(w[0]) << 32) | u64::from(w[1])).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

fn common(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Dice coefficient of two bigram sets, 0 to 1.
fn dice(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    2.0 * common(a, b) as f64 / (a.len() + b.len()) as f64
}

struct Sides<'a> {
    old: &'a [Article],
    new: &'a [Article],
    old_grams: Vec<Vec<u64>>,
    new_grams: Vec<Vec<u64>>,
}

impl Sides<'_> {
    /// The score of pairing old `i` with new `j` in order, if they may be paired.
    fn in_order_score(&self, i: usize, j: usize) -> Option<f64> {
        let sim = dice(&self.old_grams[i], &self.new_grams[j]);
        let same_number = self.old[i].id == self.new[j].id;
        if same_number && sim >= SAME_NUMBER_MIN {
            Some(sim + SAME_NUMBER_BONUS)
        } else if sim >= IN_ORDER_MIN {
            Some(sim)
        } else {
            None
        }
    }

    /// Best in-order pairing of the runs `old[o]` and `new[n]` (dynamic
    /// programming over the grid, maximising the summed scores).
    fn pair_run(&self, o: std::ops::Range<usize>, n: std::ops::Range<usize>, out: &mut Vec<(usize, usize)>) {
        let (h, w) = (o.len(), n.len());
        if h == 0 || w == 0 {
            return;
        }
        let mut best = vec![0.0f64; (h + 1) * (w + 1)];
        let at = |i: usize, j: usize| i * (w + 1) + j;
        let mut scores = vec![None; h * w];
        for i in 0..h {
            for j in 0..w {
                scores[i * w + j] = self.in_order_score(o.start + i, n.start + j);
            }
        }
        for i in (0..h).rev() {
            for j in (0..w).rev() {
                let mut v = best[at(i + 1, j)].max(best[at(i, j + 1)]);
                if let Some(s) = scores[i * w + j] {
                    v = v.max(s + best[at(i + 1, j + 1)]);
                }
                best[at(i, j)] = v;
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < h && j < w {
            if let Some(s) = scores[i * w + j]
                && (best[at(i, j)] - (s + best[at(i + 1, j + 1)])).abs() < 1e-9
            {
                out.push((o.start + i, n.start + j));
                i += 1;
                j += 1;
            } else if (best[at(i, j)] - best[at(i + 1, j)]).abs() < 1e-9 {
                i += 1;
            } else {
                j += 1;
            }
        }
    }
}

/// Aligns the articles of an old and a new version (see the module doc).
pub fn align(old: &[Article], new: &[Article]) -> Alignment {
    let sides = Sides {
        old,
        new,
        old_grams: old.iter().map(|a| bigrams(&a.text)).collect(),
        new_grams: new.iter().map(|a| bigrams(&a.text)).collect(),
    };
    let old_texts: Vec<&str> = old.iter().map(|a| a.text.as_str()).collect();
    let new_texts: Vec<&str> = new.iter().map(|a| a.text.as_str()).collect();
    // Steps 1 and 2: in-order pairs.
    let mut in_order: Vec<(usize, usize)> = Vec::new();
    for op in capture_diff_slices(Algorithm::Patience, &old_texts, &new_texts) {
        match op {
            DiffOp::Equal { old_index, new_index, len } => {
                in_order.extend((0..len).map(|k| (old_index + k, new_index + k)));
            }
            other => sides.pair_run(other.old_range(), other.new_range(), &mut in_order),
        }
    }
    let mut old_match: Vec<Option<usize>> = vec![None; old.len()];
    let mut new_match: Vec<Option<usize>> = vec![None; new.len()];
    let mut ordered = vec![false; new.len()];
    for &(i, j) in &in_order {
        old_match[i] = Some(j);
        new_match[j] = Some(i);
        ordered[j] = true;
    }
    // Step 3: pairs across the text, most similar first.
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for i in (0..old.len()).filter(|&i| old_match[i].is_none()) {
        for j in (0..new.len()).filter(|&j| new_match[j].is_none()) {
            let sim = dice(&sides.old_grams[i], &sides.new_grams[j]);
            if sim >= MOVED_MIN {
                candidates.push((sim, i, j));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, i, j) in candidates {
        if old_match[i].is_none() && new_match[j].is_none() {
            old_match[i] = Some(j);
            new_match[j] = Some(i);
        }
    }
    // Step 4 and document order.
    let status = |i: usize, j: usize| match (old[i].text == new[j].text, old[i].id == new[j].id) {
        (true, true) => Status::Same,
        (true, false) => Status::Moved,
        (false, _) => Status::Changed,
    };
    let contained = |part: &[u64], whole: &[u64]| {
        !part.is_empty() && common(part, whole) as f64 / part.len() as f64 >= CONTAINED_MIN
    };
    let removed = |i: usize| {
        let relation = (0..new.len())
            .filter(|&j| new_match[j].is_some() && contained(&sides.old_grams[i], &sides.new_grams[j]))
            .max_by(|&a, &b| {
                dice(&sides.old_grams[i], &sides.new_grams[a])
                    .total_cmp(&dice(&sides.old_grams[i], &sides.new_grams[b]))
                    .then(b.cmp(&a))
            })
            .map(Relation::MergedInto);
        Pair { old: Some(i), new: None, status: Status::Removed, relation }
    };
    let mut pairs = Vec::with_capacity(old.len().max(new.len()));
    let mut next_old = 0;
    let flush_removed = |until: usize, next_old: &mut usize, pairs: &mut Vec<Pair>| {
        while *next_old < until.min(old.len()) {
            if old_match[*next_old].is_none() {
                pairs.push(removed(*next_old));
            }
            *next_old += 1;
        }
    };
    for j in 0..new.len() {
        match new_match[j] {
            Some(i) if ordered[j] => {
                flush_removed(i, &mut next_old, &mut pairs);
                next_old = next_old.max(i + 1);
                pairs.push(Pair { old: Some(i), new: Some(j), status: status(i, j), relation: None });
            }
            Some(i) => pairs.push(Pair { old: Some(i), new: Some(j), status: status(i, j), relation: None }),
            None => {
                // Removed articles of the same gap come before the added ones.
                let next_anchor = (j..new.len()).find(|&k| ordered[k]).and_then(|k| new_match[k]).unwrap_or(old.len());
                flush_removed(next_anchor, &mut next_old, &mut pairs);
                let relation = (0..old.len())
                    .filter(|&i| old_match[i].is_some() && contained(&sides.new_grams[j], &sides.old_grams[i]))
                    .max_by(|&a, &b| {
                        dice(&sides.new_grams[j], &sides.old_grams[a])
                            .total_cmp(&dice(&sides.new_grams[j], &sides.old_grams[b]))
                            .then(b.cmp(&a))
                    })
                    .map(Relation::SplitFrom);
                pairs.push(Pair { old: None, new: Some(j), status: Status::Added, relation });
            }
        }
    }
    flush_removed(old.len(), &mut next_old, &mut pairs);
    Alignment { pairs }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn law(articles: &[(&str, &str)]) -> Vec<Article> {
        articles
            .iter()
            .enumerate()
            .map(|(k, (id, text))| Article {
                id: id.to_string(),
                label: String::new(),
                text: text.to_string(),
                headings: Vec::new(),
                line: k + 1,
            })
            .collect()
    }

    fn summary(a: &Alignment, old: &[Article], new: &[Article]) -> Vec<String> {
        a.pairs
            .iter()
            .map(|p| {
                let o = p.old.map_or("-", |i| old[i].id.as_str());
                let n = p.new.map_or("-", |j| new[j].id.as_str());
                format!("{o} {n} {}", p.status.name())
            })
            .collect()
    }

    #[test]
    fn insertion_shifts_later_numbers() {
        let old = law(&[("art_1", "本法的目的。"), ("art_2", "适用范围。"), ("art_3", "自公布之日起施行。")]);
        let new = law(&[
            ("art_1", "本法的目的。"),
            ("art_2", "坚持党的领导。"),
            ("art_3", "适用范围。"),
            ("art_4", "自公布之日起施行。"),
        ]);
        let a = align(&old, &new);
        assert_eq!(
            summary(&a, &old, &new),
            ["art_1 art_1 same", "- art_2 added", "art_2 art_3 moved", "art_3 art_4 moved"]
        );
    }

    #[test]
    fn amended_and_removed() {
        let old = law(&[("art_1", "罚款五十万元以下。"), ("art_2", "本条将被删除的内容很长。"), ("art_3", "施行。")]);
        let new = law(&[("art_1", "罚款五百万元以下。"), ("art_2", "施行。")]);
        let a = align(&old, &new);
        assert_eq!(summary(&a, &old, &new), ["art_1 art_1 changed", "art_2 - removed", "art_3 art_2 moved"]);
    }

    #[test]
    fn moved_across_the_text() {
        let old =
            law(&[("art_1", "甲乙丙丁戊己庚辛。"), ("art_2", "子丑寅卯辰巳午未。"), ("art_3", "天地玄黄宇宙洪荒。")]);
        let new =
            law(&[("art_1", "子丑寅卯辰巳午未。"), ("art_2", "天地玄黄宇宙洪荒。"), ("art_3", "甲乙丙丁戊己庚辛。")]);
        let a = align(&old, &new);
        let s = summary(&a, &old, &new);
        assert_eq!(s.len(), 3);
        assert!(s.contains(&"art_1 art_3 moved".to_string()), "{s:?}");
        assert!(s.iter().all(|p| !p.ends_with("added") && !p.ends_with("removed")), "{s:?}");
    }

    #[test]
    fn split_and_merge_are_noted() {
        let old = law(&[
            ("art_1", "经营者不得滥用市场支配地位。违反者由执法机构责令改正。"),
            ("art_2", "其他事项另行规定。"),
        ]);
        let new = law(&[
            ("art_1", "经营者不得滥用市场支配地位。"),
            ("art_2", "违反前条者由执法机构责令改正。"),
            ("art_3", "其他事项另行规定。"),
        ]);
        let a = align(&old, &new);
        let added: Vec<_> = a.pairs.iter().filter(|p| p.status == Status::Added).collect();
        assert_eq!(added.len(), 1, "{:?}", summary(&a, &old, &new));
        assert_eq!(added[0].relation, Some(Relation::SplitFrom(0)));
        let b = align(&new, &old);
        let removed: Vec<_> = b.pairs.iter().filter(|p| p.status == Status::Removed).collect();
        assert_eq!(removed.len(), 1, "{:?}", summary(&b, &new, &old));
        assert_eq!(removed[0].relation, Some(Relation::MergedInto(0)));
    }

    #[test]
    fn similarity() {
        assert_eq!(dice(&bigrams("甲乙丙"), &bigrams("甲乙丙")), 1.0);
        assert_eq!(dice(&bigrams("甲乙"), &bigrams("丙丁")), 0.0);
        assert_eq!(bigrams("甲").len(), 1);
    }
}
