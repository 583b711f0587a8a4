//! Markdown in, blocks and HTML out: pure functions over pulldown-cmark.
//!
//! [`split_blocks`] cuts a document body into paragraph-sized [`Block`]s with
//! their source lines (what the clause parser numbers); [`inline_html`] and
//! [`block_html`] turn a block's Markdown into HTML. Raw HTML in content is
//! shown as text, never passed through, so a law line such as
//! `《关于修改<中华人民共和国建筑法>的决定》` stays readable and safe; a
//! link whose target is not safe (see [`crate::url_safety`]) is shown as its text.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use crate::url_safety::drop_unsafe_links;

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A paragraph of text.
    Text,
    /// An ATX heading (`## …`) with its level.
    Heading(u8),
    /// A thematic break (`***`, `___`, or `---` after a blank line).
    Break,
    /// The `<!-- INFO END -->` line that ends a law file's header.
    InfoEnd,
    /// Something to render as Markdown as it is (a table, a fenced code block).
    Raw,
}

/// A paragraph-sized piece of a Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The kind of block.
    pub kind: BlockKind,
    /// Its text (heading marks and indentation removed; lines joined by `\n`).
    pub text: String,
    /// 1-based line of its first line in the source file.
    pub line: usize,
    /// 1-based column (in characters) where its text starts on that line.
    pub column: usize,
}

/// True for characters that make a line count as blank: ASCII and full-width
/// spaces, NBSP, and the zero-width space found in scraped law texts.
fn is_blank_char(c: char) -> bool {
    c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}'
}

/// Trims blank characters (whitespace, U+200B, BOM) at both ends.
pub fn trim_blank(s: &str) -> &str {
    s.trim_matches(is_blank_char)
}

fn atx_heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &line[hashes..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t', '\u{3000}']) {
        return None;
    }
    let text = trim_blank(rest).trim_end_matches('#');
    Some((hashes as u8, trim_blank(text)))
}

fn is_break(line: &str, after_blank: bool) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3
        && (compact.chars().all(|c| c == '*')
            || compact.chars().all(|c| c == '_')
            || (after_blank && compact.chars().all(|c| c == '-')))
}

/// 1-based character column of `part` (a slice of `line`) within `line`.
fn column_of(line: &str, part: &str) -> usize {
    let offset = (part.as_ptr() as usize).saturating_sub(line.as_ptr() as usize).min(line.len());
    line[..offset].chars().count() + 1
}

/// Splits a Markdown body into blocks. `first_line` is the file line of the
/// body's first line. With `line_per_block` every non-blank line is a block of
/// its own (law texts: one 款 per line); otherwise lines of a paragraph join,
/// except that a line starting with a numbering marker always starts a block.
pub fn split_blocks(body: &str, first_line: usize, line_per_block: bool) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut open_text = false;
    let mut fence: Option<String> = None;
    let mut after_blank = true;
    for (i, raw) in body.lines().enumerate() {
        let line_no = first_line + i;
        if let Some(marker) = &fence {
            let last = blocks.last_mut().expect("a fence opens a block");
            last.text.push('\n');
            last.text.push_str(raw);
            if raw.trim_start().starts_with(marker.as_str()) {
                fence = None;
            }
            continue;
        }
        let line = trim_blank(raw);
        if line.is_empty() {
            open_text = false;
            after_blank = true;
            continue;
        }
        let was_after_blank = after_blank;
        after_blank = false;
        if line == "<!-- INFO END -->" {
            blocks.push(Block { kind: BlockKind::InfoEnd, text: String::new(), line: line_no, column: 1 });
            open_text = false;
            continue;
        }
        if line.starts_with("<!--") && line.ends_with("-->") {
            open_text = false;
            continue;
        }
        if let Some((level, text)) = atx_heading(line) {
            blocks.push(Block {
                kind: BlockKind::Heading(level),
                text: text.to_string(),
                line: line_no,
                column: column_of(raw, text),
            });
            open_text = false;
            continue;
        }
        if is_break(line, was_after_blank) {
            blocks.push(Block { kind: BlockKind::Break, text: String::new(), line: line_no, column: 1 });
            open_text = false;
            continue;
        }
        if line.starts_with("```") || line.starts_with("~~~") {
            fence = Some(line[..3].to_string());
            blocks.push(Block { kind: BlockKind::Raw, text: raw.to_string(), line: line_no, column: 1 });
            open_text = false;
            continue;
        }
        if line.starts_with('|') {
            match blocks.last_mut() {
                Some(last) if last.kind == BlockKind::Raw && !was_after_blank => {
                    last.text.push('\n');
                    last.text.push_str(line);
                }
                _ => blocks.push(Block {
                    kind: BlockKind::Raw,
                    text: line.to_string(),
                    line: line_no,
                    column: column_of(raw, line),
                }),
            }
            open_text = false;
            continue;
        }
        let starts_clause = crate::clause::numbering::parse_marker(line).is_some();
        if open_text && !line_per_block && !starts_clause {
            let last = blocks.last_mut().expect("open text has a block");
            last.text.push('\n');
            last.text.push_str(line);
        } else {
            blocks.push(Block {
                kind: BlockKind::Text,
                text: line.to_string(),
                line: line_no,
                column: column_of(raw, line),
            });
            open_text = true;
        }
    }
    blocks
}

/// The pulldown-cmark extensions shiyi enables everywhere.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Raw HTML becomes text: content can never inject markup.
fn neutralise(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        other => other,
    }
}

/// Markdown blocks (a page body, a table) as events, raw HTML made text. A
/// line break inside a paragraph next to a Chinese character disappears
/// instead of showing as a space, so hard-wrapped Chinese reads as written.
pub fn block_events(markdown: &str) -> Vec<Event<'_>> {
    let events: Vec<Event<'_>> = drop_unsafe_links(Parser::new_ext(markdown, options())).map(neutralise).collect();
    let wide = |c: Option<char>| c.is_some_and(|c| !c.is_ascii());
    let mut out = Vec::with_capacity(events.len());
    for (i, event) in events.iter().enumerate() {
        if matches!(event, Event::SoftBreak) {
            let before = match out.last() {
                Some(Event::Text(t)) => t.chars().last(),
                _ => None,
            };
            let after = match events.get(i + 1) {
                Some(Event::Text(t)) => t.chars().next(),
                _ => None,
            };
            if wide(before) || wide(after) {
                continue;
            }
        }
        out.push(event.clone());
    }
    out
}

/// Removes whitespace next to Chinese characters or full-width punctuation,
/// and inside ranges like `2005- 2010`; other runs become one space.
pub fn tidy_spacing(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let wide = |c: char| !c.is_ascii() && !c.is_whitespace();
    let blank = |c: char| c.is_whitespace() || c == '\u{200b}';
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if blank(c) {
            let start = i;
            while i < chars.len() && blank(chars[i]) {
                i += 1;
            }
            let (Some(&p), Some(&n)) = (start.checked_sub(1).and_then(|s| chars.get(s)), chars.get(i)) else {
                continue;
            };
            let glue = wide(p) || wide(n) || (p == '-' && n.is_ascii_digit()) || (p.is_ascii_digit() && n == '-');
            if !glue {
                out.push(' ');
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// One paragraph's events without the `<p>` wrapper; line breaks are kept as
/// `<br>`, since Chinese text has no spaces to stand in for them. `source`
/// should come from [`inline_source`].
pub fn inline_events(source: &str) -> Vec<Event<'_>> {
    if is_plain_inline(source) {
        return vec![Event::Text(CowStr::Borrowed(source))];
    }
    drop_unsafe_links(Parser::new_ext(source, options()))
        .map(neutralise)
        .map(|e| match e {
            Event::SoftBreak => Event::HardBreak,
            other => other,
        })
        .filter(|e| !matches!(e, Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)))
        .collect()
}

/// Whether inline Markdown is plain text that parses to itself, one text
/// event: no ASCII punctuation (every Markdown marker is one), no control
/// characters or line breaks, no spacing at either end. Most clauses are;
/// they skip the parser.
fn is_plain_inline(source: &str) -> bool {
    let edge = |c: Option<char>| c.is_none_or(char::is_whitespace);
    !edge(source.chars().next())
        && !edge(source.chars().next_back())
        && source.bytes().all(|b| b >= 0x20 && !b.is_ascii_punctuation())
}

/// Events to HTML.
pub fn push_html<'e>(events: impl IntoIterator<Item = Event<'e>>) -> String {
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

/// Renders Markdown blocks (a whole page body or a table) to HTML.
pub fn block_html(markdown: &str) -> String {
    push_html(block_events(markdown))
}

/// Renders one paragraph's Markdown to inline HTML (no `<p>` wrapper).
pub fn inline_html(markdown: &str) -> String {
    let source = inline_source(markdown);
    push_html(inline_events(&source))
}

/// Escapes `& < > " '` for HTML text and attribute values.
pub fn escape_text(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 16);
    // Runs without a special character are copied whole; the special
    // characters are ASCII, so `at` is always a character boundary.
    let mut clean = 0;
    for (at, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        s.push_str(&text[clean..at]);
        s.push_str(entity);
        clean = at + 1;
    }
    s.push_str(&text[clean..]);
    s
}

/// Escapes text for HTML with line breaks as `<br>` (law texts are shown
/// exactly as written).
pub fn escape_html(text: &str) -> String {
    escape_text(text).replace('\n', "<br>")
}

/// The source to parse a paragraph from: a paragraph's text could open a list,
/// quote or heading once its number is removed (`- `, `> `, `# `, `1. `): a backslash keeps it a paragraph.
pub fn inline_source(text: &str) -> CowStr<'_> {
    let bullet = |c: char| text.strip_prefix(c).is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']));
    let ordered = text
        .split_once(['.', ')'])
        .is_some_and(|(n, rest)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && rest.starts_with(' '));
    let starts_block = text.starts_with(['#', '>']) || bullet('-') || bullet('+') || bullet('*') || ordered;
    if starts_block { CowStr::from(format!("\\{text}")) } else { CowStr::from(text) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_the_five_characters() {
        assert_eq!(escape_text("《法》<b>&\"x'"), "《法》&lt;b&gt;&amp;&quot;x&#39;");
        assert_eq!(escape_text("工商"), "工商");
        assert_eq!(escape_text(""), "");
        assert_eq!(escape_html("第一行\n<第二行>"), "第一行<br>&lt;第二行&gt;");
    }

    #[test]
    fn blocks_join_lines_and_split_at_markers() {
        let body = "## 一、总体要求\n\n（一）指导思想\n\n第一行\n第二行\n1.条目\n2.条目\n\n***\n\n落款\n";
        let blocks = split_blocks(body, 5, false);
        let kinds: Vec<_> = blocks.iter().map(|b| (b.kind, b.text.as_str(), b.line)).collect();
        assert_eq!(
            kinds,
            vec![
                (BlockKind::Heading(2), "一、总体要求", 5),
                (BlockKind::Text, "（一）指导思想", 7),
                (BlockKind::Text, "第一行\n第二行", 9),
                (BlockKind::Text, "1.条目", 11),
                (BlockKind::Text, "2.条目", 12),
                (BlockKind::Break, "", 14),
                (BlockKind::Text, "落款", 16),
            ]
        );
    }

    #[test]
    fn zero_width_lines_are_blank_and_info_end_is_seen() {
        let body = "# 标题\n\u{200b}\n<!-- INFO END -->\n第一条 内容\n（一）项\n";
        let blocks = split_blocks(body, 1, true);
        assert_eq!(blocks.len(), 4);
        assert_eq!(blocks[1].kind, BlockKind::InfoEnd);
        assert_eq!(blocks[3].text, "（一）项");
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        assert_eq!(
            inline_html("《关于修改<中华人民共和国建筑法>的决定》"),
            "《关于修改&lt;中华人民共和国建筑法&gt;的决定》"
        );
        assert!(block_html("<script>alert(1)</script>").contains("&lt;script&gt;"));
    }

    #[test]
    fn inline_markdown_is_rendered() {
        assert_eq!(inline_html("**要点**：内容"), "<strong>要点</strong>：内容");
    }

    /// The parser's events for inline Markdown, without the shortcut.
    fn parsed_inline(source: &str) -> Vec<Event<'_>> {
        Parser::new_ext(source, options())
            .map(neutralise)
            .map(|e| if e == Event::SoftBreak { Event::HardBreak } else { e })
            .filter(|e| !matches!(e, Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)))
            .collect()
    }

    #[test]
    fn plain_text_skips_the_parser_with_the_same_events() {
        let seed = include_str!("../tests/data/seed/000_37f66f906b5114f9.txt");
        let samples = ["工商行政管理", "《实施纲要》（以下简称纲要）", "2005年至2010年", "第　二　条", "ａｂｃ１２３"];
        let mut plain = 0;
        for text in samples.into_iter().chain(seed.split(['\u{3000}', '\n', '。'])) {
            if is_plain_inline(text) {
                plain += 1;
                assert_eq!(inline_events(text), parsed_inline(text), "{text:?}");
            }
        }
        assert!(plain > 100, "the seed text should give many plain segments, got {plain}");
        for text in
            ["", " 前导空格", "末尾空格 ", "　全角空格", "a*b*", "1. 条目", "第一行\n第二行", "<b>粗</b>", "A&B"]
        {
            assert!(!is_plain_inline(text), "{text:?}");
        }
    }
}
