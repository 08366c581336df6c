//! A worker pool with two limits: requests in flight in all, and to one host.
//!
//! Workers take the first waiting URL whose host is below its limit, so a slow
//! host never holds up the others while there is other work.

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// How many requests may be in flight.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// In all (at least 1).
    pub concurrency: usize,
    /// To one host (at least 1).
    pub per_host: usize,
}

/// One URL to check and the host it counts against.
#[derive(Debug, Clone)]
pub struct Job {
    /// The URL.
    pub url: String,
    /// Its host, lower-case.
    pub host: String,
}

struct State {
    waiting: VecDeque<Job>,
    busy: HashMap<String, usize>,
}

struct Queue {
    state: Mutex<State>,
    freed: Condvar,
    per_host: usize,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next job whose host has room; waits while every waiting job's host
    /// is full; `None` when nothing is left.
    fn take(&self) -> Option<Job> {
        let mut state = self.lock();
        loop {
            if state.waiting.is_empty() {
                return None;
            }
            let per_host = self.per_host;
            let State { waiting, busy } = &mut *state;
            let free = waiting
                .iter()
                .position(|j| busy.get(&j.host).copied().unwrap_or(0) < per_host);
            if let Some(job) = free.and_then(|i| waiting.remove(i)) {
                *busy.entry(job.host.clone()).or_insert(0) += 1;
                return Some(job);
            }
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Gives the host's slot back.
    fn done(&self, host: &str) {
        let mut state = self.lock();
        if let Some(n) = state.busy.get_mut(host) {
            *n = n.saturating_sub(1);
        }
        drop(state);
        self.freed.notify_all();
    }
}

/// Runs `work` on every job's URL within the limits, on scoped threads, and
/// returns the results by URL.
pub fn run_all<T: Send>(
    jobs: Vec<Job>,
    limits: Limits,
    work: impl Fn(&str) -> T + Sync,
) -> HashMap<String, T> {
    let workers = limits.concurrency.max(1).min(jobs.len());
    let queue = Queue {
        state: Mutex::new(State {
            waiting: jobs.into(),
            busy: HashMap::new(),
        }),
        freed: Condvar::new(),
        per_host: limits.per_host.max(1),
    };
    let results = Mutex::new(HashMap::new());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some(job) = queue.take() {
                    let result = work(&job.url);
                    queue.done(&job.host);
                    results
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(job.url, result);
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn jobs(hosts: &[(&str, usize)]) -> Vec<Job> {
        hosts
            .iter()
            .flat_map(|&(host, n)| {
                (0..n).map(move |i| Job {
                    url: format!("https://{host}/{i}"),
                    host: host.to_string(),
                })
            })
            .collect()
    }

    #[test]
    fn every_job_runs_once_within_both_limits() {
        let limits = Limits {
            concurrency: 3,
            per_host: 2,
        };
        let in_flight: Mutex<HashMap<String, usize>> = Mutex::default();
        let (max_host, max_total, total) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        );
        let results = run_all(jobs(&[("a", 6), ("b", 4), ("c", 1)]), limits, |url| {
            let host = url.split('/').nth(2).unwrap().to_string();
            {
                let mut m = in_flight.lock().unwrap();
                *m.entry(host.clone()).or_default() += 1;
                max_host.fetch_max(m[&host], Ordering::SeqCst);
                let now = total.fetch_add(1, Ordering::SeqCst) + 1;
                max_total.fetch_max(now, Ordering::SeqCst);
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
            total.fetch_sub(1, Ordering::SeqCst);
            *in_flight.lock().unwrap().get_mut(&host).unwrap() -= 1;
            url.len()
        });
        assert_eq!(results.len(), 11);
        assert_eq!(results["https://a/5"], "https://a/5".len());
        assert!(max_host.load(Ordering::SeqCst) <= 2);
        assert!(max_total.load(Ordering::SeqCst) <= 3);
    }

    #[test]
    fn zero_limits_still_make_progress() {
        let limits = Limits {
            concurrency: 0,
            per_host: 0,
        };
        let results = run_all(jobs(&[("a", 3)]), limits, |_| ());
        assert_eq!(results.len(), 3);
        assert!(run_all(Vec::new(), limits, |_| ()).is_empty());
    }
}
