//! The one module that touches `serde_yaml` (archived upstream), so the YAML
//! library can be swapped without touching the rest of shiyi.
//!
//! Takes YAML text and the file line it starts on; gives a typed value or a
//! [`YamlError`] whose line and column are the file's own.

use serde::de::DeserializeOwned;

mod guard;

/// A YAML syntax or type error, positioned in the file the YAML came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The parser's message without its own position suffix.
    pub message: String,
}

/// Parses `text` as `T`. `first_line` is the file line of the text's first line.
/// Aliases and deeply nested flow collections are refused before parsing
/// (see [`guard`]): their cost grows far beyond the text's size.
pub fn from_str<T: DeserializeOwned>(text: &str, first_line: usize) -> Result<T, YamlError> {
    if let Err(refused) = guard::scan(text) {
        return Err(YamlError {
            line: refused.line + first_line - 1,
            column: refused.column,
            message: refused.message,
        });
    }
    serde_yaml::from_str(text).map_err(|e| {
        let message = e.to_string();
        let (line, column) = e
            .location()
            .filter(|_| message.contains(" at line "))
            .map(|l| (l.line(), l.column()))
            .or_else(|| quoted_token_position(text, &message))
            .unwrap_or((1, 1));
        // Errors noticed at the end of the input (an unclosed bracket) are
        // reported on the last line that has any YAML on it.
        let last = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).last().map_or(1, |(i, _)| i + 1);
        let (line, column) = if line > last { (last, 1) } else { (line, column) };
        let line = line + first_line - 1;
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        YamlError { line, column, message }
    })
}

/// The hint for a YAML error in a text that has a tab in a line's
/// indentation (YAML allows only spaces there), naming the first such line;
/// `first_line` is the file line of the text's first line.
pub fn tab_hint(text: &str, first_line: usize) -> Option<String> {
    let index = text.lines().position(|l| l.chars().take_while(|c| c.is_whitespace()).any(|c| c == '\t'))?;
    Some(format!(
        "line {} is indented with a tab: YAML indentation must be spaces, so replace the tab with spaces",
        index + first_line
    ))
}

/// Errors raised by a field's own check carry no position: find the value
/// they quote (between backticks) in the text instead.
fn quoted_token_position(text: &str, message: &str) -> Option<(usize, usize)> {
    let token = message.split('`').nth(1).filter(|t| !t.is_empty())?;
    text.lines().enumerate().find_map(|(i, l)| l.find(token).map(|byte| (i + 1, l[..byte].chars().count() + 1)))
}

/// Line (1-based) of the first line at or after line `from` (1-based) that
/// contains `needle`, for values whose position serde does not report.
pub fn line_containing(text: &str, needle: &str, from: usize) -> Option<usize> {
    let skip = from.saturating_sub(1);
    text.lines().skip(skip).position(|l| l.contains(needle)).map(|i| i + skip + 1)
}

/// Line (1-based, relative to `text`) where the top-level key `key` is written,
/// for errors that serde reports without a position.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines().position(|l| l.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':'))).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
    }

    #[test]
    fn positions_are_shifted_to_the_file() {
        let err = from_str::<T>("title: a\ntitel: b\n", 2).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("unknown field `titel`"), "{}", err.message);
        assert!(!err.message.contains(" at line "));
        let err = from_str::<T>("title: [a\n", 5).unwrap_err();
        assert!(err.line >= 5);
    }

    #[test]
    fn key_lines() {
        assert_eq!(key_line("a: 1\ntheme: x\n", "theme"), Some(2));
        assert_eq!(key_line("a: 1\n", "theme"), None);
    }
}
