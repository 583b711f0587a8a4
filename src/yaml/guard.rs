//! A scan of YAML text before it is parsed, refusing the constructs whose
//! cost grows far beyond the text's size.
//!
//! Takes the YAML text; gives the position and reason of the first construct
//! refused. Aliases (`*name`) are refused outright: front matter and
//! `site.yaml` have no use for them, and each one copies its anchor's whole
//! value, so a few kilobytes can ask for gigabytes. Flow collections (`[…]`,
//! `{…}`) may nest at most [`MAX_DEPTH`] deep. The scan reads quoted strings,
//! comments and block scalars (`|`, `>`) as YAML does, so a `*` or `[` inside
//! them is text, not syntax.

/// The deepest flow nesting accepted.
pub const MAX_DEPTH: usize = 32;

/// Where the scan stopped and why.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong and what to do.
    pub message: String,
}

/// Whether position `i` of `chars` starts a YAML node: at the start of the
/// line's content, or after `[`, `{`, `,`, or a `:`, `-` or `?` indicator
/// followed by a space.
fn starts_node(chars: &[char], i: usize) -> bool {
    let mut j = i;
    while j > 0 && chars[j - 1] == ' ' {
        j -= 1;
    }
    if j == 0 {
        return true;
    }
    let spaced = j < i;
    match chars[j - 1] {
        '[' | '{' | ',' => true,
        ':' | '?' => spaced,
        '-' => spaced && (j == 1 || chars[j - 2] == ' '),
        _ => false,
    }
}

/// Whether a line (comment removed, trimmed) ends by opening a block scalar:
/// its last token is `|` or `>` with optional chomping and indentation marks.
fn opens_block_scalar(content: &str) -> bool {
    let last = content.rsplit([' ', '\t']).next().unwrap_or("");
    let Some(marks) = last.strip_prefix(['|', '>']) else {
        return false;
    };
    let before = content[..content.len() - last.len()].trim_end();
    marks.chars().all(|c| matches!(c, '-' | '+' | '1'..='9'))
        && (before.is_empty() || before.ends_with(':') || before.ends_with('-') || before.ends_with(','))
}

/// Scans `text`; `Err` names the first alias or too-deep nesting.
pub fn scan(text: &str) -> Result<(), Refused> {
    let mut depth = 0usize;
    // The open quote, if a quoted string continues onto the next line.
    let mut quote: Option<char> = None;
    // While inside a block scalar: the indentation of the line that opened it.
    let mut block_parent: Option<usize> = None;
    for (index, line) in text.lines().enumerate() {
        let indent = line.chars().take_while(|c| *c == ' ').count();
        if let Some(parent) = block_parent {
            if line.trim().is_empty() || indent > parent {
                continue;
            }
            block_parent = None;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        let mut content_end = chars.len();
        while i < chars.len() {
            let c = chars[i];
            if let Some(q) = quote {
                if c == '\\' && q == '"' {
                    i += 2;
                    continue;
                }
                if c == q {
                    if q == '\'' && chars.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    quote = None;
                }
                i += 1;
                continue;
            }
            let at_node = starts_node(&chars, i);
            match c {
                '#' if i == 0 || chars[i - 1] == ' ' || chars[i - 1] == '\t' => {
                    content_end = i;
                    break;
                }
                '"' | '\'' if at_node => quote = Some(c),
                '*' if at_node && chars.get(i + 1).is_some_and(|n| !n.is_whitespace()) => {
                    return Err(Refused {
                        line: index + 1,
                        column: i + 1,
                        message: "YAML aliases (`*name`) are not accepted here: write the value out \
                                  (or put the text in quotes if the `*` is part of it)"
                            .into(),
                    });
                }
                '[' | '{' if at_node || depth > 0 => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(Refused {
                            line: index + 1,
                            column: i + 1,
                            message: format!("lists and maps nest more than {MAX_DEPTH} deep here: flatten them"),
                        });
                    }
                }
                ']' | '}' if depth > 0 => depth -= 1,
                _ => {}
            }
            i += 1;
        }
        if quote.is_none() && depth == 0 {
            let content: String = chars[..content_end].iter().collect();
            if opens_block_scalar(content.trim_end()) {
                block_parent = Some(indent);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_refused_where_they_are() {
        let text = "base: &b 长文本\ntitle: 标题\ncopy: *b\n";
        let refused = scan(text).unwrap_err();
        assert_eq!((refused.line, refused.column), (3, 7));
        assert!(refused.message.contains("alias"));
        assert!(scan("tags: [a, *b]\n").is_err());
        assert!(scan("list:\n  - *b\n").is_err());
        assert!(scan("<<: *b\n").is_err());
    }

    #[test]
    fn stars_and_brackets_in_text_are_text() {
        for ok in [
            "title: 关于*重要*事项\n",
            "title: \"*引号内*\"\nnote: '它''s *x* [y'\n",
            "summary: |\n  *列表项\n  [未闭合\n  &nbsp;\ntitle: x\n",
            "summary: >-\n  *a\n\n  *b\ntags: [a, b]\n",
            "title: x # *注释* [\n",
            "a: [[1, 2], {b: c}]\n",
            "url: http://a.cn/*\n",
            "multi: \"第一行\n  *第二行\"\n",
        ] {
            assert_eq!(scan(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_quickly() {
        let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let started = std::time::Instant::now();
        let refused = scan(&deep).unwrap_err();
        assert_eq!(refused.column, 4 + MAX_DEPTH);
        assert!(started.elapsed().as_secs() < 1);
        let fine = format!("a: {}{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(scan(&fine), Ok(()));
    }
}
