//! Helpers shared by the integration tests: a link checker for built sites,
//! a recursive file listing and a folder copy; `html` reads tags and ids and
//! builds every site the tests know.

#![allow(dead_code)]

pub mod chromium;
pub mod devtools;
pub mod html;
pub mod skip;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Copies the folder `from` to `to`, recursively.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, by path relative to it (with `/`), with its bytes.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk the output");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap();
            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

fn ids_of(html: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"\sid="([^"]+)""#).unwrap();
    re.captures_iter(html).map(|c| c[1].to_string()).collect()
}

/// Checks every `href` and `src` of every HTML file under `dir`: relative
/// links must name an existing file, fragments an existing id of that file,
/// and nothing may point to another host or to an absolute path. Returns the
/// problems found (empty when all is well).
pub fn check_links(dir: &Path) -> Vec<String> {
    let files = read_tree(dir);
    let attr = regex::Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
    let mut ids: HashMap<&str, Vec<String>> = HashMap::new();
    for (path, bytes) in &files {
        if path.ends_with(".html") {
            ids.insert(path.as_str(), ids_of(&String::from_utf8_lossy(bytes)));
        }
    }
    let mut problems = Vec::new();
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let base = Path::new(path).parent().unwrap_or(Path::new(""));
        for cap in attr.captures_iter(&html) {
            let link = cap[1].replace("&amp;", "&");
            if link.starts_with("mailto:") || link.starts_with("data:") {
                continue;
            }
            if link.contains("://") || link.starts_with("//") || link.starts_with('/') {
                problems.push(format!("{path}: link to outside or absolute path `{link}`"));
                continue;
            }
            let (target, fragment) = match link.split_once('#') {
                Some((t, f)) => (t.to_string(), Some(f.to_string())),
                None => (link.clone(), None),
            };
            let target = target.split('?').next().unwrap_or("").to_string();
            let resolved = if target.is_empty() { path.clone() } else { normalize(&base.join(&target)) };
            if !target.is_empty() && (target.ends_with('/') || !files.contains_key(&resolved)) {
                problems.push(format!("{path}: `{link}` does not name an existing file"));
                continue;
            }
            if let Some(f) = fragment.filter(|f| !f.is_empty())
                && let Some(list) = ids.get(resolved.as_str())
                && !list.contains(&f)
            {
                problems.push(format!("{path}: `{link}` names no id `{f}` in {resolved}"));
            }
        }
    }
    problems
}

/// `a/b/../c` → `a/c`, with `/` separators.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::CurDir => {}
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

/// Builds the shipped site into `dir/out` and returns that folder.
pub fn build_site(dir: &Path) -> PathBuf {
    let out = dir.join("out");
    let outcome = shiyi::build(&shiyi::BuildOptions {
        root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        output: Some(out.clone()),
        drafts: false,
        force: false,
    });
    assert_eq!(outcome.status, shiyi::Status::Success, "{}", outcome.report());
    out
}

/// The repository root (the shipped site).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Serves the files of `dir` over HTTP on 127.0.0.1 (a free port) from a
/// background thread, for browser tests that need a real origin. Returns the
/// port. Only GET of existing files; everything else is 404.
pub fn serve_dir(dir: &Path) -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().unwrap().port();
    let root = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    return;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/");
                let path = path.split(['?', '#']).next().unwrap_or("/").trim_start_matches('/');
                let path = percent_decode(path);
                let file = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path };
                let body = if file.split('/').any(|p| p == "..") { None } else { std::fs::read(root.join(&file)).ok() };
                let mut stream = &stream;
                let (status, body) = match body {
                    Some(b) => ("200 OK", b),
                    None => ("404 Not Found", b"not found".to_vec()),
                };
                let kind = match file.rsplit('.').next() {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css; charset=utf-8",
                    Some("js") => "text/javascript; charset=utf-8",
                    _ => "application/octet-stream",
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
    port
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&path[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
