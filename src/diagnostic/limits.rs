//! Keeping reports readable when the input is huge or broken many times
//! over: repeated diagnostics are counted instead of listed, and a very long
//! source line is shown only around the column it concerns.

use super::{Diagnostic, Severity};

/// How many diagnostics of one kind (code and severity) one file reports
/// before the rest are counted in one more line.
pub const PER_KIND_AND_FILE: usize = 20;

/// The most characters of a source line shown under a diagnostic.
pub const SHOWN_LINE_CHARS: usize = 120;

/// Keeps the first [`PER_KIND_AND_FILE`] diagnostics of each kind in each
/// file (in the order given) and replaces the rest by one diagnostic that
/// says how many were left out, placed where the first of them was.
pub fn cap_repeats(diagnostics: &mut Vec<Diagnostic>) {
    use std::collections::HashMap;
    type Kind<'a> = (&'a std::path::Path, &'static str, bool);
    let mut seen: HashMap<Kind<'_>, (usize, Option<usize>)> = HashMap::new();
    let mut keep = vec![true; diagnostics.len()];
    for (i, d) in diagnostics.iter().enumerate() {
        let entry = seen.entry((d.path.as_path(), d.code, d.is_error())).or_insert((0, None));
        entry.0 += 1;
        if entry.0 > PER_KIND_AND_FILE {
            keep[i] = false;
            entry.1.get_or_insert(i);
        }
    }
    let mut summaries: Vec<(usize, Diagnostic)> = seen
        .into_iter()
        .filter_map(|((_, _, _), (count, first_left_out))| {
            let first = first_left_out?;
            let d = &diagnostics[first];
            let what = if d.severity == Severity::Error { "error(s)" } else { "warning(s)" };
            let kind = if d.code.is_empty() { String::new() } else { format!(" `{}`", d.code) };
            let mut summary = Diagnostic {
                message: format!(
                    "{} more{kind} {what} in this file, not listed (the first {PER_KIND_AND_FILE} are)",
                    count - PER_KIND_AND_FILE
                ),
                hint: Some("fix the ones listed and build again to see the rest".into()),
                relation: None,
                ..d.clone()
            };
            summary.code = d.code;
            Some((first, summary))
        })
        .collect();
    summaries.sort_by_key(|(i, _)| *i);
    let mut summaries = summaries.into_iter().peekable();
    let old = std::mem::take(diagnostics);
    for (i, d) in old.into_iter().enumerate() {
        if summaries.peek().is_some_and(|(at, _)| *at == i)
            && let Some((_, summary)) = summaries.next()
        {
            diagnostics.push(summary);
        }
        if keep[i] {
            diagnostics.push(d);
        }
    }
}

/// The part of `line` shown for a problem at 1-based `column` when the line
/// is longer than [`SHOWN_LINE_CHARS`]: a window around the column with `…`
/// where text is cut, and the column within that window (1-based).
pub fn window(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= SHOWN_LINE_CHARS {
        return (line.to_string(), column.max(1));
    }
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(SHOWN_LINE_CHARS / 3);
    let end = (start + SHOWN_LINE_CHARS).min(chars.len());
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, at - start + 1 + usize::from(start > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_beyond_the_limit_are_counted() {
        let mut list: Vec<Diagnostic> = (1..=50)
            .map(|i| Diagnostic::error("content/a.md", i, 1, format!("bad {i}")).with_code("reference"))
            .collect();
        list.push(Diagnostic::warning("content/a.md", 60, 1, "other").with_code("numbering"));
        list.push(Diagnostic::error("content/b.md", 1, 1, "bad").with_code("reference"));
        cap_repeats(&mut list);
        assert_eq!(list.len(), PER_KIND_AND_FILE + 3);
        let summary = &list[PER_KIND_AND_FILE];
        assert_eq!(summary.line, PER_KIND_AND_FILE + 1);
        assert!(summary.message.starts_with("30 more `reference` error(s)"), "{}", summary.message);
        assert!(summary.is_error());
        assert_eq!(list[PER_KIND_AND_FILE + 1].message, "other");
        assert_eq!(list[PER_KIND_AND_FILE + 2].path, std::path::PathBuf::from("content/b.md"));
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = "甲".repeat(100_000);
        let (shown, column) = window(&line, 50_000);
        assert!(shown.chars().count() <= SHOWN_LINE_CHARS + 2);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(column, SHOWN_LINE_CHARS / 3 + 2);
        assert_eq!(window("短行", 2), ("短行".to_string(), 2));
    }
}
