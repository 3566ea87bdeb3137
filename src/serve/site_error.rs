//! Why a replay site could not be loaded: a leaf both the loader (`site`) and the folder layouts
//! (`layouts`) use, so neither imports the other for it.

use std::path::PathBuf;

/// Why a site could not be loaded at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SiteError {
    /// The path is not a directory.
    #[error("{path} is not a directory; pass a folder of saved pages or an archive")]
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
    /// The directory could not be listed.
    #[error("cannot list {path}")]
    List {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Nothing in the directory is a page the replay could serve.
    #[error(
        "{path} holds no replayable page (expected <id>.html, index.html or page-N.html, or raw/<id>.html in an archive)"
    )]
    NoPages {
        /// The directory.
        path: PathBuf,
    },
}
