//! WARC (ISO 28500, WARC/1.1): the web-archiving standard's copy of a crawl, beside the normal
//! archive. `crawl --warc` records every HTTP exchange the fetcher makes (through the fetcher's
//! [`tap`](crate::fetch::tap)) into `<archive>/warc/*.warc.gz` with a CDXJ index; `serve` and
//! `migrate` accept a WARC file or folder (ours, wget's, any tool's) as a source; `verify`
//! checks the WARC against the archive.
//!
//! - [`record`]: records as bytes (pure); [`http`]: the HTTP message inside (pure);
//!   [`cdxj`]: index lines (pure) and `index.cdxj`.
//! - [`writer`] and [`recorder`]: files written one gzip member per record, `.open` until
//!   finished; [`recover`]: what a killed run left.
//! - [`inflate_cap`]: the recording run's `--max-body-bytes`, kept in `warcinfo` and used when
//!   a recorded body is inflated again.
//! - [`reader`]: records with offsets; [`replay`]: a WARC as a replay [`Site`](crate::serve::Site);
//!   [`facts`]: what verify needs from the WARC files.
//!
//! Bytes as received: a recording fetcher sends no `Accept-Encoding`, so servers answer
//! unencoded and the payload recorded is the body as sent; a body a server encoded anyway is
//! recorded encoded, with its headers. Chunked framing is removed by the HTTP client before the
//! body is seen, so a chunked response is recorded de-chunked with its `Transfer-Encoding` header
//! as received (readers here de-chunk only when the payload is framed). Digests are sha256.

pub mod captures;
pub mod cdxj;
pub mod facts;
pub mod http;
pub mod inflate_cap;
pub mod load_error;
pub mod reader;
pub mod record;
pub mod recorder;
pub mod recover;
pub mod replay;
#[cfg(test)]
mod tests;
pub mod writer;

pub use self::recorder::{WarcRecorder, WarcSummary};

/// The `archive.db` meta key set once a crawl of the archive has recorded a WARC: from then on,
/// verify checks the WARC, and a missing `warc/` folder is a gap.
pub const WARC_META: &str = "warc";
pub use self::writer::{DEFAULT_WARC_MAX_BYTES, WARC_DIR, WarcError, WarcOptions};
