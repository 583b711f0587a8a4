//! What the connection loop does with one connection's bytes: request heads
//! read and taken, answers and events written, event streams opened.
//!
//! Each function takes a connection id of [`Loop`] and leaves the connection
//! in its next [`Phase`], or closed.

use std::io::{ErrorKind, Read, Write};
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::super::events::{STREAM_HEAD, Tab};
use super::super::http::{self, MAX_HEAD, PREFIX};
use super::super::pool::Job;
use super::{Loop, MAX_STREAM_BACKLOG, MAX_STREAM_INPUT, MAX_STREAMS, Phase, would_block};

impl Loop {
    /// Reads what the client sent, then takes a request if its head is whole.
    pub(super) fn read_head(&mut self, id: usize) {
        let Some(conn) = self.conns.get_mut(&id) else { return };
        let mut buf = [0u8; 4096];
        while conn.input.len() <= MAX_HEAD && !conn.eof {
            match conn.stream.read(&mut buf) {
                Ok(0) => conn.eof = true,
                Ok(n) => {
                    if conn.input.is_empty() {
                        conn.head_started = Some(Instant::now());
                    }
                    conn.input.extend_from_slice(&buf[..n]);
                }
                Err(e) if would_block(e.kind()) => break,
                Err(_) => conn.eof = true,
            }
        }
        self.take_request(id);
    }

    /// Takes the request head at the start of the input, if it is whole, and
    /// starts answering it.
    pub(super) fn take_request(&mut self, id: usize) {
        let Some(conn) = self.conns.get_mut(&id) else { return };
        let Some(end) = http::head_end(&conn.input, &mut conn.scanned) else {
            if conn.input.len() > MAX_HEAD {
                self.reply(id, http::closing(400, "request head too long"), true);
            } else if conn.eof {
                self.close(id);
            }
            return;
        };
        let head: Vec<u8> = conn.input.drain(..end).collect();
        conn.head_started = (!conn.input.is_empty()).then(Instant::now);
        let request = match http::parse_head(&head) {
            Ok(request) => request,
            Err(_) => return self.reply(id, http::closing(400, "bad request"), true),
        };
        let stopping = self.state.stopping.load(Ordering::SeqCst);
        let keep_alive = request.keep_alive && !request.has_body && !conn.eof && !stopping;
        let head_only = request.method == "HEAD";
        if request.method != "GET" && !head_only {
            return self.reply(id, http::closing(405, "only GET and HEAD"), true);
        }
        let path = request.target.split(['?', '#']).next().unwrap_or("");
        if !head_only && path.strip_prefix(PREFIX) == Some("events") {
            return self.open_stream(id, &request.target);
        }
        conn.phase = Phase::Busy;
        let job = Job { id, target: request.target, head_only, keep_alive };
        if let Err(unsent) = self.jobs.send(job) {
            // No worker could be started: answer here.
            let job = unsent.0;
            let bytes = http::answer(&self.state, &job.target, job.head_only, job.keep_alive);
            self.reply(id, bytes, !keep_alive);
        }
    }

    /// Starts writing `bytes` on `id`, closing after them when `close`.
    pub(super) fn reply(&mut self, id: usize, bytes: Vec<u8>, close: bool) {
        let Some(conn) = self.conns.get_mut(&id) else { return };
        conn.phase = Phase::Writing;
        conn.output = bytes;
        conn.written = 0;
        conn.progress = Instant::now();
        conn.close_after = close;
        self.flush(id);
    }

    /// Writes what is pending on `id` as far as the socket takes it; after a
    /// whole answer, the connection waits for its next request (or closes).
    pub(super) fn flush(&mut self, id: usize) {
        let Some(conn) = self.conns.get_mut(&id) else { return };
        while conn.written < conn.output.len() {
            match conn.stream.write(&conn.output[conn.written..]) {
                Ok(0) => return self.close(id),
                Ok(n) => {
                    conn.written += n;
                    conn.progress = Instant::now();
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    if conn.output.len() - conn.written > MAX_STREAM_BACKLOG && conn.phase == Phase::Stream {
                        self.close(id);
                    }
                    return;
                }
                Err(_) => return self.close(id),
            }
        }
        conn.output.clear();
        conn.written = 0;
        if conn.phase != Phase::Writing {
            return;
        }
        if conn.close_after {
            return self.close(id);
        }
        conn.output = Vec::new();
        conn.phase = Phase::Head;
        conn.waiting_since = Instant::now();
        if !conn.input.is_empty() {
            conn.head_started = Some(Instant::now());
        }
        // A request sent while this one was answered (pipelined, or read
        // nowhere yet since the socket was not watched for it).
        self.read_head(id);
    }

    /// Turns connection `id` into an event stream, or refuses it when
    /// [`MAX_STREAMS`] are open.
    pub(super) fn open_stream(&mut self, id: usize, target: &str) {
        if self.streams >= MAX_STREAMS {
            return self.reply(id, http::closing(503, "too many event streams"), true);
        }
        let Some(conn) = self.conns.get_mut(&id) else { return };
        let mut tab = Tab::new(http::query_param(target, "build").unwrap_or(""));
        let first = tab.update(&self.state.lock_live());
        conn.phase = Phase::Stream;
        conn.tab = Some(tab);
        conn.input = Vec::new();
        conn.output = [STREAM_HEAD, first.as_bytes()].concat();
        conn.written = 0;
        conn.progress = Instant::now();
        let peer = conn.peer;
        self.pages -= 1;
        if let Some(count) = self.per_address.get_mut(&peer) {
            *count -= 1;
            if *count == 0 {
                self.per_address.remove(&peer);
            }
        }
        self.streams += 1;
        self.state.streams.fetch_add(1, Ordering::SeqCst);
        self.flush(id);
    }

    /// Reads and drops what an event stream's client sends; closes the
    /// stream when the client has gone or sends more than a browser would.
    pub(super) fn drain_stream(&mut self, id: usize) {
        let Some(conn) = self.conns.get_mut(&id) else { return };
        let mut buf = [0u8; 1024];
        loop {
            match conn.stream.read(&mut buf) {
                Ok(0) => return self.close(id),
                Ok(n) => {
                    conn.stream_input += n;
                    if conn.stream_input > MAX_STREAM_INPUT {
                        return self.close(id);
                    }
                }
                Err(e) if would_block(e.kind()) => return,
                Err(_) => return self.close(id),
            }
        }
    }

    /// Gives every event stream the events of a finished build.
    pub(super) fn tell_tabs(&mut self) {
        let live = self.state.lock_live();
        if self.seen_version == Some(live.version) {
            return;
        }
        self.seen_version = Some(live.version);
        let mut told = Vec::new();
        for (&id, conn) in &mut self.conns {
            if let Some(tab) = conn.tab.as_mut() {
                let out = tab.update(&live);
                if !out.is_empty() {
                    conn.output.extend_from_slice(out.as_bytes());
                    told.push(id);
                }
            }
        }
        drop(live);
        for id in told {
            self.flush(id);
        }
    }
}
