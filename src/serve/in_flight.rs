//! How many requests the replay server is answering at once, and the most it ever was: a count a
//! test can read to check that a crawl keeps `--concurrency` requests open while it has work, and
//! never more. Counted from the moment a request reaches the handler to the moment its response
//! is built (the scripted delay included); no timing is kept.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The gauge, shared by the handler and the server handle.
#[derive(Debug, Clone, Default)]
pub struct InFlight {
    now: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

/// One request being answered; counted off when dropped (also when the client went away).
#[derive(Debug)]
pub(crate) struct Answering(InFlight);

impl InFlight {
    /// Counts one request in until the returned guard is dropped.
    pub(crate) fn enter(&self) -> Answering {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        Answering(self.clone())
    }

    /// The most requests that were being answered at once so far.
    #[must_use]
    pub fn most(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }

    /// Forgets the highest count (to measure one phase of a run).
    pub fn reset_most(&self) {
        self.most
            .store(self.now.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_most_at_once() {
        let gauge = InFlight::default();
        let a = gauge.enter();
        let b = gauge.enter();
        drop(a);
        let c = gauge.enter();
        assert_eq!(gauge.most(), 2);
        drop((b, c));
        gauge.reset_most();
        assert_eq!(gauge.most(), 0);
        let _d = gauge.enter();
        assert_eq!(gauge.most(), 1);
    }
}
