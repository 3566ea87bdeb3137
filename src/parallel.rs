//! The one parallel map of the pure stages (extracting pages, measuring fidelity): items split in
//! one chunk per core, results in input order, and a worker's panic propagated to the caller (never
//! a chunk of results silently dropped).

/// Maps `f` over `items` on all cores; the results come back in the order of `items`.
///
/// # Panics
/// Re-raises the panic of any worker, with its original payload.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    par_map_on(items, cores(), f)
}

/// The cores there are (1 when unknown).
#[must_use]
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// [`par_map`] on `workers` threads: more than the cores when `f` waits on the disk (each synced
/// write waits for the device while another thread computes).
///
/// # Panics
/// Re-raises the panic of any worker, with its original payload.
pub fn par_map_on<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let workers = workers.max(1).min(items.len().max(1));
    let chunk = items.len().div_ceil(workers).max(1);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<u32> = (0..1000).collect();
        assert_eq!(
            par_map(&items, |n| n * 2),
            items.iter().map(|n| n * 2).collect::<Vec<_>>()
        );
        assert!(par_map(&[] as &[u32], |n| *n).is_empty());
    }

    #[test]
    fn more_workers_than_cores_keep_the_order() {
        let items: Vec<u32> = (0..101).collect();
        for workers in [0, 1, 3, 7, 200] {
            assert_eq!(
                par_map_on(&items, workers, |n| n + 1),
                items.iter().map(|n| n + 1).collect::<Vec<_>>(),
                "{workers} workers"
            );
        }
    }

    #[test]
    fn a_worker_panic_reaches_the_caller() {
        let items: Vec<u32> = (0..64).collect();
        let caught = std::panic::catch_unwind(|| {
            par_map(&items, |n| {
                assert!(*n != 63, "item 63 is bad");
                *n
            })
        });
        let payload = caught.expect_err("the panic is not swallowed");
        let message = payload
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        assert!(message.contains("item 63 is bad"), "{message}");
    }
}
