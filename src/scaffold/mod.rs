//! Starting points: `shiyi init` writes a small working site, `shiyi new
//! annotation` an annotation file for one clause of an existing site.
//!
//! Takes a folder (and, for an annotation, a citation resolved through the
//! site's own [`crate::resolve`] stage); gives the files written. Neither ever
//! overwrites a file.

mod annotation;

use std::path::{Path, PathBuf};

pub use annotation::{NewAnnotation, new_annotation};

/// The starter site, as (path under the site root, contents). The texts live
/// in `src/scaffold/starter/` as ordinary files, so they can be read and
/// edited as what they are.
const STARTER: &[(&str, &str)] = &[
    ("site.yaml", include_str!("starter/site.yaml")),
    (".gitignore", include_str!("starter/dot-gitignore")),
    (".github/workflows/site.yml", include_str!("starter/dot-github/workflows/site.yml")),
    ("content/opinion.md", include_str!("starter/content/opinion.md")),
    ("content/annotations/opinion-2-1-1.md", include_str!("starter/content/annotations/opinion-2-1-1.md")),
    (
        "content/laws/administrative-licensing-law.md",
        include_str!("starter/content/laws/administrative-licensing-law.md"),
    ),
    ("content/glossary.yaml", include_str!("starter/content/glossary.yaml")),
    ("content/about.md", include_str!("starter/content/about.md")),
];

/// Why a scaffold command wrote nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaffoldError {
    /// One-line description.
    pub message: String,
    /// What the user can do about it.
    pub hint: Option<String>,
}

impl ScaffoldError {
    fn new(message: impl Into<String>, hint: Option<String>) -> ScaffoldError {
        ScaffoldError { message: message.into(), hint }
    }
}

impl std::fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// What `init` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct InitReport {
    /// Files written, as paths under the folder.
    pub written: Vec<PathBuf>,
    /// Starter files left out because a file of that name was already there.
    pub kept: Vec<PathBuf>,
}

/// Writes the starter site into `dir` (created when missing). A folder that
/// holds anything is refused unless `force` is set; even then no existing file
/// is replaced.
pub fn init(dir: &Path, force: bool) -> Result<InitReport, ScaffoldError> {
    if dir.exists() && !dir.is_dir() {
        return Err(ScaffoldError::new(format!("{} is a file, not a folder", dir.display()), None));
    }
    let occupied = std::fs::read_dir(dir).map(|mut entries| entries.next().is_some()).unwrap_or(false);
    if occupied && !force {
        return Err(ScaffoldError::new(
            format!("{} is not empty", dir.display()),
            Some(format!(
                "run `shiyi init NEW-FOLDER`, or `shiyi init --force {}` to add the starter files that are \
                 missing (existing files are never overwritten)",
                dir.display()
            )),
        ));
    }
    let mut report = InitReport::default();
    for (relative, text) in STARTER {
        let path = dir.join(relative);
        if path.exists() {
            report.kept.push(PathBuf::from(relative));
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ScaffoldError::new(format!("cannot create {}: {e}", parent.display()), None))?;
        }
        write_new(&path, text)?;
        report.written.push(PathBuf::from(relative));
    }
    Ok(report)
}

/// Writes `text` to `path`, failing when the file already exists (checked by
/// the operating system, so a file made meanwhile is not replaced either).
fn write_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            ScaffoldError::new(format!("{} already exists", path.display()), Some("nothing was overwritten".into()))
        } else {
            ScaffoldError::new(format!("cannot write {}: {e}", path.display()), None)
        }
    })?;
    file.write_all(text.as_bytes())
        .map_err(|e| ScaffoldError::new(format!("cannot write {}: {e}", path.display()), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_writes_every_starter_file_into_a_new_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("site");
        let report = init(&dir, false).unwrap();
        assert_eq!(report.written.len(), STARTER.len());
        for (relative, text) in STARTER {
            assert_eq!(std::fs::read_to_string(dir.join(relative)).unwrap(), *text);
        }
        assert!(std::fs::read_to_string(dir.join(".gitignore")).unwrap().lines().any(|l| l == "output/"));
    }

    #[test]
    fn init_refuses_a_folder_with_files_and_force_keeps_them() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("site.yaml"), "title: mine\n").unwrap();
        let err = init(tmp.path(), false).unwrap_err();
        assert!(err.message.contains("not empty"), "{err}");
        assert!(err.hint.as_deref().unwrap().contains("--force"), "{err}");
        assert!(!tmp.path().join("content").exists());

        let report = init(tmp.path(), true).unwrap();
        assert_eq!(report.kept, vec![PathBuf::from("site.yaml")]);
        assert_eq!(report.written.len(), STARTER.len() - 1);
        assert_eq!(std::fs::read_to_string(tmp.path().join("site.yaml")).unwrap(), "title: mine\n");
    }

    #[test]
    fn init_accepts_an_existing_empty_folder() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(init(tmp.path(), false).unwrap().written.len(), STARTER.len());
    }
}
