//! The library's one error type. Each variant names the thing that failed (a file, a URL, a post id)
//! and, where there is one, says what the user can do about it. Command code adds context with
//! `anyhow`; the library never prints.

use std::io;
use std::path::PathBuf;

/// Everything the library can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read.
    #[error("cannot read {path}")]
    ReadInput {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A file in the archive could not be written.
    #[error("cannot write {path}; check that the directory is writable and the disk is not full")]
    WriteArchive {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The input file is empty.
    #[error("{path} is empty (0 bytes): it is not a saved page; save it again or remove it")]
    EmptyPage {
        /// The file.
        path: PathBuf,
    },
    /// The input file holds binary data, not HTML.
    #[error("{path} is not an HTML page (it looks like binary data)")]
    BinaryPage {
        /// The file.
        path: PathBuf,
    },
    /// The input file is larger than the page size limit.
    #[error(
        "{path} is {size} bytes, over the {limit}-byte page limit; no Tistory page is that large. Raise it with --max-page-bytes if this is really a post"
    )]
    PageTooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The page holds HTML but nothing that Tistory writes.
    #[error(
        "{path} is not a Tistory page (no Tistory markers: no T.config, article:txid, tt-body id or contents_style)"
    )]
    NotTistory {
        /// The file.
        path: PathBuf,
    },
    /// The page nests elements deeper than extraction walks (a stack overflow otherwise).
    #[error(
        "{path}: elements are nested {depth} deep, more than the {limit} a browser's parser builds; this page is not extracted (the rest of the run goes on). Re-save it from a browser, which flattens such nesting"
    )]
    TooDeep {
        /// The file.
        path: PathBuf,
        /// How deep the page nests.
        depth: usize,
        /// The deepest nesting extracted.
        limit: usize,
    },
    /// The page looks like a post, but no entry id could be found.
    #[error(
        "{path}: cannot tell the post's entry id (no article:txid, canonical link or entryInfo); name the file <id>.html"
    )]
    NoEntryId {
        /// The file.
        path: PathBuf,
    },
    /// A selector profile is not TOML, or names a key a profile does not have.
    #[error(
        "selector profile {path} cannot be read (keys: title, date, author, category, tags, body)"
    )]
    SelectorProfile {
        /// The profile file.
        path: PathBuf,
        /// The TOML reader's error (it names the line and the key).
        #[source]
        source: Box<toml::de::Error>,
    },
    /// A selector in a profile does not parse.
    #[error("selector profile {path}: a selector does not parse")]
    BadSelector {
        /// The profile file.
        path: PathBuf,
        /// Which selector, and what the CSS parser says.
        #[source]
        source: Box<CssSyntax>,
    },
}

/// A selector of a profile the CSS parser refuses. The parser's own error borrows the selector
/// text, so its words are kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {css:?} is not a CSS selector ({parser_says})")]
pub struct CssSyntax {
    /// The profile key it is listed under.
    pub key: &'static str,
    /// The selector as written.
    pub css: String,
    /// What the CSS parser says.
    pub parser_says: String,
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
