//! The desk: a local web application that walks a person through moving a bundle to Naver Blog,
//! post by post, oldest first (`tistory-migrate desk <BUNDLE>`). For each post it offers the
//! title, the body as rich HTML and the tags on the clipboard, the images in order to drag into
//! SmartEditor ONE, and a field to paste back the published post's URL, which goes into the
//! archive's ledger (`naver_ledger` in `archive.db`). Its pages are in Korean.
//!
//! What it must not do, and how it is kept from it:
//! - listen anywhere but 127.0.0.1 ([`start`] refuses any other address), or answer a request
//!   whose `Host` is not `127.0.0.1:<port>` / `localhost:<port>` (DNS rebinding);
//! - write without the per-run token ([`DeskToken`]): every POST carries it in the form, else 403;
//!   pages need it too, from the printed URL once, then from a cookie;
//! - serve a file outside the bundle ([`files::resolve`]), or anything from another host: pages
//!   inline their CSS and script, and a Content-Security-Policy forbids every other source;
//! - offer a published post again, or any post once today's cap is reached ([`progress`]);
//! - record into an archive whose folders lead outside it (a linked `naver/`): [`start`] refuses
//!   as every archive command does ([`crate::archive::confine`]);
//! - keep state of its own: everything is in the ledger, one transaction per record, so the desk
//!   can be stopped at any moment and started again where it was.
//!
//! ```no_run
//! # async fn demo() -> Result<(), tistory_migrate::desk::DeskError> {
//! use tistory_migrate::desk::{self, DeskOptions};
//!
//! let server = desk::start(std::path::Path::new("output/hangang-notes/naver"), DeskOptions::default()).await?;
//! println!("open {}", server.url());
//! server.shutdown().await;
//! # Ok(()) }
//! ```

mod check;
mod check_run;
pub mod files;
mod http;
mod http_check;
pub mod links;
pub mod load;
mod pages;
mod pages_check;
mod pages_post;
pub mod progress;
mod respond;
mod state;
pub mod token;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;

pub use self::progress::{DEFAULT_DAILY_CAP, DailyCap, MAX_DAILY_CAP, NextPost, Progress};
use self::state::DeskState;
pub use self::token::DeskToken;
use crate::archive::db::DbError;

/// The port the desk listens on when none is given.
pub const DEFAULT_DESK_PORT: u16 = 8700;

/// How the desk runs.
#[derive(Debug, Clone)]
pub struct DeskOptions {
    /// The address to listen on: only 127.0.0.1 is accepted.
    pub host: IpAddr,
    /// The port (0 = any free port).
    pub port: u16,
    /// Posts a day (Korean calendar day) after which no next post is offered.
    pub daily_cap: DailyCap,
    /// The Naver blog id every URL must belong to; `None` = the blog of the first recorded URL.
    pub naver_blog: Option<String>,
    /// The archive directory; `None` = the bundle's parent (see [`load`]).
    pub archive: Option<PathBuf>,
    /// The Naver check behind the check page's button (endpoint, pacing, threshold).
    pub naver_check: crate::naver_check::NaverCheckOptions,
}

impl Default for DeskOptions {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_DESK_PORT,
            daily_cap: DailyCap::default(),
            naver_blog: None,
            archive: None,
            naver_check: crate::naver_check::NaverCheckOptions::default(),
        }
    }
}

/// What is wrong with `--naver-blog`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NaverBlogProblem {
    /// It is not a Naver blog id.
    #[error("not a Naver blog id (letters, digits, - and _)")]
    NotAnId,
    /// The ledger already records posts on another Naver blog.
    #[error("the ledger already records posts on the blog {recorded:?}")]
    OtherThanTheLedger {
        /// The blog the ledger records.
        recorded: String,
    },
}

/// Why the desk could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeskError {
    /// The bundle directory cannot be opened.
    #[error(
        "cannot open the bundle directory {path}; pass the bundle directory, the one holding bundle.json that `tistory-migrate bundle` writes (ARCHIVE/naver/)"
    )]
    BundleDir {
        /// The directory given.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file of the bundle cannot be read.
    #[error(
        "cannot read the bundle file {path}; is this a bundle made by `tistory-migrate bundle`?"
    )]
    BundleFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A JSON file of the bundle cannot be parsed.
    #[error(
        "the bundle file {path} is not what `tistory-migrate bundle` writes; rebuild the bundle with `tistory-migrate bundle`"
    )]
    BundleJson {
        /// The file.
        path: PathBuf,
        /// What the JSON reader says.
        #[source]
        source: serde_json::Error,
    },
    /// Files of the bundle are missing or changed since it was made.
    #[error(
        "the bundle {path} was changed after it was made; rebuild it with `tistory-migrate bundle` (the ledger is kept):\n  {}",
        problems.join("\n  ")
    )]
    Tampered {
        /// The bundle.
        path: PathBuf,
        /// One line per file.
        problems: Vec<String>,
    },
    /// No `archive.db` where the archive should be.
    #[error(
        "no archive.db in {looked_in}: the desk records publications in the archive the bundle was made from; pass --archive DIR (the bundle is {bundle})"
    )]
    NoArchive {
        /// The bundle.
        bundle: PathBuf,
        /// Where the archive was looked for.
        looked_in: PathBuf,
    },
    /// The archive belongs to another blog than the bundle.
    #[error(
        "the archive {archive} is of the blog {archive_blog:?} but the bundle is of {bundle_blog:?}; pass --archive with the bundle's own archive"
    )]
    OtherBlog {
        /// The archive.
        archive: PathBuf,
        /// Its blog.
        archive_blog: String,
        /// The bundle's blog.
        bundle_blog: String,
    },
    /// `--naver-blog` is not a blog id, or disagrees with the ledger.
    #[error("--naver-blog {given:?}: {problem}")]
    NaverBlog {
        /// The value given.
        given: String,
        /// What is wrong.
        problem: NaverBlogProblem,
    },
    /// The desk was asked to listen on another address than 127.0.0.1.
    #[error(
        "the desk listens on 127.0.0.1 only (asked for {addr}): it holds a write token and your archive, so it is never reachable from another machine"
    )]
    NotLoopback {
        /// The address asked for.
        addr: IpAddr,
    },
    /// The port could not be bound.
    #[error(
        "cannot listen on {addr}; is another desk running? Try --port with another number (0 picks a free one)"
    )]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A folder of the archive (its `naver/` bundle, …) leads outside it.
    #[error(transparent)]
    FolderOutside(#[from] crate::archive::confine::FolderOutside),
    /// The archive's database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A running desk. It serves until [`DeskServer::shutdown`] or until dropped.
#[derive(Debug)]
pub struct DeskServer {
    /// Where it listens (always 127.0.0.1).
    pub addr: SocketAddr,
    /// This run's write token.
    pub token: DeskToken,
    /// The archive directory holding the ledger.
    pub archive: PathBuf,
    /// Files in the bundle that its manifest does not list (ignored).
    pub unlisted: Vec<String>,
    running: crate::serve::running::Running,
}

impl DeskServer {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The URL to open: the start page with the token.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}/?token={}", self.addr, self.token.as_str())
    }

    /// Stops accepting connections, lets open requests finish (at most 5 s), and returns.
    pub async fn shutdown(self) {
        self.running.shutdown().await;
    }
}

/// Opens the bundle at `bundle` and its archive, and starts serving the desk on 127.0.0.1. Must be
/// called inside a tokio runtime.
///
/// # Errors
/// [`DeskError`]: a bundle that cannot be read or was changed, no archive, another blog's archive,
/// a bad `--naver-blog`, an address other than 127.0.0.1, a port in use, an archive folder leading outside the archive.
pub async fn start(bundle: &Path, options: DeskOptions) -> Result<DeskServer, DeskError> {
    if options.host != IpAddr::V4(Ipv4Addr::LOCALHOST) {
        return Err(DeskError::NotLoopback { addr: options.host });
    }
    // The bundle as named (`ARCHIVE/naver`), before its links are resolved: a linked `naver/`
    // inside an archive is refused like every other archive command refuses it.
    if let Some(parent) = bundle.parent()
        && parent.join(crate::archive::layout::ARCHIVE_DB).is_file()
    {
        crate::archive::confine::check_folders(parent)?;
    }
    let bundle = load::load_bundle(bundle)?;
    let (archive, db) = load::open_archive(&bundle, options.archive.as_deref())?;
    crate::archive::confine::check_folders(&archive)?;
    let naver_blog = state::check_naver_blog(options.naver_blog.as_deref(), &db.ledger()?)?;
    let wanted = SocketAddr::from((Ipv4Addr::LOCALHOST, options.port));
    let bind_error = |source| DeskError::Bind {
        addr: wanted,
        source,
    };
    let listener = TcpListener::bind(wanted).await.map_err(bind_error)?;
    let addr = listener.local_addr().map_err(bind_error)?;
    let token = DeskToken::generate();
    let unlisted = bundle.unlisted.clone();
    let state = Arc::new(DeskState {
        bundle,
        db: Mutex::new(db),
        token: token.clone(),
        cap: options.daily_cap,
        naver_blog,
        port: addr.port(),
        check: check::DeskCheck::new(options.naver_check),
    });
    let app = http::router(state);
    let running = crate::serve::running::Running::spawn(listener, app, "desk");
    tracing::debug!(%addr, "desk listening");
    Ok(DeskServer {
        addr,
        token,
        archive,
        unlisted,
        running,
    })
}
