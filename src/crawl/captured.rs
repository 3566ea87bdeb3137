//! A crawl of a WARC replay (`migrate <file.warc.gz>`) records each copy as the capture it was
//! replayed from (the WARC file's name and the record's `WARC-Date`), not as a live fetch at
//! replay time: the replay ([`crate::warc::replay`]) collects the dates while it reads the
//! records, and the crawl records an entry's or asset's capture as its provenance when it writes
//! the page or the file. So the one extract that follows already says where each copy came from.

use std::collections::BTreeMap;

use super::{CrawlError, Ctx};
use crate::model::EntryId;
use crate::provenance::{Origin, Provenance};

/// One capture's file and time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureDate {
    /// The WARC file's name.
    pub file: String,
    /// The record's `WARC-Date` (RFC 3339, UTC), as the record states it.
    pub date: String,
}

impl CaptureDate {
    /// The provenance origin of a copy from this capture.
    #[must_use]
    pub fn origin(&self) -> Origin {
        Origin::Warc {
            file: self.file.clone(),
            warc_date: self.date.clone(),
        }
    }
}

/// The captures a replay serves: entry pages by id, assets by their original URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaptureDates {
    /// The capture each entry page was served from.
    pub entries: BTreeMap<EntryId, CaptureDate>,
    /// The capture each asset was served from.
    pub assets: BTreeMap<String, CaptureDate>,
}

/// Where the copy of entry `id` the crawl just wrote came from, when the replay served it from a
/// capture (`None`: a live fetch).
pub(crate) fn page_origin(ctx: &Ctx, id: EntryId) -> Option<Origin> {
    Some(ctx.captures.as_ref()?.entries.get(&id)?.origin())
}

/// Records the capture of the page of `id` just written as its provenance (a crawl of a live blog
/// records nothing: no provenance row means live).
pub(crate) fn record_page_capture(ctx: &Ctx, id: EntryId) -> Result<(), CrawlError> {
    if let Some(origin) = page_origin(ctx, id) {
        ctx.db().record_provenance(
            id,
            &Provenance {
                origin,
                visibility: None,
                choice: None,
                assets: Vec::new(),
            },
        )?;
    }
    Ok(())
}

/// Records the capture of the asset at `url` just saved as its origin.
pub(crate) fn record_asset_capture(ctx: &Ctx, url: &str) -> Result<(), CrawlError> {
    if let Some(c) = ctx.captures.as_ref().and_then(|c| c.assets.get(url)) {
        ctx.db().record_asset_origin(url, &c.origin())?;
    }
    Ok(())
}
