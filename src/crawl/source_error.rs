//! Why one discovery source (a listing page, a mobile list page, a sitemap, the feed) gave
//! nothing. Never fatal: the crawler logs it as a warning naming the address and goes on with the
//! other sources. Each variant keeps the cause (the fetch, the page decoder, the document parser).

use crate::discover::{AddressError, DocumentError};
use crate::fetch::FetchError;

/// A discovery request that gave no usable document.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SourceError {
    /// robots.txt forbids the address.
    #[error("{url} is disallowed by robots.txt")]
    Disallowed {
        /// The address.
        url: String,
    },
    /// The request failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The server answered with something other than 200.
    #[error("{url} answered {status}")]
    Status {
        /// The address.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// The page could not be decoded (the error names it).
    #[error(transparent)]
    Decode(#[from] crate::Error),
    /// The body is not the document the source serves.
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// A document that did not read as the one asked for (the source error says how).
    #[error("{url} cannot be read")]
    Unreadable {
        /// The address.
        url: String,
        /// Why.
        #[source]
        source: DocumentError,
    },
    /// An address could not be built from a configured endpoint.
    #[error(transparent)]
    Address(#[from] AddressError),
    /// The Wayback Machine's CDX listing kept giving resume keys.
    #[error("the CDX listing of {host} did not end after {pages} pages")]
    Unending {
        /// The host listed.
        host: String,
        /// The pages read.
        pages: usize,
    },
    /// The source's address could not be built on the blog's base.
    #[error("cannot build the address {path} on the blog")]
    BlogAddress {
        /// The path.
        path: String,
        /// The URL parser's error.
        #[source]
        source: url::ParseError,
    },
}
