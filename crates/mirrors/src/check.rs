//! Check many projects on many mirrors, politely: each host gets its own few workers (the
//! per-host limit), every request waits for a slot of one global rate, and the client's
//! timeouts and retries with backoff apply to each page. Results come back to the caller's
//! thread one (mirror, project) at a time, in no fixed order.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use malpi_index::{Client, ClientConfig, Index};
use malpi_store::ReportedPackage;

use crate::mirror::{Mirror, host_of};
use crate::observe::{Observed, observe};

/// How to check.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Requests per second over all hosts; `None`: no limit beyond `per_host`.
    pub rate: Option<f64>,
    /// Timeouts, retries and backoff of each request.
    pub client: ClientConfig,
    /// The time written on every observation of this check (one check, one instant, so a
    /// check reads as one snapshot); `None`: now.
    pub observed_at: Option<String>,
    /// Mirror whose pages (and JSON API) date uploads: release times. Only PyPI's word is
    /// taken for it.
    pub dating_mirror: Option<String>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            per_host: 2,
            rate: Some(10.0),
            client: ClientConfig::default(),
            observed_at: None,
            dating_mirror: Some(malpi_study::input::PYPI_MIRROR.to_string()),
        }
    }
}

/// A global request rate: each request takes the next free slot.
struct RateLimit {
    interval: Option<Duration>,
    next: Mutex<Instant>,
}

impl RateLimit {
    fn new(rate: Option<f64>) -> RateLimit {
        let interval = rate
            .filter(|r| r.is_finite() && *r > 0.0)
            .map(|r| Duration::from_secs_f64((1.0 / r).min(3600.0)));
        RateLimit {
            interval,
            next: Mutex::new(Instant::now()),
        }
    }

    fn wait(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let slot = (*next).max(Instant::now());
            *next = slot + interval;
            slot
        };
        let now = Instant::now();
        if slot > now {
            std::thread::sleep(slot - now);
        }
    }
}

/// Probe every mirror for every package; `on_result(mirror, package, observed)` runs on
/// this thread for each pair as it completes.
pub fn check(
    mirrors: &[Mirror],
    packages: &[ReportedPackage],
    options: &CheckOptions,
    mut on_result: impl FnMut(&Mirror, &ReportedPackage, Observed),
) {
    let observed_at = options
        .observed_at
        .clone()
        .unwrap_or_else(malpi_store::time::now);
    let client = Client::new(options.client.clone());
    let indexes: Vec<Index> = mirrors
        .iter()
        .map(|m| Index::new(&m.url, client.clone()))
        .collect();
    // One queue of (mirror, package) per host: mirrors sharing a host share its limit.
    let mut queues: BTreeMap<String, VecDeque<(usize, usize)>> = BTreeMap::new();
    for (p, _) in packages.iter().enumerate() {
        for (m, mirror) in mirrors.iter().enumerate() {
            let host = host_of(&mirror.url).unwrap_or_default();
            queues.entry(host).or_default().push_back((m, p));
        }
    }
    let queues: Vec<Mutex<VecDeque<(usize, usize)>>> =
        queues.into_values().map(Mutex::new).collect();
    let rate = RateLimit::new(options.rate);
    let (send, receive) = mpsc::channel::<(usize, usize, Observed)>();
    std::thread::scope(|scope| {
        for queue in &queues {
            for _ in 0..options.per_host.max(1) {
                let send = send.clone();
                let (queue, rate, indexes, observed_at) = (queue, &rate, &indexes, &observed_at);
                scope.spawn(move || {
                    loop {
                        let task = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front();
                        let Some((m, p)) = task else { break };
                        rate.wait();
                        let mirror = &mirrors[m];
                        let dates = options.dating_mirror.as_deref() == Some(mirror.name.as_str());
                        let observed =
                            observe(&indexes[m], &mirror.name, &packages[p], observed_at, dates);
                        if send.send((m, p, observed)).is_err() {
                            break;
                        }
                    }
                });
            }
        }
        drop(send);
        for (m, p, observed) in receive {
            on_result(&mirrors[m], &packages[p], observed);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_spaces_requests() {
        let limit = RateLimit::new(Some(50.0));
        let start = Instant::now();
        for _ in 0..6 {
            limit.wait();
        }
        // Five intervals of 20 ms after the first, immediate, slot.
        assert!(start.elapsed() >= Duration::from_millis(95));
        let unlimited = RateLimit::new(None);
        let start = Instant::now();
        for _ in 0..1000 {
            unlimited.wait();
        }
        assert!(start.elapsed() < Duration::from_millis(50));
    }
}
