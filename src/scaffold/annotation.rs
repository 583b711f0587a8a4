//! `shiyi new annotation CLAUSE`: an annotation file for one clause, with its
//! front matter and the sections annotations use (要点, 背景, 思考题).
//!
//! The citation is resolved through the site itself (load and resolve, as a
//! build does), so the file names the clause the way the site cites it and a
//! clause that does not exist is refused with the nearest ones.

use std::path::{Path, PathBuf};

use super::{ScaffoldError, write_new};
use crate::resolve::{Body, ResolveOptions};

/// What `new annotation` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnnotation {
    /// The file, under the site root.
    pub path: PathBuf,
    /// The clause as the file's `annotates:` names it (`具体意见 三（三）4`).
    pub citation: String,
}

/// Writes `content/annotations/<document>-<clause id>.md` for the clause that
/// `citation` names in the site at `root`.
pub fn new_annotation(root: &Path, citation: &str) -> Result<NewAnnotation, ScaffoldError> {
    let loaded = crate::load::load(root).map_err(|e| {
        ScaffoldError::new(
            format!("cannot read the site at {}: {}", root.display(), e.diagnostic),
            Some("run `shiyi check` to see what is wrong, or pass --root with the site's folder".into()),
        )
    })?;
    let resolved = loaded.resolve(ResolveOptions { drafts: true });
    let index = &resolved.links.index;
    let target = index.resolve(citation, None).map_err(|e| {
        let hint = if e.suggestions.is_empty() {
            "cite a clause as `DOCUMENT NUMBER`, e.g. `具体意见 三（三）4`".to_string()
        } else {
            format!("did you mean {}?", quoted_list(&e.suggestions))
        };
        ScaffoldError::new(format!("no clause `{citation}`: {}", e.message), Some(hint))
    })?;
    let doc = &resolved.documents[target.doc];
    let Some(id) = target.id else {
        return Err(ScaffoldError::new(
            format!("`{citation}` names the whole document {}", doc.front.title),
            Some(format!("name one of its clauses, e.g. `{} 一`", doc.short_title())),
        ));
    };
    let info = index.info(target.doc, &id).expect("a resolved clause is indexed");
    let cited = format!("{} {}", doc.short_title(), info.path);
    let words = match &doc.body {
        Body::Clauses(_) => resolved.clause_text(target.doc, &id).map(first_words).unwrap_or_default(),
        Body::Markdown => String::new(),
    };
    let stem = doc.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let file_id: Vec<String> = id.split("__").map(|part| part.replace('_', "")).collect();
    let relative = PathBuf::from("content/annotations").join(format!("{stem}-{}.md", file_id.join("-")));
    let path = root.join(&relative);
    if path.exists() {
        return Err(ScaffoldError::new(
            format!("{} already exists", relative.display()),
            Some("edit that file, or move it away first; nothing was overwritten".into()),
        ));
    }
    let title = format!("释义：{} {words}", info.path).trim_end().to_string();
    std::fs::create_dir_all(path.parent().expect("under content/annotations"))
        .map_err(|e| ScaffoldError::new(format!("cannot create content/annotations: {e}"), None))?;
    write_new(&path, &skeleton(&title, &cited))?;
    Ok(NewAnnotation { path: relative, citation: cited })
}

/// `a`, `b` or `c`, each in backticks, without repeats.
fn quoted_list(items: &[String]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for item in items {
        if !seen.contains(&item.as_str()) {
            seen.push(item);
        }
    }
    let quoted: Vec<String> = seen.iter().map(|s| format!("`{s}`")).collect();
    quoted.join(", ")
}

/// The opening words of a clause's text, up to its first pause, for a title.
fn first_words(text: &str) -> String {
    let plain: String = text.chars().filter(|c| !matches!(c, '[' | ']' | '*' | '`' | '\n')).collect();
    let end = plain.find(['，', '。', '；', '：', '、', '|']).unwrap_or(plain.len());
    plain[..end].chars().take(24).collect()
}

/// The file's text: front matter and empty sections with what goes in them.
fn skeleton(title: &str, citation: &str) -> String {
    // JSON strings are YAML double-quoted scalars, so any title is safe.
    let quote = |s: &str| serde_json::to_string(s).expect("strings serialise");
    format!(
        "---\ntitle: {}\nkind: annotation\nannotates: [{}]\n# author: 释义编写组\n# summary: 一句话说明这篇释义讲什么。\n---\n\n\
         ## 要点\n\n- （这一条要求做什么，一点一行。）\n\n\
         ## 背景\n\n（为什么这样规定，与哪些条款、哪些法律有关。）\n\n\
         ## 思考题\n\n1. （供学习会讨论的问题。）\n",
        quote(title),
        quote(citation)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_words_stop_at_the_first_pause() {
        assert_eq!(first_words("每季度组织一次集中学习，重点研读"), "每季度组织一次集中学习");
        assert_eq!(first_words("依照[[示范法 第二条]]办理。"), "依照示范法 第二条办理");
    }

    #[test]
    fn the_skeleton_is_valid_front_matter() {
        let text = skeleton("释义：一 \"总体\"要求", "示例意见 一");
        let split = crate::frontmatter::split(&text).unwrap();
        let front = crate::frontmatter::parse(split.yaml, split.yaml_line).unwrap();
        assert_eq!(front.title, "释义：一 \"总体\"要求");
        assert_eq!(front.annotates, vec!["示例意见 一".to_string()]);
        for heading in ["## 要点", "## 背景", "## 思考题"] {
            assert!(text.contains(heading), "{text}");
        }
    }

    #[test]
    fn suggestions_are_listed_once() {
        let items = vec!["甲 一".to_string(), "甲 二".to_string(), "甲 一".to_string()];
        assert_eq!(quoted_list(&items), "`甲 一`, `甲 二`");
    }
}
