//! The fixed set of worker threads that make the answers.
//!
//! Takes whole requests ([`Job`]) from the connection loop; gives back the
//! bytes to send ([`Done`]) and wakes the loop. A worker never touches a
//! socket, so a slow or silent client cannot hold one.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::State;
use super::http;

/// One request to answer.
pub(crate) struct Job {
    /// The connection it came on.
    pub(crate) id: usize,
    /// Its target.
    pub(crate) target: String,
    /// A HEAD request: the head of the answer only.
    pub(crate) head_only: bool,
    /// The connection stays open after the answer.
    pub(crate) keep_alive: bool,
}

/// An answer ready to send.
pub(crate) struct Done {
    /// The connection to send it on.
    pub(crate) id: usize,
    /// The whole answer, head and body.
    pub(crate) bytes: Vec<u8>,
    /// Close the connection after it (the request asked so, or the answer
    /// could not be made).
    pub(crate) close: bool,
}

/// Starts `count` workers; returns where to send jobs, where answers arrive,
/// and the threads (they end once the job sender is dropped).
pub(crate) fn start(count: usize, state: Arc<State>) -> (Sender<Job>, Receiver<Done>, Vec<JoinHandle<()>>) {
    let (jobs_tx, jobs_rx) = channel::<Job>();
    let (done_tx, done_rx) = channel();
    let jobs_rx = Arc::new(Mutex::new(jobs_rx));
    let threads = (0..count)
        .filter_map(|n| {
            let (jobs, done, state) = (jobs_rx.clone(), done_tx.clone(), state.clone());
            let spawned = std::thread::Builder::new().name(format!("shiyi-http-{n}")).spawn(move || {
                loop {
                    let job = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok(job) = job else { return };
                    let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        http::answer(&state, &job.target, job.head_only, job.keep_alive)
                    }));
                    let done_job = match made {
                        Ok(bytes) => Done { id: job.id, bytes, close: !job.keep_alive },
                        Err(_) => Done { id: job.id, bytes: http::closing(500, "internal error"), close: true },
                    };
                    if done.send(done_job).is_err() {
                        return;
                    }
                    state.wake();
                }
            });
            match spawned {
                Ok(thread) => Some(thread),
                Err(e) => {
                    eprintln!("warning: cannot start an HTTP worker: {e}");
                    None
                }
            }
        })
        .collect();
    (jobs_tx, done_rx, threads)
}
