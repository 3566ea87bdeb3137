//! The comment count each post page prints, read while the page is in memory (its page is judged
//! on the blocking pool, beside the requests in flight) instead of by reading every saved page
//! again once the pages are in: the comments pass plans every post at once, after the last page,
//! with no request left to overlap it. A count is used only for the very page it was read from
//! (the same sha256 and the same address); any other page is read from disk as before, so the
//! plan is the one [`super::comments_plan`] makes from the saved pages.

use std::collections::HashMap;
use std::sync::Mutex;

use url::Url;

use super::comment_count::page_comment_count;
use crate::archive::db::EntryRow;
use crate::model::EntryId;

/// The counts read this run, by entry; empty when the run fetches no comments.
#[derive(Debug, Default)]
pub(crate) struct PageCounts {
    /// False when the run fetches no comments: nothing is read then.
    wanted: bool,
    counted: Mutex<HashMap<EntryId, Counted>>,
}

/// One page's count, with what identifies the page it was read from.
#[derive(Debug)]
struct Counted {
    sha256: String,
    url: Url,
    count: Option<u64>,
}

impl PageCounts {
    /// Counts kept when `wanted` (the run fetches comments).
    pub(crate) fn new(wanted: bool) -> Self {
        Self {
            wanted,
            counted: Mutex::new(HashMap::new()),
        }
    }

    fn counted(&self) -> std::sync::MutexGuard<'_, HashMap<EntryId, Counted>> {
        self.counted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Reads the count `body` (entry `id`'s page, saved with `sha256` and recorded at `url`)
    /// prints, resolving `url` as the comments plan does (`base`/`id` when it does not parse).
    pub(crate) fn note(&self, id: EntryId, sha256: &str, url: &str, base: &Url, body: &[u8]) {
        if !self.wanted {
            return;
        }
        let Some(url) = plan_url(Some(url), base, id) else {
            return;
        };
        let count = page_comment_count(&String::from_utf8_lossy(body), id, &url);
        self.counted().insert(
            id,
            Counted {
                sha256: sha256.to_owned(),
                url,
                count,
            },
        );
    }

    /// The count read from `e`'s recorded page, when it was read this run from that very page;
    /// `None` when it was not (the plan reads the saved page then).
    pub(crate) fn of(&self, e: &EntryRow, base: &Url) -> Option<Option<u64>> {
        let sha256 = e.page_sha256.as_deref()?;
        let url = plan_url(e.url.as_deref(), base, e.id)?;
        let counted = self.counted();
        let c = counted.get(&e.id)?;
        (c.sha256 == sha256 && c.url == url).then_some(c.count)
    }
}

/// The address the comments plan reads a page's count against: its recorded URL, else the
/// entry's address on the blog.
pub(crate) fn plan_url(recorded: Option<&str>, base: &Url, id: EntryId) -> Option<Url> {
    recorded
        .and_then(|u| Url::parse(u).ok())
        .or_else(|| base.join(&id.to_string()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: EntryId, sha: &str, url: &str) -> EntryRow {
        EntryRow {
            id,
            url: Some(url.into()),
            state: crate::archive::db::EntryState::Ok,
            http_status: Some(200),
            attempts: 1,
            last_error: None,
            etag: None,
            last_modified: None,
            page_sha256: Some(sha.into()),
            raw_file: Some(format!("raw/{id}.html")),
            sources: Vec::new(),
        }
    }

    #[test]
    fn a_count_answers_only_for_the_page_it_was_read_from() {
        let base = Url::parse("https://river.tistory.com/").unwrap();
        // Tistory's own count element for entry 7 (comment_count.rs reads it).
        let page = br#"<html><body><span id="commentCount7">3</span></body></html>"#;
        let counts = PageCounts::new(true);
        counts.note(7, "aa", "https://river.tistory.com/7", &base, page);
        assert_eq!(
            counts.of(&row(7, "aa", "https://river.tistory.com/7"), &base),
            Some(Some(3))
        );
        assert_eq!(
            counts.of(&row(7, "bb", "https://river.tistory.com/7"), &base),
            None,
            "another page of the same entry is read from disk"
        );
        assert_eq!(
            counts.of(&row(7, "aa", "https://river.tistory.com/m/7"), &base),
            None,
            "a page recorded at another address is read from disk"
        );
        assert_eq!(
            counts.of(&row(8, "aa", "https://river.tistory.com/7"), &base),
            None
        );
        let off = PageCounts::new(false);
        off.note(7, "aa", "https://river.tistory.com/7", &base, page);
        assert_eq!(
            off.of(&row(7, "aa", "https://river.tistory.com/7"), &base),
            None
        );
    }
}
