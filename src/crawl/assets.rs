//! Downloading a post's images and attachments right after its page (Tistory's signed image URLs
//! expire), into `assets/<ab>/<sha256>.<ext>`: content-addressed, so the same file is stored once
//! and no name taken from a page can leave the archive. A failed asset is recorded as missing on
//! the post and retried on the next run; it never fails the post.

use crate::archive::hash::sha256_hex;
use url::Url;

use super::sniff::{describe, sniff_image};
use crate::archive::layout::{asset_rel, resolve};
use crate::archive::store::write_atomic;
use crate::fetch::{FetchError, Fetched, Fetcher};

/// A stored asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAsset {
    /// sha256 of the bytes, hex.
    pub sha256: String,
    /// The file, relative to the archive.
    pub file: String,
    /// The content type served.
    pub content_type: Option<String>,
    /// Size in bytes.
    pub size: u64,
}

/// The URL to fetch an asset from: the original, or through the replay server's asset proxy.
#[must_use]
pub fn asset_fetch_url(original: &str, proxy: Option<&Url>) -> Option<Url> {
    match proxy {
        Some(p) => {
            let mut u = p.join(crate::serve::ASSET_PROXY_PATH).ok()?;
            u.query_pairs_mut().append_pair("url", original);
            Some(u)
        }
        None => Url::parse(original).ok(),
    }
}

/// The file extension for an asset: from the content type, else from the URL's last segment.
#[must_use]
pub fn asset_extension(content_type: Option<&str>, url: &str) -> String {
    let mime = content_type
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let by_type = match mime.as_str() {
        "image/png" => "png",
        "image/jpeg" | "image/jpg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/svg+xml" => "svg",
        "image/bmp" => "bmp",
        "application/pdf" => "pdf",
        "application/zip" => "zip",
        "application/x-hwp" | "application/haansofthwp" => "hwp",
        _ => "",
    };
    if !by_type.is_empty() {
        return by_type.to_string();
    }
    let path = Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_default();
    let last = path.rsplit('/').next().unwrap_or_default();
    let ext = last.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
    ext.chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The end of an error message for an asset the server answered 404 or 410 for: the file is
/// gone, and `verify` lists it as lost rather than as a gap. The state is
/// [`AssetState::Gone`](crate::model::AssetState::Gone); this is only words.
pub use crate::model::GONE_HINT;

/// Why an asset is missing.
#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    /// The fetch failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The server answered 404 or 410: the file is gone at the source. Final, recorded as
    /// [`AssetState::Gone`](crate::model::AssetState::Gone) with [`AssetError::gone_answer`], and
    /// no reason to fetch its post's page again (the URL was fresh: assets are fetched right
    /// after their page).
    #[error("{url} answered {status}{GONE_HINT}")]
    Gone {
        /// The URL.
        url: String,
        /// 404 or 410.
        status: u16,
    },
    /// The server answered with an error status (403 = an expired signed URL, usually).
    #[error("{url} answered {status}{hint}")]
    Status {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
        /// A hint for the user.
        hint: &'static str,
    },
    /// An image URL served something that is not an image (an HTML error page, say).
    #[error("{url} served {content_type}, not an image")]
    NotAnImage {
        /// The URL.
        url: String,
        /// What it served.
        content_type: String,
    },
    /// An attachment URL served an HTML page (a login or error page, often behind a redirect)
    /// where a file that is no web page was linked.
    #[error("{url} served an HTML page ({content_type}), not the attached file")]
    NotTheFile {
        /// The URL.
        url: String,
        /// What it served.
        content_type: String,
    },
    /// The URL cannot be fetched.
    #[error("{url} is not a URL that can be downloaded")]
    BadUrl {
        /// The URL.
        url: String,
    },
    /// The file could not be written (the error names it).
    #[error(transparent)]
    Write(crate::Error),
}

impl AssetError {
    /// For a file gone at the source, the answer that said so (`<url> answered 404`): what the
    /// archive records with the state.
    #[must_use]
    pub fn gone_answer(&self) -> Option<String> {
        match self {
            Self::Gone { url, status } => Some(format!("{url} answered {status}")),
            _ => None,
        }
    }
}

/// Downloads one asset and stores it by content hash under `archive`.
///
/// # Errors
/// An [`AssetError`] naming the URL; nothing is written then.
pub async fn download_asset(
    fetcher: &Fetcher,
    archive: &std::path::Path,
    original: &str,
    is_image: bool,
    proxy: Option<&Url>,
) -> Result<StoredAsset, AssetError> {
    let fetched = fetch_asset_bytes(fetcher, original, proxy).await?;
    store_asset(archive, original, is_image, &fetched)
}

/// The request half of [`download_asset`]: GETs the asset; a status other than 200 is an error.
///
/// # Errors
/// An [`AssetError`] naming the URL.
pub async fn fetch_asset_bytes(
    fetcher: &Fetcher,
    original: &str,
    proxy: Option<&Url>,
) -> Result<Fetched, AssetError> {
    let url = asset_fetch_url(original, proxy).ok_or_else(|| AssetError::BadUrl {
        url: original.to_string(),
    })?;
    let fetched = fetcher.get(&url, None).await?;
    if matches!(fetched.status, 404 | 410) {
        return Err(AssetError::Gone {
            url: original.to_string(),
            status: fetched.status,
        });
    }
    if fetched.status != 200 {
        let hint = match fetched.status {
            403 => " (an expired signed URL? the page is fetched again on the next run)",
            _ => "",
        };
        return Err(AssetError::Status {
            url: original.to_string(),
            status: fetched.status,
            hint,
        });
    }
    Ok(fetched)
}

/// The store half of [`download_asset`] (blocking: hashing and a synced write): checks that an
/// image is one by its bytes, and stores the bytes by content hash under `archive`.
///
/// # Errors
/// [`AssetError::NotAnImage`], or [`AssetError::Write`] when the file cannot be written;
/// nothing is written then.
pub fn store_asset(
    archive: &std::path::Path,
    original: &str,
    is_image: bool,
    fetched: &Fetched,
) -> Result<StoredAsset, AssetError> {
    let content_type = fetched.content_type.clone();
    // An image is what its bytes say, whatever the Content-Type claims.
    let format = sniff_image(&fetched.body);
    if is_image && format.is_none() {
        return Err(AssetError::NotAnImage {
            url: original.to_string(),
            content_type: format!(
                "{} (as {})",
                describe(&fetched.body),
                content_type.as_deref().unwrap_or("no content type")
            ),
        });
    }
    if !is_image && super::sniff::is_html_document(&fetched.body) && !names_web_page(original) {
        return Err(AssetError::NotTheFile {
            url: original.to_string(),
            content_type: content_type
                .as_deref()
                .unwrap_or("no content type")
                .to_string(),
        });
    }
    let sha256 = sha256_hex(&fetched.body);
    let extension = match format {
        Some(f) if is_image => f.extension().to_owned(),
        _ => asset_extension(content_type.as_deref(), original),
    };
    let file = asset_rel(&sha256, &extension);
    let path = resolve(archive, &file);
    let size = fetched.body.len() as u64;
    // Content-addressed: an existing file with this name holds these bytes, unless it was
    // damaged on disk (same size, other bytes), so its hash is checked before it is trusted.
    let whole = std::fs::metadata(&path).is_ok_and(|m| m.len() == size)
        && std::fs::read(&path).is_ok_and(|b| sha256_hex(&b) == sha256);
    if !whole {
        write_atomic(&path, &fetched.body).map_err(AssetError::Write)?;
    }
    Ok(StoredAsset {
        sha256,
        file,
        content_type,
        size,
    })
}

/// True when the URL's file name says it is a web page or text (`.html`, `.txt`, ...): an
/// attachment that may well start like an HTML page.
fn names_web_page(url: &str) -> bool {
    matches!(
        asset_extension(None, url).as_str(),
        "html" | "htm" | "xhtml" | "txt" | "text" | "xml"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        assert_eq!(asset_extension(Some("image/png"), "https://x/a.jpg"), "png");
        assert_eq!(
            asset_extension(
                Some("application/octet-stream"),
                "https://x/dn/a/b/tfile.PDF?x=1"
            ),
            "pdf"
        );
        assert_eq!(asset_extension(None, "https://x/dn/a/b/img"), "");
        // Hostile names can only ever give a short alphanumeric extension.
        let hostile = asset_extension(None, "https://x/a.../..%2F..%2Fetc%2Fpasswd.ph/p?x=.exe");
        assert!(
            hostile.len() <= 8 && hostile.chars().all(|c| c.is_ascii_alphanumeric()),
            "{hostile}"
        );
    }

    #[test]
    fn proxy_urls_carry_the_original() {
        let proxy = Url::parse("http://127.0.0.1:9/").unwrap();
        let u = asset_fetch_url(
            "https://blog.kakaocdn.net/dn/a/img.png?x=1&y=2",
            Some(&proxy),
        )
        .unwrap();
        let (_, v) = u.query_pairs().find(|(k, _)| k == "url").unwrap();
        assert_eq!(v, "https://blog.kakaocdn.net/dn/a/img.png?x=1&y=2");
        assert_eq!(u.path(), crate::serve::ASSET_PROXY_PATH);
    }
}
