//! What verify needs from an archive's WARC files, read once from `<archive>/warc/`: each
//! capture's payload sha256 as recorded (`WARC-Payload-Digest`) and as recomputed from the
//! bytes, keyed by path on the blog's origin and by full URL elsewhere (our asset proxy's
//! `/_replay/asset?url=U` counts as `U`); the comment items each post's comment pages hold; and
//! the files that are unfinished or damaged. Reading only; the judging is `verify::warc`.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest as _, Sha256};
use url::Url;

use super::reader::{RecordReader, warc_files};
use super::record::sha256_hex_of_digest;
use super::writer::OPEN_SUFFIX;
use crate::discover::comments::parse_comments;
use crate::model::EntryId;
use crate::serve::ASSET_PROXY_PATH;

/// One `response` or `revisit` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureFacts {
    /// The HTTP status.
    pub status: u16,
    /// The sha256 the record claims for its payload (hex), when it names a sha256.
    pub recorded_sha256: Option<String>,
    /// The sha256 of the payload bytes in the record (hex); `None` for a revisit (no payload).
    pub actual_sha256: Option<String>,
    /// `file@offset`, for messages.
    pub location: String,
}

impl CaptureFacts {
    /// The payload's sha256 this capture stands for: the recomputed one, or a revisit's claim.
    #[must_use]
    pub fn sha256(&self) -> Option<&str> {
        self.actual_sha256
            .as_deref()
            .or(self.recorded_sha256.as_deref())
    }

    /// True when the record claims a sha256 its bytes do not have.
    #[must_use]
    pub fn digest_broken(&self) -> bool {
        matches!((&self.recorded_sha256, &self.actual_sha256), (Some(r), Some(a)) if r != a)
    }
}

/// Everything verify checks the archive against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WarcFacts {
    /// The folder, as named in messages.
    pub dir: String,
    /// Finished files read.
    pub files: usize,
    /// Files still named `.open` (a run was killed and not resumed).
    pub unfinished: Vec<String>,
    /// Read errors (a damaged record ends its file), one message each.
    pub damaged: Vec<String>,
    /// The blog's origin (the one with the most entry pages), when there is one.
    pub blog_origin: Option<String>,
    /// Captures on the blog's origin by path and query (`/10`, `/m/api/10/comment?startId=3`).
    pub blog: BTreeMap<String, Vec<CaptureFacts>>,
    /// Captures elsewhere by full URL.
    pub other: BTreeMap<String, Vec<CaptureFacts>>,
    /// The comment items of each post, read along its comment pages' `nextId` chain.
    pub comments: BTreeMap<EntryId, Vec<serde_json::Value>>,
}

struct Read {
    url: Url,
    facts: CaptureFacts,
    payload_text: Option<String>,
}

fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// Reads `<archive>/warc/`; `None` when the archive has no WARC folder.
#[must_use]
pub fn read_warc_facts(archive: &Path) -> Option<WarcFacts> {
    let dir = archive.join(super::WARC_DIR);
    if !dir.is_dir() {
        return None;
    }
    let mut facts = WarcFacts {
        dir: dir.display().to_string(),
        ..WarcFacts::default()
    };
    if let Ok(list) = std::fs::read_dir(&dir) {
        let mut open: Vec<String> = list
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(OPEN_SUFFIX))
            .map(|p| p.display().to_string())
            .collect();
        open.sort();
        facts.unfinished = open;
    }
    let files = match warc_files(&dir) {
        Ok(f) => f,
        Err(e) => {
            facts
                .damaged
                .push(format!("cannot list {}: {e}", dir.display()));
            return Some(facts);
        }
    };
    facts.files = files.len();
    let mut read = Vec::new();
    for file in &files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        read_file(file, &name, &mut facts.damaged, &mut read);
    }
    facts.blog_origin = blog_origin(&read);
    let mut comment_pages: BTreeMap<EntryId, BTreeMap<Option<u64>, String>> = BTreeMap::new();
    for r in read {
        let origin = r.url.origin().ascii_serialization();
        if facts.blog_origin.as_deref() == Some(origin.as_str()) {
            if r.url.path() == ASSET_PROXY_PATH
                && let Some((_, u)) = r.url.query_pairs().find(|(k, _)| k == "url")
            {
                facts.other.entry(u.into_owned()).or_default().push(r.facts);
                continue;
            }
            if let Some(id) = comment_post(&r.url)
                && let Some(text) = r.payload_text.clone()
                && r.facts.status == 200
            {
                let start = r
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == "startId")
                    .and_then(|(_, v)| v.parse().ok());
                comment_pages.entry(id).or_default().insert(start, text);
            }
            facts
                .blog
                .entry(path_and_query(&r.url))
                .or_default()
                .push(r.facts);
        } else {
            facts
                .other
                .entry(r.url.to_string())
                .or_default()
                .push(r.facts);
        }
    }
    for (id, pages) in comment_pages {
        facts.comments.insert(id, chained_items(&pages));
    }
    Some(facts)
}

/// Reads the captures of one WARC file into `read`, inflating its bodies within the cap its own
/// `warcinfo` names; a file that cannot be read, or a damaged record, is noted in `damaged`.
fn read_file(file: &Path, name: &str, damaged: &mut Vec<String>, read: &mut Vec<Read>) {
    let reader = match RecordReader::open(file) {
        Ok(r) => r,
        Err(e) => {
            damaged.push(e.to_string());
            return;
        }
    };
    for capture in super::captures::Captures::new(reader) {
        let c = match capture {
            Ok(c) => c,
            Err(e) => {
                damaged.push(e.to_string());
                break;
            }
        };
        let revisit = c.is_revisit();
        let payload_text = (!revisit && c.url.path().starts_with("/m/api/"))
            .then(|| c.http.entity_within(c.cap).ok())
            .flatten()
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        let (url, http, record) = (c.url, c.http, c.record);
        read.push(Read {
            url,
            facts: CaptureFacts {
                status: http.status,
                recorded_sha256: record
                    .get("WARC-Payload-Digest")
                    .and_then(sha256_hex_of_digest),
                actual_sha256: (!revisit).then(|| hex::encode(Sha256::digest(&http.payload))),
                location: format!("{name}@{}", record.offset),
            },
            payload_text,
        });
    }
}

fn comment_post(url: &Url) -> Option<EntryId> {
    url.path()
        .strip_prefix("/m/api/")?
        .strip_suffix("/comment")?
        .parse()
        .ok()
}

/// The items of a post's comment pages, from the page without `startId` along `nextId`.
fn chained_items(pages: &BTreeMap<Option<u64>, String>) -> Vec<serde_json::Value> {
    let mut items = Vec::new();
    let (mut start, mut seen) = (None, 0);
    // Each comment once, by its `id` (an item without one whole), as the crawl's walk keeps them:
    // paging that served a comment again saved it once.
    let mut kept = std::collections::HashSet::new();
    while let Some(text) = pages.get(&start) {
        let Ok(page) = parse_comments(text) else {
            break;
        };
        items.extend(page.items.into_iter().filter(|c| {
            kept.insert(match c.get("id") {
                Some(id) if !id.is_null() => format!("id:{id}"),
                _ => format!("item:{c}"),
            })
        }));
        seen += 1;
        match page.next_start_id {
            Some(next) if !page.is_last && Some(next) != start && seen < pages.len() => {
                start = Some(next);
            }
            _ => break,
        }
    }
    items
}

fn blog_origin(read: &[Read]) -> Option<String> {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (i, r) in read.iter().enumerate() {
        let entry_like = r.url.path().trim_start_matches('/').parse::<u64>().is_ok();
        let slot = counts
            .entry(r.url.origin().ascii_serialization())
            .or_insert((0, i));
        slot.0 += usize::from(entry_like);
    }
    counts
        .into_iter()
        .filter(|(_, (n, _))| *n > 0)
        .max_by_key(|(_, (n, first))| (*n, std::cmp::Reverse(*first)))
        .map(|(k, _)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_keeps_each_comment_once_as_the_walk_does() {
        // Page 1: comment 7, next 5; page 5: comment 7 again and 8, pointing back to 5.
        let pages = BTreeMap::from([
            (
                None,
                r#"{"data":{"items":[{"id":7}],"isLast":false,"nextId":5}}"#.to_string(),
            ),
            (
                Some(5),
                r#"{"data":{"items":[{"id":7},{"id":8}],"isLast":false,"nextId":5}}"#.to_string(),
            ),
        ]);
        let ids: Vec<u64> = chained_items(&pages)
            .iter()
            .map(|c| c["id"].as_u64().unwrap())
            .collect();
        assert_eq!(ids, [7, 8]);
    }
}
