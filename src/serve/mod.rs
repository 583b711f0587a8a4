//! The preview server (`shiyi serve`): build in memory, serve over HTTP,
//! rebuild on every change and reload the open tabs.
//!
//! Takes [`ServeOptions`]; gives a running [`Server`]. Nothing is written to
//! disk: a whole build is [`crate::check_keeping`], whose
//! [`Rendered`](crate::render::Rendered) files are served straight from
//! memory. An edit of an annotation's or page's body that leaves its
//! cross-links alone renders only the pages that print that body
//! ([`crate::incremental`]); the search index follows on a thread of its own
//! once the editor pauses. The last good build stays served while a broken
//! file fails the next one; its diagnostics go to the terminal and, as an
//! overlay, to every open tab.
//!
//! ```text
//! watch.rs   notify events → filtered, bursts coalesced → one batch of paths each
//! mod.rs     batch → pages rendered on top of the last build, or a whole build →
//!            swap the served site (Arc) or publish the diagnostics
//! net/       one thread, every socket: request heads under deadlines, caps per
//!            address and overall, answers written back, event streams
//! pool.rs    a fixed set of workers: whole request → answer bytes
//! http.rs    request heads parsed; GET/HEAD from memory; the live script is
//!            injected into HTML here only
//! events.rs  /__shiyi/events: `reload`, `build-error`, `ok` to each open tab
//! live.js    /__shiyi/live.js: reload keeping the reader's place; error overlay
//! ```

mod events;
pub mod http;
mod net;
mod pool;
mod watch;

pub use net::{HEAD_DEADLINE, IDLE_TIMEOUT, MAX_CONNECTIONS, MAX_PER_ADDRESS, MAX_STREAMS, WORKERS};

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::diagnostic::{Severity, render_plain};
use crate::incremental::Snapshot;
use crate::{BuildOptions, Outcome, Status};
use watch::{Batch, Batcher, Msg, Next};

/// The script every served HTML page loads (never part of `build` output).
pub const LIVE_JS: &str = include_str!("live.js");

/// What to serve and where.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root (holds `site.yaml`, `content/`, `themes/`).
    pub root: PathBuf,
    /// The address to listen on (`127.0.0.1` by default).
    pub interface: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Include drafts.
    pub drafts: bool,
}

impl ServeOptions {
    /// Options for `root` on `127.0.0.1` and `port`, without drafts.
    pub fn new(root: impl Into<PathBuf>, port: u16) -> ServeOptions {
        ServeOptions { root: root.into(), interface: IpAddr::V4(Ipv4Addr::LOCALHOST), port, drafts: false }
    }
}

/// Why the server could not start.
#[derive(Debug)]
pub enum ServeError {
    /// The root holds no `site.yaml`.
    NotASite(PathBuf),
    /// Another program listens on the port.
    PortInUse(SocketAddr),
    /// Listening failed for another reason.
    Bind(SocketAddr, std::io::Error),
    /// The file watcher could not start.
    Watch(notify::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::NotASite(root) => {
                write!(f, "{} holds no site.yaml: pass the site's folder with --root DIR", root.display())
            }
            ServeError::PortInUse(addr) => write!(
                f,
                "port {} is already in use on {}: stop the program using it, or choose another port \
                 with --port N (--port 0 picks a free one)",
                addr.port(),
                addr.ip()
            ),
            ServeError::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            ServeError::Watch(e) => write!(f, "cannot watch the site's files: {e}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// The files of a build, shared between the builds that change only some.
pub(crate) type Files = BTreeMap<String, Arc<Vec<u8>>>;

/// One build as served: its id and its files (`None` until a build succeeds).
pub(crate) struct Site {
    id: String,
    files: Option<Files>,
}

/// What the open tabs are told (guarded by [`State::live`]).
pub(crate) struct Live {
    /// Bumped on every finished build, so event streams wake up.
    version: u64,
    /// The id of the served build.
    good: String,
    /// The diagnostics of the last build as JSON, when it failed.
    error: Option<String>,
}

/// Everything the builder, the connection loop and the workers share.
pub(crate) struct State {
    site: RwLock<Arc<Site>>,
    live: Mutex<Live>,
    /// Wakes the connection loop (a build or an answer is ready, or stop).
    waker: mio::Waker,
    stopping: AtomicBool,
    /// How many event streams are open.
    streams: AtomicUsize,
    /// Bumped by every whole build and search refresh: a refresh finished
    /// for an older generation is not served.
    search_generation: AtomicU64,
}

impl State {
    fn site(&self) -> Arc<Site> {
        self.site.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn lock_live(&self) -> MutexGuard<'_, Live> {
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wake(&self) {
        if let Err(e) = self.waker.wake() {
            eprintln!("warning: cannot wake the server's connection loop: {e}");
        }
    }
}

/// The builder: the options, a prefix unique to this server run, a count,
/// and the last good build to render small changes on top of.
struct Builder {
    options: BuildOptions,
    run: String,
    builds: u64,
    snapshot: Option<Snapshot>,
    /// True when pages changed since the search index was last built.
    search_stale: bool,
}

/// How long the editor must pause before the search index catches up with
/// pages that were rendered on their own.
const SEARCH_IDLE: Duration = Duration::from_millis(300);

impl Builder {
    /// Serves a whole new build (the open tabs are told by [`Self::notify`]);
    /// a search index still being made for an older one is dropped.
    fn publish(&mut self, state: &State, files: Files) {
        self.builds += 1;
        let site = Site { id: format!("{}-{}", self.run, self.builds), files: Some(files) };
        let mut served = state.site.write().unwrap_or_else(|e| e.into_inner());
        state.search_generation.fetch_add(1, Ordering::SeqCst);
        *served = Arc::new(site);
    }

    /// Tells the open tabs about the served build (and the error, if any).
    fn notify(state: &State, error: Option<String>, message: &str) {
        let good = state.site().id.clone();
        let mut live = state.lock_live();
        live.version += 1;
        live.good = good;
        live.error = error;
        drop(live);
        state.wake();
        eprintln!("{message}");
    }

    /// Handles a burst of changes: renders only the pages a body edit
    /// touches when it can (see [`crate::incremental`]), else builds it all.
    fn changed(&mut self, state: &State, batch: &Batch) {
        let started = Instant::now();
        let paths: Vec<PathBuf> = batch.paths.iter().cloned().collect();
        let snapshot = if batch.everything { None } else { self.snapshot.as_mut() };
        let applied = snapshot.and_then(|snapshot| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| snapshot.apply(&paths))).ok().flatten()
        });
        let Some(changed) = applied else { return self.rebuild(state) };
        let count = changed.len();
        let mut site = state.site.write().unwrap_or_else(|e| e.into_inner());
        let Some(mut files) = site.files.clone() else {
            drop(site);
            return self.rebuild(state);
        };
        let mut differs = false;
        for (path, bytes) in changed {
            if files.get(&path).is_none_or(|old| **old != bytes) {
                differs = true;
                files.insert(path, Arc::new(bytes));
            }
        }
        if differs {
            self.builds += 1;
            *site = Arc::new(Site { id: format!("{}-{}", self.run, self.builds), files: Some(files) });
            self.search_stale = true;
        }
        drop(site);
        let ms = started.elapsed().as_millis();
        if differs {
            Self::notify(state, None, &format!("rendered {count} changed page(s) in {ms} ms"));
        } else {
            eprintln!("rendered {count} page(s) in {ms} ms, nothing changed");
        }
    }

    /// Rebuilds the search index on a thread of its own after pages were
    /// rendered on their own, and serves it once done (unless a newer build
    /// took over meanwhile); the open tabs are not reloaded for it.
    fn refresh_search(&mut self, state: &Arc<State>) {
        self.search_stale = false;
        let Some(snapshot) = self.snapshot.as_mut() else { return };
        let input = snapshot.search_input();
        let generation = state.search_generation.fetch_add(1, Ordering::SeqCst) + 1;
        let state = state.clone();
        let spawned = std::thread::Builder::new().name("shiyi-search".into()).spawn(move || {
            let started = Instant::now();
            let Ok(index) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| input.files())) else {
                eprintln!("warning: the search index could not be rebuilt; it is updated by the next whole build");
                return;
            };
            let mut site = state.site.write().unwrap_or_else(|e| e.into_inner());
            if state.search_generation.load(Ordering::SeqCst) != generation {
                return;
            }
            let Some(mut files) = site.files.clone() else { return };
            files.retain(|path, _| !path.starts_with("search/"));
            files.extend(index.into_iter().map(|(path, bytes)| (path, Arc::new(bytes))));
            *site = Arc::new(Site { id: site.id.clone(), files: Some(files) });
            drop(site);
            eprintln!("search index updated in {} ms", started.elapsed().as_millis());
        });
        if let Err(e) = spawned {
            eprintln!("warning: cannot start the search indexer: {e}");
        }
    }

    /// Builds the site and publishes the result: a new served site, or the
    /// diagnostics (keeping the previous site). Prints the same to stderr.
    fn rebuild(&mut self, state: &State) {
        let started = Instant::now();
        self.snapshot = None;
        self.search_stale = false;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| crate::check_keeping(&self.options)));
        let ms = started.elapsed().as_millis();
        let (error, message) = match outcome {
            Err(panic) => {
                let what = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                let json = serde_json::json!({
                    "summary": "内部错误 (internal error)",
                    "diagnostics": [{"file": "", "line": 0, "column": 0, "severity": "error",
                                     "message": format!("the build panicked: {what}"), "hint": null, "source": null}],
                });
                (Some(json.to_string()), format!("build failed in {ms} ms: the build panicked: {what}"))
            }
            Ok((outcome, snapshot)) => {
                self.snapshot = snapshot;
                if !outcome.diagnostics.is_empty() {
                    eprint!("{}", outcome.report());
                }
                match outcome.rendered {
                    Some(rendered) if outcome.status == Status::Success => {
                        let count = rendered.files.len();
                        let files: Files = rendered.files.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
                        let unchanged = state.site().files.as_ref() == Some(&files);
                        if !unchanged {
                            self.publish(state, files);
                        }
                        let note = if unchanged { ", nothing changed" } else { "" };
                        (None, format!("built {count} files in {ms} ms{note}"))
                    }
                    _ => {
                        let summary = summary(&outcome);
                        let message = format!("build failed in {ms} ms: {summary}; still serving the last good build");
                        (Some(overlay_json(&outcome, &summary)), message)
                    }
                }
            }
        };
        Self::notify(state, error, &message);
    }
}

fn summary(outcome: &Outcome) -> String {
    let errors = outcome.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    format!("{errors} error(s), {} warning(s)", outcome.diagnostics.len() - errors)
}

/// The diagnostics of a failed build for the overlay: each with its file,
/// line, column, message, hint and the text of its source line.
fn overlay_json(outcome: &Outcome, summary: &str) -> String {
    let diagnostics: Vec<serde_json::Value> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let source = outcome.sources.get(&d.path).and_then(|t| t.lines().nth(d.line.checked_sub(1)?));
            serde_json::json!({
                "file": d.path.display().to_string().replace('\\', "/"),
                "line": d.line,
                "column": d.column,
                "severity": if d.is_error() { "error" } else { "warning" },
                "message": d.message,
                "hint": d.hint,
                "source": source,
            })
        })
        .collect();
    let text = render_plain(&outcome.diagnostics);
    serde_json::json!({ "summary": summary, "diagnostics": diagnostics, "text": text }).to_string()
}

/// A running preview server. Dropping it stops it.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    to_builder: Sender<Msg>,
    threads: Vec<JoinHandle<()>>,
}

impl Server {
    /// Builds the site, starts watching it and listens; returns once the
    /// first build is done and connections are accepted.
    pub fn start(options: ServeOptions) -> Result<Server, ServeError> {
        let root = std::fs::canonicalize(&options.root).unwrap_or_else(|_| options.root.clone());
        if !root.join(crate::config::CONFIG_FILE).is_file() {
            return Err(ServeError::NotASite(options.root));
        }
        let wanted = SocketAddr::new(options.interface, options.port);
        let listener = TcpListener::bind(wanted).map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => ServeError::PortInUse(wanted),
            _ => ServeError::Bind(wanted, e),
        })?;
        let addr = listener.local_addr().map_err(|e| ServeError::Bind(wanted, e))?;
        let poll = mio::Poll::new().map_err(|e| ServeError::Bind(wanted, e))?;
        let waker = mio::Waker::new(poll.registry(), net::WAKER).map_err(|e| ServeError::Bind(wanted, e))?;
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let run = format!("{:x}", nanos ^ u128::from(std::process::id()) << 64);
        let state = Arc::new(State {
            site: RwLock::new(Arc::new(Site { id: format!("{run}-0"), files: None })),
            live: Mutex::new(Live { version: 0, good: format!("{run}-0"), error: None }),
            waker,
            stopping: AtomicBool::new(false),
            streams: AtomicUsize::new(0),
            search_generation: AtomicU64::new(0),
        });
        // Watch before the first build, so a change made during it is not lost.
        let (tx, rx) = channel();
        let mut batcher = Batcher::start(&root, tx.clone(), rx).map_err(ServeError::Watch)?;
        let options = BuildOptions { root, output: None, drafts: options.drafts, force: false };
        let mut builder = Builder { options, run, builds: 0, snapshot: None, search_stale: false };
        builder.rebuild(&state);
        let mut threads = Vec::new();
        let build_state = state.clone();
        threads.push(std::thread::spawn(move || {
            loop {
                // Made between builds (after the tabs were told, and while the
                // server already listens) rather than on the first edit.
                if let Some(snapshot) = builder.snapshot.as_mut() {
                    snapshot.ensure_search_entries();
                }
                let idle = builder.search_stale.then_some(SEARCH_IDLE);
                match batcher.next(idle) {
                    Next::Changes(batch) => builder.changed(&build_state, &batch),
                    Next::Idle => builder.refresh_search(&build_state),
                    Next::Stop => break,
                }
            }
        }));
        let net_state = state.clone();
        threads.push(std::thread::spawn(move || net::run(poll, listener, net_state)));
        Ok(Server { addr, state, to_builder: tx, threads })
    }

    /// The address the server listens on (with the real port when 0 was asked).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many tabs (event streams) are connected now.
    pub fn open_streams(&self) -> usize {
        self.state.streams.load(Ordering::SeqCst)
    }

    /// `http://ADDR:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Stops accepting, closes every connection (event streams included),
    /// stops the watcher, and waits for the server's threads.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if self.state.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        let _ = self.to_builder.send(Msg::Stop);
        self.state.wake();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Opens `url` in the desktop's browser.
fn open_browser(url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    if let Err(e) = std::process::Command::new(program).args(args).spawn() {
        eprintln!("warning: cannot open a browser ({program}: {e}); open {url} yourself");
    }
}

/// `shiyi serve`: starts the server, prints its address, optionally opens a
/// browser, and runs until Ctrl-C. Returns the exit code (0 after Ctrl-C, 2
/// when the server cannot start).
pub fn run(options: ServeOptions, open: bool) -> i32 {
    let (stop_tx, stop_rx) = channel();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    }) {
        eprintln!("error: cannot handle Ctrl-C: {e}");
        return 2;
    }
    let server = match Server::start(options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let url = server.url();
    println!("serving {url}");
    eprintln!("watching content/, themes/ and site.yaml; press Ctrl-C to stop");
    if open {
        open_browser(&url);
    }
    let _ = stop_rx.recv();
    eprintln!("stopping");
    server.stop();
    0
}
