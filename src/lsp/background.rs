//! A thread of its own, at a lower scheduling priority, for the work nobody is waiting on: the
//! diagnostics of edited documents. Requests (hover, completion, …) compute on tokio's
//! blocking pool at the normal priority, so on a busy machine (two cores, the editor, a build)
//! the re-analysis a keystroke starts yields to the request the user is waiting for, instead
//! of sharing the cores with it evenly. (rust-analyzer gives its worker threads a lower
//! quality-of-service class for the same reason.)

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;

use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// How much lower than the server's own priority the background thread runs (a `nice`
/// increment; 19 is the lowest).
const NICENESS: i32 = 10;

pub struct Background {
    jobs: mpsc::Sender<Job>,
}

impl Background {
    /// Starts the thread; it ends when the `Background` is dropped.
    pub fn start(name: &str) -> std::io::Result<Background> {
        let (jobs, inbox) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                lower_priority();
                for job in inbox {
                    // A job contains its own panics (it answers through its channel); one
                    // that escapes must not end the thread for every job after it.
                    let _ = catch_unwind(AssertUnwindSafe(job));
                }
            })?;
        Ok(Background { jobs })
    }

    /// Runs `work` on the thread; `None` if it panicked or the thread is gone.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let (answer, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = answer.send(work());
        });
        self.jobs.send(job).ok()?;
        result.await.ok()
    }
}

/// Lowers the calling thread's priority. On Linux a thread is a task of its own, and
/// `setpriority` with its thread id changes that thread only. Elsewhere, and if the call is
/// refused, the thread keeps the normal priority: slower requests under load, nothing worse.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid and setpriority take plain integers and touch no memory of ours.
        // Relative to the thread's niceness now (a server started under `nice` stays below
        // its own requests too), at most 19, the lowest.
        let refused = unsafe {
            let thread = libc::gettid() as libc::id_t;
            let now = libc::getpriority(libc::PRIO_PROCESS, thread);
            libc::setpriority(libc::PRIO_PROCESS, thread, (now + NICENESS).min(19)) != 0
        };
        if refused {
            tracing::debug!("could not lower the diagnostics thread's priority");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_jobs_in_order_and_survives_a_panic() {
        let background = Background::start("test-background").expect("a thread starts");
        assert_eq!(background.run(|| 1 + 1).await, Some(2));
        let panicked: Option<()> = background.run(|| panic!("deliberate")).await;
        assert_eq!(panicked, None);
        assert_eq!(background.run(|| "still here").await, Some("still here"));
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_thread_runs_at_a_lower_priority() {
        let background = Background::start("test-priority").expect("a thread starts");
        let niceness = background
            .run(|| unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) })
            .await
            .expect("the job runs");
        let ours = unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) };
        // Lower, unless the caller already runs at the lowest priority there is.
        assert!(
            niceness > ours || ours == 19,
            "background {niceness}, caller {ours}"
        );
    }
}
