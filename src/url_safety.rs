//! Which link targets content may use.
//!
//! Takes the destination of a Markdown link, autolink or image; answers
//! whether a browser may follow it. Allowed: relative URLs, fragments, and
//! the schemes `http`, `https`, `mailto` and `tel`. Anything else
//! (`javascript:`, `data:`, `vbscript:`, `file:` …) is dropped by the
//! renderer, which shows the link's text alone, and reported as a warning
//! while resolving ([`unsafe_link_targets`]).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The URL schemes that content links may use.
pub const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// The scheme of the placeholder links that stand for `[[…]]` references
/// between resolving and rendering; the renderer replaces each with a link
/// to a page of the site, so none reaches the output.
pub const REFERENCE_SCHEME: &str = "shiyi-ref";

/// Whether a browser may follow `url` from a page of the site.
///
/// Browsers ignore leading spaces and control characters, and tabs and line
/// breaks anywhere, before they read the scheme (`java\tscript:` is
/// `javascript:`), so the scheme is read the same way here.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take_while(|c| !matches!(c, '/' | '?' | '#'))
        .collect();
    match cleaned.split_once(':') {
        // No colon before the path: a relative URL or a fragment.
        None => true,
        Some((scheme, _)) => scheme == REFERENCE_SCHEME || SAFE_SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme)),
    }
}

/// Drops the start and end of every link and image whose destination is not
/// safe, keeping what is between them (the link text, an image's alt text)
/// as ordinary text.
pub fn drop_unsafe_links<'e>(events: impl Iterator<Item = Event<'e>>) -> impl Iterator<Item = Event<'e>> {
    // One entry per open link or image: whether it was dropped.
    let mut open: Vec<bool> = Vec::new();
    events.filter(move |event| match event {
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            let dropped = !is_safe_url(dest_url);
            open.push(dropped);
            !dropped
        }
        Event::End(TagEnd::Link | TagEnd::Image) => !open.pop().unwrap_or(false),
        _ => true,
    })
}

/// The byte offsets and destinations of the links and images in `markdown`
/// that [`drop_unsafe_links`] drops. Text without an ASCII colon or an `&`
/// (which could spell one as `&#58;`) has none and is not parsed.
pub fn unsafe_link_targets(markdown: &str) -> Vec<(usize, String)> {
    if !markdown.contains([':', '&']) {
        return Vec::new();
    }
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    Parser::new_ext(markdown, options)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) if !is_safe_url(&dest_url) => {
                Some((range.start, dest_url.into_string()))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_and_unsafe_destinations() {
        for safe in [
            "notice.html#sec_1",
            "#ref-1",
            "../laws/x.html",
            "https://example.org/a:b",
            "HTTP://x",
            "mailto:a@b.cn",
            "tel:12345",
            "a/b:c",
            "?q=a:b",
            "shiyi-ref:3",
            "",
        ] {
            assert!(is_safe_url(safe), "{safe}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:x",
            "java\tscript:alert(1)",
            "java\nscript:x",
            "data:text/html,<script>",
            "vbscript:x",
            "file:///etc/passwd",
            "javascript:alert(1)#x",
        ] {
            assert!(!is_safe_url(bad), "{bad:?}");
        }
    }

    fn html(markdown: &str) -> String {
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, drop_unsafe_links(Parser::new(markdown)));
        out
    }

    #[test]
    fn unsafe_links_become_their_text() {
        assert_eq!(html("[点此](javascript:alert(1))"), "<p>点此</p>\n");
        assert_eq!(html("<javascript:alert(1)>"), "<p>javascript:alert(1)</p>\n");
        assert_eq!(html("[x](java&#9;script&#58;alert(1))"), "<p>x</p>\n");
        assert_eq!(html("[x][r]\n\n[r]: javascript:alert(1)"), "<p>x</p>\n");
        assert_eq!(html("![图](javascript:x)"), "<p>图</p>\n");
        assert_eq!(html("[ok](https://a.cn)"), "<p><a href=\"https://a.cn\">ok</a></p>\n");
        assert_eq!(html("[![i](data:x)](https://a.cn)"), "<p><a href=\"https://a.cn\">i</a></p>\n");
    }

    #[test]
    fn unsafe_targets_are_found_with_their_offsets() {
        let text = "第一段。\n\n见[此处](javascript:alert(1))和[那里](https://a.cn)。";
        let found = unsafe_link_targets(text);
        assert_eq!(found, vec![(text.find("[此处]").unwrap(), "javascript:alert(1)".to_string())]);
        assert!(unsafe_link_targets("没有冒号").is_empty());
        assert_eq!(unsafe_link_targets("[x](javascript&#58;y)").len(), 1);
    }
}
