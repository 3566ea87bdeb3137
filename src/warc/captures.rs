//! The captures of one WARC file, for every reader that replays or checks them: its `response`
//! and `revisit` records, each with its target URL, its HTTP message and the inflation cap the
//! file was recorded under (the latest `warcinfo` before it, [`super::inflate_cap`]). Records of
//! other kinds, and ones whose URL or HTTP message does not parse, are skipped. Pure over the
//! reader.

use url::Url;

use super::http::{HttpResponse, MAX_ENTITY_BYTES};
use super::inflate_cap::recorded_cap;
use super::reader::{ReadRecord, RecordReader, WarcReadError};

/// One `response` or `revisit` record, read.
#[derive(Debug)]
pub struct Capture {
    /// The record (its fields, offset and block).
    pub record: ReadRecord,
    /// `WARC-Target-URI`.
    pub url: Url,
    /// The HTTP message of the block.
    pub http: HttpResponse,
    /// The most a body of this file may inflate to.
    pub cap: u64,
}

impl Capture {
    /// A revisit: no payload of its own.
    #[must_use]
    pub fn is_revisit(&self) -> bool {
        self.record.kind() == "revisit"
    }
}

/// The captures of one file, in file order; an error ends the file's readable part.
pub struct Captures {
    reader: RecordReader,
    cap: u64,
}

impl Captures {
    /// The captures `reader` holds, within the default cap until a `warcinfo` names one.
    #[must_use]
    pub fn new(reader: RecordReader) -> Self {
        Self {
            reader,
            cap: MAX_ENTITY_BYTES,
        }
    }
}

impl Iterator for Captures {
    type Item = Result<Capture, WarcReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let record = match self.reader.next()? {
                Ok(r) => r,
                Err(e) => return Some(Err(e)),
            };
            if let Some(recorded) = recorded_cap(&record) {
                self.cap = recorded;
            }
            if !matches!(record.kind().as_str(), "response" | "revisit") {
                continue;
            }
            let url = record
                .get("WARC-Target-URI")
                .map(|u| u.trim_matches(['<', '>']))
                .and_then(|u| Url::parse(u).ok());
            let (Some(url), Some(http)) = (url, HttpResponse::parse(&record.block)) else {
                continue;
            };
            return Some(Ok(Capture {
                record,
                url,
                http,
                cap: self.cap,
            }));
        }
    }
}
