//! A per-host rate limiter: at most `rate` requests per second to each host, each gap jittered
//! (0.5–1.5× the interval) so the crawl never beats in step. Requests to different hosts do not
//! wait for each other.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rand::Rng as _;
use tokio::sync::Mutex;

/// Spaces requests per host.
#[derive(Debug, Default)]
pub struct HostLimiter {
    interval: Option<Duration>,
    next: Mutex<HashMap<String, Instant>>,
}

impl HostLimiter {
    /// A limiter of `rate` requests per second per host; `None` or a non-positive rate = no limit.
    #[must_use]
    pub fn new(rate: Option<f64>) -> Self {
        let interval = rate
            .filter(|r| *r > 0.0 && r.is_finite())
            .map(|r| Duration::from_secs_f64(1.0 / r));
        Self {
            interval,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until a request to `host` may go.
    pub async fn wait(&self, host: &str) {
        let Some(interval) = self.interval else {
            return;
        };
        let gap = interval.mul_f64(rand::rng().random_range(0.5..1.5));
        let wait = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = next.get(host).copied().unwrap_or(now).max(now);
            next.insert(host.to_string(), slot + gap);
            slot - now
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
            // A late wake-up (a loaded machine) must not shorten the gap before the next request:
            // it counts from when this one actually goes.
            let earliest = Instant::now() + gap;
            let mut next = self.next.lock().await;
            let at = next.entry(host.to_string()).or_insert(earliest);
            if *at < earliest {
                *at = earliest;
            }
        }
    }
}
