//! Watching the site's sources and coalescing bursts of events into rebuilds.
//!
//! Takes the site root; watches `site.yaml` (through a non-recursive watch of
//! the root, so an atomic rename that replaces the file is still seen) and
//! `content/` and `themes/` recursively, re-watching either folder when it is
//! deleted, created or renamed. `target/`, `output/` and everything else under
//! the root are never watched. Gives, through [`Batcher::next`], one signal per
//! burst of relevant changes.
//!
//! Bursts are coalesced here rather than with a debouncer crate: the rebuild
//! thread starts a build once no relevant event came for [`QUIET`], which
//! keeps the save-to-reload latency close to that figure (a tick-based
//! debouncer adds up to a tick on top of its timeout).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// How long no relevant event must arrive before a burst counts as finished.
pub const QUIET: Duration = Duration::from_millis(40);
/// The longest a steady stream of events may put a rebuild off.
const MAX_DELAY: Duration = Duration::from_millis(1000);
/// The folders under the root whose changes matter (besides `site.yaml`).
const FOLDERS: [&str; 2] = ["content", "themes"];

/// What the rebuild thread receives.
pub enum Msg {
    /// A file-system event (or a watcher error, which forces a rebuild).
    Fs(notify::Result<notify::Event>),
    /// The server is stopping.
    Stop,
}

/// Files editors write beside the real ones: swap files, backups, lock files,
/// vim's `4913` write test, and temporary files renamed into place later.
pub fn is_editor_temp(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913"
        || [".swp", ".swx", ".swo", ".tmp", ".kate-swp", ".crswap"].iter().any(|ext| name.ends_with(ext))
}

/// The watcher and the event filter.
pub struct Batcher {
    watcher: RecommendedWatcher,
    root: PathBuf,
    rx: Receiver<Msg>,
}

impl Batcher {
    /// Starts watching `root` (an absolute path); events go to `tx`, which
    /// the caller also uses to send [`Msg::Stop`].
    pub fn start(root: &Path, tx: Sender<Msg>, rx: Receiver<Msg>) -> notify::Result<Batcher> {
        let watcher = notify::recommended_watcher(move |event| {
            let _ = tx.send(Msg::Fs(event));
        })?;
        let mut batcher = Batcher { watcher, root: root.to_path_buf(), rx };
        batcher.watcher.watch(root, RecursiveMode::NonRecursive)?;
        for folder in FOLDERS {
            batcher.rewatch(folder);
        }
        Ok(batcher)
    }

    /// (Re-)watches `ROOT/folder` if it is there now.
    fn rewatch(&mut self, folder: &str) {
        let path = self.root.join(folder);
        let _ = self.watcher.unwatch(&path);
        if path.is_dir()
            && let Err(e) = self.watcher.watch(&path, RecursiveMode::Recursive)
        {
            eprintln!("warning: cannot watch {}: {e}", path.display());
        }
    }

    /// True when `event` may change the site; re-watches a source folder that
    /// was itself created, deleted or renamed. Adds what changed to `batch`.
    fn wants(&mut self, event: notify::Result<notify::Event>, batch: &mut Batch) -> bool {
        let event = match event {
            Ok(e) => e,
            Err(_) => {
                batch.everything = true;
                return true;
            }
        };
        if event.need_rescan() {
            batch.everything = true;
            return true;
        }
        if let EventKind::Access(kind) = event.kind
            && kind != AccessKind::Close(AccessMode::Write)
        {
            return false;
        }
        let mut wanted = false;
        for path in &event.paths {
            let Ok(rel) = path.strip_prefix(&self.root) else { continue };
            let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            match parts.as_slice() {
                [name] if name == crate::config::CONFIG_FILE => {
                    batch.everything = true;
                    wanted = true;
                }
                [folder] if FOLDERS.contains(&folder.as_str()) => {
                    self.rewatch(&folder.clone());
                    batch.everything = true;
                    wanted = true;
                }
                [folder, rest @ ..]
                    if FOLDERS.contains(&folder.as_str()) && !rest.iter().any(|name| is_editor_temp(name)) =>
                {
                    wanted = true;
                    batch.paths.insert(rel.to_path_buf());
                }
                _ => {}
            }
        }
        wanted
    }

    /// Blocks until a burst of relevant changes is over and returns it; with
    /// `idle`, gives up after that long without a change.
    pub fn next(&mut self, idle: Option<Duration>) -> Next {
        let mut batch = Batch::default();
        loop {
            let message = match idle {
                Some(limit) => match self.rx.recv_timeout(limit) {
                    Ok(m) => Ok(m),
                    Err(RecvTimeoutError::Timeout) => return Next::Idle,
                    Err(RecvTimeoutError::Disconnected) => Err(()),
                },
                None => self.rx.recv().map_err(|_| ()),
            };
            match message {
                Ok(Msg::Fs(event)) => {
                    if self.wants(event, &mut batch) {
                        break;
                    }
                }
                Ok(Msg::Stop) | Err(()) => return Next::Stop,
            }
        }
        let started = Instant::now();
        let mut last_wanted = Instant::now();
        loop {
            let wait = QUIET.saturating_sub(last_wanted.elapsed());
            if wait.is_zero() || started.elapsed() >= MAX_DELAY {
                return Next::Changes(batch);
            }
            match self.rx.recv_timeout(wait) {
                Ok(Msg::Fs(event)) => {
                    if self.wants(event, &mut batch) {
                        last_wanted = Instant::now();
                    }
                }
                Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => return Next::Stop,
                Err(RecvTimeoutError::Timeout) => return Next::Changes(batch),
            }
        }
    }
}

/// One burst of changes.
#[derive(Debug, Default)]
pub struct Batch {
    /// The files named by the events, relative to the root.
    pub paths: BTreeSet<PathBuf>,
    /// True when the whole site must be read again: `site.yaml`, a source
    /// folder itself, a rescan or a watcher error.
    pub everything: bool,
}

/// What [`Batcher::next`] saw.
pub enum Next {
    /// A burst of changes.
    Changes(Batch),
    /// No change for the idle time asked for.
    Idle,
    /// The server is stopping.
    Stop,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for name in [".notice.md.swp", "notice.md~", ".#notice.md", "4913", "#notice.md#", "x.md.tmp"] {
            assert!(is_editor_temp(name), "{name}");
        }
        for name in ["notice.md", "style.css", "4914", "swp.md"] {
            assert!(!is_editor_temp(name), "{name}");
        }
    }
}
