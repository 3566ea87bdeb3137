//! When and from which file each page and asset of a WARC replay was captured, so the archive
//! `migrate <file.warc.gz>` makes says its copies came from those captures (the file name and
//! the record's `WARC-Date`), not from a live fetch at replay time. The replay ([`super::replay`])
//! collects the dates while it reads the records; after the crawl of the replay,
//! [`record_capture_provenance`] writes them into `archive.db` as provenance of every entry and
//! asset the replay served.

use std::collections::BTreeMap;
use std::path::Path;

use crate::archive::db::{ArchiveDb, DbError};
use crate::archive::layout::ARCHIVE_DB;
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
    fn origin(&self) -> Origin {
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

/// What [`record_capture_provenance`] recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CapturesRecorded {
    /// Entries whose provenance now names their capture.
    pub entries: usize,
    /// Assets whose origin now names their capture.
    pub assets: usize,
}

/// Records the captures as provenance in the archive at `out`: each entry with a saved page the
/// crawl recorded as live, and each saved asset with no other origin, that the replay served
/// from a capture. Copies from a backup or a snapshot are left as they are.
///
/// # Errors
/// [`DbError`] when the archive state cannot be read or written.
pub fn record_capture_provenance(
    out: &Path,
    captured: &CaptureDates,
) -> Result<CapturesRecorded, DbError> {
    let db = ArchiveDb::open(&out.join(ARCHIVE_DB))?;
    let mut done = CapturesRecorded::default();
    for e in db.entries()? {
        let Some(capture) = captured.entries.get(&e.id) else {
            continue;
        };
        if e.raw_file.is_none() {
            continue;
        }
        let earlier = db.provenance(e.id)?;
        if earlier
            .as_ref()
            .is_some_and(|p| !matches!(p.origin, Origin::Live { .. }))
        {
            continue;
        }
        db.record_provenance(
            e.id,
            &Provenance {
                origin: capture.origin(),
                visibility: earlier.as_ref().and_then(|p| p.visibility),
                choice: None,
                assets: Vec::new(),
            },
        )?;
        done.entries += 1;
    }
    for (url, capture) in &captured.assets {
        if matches!(db.asset_origin(url)?, Some(Origin::Live { .. })) {
            db.record_asset_origin(url, &capture.origin())?;
            done.assets += 1;
        }
    }
    Ok(done)
}
