//! Why `verify` could not run at all (gaps are findings in the report, not errors). Each
//! variant names the directory or file and keeps its cause; the exit code of each is decided in
//! [`crate::exit`].

use std::path::PathBuf;

use crate::archive::db::DbError;
use crate::archive::layout::ARCHIVE_DB;

/// Why verify could not run.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The directory has no `archive.db`.
    #[error(
        "{} is not an archive (no {ARCHIVE_DB}): verify checks what crawl or migrate made; for saved pages run `tistory-migrate migrate <DIR> --out <ARCHIVE>` first",
        path.display()
    )]
    NotAnArchive {
        /// The directory.
        path: PathBuf,
    },
    /// The state database could not be read.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The HTML report could not be written.
    #[error("cannot write the HTML report")]
    Html(#[source] crate::error::Error),
    /// `--naver` could not run: no bundle to compare with, or the check itself failed.
    #[error(
        "verify --naver: the check compares Naver with the bundle, which cannot be read; make it with `tistory-migrate bundle {}`",
        archive.display()
    )]
    NaverBundle {
        /// The archive.
        archive: PathBuf,
        /// Why.
        #[source]
        source: crate::naver_check::NaverError,
    },
    /// `--naver` with nothing published yet.
    #[error(
        "verify --naver: the ledger records no published post yet: publish posts with `tistory-migrate desk` first"
    )]
    NothingPublished,
    /// The Naver check could not run (no HTTP client, no runtime).
    #[error("verify --naver")]
    Naver(#[source] crate::naver_check::NaverError),
}
