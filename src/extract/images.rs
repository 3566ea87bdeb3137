//! The original URL of an image or file, whatever form the page uses: `span[data-url]`, `img src`,
//! the `fname=` parameter of `img1.daumcdn.net/thumb/...` thumbnails, `t1.daumcdn.net/cfile/...`,
//! protocol-relative and relative links, and the editor's stored tokens (`[##_Image|kage@…_##]`,
//! `[##_1C|cfile…_##]`, `[##_File|kage@…_##]`). Pure string functions.

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

/// Resolves `raw` against the page URL and upgrades thumbnails to their original.
/// Returns `None` for empty, `data:`, `javascript:` and placeholder URLs.
#[must_use]
pub fn original_url(raw: &str, base: Option<&Url>) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.starts_with('#') {
        return None;
    }
    // Judged as a browser parses it: `java&#9;script:` and `\x01javascript:` are `javascript:`.
    if !super::url_safety::is_safe_url(raw) {
        return None;
    }
    let lower = raw.to_ascii_lowercase();
    if lower.contains("no-image") && lower.contains("tistory") {
        return None;
    }
    let absolute = if let Some(rest) = raw.strip_prefix("//") {
        // Protocol-relative: the page's own scheme (an http-only blog serves its images over http).
        let scheme = base
            .map(Url::scheme)
            .filter(|s| matches!(*s, "http" | "https"))
            .unwrap_or("https");
        Url::parse(&format!("{scheme}://{rest}")).ok()
    } else {
        match Url::parse(raw) {
            Ok(u) => Some(u),
            Err(url::ParseError::RelativeUrlWithoutBase) => base.and_then(|b| b.join(raw).ok()),
            Err(_) => None,
        }
    };
    let Some(url) = absolute else {
        // A relative URL with no page URL to resolve it against (e.g. `./img/a.png` in an export):
        // keep it as written so the link still works next to the saved page.
        return (!raw.contains(char::is_whitespace) || raw.starts_with("./"))
            .then(|| raw.to_string());
    };
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    Some(upgrade_thumbnail(url))
}

/// `https://img1.daumcdn.net/thumb/R1280x0/?scode=mtistory2&fname=<original>` → `<original>`;
/// `https://t1.daumcdn.net/cfile/tistory/<id>` → `…/<id>?original`.
fn upgrade_thumbnail(url: Url) -> String {
    let host = url.host_str().unwrap_or_default();
    if host.ends_with("daumcdn.net")
        && url.path().starts_with("/thumb/")
        && let Some((_, fname)) = url.query_pairs().find(|(k, _)| k == "fname")
        && let Ok(inner) = Url::parse(&fname)
    {
        return upgrade_thumbnail(inner);
    }
    if host == "t1.daumcdn.net"
        && url.path().starts_with("/cfile/tistory/")
        && url.query().is_none()
    {
        return format!("{url}?original");
    }
    url.into()
}

/// An asset named by a stored editor token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenAsset {
    /// An image (`[##_Image|…_##]`, `[##_1C|…_##]`, …).
    Image {
        /// The original URL.
        url: String,
        /// The recorded file name.
        filename: Option<String>,
        /// The caption written in the token, if any.
        caption: Option<String>,
    },
    /// A file (`[##_File|…_##]`).
    File {
        /// The download URL.
        url: String,
        /// The file name.
        name: String,
        /// The size label.
        size: Option<String>,
    },
}

/// A stored editor token in body text.
pub static EDITOR_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)\[##_([A-Za-z0-9]+)\|(.*?)_##\]").expect("token regex is valid")
});
static ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(\w+)="([^"]*)""#).expect("attr regex is valid"));
static CFILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^cfile(\d+)\.uf\.([0-9A-Fa-f]{16,})(?:\.\w+)?$").expect("cfile regex is valid")
});

/// `kage@A/B/C/img.jpg` → `https://blog.kakaocdn.net/dn/A/B/C/img.jpg` (the kage store behind
/// blog.kakaocdn.net; GUESS from matching ids, see the anatomy note §5).
fn kage_url(reference: &str) -> Option<String> {
    let path = reference.strip_prefix("kage@")?;
    Some(format!("https://blog.kakaocdn.net/dn/{path}"))
}

/// `cfile30.uf.11613F345148691C3095BD.png` → `https://t1.daumcdn.net/cfile/tistory/11613F345148691C3095BD?original`.
fn cfile_url(name: &str) -> Option<String> {
    let c = CFILE.captures(name)?;
    Some(format!(
        "https://t1.daumcdn.net/cfile/tistory/{}?original",
        &c[2]
    ))
}

fn attr(attrs: &str, key: &str) -> Option<String> {
    ATTR.captures_iter(attrs)
        .find(|c| &c[1] == key)
        .map(|c| c[2].to_string())
        .filter(|v| !v.is_empty())
}

/// Reads the assets of one editor token (`kind` = the part after `[##_`, `body` = the rest).
#[must_use]
pub fn token_assets(kind: &str, body: &str) -> Vec<TokenAsset> {
    let fields: Vec<&str> = body.split('|').collect();
    match kind {
        "Image" => {
            // Image|kage@…|CDM|1.3|{json}
            let Some(url) = fields.first().and_then(|r| kage_url(r)) else {
                return Vec::new();
            };
            let json = fields
                .iter()
                .skip(3)
                .find(|f| f.trim_start().starts_with('{'));
            let meta: Option<serde_json::Value> = json.and_then(|j| serde_json::from_str(j).ok());
            let filename = meta
                .as_ref()
                .and_then(|m| m["filename"].as_str())
                .map(str::to_string);
            let caption = meta
                .as_ref()
                .and_then(|m| m["caption"].as_str())
                .map(str::to_string)
                .filter(|c| !c.is_empty());
            vec![TokenAsset::Image {
                url,
                filename,
                caption,
            }]
        }
        "ImageGrid" | "ImageSlide" => fields
            .iter()
            .filter_map(|f| kage_url(f))
            .map(|url| TokenAsset::Image {
                url,
                filename: None,
                caption: None,
            })
            .collect(),
        "File" => {
            let Some(url) = fields.first().and_then(|r| kage_url(r)) else {
                return Vec::new();
            };
            let attrs = fields.get(1).copied().unwrap_or_default();
            let name = attr(attrs, "filename")
                .or_else(|| url.rsplit('/').next().map(str::to_string))
                .unwrap_or_default();
            vec![TokenAsset::File {
                url,
                name,
                size: attr(attrs, "size"),
            }]
        }
        // Old editor: 1C/1L/1R (one image), 2C (two), 3C (three): groups of file|attrs|caption.
        k if k.len() == 2 && k.as_bytes()[0].is_ascii_digit() => fields
            .chunks(3)
            .filter_map(|group| {
                let url = cfile_url(group.first()?.trim())?;
                let attrs = group.get(1).copied().unwrap_or_default();
                let caption = group
                    .get(2)
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty());
                Some(TokenAsset::Image {
                    url,
                    filename: attr(attrs, "filename"),
                    caption,
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(
        "https://img1.daumcdn.net/thumb/R1280x0/?scode=mtistory2&fname=https%3A%2F%2Fblog.kakaocdn.net%2Fdn%2FbA%2FbtsX%2Fk1%2Fimg.png",
        "https://blog.kakaocdn.net/dn/bA/btsX/k1/img.png"
    )]
    #[case(
        "//t1.daumcdn.net/cfile/tistory/99996A425A60BBAB2B",
        "https://t1.daumcdn.net/cfile/tistory/99996A425A60BBAB2B?original"
    )]
    #[case(
        "https://t1.daumcdn.net/cfile/tistory/99996A425A60BBAB2B?original",
        "https://t1.daumcdn.net/cfile/tistory/99996A425A60BBAB2B?original"
    )]
    #[case(
        "http://cfile2.uf.tistory.com/image/27659D375697546430C530",
        "http://cfile2.uf.tistory.com/image/27659D375697546430C530"
    )]
    #[case("/attachment/a.png", "https://river.tistory.com/attachment/a.png")]
    fn resolves_originals(#[case] raw: &str, #[case] want: &str) {
        let base = Url::parse("https://river.tistory.com/12").unwrap();
        assert_eq!(original_url(raw, Some(&base)).as_deref(), Some(want));
    }

    #[rstest]
    #[case("")]
    #[case("javascript:alert(1)")]
    #[case("data:image/png;base64,AAAA")]
    #[case("https://t1.daumcdn.net/tistory_admin/static/images/no-image-v1.png")]
    #[case("ftp://example.com/a.png")]
    #[case("java\tscript:alert(1)")]
    #[case("\u{1}javascript:alert(1)")]
    fn rejects_non_images(#[case] raw: &str) {
        assert_eq!(original_url(raw, None), None);
    }

    #[test]
    fn protocol_relative_takes_the_pages_scheme() {
        let http = Url::parse("http://blog.example.kr/12").unwrap();
        assert_eq!(
            original_url("//cfile7.uf.tistory.com/image/1871C5", Some(&http)).as_deref(),
            Some("http://cfile7.uf.tistory.com/image/1871C5")
        );
        assert_eq!(
            original_url("//cfile7.uf.tistory.com/image/1871C5", None).as_deref(),
            Some("https://cfile7.uf.tistory.com/image/1871C5")
        );
    }

    #[test]
    fn relative_without_base_is_kept() {
        assert_eq!(
            original_url("./img/img.png", None).as_deref(),
            Some("./img/img.png")
        );
    }

    #[test]
    fn reads_editor_tokens() {
        let t = r#"kage@cGPUdf/btsJX8HCeOh/ja2TG9hzmNHwcC3O9WgXGK/img.jpg|CDM|1.3|{"originWidth":1280,"filename":"house.jpg"}"#;
        assert_eq!(
            token_assets("Image", t),
            vec![TokenAsset::Image {
                url:
                    "https://blog.kakaocdn.net/dn/cGPUdf/btsJX8HCeOh/ja2TG9hzmNHwcC3O9WgXGK/img.jpg"
                        .into(),
                filename: Some("house.jpg".into()),
                caption: None
            }]
        );
        let t = r#"cfile30.uf.11613F345148691C3095BD.png|width="665" filename="nextforge.png"|"#;
        assert_eq!(
            token_assets("1C", t),
            vec![TokenAsset::Image {
                url: "https://t1.daumcdn.net/cfile/tistory/11613F345148691C3095BD?original".into(),
                filename: Some("nextforge.png".into()),
                caption: None
            }]
        );
        let t = r#"kage@VNgA8/btsJVHCl1l6/jwmoofPKV3KxgeipKmx0a0/tfile.pdf|filename="안내.pdf" size="0.17MB" data-ke-align="alignCenter"|"#;
        assert_eq!(
            token_assets("File", t),
            vec![TokenAsset::File {
                url: "https://blog.kakaocdn.net/dn/VNgA8/btsJVHCl1l6/jwmoofPKV3KxgeipKmx0a0/tfile.pdf".into(),
                name: "안내.pdf".into(),
                size: Some("0.17MB".into())
            }]
        );
    }
}
