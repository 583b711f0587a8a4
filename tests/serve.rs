//! The preview server (`shiyi serve`): pages served from memory, live reload
//! after edits (however an editor saves), the error overlay, path traversal,
//! HTTP details, a bounded load test on loopback, Ctrl-C and a busy port, and
//! an open page in headless Chromium reloading by itself.
//!
//! Every test copies `tests/fixtures/basic` into a temporary folder and serves
//! that copy on `127.0.0.1` with port 0, so the repository is never edited.
//! Run with `cargo test --test serve -- --nocapture`. The Chromium test skips
//! with a printed reason when there is no `chromium`, and fails under `CI=true`.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use shiyi::serve::{ServeOptions, Server};
use tempfile::TempDir;

/// The longest a rebuild and its event may take (debug build, busy machine).
const WAIT: Duration = Duration::from_secs(30);

/// A copy of the `basic` fixture (sources only) in a fresh temporary folder,
/// with the site root at `DIR/site`.
fn fixture() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let root = dir.path().join("site");
    let fixture = common::repo_root().join("tests/fixtures/basic");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(fixture.join("site.yaml"), root.join("site.yaml")).unwrap();
    common::copy_tree(&fixture.join("content"), &root.join("content"));
    (dir, root)
}

fn serve(root: &Path) -> Server {
    Server::start(ServeOptions::new(root, 0)).expect("start the server")
}

/// One HTTP response.
#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads one response from `reader` (bodies by `Content-Length`, HEAD without one).
fn read_response(reader: &mut impl BufRead, head_only: bool) -> std::io::Result<Response> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("bad status line {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':').unwrap();
        headers.push((n.trim().to_string(), v.trim().to_string()));
    }
    let mut response = Response { status, headers, body: Vec::new() };
    let length: usize = response.header("Content-Length").and_then(|v| v.parse().ok()).unwrap_or(0);
    if !head_only {
        response.body = vec![0; length];
        reader.read_exact(&mut response.body)?;
    }
    Ok(response)
}

/// Sends `method target` as written (no normalisation) on a new connection.
fn request(addr: SocketAddr, method: &str, target: &str) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(stream, "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    read_response(&mut BufReader::new(stream), method == "HEAD").unwrap()
}

fn get(server: &Server, target: &str) -> Response {
    request(server.addr(), "GET", target)
}

/// The build id a served page carries in its live script tag.
fn build_of(page: &str) -> String {
    let start = page.find("data-build=\"").expect("live script tag") + 12;
    page[start..][..page[start..].find('"').unwrap()].to_string()
}

/// An event stream, as an open tab holds it; it reconnects after `reload`
/// with the new build id, as the reloaded page would.
struct Events {
    addr: SocketAddr,
    reader: BufReader<TcpStream>,
}

impl Events {
    fn open(addr: SocketAddr, build: &str) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        write!(stream, "GET /__shiyi/events?build={build} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line.to_ascii_lowercase().starts_with("content-type:") {
                assert!(line.contains("text/event-stream"), "{line}");
            }
            if line.trim().is_empty() {
                break;
            }
        }
        Events { addr, reader }
    }

    /// The next event `(name, data)`; panics after [`WAIT`].
    fn next(&mut self) -> (String, String) {
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => panic!("event stream closed"),
                Ok(_) => {}
                Err(e) => panic!("no event within {WAIT:?}: {e}"),
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if let Some(v) = line.strip_prefix("event: ") {
                name = v.to_string();
            } else if let Some(v) = line.strip_prefix("data: ") {
                data = v.to_string();
            } else if line.is_empty() && !name.is_empty() {
                if name == "reload" {
                    *self = Events::open(self.addr, &data);
                }
                return (name, data);
            }
        }
    }

    /// Skips events until one named `name`.
    fn until(&mut self, name: &str) -> String {
        loop {
            let (n, data) = self.next();
            if n == name {
                return data;
            }
        }
    }
}

/// Waits for reloads until `check` holds: one save can take more than one
/// build when the machine is slow (a delete and a create seen apart).
fn settle(events: &mut Events, what: &str, check: impl Fn() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < WAIT, "never got to: {what}");
        events.until("reload");
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// A connected tab on `server`'s home page.
fn tab(server: &Server) -> Events {
    let home = get(server, "/");
    Events::open(server.addr(), &build_of(&home.text()))
}

#[test]
fn edits_reload_and_errors_show_until_fixed() {
    let (_dir, root) = fixture();
    let server = serve(&root);
    let about = get(&server, "/about.html");
    assert_eq!(about.status, 200);
    assert_eq!(about.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert!(about.text().contains("<script src=\"/__shiyi/live.js\""), "the live script is injected");
    let mut events = tab(&server);

    edit(&root, "content/about.md", "本站收录", "本站现已收录");
    events.until("reload");
    assert!(get(&server, "/about.html").text().contains("本站现已收录"));

    edit(&root, "content/about.md", "title: 关于本站", "titel: 关于本站");
    let report = events.until("build-error");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let first = &report["diagnostics"][0];
    assert_eq!(first["file"], "content/about.md", "{report}");
    assert_eq!(first["line"], 2, "{report}");
    assert_eq!(first["source"], "titel: 关于本站", "{report}");
    assert!(first["message"].as_str().unwrap().contains("titel"), "{report}");
    let still = get(&server, "/about.html");
    assert_eq!(still.status, 200, "the last good site is still served");
    assert!(still.text().contains("本站现已收录"));

    // A tab opened while the build is broken gets the overlay at once.
    let mut late = Events::open(server.addr(), &build_of(&still.text()));
    assert_eq!(late.next().0, "build-error");

    edit(&root, "content/about.md", "titel: 关于本站", "title: 关于本站（改）");
    events.until("reload");
    late.until("reload");
    assert!(get(&server, "/about.html").text().contains("关于本站（改）"));
    server.stop();
}

/// The search index as served: every file under `search/`, fetched through
/// the manifest (its document chunks hold the indexed texts).
fn served_search_text(server: &Server) -> String {
    let manifest = get(server, "/search/manifest.js").text();
    let json = manifest.trim().trim_start_matches("shiyiSearch(\"m\",0,").trim_end_matches(");");
    let manifest: serde_json::Value = serde_json::from_str(json).unwrap();
    let docs = manifest["docs"].as_u64().unwrap();
    let per = manifest["per"].as_u64().unwrap();
    (0..docs.div_ceil(per))
        .map(|chunk| {
            let file = get(server, &format!("/search/d/{chunk}.js")).text();
            shiyi::search::read_script(file.as_bytes()).unwrap().2.to_string()
        })
        .collect()
}

#[test]
fn a_body_edit_renders_its_page_at_once_and_the_search_index_after() {
    let (_dir, root) = fixture();
    let server = serve(&root);
    let mut events = tab(&server);
    let before = get(&server, "/index.html").text();
    edit(&root, "content/about.md", "本站收录", "本站现已收录检索测试词");
    events.until("reload");
    assert!(get(&server, "/about.html").text().contains("本站现已收录检索测试词"));
    // Pages the body does not show are served as they were (same bytes).
    let after = get(&server, "/index.html").text();
    assert_eq!(before.replace(&build_of(&before), ""), after.replace(&build_of(&after), ""));
    // Once the editor pauses, the search index catches up, without a reload.
    let started = Instant::now();
    while !served_search_text(&server).contains("检索测试词") {
        assert!(started.elapsed() < WAIT, "the search index never caught up with the edit");
        std::thread::sleep(Duration::from_millis(50));
    }
    server.stop();
}

#[test]
fn fixing_back_to_the_served_text_clears_the_overlay_without_reload() {
    let (_dir, root) = fixture();
    let server = serve(&root);
    let mut events = tab(&server);
    edit(&root, "content/about.md", "title: 关于本站", "title: [unclosed");
    events.until("build-error");
    edit(&root, "content/about.md", "title: [unclosed", "title: 关于本站");
    // (A build that read the file half-written may report another error first.)
    loop {
        match events.next().0.as_str() {
            "ok" => break,
            "build-error" => continue,
            other => panic!("expected `ok`, got `{other}`"),
        }
    }
}

#[test]
fn survives_every_way_editors_save() {
    let (_dir, root) = fixture();
    let server = serve(&root);
    let mut events = tab(&server);
    let about = root.join("content/about.md");
    let original = std::fs::read_to_string(&about).unwrap();

    // Atomic save (vim's backup-and-write, VS Code, most libraries): write a
    // temporary file, then rename it over the original.
    let tmp = root.join("content/.about.md.tmp");
    std::fs::write(&tmp, original.replace("本站收录", "原子保存")).unwrap();
    std::fs::rename(&tmp, &about).unwrap();
    settle(&mut events, "/about.html has 原子保存", || get(&server, "/about.html").text().contains("原子保存"));

    // vim with backupcopy=no: rename the original to a backup, write anew,
    // remove the backup; plus its `4913` write probe and swap file.
    write(&root, "content/4913", "");
    std::fs::remove_file(root.join("content/4913")).unwrap();
    write(&root, "content/.about.md.swp", "swap");
    std::fs::rename(&about, root.join("content/about.md~")).unwrap();
    std::fs::write(&about, original.replace("本站收录", "备份后写入")).unwrap();
    std::fs::remove_file(root.join("content/about.md~")).unwrap();
    std::fs::remove_file(root.join("content/.about.md.swp")).unwrap();
    settle(&mut events, "/about.html has 备份后写入", || {
        get(&server, "/about.html").text().contains("备份后写入")
    });

    // Delete, then create a moment later.
    std::fs::remove_file(&about).unwrap();
    std::thread::sleep(Duration::from_millis(5));
    std::fs::write(&about, original.replace("本站收录", "删除后新建")).unwrap();
    settle(&mut events, "/about.html has 删除后新建", || {
        get(&server, "/about.html").text().contains("删除后新建")
    });

    // A burst of writes ends in the last text, with a half-written file along the way.
    for i in 0..20 {
        std::fs::write(&about, &original.as_bytes()[..original.len() * i / 20]).unwrap();
    }
    std::fs::write(&about, original.replace("本站收录", "连续写入")).unwrap();
    loop {
        let (name, _) = events.next();
        if name == "reload" && get(&server, "/about.html").text().contains("连续写入") {
            break;
        }
    }

    // A half-written file fails the build; finishing the write fixes it.
    let cut = original.find("title").unwrap() + 3;
    std::fs::write(&about, &original.as_bytes()[..cut]).unwrap();
    events.until("build-error");
    std::fs::write(&about, original.replace("本站收录", "写完了")).unwrap();
    settle(&mut events, "/about.html has 写完了", || get(&server, "/about.html").text().contains("写完了"));

    // A new folder with a file, then renamed, then removed.
    write(&root, "content/new/extra.md", "---\ntitle: 新页面\n---\n\n新的内容。\n");
    settle(&mut events, "/new/extra.html has 新的内容", || {
        get(&server, "/new/extra.html").text().contains("新的内容")
    });
    std::fs::rename(root.join("content/new"), root.join("content/moved")).unwrap();
    settle(&mut events, "/new/extra.html is 404", || get(&server, "/new/extra.html").status == 404);
    assert_eq!(get(&server, "/moved/extra.html").status, 200);
    std::fs::remove_dir_all(root.join("content/moved")).unwrap();
    settle(&mut events, "/moved/extra.html is 404", || get(&server, "/moved/extra.html").status == 404);

    // A file renamed.
    std::fs::rename(&about, root.join("content/about-us.md")).unwrap();
    settle(&mut events, "/about.html is 404", || get(&server, "/about.html").status == 404);
    assert_eq!(get(&server, "/about-us.html").status, 200);

    // A theme's static file and template, created after the server started.
    write(&root, "themes/default/static/extra.css", "body { color: red }\n");
    settle(&mut events, "extra.css is served", || get(&server, "/static/extra.css").status == 200);
    let css = get(&server, "/static/extra.css");
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert_eq!(css.text(), "body { color: red }\n");
    let builtin = std::fs::read_to_string(common::repo_root().join("themes/default/templates/404.html")).unwrap();
    write(&root, "themes/default/templates/404.html", &builtin.replace("页面不存在", "找不到这一页"));
    settle(&mut events, "the new 404 template", || get(&server, "/nothing-here.html").text().contains("找不到这一页"));
    let missing = get(&server, "/nothing-here.html");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("找不到这一页"));

    // site.yaml replaced by an atomic rename.
    let config = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    std::fs::write(root.join("site.yaml.tmp"), config.replace("示例站点", "改名的站点")).unwrap();
    std::fs::rename(root.join("site.yaml.tmp"), root.join("site.yaml")).unwrap();
    settle(&mut events, "/ has 改名的站点", || get(&server, "/").text().contains("改名的站点"));

    // The whole content folder deleted and put back.
    let saved = root.parent().unwrap().join("content-saved");
    std::fs::rename(root.join("content"), &saved).unwrap();
    settle(&mut events, "/plan.html is gone", || get(&server, "/plan.html").status == 404);
    std::fs::rename(&saved, root.join("content")).unwrap();
    settle(&mut events, "/plan.html is 200", || get(&server, "/plan.html").status == 200);
    edit(&root, "content/circular.md", "各单位：", "各单位（重新监视）：");
    settle(&mut events, "/circular.html has 重新监视", || {
        get(&server, "/circular.html").text().contains("重新监视")
    });
    server.stop();
}

#[test]
fn http_details() {
    let (_dir, root) = fixture();
    let server = serve(&root);
    let home = get(&server, "/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(home.text(), get(&server, "/index.html").text(), "`/` serves index.html");

    let head = request(server.addr(), "HEAD", "/plan.html");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("Content-Length").unwrap(), get(&server, "/plan.html").body.len().to_string());

    let missing = get(&server, "/no/such/page.html");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("页面不存在"), "the site's own 404 page");
    assert!(missing.text().contains("<base href=\"/\">"), "its relative links resolve from the root");
    assert_eq!(request(server.addr(), "HEAD", "/nope").status, 404);

    assert_eq!(get(&server, "/static/style.css").header("Content-Type"), Some("text/css; charset=utf-8"));
    assert_eq!(get(&server, "/static/shiyi.js").header("Content-Type"), Some("text/javascript; charset=utf-8"));
    assert_eq!(get(&server, "/img/dot.gif").header("Content-Type"), Some("image/gif"));
    let live = get(&server, "/__shiyi/live.js");
    assert_eq!(live.status, 200);
    assert!(live.text().contains("EventSource"));
    assert!(!get(&server, "/img/dot.gif").body.windows(8).any(|w| w == b"__shiyi/"), "only HTML gets the script");

    // A folder with an index.html: with the final `/` it is served, without
    // it the client is sent there.
    write(&root, "content/guide/index.md", "---\ntitle: 指南\n---\n\n指南首页。\n");
    let mut events = tab(&server);
    events.until("reload");
    assert!(get(&server, "/guide/").text().contains("指南首页"));
    let redirect = get(&server, "/guide");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("Location"), Some("/guide/"));

    assert_eq!(request(server.addr(), "POST", "/").status, 405);
    assert_eq!(request(server.addr(), "GET", "http://example.com/").status, 400);

    // Keep-alive: two requests on one connection.
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    for page in ["/about.html", "/plan.html"] {
        write!(stream, "GET {page} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let r = read_response(&mut reader, false).unwrap();
        assert_eq!((r.status, r.header("Connection")), (200, Some("keep-alive")));
    }

    // The build output is untouched by the server: no script, no output/.
    assert!(!root.join("output").exists(), "serve never writes output/");
    server.stop();
}

#[test]
fn traversal_never_leaves_the_site() {
    let (dir, root) = fixture();
    let marker = "SECRET-OUTSIDE-THE-SITE";
    std::fs::write(dir.path().join("secret.txt"), marker).unwrap();
    std::fs::write(root.join("secret.txt"), marker).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("content/link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("content/linkdir")).unwrap();
    }
    let server = serve(&root);
    let absolute = dir.path().join("secret.txt").display().to_string();
    let targets = [
        "/../secret.txt".to_string(),
        "/../../secret.txt".into(),
        "/../site.yaml".into(),
        "/%2e%2e/secret.txt".into(),
        "/%2E%2E/%2E%2E/secret.txt".into(),
        "/..%2fsecret.txt".into(),
        "/%2e%2e%2fsecret.txt".into(),
        "/laws/..%2f..%2fsecret.txt".into(),
        "/..\\secret.txt".into(),
        "/%5c..%5csecret.txt".into(),
        "/static/..%5c..%5csecret.txt".into(),
        "/secret.txt".into(),
        "/site.yaml".into(),
        "/content/about.md".into(),
        absolute.clone(),
        format!("/{absolute}"),
        format!("/..{absolute}"),
        "//etc/passwd".into(),
        "/etc/passwd".into(),
        "/link.txt".into(),
        "/linkdir/secret.txt".into(),
        "/secret.txt%00.html".into(),
    ];
    for target in &targets {
        let r = request(server.addr(), "GET", target);
        assert!(matches!(r.status, 400 | 403 | 404), "{target}: status {}", r.status);
        assert!(!r.text().contains(marker) && !r.text().contains("root:x:0"), "{target} leaked a file");
    }
    assert_eq!(request(server.addr(), "GET", "/%2e%2e/secret.txt").status, 403);
    assert_eq!(request(server.addr(), "GET", "/..\\secret.txt").status, 403);
    server.stop();
}

#[test]
fn many_clients_at_once() {
    let (_dir, root) = fixture();
    let server = serve(&root);
    let addr = server.addr();
    let pages = ["/", "/about.html", "/plan.html", "/static/style.css", "/img/dot.gif", "/nope.html"];
    let expected: Vec<(u16, usize)> = pages
        .iter()
        .map(|p| {
            let r = get(&server, p);
            (r.status, r.body.len())
        })
        .collect();
    let started = Instant::now();
    let failures: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..20)
            .map(|worker| {
                let expected = &expected;
                scope.spawn(move || {
                    let mut failures = 0;
                    // Half the clients reuse one connection, half open one per request.
                    let mut conn: Option<(TcpStream, BufReader<TcpStream>)> = None;
                    for i in 0..250 {
                        let which = (worker + i) % pages.len();
                        let result = if worker % 2 == 0 {
                            if conn.is_none() {
                                let s = TcpStream::connect(addr).unwrap();
                                s.set_read_timeout(Some(WAIT)).unwrap();
                                let r = BufReader::new(s.try_clone().unwrap());
                                conn = Some((s, r));
                            }
                            let (s, r) = conn.as_mut().unwrap();
                            write!(s, "GET {} HTTP/1.1\r\nHost: x\r\n\r\n", pages[which])
                                .map_err(|e| e.to_string())
                                .and_then(|_| read_response(r, false).map_err(|e| e.to_string()))
                        } else {
                            Ok(request(addr, "GET", pages[which]))
                        };
                        match result {
                            Ok(r) if (r.status, r.body.len()) == expected[which] => {}
                            _ => {
                                failures += 1;
                                conn = None;
                            }
                        }
                    }
                    failures
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    println!("5000 requests from 20 clients in {:?}", started.elapsed());
    assert_eq!(failures, 0);
    server.stop();
}

#[test]
fn a_failed_first_build_serves_the_diagnostics_then_the_site() {
    let (_dir, root) = fixture();
    edit(&root, "content/about.md", "title: 关于本站", "title: [broken");
    let server = serve(&root);
    let page = get(&server, "/about.html");
    assert_eq!(page.status, 500);
    assert!(page.text().contains("/__shiyi/live.js"));
    let mut events = Events::open(server.addr(), &build_of(&page.text()));
    assert_eq!(events.next().0, "build-error");
    edit(&root, "content/about.md", "title: [broken", "title: 关于本站");
    events.until("reload");
    assert_eq!(get(&server, "/about.html").status, 200);
    server.stop();
}

fn binary() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_shiyi"))
}

#[test]
fn command_prints_the_address_and_stops_on_ctrl_c() {
    let (_dir, root) = fixture();
    let mut child = binary()
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("serving ").unwrap_or_else(|| panic!("{line}"));
    let addr: SocketAddr = url.trim_start_matches("http://").trim_end_matches('/').parse().unwrap();
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    assert_eq!(url, format!("http://127.0.0.1:{}/", addr.port()));
    assert_eq!(request(addr, "GET", "/").status, 200);

    // A second server on the same port fails and names the port.
    let busy = binary().args(["serve", "--port", &addr.port().to_string(), "--root"]).arg(&root).output().unwrap();
    assert_eq!(busy.status.code(), Some(2));
    let message = String::from_utf8_lossy(&busy.stderr);
    assert!(message.contains(&format!("port {} is already in use", addr.port())), "{message}");

    let killed = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > WAIT {
            let _ = child.kill();
            panic!("serve did not stop on Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "Ctrl-C exits cleanly");
}

#[test]
fn build_output_has_no_live_script() {
    let (dir, root) = fixture();
    let out = dir.path().join("out");
    let outcome = shiyi::build(&shiyi::BuildOptions { root, output: Some(out.clone()), drafts: false, force: false });
    assert_eq!(outcome.status, shiyi::Status::Success, "{}", outcome.report());
    for (path, bytes) in common::read_tree(&out) {
        assert!(!String::from_utf8_lossy(&bytes).contains("__shiyi"), "{path} mentions the live script");
    }
}

mod browser {
    //! An open page in headless Chromium, driven over the DevTools protocol.

    use super::*;
    use std::process::{Child, Command, Stdio};

    use crate::common::chromium::{FLAGS, chromium};

    /// Kills the browser when the test ends, however it ends; holds its
    /// profile folder and DevTools port.
    struct Browser(Child, TempDir, u16);

    impl Drop for Browser {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    /// A DevTools session on one page.
    struct Page {
        socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
        next_id: u64,
    }

    impl Page {
        /// Evaluates `expression` in the page and returns its value.
        fn eval(&mut self, expression: &str) -> serde_json::Value {
            self.next_id += 1;
            let id = self.next_id;
            let call = serde_json::json!({"id": id, "method": "Runtime.evaluate",
                "params": {"expression": expression, "returnByValue": true}});
            self.socket.send(tungstenite::Message::text(call.to_string())).unwrap();
            loop {
                let message = self.socket.read().unwrap();
                let Ok(text) = message.to_text() else { continue };
                let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
                if value["id"] == id {
                    return value["result"]["result"]["value"].clone();
                }
            }
        }

        /// Evaluates `expression` until it is true; panics after [`WAIT`].
        fn wait_for(&mut self, expression: &str) {
            let started = Instant::now();
            while self.eval(expression) != serde_json::Value::Bool(true) {
                assert!(started.elapsed() < WAIT, "the page never got to `{expression}`");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    fn http_get(port: u16, path: &str) -> String {
        request(SocketAddr::from(([127, 0, 0, 1], port)), "GET", path).text()
    }

    /// Starts Chromium on `url` and attaches to its page.
    fn open(bin: &Path, url: &str) -> (Browser, Page) {
        let profile = TempDir::new().unwrap();
        let child = Command::new(bin)
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(["--remote-debugging-port=0", "--remote-allow-origins=*", "--window-size=800,600"])
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut browser = Browser(child, profile, 0);
        let port_file = browser.1.path().join("DevToolsActivePort");
        let started = Instant::now();
        let port: u16 = loop {
            if let Some(port) = std::fs::read_to_string(&port_file).ok().and_then(|t| t.lines().next()?.parse().ok()) {
                break port;
            }
            assert!(started.elapsed() < WAIT, "chromium wrote no DevToolsActivePort");
            std::thread::sleep(Duration::from_millis(50));
        };
        let ws = loop {
            let list: serde_json::Value = serde_json::from_str(&http_get(port, "/json/list")).unwrap_or_default();
            let found = list.as_array().into_iter().flatten().find(|t| {
                t["type"] == "page" && t["url"].as_str().is_some_and(|u| u.starts_with(url.trim_end_matches('/')))
            });
            if let Some(ws) = found.and_then(|t| t["webSocketDebuggerUrl"].as_str()) {
                break ws.to_string();
            }
            assert!(started.elapsed() < WAIT, "no page target in chromium");
            std::thread::sleep(Duration::from_millis(100));
        };
        let (socket, _) = tungstenite::connect(ws.as_str()).unwrap();
        browser.2 = port;
        (browser, Page { socket, next_id: 0 })
    }

    /// Opens another tab of `browser` on `url`.
    fn new_tab(browser: &Browser, url: &str) -> Page {
        let reply = request(SocketAddr::from(([127, 0, 0, 1], browser.2)), "PUT", &format!("/json/new?{url}")).text();
        let target: serde_json::Value = serde_json::from_str(&reply).unwrap_or_default();
        let ws = target["webSocketDebuggerUrl"].as_str().unwrap_or_else(|| panic!("no new tab: {reply}"));
        let (socket, _) = tungstenite::connect(ws).unwrap();
        Page { socket, next_id: 0 }
    }

    #[test]
    fn many_open_tabs_share_one_event_stream_and_all_reload() {
        let Some(bin) = chromium() else { return };
        let (_dir, root) = fixture();
        let server = serve(&root);
        let url = format!("{}about.html", server.url());
        let (browser, first) = open(&bin, &url);
        // More tabs than a browser opens connections to one host (six).
        let mut tabs = vec![first];
        tabs.extend((0..9).map(|_| new_tab(&browser, &url)));
        for tab in &mut tabs {
            tab.wait_for("document.readyState === 'complete'");
            tab.eval("window.__beforeReload = true;");
        }
        let started = Instant::now();
        while server.open_streams() == 0 {
            assert!(started.elapsed() < WAIT, "no tab connected to the event stream");
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(server.open_streams(), 1, "the tabs share one event stream");
        edit(&root, "content/about.md", "原始 HTML", "十个标签页都重新加载的 HTML");
        for tab in &mut tabs {
            tab.wait_for("window.__beforeReload === undefined && document.body.innerText.includes('十个标签页都')");
        }
        // The tab that listened went away with its reload: another took over.
        let started = Instant::now();
        while server.open_streams() != 1 {
            assert!(started.elapsed() < WAIT, "the stream was not taken over ({} open)", server.open_streams());
            std::thread::sleep(Duration::from_millis(50));
        }
        for tab in &mut tabs {
            tab.eval("window.__beforeError = true;");
        }
        edit(&root, "content/about.md", "title: 关于本站", "titel: 关于本站");
        for tab in &mut tabs {
            tab.wait_for("window.__beforeError === true && !!document.getElementById('shiyi-overlay')");
        }
        // A tab opened while the build is broken gets the overlay at once.
        let mut late = new_tab(&browser, &url);
        late.wait_for("!!document.getElementById('shiyi-overlay')");
        server.stop();
    }

    #[test]
    fn an_open_page_reloads_itself_keeps_its_place_and_shows_errors() {
        let Some(bin) = chromium() else { return };
        let (_dir, root) = fixture();
        // A page long enough to scroll.
        let filler: String = (1..=80).map(|i| format!("第{i}段：用于滚动的正文。\n\n")).collect();
        edit(&root, "content/about.md", "## 说明", &format!("{filler}## 说明"));
        edit(&root, "content/plan.md", "本部分没有小标题。", &format!("本部分没有小标题。\n\n{filler}"));
        let server = serve(&root);
        let (_browser, mut page) = open(&bin, &format!("{}about.html", server.url()));
        page.wait_for("document.readyState === 'complete'");
        let started = Instant::now();
        while server.open_streams() == 0 {
            assert!(started.elapsed() < WAIT, "the page never connected to the event stream");
            std::thread::sleep(Duration::from_millis(50));
        }
        page.eval("window.scrollTo(0, 900); window.__beforeReload = true;");
        assert_eq!(page.eval("Math.round(window.scrollY)"), 900);

        edit(&root, "content/about.md", "原始 HTML", "重新加载后的 HTML");
        page.wait_for("window.__beforeReload === undefined && document.body.innerText.includes('重新加载后的')");
        page.wait_for("Math.abs(window.scrollY - 900) < 4");

        edit(&root, "content/about.md", "title: 关于本站", "titel: 关于本站");
        page.wait_for("!!document.getElementById('shiyi-overlay')");
        let overlay = page.eval("document.getElementById('shiyi-overlay').textContent").as_str().unwrap().to_string();
        assert!(overlay.contains("content/about.md:2"), "{overlay}");
        assert!(overlay.contains("titel: 关于本站"), "the source line is shown: {overlay}");
        assert!(page.eval("document.body.innerText.includes('重新加载后的')") == true, "the old page stays");

        page.eval("window.__beforeFix = true;");
        edit(&root, "content/about.md", "titel: 关于本站", "title: 关于本站（已修正）");
        page.wait_for("window.__beforeFix === undefined && document.title.includes('已修正')");
        assert!(page.eval("document.getElementById('shiyi-overlay') === null") == true, "the overlay is gone");

        // On a directive page the clause at the top of the view stays there
        // when text is added above it.
        page.eval("location.href = '/plan.html'");
        page.wait_for("document.readyState === 'complete' && !!document.getElementById('sec_2')");
        page.eval("document.getElementById('sec_2').scrollIntoView(); window.__beforeReload = true;");
        let before = page.eval("Math.round(window.scrollY)").as_i64().unwrap();
        let top = page.eval("document.getElementById('sec_2').getBoundingClientRect().top").as_f64().unwrap();
        assert!(before > 100, "plan.html scrolls (scrollY {before})");
        let preface = format!("{}为做好学习活动", "新增的一段前言。\n\n".repeat(8));
        edit(&root, "content/plan.md", "为做好学习活动", &preface);
        page.wait_for("window.__beforeReload === undefined && document.body.innerText.includes('新增的一段前言')");
        page.wait_for(&format!("Math.abs(document.getElementById('sec_2').getBoundingClientRect().top - {top}) < 4"));
        let after = page.eval("Math.round(window.scrollY)").as_i64().unwrap();
        assert!(after > before + 100, "the page scrolled with its clause ({before} → {after})");
        server.stop();
    }
}
