//! Laws: a law text in, one Markdown document with front matter out.
//!
//! A text in the law corpus format (`# title`, history lines,
//! `<!-- INFO END -->`, the articles) is kept byte for byte. Any other text
//! (plain text, a Word document, a web page) is put into that format: its
//! first line is the title, the lines before the first numbered line are
//! its history, and every further line is one paragraph, as written.

use super::directive::{ImportedFile, quote};
use super::notice::arabic_date;
use crate::clause::numbering::parse_marker;
use crate::markdown::trim_blank;

/// A plain text in the law format: `# title`, history, `<!-- INFO END -->`, text.
fn law_format(text: &str) -> Result<String, String> {
    let mut lines = text.lines().map(trim_blank).filter(|l| !l.is_empty());
    let title = lines.next().ok_or("the file has no text")?;
    let rest: Vec<&str> = lines.collect();
    let body_start = rest.iter().position(|l| parse_marker(l).is_some() || l.starts_with('|')).unwrap_or(0);
    let mut out = format!("# {title}\n\n");
    for line in &rest[..body_start] {
        out.push_str(line);
        out.push_str("\n\n");
    }
    out.push_str("<!-- INFO END -->\n");
    let mut previous_row = false;
    for (i, line) in rest[body_start..].iter().enumerate() {
        let row = line.starts_with('|');
        out.push_str(if i == 0 || (row && previous_row) { "\n" } else { "\n\n" });
        out.push_str(line);
        previous_row = row;
    }
    out.push('\n');
    Ok(out)
}

/// Imports a law text: front matter is added; a text in the law format is
/// kept byte for byte, any other text is put into it (see the module doc).
/// `slug` names the output file; the version date is read from the source
/// file's name (`广告法(2021-04-29)`, `advertising_law_2021-04-29`).
pub fn import_law(text: &str, slug: &str, source_name: &str, note: Option<&str>) -> Result<ImportedFile, String> {
    let formatted;
    let text = if text.lines().any(|l| l.starts_with("# ")) {
        text
    } else {
        formatted = law_format(text)?;
        &formatted
    };
    let title = text
        .lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_string())
        .ok_or("a law file must start with a `# title` line")?;
    let short = title.strip_prefix("中华人民共和国").unwrap_or(&title).to_string();
    let version =
        source_name.rsplit(['_', '(', '（']).next().and_then(|tail| arabic_date(tail.trim_end_matches([')', '）'])));
    let mut front = format!("---\ntitle: {}\nkind: law\nshort_title: {}\n", quote(&title), quote(&short));
    if let Some(v) = &version {
        front.push_str(&format!("version_date: {v}\n"));
    }
    let note = match (note, &version) {
        (Some(n), _) => Some(n.to_string()),
        (None, Some(v)) => Some(format!("本文为{}版本的文本，不一定是引用它的文件成文时施行的版本。", v)),
        (None, None) => None,
    };
    if let Some(n) = note {
        front.push_str(&format!("note: {}\n", quote(&n)));
    }
    front.push_str("---\n");
    Ok(ImportedFile { file_name: format!("{slug}.md"), markdown: front + text })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn law_text_is_untouched() {
        let text = "# 中华人民共和国广告法\n\n<!-- INFO END -->\n\n第一条 为了……";
        let f = import_law(text, "advertising-law", "advertising_law_2021-04-29", None).unwrap();
        assert!(f.markdown.ends_with(text));
        assert!(f.markdown.contains("short_title: \"广告法\"\nversion_date: 2021-04-29\n"));
    }

    #[test]
    fn plain_text_is_put_into_the_law_format() {
        let text = "某市档案管理办法\n2019年3月1日 某市人民政府发布\n第一条　为了加强管理。\n第二条 本办法适用于本市。\n| 项目 | 期限 |\n| --- | --- |\n";
        let f = import_law(text, "archives", "archives", None).unwrap();
        assert!(
            f.markdown.ends_with(
                "# 某市档案管理办法\n\n2019年3月1日 某市人民政府发布\n\n<!-- INFO END -->\n\n第一条　为了加强管理。\n\n第二条 本办法适用于本市。\n\n| 项目 | 期限 |\n| --- | --- |\n"
            ),
            "{}",
            f.markdown
        );
    }
}
