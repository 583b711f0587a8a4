//! Stage timings for profiling a build: with `SHIYI_TIMINGS=1` in the
//! environment, each timed phase prints its wall time to stderr when it ends.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("SHIYI_TIMINGS").is_some_and(|v| v != "0"))
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
            eprintln!("timing {}: {:.1} ms", self.name, start.elapsed().as_secs_f64() * 1000.0);
        }
    }
}
