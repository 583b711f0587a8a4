//! Diagnostics for machines: one JSON object per line, or GitHub Actions
//! workflow commands (`::error file=…,line=…::message`), as `--format json`
//! and `--format github` print them.
//!
//! Takes diagnostics and the source texts they point into; gives text to
//! print on standard output. The human form stays in [`super::render`].

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Serialize;

use super::{Diagnostic, Renderer, Severity, span_of};

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// For people: the source line underlined, then the hint.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
    /// GitHub Actions workflow commands, shown as annotations on the files.
    Github,
}

/// A position in a file, 1-based; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    /// Line.
    pub line: usize,
    /// Column.
    pub column: usize,
}

/// One diagnostic as `--format json` prints it.
#[derive(Debug, Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    code: Option<&'static str>,
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    end: Option<Position>,
    message: &'a str,
    hint: Option<&'a str>,
    caused_by: Option<String>,
    rendered: String,
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Where the highlighted text of `d` ends (exclusive): the end of its line,
/// when the line is in `sources`.
pub fn end_of(d: &Diagnostic, sources: &HashMap<PathBuf, String>) -> Option<Position> {
    if d.line == 0 {
        return None;
    }
    let text = sources.get(&d.path)?;
    let span = span_of(text, d.line, d.column.max(1))?;
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    Some(Position { line: d.line, column: text[line_start..span.end].chars().count() + 1 })
}

/// Every diagnostic in `format`, each ending with a newline.
pub fn format_all(diagnostics: &[Diagnostic], sources: &HashMap<PathBuf, String>, format: Format) -> String {
    let mut renderer = Renderer::default();
    let mut out = String::new();
    for d in diagnostics {
        match format {
            Format::Human => out.push_str(&renderer.render(d, sources)),
            Format::Json => {
                let rendered = renderer.render(d, sources);
                let value = JsonDiagnostic {
                    severity: severity_name(d.severity),
                    code: (!d.code.is_empty()).then_some(d.code),
                    file: d.path.display().to_string(),
                    line: (d.line > 0).then_some(d.line),
                    column: (d.line > 0 && d.column > 0).then_some(d.column),
                    end: end_of(d, sources),
                    message: &d.message,
                    hint: d.hint.as_deref(),
                    caused_by: d.caused_by().map(|p| p.display().to_string()),
                    rendered,
                };
                out.push_str(&serde_json::to_string(&value).expect("diagnostics serialise"));
                out.push('\n');
            }
            Format::Github => {
                out.push_str(&github_command(d, sources));
                out.push('\n');
            }
        }
    }
    out
}

/// Escapes a workflow command's message (`%`, CR and LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=…,line=…,col=…,endColumn=…,title=…::message%0Ahint: …`.
pub fn github_command(d: &Diagnostic, sources: &HashMap<PathBuf, String>) -> String {
    let mut properties = vec![format!("file={}", escape_property(&d.path.display().to_string()))];
    if d.line > 0 {
        properties.push(format!("line={}", d.line));
        if d.column > 0 {
            properties.push(format!("col={}", d.column));
        }
        if let Some(end) = end_of(d, sources) {
            properties.push(format!("endColumn={}", end.column));
        }
    }
    let title = if d.code.is_empty() { "shiyi".to_string() } else { format!("shiyi {}", d.code) };
    properties.push(format!("title={}", escape_property(&title)));
    let mut message = d.full_message();
    if let Some(hint) = &d.hint {
        message.push_str("\nhint: ");
        message.push_str(hint);
    }
    format!("::{} {}::{}", severity_name(d.severity), properties.join(","), escape_data(&message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> HashMap<PathBuf, String> {
        HashMap::from([(PathBuf::from("content/a.md"), "---\ntitel: 标题\n---\n".to_string())])
    }

    #[test]
    fn json_lines_carry_every_field() {
        let d = Diagnostic::error("content/a.md", 2, 1, "unknown field `titel`")
            .with_hint("did you mean `title`?")
            .with_code("front-matter");
        let out = format_all(&[d], &sources(), Format::Json);
        assert_eq!(out.lines().count(), 1);
        let v: serde_json::Value = serde_json::from_str(out.trim_end()).unwrap();
        assert_eq!(v["severity"], "error");
        assert_eq!(v["code"], "front-matter");
        assert_eq!(v["file"], "content/a.md");
        assert_eq!((v["line"].as_u64(), v["column"].as_u64()), (Some(2), Some(1)));
        // `titel: 标题` is nine characters: the end is column 10.
        assert_eq!(v["end"], serde_json::json!({"line": 2, "column": 10}));
        assert_eq!(v["message"], "unknown field `titel`");
        assert_eq!(v["hint"], "did you mean `title`?");
        assert!(v["caused_by"].is_null());
        let rendered = v["rendered"].as_str().unwrap();
        assert!(rendered.contains("content/a.md:2:1") && rendered.contains("titel: 标题"), "{rendered}");
    }

    #[test]
    fn whole_file_problems_have_no_position() {
        let d = Diagnostic::error("site.yaml", 0, 0, "cannot read the site configuration");
        let v: serde_json::Value =
            serde_json::from_str(format_all(std::slice::from_ref(&d), &sources(), Format::Json).trim_end()).unwrap();
        assert!(v["line"].is_null() && v["column"].is_null() && v["end"].is_null() && v["code"].is_null());
        assert_eq!(d.to_string(), "site.yaml: error: cannot read the site configuration");
        let command = github_command(&d, &sources());
        assert_eq!(command, "::error file=site.yaml,title=shiyi::cannot read the site configuration");
    }

    #[test]
    fn github_commands_escape_their_parts() {
        let d = Diagnostic::warning("content/a.md", 2, 3, "gap: 100% done\nsecond line").with_hint("x, y");
        let command = github_command(&d, &sources());
        assert_eq!(
            command,
            "::warning file=content/a.md,line=2,col=3,endColumn=10,title=shiyi::gap: 100%25 done%0Asecond line%0Ahint: x, y"
        );
    }
}
