//! Output paths that content chooses (slugs and aliases), and the check that
//! every path written stays inside the output folder.
//!
//! Takes the strings that front matter gives; answers whether they are safe,
//! and the output path an alias becomes. Safe means: relative, made of
//! letters, digits and `-` `_` `.` only (no `..`, no hidden files, no `:` that
//! a browser would read as a URL scheme such as `javascript:`), so a path can
//! never leave the output folder and a link to it is always a plain relative URL.

/// Whether one path segment is safe: letters (any script), digits, `-`, `_`
/// and `.`, not starting with `.` or `-`.
fn safe_segment(segment: &str) -> bool {
    !segment.is_empty()
        && !segment.starts_with(['.', '-'])
        && segment.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Whether `slug` may name an output file: one safe segment.
pub fn valid_slug(slug: &str) -> bool {
    safe_segment(slug)
}

/// The output file an alias writes (`old/page.html` as is, `old/page` or
/// `old/page/` as `old/page/index.html`), or why it is refused.
pub fn alias_output(alias: &str) -> Result<String, &'static str> {
    let path = alias.strip_prefix('/').unwrap_or(alias);
    let path = if path.ends_with(".html") {
        path.to_string()
    } else {
        format!("{}/index.html", path.strip_suffix('/').unwrap_or(path))
    };
    if path.split('/').all(safe_segment) {
        Ok(path)
    } else {
        Err("an alias is a path inside the site made of letters, digits, `-`, `_` and `.`, \
             with `/` between folders; no `..`, no empty or hidden parts")
    }
}

/// Whether a relative output path stays inside the output folder: no
/// absolute path, no `..` or `.` part, no empty part, no backslash, colon or
/// control character. Every file shiyi writes passes this check first.
pub fn is_contained(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains(['\\', ':'])
        && !rel.chars().any(char::is_control)
        && rel.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_single_safe_segments() {
        for good in ["notice", "具体意见", "law_2005-1", "a.b"] {
            assert!(valid_slug(good), "{good}");
        }
        for bad in ["", ".", "..", ".hidden", "-x", "a/b", "javascript:alert(1)", "a b", "a%2e", "x?y", "a\\b"] {
            assert!(!valid_slug(bad), "{bad}");
        }
    }

    #[test]
    fn aliases_stay_inside_the_site() {
        assert_eq!(alias_output("/old/notice.html").unwrap(), "old/notice.html");
        assert_eq!(alias_output("old/notice/").unwrap(), "old/notice/index.html");
        assert_eq!(alias_output("旧版").unwrap(), "旧版/index.html");
        for bad in ["../../victim.html", "a/../../x.html", "/", "", "a//b.html", "./x.html", ".git/x.html", "c:/x.html"]
        {
            assert!(alias_output(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn contained_paths() {
        assert!(is_contained("a/b.html"));
        assert!(is_contained("static/style.css"));
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a\\..\\b", "c:x", "a\0b"] {
            assert!(!is_contained(bad), "{bad:?}");
        }
    }
}
