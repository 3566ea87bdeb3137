//! A probe that counts page parses, so a test can show that a run parses each raw page once
//! (`extract_page` reports every parse here, and discovery's listing and home pages are parsed
//! through `parse_document`), and body parses after extraction (the bundle's
//! sanitiser reports each post body it parses, counted per thread, so a test counts its own
//! run's). Off unless a [`ParseProbe`] is alive: then each parse costs one relaxed atomic load and
//! nothing is kept (while one is alive, each page parse is hashed and kept).

use std::cell::Cell;

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

static ACTIVE: AtomicUsize = AtomicUsize::new(0);
static EVENTS: Mutex<Vec<Parse>> = Mutex::new(Vec::new());

/// One page parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parse {
    /// The page's name: its file path, or its URL for a fetched page.
    pub source: PathBuf,
    /// The sha256 (hex) of the page's decoded HTML, so a test can count the parses of a page
    /// whatever it was read as (a saved file, then the same bytes fetched from a replay).
    pub html_sha256: String,
}

/// Parses a whole page named `source` (a listing page, a home page), recording the parse: the
/// parser for pages that are not extracted as entries ([`crate::extract::extract_page`] records
/// its own).
pub(crate) fn parse_document(source: &std::path::Path, html: &str) -> scraper::Html {
    record(source, html);
    scraper::Html::parse_document(html)
}

/// Records a parse of `html`, the page named `source`.
pub(crate) fn record(source: &std::path::Path, html: &str) {
    if ACTIVE.load(Ordering::Relaxed) == 0 {
        return;
    }
    let parse = Parse {
        source: source.to_path_buf(),
        html_sha256: crate::archive::hash::sha256_hex(html.as_bytes()),
    };
    if let Ok(mut events) = EVENTS.lock() {
        events.push(parse);
    }
}

thread_local! {
    static BODY_PARSES: Cell<usize> = const { Cell::new(0) };
}

/// Records a parse of a post body (an HTML fragment) on this thread.
pub(crate) fn record_body_parse() {
    if ACTIVE.load(Ordering::Relaxed) == 0 {
        return;
    }
    BODY_PARSES.with(|c| c.set(c.get() + 1));
}

/// While alive, every page parse in the process is recorded; [`ParseProbe::parses`] returns the
/// ones since it started (other threads' parses too: filter by the names you expect).
#[derive(Debug)]
pub struct ParseProbe {
    start: usize,
    body_start: usize,
}

impl ParseProbe {
    /// Starts recording.
    #[must_use]
    pub fn start() -> Self {
        let events = EVENTS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        ACTIVE.fetch_add(1, Ordering::SeqCst);
        Self {
            start: events.len(),
            body_start: BODY_PARSES.with(Cell::get),
        }
    }

    /// How many post bodies were parsed on this thread since this probe started.
    #[must_use]
    pub fn body_parses_on_this_thread(&self) -> usize {
        BODY_PARSES.with(Cell::get) - self.body_start
    }

    /// The sources of the pages parsed since this probe started, in order.
    #[must_use]
    pub fn parses(&self) -> Vec<PathBuf> {
        self.parses_with_content()
            .into_iter()
            .map(|p| p.source)
            .collect()
    }

    /// The page parses since this probe started, in order, with what was parsed.
    #[must_use]
    pub fn parses_with_content(&self) -> Vec<Parse> {
        let events = EVENTS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        events.get(self.start..).unwrap_or_default().to_vec()
    }
}

impl Drop for ParseProbe {
    fn drop(&mut self) {
        if ACTIVE.fetch_sub(1, Ordering::SeqCst) == 1
            && let Ok(mut events) = EVENTS.lock()
            && ACTIVE.load(Ordering::SeqCst) == 0
        {
            events.clear();
        }
    }
}
