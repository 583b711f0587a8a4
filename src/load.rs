//! Load stage: read `site.yaml` and every file under `content/`.
//!
//! Takes a site root; gives [`Loaded`]: the configuration, each Markdown file
//! split into checked front matter and body, the other files as assets to
//! copy, the source texts (for diagnostics) and every problem found. A file
//! with bad front matter is reported and left out, so one build reports all
//! broken files at once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::{self, SiteConfig};
use crate::diagnostic::Diagnostic;
use crate::frontmatter::{self, FrontMatter, SplitError};

/// The folder under the site root that holds the content.
pub const CONTENT_DIR: &str = "content";

/// The glossary file, directly under `content/`.
pub const GLOSSARY_FILE: &str = "glossary.yaml";

/// A Markdown file with its front matter parsed.
#[derive(Debug, Clone)]
pub struct RawDocument {
    /// Path relative to the site root (`content/notice.md`), used in diagnostics.
    pub path: PathBuf,
    /// Path relative to `content/`, with `/` separators (`laws/x.md`).
    pub rel: String,
    /// The checked front matter.
    pub front: FrontMatter,
    /// The YAML text of the front matter (to find a field's line).
    pub front_yaml: String,
    /// The Markdown body.
    pub body: String,
    /// File line of the body's first line.
    pub body_line: usize,
}

/// A Markdown file left out of the site because it could not be read or its
/// front matter is broken. Citations of it fail too; naming it lets those
/// errors point back here.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// Path relative to the site root.
    pub path: PathBuf,
    /// The names it would be cited by: its file stem and, as far as they can
    /// be read from its broken front matter, its `slug`, `title` and
    /// `short_title`.
    pub names: Vec<String>,
}

/// The names a broken file would have had (see [`Unreadable::names`]).
fn names_of_unreadable(path: &Path, text: Option<&str>) -> Vec<String> {
    let mut names: Vec<String> = path.file_stem().map(|s| s.to_string_lossy().into_owned()).into_iter().collect();
    let front = text.unwrap_or_default().lines().skip(1).take_while(|l| l.trim_end() != "---");
    for line in front {
        for key in ["slug", "title", "short_title"] {
            if let Some(value) = line.strip_prefix(key).and_then(|rest| rest.trim_start().strip_prefix(':')) {
                let value = value.trim().trim_matches(['"', '\'']).trim();
                if !value.is_empty() {
                    names.push(value.to_string());
                }
            }
        }
    }
    names
}

/// A non-Markdown file under `content/`, copied to the output as it is.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Path relative to `content/`, with `/` separators.
    pub rel: String,
    /// Where to read it from.
    pub source: PathBuf,
}

/// Everything read from disk, before any cross-document work.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The site root.
    pub root: PathBuf,
    /// `site.yaml`.
    pub config: SiteConfig,
    /// Markdown files, in path order.
    pub documents: Vec<RawDocument>,
    /// Other files, in path order.
    pub assets: Vec<Asset>,
    /// `content/glossary.yaml`, if present: its path and text.
    pub glossary: Option<(PathBuf, String)>,
    /// Source texts by diagnostic path, for showing offending lines:
    /// `site.yaml` and the glossary (Markdown files are read again when they
    /// have diagnostics).
    pub sources: HashMap<PathBuf, String>,
    /// Problems found while loading.
    pub diagnostics: Vec<Diagnostic>,
    /// Markdown files left out because of their own errors.
    pub unreadable: Vec<Unreadable>,
}

/// A configuration problem: the site cannot be loaded at all (exit code 2).
#[derive(Debug, Clone)]
pub struct ConfigError {
    /// What is wrong.
    pub diagnostic: Diagnostic,
    /// The text of `site.yaml`, when it could be read.
    pub source: Option<String>,
}

/// Files an editor leaves beside the real ones (swap files, backups).
fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

/// Reads the site at `root`.
pub fn load(root: &Path) -> Result<Loaded, Box<ConfigError>> {
    let (config, config_text) = config::load_config(root).map_err(|diagnostic| {
        Box::new(ConfigError { source: std::fs::read_to_string(root.join(config::CONFIG_FILE)).ok(), diagnostic })
    })?;
    let mut sources = HashMap::new();
    sources.insert(PathBuf::from(config::CONFIG_FILE), config_text);
    let mut diagnostics = Vec::new();

    let content = root.join(CONTENT_DIR);
    let mut paths = Vec::new();
    if content.is_dir() {
        let walker = WalkDir::new(&content)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => paths.push(e.into_path()),
                Ok(_) => {}
                Err(e) => {
                    let path = e.path().map(|p| relative(root, p)).unwrap_or_else(|| PathBuf::from(CONTENT_DIR));
                    diagnostics.push(Diagnostic::error(path, 0, 0, format!("cannot read: {e}")).with_code("read"));
                }
            }
        }
    } else {
        diagnostics.push(
            Diagnostic::warning(CONTENT_DIR, 0, 0, "there is no content/ folder: the site will have only a home page")
                .with_code("no-content")
                .with_hint("create content/ and put Markdown files with front matter in it"),
        );
    }

    let glossary_path = content.join(GLOSSARY_FILE);
    let mut glossary = None;
    if glossary_path.is_file() {
        let path = relative(root, &glossary_path);
        match read_text(&glossary_path, &path) {
            Ok(text) => {
                sources.insert(path.clone(), text.clone());
                glossary = Some((path, text));
            }
            Err(d) => diagnostics.push(d),
        }
    }
    let (markdown, others): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.into_iter().filter(|p| *p != glossary_path).partition(|p| p.extension().is_some_and(|e| e == "md"));
    let assets =
        others.into_iter().map(|source| Asset { rel: slash_path(&relative(&content, &source)), source }).collect();

    // Markdown texts are not kept as sources (each is dropped once parsed):
    // they would be a second copy of the site; the files with diagnostics are
    // read again to show their lines.
    let results: Vec<Result<RawDocument, Box<(Diagnostic, Unreadable)>>> = markdown
        .par_iter()
        .map(|abs| {
            let path = relative(root, abs);
            let rel = slash_path(&relative(&content, abs));
            let text = read_text(abs, &path);
            text.as_ref().map_err(Diagnostic::clone).and_then(|text| parse_document(&path, rel, text)).map_err(|d| {
                let names = names_of_unreadable(&path, text.as_deref().ok());
                Box::new((d, Unreadable { path, names }))
            })
        })
        .collect();

    let mut documents = Vec::new();
    let mut unreadable = Vec::new();
    for result in results {
        match result {
            Ok(doc) => documents.push(doc),
            Err(failed) => {
                let (d, u) = *failed;
                diagnostics.push(d);
                unreadable.push(u);
            }
        }
    }
    Ok(Loaded { root: root.to_path_buf(), config, documents, assets, glossary, sources, diagnostics, unreadable })
}

/// `path` relative to `base`, or `path` itself when it is not below `base`.
fn relative(base: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(base).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

/// A relative path with `/` separators.
fn slash_path(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// The 1-based line and column just after `text`.
fn end_of(text: &str) -> (usize, usize) {
    let line = text.matches('\n').count() + 1;
    let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Reads a file as UTF-8; a bad byte is reported at its line and column.
fn read_text(abs: &Path, path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(abs)
        .map_err(|e| Diagnostic::error(path, 0, 0, format!("cannot read file: {e}")).with_code("read"))?;
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        // A NUL byte would be copied into the pages, where browsers show it
        // differently; a text file has none.
        let (line, column) = end_of(&String::from_utf8_lossy(&bytes[..at]));
        return Err(Diagnostic::error(path, line, column, "the file contains a NUL character")
            .with_code("not-utf8")
            .with_hint("remove it: text files have none (the file may be damaged, or saved as UTF-16)"));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let (line, column) = end_of(std::str::from_utf8(valid).unwrap_or_default());
        Diagnostic::error(path, line, column, "the file is not valid UTF-8")
            .with_code("not-utf8")
            .with_hint("save it as UTF-8 (GBK or GB18030 files must be converted, e.g. `iconv -f GB18030 -t UTF-8`)")
    })
}

/// Splits and checks one Markdown file.
pub fn parse_document(path: &Path, rel: String, text: &str) -> Result<RawDocument, Diagnostic> {
    let split = frontmatter::split(text).map_err(|e| match e {
        SplitError::Missing => Diagnostic::error(path, 1, 1, "missing front matter")
            .with_code("front-matter")
            .with_hint("start the file with a `---` line, YAML fields such as `title: …`, and another `---` line"),
        SplitError::Unclosed => Diagnostic::error(path, 1, 1, "front matter opened with `---` is never closed")
            .with_code("front-matter")
            .with_hint("add a line `---` after the last YAML field"),
    })?;
    let front = frontmatter::parse(split.yaml, split.yaml_line).map_err(|e| {
        let hint = if let Some(tab) = crate::yaml::tab_hint(split.yaml, split.yaml_line) {
            tab
        } else if e.message.contains("unknown field") {
            "see the front-matter reference in the README for the known fields".to_string()
        } else if e.message.contains("unknown variant") {
            "kind is one of: directive, annotation, page, law".to_string()
        } else if e.message.contains("missing field") {
            "every content file needs at least `title: …`".to_string()
        } else {
            "check the YAML syntax: `key: value`, quote values that contain `: ` or start with a special character"
                .to_string()
        };
        Diagnostic::error(path, e.line, e.column, format!("front matter: {}", e.message))
            .with_code("front-matter")
            .with_hint(hint)
    })?;
    Ok(RawDocument {
        path: path.to_path_buf(),
        rel,
        front,
        front_yaml: split.yaml.to_string(),
        body: split.body.to_string(),
        body_line: split.body_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_errors_point_into_the_file() {
        let p = Path::new("content/a.md");
        let e = parse_document(p, "a.md".into(), "---\ntitle: a\nkind: memo\n---\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 7));
        let e = parse_document(p, "a.md".into(), "---\ntitle: a\n").unwrap_err();
        assert!(e.message.contains("never closed"));
        let e = parse_document(p, "a.md".into(), "---\ntitle: [a\n---\n").unwrap_err();
        assert!(e.line >= 2, "{e}");
    }

    #[test]
    fn non_utf8_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.md");
        std::fs::write(&f, b"---\ntitle: \xff\n---\n").unwrap();
        let e = read_text(&f, Path::new("content/x.md")).unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        std::fs::write(&f, "---\ntitle: a\n---\n\n正文\0。\n").unwrap();
        let e = read_text(&f, Path::new("content/x.md")).unwrap_err();
        assert_eq!((e.line, e.column, e.message.as_str()), (5, 3, "the file contains a NUL character"));
    }
}
