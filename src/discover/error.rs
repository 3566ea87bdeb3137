//! Why a discovery document (a sitemap, a feed, a mobile JSON page, a comment page, a CDX table)
//! could not be read, or a discovery address could not be built. Each variant names the document
//! and keeps the parser's own error as its source; the crawler turns them into warnings (a
//! failing source never stops discovery). Pure: no I/O.

/// A discovery document that cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// The body is empty or blank.
    #[error("the {what} is empty")]
    Empty {
        /// The document ("sitemap", "feed", "entry list", …).
        what: &'static str,
    },
    /// The body is not well-formed XML.
    #[error("the {what} is not well-formed XML")]
    NotXml {
        /// The document.
        what: &'static str,
        /// The XML parser's error.
        #[source]
        source: roxmltree::Error,
    },
    /// The XML's root element is not the one the document has.
    #[error("the {what}'s root element is <{found}>, expected {expected}")]
    WrongRoot {
        /// The document.
        what: &'static str,
        /// The root element found.
        found: String,
        /// What it should be, in words.
        expected: &'static str,
    },
    /// The body is not JSON.
    #[error("the {what} is not JSON")]
    NotJson {
        /// The document.
        what: &'static str,
        /// The JSON parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// The JSON is not an object.
    #[error("the {what} is not a JSON object")]
    NotObject {
        /// The document.
        what: &'static str,
    },
    /// The JSON carries an error `code` (not 200).
    #[error("the {what} answered code {code}{}", message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    Refused {
        /// The document.
        what: &'static str,
        /// The code.
        code: u64,
        /// The message beside it, when there is one.
        message: Option<String>,
    },
    /// The JSON has no array of items.
    #[error("the {what} has no items array (keys: {keys})")]
    NoItems {
        /// The document.
        what: &'static str,
        /// The keys found instead.
        keys: String,
    },
    /// The CDX table's header lacks a column the reader needs.
    #[error("the CDX header {header:?} lacks timestamp or original")]
    CdxHeader {
        /// The header row.
        header: Vec<String>,
    },
}

/// A discovery address that cannot be built from the configured endpoint.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the address of {what} from {base}; check the endpoint given")]
pub struct AddressError {
    /// What the address was for (`the CDX query`, `the capture of <url>`).
    pub what: String,
    /// The endpoint.
    pub base: url::Url,
    /// The URL parser's error.
    #[source]
    pub source: url::ParseError,
}
