//! Annotation coverage: for each directive and numbering level, how many
//! clauses have an annotation, and which top- and second-level clauses have none.

use std::fmt;

use super::citations::ClauseRef;
use super::{Body, Resolved};
use crate::clause::ClauseKind;
use crate::frontmatter::Kind;

/// Coverage of one numbering level of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelCoverage {
    /// Level name (`一、`, `（一）`, `1.`, `（1）`).
    pub level: &'static str,
    /// Clauses at that level.
    pub total: usize,
    /// Of those, clauses with at least one annotation.
    pub annotated: usize,
}

/// Coverage of one directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentCoverage {
    /// Short title.
    pub document: String,
    /// Per level, top level first.
    pub levels: Vec<LevelCoverage>,
    /// Citations of the top- and second-level clauses without annotation.
    pub missing: Vec<String>,
}

/// Coverage of every directive of the site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// One entry per directive that has numbered clauses.
    pub documents: Vec<DocumentCoverage>,
}

const LEVELS: [(ClauseKind, &str); 4] = [
    (ClauseKind::DirectiveSection, "一、"),
    (ClauseKind::DirectiveSubsection, "（一）"),
    (ClauseKind::Point, "1."),
    (ClauseKind::SubPoint, "（1）"),
];

/// Computes the annotation coverage of the site's directives.
pub fn coverage(resolved: &Resolved) -> Coverage {
    let mut out = Coverage::default();
    for (i, doc) in resolved.documents.iter().enumerate() {
        let (Body::Clauses(tree), Kind::Directive) = (&doc.body, doc.front.kind) else { continue };
        let mut levels: Vec<LevelCoverage> =
            LEVELS.iter().map(|(_, name)| LevelCoverage { level: name, total: 0, annotated: 0 }).collect();
        let mut missing = Vec::new();
        tree.walk(|clause, _| {
            let Some(level) = LEVELS.iter().position(|(k, _)| *k == clause.kind) else { return };
            let key = ClauseRef { doc: i, id: Some(clause.id.clone()) };
            let annotated = resolved.links.graph.annotations.contains_key(&key);
            levels[level].total += 1;
            if annotated {
                levels[level].annotated += 1;
            } else if level < 2 {
                let citation = resolved.links.index.info(i, &clause.id).map(|c| c.path.clone()).unwrap_or_default();
                missing.push(citation);
            }
        });
        levels.retain(|l| l.total > 0);
        if !levels.is_empty() {
            out.documents.push(DocumentCoverage { document: doc.short_title().to_string(), levels, missing });
        }
    }
    out
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for doc in &self.documents {
            writeln!(f, "annotation coverage of 《{}》:", doc.document)?;
            for l in &doc.levels {
                let percent = (l.annotated * 100).checked_div(l.total).unwrap_or(0);
                writeln!(f, "  {:<6} {:>3}/{:<3} annotated ({percent}%)", l.level, l.annotated, l.total)?;
            }
            if doc.missing.is_empty() {
                writeln!(f, "  every 一、 and （一） clause has an annotation")?;
            } else {
                writeln!(f, "  without annotation: {}", doc.missing.join("、"))?;
            }
        }
        Ok(())
    }
}
