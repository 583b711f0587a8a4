//! The live-reload event stream (`/__shiyi/events`, Server-Sent Events).
//!
//! One tab per browser holds a stream and passes its events on to the
//! browser's other tabs (see `live.js`), since a browser opens at most six
//! connections to a host. The stream says which site build the tab shows
//! (`?build=ID`, from the `data-build` of its script tag), and gets:
//!
//! - `reload` (data: the new build id) when the served site is another build
//!   than the tab's: after a successful rebuild, or after the server restarted;
//! - `build-error` (data: the diagnostics as JSON) when the last rebuild
//!   failed, again whenever the diagnostics change;
//! - `ok` when a failed build was followed by one that changed no file, so the
//!   overlay goes without a reload.

use std::io::{self, Write};
use std::net::TcpStream;
use std::sync::atomic::Ordering;

use super::State;
use super::http::ping_interval;

/// One event in the stream's wire format (`data` must hold no newline).
fn event(name: &str, data: &str) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

/// Counts an open stream while it lives.
struct Open<'a>(&'a State);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.streams.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Writes events to `stream` until the tab goes away or the server stops.
pub fn stream_events(stream: &mut TcpStream, state: &State, since: &str) -> io::Result<()> {
    let _ = stream.set_read_timeout(None);
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\n\
          X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 1000\n\n",
    )?;
    stream.flush()?;
    state.streams.fetch_add(1, Ordering::SeqCst);
    let _open = Open(state);
    let mut seen_version = None;
    let mut sent_error: Option<String> = None;
    let mut live = state.lock_live();
    loop {
        if state.stopping.load(Ordering::SeqCst) {
            return Ok(());
        }
        let mut out = String::new();
        if seen_version != Some(live.version) {
            seen_version = Some(live.version);
            match &live.error {
                Some(json) if sent_error.as_ref() != Some(json) => {
                    out = event("build-error", json);
                    sent_error = Some(json.clone());
                }
                Some(_) => {}
                None if live.good != since => out = event("reload", &live.good),
                None if sent_error.take().is_some() => out = event("ok", ""),
                None => {}
            }
        }
        if !out.is_empty() {
            drop(live);
            stream.write_all(out.as_bytes())?;
            stream.flush()?;
            live = state.lock_live();
            continue;
        }
        let (guard, waited) =
            state.changed.wait_timeout(live, ping_interval()).unwrap_or_else(|poisoned| poisoned.into_inner());
        live = guard;
        if waited.timed_out() && seen_version == Some(live.version) {
            drop(live);
            // A comment line: lets a closed tab show up as a write error.
            stream.write_all(b": ping\n\n")?;
            stream.flush()?;
            live = state.lock_live();
        }
    }
}
