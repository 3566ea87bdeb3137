//! [`Memo`]: the posts already made in this run, each under the [`fingerprint`] of what it was
//! made from. The crawl makes each post's Markdown as its page and files land; the extract stage
//! at the end of the same run reuses a post only when the post and every input it reads are the
//! same now (and its Markdown file still holds what was written), and makes it again otherwise.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{PostInputs, WrittenPost};
use crate::archive::hash::sha256_hex;
use crate::archive::layout;
use crate::model::{EntryId, Post};

/// The fingerprint of a post's Markdown and row: the post as extracted (its URL completed), the
/// archive state it reads, and the saved page it was read from (relative to the archive). Equal
/// fingerprints make equal outputs: nothing else goes into them.
#[must_use]
pub fn fingerprint(post: &Post, inputs: &PostInputs, source_rel: &str) -> String {
    let mut bytes = serde_json::to_vec(post).expect("a post always serialises");
    // `Debug` prints every field, in declaration order, of plain data (no maps): a stable text.
    bytes.extend_from_slice(format!("\0{inputs:?}\0{source_rel}").as_bytes());
    sha256_hex(&bytes)
}

/// One post made earlier in the run.
struct Made {
    fingerprint: String,
    written: WrittenPost,
}

/// The posts made so far in one run, for one archive.
pub struct Memo {
    out: PathBuf,
    made: Mutex<HashMap<EntryId, Made>>,
    reused: AtomicUsize,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo")
            .field("out", &self.out)
            .field("posts", &self.len())
            .finish_non_exhaustive()
    }
}

impl Memo {
    /// An empty memo for the archive at `out`.
    #[must_use]
    pub fn new(out: &Path) -> Self {
        Self {
            out: out.to_path_buf(),
            made: Mutex::new(HashMap::new()),
            reused: AtomicUsize::new(0),
        }
    }

    /// The archive it is for.
    #[must_use]
    pub fn out(&self) -> &Path {
        &self.out
    }

    fn made(&self) -> std::sync::MutexGuard<'_, HashMap<EntryId, Made>> {
        // Entries are inserted whole: a panic elsewhere cannot leave one half-made.
        self.made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Keeps what making post `id` from inputs with `fingerprint` came to (not a post whose
    /// Markdown could not be made: that is reported by the stage that makes it again).
    pub fn record(&self, id: EntryId, fingerprint: String, written: WrittenPost) {
        if written.problem.is_some() {
            return;
        }
        let made = Made {
            fingerprint,
            written,
        };
        self.made().insert(id, made);
    }

    /// What post `id` came to, when it was made in this run from the same fingerprint and its
    /// Markdown file in `out` still holds what was written then.
    #[must_use]
    pub fn reuse(&self, out: &Path, id: EntryId, fingerprint: &str) -> Option<WrittenPost> {
        if out != self.out {
            return None;
        }
        let written = {
            let made = self.made();
            let m = made.get(&id)?;
            if m.fingerprint != fingerprint {
                return None;
            }
            m.written.clone()
        };
        if let Some(expected) = &written.document_sha256 {
            let file = layout::resolve(out, &layout::markdown_rel(id));
            let held = std::fs::read(&file).ok()?;
            if &sha256_hex(&held) != expected {
                return None;
            }
        }
        self.reused
            .fetch_add(usize::from(written.markdown_written), Ordering::Relaxed);
        Some(written)
    }

    /// How many Markdown files [`Memo::reuse`] gave back (posts without one are not counted).
    #[must_use]
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// How many posts are kept.
    #[must_use]
    pub fn len(&self) -> usize {
        self.made().len()
    }

    /// True when no post is kept.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
