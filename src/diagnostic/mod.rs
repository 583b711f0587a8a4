//! Diagnostics: what went wrong, where (`path:line:col`), and what to do.
//!
//! Every stage reports problems as [`Diagnostic`] values instead of failing at
//! the first one, so a build lists all its problems together. [`render`] shows
//! them with the offending source line underlined (codespan-reporting);
//! [`format`] writes them as JSON lines or GitHub workflow commands for CI.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config};

pub mod format;
pub mod limits;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build fails.
    Error,
    /// Reported, but the build goes on.
    Warning,
}

/// One problem in one place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file, relative to the site root where possible.
    pub path: PathBuf,
    /// 1-based line (0 when the problem concerns the whole file).
    pub line: usize,
    /// 1-based column in characters (0 when unknown).
    pub column: usize,
    /// Error or warning.
    pub severity: Severity,
    /// One-line description.
    pub message: String,
    /// What the user can do about it.
    pub hint: Option<String>,
    /// A short stable name of the kind of problem (`front-matter`,
    /// `reference`), for tools; empty when none was given.
    pub code: &'static str,
    /// How this problem relates to others (boxed: most have no relation,
    /// and diagnostics travel in `Result`s).
    pub relation: Option<Box<Relation>>,
}

/// How a diagnostic relates to other problems.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Relation {
    /// The citation the diagnostic is about, when one did not resolve.
    pub cites: Option<String>,
    /// The file whose own error causes this one (a citation of a document
    /// that could not be read): fix that file first.
    pub caused_by: Option<PathBuf>,
}

impl Diagnostic {
    /// An error at `path:line:column`.
    pub fn error(path: impl Into<PathBuf>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            column,
            severity: Severity::Error,
            message: message.into(),
            hint: None,
            code: "",
            relation: None,
        }
    }

    /// A warning at `path:line:column`.
    pub fn warning(path: impl Into<PathBuf>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(path, line, column, message) }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Names the kind of problem (see [`Diagnostic::code`]).
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    /// Records the citation that did not resolve.
    pub fn citing(mut self, citation: impl Into<String>) -> Self {
        self.relation.get_or_insert_default().cites = Some(citation.into());
        self
    }

    /// The citation that did not resolve, if recorded.
    pub fn cites(&self) -> Option<&str> {
        self.relation.as_ref()?.cites.as_deref()
    }

    /// Marks this problem as following from the error in file `cause`.
    pub fn set_caused_by(&mut self, cause: PathBuf) {
        self.relation.get_or_insert_default().caused_by = Some(cause);
    }

    /// The file whose error this problem follows from.
    pub fn caused_by(&self) -> Option<&Path> {
        self.relation.as_ref()?.caused_by.as_deref()
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:column`, `path:line` or just `path` for a problem with the
    /// whole file.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (0, _) => self.path.display().to_string(),
            (line, 0) => format!("{}:{line}", self.path.display()),
            (line, column) => format!("{}:{line}:{column}", self.path.display()),
        }
    }

    /// The message, followed by the file it follows from when it does.
    pub fn full_message(&self) -> String {
        match self.caused_by() {
            Some(cause) => format!("{} (follows from the error in {})", self.message, cause.display()),
            None => self.message.clone(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {kind}: {}", self.location(), self.full_message())?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// True when any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// Byte range of `column` to the end of `line` in `text` (both 1-based).
pub(crate) fn span_of(text: &str, line: usize, column: usize) -> Option<std::ops::Range<usize>> {
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let content = l.trim_end_matches(['\n', '\r']);
            let offset: usize = content.chars().take(column.saturating_sub(1)).map(char::len_utf8).sum();
            let end = start + content.len();
            let begin = (start + offset).min(end);
            return Some(begin..end.max(begin));
        }
        start += l.len();
    }
    None
}

/// Renders diagnostics for a terminal or a log, each with its source line when
/// the file's text is in `sources` (keyed by the same path as the diagnostic).
pub fn render(diagnostics: &[Diagnostic], sources: &HashMap<PathBuf, String>) -> String {
    let mut renderer = Renderer::default();
    diagnostics.iter().map(|d| renderer.render(d, sources)).collect()
}

/// Renders diagnostics one at a time, adding each source file once.
#[derive(Default)]
pub(crate) struct Renderer<'a> {
    files: SimpleFiles<String, String>,
    ids: HashMap<&'a Path, usize>,
}

impl<'a> Renderer<'a> {
    /// One diagnostic as [`render`] shows it (ending with a newline).
    pub(crate) fn render(&mut self, d: &'a Diagnostic, sources: &HashMap<PathBuf, String>) -> String {
        let report = match d.severity {
            Severity::Error => Report::error(),
            Severity::Warning => Report::warning(),
        }
        .with_message(d.full_message());
        let notes: Vec<String> = d.hint.iter().map(|h| format!("hint: {h}")).collect();
        let text = sources.get(&d.path);
        let long_line = text
            .and_then(|t| t.lines().nth(d.line.checked_sub(1)?))
            .filter(|l| l.chars().count() > limits::SHOWN_LINE_CHARS);
        if let Some(line) = long_line {
            return render_cut_line(d, line);
        }
        let span = text.and_then(|t| if d.line > 0 { span_of(t, d.line, d.column.max(1)) } else { None });
        if let (Some(text), Some(span)) = (text, span) {
            let files = &mut self.files;
            let id = *self
                .ids
                .entry(d.path.as_path())
                .or_insert_with(|| files.add(d.path.display().to_string(), text.clone()));
            let report = report.with_labels(vec![Label::primary(id, span)]).with_notes(notes);
            if let Ok(rendered) = term::emit_into_string(&Config::default(), &self.files, &report) {
                return rendered;
            }
        }
        format!("{d}\n")
    }
}

/// A diagnostic on a very long line, shown like codespan's form but with
/// only a window of the line around its column (see [`limits::window`]).
fn render_cut_line(d: &Diagnostic, line: &str) -> String {
    let (shown, column) = limits::window(line, d.column);
    let number = d.line.to_string();
    let pad = " ".repeat(number.len());
    let severity = if d.is_error() { "error" } else { "warning" };
    let mut out = format!("{severity}: {}\n{pad} ┌─ {}\n{pad} │\n{number} │ {shown}\n", d.full_message(), d.location());
    let under: String = shown.chars().take(column - 1).map(|c| if c.is_ascii() { " " } else { "  " }).collect();
    out.push_str(&format!("{pad} │ {under}^\n{pad} │\n"));
    if let Some(hint) = &d.hint {
        out.push_str(&format!("{pad} = hint: {hint}\n"));
    }
    out.push('\n');
    out
}

/// One line per diagnostic, `path:line:col: severity: message` (for tests, CI
/// logs and the preview overlay).
pub fn render_plain(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(|d| format!("{d}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendering_points_at_the_source_line() {
        let mut sources = HashMap::new();
        sources.insert(PathBuf::from("content/a.md"), "---\ntitel: x\n---\n".to_string());
        let d = Diagnostic::error("content/a.md", 2, 1, "unknown field `titel`").with_hint("did you mean `title`?");
        let out = render(std::slice::from_ref(&d), &sources);
        assert!(out.contains("content/a.md:2:1"), "{out}");
        assert!(out.contains("titel: x"), "{out}");
        assert!(out.contains("did you mean `title`?"), "{out}");
        assert_eq!(d.to_string().lines().next(), Some("content/a.md:2:1: error: unknown field `titel`"));
    }

    #[test]
    fn span_handles_multibyte_columns() {
        let text = "一二三\n四五六";
        assert_eq!(span_of(text, 2, 2), Some(13..19));
        assert_eq!(span_of(text, 3, 1), None);
    }
}
