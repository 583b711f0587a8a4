//! Self-test questions (自测): the `quiz:` lists of annotations, checked and
//! bound to the clauses they test. A question whose clause does not exist, or
//! whose answer is not among its options, is an error at its line.

use super::Document;
use super::citations::{CitationIndex, ClauseRef};
use super::references::ReferenceGraph;
use super::terms::suggestion_hint;
use crate::diagnostic::Diagnostic;
use crate::frontmatter::{Kind, QuizAnswer, QuizKind, QuizQuestion};

/// Labels of the two choices of a true/false question.
pub const TRUE_FALSE: [&str; 2] = ["对", "错"];

/// A checked question.
#[derive(Debug, Clone)]
pub struct Question {
    /// The annotation that asks it.
    pub annotation: usize,
    /// The clause it tests.
    pub target: ClauseRef,
    /// Single choice, multiple choice or true/false.
    pub kind: QuizKind,
    /// The question.
    pub text: String,
    /// The choices in order (`对`, `错` for true/false).
    pub options: Vec<String>,
    /// Positions of the right choices in `options`, ascending.
    pub answer: Vec<usize>,
    /// The explanation (Markdown).
    pub explain: String,
}

impl Question {
    /// The top-level section (`sec_N`) of the clause tested.
    pub fn section(&self) -> Option<&str> {
        self.target.id.as_deref().and_then(|id| id.split("__").next())
    }
}

/// Line (1-based, in the file) of the `n`-th question of a front matter.
fn question_line(front_yaml: &str, n: usize) -> usize {
    let mut in_quiz = false;
    let mut seen = 0;
    for (i, line) in front_yaml.lines().enumerate() {
        if !line.starts_with([' ', '-']) {
            in_quiz = line.starts_with("quiz:");
            continue;
        }
        if in_quiz && line.trim_start().trim_start_matches("- ").trim_start().starts_with("q:") {
            if seen == n {
                // The YAML starts on the file's second line.
                return i + 2;
            }
            seen += 1;
        }
    }
    crate::yaml::key_line(front_yaml, "quiz").map_or(1, |l| l + 1)
}

/// The positions of the letters `A`, `B`… of an answer, or the letter that
/// is not among `count` options.
fn letters(answer: &str, count: usize) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    for c in answer.chars().filter(|c| !c.is_whitespace() && !matches!(c, ',' | '，' | '、')) {
        let upper = c.to_ascii_uppercase();
        let pos = (upper as usize).wrapping_sub('A' as usize);
        if !upper.is_ascii_uppercase() || pos >= count {
            return Err(c.to_string());
        }
        if !out.contains(&pos) {
            out.push(pos);
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// The letter of option `i` (`A` for 0).
pub fn letter(i: usize) -> char {
    char::from(b'A' + (i % 26) as u8)
}

/// A question's kind, choices and the positions of its right choices.
type Checked = (QuizKind, Vec<String>, Vec<usize>);

/// Checks one question; the problem's message and hint when it is wrong.
fn check(q: &QuizQuestion) -> Result<Checked, (String, String)> {
    let kind = q.kind.unwrap_or(match (&q.answer, q.options.is_empty()) {
        (_, true) | (QuizAnswer::Bool(_), _) => QuizKind::Truefalse,
        (QuizAnswer::Letters(l), false) if l.trim().chars().count() > 1 => QuizKind::Multiple,
        _ => QuizKind::Single,
    });
    match (kind, &q.answer) {
        (QuizKind::Truefalse, QuizAnswer::Bool(b)) if q.options.is_empty() => {
            Ok((kind, TRUE_FALSE.iter().map(|s| s.to_string()).collect(), vec![usize::from(!*b)]))
        }
        (QuizKind::Truefalse, QuizAnswer::Bool(_)) => Err((
            "a true/false question has no options".into(),
            "remove `options:`, or give the question `type: single`".into(),
        )),
        (QuizKind::Truefalse, QuizAnswer::Letters(a)) => Err((
            format!("the answer `{a}` of a true/false question is not `true` or `false`"),
            "write `answer: true` (对) or `answer: false` (错)".into(),
        )),
        (_, QuizAnswer::Bool(_)) => Err((
            "the answer of a choice question is `true` or `false`, not among the options".into(),
            "write the letters of the right options, e.g. `answer: B` or `answer: ACD`".into(),
        )),
        (_, QuizAnswer::Letters(_)) if q.options.len() < 2 => Err((
            format!("a choice question needs at least two options, this one has {}", q.options.len()),
            "add `options: [\"…\", \"…\"]`, or make it a true/false question".into(),
        )),
        (_, QuizAnswer::Letters(a)) => {
            let last = letter(q.options.len() - 1);
            let right = letters(a, q.options.len()).map_err(|bad| {
                (
                    format!("the answer `{bad}` is not among the options (A–{last})"),
                    format!("answer with letters from A to {last}, one per right option"),
                )
            })?;
            match (kind, right.len()) {
                (_, 0) => Err(("the answer names no option".into(), format!("write letters from A to {last}"))),
                (QuizKind::Single, n) if n > 1 => Err((
                    format!("a single-choice question has one answer, not {n}"),
                    "give it `type: multiple`, or keep one letter".into(),
                )),
                _ => Ok((kind, q.options.clone(), right)),
            }
        }
    }
}

/// Checks the questions of every annotation and binds each to its clause (the
/// annotation's first clause when the question names none).
pub fn collect(
    documents: &[Document],
    index: &CitationIndex,
    graph: &ReferenceGraph,
) -> (Vec<Question>, Vec<Diagnostic>) {
    let mut questions = Vec::new();
    let mut diagnostics = Vec::new();
    for (i, doc) in documents.iter().enumerate() {
        if doc.front.quiz.is_empty() {
            continue;
        }
        if doc.front.kind != Kind::Annotation {
            diagnostics.push(
                Diagnostic::error(
                    &doc.path,
                    crate::yaml::key_line(&doc.front_yaml, "quiz").map_or(1, |l| l + 1),
                    1,
                    "only annotations can carry `quiz:` questions",
                )
                .with_hint("move the questions to an annotation of the clauses they test"),
            );
            continue;
        }
        for (n, q) in doc.front.quiz.iter().enumerate() {
            let line = question_line(&doc.front_yaml, n);
            let target = match &q.clause {
                None => graph.annotates.get(i).and_then(|t| t.first()).cloned(),
                Some(c) => {
                    let at = crate::yaml::line_containing(&doc.front_yaml, c, line.saturating_sub(1))
                        .map_or(line, |l| l + 1);
                    match index.resolve(c, None) {
                        Ok(r) if r.id.is_some() => Some(r),
                        Ok(_) => {
                            diagnostics.push(
                                Diagnostic::error(
                                    &doc.path,
                                    at,
                                    1,
                                    format!("question {}: `{c}` names a whole document, not a clause", n + 1),
                                )
                                .with_hint("name the clause the question tests, e.g. `具体意见 三（三）2`"),
                            );
                            None
                        }
                        Err(e) => {
                            diagnostics.push(
                                Diagnostic::error(
                                    &doc.path,
                                    at,
                                    1,
                                    format!("question {}: clause `{c}`: {}", n + 1, e.message),
                                )
                                .with_hint(suggestion_hint(&e)),
                            );
                            None
                        }
                    }
                }
            };
            match check(q) {
                Ok((kind, options, answer)) => {
                    if let Some(target) = target {
                        questions.push(Question {
                            annotation: i,
                            target,
                            kind,
                            text: q.q.clone(),
                            options,
                            answer,
                            explain: q.explain.clone(),
                        });
                    }
                }
                Err((message, hint)) => {
                    let at = crate::yaml::line_containing(&doc.front_yaml, "answer:", line - 1).map_or(line, |l| l + 1);
                    diagnostics.push(
                        Diagnostic::error(&doc.path, at, 1, format!("question {}: {message}", n + 1)).with_hint(hint),
                    );
                }
            }
        }
    }
    (questions, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(yaml: &str) -> QuizQuestion {
        crate::frontmatter::parse(&format!("title: t\nkind: annotation\nquiz:\n{yaml}"), 2).unwrap().quiz.remove(0)
    }

    #[test]
    fn answers_are_checked_against_the_options() {
        let q = question("  - q: 问\n    options: [甲, 乙, 丙]\n    answer: B\n    explain: 因为\n");
        assert_eq!(check(&q).unwrap(), (QuizKind::Single, vec!["甲".into(), "乙".into(), "丙".into()], vec![1]));
        let q = question("  - q: 问\n    options: [甲, 乙, 丙]\n    answer: CA\n    explain: 因为\n");
        assert_eq!(check(&q).unwrap().0, QuizKind::Multiple);
        assert_eq!(check(&q).unwrap().2, vec![0, 2]);
        let q = question("  - q: 问\n    options: [甲, 乙]\n    answer: D\n    explain: 因为\n");
        assert!(check(&q).unwrap_err().0.contains("`D` is not among the options (A–B)"));
        let q = question("  - q: 问\n    answer: false\n    explain: 因为\n");
        assert_eq!(check(&q).unwrap(), (QuizKind::Truefalse, vec!["对".into(), "错".into()], vec![1]));
        let q = question("  - q: 问\n    type: single\n    options: [甲, 乙]\n    answer: AB\n    explain: 因为\n");
        assert!(check(&q).unwrap_err().0.contains("one answer, not 2"));
    }

    #[test]
    fn question_lines() {
        let yaml = "title: t\nquiz:\n  - q: 一\n    answer: true\n  - q: 二\n";
        assert_eq!(question_line(yaml, 0), 4);
        assert_eq!(question_line(yaml, 1), 6);
    }
}
