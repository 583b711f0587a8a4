//! Character-level changes between two article texts, with the `similar`
//! crate's diff, tidied so that a change reads as whole words.

use similar::{Algorithm, DiffTag, TextDiff};

/// What a segment of a compared text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// In both texts.
    Same,
    /// Only in the old text.
    Deleted,
    /// Only in the new text.
    Inserted,
}

/// A run of characters with one mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Whether the run is kept, deleted or inserted.
    pub mark: Mark,
    /// Its text.
    pub text: String,
}

/// Common runs this short (in characters) between two changes are folded
/// into the change: a lone 的 or 、 kept in the middle of a rewritten phrase
/// splits it into fragments that are hard to read.
const SHORT_COMMON: usize = 2;

/// The segments that turn `old` into `new`: the `Same` and `Deleted` segments
/// in order spell `old`, the `Same` and `Inserted` ones spell `new`. Within a
/// change, the deletion comes before the insertion.
pub fn char_diff(old: &str, new: &str) -> Vec<Segment> {
    let diff = TextDiff::configure().algorithm(Algorithm::Myers).diff_chars(old, new);
    let old_chars: Vec<&str> = diff.iter_old_slices().collect();
    let new_chars: Vec<&str> = diff.iter_new_slices().collect();
    // Raw runs: (tag, old text, new text).
    let mut runs: Vec<(DiffTag, String, String)> = Vec::new();
    for op in diff.ops() {
        let (tag, o, n) = op.as_tag_tuple();
        runs.push((tag, old_chars[o].concat(), new_chars[n].concat()));
    }
    // Fold short common runs that sit between two changes.
    let last = runs.len().saturating_sub(1);
    for i in 1..last {
        let (before, after) = (runs[i - 1].0, runs[i + 1].0);
        let deletes = |t: DiffTag| matches!(t, DiffTag::Delete | DiffTag::Replace);
        let inserts = |t: DiffTag| matches!(t, DiffTag::Insert | DiffTag::Replace);
        // Only inside a rewrite: text inserted on both sides of a kept word
        // leaves the word kept.
        if runs[i].0 == DiffTag::Equal
            && runs[i].1.chars().count() <= SHORT_COMMON
            && before != DiffTag::Equal
            && after != DiffTag::Equal
            && (deletes(before) || deletes(after))
            && (inserts(before) || inserts(after))
        {
            runs[i].0 = DiffTag::Replace;
        }
    }
    let mut out: Vec<Segment> = Vec::new();
    let mut deleted = String::new();
    let mut inserted = String::new();
    let flush = |out: &mut Vec<Segment>, deleted: &mut String, inserted: &mut String| {
        if !deleted.is_empty() {
            out.push(Segment { mark: Mark::Deleted, text: std::mem::take(deleted) });
        }
        if !inserted.is_empty() {
            out.push(Segment { mark: Mark::Inserted, text: std::mem::take(inserted) });
        }
    };
    for (tag, o, n) in runs {
        if tag == DiffTag::Equal {
            flush(&mut out, &mut deleted, &mut inserted);
            match out.last_mut() {
                Some(seg) if seg.mark == Mark::Same => seg.text.push_str(&o),
                _ => out.push(Segment { mark: Mark::Same, text: o }),
            }
        } else {
            deleted.push_str(&o);
            inserted.push_str(&n);
        }
    }
    flush(&mut out, &mut deleted, &mut inserted);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(segments: &[Segment], keep: Mark) -> String {
        segments.iter().filter(|s| s.mark == Mark::Same || s.mark == keep).map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn both_texts_come_back() {
        let cases = [
            (
                "国务院反垄断委员会负责组织、协调、指导反垄断工作。",
                "国务院设立反垄断委员会，负责组织、协调、指导反垄断工作，履行下列职责：",
            ),
            ("", "新增。"),
            ("删除。", ""),
            ("相同。", "相同。"),
            ("甲\n乙", "甲\n丙\n乙"),
        ];
        for (old, new) in cases {
            let segments = char_diff(old, new);
            assert_eq!(side(&segments, Mark::Deleted), old);
            assert_eq!(side(&segments, Mark::Inserted), new);
            assert!(segments.iter().all(|s| !s.text.is_empty()));
        }
    }

    #[test]
    fn changes_are_whole_runs() {
        let segments = char_diff("处五十万元以下的罚款", "处五百万元以下的罚款");
        assert_eq!(
            segments,
            vec![
                Segment { mark: Mark::Same, text: "处五".into() },
                Segment { mark: Mark::Deleted, text: "十".into() },
                Segment { mark: Mark::Inserted, text: "百".into() },
                Segment { mark: Mark::Same, text: "万元以下的罚款".into() },
            ]
        );
        // A lone common character between two changes is folded into them.
        let segments = char_diff("甲的乙", "丙的丁");
        assert_eq!(segments.len(), 2, "{segments:?}");
        assert_eq!(segments[0], Segment { mark: Mark::Deleted, text: "甲的乙".into() });
        // A kept word between two insertions stays kept.
        let segments = char_diff("国家制定规则。", "坚持领导。\n国家坚持原则，制定规则。");
        assert!(segments.iter().any(|s| s.mark == Mark::Same && s.text == "国家"), "{segments:?}");
    }
}
