//! Write stage: put rendered files on disk atomically.
//!
//! Everything is written to a fresh folder beside the output folder (as pages
//! are rendered, or from a [`Rendered`] site in memory), then swapped in with
//! renames, so a failed or interrupted build leaves the previous output
//! exactly as it was.

use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use std::collections::HashSet;
use std::sync::Mutex;

use crate::render::{FileSink, Rendered};

/// Why the output could not be written.
#[derive(Debug)]
pub struct WriteError {
    /// The path involved.
    pub path: PathBuf,
    /// What happened.
    pub error: io::Error,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write {}: {}", self.path.display(), self.error)
    }
}

fn fail(path: &Path, error: io::Error) -> WriteError {
    WriteError { path: path.to_path_buf(), error }
}

/// Refuses output folders that hold a site's sources: replacing them would
/// lose content.
pub fn check_output_dir(out: &Path) -> Result<(), String> {
    if out.join("site.yaml").exists() || out.join("content").is_dir() {
        return Err(format!(
            "{} holds a site (site.yaml or content/): refusing to replace it with build output",
            out.display()
        ));
    }
    Ok(())
}

/// A sibling path of `out` named `.NAME.SUFFIX-PID`.
fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    out.with_file_name(format!(".{name}.{suffix}-{}-{nanos}", std::process::id()))
}

/// Removes a folder and everything in it, its files in parallel (a site has
/// tens of thousands); what cannot be removed is left behind silently, as the
/// new output is already in place.
fn remove_tree(dir: &Path) {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.par_iter().for_each(|f| {
        let _ = std::fs::remove_file(f);
    });
    let _ = std::fs::remove_dir_all(dir);
}

/// A fresh folder beside the output folder that receives the new site file
/// by file; [`Staging::commit`] swaps it in, and dropping it uncommitted
/// removes it, leaving the previous output untouched.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    folders: Mutex<HashSet<PathBuf>>,
    committed: bool,
}

impl Staging {
    /// Creates the staging folder for `out`.
    pub fn new(out: &Path) -> Result<Staging, WriteError> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| fail(&parent, e))?;
        if out.exists() && !out.is_dir() {
            return Err(fail(out, io::Error::other("exists and is not a folder")));
        }
        let dir = sibling(out, "new");
        std::fs::create_dir(&dir).map_err(|e| fail(&dir, e))?;
        Ok(Staging { dir, out: out.to_path_buf(), folders: Mutex::default(), committed: false })
    }

    /// Writes one file (its folders are created on first use).
    fn write_file(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.dir.join(rel);
        if let Some(folder) = path.parent() {
            let known = self.folders.lock().is_ok_and(|f| f.contains(folder));
            if !known {
                std::fs::create_dir_all(folder).map_err(|e| fail(folder, e))?;
                if let Ok(mut f) = self.folders.lock() {
                    f.insert(folder.to_path_buf());
                }
            }
        }
        std::fs::write(&path, bytes).map_err(|e| fail(&path, e))
    }

    /// Replaces the output folder with the staging folder.
    pub fn commit(mut self) -> Result<(), WriteError> {
        let previous = self.out.exists().then(|| sibling(&self.out, "old"));
        if let Some(old) = &previous {
            std::fs::rename(&self.out, old).map_err(|e| fail(&self.out, e))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.out) {
            if let Some(old) = &previous {
                let _ = std::fs::rename(old, &self.out);
            }
            return Err(fail(&self.out, e));
        }
        self.committed = true;
        if let Some(old) = previous {
            remove_tree(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

impl FileSink for Staging {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), String> {
        self.write_file(path, &bytes).map_err(|e| e.to_string())
    }
}

impl Rendered {
    /// Writes every file into `out`, replacing its previous content atomically.
    pub fn write(&self, out: &Path) -> Result<(), WriteError> {
        let staging = Staging::new(out)?;
        self.files.par_iter().try_for_each(|(rel, bytes)| staging.write_file(rel, bytes))?;
        staging.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_whole_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        std::fs::create_dir_all(out.join("stale")).unwrap();
        std::fs::write(out.join("stale/old.html"), "old").unwrap();
        let mut rendered = Rendered::default();
        rendered.files.insert("a/b.html".into(), b"new".to_vec());
        rendered.write(&out).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a/b.html")).unwrap(), "new");
        assert!(!out.join("stale").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folders are cleaned up");
    }

    #[test]
    fn refuses_a_site_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.yaml"), "title: x").unwrap();
        assert!(check_output_dir(dir.path()).is_err());
    }
}
