//! A WARC as a replay source: the captures of a WARC file or folder (ours, wget's, any tool's)
//! become a [`Site`], so `serve` and `migrate` rebuild the blog from it through the same replay
//! server and crawler as a saved folder. The blog is the host with the most entry pages
//! (`/<id>`); its `/`, `/?page=N`, `/<id>`, `/category` and comment JSON
//! (`/m/api/<id>/comment`) captures become pages and comments, and every other successful
//! capture (any host; our asset proxy's `/_replay/asset?url=U` counts as `U`) becomes an asset.
//! When a URL was captured more than once, the last capture wins; a `revisit` takes the payload
//! of the record it refers to. Bodies are unpacked into a temporary folder that lives as long as
//! the [`WarcSite`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};
use url::Url;

use super::reader::{RecordReader, warc_files};
use crate::discover::comments::parse_comments;
use crate::model::EntryId;
use crate::serve::{ASSET_PROXY_PATH, Asset, AssetSource, Site, content_type_for};

/// Why a WARC source could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WarcSourceError {
    /// No WARC file at the path.
    #[error("{path} holds no .warc or .warc.gz file")]
    NoWarc {
        /// The path.
        path: PathBuf,
    },
    /// A file could not be read or the temporary folder written.
    #[error("cannot unpack {path}")]
    Unpack {
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The captures hold no page of a blog.
    #[error("{path}: the WARC holds no page of a Tistory blog ({captures} captures read)")]
    NoPages {
        /// The path.
        path: PathBuf,
        /// How many captures there were.
        captures: usize,
    },
}

/// A site replayed from WARC files.
pub struct WarcSite {
    /// What the replay serves.
    pub site: Site,
    /// The blog's origin in the WARC (`https://name.tistory.com`, or the replay it was made from).
    pub origin: String,
    /// Records skipped or files read with problems, one line each.
    pub notes: Vec<String>,
    /// The file and `WARC-Date` of the capture each page and asset is served from.
    pub captured: crate::crawl::captured::CaptureDates,
    /// The temporary folder the bodies were unpacked to (kept alive with the site).
    unpacked: Unpacked,
}

/// The temporary folder a WARC was unpacked to; deleted when dropped, so keep it as long as the
/// site is served.
#[derive(Debug)]
pub struct Unpacked(#[allow(dead_code)] tempfile::TempDir);

impl WarcSite {
    /// The site and the folder its assets are read from.
    #[must_use]
    pub fn into_parts(self) -> (Site, Unpacked) {
        (self.site, self.unpacked)
    }
}

/// True when `path` is a WARC file, or a folder with WARC files and neither saved pages nor an
/// archive's `raw/`.
#[must_use]
pub fn is_warc_source(path: &Path) -> bool {
    if path.is_file() {
        return super::reader::is_warc_name(path);
    }
    if !path.is_dir() || path.join(crate::archive::layout::RAW_DIR).is_dir() {
        return false;
    }
    let has_html = std::fs::read_dir(path).is_ok_and(|d| {
        d.filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "html"))
    });
    !has_html && warc_files(path).is_ok_and(|f| !f.is_empty())
}

/// One successful capture, its entity unpacked into a blob file.
#[derive(Debug, Clone)]
struct Capture {
    url: Url,
    status: u16,
    content_type: Option<String>,
    blob: PathBuf,
    /// The WARC file and the record's `WARC-Date`.
    captured: crate::crawl::captured::CaptureDate,
}

/// Where a capture goes in the site.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    Listing(u32),
    Entry(EntryId),
    Category,
    Comments(EntryId, Option<u64>),
    Asset(String),
}

fn query_pairs(url: &Url) -> Vec<(String, String)> {
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn origin_key(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// Where a capture of `url` belongs, given the blog's origin.
fn place(url: &Url, blog: &str) -> Place {
    if url.path() == ASSET_PROXY_PATH
        && let Some((_, original)) = query_pairs(url).into_iter().find(|(k, _)| k == "url")
    {
        return Place::Asset(original);
    }
    if origin_key(url) != blog {
        return Place::Asset(url.to_string());
    }
    let path = url.path().trim_end_matches('/');
    let pairs = query_pairs(url);
    let only_page = match pairs.as_slice() {
        [] => Some(1),
        [(k, v)] if k == "page" => v.parse().ok().filter(|n| *n >= 1),
        _ => None,
    };
    if path.is_empty()
        && let Some(n) = only_page
    {
        return Place::Listing(n);
    }
    if pairs.is_empty() {
        if let Some(id) = path.strip_prefix('/').and_then(|p| p.parse().ok()) {
            return Place::Entry(id);
        }
        if path == "/category" {
            return Place::Category;
        }
    }
    if let Some(id) = path
        .strip_prefix("/m/api/")
        .and_then(|p| p.strip_suffix("/comment"))
        .and_then(|p| p.parse().ok())
    {
        let start = pairs
            .iter()
            .find(|(k, _)| k == "startId")
            .and_then(|(_, v)| v.parse().ok());
        return Place::Comments(id, start);
    }
    Place::Asset(url.to_string())
}

/// The origin with the most entry-like captures (`/<digits>`), first seen on a tie.
fn blog_origin(captures: &[Capture]) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for c in captures {
        let key = origin_key(&c.url);
        let entry_like =
            c.url.path().trim_start_matches('/').parse::<u64>().is_ok() || c.url.path() == "/";
        let slot = match counts.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                counts.push((key, 0));
                counts.len() - 1
            }
        };
        counts[slot].1 += usize::from(entry_like);
    }
    let best = counts.iter().map(|(_, n)| *n).max().filter(|n| *n > 0)?;
    counts.into_iter().find(|(_, n)| *n == best).map(|(k, _)| k)
}

/// Reads every capture of `files`, unpacking entities into `blobs/`.
fn read_captures(files: &[PathBuf], blobs: &Path, notes: &mut Vec<String>) -> Vec<Capture> {
    let mut captures = Vec::new();
    // Record id → blob, and (URL, payload digest) → blob, for revisits.
    let mut by_id: HashMap<String, PathBuf> = HashMap::new();
    let mut by_digest: HashMap<(String, String), PathBuf> = HashMap::new();
    for file in files {
        let reader = match RecordReader::open(file) {
            Ok(r) => r,
            Err(e) => {
                notes.push(e.to_string());
                continue;
            }
        };
        // Bodies inflate within the cap the file was recorded under (its `warcinfo`).
        for capture in super::captures::Captures::new(reader) {
            let c = match capture {
                Ok(c) => c,
                Err(e) => {
                    notes.push(format!("{e}; the records before it are used"));
                    break;
                }
            };
            let kind = if c.is_revisit() {
                "revisit"
            } else {
                "response"
            };
            let (url, http, record, cap) = (c.url, c.http, c.record, c.cap);
            let digest = record
                .get("WARC-Payload-Digest")
                .unwrap_or_default()
                .to_string();
            let blob = if kind == "revisit" {
                let refers = record.get("WARC-Refers-To").and_then(|id| by_id.get(id));
                let target = record
                    .get("WARC-Refers-To-Target-URI")
                    .unwrap_or(url.as_str())
                    .to_string();
                match refers.or_else(|| by_digest.get(&(target, digest.clone()))) {
                    Some(b) => b.clone(),
                    None => {
                        notes.push(format!(
                            "{}: a revisit of {url} whose original record is not in these files; skipped",
                            file.display()
                        ));
                        continue;
                    }
                }
            } else {
                let entity = match http.entity_within(cap) {
                    Ok(e) => e,
                    Err(why) => {
                        notes.push(format!(
                            "{}: {url}: {}; skipped",
                            file.display(),
                            crate::report::error_chain(&why)
                        ));
                        continue;
                    }
                };
                let blob = blobs.join(hex::encode(Sha256::digest(&entity)));
                if !blob.exists()
                    && let Err(e) = std::fs::write(&blob, &entity)
                {
                    notes.push(format!("{}: cannot unpack {url}: {e}", blob.display()));
                    continue;
                }
                if let Some(id) = record.get("WARC-Record-ID") {
                    by_id.insert(id.to_string(), blob.clone());
                }
                by_digest.insert((url.to_string(), digest), blob.clone());
                blob
            };
            captures.push(Capture {
                url,
                status: http.status,
                content_type: http.header("Content-Type").map(str::to_string),
                blob,
                captured: crate::crawl::captured::CaptureDate {
                    file: file.file_name().map_or_else(
                        || file.display().to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    ),
                    date: record.get("WARC-Date").unwrap_or("unknown").to_string(),
                },
            });
        }
    }
    captures
}

/// Orders a post's comment pages along their `nextId` chain, from the page without `startId`.
fn chain(pages: &BTreeMap<Option<u64>, PathBuf>) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut start = None;
    while let Some(path) = pages.get(&start) {
        let Ok(text) = std::fs::read_to_string(path) else {
            break;
        };
        let (Ok(value), Ok(page)) = (serde_json::from_str(&text), parse_comments(&text)) else {
            break;
        };
        out.push(value);
        match page.next_start_id {
            Some(next) if !page.is_last && Some(next) != start && out.len() < pages.len() => {
                start = Some(next);
            }
            _ => break,
        }
    }
    out
}

/// Loads a WARC file or folder as a replay site.
///
/// # Errors
/// [`WarcSourceError`] when there is no WARC, it cannot be unpacked, or it holds no blog page.
pub fn load_warc_site(path: &Path) -> Result<WarcSite, WarcSourceError> {
    let unpack = |source: std::io::Error| WarcSourceError::Unpack {
        path: path.to_path_buf(),
        source,
    };
    let files = warc_files(path).map_err(unpack)?;
    if files.is_empty() {
        return Err(WarcSourceError::NoWarc {
            path: path.to_path_buf(),
        });
    }
    let dir = tempfile::Builder::new()
        .prefix("tistory-migrate-warc-")
        .tempdir()
        .map_err(unpack)?;
    let blobs = dir.path().join("blobs");
    let pages = dir.path().join("site");
    for d in [&blobs, &pages.join("comments")] {
        std::fs::create_dir_all(d).map_err(unpack)?;
    }
    let mut notes = Vec::new();
    let captures = read_captures(&files, &blobs, &mut notes);
    let no_pages = || WarcSourceError::NoPages {
        path: path.to_path_buf(),
        captures: captures.len(),
    };
    let origin = blog_origin(&captures).ok_or_else(no_pages)?;
    let mut comments: BTreeMap<EntryId, BTreeMap<Option<u64>, PathBuf>> = BTreeMap::new();
    let mut assets: BTreeMap<String, &Capture> = BTreeMap::new();
    let mut page_files: BTreeMap<String, &Capture> = BTreeMap::new();
    let mut captured = crate::crawl::captured::CaptureDates::default();
    for c in &captures {
        if c.status != 200 {
            continue;
        }
        match place(&c.url, &origin) {
            Place::Listing(1) => drop(page_files.insert("index.html".into(), c)),
            Place::Listing(n) => drop(page_files.insert(format!("page-{n}.html"), c)),
            Place::Entry(id) => {
                captured.entries.insert(id, c.captured.clone());
                page_files.insert(format!("{id}.html"), c);
            }
            Place::Category => drop(page_files.insert("category.html".into(), c)),
            Place::Comments(id, start) => {
                comments
                    .entry(id)
                    .or_default()
                    .insert(start, c.blob.clone());
            }
            Place::Asset(url) => {
                captured.assets.insert(url.clone(), c.captured.clone());
                assets.insert(url, c);
            }
        }
    }
    for (name, c) in &page_files {
        std::fs::copy(&c.blob, pages.join(name)).map_err(unpack)?;
    }
    for (id, list) in &comments {
        let ordered = chain(list);
        if ordered.is_empty() {
            notes.push(format!("comments of {id}: no readable first page; skipped"));
            continue;
        }
        let json = serde_json::to_vec(&ordered).map_err(|e| unpack(e.into()))?;
        std::fs::write(pages.join("comments").join(format!("{id}.json")), json).map_err(unpack)?;
    }
    let mut site = Site::load(&pages).map_err(|_| no_pages())?;
    for (url, c) in assets {
        let content_type = c.content_type.clone().unwrap_or_else(|| {
            let head = std::fs::read(&c.blob).unwrap_or_default();
            content_type_for(&url, &head[..head.len().min(64)]).to_string()
        });
        site.assets.insert(
            &url,
            Asset {
                source: AssetSource::File(c.blob.clone()),
                content_type,
            },
        );
    }
    notes.append(&mut site.notes);
    Ok(WarcSite {
        site,
        origin,
        notes,
        captured,
        unpacked: Unpacked(dir),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_follow_the_blog_url_scheme() {
        let blog = "http://127.0.0.1:9";
        let p = |u: &str| place(&Url::parse(u).unwrap(), blog);
        assert_eq!(p("http://127.0.0.1:9/"), Place::Listing(1));
        assert_eq!(p("http://127.0.0.1:9/?page=3"), Place::Listing(3));
        assert_eq!(p("http://127.0.0.1:9/10"), Place::Entry(10));
        assert_eq!(p("http://127.0.0.1:9/category"), Place::Category);
        assert_eq!(
            p("http://127.0.0.1:9/m/api/10/comment?startId=5"),
            Place::Comments(10, Some(5))
        );
        assert_eq!(
            p("http://127.0.0.1:9/m/api/10/comment"),
            Place::Comments(10, None)
        );
        assert_eq!(
            p("http://127.0.0.1:9/_replay/asset?url=https%3A%2F%2Fcdn.example%2Fa.png"),
            Place::Asset("https://cdn.example/a.png".into())
        );
        assert_eq!(
            p("https://cdn.example/10"),
            Place::Asset("https://cdn.example/10".into())
        );
        assert_eq!(
            p("http://127.0.0.1:9/10?x=1"),
            Place::Asset("http://127.0.0.1:9/10?x=1".into())
        );
    }
}
