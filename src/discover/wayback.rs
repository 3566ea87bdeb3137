//! The Wayback Machine as a discovery source: the CDX API's rows for a blog's hosts, read into
//! entry ids and their snapshots. The query asks for `output=json`,
//! `fl=timestamp,original,statuscode,mimetype,digest`, `filter=statuscode:200`, `collapse=digest`
//! and pages with `showResumeKey=true` (the last rows of a page are `[]` then `[key]`), as the
//! CDX server's documentation and the peers that use it do. Pure: the crawl sends the requests.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use super::error::{AddressError, DocumentError};
use super::normalize::{EntryRef, entry_ref_in_path};

use crate::model::EntryId;

/// The public Wayback Machine.
pub const DEFAULT_WAYBACK_ENDPOINT: &str = "https://web.archive.org";
/// Rows asked for per CDX request.
pub const CDX_PAGE_ROWS: usize = 5_000;
/// The most CDX pages one crawl reads per host (a guard against a resume key that never ends).
pub const MAX_CDX_PAGES: usize = 200;

static ENTRY_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^/(?:m/)?(?:entry/|notice/)?(\d{1,12})/?$").expect("valid regex")
});

/// One CDX row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdxRow {
    /// 14-digit capture time (UTC).
    pub timestamp: String,
    /// The URL as captured.
    pub original: String,
    /// The status the capture got.
    pub status: Option<u16>,
    /// Its MIME type.
    pub mimetype: String,
    /// Content digest.
    pub digest: String,
}

/// One page of CDX results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CdxPage {
    /// The rows.
    pub rows: Vec<CdxRow>,
    /// The key that asks for the next page, when there is one.
    pub resume_key: Option<String>,
}

/// The CDX query for every capture under `host`, from `resume_key` on.
///
/// # Errors
/// [`AddressError`] when the URL cannot be built from `endpoint`.
pub fn cdx_query(
    endpoint: &Url,
    host: &str,
    resume_key: Option<&str>,
) -> Result<Url, AddressError> {
    let mut url = endpoint
        .join("/cdx/search/cdx")
        .map_err(|source| AddressError {
            what: "the CDX query".to_owned(),
            base: endpoint.clone(),
            source,
        })?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("url", &format!("{host}/*"))
            .append_pair("output", "json")
            .append_pair("fl", "timestamp,original,statuscode,mimetype,digest")
            .append_pair("filter", "statuscode:200")
            .append_pair("collapse", "digest")
            .append_pair("showResumeKey", "true")
            .append_pair("limit", &CDX_PAGE_ROWS.to_string());
        if let Some(k) = resume_key {
            q.append_pair("resumeKey", k);
        }
    }
    Ok(url)
}

/// Reads one CDX JSON answer (an empty body is an empty page).
///
/// # Errors
/// [`DocumentError`] when the body is not the CDX JSON table.
pub fn parse_cdx(body: &str) -> Result<CdxPage, DocumentError> {
    if body.trim().is_empty() {
        return Ok(CdxPage::default());
    }
    let table: Vec<Vec<String>> =
        serde_json::from_str(body).map_err(|source| DocumentError::NotJson {
            what: "CDX table",
            source,
        })?;
    let mut rows = table.into_iter();
    let Some(header) = rows.next() else {
        return Ok(CdxPage::default());
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(ts), Some(orig)) = (col("timestamp"), col("original")) else {
        return Err(DocumentError::CdxHeader { header });
    };
    let (status, mime, digest) = (col("statuscode"), col("mimetype"), col("digest"));
    let mut page = CdxPage::default();
    let mut after_blank = false;
    for row in rows {
        if row.is_empty() {
            after_blank = true;
            continue;
        }
        if after_blank {
            page.resume_key = row.into_iter().next().filter(|k| !k.is_empty());
            break;
        }
        let get = |i: Option<usize>| i.and_then(|i| row.get(i)).cloned().unwrap_or_default();
        page.rows.push(CdxRow {
            timestamp: get(Some(ts)),
            original: get(Some(orig)),
            status: get(status).parse().ok(),
            mimetype: get(mime),
            digest: get(digest),
        });
    }
    Ok(page)
}

/// The entry id a captured URL names (`/123`, `/m/123`, `/entry/123`, `/notice/123`), when its host
/// is one of the blog's.
#[must_use]
pub fn entry_id_of(original: &str, hosts: &[String]) -> Option<EntryId> {
    ENTRY_PATH.captures(&own_path(original, hosts)?)?[1]
        .parse()
        .ok()
}

/// The path of a captured URL, when its host is one of the blog's.
pub(super) fn own_path(original: &str, hosts: &[String]) -> Option<String> {
    let url = Url::parse(original).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    hosts
        .iter()
        .any(|h| h.eq_ignore_ascii_case(&host))
        .then(|| url.path().to_owned())
}

/// The decoded slug a captured URL names (`/entry/<slug>`, also under `/m/`: the one path rule,
/// [`entry_ref_in_path`]), when its host is one of the blog's and [`entry_id_of`] reads no id.
#[must_use]
pub fn slug_of_capture(original: &str, hosts: &[String]) -> Option<String> {
    if entry_id_of(original, hosts).is_some() {
        return None;
    }
    match entry_ref_in_path(&own_path(original, hosts)?)? {
        EntryRef::Slug(slug) => Some(slug),
        EntryRef::Id(_) => None,
    }
}

fn is_post_capture(row: &CdxRow) -> bool {
    row.status.is_none_or(|s| s == 200) && row.mimetype.starts_with("text/html")
}

fn newest_first<K>(map: &mut BTreeMap<K, Vec<CdxRow>>) {
    for snaps in map.values_mut() {
        sort_newest_first(snaps);
    }
}

/// Sorts captures newest first, without repeats.
pub fn sort_newest_first(snaps: &mut Vec<CdxRow>) {
    snaps.sort_by(|a, b| b.timestamp.cmp(&a.timestamp));
    snaps.dedup_by(|a, b| a.timestamp == b.timestamp && a.original == b.original);
}

/// The post-page captures of each slug permalink (decoded slug), newest first (HTML captures
/// with status 200 only).
#[must_use]
pub fn slug_snapshots(rows: &[CdxRow], hosts: &[String]) -> BTreeMap<String, Vec<CdxRow>> {
    let mut by_slug: BTreeMap<String, Vec<CdxRow>> = BTreeMap::new();
    for row in rows.iter().filter(|r| is_post_capture(r)) {
        if let Some(slug) = slug_of_capture(&row.original, hosts) {
            by_slug.entry(slug).or_default().push(row.clone());
        }
    }
    newest_first(&mut by_slug);
    by_slug
}

/// The post-page captures of each entry id, newest first (HTML captures with status 200 only).
#[must_use]
pub fn post_snapshots(rows: &[CdxRow], hosts: &[String]) -> BTreeMap<EntryId, Vec<CdxRow>> {
    let mut by_id: BTreeMap<EntryId, Vec<CdxRow>> = BTreeMap::new();
    for row in rows.iter().filter(|r| is_post_capture(r)) {
        if let Some(id) = entry_id_of(&row.original, hosts) {
            by_id.entry(id).or_default().push(row.clone());
        }
    }
    newest_first(&mut by_id);
    by_id
}

/// A snapshot's raw bytes: `/web/<timestamp><flag>/<url>` with `id_` (as captured, no rewriting)
/// for pages and `im_` for images (the archive answers with the nearest capture of that URL).
///
/// # Errors
/// [`AddressError`] when the URL cannot be built.
pub fn snapshot_url(
    endpoint: &Url,
    timestamp: &str,
    flag: &str,
    original: &str,
) -> Result<Url, AddressError> {
    let ts: String = timestamp
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect();
    endpoint
        .join(&format!("/web/{ts}{flag}/{original}"))
        .map_err(|source| AddressError {
            what: format!("the capture of {original}"),
            base: endpoint.clone(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CDX: &str = r#"[["timestamp","original","statuscode","mimetype","digest"],
["20121212010203","http://hangang.tistory.com/3","200","text/html","AAA"],
["20190304123000","https://hangang.tistory.com/3","200","text/html","BBB"],
["20190304123001","https://hangang.tistory.com/m/7?category=1","200","text/html","CCC"],
["20190304123002","https://hangang.tistory.com/entry/%EC%A0%9C%EB%AA%A9","200","text/html","DDD"],
["20190304123003","https://hangang.tistory.com/3/img.png","200","image/png","EEE"],
["20190304123004","https://other.tistory.com/9","200","text/html","FFF"],
["20190304123005","https://hangang.tistory.com/notice/10","200","text/html","GGG"],
[],
["com,tistory,hangang)/notice/10 20190304123005"]]"#;

    #[test]
    fn reads_rows_ids_and_the_resume_key() {
        let page = parse_cdx(CDX).unwrap();
        assert_eq!(page.rows.len(), 7);
        assert_eq!(
            page.resume_key.as_deref(),
            Some("com,tistory,hangang)/notice/10 20190304123005")
        );
        let hosts = vec!["hangang.tistory.com".to_string()];
        let snaps = post_snapshots(&page.rows, &hosts);
        assert_eq!(snaps.keys().copied().collect::<Vec<_>>(), [3, 7, 10]);
        assert_eq!(snaps[&3][0].timestamp, "20190304123000", "newest first");
        assert_eq!(snaps[&3].len(), 2);
        let slugs = slug_snapshots(&page.rows, &hosts);
        assert_eq!(slugs.keys().collect::<Vec<_>>(), ["제목"]);
        assert_eq!(slugs["제목"][0].timestamp, "20190304123002");
        assert_eq!(parse_cdx("").unwrap(), CdxPage::default());
        assert!(parse_cdx("<html>").is_err());
    }

    #[test]
    fn query_and_snapshot_urls() {
        let ep = Url::parse("http://127.0.0.1:9/").unwrap();
        let q = cdx_query(&ep, "hangang.tistory.com", Some("k 1")).unwrap();
        let s = q.as_str();
        assert!(
            s.starts_with(
                "http://127.0.0.1:9/cdx/search/cdx?url=hangang.tistory.com%2F*&output=json"
            ),
            "{s}"
        );
        assert!(s.contains("fl=timestamp%2Coriginal%2Cstatuscode%2Cmimetype%2Cdigest"));
        assert!(s.contains("filter=statuscode%3A200&collapse=digest&showResumeKey=true"));
        assert!(s.ends_with("&resumeKey=k+1"), "{s}");
        assert_eq!(
            snapshot_url(
                &ep,
                "20190304123000",
                "id_",
                "https://hangang.tistory.com/3"
            )
            .unwrap()
            .as_str(),
            "http://127.0.0.1:9/web/20190304123000id_/https://hangang.tistory.com/3"
        );
    }
}
