//! Themes: Tera templates and static files.
//!
//! The default theme is embedded in the binary (see `build.rs`). A site's
//! `themes/<name>/` folder overrides it file by file: `templates/x.html`
//! replaces the built-in `templates/x.html`, `static/y.css` the built-in
//! `static/y.css`, and new files are added.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::Tera;
use walkdir::WalkDir;

use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diagnostic::Diagnostic;
use crate::yaml;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Templates every theme must provide (the default theme does).
pub const REQUIRED_TEMPLATES: &[&str] = &["base.html", "home.html", "document.html", "page.html", "404.html"];

/// A theme file and where it came from.
#[derive(Debug, Clone)]
struct ThemeFile {
    bytes: Vec<u8>,
    origin: PathBuf,
}

/// Why a theme could not be loaded, with the texts of its templates so the
/// diagnostics can show the offending lines.
#[derive(Debug, Default)]
pub struct ThemeError {
    /// The problems.
    pub diagnostics: Vec<Diagnostic>,
    /// Template texts by diagnostic path.
    pub sources: std::collections::HashMap<PathBuf, String>,
}

impl From<Vec<Diagnostic>> for ThemeError {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        ThemeError { diagnostics, sources: Default::default() }
    }
}

/// A loaded theme: compiled templates and the static files to copy.
#[derive(Debug)]
pub struct Theme {
    /// The compiled templates.
    pub tera: Tera,
    /// Static files by path under `static/`.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Where each template came from (for diagnostics).
    pub template_origins: BTreeMap<String, PathBuf>,
}

/// Line and column from a Tera parse error (`--> 3:10`).
fn tera_position(message: &str) -> (usize, usize) {
    message
        .split("--> ")
        .nth(1)
        .and_then(|rest| {
            let pos: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == ':').collect();
            let (l, c) = pos.split_once(':')?;
            Some((l.parse().ok()?, c.parse().ok()?))
        })
        .unwrap_or((0, 0))
}

/// The whole chain of a Tera error as one message.
pub fn tera_message(error: &tera::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        parts.push(e.to_string());
        source = e.source();
    }
    parts.join(": ")
}

impl Theme {
    /// Loads the theme named in `config`, overriding the built-in default
    /// theme with the files of `ROOT/themes/<name>/`.
    pub fn load(root: &Path, config: &SiteConfig, config_text: Option<&str>) -> Result<Theme, ThemeError> {
        let mut files: BTreeMap<String, ThemeFile> = DEFAULT_THEME
            .iter()
            .map(|(rel, bytes)| {
                let origin = PathBuf::from(format!("themes/default/{rel} (built in)"));
                (rel.to_string(), ThemeFile { bytes: bytes.to_vec(), origin })
            })
            .collect();
        let dir = root.join("themes").join(&config.theme);
        if dir.is_dir() {
            for entry in WalkDir::new(&dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
                if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                let origin = PathBuf::from("themes").join(&config.theme).join(&rel);
                match std::fs::read(entry.path()) {
                    Ok(bytes) => {
                        files.insert(rel, ThemeFile { bytes, origin });
                    }
                    Err(e) => {
                        return Err(vec![
                            Diagnostic::error(origin, 0, 0, format!("cannot read theme file: {e}")).with_code("read"),
                        ]
                        .into());
                    }
                }
            }
        } else if config.theme != "default" {
            let line = config_text.and_then(|t| yaml::key_line(t, "theme")).unwrap_or(1);
            return Err(vec![
                Diagnostic::error(CONFIG_FILE, line, 1, format!("theme `{}` not found", config.theme))
                    .with_code("theme")
                    .with_hint(format!(
                        "create themes/{}/ beside site.yaml, or remove `theme:` to use the built-in theme",
                        config.theme
                    )),
            ]
            .into());
        }

        let mut diagnostics = Vec::new();
        let mut templates = Vec::new();
        let mut template_origins = BTreeMap::new();
        let mut statics = BTreeMap::new();
        for (rel, file) in files {
            if let Some(name) = rel.strip_prefix("templates/") {
                match String::from_utf8(file.bytes) {
                    Ok(text) => {
                        template_origins.insert(name.to_string(), file.origin);
                        templates.push((name.to_string(), text));
                    }
                    Err(_) => diagnostics.push(
                        Diagnostic::error(file.origin, 1, 1, "template is not valid UTF-8").with_code("not-utf8"),
                    ),
                }
            } else if let Some(name) = rel.strip_prefix("static/") {
                statics.insert(name.to_string(), file.bytes);
            }
        }
        for required in REQUIRED_TEMPLATES {
            if !template_origins.contains_key(*required) {
                diagnostics.push(
                    Diagnostic::error(
                        dir.join("templates").join(required),
                        0,
                        0,
                        format!("missing template `{required}`"),
                    )
                    .with_code("template")
                    .with_hint("every theme needs base.html, home.html, document.html, page.html and 404.html"),
                );
            }
        }
        // Parse each template alone first, so every broken one is reported
        // with its own file and line.
        for (name, text) in &templates {
            if let Err(e) = tera::Template::new(name, None, text) {
                let message = tera_message(&e);
                let (line, column) = tera_position(&message);
                let origin = template_origins.get(name).cloned().unwrap_or_else(|| PathBuf::from(name));
                let what = message
                    .lines()
                    .rev()
                    .map(|l| l.trim_start_matches(['=', ' ']))
                    .find(|l| !l.is_empty())
                    .unwrap_or("");
                diagnostics.push(
                    Diagnostic::error(origin, line, column, format!("template syntax error: {what}"))
                        .with_code("template")
                        .with_hint("fix the Tera syntax at this position: `{{ expression }}`, `{% tag %}`"),
                );
            }
        }
        let sources = || {
            templates
                .iter()
                .filter_map(|(name, text)| Some((template_origins.get(name)?.clone(), text.clone())))
                .collect()
        };
        if !diagnostics.is_empty() {
            return Err(ThemeError { diagnostics, sources: sources() });
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        // Unlike Tera's own escaping this leaves `/` alone, so URLs stay readable.
        tera.set_escape_fn(crate::markdown::escape_text);
        if let Err(e) = tera.add_raw_templates(templates.clone()) {
            let message = tera_message(&e);
            // "Template 'page.html' is inheriting from 'layout.html', which doesn't exist…"
            let mut quoted = message.split('\'').skip(1).step_by(2);
            let (user, missing) = (quoted.next().unwrap_or(""), quoted.next().unwrap_or(""));
            let origin =
                template_origins.get(user).cloned().unwrap_or_else(|| PathBuf::from("themes").join(&config.theme));
            let line = templates
                .iter()
                .find(|(n, _)| n == user)
                .and_then(|(_, text)| text.lines().position(|l| !missing.is_empty() && l.contains(missing)))
                .map_or(0, |i| i + 1);
            let diagnostic = Diagnostic::error(origin, line, 1, format!("template error: {message}"))
                .with_code("template")
                .with_hint(
                    "a template extends, includes or imports a template that does not exist: add it or fix the name",
                );
            return Err(ThemeError { diagnostics: vec![diagnostic], sources: sources() });
        }
        Ok(Theme { tera, statics, template_origins })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_theme_has_every_required_template() {
        for required in REQUIRED_TEMPLATES {
            let rel = format!("templates/{required}");
            assert!(DEFAULT_THEME.iter().any(|(r, _)| *r == rel), "missing {rel}");
        }
    }

    #[test]
    fn tera_positions() {
        assert_eq!(tera_position("x\n --> 3:10\n  |"), (3, 10));
        assert_eq!(tera_position("no position"), (0, 0));
    }
}
