//! Why a saved blog (WARC files, a folder of saved pages, an archive) could not be replayed: what
//! `serve` and `migrate <DIR>` report. Kept here, above both the replay server and the WARC
//! reader whose errors it wraps, so that the exit-code mapping can name it without importing the
//! commands.

use crate::serve::{ServeError, SiteError};
use crate::warc::replay::WarcSourceError;

/// Why a saved blog could not be loaded for replay (the source error names the file).
#[derive(Debug, thiserror::Error)]
pub enum LoadSiteError {
    /// WARC files that could not be read.
    #[error(transparent)]
    Warc(#[from] WarcSourceError),
    /// A folder of saved pages or an archive that could not be read.
    #[error(transparent)]
    Site(#[from] SiteError),
}

/// Why `serve` stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeDirError {
    /// The source could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadSiteError),
    /// The replay server could not start.
    #[error(transparent)]
    Start(#[from] ServeError),
}
