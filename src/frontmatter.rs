//! Front matter: the YAML between the first two `---` lines of a content file.
//!
//! [`split`] cuts a file into YAML and body, keeping line numbers; [`parse`]
//! turns the YAML into a checked [`FrontMatter`], with errors at the file's own
//! lines.

use std::fmt;

use serde::{Deserialize, Deserializer};

use crate::yaml::{self, YamlError};

/// What a content file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A directive (通知、意见、条例…): parsed into a clause tree.
    Directive,
    /// An annotation (释义) of clauses.
    Annotation,
    /// A plain page of Markdown.
    #[default]
    Page,
    /// A law cited by the directives, parsed into articles, paragraphs and items.
    Law,
}

impl Kind {
    /// The lowercase name (`directive`, …).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Directive => "directive",
            Kind::Annotation => "annotation",
            Kind::Page => "page",
            Kind::Law => "law",
        }
    }

    /// True for kinds whose body is a clause tree.
    pub fn has_clauses(self) -> bool {
        matches!(self, Kind::Directive | Kind::Law)
    }
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().split('-');
        let year: u16 = parts.next()?.parse().ok()?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day: u8 = parts.next()?.parse().ok()?;
        if parts.next().is_some() || !(1..=12).contains(&month) {
            return None;
        }
        let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        (1..=days[month as usize - 1]).contains(&day).then_some(Date { year, month, day })
    }

    /// The date in Chinese (`2005年7月22日`).
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid date `{s}`: write dates as YYYY-MM-DD")))
    }
}

/// The front-matter fields of a content file (documented in the README).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Full title.
    pub title: String,
    /// What the file is; `page` when omitted.
    #[serde(default)]
    pub kind: Kind,
    /// Short name used in citations (`具体意见`, `行政许可法`).
    #[serde(default)]
    pub short_title: Option<String>,
    /// Document number (文号), e.g. `工商党字[2005]25号`.
    #[serde(default)]
    pub doc_number: Option<String>,
    /// Issuing body.
    #[serde(default)]
    pub issuer: Option<String>,
    /// Publication date.
    #[serde(default)]
    pub date: Option<Date>,
    /// Date of signature (成文日期).
    #[serde(default)]
    pub signed: Option<Date>,
    /// Date the text takes effect.
    #[serde(default)]
    pub effective: Option<Date>,
    /// For laws: the date of the version of the text in this file.
    #[serde(default)]
    pub version_date: Option<Date>,
    /// The document this file is a version of: every version of one document
    /// carries the same key (see `resolve::versions`).
    #[serde(default)]
    pub version_of: Option<String>,
    /// Sort key among documents (smaller first).
    #[serde(default)]
    pub weight: i64,
    /// Drafts are left out unless `--drafts` is given.
    #[serde(default)]
    pub draft: bool,
    /// One-paragraph summary for the home page.
    #[serde(default)]
    pub summary: Option<String>,
    /// Free-form tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Other output paths that redirect to this page (old URLs).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Output file name (without `.html`); the file's own name by default.
    #[serde(default)]
    pub slug: Option<String>,
    /// The slug of the document this one is attached to (附件).
    #[serde(default)]
    pub attachment_of: Option<String>,
    /// A note shown under the title (e.g. what was left out).
    #[serde(default)]
    pub note: Option<String>,
    /// Where the text comes from.
    #[serde(default)]
    pub source: Option<String>,
    /// Author of an annotation or page.
    #[serde(default)]
    pub author: Option<String>,
    /// For annotations: the clauses annotated, cited as a reader would
    /// (`具体意见 三（三）3`) or by id (`opinions#sec_3`).
    #[serde(default)]
    pub annotates: Vec<String>,
    /// For annotations: self-test questions (自测).
    #[serde(default)]
    pub quiz: Vec<QuizQuestion>,
}

/// One self-test question of an annotation's `quiz:` list.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QuizQuestion {
    /// The question.
    pub q: String,
    /// `single`, `multiple` or `truefalse`; when left out, `truefalse` for a
    /// question without options, `multiple` for an answer of several letters,
    /// `single` otherwise.
    #[serde(default, rename = "type")]
    pub kind: Option<QuizKind>,
    /// The choices, shown as A, B, C… (none for true/false).
    #[serde(default)]
    pub options: Vec<String>,
    /// The letters of the right choices (`B`, `ACD`), or `true`/`false`.
    pub answer: QuizAnswer,
    /// Why that is the answer (Markdown; may cite clauses with `[[…]]`).
    pub explain: String,
    /// The clause the question tests; the annotation's first clause when left out.
    #[serde(default)]
    pub clause: Option<String>,
}

/// The kinds of self-test question.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum QuizKind {
    /// One right choice (单选).
    Single,
    /// One or more right choices (多选).
    Multiple,
    /// 对 or 错 (判断).
    Truefalse,
}

/// A question's answer as written in the front matter.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum QuizAnswer {
    /// `true` or `false`, for true/false questions.
    Bool(bool),
    /// The letters of the right choices.
    Letters(String),
}

/// A content file cut into its YAML and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML text.
    pub yaml: &'a str,
    /// File line of the YAML's first line.
    pub yaml_line: usize,
    /// The Markdown body.
    pub body: &'a str,
    /// File line of the body's first line.
    pub body_line: usize,
}

/// Why a file could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with `---`.
    Missing,
    /// The opening `---` has no closing `---`.
    Unclosed,
}

/// Splits `---\nYAML\n---\nbody`. A BOM before the first `---` is allowed.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().ok_or(SplitError::Missing)?;
    if first.trim_end() != "---" {
        return Err(SplitError::Missing);
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (i, line) in lines.enumerate() {
        if line.trim_end() == "---" {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err(SplitError::Unclosed)
}

/// Parses front matter YAML that starts on file line `first_line`.
pub fn parse(yaml_text: &str, first_line: usize) -> Result<FrontMatter, YamlError> {
    if yaml_text.trim().is_empty() {
        return Err(YamlError {
            line: first_line,
            column: 1,
            message: "empty front matter: missing field `title`".into(),
        });
    }
    yaml::from_str(yaml_text, first_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_lines() {
        let s = split("---\ntitle: a\n---\n正文\n").unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "正文\n");
        assert_eq!(s.body_line, 4);
        assert_eq!(split("\u{feff}---\n---\n").unwrap().body, "");
    }

    #[test]
    fn split_errors() {
        assert_eq!(split("title: a\n"), Err(SplitError::Missing));
        assert_eq!(split("---\ntitle: a\n正文\n"), Err(SplitError::Unclosed));
        assert_eq!(split(""), Err(SplitError::Missing));
    }

    #[test]
    fn fields_and_errors() {
        let f = parse("title: 通知\nkind: directive\ndate: 2005-07-31\n", 2).unwrap();
        assert_eq!(f.kind, Kind::Directive);
        assert_eq!(f.date.unwrap().chinese(), "2005年7月31日");
        let e = parse("title: 通知\nkind: memo\n", 2).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("unknown variant `memo`"), "{}", e.message);
        let e = parse("title: 通知\ndate: 2005-02-30\n", 2).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("invalid date"), "{}", e.message);
        let e = parse("title: 通知\nwieght: 1\n", 2).unwrap_err();
        assert!(e.message.contains("unknown field `wieght`"));
        assert!(parse("", 2).is_err());
    }
}
