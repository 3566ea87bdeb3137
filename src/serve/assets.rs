//! The replay's remote assets: which original URL (an image on `blog.kakaocdn.net`, an attachment)
//! has a body, and where that body is. Lookups go through this in-memory map only: a request can
//! never name a file, so nothing outside the site directory is ever served.
//!
//! Keys ignore the scheme and the query string: `http://cfile23.uf.tistory.com/image/X` and
//! `https://cfile23.uf.tistory.com/image/X?original` are the same asset, and a signed
//! `…/img.jpg?credential=…&signature=…` URL finds its file whatever the signature says.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use url::Url;

/// Where the body of one asset is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetSource {
    /// A file inside the site directory (checked when the site was loaded), read per request.
    File(PathBuf),
    /// Bytes held in memory (tests add assets this way).
    Bytes(Arc<[u8]>),
}

/// One asset the replay can serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The body.
    pub source: AssetSource,
    /// The `Content-Type` it is served with (from the extension, else from the first bytes).
    pub content_type: String,
}

/// Original asset URL → asset, keyed by host and percent-decoded path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetMap {
    by_key: BTreeMap<String, Asset>,
}

impl AssetMap {
    /// An empty map.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the asset for `url`. Returns false when `url` is not an absolute URL
    /// with a host and a path, which no page could reference.
    pub fn insert(&mut self, url: &str, asset: Asset) -> bool {
        match asset_key(url) {
            Some(key) => {
                self.by_key.insert(key, asset);
                true
            }
            None => false,
        }
    }

    /// Adds an in-memory asset, typed by `url`'s extension or by the bytes themselves.
    pub fn insert_bytes(&mut self, url: &str, bytes: impl Into<Arc<[u8]>>) -> bool {
        let bytes: Arc<[u8]> = bytes.into();
        let content_type = content_type_for(url, &bytes).to_string();
        self.insert(
            url,
            Asset {
                source: AssetSource::Bytes(bytes),
                content_type,
            },
        )
    }

    /// The asset an original URL stands for, if the site has it.
    #[must_use]
    pub fn get(&self, url: &str) -> Option<&Asset> {
        asset_key(url).and_then(|key| self.by_key.get(&key))
    }

    /// Takes the asset out of the map (tests use this to make one go missing).
    pub fn remove(&mut self, url: &str) -> Option<Asset> {
        asset_key(url).and_then(|key| self.by_key.remove(&key))
    }

    /// How many assets the map holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// True when the site has no assets at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

/// The map key of an asset URL: lower-case host, `/`, percent-decoded path without the leading
/// `/`. `None` for relative URLs, URLs without a host and bare hosts (`https://host/`).
#[must_use]
pub(crate) fn asset_key(url: &str) -> Option<String> {
    let parsed = Url::parse(url.trim()).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    let path = percent_decode(parsed.path());
    let path = path.trim_start_matches('/');
    (!path.is_empty()).then(|| format!("{host}/{path}"))
}

pub(crate) use crate::markup::percent_decode_lossy as percent_decode;

/// The `Content-Type` for an asset: by the extension of the URL's (or file's) last path segment,
/// else by the first bytes (Tistory's `cfile` and `/attach/` URLs have no extension), else
/// `application/octet-stream`.
#[must_use]
pub fn content_type_for(name: &str, bytes: &[u8]) -> &'static str {
    let path = name.split(['?', '#']).next().unwrap_or_default();
    let last = path.rsplit('/').next().unwrap_or_default();
    let ext = last
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "hwp" => "application/x-hwp",
        _ => sniff(bytes),
    }
}

fn sniff(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        "image/gif"
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else if bytes.starts_with(b"%PDF-") {
        "application/pdf"
    } else {
        "application/octet-stream"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_scheme_query_and_escapes() {
        assert_eq!(
            asset_key("https://T1.daumcdn.net/cfile/tistory/2221B8?original").as_deref(),
            Some("t1.daumcdn.net/cfile/tistory/2221B8")
        );
        assert_eq!(
            asset_key("http://t1.daumcdn.net/cfile/tistory/2221B8"),
            asset_key("https://t1.daumcdn.net/cfile/tistory/2221B8?x=1")
        );
        assert_eq!(
            asset_key("https://h.example/a/%EC%9E%A5%EB%A7%88.pdf?k=v").as_deref(),
            Some("h.example/a/장마.pdf")
        );
        assert_eq!(asset_key("/relative/img.png"), None);
        assert_eq!(asset_key("https://host.example/"), None);
    }

    #[test]
    fn percent_decoding_keeps_malformed_escapes() {
        assert_eq!(percent_decode("%EB%B4%84-x"), "봄-x");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type_for("https://h/a/img.JPG?x", b""), "image/jpeg");
        assert_eq!(content_type_for("a.hwp", b""), "application/x-hwp");
        assert_eq!(content_type_for("a.svg", b""), "image/svg+xml");
        assert_eq!(
            content_type_for("https://h/image/2765A1", b"GIF89a.."),
            "image/gif"
        );
        assert_eq!(
            content_type_for("https://h/image/2765A1", b"\x89PNG\r\n\x1a\n"),
            "image/png"
        );
        assert_eq!(content_type_for("x", b"plain"), "application/octet-stream");
    }

    #[test]
    fn map_lookup_and_removal() {
        let mut map = AssetMap::new();
        assert!(map.insert_bytes("https://blog.kakaocdn.net/dn/a/img.png", vec![1, 2]));
        assert!(!map.insert_bytes("not a url", vec![1]));
        let asset = map
            .get("http://blog.kakaocdn.net/dn/a/img.png?signature=z")
            .expect("same asset");
        assert_eq!(asset.content_type, "image/png");
        assert!(
            map.remove("https://blog.kakaocdn.net/dn/a/img.png")
                .is_some()
        );
        assert!(map.is_empty());
    }
}
