//! The preview server under hostile clients, all on loopback: slow-loris
//! clients, idle connections, a flood from one address, a request head that
//! trickles in past its deadline, and more event streams than allowed. In each
//! a normal client must still get `/` within a second.
//!
//! The tests run one at a time (each opens up to 2,000 sockets) and each stops
//! by itself within about ten seconds. Run with
//! `cargo test --test serve_limits -- --nocapture` to see the figures.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use shiyi::serve::{HEAD_DEADLINE, MAX_CONNECTIONS, MAX_PER_ADDRESS, MAX_STREAMS, ServeOptions, Server};
use tempfile::TempDir;

/// What a normal client must get `/` within.
const PROMPT: Duration = Duration::from_secs(1);

/// Keeps the tests from running at the same time (socket counts, timings).
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// Serves a copy of the `basic` fixture on `127.0.0.1`, port 0.
fn serve() -> (TempDir, Server) {
    let dir = TempDir::new().unwrap();
    let root: PathBuf = dir.path().join("site");
    let fixture = common::repo_root().join("tests/fixtures/basic");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(fixture.join("site.yaml"), root.join("site.yaml")).unwrap();
    common::copy_tree(&fixture.join("content"), &root.join("content"));
    let server = Server::start(ServeOptions::new(&root, 0)).expect("start the server");
    (dir, server)
}

/// A connection to `addr` from the loopback address `source`.
fn connect_from(source: Ipv4Addr, addr: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    socket.bind(&SocketAddr::new(IpAddr::V4(source), 0).into())?;
    socket.connect_timeout(&addr.into(), Duration::from_secs(2))?;
    Ok(socket.into())
}

/// A normal client: `GET /` on a new connection from `source`; the time it
/// took, or what went wrong.
fn timed_get(source: Ipv4Addr, addr: SocketAddr) -> Result<Duration, String> {
    let started = Instant::now();
    let mut stream = connect_from(source, addr).map_err(|e| format!("connect: {e}"))?;
    stream.set_read_timeout(Some(PROMPT)).unwrap();
    write!(stream, "GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").map_err(|e| format!("send: {e}"))?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(|e| format!("no answer within {PROMPT:?}: {e}"))?;
    let took = started.elapsed();
    let text = String::from_utf8_lossy(&answer);
    if !text.starts_with("HTTP/1.1 200") || !text.contains("</html>") {
        return Err(format!("answer: {:?}", text.lines().next().unwrap_or("(nothing)")));
    }
    Ok(took)
}

/// Requests `/` every 250 ms from `source` while `running`; returns every
/// failure and the slowest success.
fn normal_client(source: Ipv4Addr, addr: SocketAddr, running: &AtomicBool) -> (usize, Vec<String>, Duration) {
    let (mut tries, mut failures, mut slowest) = (0, Vec::new(), Duration::ZERO);
    while running.load(Ordering::SeqCst) && tries < 100 {
        tries += 1;
        match timed_get(source, addr) {
            Ok(took) if took <= PROMPT => slowest = slowest.max(took),
            Ok(took) => failures.push(format!("took {took:?}")),
            Err(e) => failures.push(e),
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    (tries, failures, slowest)
}

/// True when the server has closed `stream` (read gives end of file or an
/// error), false while it is open and silent.
fn closed(mut stream: &TcpStream) -> bool {
    stream.set_read_timeout(Some(Duration::from_millis(1))).unwrap();
    let mut byte = [0u8; 64];
    match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    }
}

#[test]
fn slow_clients_do_not_starve_a_normal_one() {
    let _one = one_at_a_time();
    let (_dir, server) = serve();
    let addr = server.addr();
    let head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const SLOW: usize = 1_100;
    // Each slow client: its socket and how many bytes of `head` it sent.
    let mut slow: Vec<Option<(TcpStream, usize)>> = (0..SLOW).map(|_| None).collect();
    let running = AtomicBool::new(true);
    let started = Instant::now();
    let mut reconnects = 0;
    let (tries, failures, slowest) = std::thread::scope(|scope| {
        let mut round = |slow: &mut Vec<Option<(TcpStream, usize)>>| {
            for client in slow.iter_mut() {
                if let Some((stream, sent)) = client {
                    if *sent < head.len() && stream.write_all(&head[*sent..*sent + 1]).is_ok() {
                        *sent += 1;
                        continue;
                    }
                    reconnects += 1;
                }
                // Closed by the server (or never opened): come back, as an
                // attacker would.
                *client = TcpStream::connect(addr).ok().and_then(|mut s| s.write_all(b"G").ok().map(|_| (s, 1)));
            }
        };
        round(&mut slow);
        println!("{SLOW} slow clients connected in {:?}", started.elapsed());
        let attack = Instant::now();
        let normal = scope.spawn(|| normal_client(Ipv4Addr::LOCALHOST, addr, &running));
        // A byte from every slow client every 2 s, for 8 s.
        while attack.elapsed() < Duration::from_secs(8) {
            std::thread::sleep(Duration::from_secs(2));
            round(&mut slow);
        }
        running.store(false, Ordering::SeqCst);
        normal.join().unwrap()
    });
    println!(
        "slow clients: {} tries of GET /, {} failed, slowest success {slowest:?}; {reconnects} slow reconnects",
        tries,
        failures.len()
    );
    assert!(tries >= 10, "the normal client ran {tries} times");
    assert!(failures.is_empty(), "GET / failed beside {SLOW} slow clients: {failures:?}");
    drop(slow);
    server.stop();
}

#[test]
fn idle_connections_do_not_starve_a_normal_one() {
    let _one = one_at_a_time();
    let (_dir, server) = serve();
    let addr = server.addr();
    // Half from the normal client's own address, half spread over others, so
    // both the per-address cap and the overall cap are reached.
    let started = Instant::now();
    let mut idle = Vec::new();
    for i in 0..2_000u32 {
        let source = if i % 2 == 0 || !cfg!(target_os = "linux") {
            Ipv4Addr::LOCALHOST
        } else {
            Ipv4Addr::new(127, 0, 0, 2 + (i % 16) as u8)
        };
        idle.push(connect_from(source, addr).expect("open an idle connection"));
    }
    println!("2000 idle connections opened in {:?}", started.elapsed());
    let running = AtomicBool::new(true);
    let (tries, failures, slowest) = std::thread::scope(|scope| {
        let normal = scope.spawn(|| normal_client(Ipv4Addr::LOCALHOST, addr, &running));
        std::thread::sleep(Duration::from_secs(3));
        running.store(false, Ordering::SeqCst);
        normal.join().unwrap()
    });
    let still_open = idle.iter().filter(|s| !closed(s)).count();
    println!(
        "idle connections: {tries} tries of GET /, {} failed, slowest success {slowest:?}; {still_open} idle still open",
        failures.len()
    );
    assert!(tries >= 5, "the normal client ran {tries} times");
    assert!(failures.is_empty(), "GET / failed beside 2,000 idle connections: {failures:?}");
    assert!(still_open <= MAX_CONNECTIONS, "{still_open} idle connections held, over the cap of {MAX_CONNECTIONS}");
    drop(idle);
    server.stop();
}

/// Sends a keep-alive `GET /` on `stream` and reads the answer's status line.
fn keep_alive_get(stream: &mut TcpStream) -> Result<String, String> {
    stream.set_read_timeout(Some(PROMPT)).unwrap();
    stream.write_all(b"GET /about.html HTTP/1.1\r\nHost: x\r\n\r\n").map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    let mut buf = [0u8; 8192];
    // Read the head and as much body as `Content-Length` says.
    loop {
        let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("closed".into());
        }
        answer.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&answer);
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            if answer.len() >= end + 4 + length {
                return Ok(text.lines().next().unwrap_or("").to_string());
            }
        }
    }
}

#[test]
#[cfg(target_os = "linux")]
fn one_address_cannot_push_out_the_others() {
    let _one = one_at_a_time();
    let (_dir, server) = serve();
    let addr = server.addr();
    // Twenty kept-alive connections of a normal client, each used once.
    let mut normal: Vec<TcpStream> = (0..20).map(|_| connect_from(Ipv4Addr::LOCALHOST, addr).unwrap()).collect();
    for stream in &mut normal {
        assert_eq!(keep_alive_get(stream).as_deref(), Ok("HTTP/1.1 200 OK"));
    }
    // A flood from another address, far over its cap but under the overall one.
    let flood_from = Ipv4Addr::new(127, 0, 0, 2);
    let flood_count = MAX_PER_ADDRESS + 400;
    assert!(flood_count + normal.len() < MAX_CONNECTIONS);
    let mut flood: Vec<TcpStream> = (0..flood_count).map(|_| connect_from(flood_from, addr).unwrap()).collect();
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut open = flood.len();
    while Instant::now() < deadline {
        open = flood.iter().filter(|s| !closed(s)).count();
        if open <= MAX_PER_ADDRESS {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    println!("flood of {flood_count} from {flood_from}: {open} left open (cap {MAX_PER_ADDRESS})");
    assert!(open <= MAX_PER_ADDRESS, "{open} connections from one address held, over the cap of {MAX_PER_ADDRESS}");
    // The older connections of the other address were not pushed out...
    for (i, stream) in normal.iter_mut().enumerate() {
        assert_eq!(keep_alive_get(stream).as_deref(), Ok("HTTP/1.1 200 OK"), "normal connection {i}");
    }
    // ...and the newest of the flood are the ones kept, and served.
    let newest = flood.last_mut().unwrap();
    assert_eq!(keep_alive_get(newest).as_deref(), Ok("HTTP/1.1 200 OK"));
    assert!(closed(&flood[0]), "the oldest of the flood made way");
    server.stop();
}

#[test]
fn a_head_trickling_past_its_deadline_is_closed() {
    let _one = one_at_a_time();
    let (_dir, server) = serve();
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    let started = Instant::now();
    stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ").unwrap();
    let mut answer = Vec::new();
    let limit = HEAD_DEADLINE + Duration::from_secs(5);
    let closed_after = loop {
        assert!(started.elapsed() < limit, "the trickling head was still open after {limit:?}");
        // A byte every 300 ms: each read alone is quick, the head never ends.
        let _ = stream.write_all(b"a");
        stream.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
        let mut buf = [0u8; 1024];
        match stream.read(&mut buf) {
            Ok(0) => break started.elapsed(),
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break started.elapsed(),
        }
    };
    let answer = String::from_utf8_lossy(&answer);
    println!("a trickling head was closed after {closed_after:?} (deadline {HEAD_DEADLINE:?}), answer {answer:?}");
    assert!(closed_after >= HEAD_DEADLINE - Duration::from_millis(400), "closed before its deadline");
    assert!(!answer.contains(" 200 "), "a head that never ended got a page");
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer}");
    // The server is fine afterwards.
    assert!(timed_get(Ipv4Addr::LOCALHOST, server.addr()).is_ok());
    server.stop();
}

/// Opens an event stream; its status line.
fn open_stream(addr: SocketAddr) -> (TcpStream, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(stream, "GET /__shiyi/events?build=x HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut line = Vec::new();
    let mut byte = [0u8];
    while !line.ends_with(b"\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        line.push(byte[0]);
    }
    (stream, String::from_utf8_lossy(&line).trim_end().to_string())
}

#[test]
fn event_streams_have_their_own_limit() {
    let _one = one_at_a_time();
    let (_dir, server) = serve();
    let addr = server.addr();
    let mut streams: Vec<TcpStream> = (0..MAX_STREAMS)
        .map(|i| {
            let (stream, status) = open_stream(addr);
            assert_eq!(status, "HTTP/1.1 200 OK", "stream {i}");
            stream
        })
        .collect();
    let (_refused, status) = open_stream(addr);
    assert_eq!(status, "HTTP/1.1 503 Service Unavailable", "one stream over the limit");
    // Page requests are not held up by the full set of streams.
    for _ in 0..10 {
        let took = timed_get(Ipv4Addr::LOCALHOST, addr).expect("GET / beside a full set of streams");
        assert!(took <= PROMPT);
    }
    // A closed stream frees its place.
    drop(streams.pop());
    let deadline = Instant::now() + Duration::from_secs(3);
    while server.open_streams() >= MAX_STREAMS && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(open_stream(addr).1, "HTTP/1.1 200 OK", "a stream after one closed");
    server.stop();
}
