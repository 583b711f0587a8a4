//! Import: a text from outside in, shiyi Markdown out.
//!
//! [`import_file`] reads an input of any supported format ([`source`]: plain
//! text in UTF-8 or GB18030/GBK, a Word `.docx`, a saved web page; the
//! format is recognised from the content), imports it as a directive
//! ([`import_directive`]: one document per part, numbered headings, the
//! signature block, attachments) or as a law ([`import_law`]; filed by
//! [`as_new_version`] as another version of a law already there), and checks
//! that a text with numbered lines came out with numbered clauses.

mod directive;
mod docx;
mod html;
mod law;
mod notice;
pub mod source;
mod version;

pub use directive::{DirectiveImport, ImportedFile, import_directive};
pub use law::import_law;
pub use version::{ExistingFile, as_new_version};

use std::path::Path;

use crate::clause::build_tree;
use crate::clause::numbering::parse_cn_numeral;
use crate::markdown::split_blocks;

/// What the imported text is to become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A directive (written under `content/`).
    Directive,
    /// A law (written under `content/laws/`).
    Law,
}

/// The result of [`import_file`].
#[derive(Debug, Clone)]
pub struct Imported {
    /// The Markdown files to write.
    pub files: Vec<ImportedFile>,
    /// What the user should know (the input's encoding was converted, …).
    pub notes: Vec<String>,
    /// Problems worth a look (numbered lines that gave no clause).
    pub warnings: Vec<String>,
}

/// Options of [`import_file`] besides the file.
#[derive(Debug, Clone)]
pub struct FileImport {
    /// Directive or law.
    pub kind: Kind,
    /// For directives: slugs and source (see [`DirectiveImport`]).
    pub directive: DirectiveImport,
    /// For laws: the note shown under the title.
    pub note: Option<String>,
}

/// True for a line that starts with a number in any style shiyi reads, even
/// one written without the separator it needs (`第一条：`, `第一条内容`).
fn numbered_line(line: &str) -> bool {
    let line = line.trim_start_matches(|c: char| c.is_whitespace() || c == '#');
    if let Some(rest) = line.strip_prefix('第') {
        let n: String = rest.chars().take_while(|c| crate::clause::numbering::is_cn_numeral_char(*c)).collect();
        return parse_cn_numeral(&n).is_some() && rest[n.len()..].starts_with(['条', '章', '节', '编']);
    }
    crate::clause::numbering::parse_marker(line).is_some()
}

/// A warning when `source` has numbered lines but `files` have no numbered clause.
fn numbering_warning(source: &str, name: &str, files: &[ImportedFile]) -> Option<String> {
    let clauses: usize = files
        .iter()
        .map(|f| {
            let body = f.markdown.splitn(3, "---\n").nth(2).unwrap_or("");
            let (tree, _) = build_tree(&split_blocks(body, 1, true), "");
            let mut n = 0;
            tree.walk(|c, _| n += usize::from(!c.label.is_empty()));
            n
        })
        .sum();
    if clauses > 0 {
        return None;
    }
    let (line_no, line) = source.lines().enumerate().skip(1).find(|(_, l)| numbered_line(l))?;
    let shown: String = line.trim().chars().take(30).collect();
    Some(format!(
        "{name}:{}: the text has numbered lines (the first is `{shown}`) but no numbered clause was recognised; \
         a number must be followed by its separator (`第一条 `, `一、`, `（一）`, `1.`)",
        line_no + 1
    ))
}

/// Reads `path` in any supported format and imports it (see the module doc).
pub fn import_file(path: &Path, options: &FileImport) -> Result<Imported, String> {
    let source = source::read_source(path)?;
    let name = path.display().to_string();
    let files = match options.kind {
        Kind::Directive => import_directive(&source.text, &options.directive)?,
        Kind::Law => {
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            vec![import_law(&source.text, &options.directive.slug, &stem, options.note.as_deref())?]
        }
    };
    let warnings = numbering_warning(&source.text, &name, &files).into_iter().collect();
    Ok(Imported { files, notes: source.notes, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_text_without_clauses_is_warned_about() {
        let source = "某办法\n说明。\n第一条：为了规范。\n第二条：适用。\n";
        let files = import_directive(source, &DirectiveImport::new("m")).unwrap();
        let w = numbering_warning(source, "m.txt", &files).expect("a warning");
        assert!(w.starts_with("m.txt:3:") && w.contains("第一条：为了规范。"), "{w}");
        let source = "某办法\n第一条 为了规范。\n";
        let files = import_directive(source, &DirectiveImport::new("m")).unwrap();
        assert_eq!(numbering_warning(source, "m.txt", &files), None);
    }
}
