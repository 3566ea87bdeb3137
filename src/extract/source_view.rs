//! What an extraction reads of its [`PageSource`]. Besides the page's HTML and the selector
//! profile, an extraction depends on its source only through three facts, each read only when the
//! page itself does not tell: the URL it was served from (when the page names no permalink), the
//! entry id its file name or URL gives (when the page names none), and whether it was served as
//! not found (HTTP 404; classification reads the status as nothing else). The source's path only
//! names the page in errors. A [`SourceView`] hands these facts to the extraction and notes which
//! it read, so an extraction can be reused for another source that agrees on them (like HTTP's
//! `Vary`): see [`super::memo`].

use std::cell::RefCell;

use super::PageSource;
use crate::model::EntryId;

/// The facts of a source an extraction read; `None` for a fact it never read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SourceReads {
    url: Option<Option<String>>,
    id_hint: Option<Option<EntryId>>,
    served_not_found: Option<bool>,
}

impl SourceReads {
    /// True when `source` gives the same answer to every fact read: an extraction of the same
    /// HTML with the same profile from `source` comes out the same.
    pub(crate) fn agree_with(&self, source: &PageSource) -> bool {
        self.url.as_ref().is_none_or(|u| *u == source.url)
            && self.id_hint.is_none_or(|i| i == source.id_hint)
            && self
                .served_not_found
                .is_none_or(|n| n == served_not_found(source))
    }
}

fn served_not_found(source: &PageSource) -> bool {
    source.http_status == Some(404)
}

/// A source as an extraction sees it: each fact is noted when read.
#[derive(Debug)]
pub(crate) struct SourceView<'s> {
    source: &'s PageSource,
    reads: RefCell<SourceReads>,
}

impl<'s> SourceView<'s> {
    pub(crate) fn new(source: &'s PageSource) -> Self {
        Self {
            source,
            reads: RefCell::new(SourceReads::default()),
        }
    }

    /// The source itself, for what names the page (its path, in errors).
    pub(crate) fn source(&self) -> &'s PageSource {
        self.source
    }

    /// The URL the page was served from, when known.
    pub(crate) fn url(&self) -> Option<&'s str> {
        self.reads.borrow_mut().url = Some(self.source.url.clone());
        self.source.url.as_deref()
    }

    /// The entry id the file name or the URL asked for gives.
    pub(crate) fn id_hint(&self) -> Option<EntryId> {
        self.reads.borrow_mut().id_hint = Some(self.source.id_hint);
        self.source.id_hint
    }

    /// True when the page was served with HTTP 404.
    pub(crate) fn served_not_found(&self) -> bool {
        let answer = served_not_found(self.source);
        self.reads.borrow_mut().served_not_found = Some(answer);
        answer
    }

    /// What was read.
    pub(crate) fn into_reads(self) -> SourceReads {
        self.reads.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(url: Option<&str>, id_hint: Option<EntryId>, status: Option<u16>) -> PageSource {
        PageSource {
            path: "x".into(),
            url: url.map(str::to_string),
            id_hint,
            http_status: status,
        }
    }

    #[test]
    fn facts_never_read_do_not_matter() {
        let served = source(None, Some(7), Some(200));
        let reads = SourceView::new(&served).into_reads();
        assert!(reads.agree_with(&source(Some("https://x/1"), None, Some(404))));
    }

    #[test]
    fn each_fact_read_must_agree() {
        let a = source(None, Some(7), None);
        let view = SourceView::new(&a);
        assert_eq!(view.id_hint(), Some(7));
        assert!(!view.served_not_found());
        let reads = view.into_reads();
        // 200 and no status both say "not served as not found".
        assert!(reads.agree_with(&source(Some("https://x/1"), Some(7), Some(200))));
        assert!(!reads.agree_with(&source(None, Some(7), Some(404))));
        assert!(!reads.agree_with(&source(None, None, None)));

        let view = SourceView::new(&a);
        assert_eq!(view.url(), None);
        let reads = view.into_reads();
        assert!(!reads.agree_with(&source(Some("https://x/1"), Some(7), None)));
        assert!(reads.agree_with(&source(None, Some(8), Some(404))));
    }
}
