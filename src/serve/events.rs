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
//!
//! A stream holds no thread: the connection loop (`net/`) keeps one [`Tab`]
//! per open stream and asks it for its events whenever a build finished.

use super::Live;

/// The head of every event stream, with the reconnection delay for the browser.
pub(crate) const STREAM_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
    Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 1000\n\n";

/// A comment line sent now and then: lets a closed tab show up as a write error.
pub(crate) const PING: &[u8] = b": ping\n\n";

/// One event in the stream's wire format (`data` must hold no newline).
fn event(name: &str, data: &str) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

/// What one open stream has been told so far.
pub(crate) struct Tab {
    /// The build the tab showed when it connected.
    since: String,
    /// The [`Live::version`] last looked at.
    seen_version: Option<u64>,
    /// The diagnostics last sent, while the overlay shows them.
    sent_error: Option<String>,
}

impl Tab {
    /// A stream for a tab showing build `since`.
    pub(crate) fn new(since: &str) -> Tab {
        Tab { since: since.to_string(), seen_version: None, sent_error: None }
    }

    /// The event to send now that the served state is `live` (empty when the
    /// tab needs none).
    pub(crate) fn update(&mut self, live: &Live) -> String {
        if self.seen_version == Some(live.version) {
            return String::new();
        }
        self.seen_version = Some(live.version);
        match &live.error {
            Some(json) if self.sent_error.as_ref() != Some(json) => {
                self.sent_error = Some(json.clone());
                event("build-error", json)
            }
            Some(_) => String::new(),
            None if live.good != self.since => event("reload", &live.good),
            None if self.sent_error.take().is_some() => event("ok", ""),
            None => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live(version: u64, good: &str, error: Option<&str>) -> Live {
        Live { version, good: good.into(), error: error.map(str::to_string) }
    }

    #[test]
    fn a_tab_hears_of_each_change_once() {
        let mut tab = Tab::new("b1");
        assert_eq!(tab.update(&live(1, "b1", None)), "");
        assert_eq!(tab.update(&live(2, "b1", Some("{}"))), "event: build-error\ndata: {}\n\n");
        assert_eq!(tab.update(&live(2, "b1", Some("{}"))), "", "the same version again");
        assert_eq!(tab.update(&live(3, "b1", Some("{}"))), "", "the same diagnostics");
        assert_eq!(tab.update(&live(4, "b1", None)), "event: ok\ndata: \n\n");
        assert_eq!(tab.update(&live(5, "b2", None)), "event: reload\ndata: b2\n\n");
        assert_eq!(Tab::new("old").update(&live(1, "b1", None)), "event: reload\ndata: b1\n\n");
    }
}
