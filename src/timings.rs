//! Stage timings for profiling a build: with `SHIYI_TIMINGS=1` in the
//! environment, each timed phase prints its wall time to stderr when it ends,
//! with the process's resident memory at that moment (Linux).

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("SHIYI_TIMINGS").is_some_and(|v| v != "0"))
}

/// Prints the line `f` makes (a count, a size) when timings are on.
pub fn note(f: impl FnOnce() -> String) {
    if enabled() {
        eprintln!("{}", f());
    }
}

/// A running phase; prints `timing NAME: MS ms` when dropped (if enabled).
pub struct Phase {
    name: &'static str,
    start: Option<Instant>,
}

/// Starts timing the phase `name`.
pub fn phase(name: &'static str) -> Phase {
    Phase { name, start: enabled().then(Instant::now) }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some(start) = self.start {
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            match resident_mib() {
                Some(mib) => eprintln!("timing {}: {ms:.1} ms, {mib} MiB resident", self.name),
                None => eprintln!("timing {}: {ms:.1} ms", self.name),
            }
        }
    }
}

/// The resident memory of this process, from `/proc/self/statm` (pages of 4 KiB).
fn resident_mib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096 / (1024 * 1024))
}
