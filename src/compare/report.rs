//! What `shiyi diff` prints: a readable summary, or one JSON object per
//! aligned pair.

use super::{Alignment, Article, Relation, Status, Summary};

/// The alignment as a JSON array, one object per pair on its own line:
/// `{"old": "art_12" | null, "new": "art_13" | null, "status": "…"}`.
pub fn json(old: &[Article], new: &[Article], alignment: &Alignment) -> String {
    let id = |side: &[Article], i: Option<usize>| match i {
        Some(i) => serde_json::Value::String(side[i].id.clone()).to_string(),
        None => "null".to_string(),
    };
    let mut out = String::from("[");
    for (k, pair) in alignment.pairs.iter().enumerate() {
        out.push_str(if k == 0 { "\n" } else { ",\n" });
        out.push_str(&format!(
            "{{\"old\": {}, \"new\": {}, \"status\": \"{}\"}}",
            id(old, pair.old),
            id(new, pair.new),
            pair.status.name()
        ));
    }
    out.push_str("\n]\n");
    out
}

/// The readable summary: the counts, then one line per pair that is not
/// `same`, in document order.
pub fn text(old_name: &str, new_name: &str, old: &[Article], new: &[Article], alignment: &Alignment) -> String {
    let summary = Summary::of(alignment);
    let mut out = format!(
        "{old_name} → {new_name}\n{}；不变 {} 条（旧版 {} 条，新版 {} 条）\n",
        summary.chinese(),
        summary.same,
        old.len(),
        new.len()
    );
    for pair in &alignment.pairs {
        if pair.status == Status::Same {
            continue;
        }
        let o = pair.old.map_or("—", |i| old[i].label.as_str());
        let n = pair.new.map_or("—", |j| new[j].label.as_str());
        let mut line = format!("  {}  {o} → {n}", pair.status.chinese());
        match pair.relation {
            Some(Relation::SplitFrom(i)) => line.push_str(&format!("（由原{}拆分）", old[i].label)),
            Some(Relation::MergedInto(j)) => line.push_str(&format!("（并入新{}）", new[j].label)),
            None => {}
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::{align, parse_articles};

    #[test]
    fn json_and_text() {
        let old = parse_articles("第一条 目的。\n\n第二条 将被删除的一条很长的规定。\n\n第三条 施行。\n").unwrap();
        let new = parse_articles("第一条 新的目的。\n\n第二条 施行。\n").unwrap();
        let a = align(&old, &new);
        let j = json(&old, &new, &a);
        let value: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(
            value,
            serde_json::json!([
                {"old": "art_1", "new": "art_1", "status": "changed"},
                {"old": "art_2", "new": null, "status": "removed"},
                {"old": "art_3", "new": "art_2", "status": "moved"},
            ])
        );
        let t = text("a.md", "b.md", &old, &new, &a);
        assert!(t.starts_with("a.md → b.md\n修改 1 条、新增 0 条、删除 1 条、移动 1 条；不变 0 条"), "{t}");
        assert!(t.contains("  删除  第二条 → —\n"), "{t}");
        assert!(t.contains("  移动  第三条 → 第二条\n"), "{t}");
    }
}
