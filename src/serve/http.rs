//! HTTP/1.1 messages of the preview server: request heads in, responses out.
//!
//! The connection loop (`net/`) gathers a request head and asks [`head_end`]
//! where it ends and [`parse_head`] what it says; a worker makes the answer
//! with [`answer`]. Answers come from the in-memory site, so a request path is
//! only ever a key looked up in a map after percent-decoding and
//! normalisation: no file system path is built from it, and `..`,
//! backslashes and NUL bytes are refused before the lookup. GET and HEAD only.

use super::{LIVE_JS, Site, State};

/// The longest request head (request line and headers) accepted.
pub(crate) const MAX_HEAD: usize = 16 * 1024;

/// The URL path prefix reserved for the server's own files.
pub const PREFIX: &str = "/__shiyi/";

/// A parsed request head.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Request {
    /// `GET`, `HEAD`, ...
    pub(crate) method: String,
    /// The request target as sent (`/path?query`).
    pub(crate) target: String,
    /// The client asked to keep the connection open.
    pub(crate) keep_alive: bool,
    /// A body follows the head (the connection closes after the answer).
    pub(crate) has_body: bool,
}

/// Where the request head at the start of `input` ends (just past its empty
/// line), once it is all there. `scanned` keeps how far earlier calls looked,
/// so a head that trickles in is not scanned again from the start.
pub(crate) fn head_end(input: &[u8], scanned: &mut usize) -> Option<usize> {
    let mut line_start = *scanned;
    while let Some(at) = input[line_start..].iter().position(|&b| b == b'\n') {
        let line = &input[line_start..line_start + at];
        let next = line_start + at + 1;
        if line_start > 0 && (line.is_empty() || line == b"\r") {
            *scanned = 0;
            return Some(next);
        }
        line_start = next;
    }
    *scanned = line_start;
    None
}

/// Parses a whole request head (as delimited by [`head_end`]).
pub(crate) fn parse_head(head: &[u8]) -> Result<Request, &'static str> {
    let head = std::str::from_utf8(head).map_err(|_| "request head not UTF-8")?;
    let mut lines = head.split('\n').map(|l| l.trim_end_matches('\r'));
    let line = lines.next().unwrap_or("");
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("malformed request line");
    };
    if !version.starts_with("HTTP/1.") {
        return Err("unsupported HTTP version");
    }
    let mut request = Request {
        method: method.to_string(),
        target: target.to_string(),
        keep_alive: version == "HTTP/1.1",
        has_body: false,
    };
    for header in lines.take_while(|l| !l.is_empty()) {
        let Some((name, value)) = header.split_once(':') else {
            return Err("malformed header");
        };
        let value = value.trim().to_ascii_lowercase();
        match name.trim().to_ascii_lowercase().as_str() {
            "connection" if value.contains("close") => request.keep_alive = false,
            "connection" if value.contains("keep-alive") => request.keep_alive = true,
            "content-length" => request.has_body |= value != "0",
            "transfer-encoding" => request.has_body = true,
            _ => {}
        }
    }
    Ok(request)
}

/// What a request path names.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A key of the site's file map.
    File(String),
    /// A folder whose `index.html` exists, asked for without its final `/`:
    /// redirect to this location.
    Redirect(String),
    /// The path escapes the site (`..`, backslash, NUL): 403.
    Forbidden,
    /// Malformed (bad percent-escape, not an origin-form target): 400.
    BadRequest,
    /// No such file: 404.
    NotFound,
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Decodes `%XX` escapes; `None` on a malformed escape.
fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let (hi, lo) = (bytes.get(i + 1).copied().and_then(hex)?, bytes.get(i + 2).copied().and_then(hex)?);
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Maps a request target to a file of `files` (see [`Lookup`]).
pub fn lookup(target: &str, has: impl Fn(&str) -> bool) -> Lookup {
    if !target.starts_with('/') {
        return Lookup::BadRequest;
    }
    let raw_path = target.split(['?', '#']).next().unwrap_or("");
    let Some(decoded) = percent_decode(raw_path) else {
        return Lookup::BadRequest;
    };
    let Ok(decoded) = String::from_utf8(decoded) else {
        return Lookup::NotFound;
    };
    if decoded.contains(['\\', '\0']) {
        return Lookup::Forbidden;
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Lookup::Forbidden,
            s => segments.push(s),
        }
    }
    let key = segments.join("/");
    if key.is_empty() || decoded.ends_with('/') {
        let index = if key.is_empty() { "index.html".to_string() } else { format!("{key}/index.html") };
        return if has(&index) { Lookup::File(index) } else { Lookup::NotFound };
    }
    if has(&key) {
        Lookup::File(key)
    } else if has(&format!("{key}/index.html")) {
        Lookup::Redirect(format!("{raw_path}/"))
    } else {
        Lookup::NotFound
    }
}

/// The `Content-Type` of a file, by extension; text types carry `charset=utf-8`.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "txt" | "md" | "yaml" | "yml" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// `html` with the live-reload script inserted before its last `</body>`
/// (or at the end when it has none).
pub fn inject_script(html: &[u8], build: &str) -> Vec<u8> {
    let tag = format!("<script src=\"{PREFIX}live.js\" data-build=\"{build}\"></script>\n");
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// `html` with `<base href="/">` after its `<head>`: the 404 page is built at
/// the root, so its relative links must resolve from there whatever the
/// missing path was.
fn base_root(html: &[u8]) -> Vec<u8> {
    let Some(at) = html.windows(6).position(|w| w.eq_ignore_ascii_case(b"<head>")) else {
        return html.to_vec();
    };
    let mut out = html[..at + 6].to_vec();
    out.extend_from_slice(b"\n<base href=\"/\">");
    out.extend_from_slice(&html[at + 6..]);
    out
}

/// One response to write.
struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    location: Option<String>,
}

impl Response {
    fn new(status: u16, content_type: &'static str, body: Vec<u8>) -> Response {
        Response { status, content_type, body, location: None }
    }

    fn text(status: u16, message: &str) -> Response {
        Response::new(status, "text/plain; charset=utf-8", format!("{message}\n").into_bytes())
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// The bytes of `response`: its head, and its body unless `head_only`.
fn encode(response: &Response, head_only: bool, keep_alive: bool) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: {}\r\n",
        response.status,
        reason(response.status),
        response.content_type,
        response.body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    );
    if response.status == 405 {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    if let Some(location) = &response.location {
        head.push_str(&format!("Location: {location}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&response.body);
    }
    bytes
}

/// A short plain-text answer after which the connection closes (400, 405,
/// 408, 503).
pub(crate) fn closing(status: u16, message: &str) -> Vec<u8> {
    encode(&Response::text(status, message), false, false)
}

/// The page shown while no build has succeeded yet: it loads the live script,
/// which shows the diagnostics and reloads once a build works.
fn no_site_page(build: &str) -> Vec<u8> {
    let html = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>构建失败</title></head>\
                <body><p>构建失败：修正错误后页面会自动刷新。</p></body></html>\n";
    inject_script(html.as_bytes(), build)
}

/// The answer to a GET or HEAD of `target` from `site`.
fn respond(site: &Site, target: &str) -> Response {
    if let Some(site_files) = &site.files {
        match lookup(target, |k| site_files.contains_key(k)) {
            Lookup::File(key) => {
                let bytes = &site_files[&key];
                let ctype = content_type(&key);
                let body = if ctype.starts_with("text/html") { inject_script(bytes, &site.id) } else { bytes.to_vec() };
                Response::new(200, ctype, body)
            }
            Lookup::Redirect(location) => {
                Response { location: Some(location), ..Response::text(301, "moved: add a final `/`") }
            }
            Lookup::Forbidden => Response::text(403, "forbidden"),
            Lookup::BadRequest => Response::text(400, "bad request"),
            Lookup::NotFound => match site_files.get("404.html") {
                Some(page) => Response::new(404, "text/html; charset=utf-8", inject_script(&base_root(page), &site.id)),
                None => Response::text(404, "not found"),
            },
        }
    } else {
        match lookup(target, |_| false) {
            Lookup::Forbidden => Response::text(403, "forbidden"),
            Lookup::BadRequest => Response::text(400, "bad request"),
            _ => Response::new(500, "text/html; charset=utf-8", no_site_page(&site.id)),
        }
    }
}

/// The bytes answering a GET or HEAD of `target` (anything but the event
/// stream, which the connection loop opens itself).
pub(crate) fn answer(state: &State, target: &str, head_only: bool, keep_alive: bool) -> Vec<u8> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let response = match path.strip_prefix(PREFIX) {
        Some("events") => Response::new(200, "text/event-stream; charset=utf-8", Vec::new()),
        Some("live.js") => Response::new(200, "text/javascript; charset=utf-8", LIVE_JS.as_bytes().to_vec()),
        Some(_) => Response::text(404, "not found"),
        None => respond(&state.site(), target),
    };
    encode(&response, head_only, keep_alive)
}

/// The value of `name` in the query of `target`.
pub(crate) fn query_param<'a>(target: &'a str, name: &str) -> Option<&'a str> {
    let query = target.split_once('?')?.1.split('#').next()?;
    query.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look(target: &str) -> Lookup {
        let files = ["index.html", "a.html", "laws/x.html", "laws/index.html", "文件.html", "static/style.css"];
        lookup(target, |k| files.contains(&k))
    }

    #[test]
    fn paths_map_to_keys() {
        assert_eq!(look("/"), Lookup::File("index.html".into()));
        assert_eq!(look("/a.html?x=1#top"), Lookup::File("a.html".into()));
        assert_eq!(look("/laws/"), Lookup::File("laws/index.html".into()));
        assert_eq!(look("/laws"), Lookup::Redirect("/laws/".into()));
        assert_eq!(look("/%E6%96%87%E4%BB%B6.html"), Lookup::File("文件.html".into()));
        assert_eq!(look("//a.html"), Lookup::File("a.html".into()));
        assert_eq!(look("/./laws/./x.html"), Lookup::File("laws/x.html".into()));
        assert_eq!(look("/nope.html"), Lookup::NotFound);
        assert_eq!(look("/nope/"), Lookup::NotFound);
    }

    #[test]
    fn traversal_is_refused() {
        for target in [
            "/../etc/passwd",
            "/laws/../../x",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/laws%2f..%2f..%2fa.html",
            "/..\\a.html",
            "/%5c..%5ca.html",
            "/a.html%00",
        ] {
            assert_eq!(look(target), Lookup::Forbidden, "{target}");
        }
        assert_eq!(look("/etc/passwd"), Lookup::NotFound);
        assert_eq!(look("http://example.com/a.html"), Lookup::BadRequest);
        assert_eq!(look("/%zz"), Lookup::BadRequest);
        assert_eq!(look("/%ff.html"), Lookup::NotFound);
    }

    #[test]
    fn types_carry_charset() {
        assert_eq!(content_type("a/b.HTML"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("x.gif"), "image/gif");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let out = inject_script(b"<body><p>a</body></html>", "7");
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out, "<body><p>a<script src=\"/__shiyi/live.js\" data-build=\"7\"></script>\n</body></html>");
        assert!(String::from_utf8(inject_script(b"<p>x", "1")).unwrap().ends_with("</script>\n"));
        assert_eq!(base_root(b"<html><HEAD><title>"), b"<html><HEAD>\n<base href=\"/\"><title>");
    }

    fn parse(input: &[u8]) -> Result<Request, &'static str> {
        let end = head_end(input, &mut 0).expect("a whole head");
        parse_head(&input[..end])
    }

    #[test]
    fn request_heads_parse() {
        let r = parse(b"GET /a.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        assert_eq!((r.method.as_str(), r.target.as_str(), r.keep_alive), ("GET", "/a.html", false));
        assert!(!parse(b"HEAD / HTTP/1.0\r\n\r\n").unwrap().keep_alive);
        assert!(parse(b"GET / HTTP/1.1\nHost: x\n\n").unwrap().keep_alive, "bare newlines");
        assert!(parse(b"GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\n").unwrap().has_body);
        assert!(parse(b"GARBAGE\r\n\r\n").is_err());
        assert!(parse(b"GET / HTTP/2\r\n\r\n").is_err());
        assert!(parse(b"GET / HTTP/1.1\r\nno colon\r\n\r\n").is_err());
        assert!(parse(b"GET /\xff HTTP/1.1\r\n\r\n").is_err());
        assert_eq!(query_param("/__shiyi/events?x=1&build=abc", "build"), Some("abc"));
    }

    #[test]
    fn a_head_ends_at_its_empty_line_however_it_arrives() {
        let whole = b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /next";
        let mut scanned = 0;
        for cut in 0..whole.len() {
            let got = head_end(&whole[..cut], &mut scanned);
            assert_eq!(got, (cut >= 27).then_some(27), "after {cut} bytes");
            if got.is_some() {
                scanned = 0;
            }
        }
        assert_eq!(head_end(b"\r\n", &mut 0), None, "a leading empty line is not a head");
    }
}
