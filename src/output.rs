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
use crate::resolve::paths::is_contained;

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

/// The file that marks a folder as an output written by shiyi: `build`
/// replaces only folders that hold it (or that are empty, or an output of an
/// earlier version, recognised by its own files).
pub const MARKER: &str = ".shiyi-output";

/// What the marker file says to a person who finds it.
const MARKER_TEXT: &str = "This folder was written by `shiyi build`; the next build replaces all of it.\n";

/// Files that every output of earlier shiyi versions holds, together.
const EARLIER_OUTPUT_FILES: &[&str] =
    &["index.html", "404.html", "search.html", "static/style.css", "static/search.js"];

/// `path` made absolute, with `.` and `..` removed and symbolic links of its
/// existing part followed, so that two spellings of one folder compare equal.
fn resolved_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut normal = PathBuf::new();
    for part in absolute.components() {
        match part {
            std::path::Component::ParentDir => {
                normal.pop();
            }
            std::path::Component::CurDir => {}
            other => normal.push(other),
        }
    }
    // Follow links in the longest part that exists, then add the rest.
    let mut existing = normal.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            out.extend(rest.iter().rev());
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return normal,
        }
    }
}

/// Why `build` will not write into a folder.
#[derive(Debug, PartialEq, Eq)]
pub enum OutputRefusal {
    /// The folder is the site itself, a folder of its sources, a parent of
    /// the site, the home folder or the file-system root: never replaced,
    /// even with `--force`.
    Protected(String),
    /// The folder holds files that shiyi did not write; `--force` replaces it.
    Foreign(String),
}

impl std::fmt::Display for OutputRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputRefusal::Protected(m) | OutputRefusal::Foreign(m) => f.write_str(m),
        }
    }
}

/// Whether `dir` is an output folder that shiyi wrote: it holds the marker,
/// or every file that outputs of earlier versions held.
fn is_own_output(dir: &Path) -> bool {
    dir.join(MARKER).is_file() || EARLIER_OUTPUT_FILES.iter().all(|f| dir.join(f).is_file())
}

/// Checks that `build` may replace `out` for the site at `root`. The site,
/// its `content/` and `themes/` (and anything in them), a parent of the site,
/// the home folder and a folder holding another site are never replaced. A
/// non-empty folder that shiyi did not write is replaced only with `force`.
pub fn check_output_dir(root: &Path, out: &Path, force: bool) -> Result<(), OutputRefusal> {
    let shown = out.display();
    let target = resolved_path(out);
    let site = resolved_path(root);
    let protected = |why: &str| Err(OutputRefusal::Protected(format!("refusing to replace {shown}: {why}")));
    if target.parent().is_none() {
        return protected("it is the root of the file system");
    }
    if site.starts_with(&target) {
        return protected("it is the site itself or a folder that holds it");
    }
    for source in ["content", "themes"] {
        if target.starts_with(site.join(source)) {
            return protected(&format!("it is the site's `{source}/` folder or inside it"));
        }
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty())
        && target == resolved_path(Path::new(&home))
    {
        return protected("it is the home folder");
    }
    if !target.exists() {
        return Ok(());
    }
    if !target.is_dir() {
        return protected("it exists and is not a folder");
    }
    if target.join("site.yaml").exists() || target.join("content").is_dir() {
        return protected("it holds a site (site.yaml or content/)");
    }
    let empty = std::fs::read_dir(&target).map(|mut entries| entries.next().is_none()).unwrap_or(false);
    if empty || is_own_output(&target) || force {
        return Ok(());
    }
    Err(OutputRefusal::Foreign(format!(
        "refusing to replace {shown}: it is not empty and was not written by shiyi (it has no `{MARKER}` file)"
    )))
}

/// Removes staging folders that an interrupted build left beside `out`
/// (`.NAME.new-PID-N` and `.NAME.old-PID-N`): only those of processes that
/// have ended, and only when they hold the marker or nothing at all.
pub fn remove_stale_staging(out: &Path) {
    let Some(name) = out.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let Some(tail) = rest.strip_prefix("new-").or_else(|| rest.strip_prefix("old-")) else {
            continue;
        };
        let Some((pid, nanos)) = tail.split_once('-') else {
            continue;
        };
        let (Ok(pid), true) = (pid.parse::<u32>(), nanos.bytes().all(|b| b.is_ascii_digit())) else {
            continue;
        };
        if pid == std::process::id() || process_is_running(pid) {
            continue;
        }
        let path = entry.path();
        let holds_nothing = std::fs::read_dir(&path).map(|mut e| e.next().is_none()).unwrap_or(false);
        if entry.file_type().is_ok_and(|t| t.is_dir()) && (holds_nothing || path.join(MARKER).is_file()) {
            remove_tree(&path);
        }
    }
}

/// Whether a process with this id is running (where the system tells;
/// elsewhere every process counts as running, so nothing is removed).
fn process_is_running(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    Path::new(&format!("/proc/{pid}")).exists()
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
        remove_stale_staging(out);
        let dir = sibling(out, "new");
        std::fs::create_dir(&dir).map_err(|e| fail(&dir, e))?;
        let staging = Staging { dir, out: out.to_path_buf(), folders: Mutex::default(), committed: false };
        let marker = staging.dir.join(MARKER);
        std::fs::write(&marker, MARKER_TEXT).map_err(|e| fail(&marker, e))?;
        Ok(staging)
    }

    /// Writes one file (its folders are created on first use).
    fn write_file(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.dir.join(rel);
        if !is_contained(rel) {
            return Err(fail(&path, io::Error::other("the path leaves the output folder")));
        }
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
    fn never_replaces_the_site_its_sources_or_its_parents() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("content/laws")).unwrap();
        std::fs::create_dir_all(site.join("themes/x")).unwrap();
        std::fs::write(site.join("site.yaml"), "title: x").unwrap();
        for out in [
            site.clone(),
            site.join("."),
            site.join("content"),
            site.join("content/laws"),
            site.join("themes"),
            site.join("content/new"),
            dir.path().to_path_buf(),
            site.join(".."),
            PathBuf::from("/"),
        ] {
            for force in [false, true] {
                let refusal = check_output_dir(&site, &out, force).unwrap_err();
                assert!(matches!(refusal, OutputRefusal::Protected(_)), "{}: {refusal}", out.display());
            }
        }
        let other_site = dir.path().join("other");
        std::fs::create_dir_all(&other_site).unwrap();
        std::fs::write(other_site.join("site.yaml"), "title: y").unwrap();
        assert!(matches!(check_output_dir(&site, &other_site, true), Err(OutputRefusal::Protected(_))));
    }

    #[test]
    fn replaces_only_its_own_output_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        let out = dir.path().join("out");
        assert_eq!(check_output_dir(&site, &out, false), Ok(()), "a new folder");
        std::fs::create_dir_all(&out).unwrap();
        assert_eq!(check_output_dir(&site, &out, false), Ok(()), "an empty folder");
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let refusal = check_output_dir(&site, &out, false).unwrap_err();
        assert!(matches!(refusal, OutputRefusal::Foreign(_)));
        assert!(refusal.to_string().contains("not written by shiyi"), "{refusal}");
        assert_eq!(check_output_dir(&site, &out, true), Ok(()), "--force");
        std::fs::write(out.join(MARKER), MARKER_TEXT).unwrap();
        assert_eq!(check_output_dir(&site, &out, false), Ok(()), "marked as shiyi's");

        let earlier = dir.path().join("earlier");
        std::fs::create_dir_all(earlier.join("static")).unwrap();
        for f in EARLIER_OUTPUT_FILES {
            std::fs::write(earlier.join(f), "x").unwrap();
        }
        assert_eq!(check_output_dir(&site, &earlier, false), Ok(()), "an earlier version's output");
    }

    #[test]
    fn every_output_holds_the_marker() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        Rendered::default().write(&out).unwrap();
        assert!(out.join(MARKER).is_file());
    }

    #[test]
    fn refuses_paths_that_leave_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site/output");
        let mut rendered = Rendered::default();
        rendered.files.insert("../../victim.html".into(), b"x".to_vec());
        assert!(rendered.write(&out).is_err());
        assert!(!dir.path().join("victim.html").exists());
        assert!(!out.exists(), "nothing swapped in");
    }

    #[test]
    fn staging_left_by_ended_processes_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        // A process id that cannot be running (above the kernel's maximum).
        let dead = dir.path().join(".output.new-4294967295-12");
        std::fs::create_dir_all(dead.join("a")).unwrap();
        std::fs::write(dead.join(MARKER), MARKER_TEXT).unwrap();
        std::fs::write(dead.join("a/b.html"), "x").unwrap();
        let empty = dir.path().join(".output.old-4294967294-3");
        std::fs::create_dir_all(&empty).unwrap();
        // Not shiyi's: no marker, so it stays.
        let foreign = dir.path().join(".output.old-4294967293-4");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("keep.txt"), "mine").unwrap();
        // Our own process's: still in use.
        let live = dir.path().join(format!(".output.new-{}-5", std::process::id()));
        std::fs::create_dir_all(&live).unwrap();
        Rendered::default().write(&out).unwrap();
        assert!(!dead.exists() && !empty.exists());
        assert!(foreign.join("keep.txt").exists());
        assert!(live.exists());
    }
}
