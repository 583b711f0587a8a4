//! One headless Chromium page driven over the DevTools protocol: evaluate
//! script, wait for a condition, press keys as a keyboard does (trusted key
//! events, not ones a script made up). The browser is killed when the
//! [`Page`] is dropped.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use super::chromium::FLAGS;

/// How long a page may take to get where a test waits for it.
pub const WAIT: Duration = Duration::from_secs(30);

type Socket = tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>;

/// An open page, with the browser that shows it.
pub struct Page {
    socket: Socket,
    next_id: u64,
    browser: Child,
    _profile: TempDir,
}

impl Drop for Page {
    fn drop(&mut self) {
        let _ = self.browser.kill();
        let _ = self.browser.wait();
    }
}

fn http_get(port: u16, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return String::new() };
    let _ = stream.set_read_timeout(Some(WAIT));
    let _ = write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply.split_once("\r\n\r\n").map(|(_, body)| body.to_string()).unwrap_or_default()
}

/// Starts Chromium (`bin`) on `url` in a window of `width`×`height` and
/// attaches to its page.
pub fn open(bin: &Path, url: &str, (width, height): (u32, u32)) -> Page {
    let profile = TempDir::new().unwrap();
    let browser = Command::new(bin)
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--remote-debugging-port=0")
        .arg("--remote-allow-origins=*")
        .arg(format!("--window-size={width},{height}"))
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    // From here on the browser is killed however the set-up ends.
    let mut guard = Some(browser);
    let kill = |guard: &mut Option<Child>| {
        if let Some(mut b) = guard.take() {
            let _ = b.kill();
            let _ = b.wait();
        }
    };
    let started = Instant::now();
    let port_file = profile.path().join("DevToolsActivePort");
    let port: u16 = loop {
        if let Some(port) = std::fs::read_to_string(&port_file).ok().and_then(|t| t.lines().next()?.parse().ok()) {
            break port;
        }
        if started.elapsed() > WAIT {
            kill(&mut guard);
            panic!("chromium wrote no DevToolsActivePort");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let ws = loop {
        let list: serde_json::Value = serde_json::from_str(&http_get(port, "/json/list")).unwrap_or_default();
        let page = list.as_array().into_iter().flatten().find(|t| t["type"] == "page");
        if let Some(ws) = page.and_then(|t| t["webSocketDebuggerUrl"].as_str()) {
            break ws.to_string();
        }
        if started.elapsed() > WAIT {
            kill(&mut guard);
            panic!("no page target in chromium");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (socket, _) = tungstenite::connect(ws.as_str()).unwrap_or_else(|e| {
        kill(&mut guard);
        panic!("cannot attach to the page: {e}")
    });
    Page { socket, next_id: 0, browser: guard.take().unwrap(), _profile: profile }
}

impl Page {
    /// Sends one protocol command and returns its `result`.
    pub fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        self.next_id += 1;
        let id = self.next_id;
        let call = serde_json::json!({ "id": id, "method": method, "params": params });
        self.socket.send(tungstenite::Message::text(call.to_string())).expect("send to chromium");
        loop {
            let message = self.socket.read().expect("read from chromium");
            let Ok(text) = message.to_text() else { continue };
            let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            if value["id"] == id {
                assert!(value["error"].is_null(), "{method} failed: {}", value["error"]);
                return value["result"].clone();
            }
        }
    }

    /// Evaluates `expression` in the page (awaiting a promise) and returns its value.
    pub fn eval(&mut self, expression: &str) -> serde_json::Value {
        let params = serde_json::json!({ "expression": expression, "returnByValue": true, "awaitPromise": true });
        let result = self.call("Runtime.evaluate", params);
        if let Some(exception) = result.get("exceptionDetails") {
            panic!("`{expression}` threw: {exception}");
        }
        result["result"]["value"].clone()
    }

    /// Evaluates `expression` until it is true; panics after [`WAIT`].
    pub fn wait_for(&mut self, expression: &str) {
        let started = Instant::now();
        // A navigation can briefly leave no page to evaluate in: retry then.
        let check = format!("(function () {{ try {{ return !!({expression}); }} catch (e) {{ return false; }} }})()");
        while self.eval(&check) != serde_json::Value::Bool(true) {
            assert!(started.elapsed() < WAIT, "the page never got to `{expression}`");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Presses and releases one key (`ArrowDown`, `ArrowUp`, `Enter`,
    /// `Escape`, `Tab`, or a printable character) in the focused element.
    pub fn press(&mut self, key: &str) {
        let (code, key_code, text) = match key {
            "ArrowDown" => ("ArrowDown", 40, ""),
            "ArrowUp" => ("ArrowUp", 38, ""),
            "ArrowLeft" => ("ArrowLeft", 37, ""),
            "ArrowRight" => ("ArrowRight", 39, ""),
            "Enter" => ("Enter", 13, "\r"),
            "Escape" => ("Escape", 27, ""),
            "Tab" => ("Tab", 9, ""),
            "PageDown" => ("PageDown", 34, ""),
            "PageUp" => ("PageUp", 33, ""),
            other => ("", other.chars().next().map_or(0, |c| c.to_ascii_uppercase() as i64), other),
        };
        let mut down = serde_json::json!({
            "type": if text.is_empty() { "rawKeyDown" } else { "keyDown" },
            "key": key, "code": code, "windowsVirtualKeyCode": key_code, "nativeVirtualKeyCode": key_code,
        });
        if !text.is_empty() {
            down["text"] = text.into();
        }
        self.call("Input.dispatchKeyEvent", down);
        let up = serde_json::json!({
            "type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": key_code, "nativeVirtualKeyCode": key_code,
        });
        self.call("Input.dispatchKeyEvent", up);
    }

    /// Types `text` into the focused element, as an input method commits it.
    pub fn type_text(&mut self, text: &str) {
        self.call("Input.insertText", serde_json::json!({ "text": text }));
    }

    /// The whole document as markup (`<!DOCTYPE html>` and the serialised DOM).
    pub fn markup(&mut self) -> String {
        let html = self.eval("document.documentElement.outerHTML");
        format!("<!DOCTYPE html>\n{}", html.as_str().expect("the DOM as text"))
    }
}
