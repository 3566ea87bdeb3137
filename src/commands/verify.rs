//! `tistory-migrate verify <ARCHIVE>`: read everything the archive holds (the state database,
//! `posts.jsonl`, every saved page and asset with its sha256, each post's page against its
//! Markdown), hand it to the pure [`crate::verify::verify`], and write the HTML report when asked.
//! Changes nothing in the archive (SQLite may keep its `-wal`/`-shm` side files); the one file
//! written is `--html FILE`, atomically.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::archive::db::{ArchiveDb, CommentsRow, DbError, EntryState};
use crate::archive::layout::{self, ARCHIVE_DB, ASSETS_DIR, POSTS_DIR, POSTS_JSONL, RAW_DIR};
use crate::archive::store::write_atomic;
use crate::convert::check_fidelity;
use crate::crawl::integrity::file_sha256;
use crate::extract::selectors::SelectorProfile;
use crate::extract::{Page, PageSource};
use crate::extracted::{ArtifactUse, PostReader};
use crate::model::{EntryId, Fidelity, PostRecord};
use crate::report::Exit;
use crate::verify::report_html::percent_path;
use crate::verify::{
    ArtifactFacts, BundleFacts, FileFacts, Measured, PostAssetRef, VerifyInput, VerifyReport,
    report_html, report_json, report_text, verify,
};

/// What to print on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyFormat {
    /// The human summary: a table and the problem list.
    Text,
    /// The JSON object (`--json`).
    Json,
    /// Only the repair commands (`--repair`).
    Repair,
}

/// What `verify` needs.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The archive directory.
    pub archive: PathBuf,
    /// Where to write the HTML report.
    pub html: Option<PathBuf>,
    /// The fidelity threshold.
    pub threshold: f64,
    /// What to print.
    pub format: VerifyFormat,
    /// Extract every saved page again (`--deep`) instead of reading the extracted posts.
    pub deep: bool,
    /// The Naver-side check (`--naver`), when asked for.
    pub naver: Option<crate::naver_check::NaverCheckOptions>,
}

pub use crate::verify::VerifyError;

impl VerifyReport {
    /// The exit code: 0 when complete, 4 when gaps were found.
    #[must_use]
    pub fn exit(&self) -> Exit {
        if self.complete { Exit::Ok } else { Exit::Gaps }
    }

    /// The report in `format`, for stdout.
    #[must_use]
    pub fn render_as(&self, format: VerifyFormat) -> String {
        match format {
            VerifyFormat::Text => report_text::render(self),
            VerifyFormat::Json => report_json::render(self),
            VerifyFormat::Repair => self
                .repair_commands
                .iter()
                .map(|c| format!("{c}\n"))
                .collect(),
        }
    }
}

/// Runs `verify`: reads the archive, checks it, writes `--html` when asked.
///
/// # Errors
/// [`VerifyError`] when the directory is not an archive or cannot be read, or the HTML report
/// cannot be written. Gaps are not errors: they are in the report.
pub fn run_verify(opts: &VerifyOptions) -> Result<VerifyReport, VerifyError> {
    let artifacts = if opts.deep {
        ArtifactUse::Ignore
    } else {
        ArtifactUse::ReadOnly
    };
    let input = read_archive_with(&opts.archive, opts.threshold, artifacts)?;
    let mut report = verify(&input);
    if let Some(naver) = &opts.naver {
        let checked = check_on_naver(&opts.archive, naver)?;
        crate::verify::naver::attach(&mut report, checked);
    }
    if let Some(html_path) = &opts.html {
        let dir = html_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let prefix = relative_href(dir, &opts.archive);
        let page = report_html::render(&report, &prefix);
        write_atomic(html_path, page.as_bytes()).map_err(VerifyError::Html)?;
    }
    Ok(report)
}

/// `--naver`: the bundle in `<archive>/naver/` and the ledger, checked against Naver.
fn check_on_naver(
    archive: &Path,
    options: &crate::naver_check::NaverCheckOptions,
) -> Result<crate::naver_check::NaverReport, VerifyError> {
    let dir = archive.join("naver");
    let bundle = crate::naver_check::bundle_read::read_bundle(&dir).map_err(|source| {
        VerifyError::NaverBundle {
            archive: archive.to_path_buf(),
            source,
        }
    })?;
    let db_path = archive.join(ARCHIVE_DB);
    if !db_path.is_file() {
        return Err(VerifyError::NotAnArchive {
            path: archive.to_path_buf(),
        });
    }
    let ledger = ArchiveDb::open(&db_path)?.ledger()?;
    if ledger.is_empty() {
        return Err(VerifyError::NothingPublished);
    }
    crate::naver_check::check_naver_blocking(&bundle, &ledger, options).map_err(VerifyError::Naver)
}

/// Reads everything verify looks at from the archive in `archive`.
///
/// # Errors
/// [`VerifyError::NotAnArchive`] without `archive.db`; [`VerifyError::Db`] when it cannot be read.
pub fn read_archive(archive: &Path, threshold: f64) -> Result<VerifyInput, VerifyError> {
    read_archive_with(archive, threshold, ArtifactUse::ReadOnly)
}

/// As [`read_archive`]; `artifacts` says whether the page texts come from the archive's
/// extracted posts ([`ArtifactUse::ReadOnly`]) or from extracting every page again
/// ([`ArtifactUse::Ignore`], `--deep`).
///
/// # Errors
/// As [`read_archive`].
pub fn read_archive_with(
    archive: &Path,
    threshold: f64,
    artifacts: ArtifactUse,
) -> Result<VerifyInput, VerifyError> {
    let db_path = archive.join(ARCHIVE_DB);
    if !db_path.is_file() {
        return Err(VerifyError::NotAnArchive {
            path: archive.to_path_buf(),
        });
    }
    let db = ArchiveDb::open(&db_path)?;
    let blog = db.blog()?;
    let entries = db.entries()?;
    let mut post_assets = Vec::new();
    let mut comments = BTreeMap::new();
    for e in &entries {
        for (url, kind) in db.post_assets(e.id)? {
            post_assets.push(PostAssetRef {
                post_id: e.id,
                url,
                kind,
            });
        }
        if let Some(c) = db.comments(e.id)? {
            comments.insert(e.id, c);
        }
    }
    let number = |key: &str| -> Result<Option<u64>, DbError> {
        Ok(db.meta(key)?.and_then(|v| v.trim().parse().ok()))
    };
    let jsonl = std::fs::read_to_string(archive.join(POSTS_JSONL)).ok();
    let (rows, unreadable_rows) = parse_rows(jsonl.as_deref().unwrap_or_default());
    let files = list_files(archive);
    let archived: Vec<ArchivedPost> = entries
        .iter()
        .filter(|e| matches!(e.state, EntryState::Ok | EntryState::Notice))
        .filter_map(|e| {
            let raw = e
                .raw_file
                .clone()
                .unwrap_or_else(|| layout::raw_page_rel(e.id));
            let row = rows.iter().find(|r| r.id == e.id);
            let markdown = row
                .and_then(|r| r.markdown.clone())
                .unwrap_or_else(|| layout::markdown_rel(e.id));
            let stored = match artifacts {
                ArtifactUse::Ignore => None,
                _ => row.and_then(StoredFidelity::of),
            };
            (files.contains_key(&raw) && files.contains_key(&markdown)).then_some(ArchivedPost {
                id: e.id,
                raw,
                markdown,
                stored,
            })
        })
        .collect();
    let fidelity = measure_all(archive, &archived, artifacts);
    let recorded = db.meta(crate::warc::WARC_META)?.is_some();
    let warc = read_warc(archive, &comments, recorded);
    let page_comment_counts =
        if db.meta(crate::verify::COMMENTS_META)?.as_deref() == Some("skipped") {
            // The user asked for no comments: a count without them is their choice, not a loss.
            BTreeMap::new()
        } else {
            restored_page_comment_counts(archive, &db, &entries, blog.address())?
        };
    let extracted = read_artifacts(archive, &entries);
    let bundle_recorded = db.meta(crate::archive::BUNDLE_META)?.is_some();
    Ok(VerifyInput {
        archive: archive.to_path_buf(),
        blog_url: blog.address().map(str::to_string),
        blog: blog.name,
        sidebar_total: number("sidebar_total")?,
        mobile_total: number("mobile_total")?,
        entries,
        slugs: db.slug_rows()?,
        assets: db.assets()?,
        post_assets,
        comments,
        comments_fetched: db.meta(crate::verify::COMMENTS_META)?.as_deref() == Some("fetched"),
        posts_jsonl_present: jsonl.is_some(),
        rows,
        unreadable_rows,
        extracted,
        files,
        fidelity,
        threshold,
        bundle: read_bundle(archive, bundle_recorded),
        warc,
        page_comment_counts,
        unproven_deletions: db.deletions_unproven()?,
        discovery: db.source_outcomes()?,
    })
}

/// The comment count each archived post that is not a live copy prints on its saved page (a
/// Wayback capture, a backup's page, a WARC record), when it prints one.
fn restored_page_comment_counts(
    archive: &Path,
    db: &ArchiveDb,
    entries: &[crate::archive::db::EntryRow],
    base: Option<&str>,
) -> Result<BTreeMap<EntryId, u64>, DbError> {
    let mut counts = BTreeMap::new();
    for e in entries
        .iter()
        .filter(|e| matches!(e.state, EntryState::Ok | EntryState::Notice))
    {
        let restored = db
            .provenance(e.id)?
            .is_some_and(|p| !matches!(p.origin, crate::provenance::Origin::Live { .. }));
        let Some(raw) = e.raw_file.as_deref().filter(|_| restored) else {
            continue;
        };
        let Ok(html) = std::fs::read(layout::resolve(archive, raw)) else {
            continue;
        };
        let url = e
            .url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .or_else(|| url::Url::parse(base?).ok()?.join(&e.id.to_string()).ok());
        if let Some(n) = url.and_then(|u| {
            crate::crawl::comment_count::page_comment_count(
                &String::from_utf8_lossy(&html),
                e.id,
                &u,
            )
        }) {
            counts.insert(e.id, n);
        }
    }
    Ok(counts)
}

/// The archive's WARC facts and its comments files' items, when it has `warc/` or was recorded.
/// `recorded`: a crawl of this archive ran with `--warc`, so a missing `warc/` is checked too (and
/// found to hold no WARC file).
fn read_warc(
    archive: &Path,
    comments: &BTreeMap<EntryId, CommentsRow>,
    recorded: bool,
) -> Option<crate::verify::warc::WarcEvidence> {
    let facts = match crate::warc::facts::read_warc_facts(archive) {
        Some(f) => f,
        None if recorded => crate::warc::facts::WarcFacts {
            dir: archive.join(crate::warc::WARC_DIR).display().to_string(),
            ..crate::warc::facts::WarcFacts::default()
        },
        None => return None,
    };
    let saved_comments = comments
        .iter()
        .filter_map(|(id, row)| Some((*id, row.file.as_ref()?)))
        .map(|(id, file)| {
            let text = std::fs::read_to_string(archive.join(file));
            (id, crate::verify::warc::SavedComments::from_text(text))
        })
        .collect();
    Some(crate::verify::warc::WarcEvidence {
        facts,
        saved_comments,
    })
}

/// The Naver bundle in `<archive>/naver/`, when `bundle` made one (`recorded`: `archive.db` says
/// so) or began one (the folder exists): its posts and its own check, which names a missing or
/// unfinished `bundle.json`.
fn read_bundle(archive: &Path, recorded: bool) -> Option<BundleFacts> {
    let dir = archive.join(crate::commands::bundle::DEFAULT_BUNDLE_DIR);
    if !recorded && !dir.is_dir() {
        return None;
    }
    let problems = crate::commands::bundle::check_bundle(&dir)
        .into_iter()
        .map(|p| (p.path, p.message))
        .collect();
    let post_ids = crate::commands::bundle::read_bundle_manifest(&dir)
        .map(|m| m.posts.iter().map(|p| p.id).collect())
        .unwrap_or_default();
    Some(BundleFacts {
        dir: "naver".into(),
        post_ids,
        problems,
    })
}

fn parse_rows(text: &str) -> (Vec<PostRecord>, Vec<String>) {
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<PostRecord>(line) {
            Ok(r) => rows.push(r),
            Err(e) => bad.push(format!("line {} is not a post row: {e}", n + 1)),
        }
    }
    (rows, bad)
}

/// What each entry's `extracted/<id>.json` holds: the page its key names, or why it cannot be read.
fn read_artifacts(
    archive: &Path,
    entries: &[crate::archive::db::EntryRow],
) -> BTreeMap<EntryId, ArtifactFacts> {
    #[derive(serde::Deserialize)]
    struct KeyOnly {
        key: crate::archive::extracted::ExtractionKey,
    }
    entries
        .iter()
        .filter_map(|e| {
            let path = layout::resolve(archive, &layout::extracted_rel(e.id));
            let bytes = match std::fs::read(&path) {
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => return None,
                Err(err) => return Some((e.id, ArtifactFacts::Unreadable(err.to_string()))),
                Ok(bytes) => bytes,
            };
            let facts = match serde_json::from_slice::<KeyOnly>(&bytes) {
                Ok(k) => ArtifactFacts::Extracted {
                    raw_sha256: k.key.raw_sha256,
                },
                Err(err) => ArtifactFacts::Unreadable(err.to_string()),
            };
            Some((e.id, facts))
        })
        .collect()
}

/// The files under `raw/` (entry pages), `assets/`, `posts/`, `comments/` and `extracted/`, by archive-relative
/// path; pages, assets and comments with their sha256. Temporary files of interrupted writes are
/// skipped.
fn list_files(archive: &Path) -> BTreeMap<String, FileFacts> {
    let mut files = BTreeMap::new();
    for (dir, depth, hash) in [
        (RAW_DIR, 1, true),
        (ASSETS_DIR, 2, true),
        (POSTS_DIR, 1, false),
        ("comments", 1, true),
        (layout::EXTRACTED_DIR, 1, false),
    ] {
        let root = archive.join(dir);
        for entry in walkdir::WalkDir::new(&root)
            .max_depth(depth)
            .follow_links(false)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            let name = entry.file_name().to_string_lossy();
            if name.starts_with(".tmp-") {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(archive) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            let size = entry.metadata().map(|m| m.len()).unwrap_or_default();
            let sha256 = if hash {
                file_sha256(entry.path())
            } else {
                None
            };
            files.insert(rel, FileFacts { size, sha256 });
        }
    }
    files
}

/// One archived post whose fidelity verify reports.
struct ArchivedPost {
    id: EntryId,
    /// The saved page, archive-relative.
    raw: String,
    /// The Markdown file, archive-relative.
    markdown: String,
    /// The score `posts.jsonl` holds, with the Markdown body it was measured on.
    stored: Option<StoredFidelity>,
}

/// A row's score and the sha256 of the Markdown body it was measured on.
struct StoredFidelity {
    fidelity: Fidelity,
    body_sha256: String,
}

impl StoredFidelity {
    /// `None` for a row without a score or without the body's sha256 (written by an older version).
    fn of(row: &PostRecord) -> Option<Self> {
        Some(Self {
            fidelity: row.fidelity.clone()?,
            body_sha256: row.markdown_body_sha256.clone()?,
        })
    }

    /// The score, if the Markdown file at `md` still has the body it was measured on; a file
    /// edited or damaged since is measured again.
    fn holds_for(&self, md: &Path) -> Option<Fidelity> {
        let doc = std::fs::read_to_string(md).ok()?;
        let now = crate::archive::hash::sha256_hex(markdown_body(&doc).as_bytes());
        now.eq_ignore_ascii_case(&self.body_sha256)
            .then(|| self.fidelity.clone())
    }
}

/// The render-back check of each post: the stored score where it still holds, else measured from
/// the extracted post and the Markdown file, on all cores (reading pages is the slow part).
/// `verify --deep` ([`ArtifactUse::Ignore`]) has no stored scores and measures every post.
fn measure_all(
    archive: &Path,
    posts: &[ArchivedPost],
    artifacts: ArtifactUse,
) -> BTreeMap<EntryId, Measured> {
    let profile = SelectorProfile::default();
    let reader = PostReader::new(&profile, artifacts);
    crate::parallel::par_map(posts, |p| {
        let md = layout::resolve(archive, &p.markdown);
        let measured = match p.stored.as_ref().and_then(|s| s.holds_for(&md)) {
            Some(f) => Measured::Score(f),
            None => measure(&reader, &layout::resolve(archive, &p.raw), &md),
        };
        (p.id, measured)
    })
    .into_iter()
    .collect()
}

/// The saved page's visible body text (from its extracted post, when current) against the text
/// of the Markdown file, rendered.
fn measure(reader: &PostReader<'_>, raw: &Path, md: &Path) -> Measured {
    let page = std::fs::read(raw)
        .map_err(|e| e.to_string())
        .and_then(|bytes| {
            reader
                .read(&bytes, &PageSource::named(raw))
                .map_err(|e| e.to_string())
        });
    let unreadable = |why: String| Measured::Unreadable(format!("the saved page {why}"));
    let text = match page {
        Ok(Page::Entry(post)) => match post.body {
            Some(body) => body.text,
            None => return unreadable("has no post body".into()),
        },
        Ok(Page::NotEntry { reason, .. }) => return unreadable(format!("is not a post: {reason}")),
        Err(e) => return unreadable(format!("cannot be read as a post: {e}")),
    };
    match std::fs::read_to_string(md) {
        Ok(doc) => Measured::Score(check_fidelity(&text, markdown_body(&doc))),
        Err(e) => Measured::Unreadable(format!(
            "the Markdown file {} cannot be read ({e}); it is damaged",
            md.display()
        )),
    }
}

pub(crate) use crate::convert::markdown_body;

/// The href from a page in `from_dir` to the directory `to`, relative and percent-encoded (`.`
/// when they are the same); an absolute `file://` URL when no relative path exists.
#[must_use]
pub fn relative_href(from_dir: &Path, to: &Path) -> String {
    let norm = |p: &Path| -> Vec<String> {
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let mut parts: Vec<String> = Vec::new();
        for c in abs.components() {
            match c {
                Component::ParentDir => {
                    parts.pop();
                }
                Component::CurDir => {}
                other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
            }
        }
        parts
    };
    let (from, to) = (norm(from_dir), norm(to));
    if from.first() != to.first() {
        let path = to[1..].join("/");
        return format!("file:///{}", percent_path(&path));
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(to[common..].iter().map(|p| percent_path(p)));
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_from_the_report_to_the_archive() {
        assert_eq!(relative_href(Path::new("/a/b"), Path::new("/a/b")), ".");
        assert_eq!(
            relative_href(Path::new("/a/b"), Path::new("/a/b/arch")),
            "arch"
        );
        assert_eq!(
            relative_href(Path::new("/a/r"), Path::new("/a/b/c")),
            "../b/c"
        );
        assert_eq!(
            relative_href(Path::new("/x"), Path::new("/x/내 블로그")),
            "%EB%82%B4%20%EB%B8%94%EB%A1%9C%EA%B7%B8"
        );
        assert_eq!(
            relative_href(Path::new("/a/./r/.."), Path::new("/a/z")),
            "z"
        );
    }

    #[test]
    fn front_matter_is_not_body() {
        assert_eq!(
            markdown_body("---\ntitle: \"x\"\n---\n\nbody\n"),
            "\nbody\n"
        );
        assert_eq!(markdown_body("no front matter"), "no front matter");
    }
}
