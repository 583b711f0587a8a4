//! The timeline (时间表): every sentence of a directive that schedules work by
//! year or period (`2005年`, `2006年至2007年`, `2005年至2006年上半年`, `到2010年`),
//! grouped by period. Scraped spacing (`2006 年`, `2005- 2010年`) is tolerated.

use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;

use super::citations::ClauseRef;
use super::{Body, Document};
use crate::frontmatter::Kind;

static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])(到|至)?(\d{4})(?:年)?(?:(?:至|到|-|—|－|~)(\d{4}))?年(上半年|下半年|底|前)?")
        .expect("valid period pattern")
});

/// One dated task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// The period as a label (`2005年至2006年上半年`).
    pub period: String,
    /// Sort key: first year, last year, part of the year.
    pub sort: (u16, u16, u8),
    /// The sentence that names it.
    pub sentence: String,
    /// Where it is.
    pub clause: ClauseRef,
}

/// The period a sentence names first, with its sort key.
pub fn period_of(sentence: &str) -> Option<(String, (u16, u16, u8))> {
    // Most sentences have no spacing to drop: those are read in place.
    let compact: std::borrow::Cow<str> = if sentence.chars().any(char::is_whitespace) {
        sentence.chars().filter(|c| !c.is_whitespace()).collect::<String>().into()
    } else {
        sentence.into()
    };
    let caps = PERIOD.captures(&compact)?;
    let until = caps.get(1).is_some_and(|m| m.as_str() == "到");
    let from: u16 = caps.get(2)?.as_str().parse().ok()?;
    let to: Option<u16> = caps.get(3).and_then(|m| m.as_str().parse().ok());
    let part = caps.get(4).map(|m| m.as_str());
    if !(1900..2100).contains(&from) || to.is_some_and(|t| t < from || t >= 2100) {
        return None;
    }
    let mut label = match to {
        Some(t) => format!("{from}年至{t}年"),
        None if until => format!("到{from}年"),
        None => format!("{from}年"),
    };
    if let Some(p) = part {
        label.push_str(p);
    }
    let part_key = match part {
        Some("上半年") => 1,
        Some("下半年") => 2,
        _ => 3,
    };
    let (first, last) = if until { (from, from) } else { (from, to.unwrap_or(from)) };
    Some((label, (first, last, part_key + if until { 1 } else { 0 })))
}

/// Collects the dated tasks of every directive, in time order.
pub fn collect(documents: &[Document]) -> Vec<TimelineEntry> {
    // Documents are read in parallel; their entries are joined in site order.
    let mut entries: Vec<TimelineEntry> = documents
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, doc)| {
            let mut found = Vec::new();
            if let (Body::Clauses(tree), Kind::Directive) = (&doc.body, doc.front.kind) {
                tree.walk(|clause, _| {
                    if !clause.text.contains('年') {
                        return;
                    }
                    for sentence in clause.text.split_inclusive('。') {
                        let sentence = sentence.trim();
                        // Every period names a year in digits: skip the pattern
                        // where none can match.
                        if !sentence.contains('年') || !sentence.bytes().any(|b| b.is_ascii_digit()) {
                            continue;
                        }
                        if let Some((period, sort)) = period_of(sentence) {
                            found.push(TimelineEntry {
                                period,
                                sort,
                                sentence: sentence.to_string(),
                                clause: ClauseRef { doc: i, id: Some(clause.id.clone()) },
                            });
                        }
                    }
                });
            }
            found
        })
        .collect();
    entries.par_sort_by(|a, b| a.sort.cmp(&b.sort).then_with(|| a.period.cmp(&b.period)));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert_eq!(period_of("2005年，制定规划。").unwrap().0, "2005年");
        assert_eq!(period_of("2006 年至 2007年，组织培训。").unwrap().0, "2006年至2007年");
        assert_eq!(period_of("2005年至2006年上半年，抓好试点。").unwrap().0, "2005年至2006年上半年");
        assert_eq!(period_of("到2010年，建成框架。").unwrap().0, "到2010年");
        assert_eq!(period_of("制定《2005- 2010年人才规划》。").unwrap().0, "2005年至2010年");
        assert_eq!(period_of("开通12315热线。"), None);
        assert_eq!(period_of("每年至少安排2次专题学习。"), None);
        assert!(period_of("2005年").unwrap().1 < period_of("2005年至2007年").unwrap().1);
    }
}
