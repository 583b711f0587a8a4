//! The study plan of `site.yaml`, with each session's sections resolved to
//! clauses of the site.

use std::path::PathBuf;

use super::citations::{CitationIndex, ClauseRef};
use super::terms::suggestion_hint;
use crate::config::{CONFIG_FILE, StudyPlan};
use crate::diagnostic::Diagnostic;

/// One session with its sections resolved.
#[derive(Debug, Clone)]
pub struct Session {
    /// Title.
    pub title: String,
    /// What to focus on (Markdown).
    pub note: Option<String>,
    /// The sections read in the session.
    pub sections: Vec<ClauseRef>,
}

/// Resolves the sessions' sections; a section that does not exist is an
/// error at its line in `site.yaml`.
pub fn resolve_plan(
    plan: &StudyPlan,
    config_text: Option<&str>,
    index: &CitationIndex,
) -> (Vec<Session>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let line_of = |needle: &str| config_text.and_then(|t| crate::yaml::line_containing(t, needle, 1)).unwrap_or(1);
    let sessions = plan
        .sessions
        .iter()
        .map(|s| Session {
            title: s.title.clone(),
            note: s.note.clone(),
            sections: s
                .sections
                .iter()
                .filter_map(|c| match index.resolve(c, None) {
                    Ok(r) if r.id.is_some() => Some(r),
                    Ok(_) => {
                        diagnostics.push(
                            Diagnostic::error(
                                PathBuf::from(CONFIG_FILE),
                                line_of(c),
                                1,
                                format!("study plan: `{c}` names a whole document"),
                            )
                            .with_code("study-plan")
                            .with_hint("name a section, e.g. `具体意见 一`"),
                        );
                        None
                    }
                    Err(e) => {
                        diagnostics.push(
                            Diagnostic::error(
                                PathBuf::from(CONFIG_FILE),
                                line_of(c),
                                1,
                                format!("study plan `{c}`: {}", e.message),
                            )
                            .with_code("study-plan")
                            .citing(c.as_str())
                            .with_hint(suggestion_hint(&e)),
                        );
                        None
                    }
                })
                .collect(),
        })
        .collect();
    (sessions, diagnostics)
}
