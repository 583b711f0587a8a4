//! The connection loop of the preview server: one thread owns every socket,
//! reads request heads without blocking, and hands whole requests to a fixed
//! set of workers (`pool.rs`).
//!
//! Takes the listening socket and the shared state; runs until the server
//! stops. Nothing a client does can hold a thread: a worker gets a request
//! only once its head is complete, and writing the answer is the loop's job,
//! again without blocking. The limits, all public so the tests can use them:
//!
//! - [`WORKERS`] threads make the answers;
//! - a request head must be complete [`HEAD_DEADLINE`] after its first byte,
//!   else the connection gets a 408 and is closed;
//! - a connection with no request under way, or an answer or event the client
//!   does not read, is closed after [`IDLE_TIMEOUT`];
//! - at most [`MAX_CONNECTIONS`] page connections, at most [`MAX_PER_ADDRESS`]
//!   from one client address. When a new connection would pass either cap,
//!   the one that has waited longest without completing a request head (from
//!   that address, for the per-address cap) is closed to make room; only when
//!   every connection is busy answering is the new one refused with a 503. A
//!   flood from the normal client's own address therefore cannot lock it
//!   out, and a flood from another address cannot push out its connections;
//! - event streams ([`MAX_STREAMS`]) are counted apart from page connections
//!   and cost no thread; one over the limit gets a 503, which `live.js`
//!   retries a second later.
//!
//! Why `mio` and not an HTTP server crate: the server needs GET, HEAD,
//! keep-alive and Server-Sent Events, which `http.rs` covers in a few hundred
//! lines. `mio` is one small, well-kept crate that the file watcher already
//! builds; it gives portable readiness polling and nothing more, so each
//! deadline above is a sweep over a map ten times a second. hyper on tokio
//! would give the same guarantees through some fifteen more crates, tokio
//! among the slowest of all to compile, for a server that only previews one
//! site on the editor's own machine.

use std::collections::HashMap;
use std::io::{ErrorKind, Write};
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

use super::State;
use super::events::{PING, Tab};
use super::http;
use super::pool::{self, Done, Job};

mod exchange;

/// How many worker threads make answers.
pub const WORKERS: usize = 4;
/// The most page connections (all but event streams) open at once.
pub const MAX_CONNECTIONS: usize = 1024;
/// The most page connections open at once from one client address.
pub const MAX_PER_ADDRESS: usize = 256;
/// How long a request head may take to arrive, from its first byte.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(5);
/// How long a connection may stay open with no request under way, and how
/// long an answer or event may wait for the client to read it.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(15);
/// The most event streams (live-reload tabs) open at once.
pub const MAX_STREAMS: usize = 64;

/// How often an open event stream gets a comment, to notice closed tabs.
const PING_EVERY: Duration = Duration::from_secs(10);
/// How many event bytes may wait for a tab that does not read them.
const MAX_STREAM_BACKLOG: usize = 1 << 20;
/// How many bytes an event stream's client may send (a browser sends none).
const MAX_STREAM_INPUT: usize = 4096;
/// Connections accepted before the loop looks at the others again.
const ACCEPT_BATCH: usize = 64;
/// How often deadlines are checked.
const TICK: Duration = Duration::from_millis(100);

/// The token of the listening socket.
const LISTENER: Token = Token(0);
/// The token of [`State::waker`]: a worker finished, a build finished, or
/// the server stops.
pub(crate) const WAKER: Token = Token(1);

/// Where a connection is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for (the rest of) a request head.
    Head,
    /// A worker is making the answer.
    Busy,
    /// The answer is being written.
    Writing,
    /// An event stream.
    Stream,
}

/// One client connection.
struct Conn {
    stream: TcpStream,
    peer: IpAddr,
    phase: Phase,
    /// Bytes read and not yet taken as a request head.
    input: Vec<u8>,
    /// How far [`http::head_end`] has looked into `input`.
    scanned: usize,
    /// Since when the connection waits for its next request head.
    waiting_since: Instant,
    /// When the first byte of the current head arrived.
    head_started: Option<Instant>,
    /// The client closed its side (or reset the connection).
    eof: bool,
    /// What to send, and how much of it is sent.
    output: Vec<u8>,
    written: usize,
    /// The last time a write made progress.
    progress: Instant,
    /// Close once `output` is sent.
    close_after: bool,
    /// The stream's state, for an event stream.
    tab: Option<Tab>,
    /// Bytes an event stream's client sent.
    stream_input: usize,
}

/// The loop's own state: every connection, and counts per kind and address.
struct Loop {
    poll: Poll,
    listener: TcpListener,
    state: Arc<State>,
    conns: HashMap<usize, Conn>,
    per_address: HashMap<IpAddr, usize>,
    pages: usize,
    streams: usize,
    next_id: usize,
    jobs: Sender<Job>,
    done: Receiver<Done>,
    seen_version: Option<u64>,
    last_sweep: Instant,
    last_ping: Instant,
    /// The listener may hold more connections than the last batch took.
    accept_more: bool,
    /// Accepting failed (out of file descriptors): try again at the next sweep.
    accept_later: bool,
}

/// Serves connections from `listener` until the server stops; then closes
/// them all and waits for the workers.
pub(crate) fn run(poll: Poll, listener: std::net::TcpListener, state: Arc<State>) {
    if let Err(e) = listener.set_nonblocking(true) {
        eprintln!("error: cannot serve: {e}");
        return;
    }
    let mut listener = TcpListener::from_std(listener);
    if let Err(e) = poll.registry().register(&mut listener, LISTENER, Interest::READABLE) {
        eprintln!("error: cannot serve: {e}");
        return;
    }
    let (jobs, done, workers) = pool::start(WORKERS, state.clone());
    let now = Instant::now();
    let mut lp = Loop {
        poll,
        listener,
        state,
        conns: HashMap::new(),
        per_address: HashMap::new(),
        pages: 0,
        streams: 0,
        next_id: WAKER.0 + 1,
        jobs,
        done,
        seen_version: None,
        last_sweep: now,
        last_ping: now,
        accept_more: false,
        accept_later: false,
    };
    lp.serve();
    let ids: Vec<usize> = lp.conns.keys().copied().collect();
    for id in ids {
        lp.close(id);
    }
    drop(lp);
    for worker in workers {
        let _ = worker.join();
    }
}

/// True for the errors that only mean "not now".
fn would_block(kind: ErrorKind) -> bool {
    matches!(kind, ErrorKind::WouldBlock | ErrorKind::Interrupted)
}

impl Loop {
    fn serve(&mut self) {
        let mut events = Events::with_capacity(1024);
        loop {
            let timeout = if self.accept_more { Duration::ZERO } else { TICK };
            if let Err(e) = self.poll.poll(&mut events, Some(timeout))
                && e.kind() != ErrorKind::Interrupted
            {
                eprintln!("warning: the server's poll failed: {e}");
                std::thread::sleep(TICK);
            }
            if self.state.stopping.load(Ordering::SeqCst) {
                return;
            }
            if self.accept_more {
                self.accept();
            }
            for event in events.iter() {
                match event.token() {
                    LISTENER => self.accept(),
                    WAKER => {}
                    Token(id) => self.ready(id),
                }
            }
            while let Ok(done) = self.done.try_recv() {
                if self.conns.get(&done.id).is_some_and(|c| c.phase == Phase::Busy) {
                    self.reply(done.id, done.bytes, done.close);
                }
            }
            self.tell_tabs();
            if self.last_sweep.elapsed() >= TICK {
                self.sweep();
            }
        }
    }

    /// Accepts up to [`ACCEPT_BATCH`] connections.
    fn accept(&mut self) {
        self.accept_more = false;
        for _ in 0..ACCEPT_BATCH {
            match self.listener.accept() {
                Ok((stream, peer)) => self.admit(stream, peer.ip()),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if matches!(e.kind(), ErrorKind::Interrupted | ErrorKind::ConnectionAborted) => {}
                Err(_) => {
                    // Out of file descriptors and the like: free one if a
                    // connection is only waiting, else try again later.
                    if !self.evict(None) {
                        self.accept_later = true;
                        return;
                    }
                }
            }
        }
        self.accept_more = true;
    }

    /// Takes a new connection in, making room under the caps if needed.
    fn admit(&mut self, mut stream: TcpStream, peer: IpAddr) {
        let from_peer = self.per_address.get(&peer).copied().unwrap_or(0);
        if (from_peer >= MAX_PER_ADDRESS && !self.evict(Some(peer)))
            || (self.pages >= MAX_CONNECTIONS && !self.evict(None))
        {
            let _ = stream.write(&http::closing(503, "too many connections"));
            return;
        }
        let id = self.next_id;
        self.next_id += 1;
        if self.poll.registry().register(&mut stream, Token(id), Interest::READABLE | Interest::WRITABLE).is_err() {
            return;
        }
        let _ = stream.set_nodelay(true);
        let now = Instant::now();
        let conn = Conn {
            stream,
            peer,
            phase: Phase::Head,
            input: Vec::new(),
            scanned: 0,
            waiting_since: now,
            head_started: None,
            eof: false,
            output: Vec::new(),
            written: 0,
            progress: now,
            close_after: false,
            tab: None,
            stream_input: 0,
        };
        self.conns.insert(id, conn);
        self.pages += 1;
        *self.per_address.entry(peer).or_default() += 1;
        // A head sent right after connecting is taken at once.
        self.read_head(id);
    }

    /// Closes the connection that has waited longest without completing a
    /// request head (from `peer` only, when given); false when there is none.
    fn evict(&mut self, peer: Option<IpAddr>) -> bool {
        let oldest = self
            .conns
            .iter()
            .filter(|(_, c)| c.phase == Phase::Head && peer.is_none_or(|p| c.peer == p))
            .min_by_key(|(_, c)| c.waiting_since)
            .map(|(&id, _)| id);
        oldest.map(|id| self.close(id)).is_some()
    }

    fn close(&mut self, id: usize) {
        let Some(mut conn) = self.conns.remove(&id) else { return };
        let _ = self.poll.registry().deregister(&mut conn.stream);
        if conn.phase == Phase::Stream {
            self.streams -= 1;
            self.state.streams.fetch_sub(1, Ordering::SeqCst);
        } else {
            self.pages -= 1;
            if let Some(count) = self.per_address.get_mut(&conn.peer) {
                *count -= 1;
                if *count == 0 {
                    self.per_address.remove(&conn.peer);
                }
            }
        }
    }

    /// The socket of `id` can be read or written.
    fn ready(&mut self, id: usize) {
        let Some(conn) = self.conns.get(&id) else { return };
        match conn.phase {
            Phase::Head => self.read_head(id),
            Phase::Writing => self.flush(id),
            Phase::Stream => {
                self.flush(id);
                self.drain_stream(id);
            }
            Phase::Busy => {}
        }
    }

    /// Applies the deadlines, pings the event streams and retries accepting.
    fn sweep(&mut self) {
        let now = Instant::now();
        self.last_sweep = now;
        let ping = now.duration_since(self.last_ping) >= PING_EVERY;
        if ping {
            self.last_ping = now;
        }
        let (mut late, mut idle, mut pinged) = (Vec::new(), Vec::new(), Vec::new());
        for (&id, conn) in &mut self.conns {
            let stalled = conn.written < conn.output.len() && now.duration_since(conn.progress) >= IDLE_TIMEOUT;
            match conn.phase {
                Phase::Head => match conn.head_started {
                    Some(started) if now.duration_since(started) >= HEAD_DEADLINE => late.push(id),
                    None if now.duration_since(conn.waiting_since) >= IDLE_TIMEOUT => idle.push(id),
                    _ => {}
                },
                Phase::Writing | Phase::Stream if stalled => idle.push(id),
                Phase::Stream if ping => {
                    conn.output.extend_from_slice(PING);
                    pinged.push(id);
                }
                _ => {}
            }
        }
        for id in late {
            if let Some(conn) = self.conns.get_mut(&id) {
                let _ = conn.stream.write(&http::closing(408, "the request head took too long"));
            }
            self.close(id);
        }
        for id in idle {
            self.close(id);
        }
        for id in pinged {
            self.flush(id);
        }
        if self.accept_later {
            self.accept_later = false;
            self.accept();
        }
    }
}
