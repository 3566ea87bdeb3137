//! An in-process memo of extractions, so a page read twice in one run is parsed once: `migrate
//! <folder of saved pages>` extracts every saved page while loading the replay site (to classify
//! it and list it), then crawls the replay and gets the same bytes back. While a [`Remembering`]
//! is alive, the extractions made inside [`Remembering::record`] are kept, keyed by the sha256 of
//! the page's HTML and the selector profile's fingerprint, with the facts of the source they read
//! (`SourceReads`); [`super::extract_page`] given the same HTML and profile from a source that
//! agrees on those facts takes the kept page instead of parsing again. (The extractor's version
//! needs no place in the key: a memo lives in one process.)
//!
//! The memo is transparent: a hit returns exactly what the extraction would, because the key
//! holds everything the result depends on. Errors are not kept (they name the page's path). Kept
//! pages go when their [`Remembering`] is dropped (after the crawl); a page is kept once however
//! often it is handed out. With none alive, [`super::extract_page`] pays one relaxed atomic load.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use super::selectors::SelectorProfile;
use super::source_view::SourceReads;
use super::{Page, PageSource};

/// How many [`Remembering`]s are alive.
static ALIVE: AtomicUsize = AtomicUsize::new(0);
static NEXT_OWNER: AtomicU64 = AtomicU64::new(1);
static MEMO: Mutex<Option<HashMap<MemoKey, Vec<Kept>>>> = Mutex::new(None);

thread_local! {
    /// The [`Remembering`] recording this thread's extractions, if any.
    static RECORDING: Cell<Option<u64>> = const { Cell::new(None) };
}

/// What a kept extraction is found by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct MemoKey {
    html_sha256: String,
    profile: String,
}

#[derive(Debug)]
struct Kept {
    owner: u64,
    reads: SourceReads,
    page: Page,
}

fn with_memo<T>(f: impl FnOnce(&mut HashMap<MemoKey, Vec<Kept>>) -> T) -> T {
    let mut memo = MEMO
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    f(memo.get_or_insert_with(HashMap::new))
}

/// Keeps the extractions made inside [`Remembering::record`] until it is dropped.
#[derive(Debug)]
pub struct Remembering {
    owner: u64,
}

impl Default for Remembering {
    fn default() -> Self {
        Self::new()
    }
}

impl Remembering {
    /// A memo scope: from now until it is dropped, extractions look for kept pages.
    #[must_use]
    pub fn new() -> Self {
        ALIVE.fetch_add(1, Ordering::SeqCst);
        Self {
            owner: NEXT_OWNER.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Runs `work` on this thread, keeping every page it extracts on this thread.
    pub fn record<T>(&self, work: impl FnOnce() -> T) -> T {
        struct Restore(Option<u64>);
        impl Drop for Restore {
            fn drop(&mut self) {
                RECORDING.with(|r| r.set(self.0));
            }
        }
        let _restore = Restore(RECORDING.with(|r| r.replace(Some(self.owner))));
        work()
    }

    /// How many pages this scope keeps.
    #[must_use]
    pub fn kept(&self) -> usize {
        with_memo(|memo| {
            memo.values()
                .flatten()
                .filter(|k| k.owner == self.owner)
                .count()
        })
    }
}

impl Drop for Remembering {
    fn drop(&mut self) {
        with_memo(|memo| {
            memo.retain(|_, kept| {
                kept.retain(|k| k.owner != self.owner);
                !kept.is_empty()
            });
        });
        ALIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The key of `html` extracted with `profile`, when a memo scope is alive (else `None`: nothing
/// is looked up or kept).
pub(super) fn key(html: &str, profile: &SelectorProfile) -> Option<MemoKey> {
    if ALIVE.load(Ordering::Relaxed) == 0 {
        return None;
    }
    Some(MemoKey {
        html_sha256: crate::archive::hash::sha256_hex(html.as_bytes()),
        profile: profile.fingerprint(),
    })
}

/// A kept extraction of the same page for a source that agrees with `source` (a copy: the page
/// stays kept, so a page fetched twice in one run, by its slug and by its id, is parsed once).
pub(super) fn take(key: &MemoKey, source: &PageSource) -> Option<Page> {
    with_memo(|memo| {
        memo.get(key)?
            .iter()
            .find(|k| k.reads.agree_with(source))
            .map(|k| k.page.clone())
    })
}

/// Keeps `page` when this thread is recording for a memo scope.
pub(super) fn keep(key: MemoKey, reads: SourceReads, page: &Page) {
    let Some(owner) = RECORDING.with(Cell::get) else {
        return;
    };
    let kept = Kept {
        owner,
        reads,
        page: page.clone(),
    };
    with_memo(|memo| memo.entry(key).or_default().push(kept));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::extract_page;

    /// A page of the sample blog with a mark of this test appended, so no other test's
    /// extraction shares its key.
    fn page(mark: &str) -> String {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hangang-notes/11.html");
        let mut html = std::fs::read_to_string(path).unwrap();
        html.push_str(&format!("<!-- {mark} -->"));
        html
    }

    fn source(path: &str, id_hint: Option<u64>, status: Option<u16>) -> PageSource {
        PageSource {
            path: path.into(),
            url: None,
            id_hint,
            http_status: status,
        }
    }

    #[test]
    fn a_kept_page_is_what_parsing_gives() {
        let html = page("memo: handed out once");
        let profile = SelectorProfile::default();
        let fresh = extract_page(&html, &source("11.html", Some(11), None), &profile).unwrap();
        let scope = Remembering::new();
        let loaded = scope
            .record(|| extract_page(&html, &source("saved/11.html", Some(11), None), &profile))
            .unwrap();
        assert_eq!(loaded, fresh);
        assert_eq!(scope.kept(), 1);
        let fetched = source("http://127.0.0.1:1/11", Some(11), Some(200));
        let key = key(&html, &profile).unwrap();
        assert_eq!(take(&key, &fetched), Some(fresh.clone()));
        // Fetched again (by its slug, or on a retry): the same page, still no parse.
        assert_eq!(take(&key, &fetched), Some(fresh));
        assert_eq!(scope.kept(), 1);
    }

    #[test]
    fn a_source_that_disagrees_on_a_fact_read_gets_no_kept_page() {
        // The page names its permalink and id, but whether it was served 404 decides its kind.
        let html = page("memo: disagreeing source");
        let profile = SelectorProfile::default();
        let scope = Remembering::new();
        scope
            .record(|| extract_page(&html, &source("11.html", Some(11), None), &profile))
            .unwrap();
        let key = key(&html, &profile).unwrap();
        assert_eq!(take(&key, &source("u", Some(11), Some(404))), None);
        assert_eq!(scope.kept(), 1);
        // A custom profile is another key.
        let custom =
            SelectorProfile::from_toml("title = [\"h1\"]", std::path::Path::new("p.toml")).unwrap();
        assert_ne!(super::key(&html, &custom), Some(key.clone()));
        drop(scope);
        assert_eq!(
            take(&key, &source("u", Some(11), None)),
            None,
            "gone with its scope"
        );
    }
}
