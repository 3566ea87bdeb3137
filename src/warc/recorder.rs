//! The recorder: a thread that takes the fetcher's exchanges off an [`ExchangeTap`] and writes
//! them with a [`WarcWriter`], acknowledging each once it is in the file (so a page the crawler
//! saves afterwards always has its record). A write failure does not stop the crawl: it is kept
//! and reported by [`WarcRecorder::finish`], and verify names every record that is missing.

use std::sync::{Arc, Mutex, PoisonError};

use super::recover::{RecoveryReport, recover};
use super::writer::{WarcError, WarcOptions, WarcStats, WarcWriter};
use crate::fetch::tap::ExchangeTap;

/// What a recording run ended with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WarcSummary {
    /// The folder.
    pub dir: std::path::PathBuf,
    /// What this run wrote.
    pub stats: WarcStats,
    /// What recovery did before the run.
    pub recovery: RecoveryReport,
    /// Exchanges that could not be written, one message each.
    pub errors: Vec<String>,
    /// Lines in `index.cdxj`.
    pub indexed: usize,
}

impl WarcSummary {
    /// The lines the crawl prints.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::new();
        for line in self.recovery.lines() {
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&format!(
            "warc: {} exchanges recorded ({} responses, {} revisits) in {} new file(s) in {}; {} captures indexed in {}\n",
            self.stats.requests,
            self.stats.responses,
            self.stats.revisits,
            self.stats.files.len(),
            self.dir.display(),
            self.indexed,
            super::cdxj::INDEX_FILE,
        ));
        for e in &self.errors {
            out.push_str(&format!("warc: error: {e}\n"));
        }
        out
    }
}

struct Shared {
    writer: Option<WarcWriter>,
    errors: Vec<String>,
}

/// A running recorder.
pub struct WarcRecorder {
    shared: Arc<Mutex<Shared>>,
    dir: std::path::PathBuf,
    recovery: RecoveryReport,
}

impl WarcRecorder {
    /// Recovers what an earlier run left in `opts.dir`, opens the writer and starts the thread.
    /// Give the tap to the fetcher.
    ///
    /// # Errors
    /// When recovery fails or the folder cannot be written.
    pub fn start(opts: WarcOptions) -> Result<(ExchangeTap, WarcRecorder), WarcError> {
        let recovery = recover(&opts.dir)?;
        let dir = opts.dir.clone();
        let writer = WarcWriter::open(opts)?;
        let shared = Arc::new(Mutex::new(Shared {
            writer: Some(writer),
            errors: Vec::new(),
        }));
        let (tap, mut rx) = ExchangeTap::channel();
        let thread_shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("warc-writer".into())
            .spawn(move || {
                while let Some(tapped) = rx.blocking_next() {
                    {
                        let mut shared =
                            thread_shared.lock().unwrap_or_else(PoisonError::into_inner);
                        let url = tapped.exchange.url.to_string();
                        let result = match shared.writer.as_mut() {
                            Some(w) => w.write_exchange(&tapped.exchange),
                            None => Err(WarcError::Write {
                                path: std::path::PathBuf::new(),
                                source: std::io::Error::other("the recorder was already finished"),
                            }),
                        };
                        if let Err(e) = result {
                            shared
                                .errors
                                .push(format!("{url}: {}", crate::report::error_chain(&e)));
                        }
                    }
                    tapped.acknowledge();
                }
            })
            .map_err(|source| WarcError::Write {
                path: dir.clone(),
                source,
            })?;
        Ok((
            tap,
            WarcRecorder {
                shared,
                dir,
                recovery,
            },
        ))
    }

    /// Finishes the open file and writes the index. Call it after the crawl: exchanges sent
    /// later are reported as errors.
    ///
    /// # Errors
    /// When the last file cannot be finished or the index written.
    pub fn finish(self) -> Result<WarcSummary, WarcError> {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(mut writer) = shared.writer.take() else {
            return Ok(WarcSummary::default());
        };
        let stats = writer.finish()?;
        let indexed = count_lines(&self.dir.join(super::cdxj::INDEX_FILE));
        Ok(WarcSummary {
            dir: self.dir.clone(),
            stats,
            recovery: self.recovery.clone(),
            errors: shared.errors.clone(),
            indexed,
        })
    }
}

fn count_lines(path: &std::path::Path) -> usize {
    std::fs::read_to_string(path)
        .map(|t| t.lines().count())
        .unwrap_or(0)
}
