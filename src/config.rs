//! `site.yaml`: the site's settings. Unknown keys are errors naming the key
//! and its line; every field but `title` has a default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::yaml;

/// The settings in `site.yaml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Site title, shown in every page header and `<title>`.
    pub title: String,
    /// Language tag of the content (`<html lang>`), `zh-CN` by default.
    #[serde(default = "default_language")]
    pub language: String,
    /// One-paragraph description shown on the home page and in `<meta>`.
    #[serde(default)]
    pub description: String,
    /// Theme folder under `themes/`; its files override the built-in default theme.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Who publishes the site (shown in the footer).
    #[serde(default)]
    pub publisher: Option<String>,
    /// Extra footer text (Markdown).
    #[serde(default)]
    pub footer: Option<String>,
    /// The study plan (学习计划): sessions of clauses to read together.
    #[serde(default)]
    pub study_plan: Option<StudyPlan>,
    /// Write print handouts (讲义) for every directive and 一、 section.
    #[serde(default = "default_true")]
    pub handouts: bool,
    /// Search ranking: role weights, results per document, synonyms.
    #[serde(default)]
    pub search: SearchConfig,
}

/// `search:` in `site.yaml`: how results are weighed, folded and expanded.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Score multipliers by the role of what a result belongs to.
    #[serde(default)]
    pub weights: RoleWeights,
    /// Results from one document among the first ten; the rest are folded.
    #[serde(default = "default_per_document")]
    pub per_document: u32,
    /// Words that also search for others (`公车: [公务用车]`).
    #[serde(default)]
    pub synonyms: BTreeMap<String, Vec<String>>,
}

impl Default for SearchConfig {
    fn default() -> SearchConfig {
        SearchConfig {
            weights: RoleWeights::default(),
            per_document: default_per_document(),
            synonyms: BTreeMap::new(),
        }
    }
}

fn default_per_document() -> u32 {
    3
}

/// Score multipliers by role: the documents under study first, their
/// explanations next, reference laws after them, laws' history least.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RoleWeights {
    /// Directives and their attachments (`kind: directive`).
    pub directive: f32,
    /// Annotations and glossary terms.
    pub explanation: f32,
    /// Plain pages (`kind: page`).
    pub page: f32,
    /// Reference laws (`kind: law`): their articles and headings.
    pub law: f32,
    /// A law's history and preface lines (the text before `<!-- INFO END -->`).
    pub history: f32,
}

impl Default for RoleWeights {
    fn default() -> RoleWeights {
        RoleWeights { directive: 1.0, explanation: 0.8, page: 0.7, law: 0.6, history: 0.15 }
    }
}

fn default_true() -> bool {
    true
}

/// A study plan: the sessions of a course of study sessions (学习会).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StudyPlan {
    /// Page title.
    #[serde(default = "default_plan_title")]
    pub title: String,
    /// Introduction (Markdown).
    #[serde(default)]
    pub intro: Option<String>,
    /// Reading speed used for the time estimates, in characters per minute.
    #[serde(default = "default_reading_speed")]
    pub chars_per_minute: u32,
    /// The sessions, in order.
    pub sessions: Vec<StudySession>,
}

/// One study session.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StudySession {
    /// Session title.
    pub title: String,
    /// The top-level sections read in this session, as citations (`具体意见 一`).
    pub sections: Vec<String>,
    /// What to focus on (Markdown).
    #[serde(default)]
    pub note: Option<String>,
}

fn default_plan_title() -> String {
    "学习计划".to_string()
}

fn default_reading_speed() -> u32 {
    300
}

fn default_language() -> String {
    "zh-CN".to_string()
}

fn default_theme() -> String {
    "default".to_string()
}

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "site.yaml";

/// Reads and checks `ROOT/site.yaml`. `display` is the path used in diagnostics.
pub fn load_config(root: &Path) -> Result<(SiteConfig, String), Diagnostic> {
    let path = root.join(CONFIG_FILE);
    let display = PathBuf::from(CONFIG_FILE);
    let bytes = std::fs::read(&path).map_err(|e| {
        Diagnostic::error(&display, 0, 0, format!("cannot read the site configuration: {e}"))
            .with_code("config")
            .with_hint(format!("create {} with at least `title: …`, or pass --root to the site folder", path.display()))
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Diagnostic::error(&display, 1, 1, "site.yaml is not valid UTF-8")
            .with_code("not-utf8")
            .with_hint("save the file as UTF-8")
    })?;
    parse_config(&text).map(|c| (c, text))
}

/// Parses the text of `site.yaml`.
pub fn parse_config(text: &str) -> Result<SiteConfig, Diagnostic> {
    let config: SiteConfig = yaml::from_str(text, 1).map_err(|e| {
        let tab = yaml::tab_hint(text, 1);
        let hint = if let Some(tab) = &tab {
            tab.as_str()
        } else if e.message.contains("unknown field") {
            "known keys: title, language, description, theme, publisher, footer, handouts, study_plan (title, intro, chars_per_minute, sessions: title, sections, note), search (weights: directive, explanation, page, law, history; per_document; synonyms)"
        } else if e.message.contains("missing field") {
            "site.yaml needs at least `title: 站点名称`"
        } else {
            "check the YAML syntax: `key: value`, one per line"
        };
        Diagnostic::error(CONFIG_FILE, e.line, e.column, format!("site.yaml: {}", e.message)).with_code("config").with_hint(hint)
    })?;
    let valid_theme =
        !config.theme.is_empty() && config.theme.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid_theme {
        let line = yaml::key_line(text, "theme").unwrap_or(1);
        return Err(Diagnostic::error(CONFIG_FILE, line, 1, format!("invalid theme name `{}`", config.theme))
            .with_code("theme")
            .with_hint("a theme is a folder name under themes/: letters, digits, `-` and `_`"));
    }
    check_search(&config.search, text)?;
    Ok(config)
}

/// The line of the first `key:` at any indentation after `search:` (1 when not found).
fn nested_key_line(text: &str, key: &str) -> usize {
    let from = yaml::key_line(text, "search").unwrap_or(1);
    text.lines()
        .enumerate()
        .skip(from)
        .find(|(_, l)| l.trim_start().strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':')))
        .map_or(from, |(i, _)| i + 1)
}

/// Weights must be finite and not negative, `per_document` at least 1, and
/// every synonym a non-empty word with a non-empty list.
fn check_search(search: &SearchConfig, text: &str) -> Result<(), Diagnostic> {
    let w = search.weights;
    let weights = [
        ("directive", w.directive),
        ("explanation", w.explanation),
        ("page", w.page),
        ("law", w.law),
        ("history", w.history),
    ];
    for (key, value) in weights {
        if !value.is_finite() || value < 0.0 {
            let line = nested_key_line(text, key);
            return Err(Diagnostic::error(CONFIG_FILE, line, 1, format!("search weight `{key}` is {value}"))
                .with_code("config")
                .with_hint("weights are numbers of 0 or more, e.g. `law: 0.6`"));
        }
    }
    if search.per_document == 0 {
        let line = nested_key_line(text, "per_document");
        return Err(Diagnostic::error(CONFIG_FILE, line, 1, "search.per_document is 0")
            .with_code("config")
            .with_hint("at least one result of each document must be shown, e.g. `per_document: 3`"));
    }
    for (word, also) in &search.synonyms {
        if word.trim().is_empty() || also.is_empty() || also.iter().any(|a| a.trim().is_empty()) {
            let line = nested_key_line(text, "synonyms");
            return Err(Diagnostic::error(CONFIG_FILE, line, 1, format!("synonym `{word}` has an empty word or list"))
                .with_code("config")
                .with_hint("write each synonym as `公车: [公务用车]`"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = parse_config("title: 学习\n").unwrap();
        assert_eq!(c.language, "zh-CN");
        assert_eq!(c.theme, "default");
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let e = parse_config("title: 学习\nthem: dark\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("unknown field `them`"), "{}", e.message);
    }

    #[test]
    fn search_settings() {
        let c = parse_config("title: 学习\n").unwrap();
        assert_eq!(c.search.per_document, 3);
        assert_eq!(c.search.weights.directive, 1.0);
        let c =
            parse_config("title: a\nsearch:\n  weights:\n    law: 0.5\n  synonyms:\n    公车: [公务用车]\n").unwrap();
        assert_eq!(c.search.weights.law, 0.5);
        assert_eq!(c.search.weights.directive, 1.0);
        assert_eq!(c.search.synonyms["公车"], ["公务用车"]);
        let e = parse_config("title: a\nsearch:\n  weight:\n    law: 1\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = parse_config("title: a\nsearch:\n  weights:\n    law: -1\n").unwrap_err();
        assert_eq!((e.line, e.message.contains("law")), (4, true));
        assert_eq!(parse_config("title: a\nsearch:\n  per_document: 0\n").unwrap_err().line, 3);
        assert_eq!(parse_config("title: a\nsearch:\n  synonyms:\n    公车: []\n").unwrap_err().line, 3);
    }

    #[test]
    fn missing_title_and_bad_theme() {
        assert!(parse_config("language: zh-CN\n").unwrap_err().message.contains("title"));
        let e = parse_config("title: a\ntheme: ../x\n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
