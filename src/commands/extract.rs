//! `tistory-migrate extract`: saved pages in, `posts/<id>.md` and `posts.jsonl` out. One bad file
//! never stops the run: each file ends in an outcome, the summary lists them, and the exit code
//! says whether any failed. Each post is made by [`crate::posts_out`]; within a crawl, the posts
//! the crawl already made from the same inputs are reused ([`run_extract_with`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use tracing::{debug, info, warn};

use crate::archive::layout::{POSTS_JSONL, RAW_DIR};
use crate::archive::store::write_atomic;
use crate::extract::selectors::SelectorProfile;
use crate::extract::{Page, PageSource};
use crate::extracted::{ArtifactUse, PostReader};
use crate::model::{PageKind, Post, PostRecord, PostStatus};
use crate::posts_out::{ArchiveIndex, Memo, WrittenPost, fingerprint, relative_to, settle_post};
use crate::report::{ExtractReport, FileProblem, NotPost, PostWarnings};

/// What `extract` needs.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Files, directories or archives.
    pub inputs: Vec<PathBuf>,
    /// The output directory; `None` = `output/<blog>/`.
    pub out: Option<PathBuf>,
    /// The user's selector profile.
    pub profile: SelectorProfile,
    /// Pages larger than this are refused.
    pub max_page_bytes: u64,
}

/// Finds the saved pages under the inputs, sorted; missing inputs become problems.
fn collect_inputs(inputs: &[PathBuf], problems: &mut Vec<FileProblem>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_file() {
            files.push(input.clone());
            continue;
        }
        if !input.is_dir() {
            problems.push(FileProblem::error(
                input,
                "does not exist or cannot be read",
            ));
            continue;
        }
        // An archive directory: its raw entry pages are the input (not raw/pages/, the listings).
        let is_archive = input.join(RAW_DIR).is_dir();
        let root = if is_archive {
            input.join(RAW_DIR)
        } else {
            input.clone()
        };
        let mut found: Vec<PathBuf> = walkdir::WalkDir::new(&root)
            .max_depth(if is_archive { 1 } else { usize::MAX })
            .follow_links(false)
            .into_iter()
            .filter_map(|e| match e {
                Ok(e) => Some(e),
                Err(err) => {
                    let path = err.path().map_or_else(|| root.clone(), Path::to_path_buf);
                    problems.push(FileProblem::error(
                        &path,
                        &format!("cannot be listed: {err}"),
                    ));
                    None
                }
            })
            .filter(|e| e.file_type().is_file())
            .map(walkdir::DirEntry::into_path)
            .filter(|p| {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm")
                })
            })
            .collect();
        found.sort();
        files.extend(found);
    }
    files
}

/// One file's outcome.
enum Outcome {
    Entry(Box<Post>),
    NotPost(NotPost),
    Failed(FileProblem),
}

fn process_file(path: &Path, opts: &ExtractOptions, reader: &PostReader<'_>) -> Outcome {
    let size = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => return Outcome::Failed(FileProblem::error(path, &format!("cannot read: {e}"))),
    };
    if size > opts.max_page_bytes {
        let e = crate::error::Error::PageTooLarge {
            path: path.to_path_buf(),
            size,
            limit: opts.max_page_bytes,
        };
        return Outcome::Failed(FileProblem::from_error(path, &e));
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Outcome::Failed(FileProblem::error(path, &format!("cannot read: {e}"))),
    };
    // An archive's page is read from its extracted-post artifact when that is current.
    match reader.read(&bytes, &PageSource::named(path)) {
        Ok(Page::Entry(post)) => Outcome::Entry(post),
        Ok(Page::NotEntry { kind, reason }) => Outcome::NotPost(NotPost {
            path: path.to_path_buf(),
            kind,
            reason,
        }),
        Err(e) => Outcome::Failed(FileProblem::from_error(path, &e)),
    }
}

/// The blogs the extracted posts belong to, sorted and de-duplicated.
fn blogs_of(posts: &BTreeMap<u64, (PathBuf, Post)>) -> Vec<String> {
    let mut blogs: Vec<String> = posts.values().filter_map(|(_, p)| p.blog.clone()).collect();
    blogs.sort_unstable();
    blogs.dedup();
    blogs
}

/// Reads and extracts every file on all cores; outcomes come back in the order of `files`.
fn process_all(files: &[PathBuf], opts: &ExtractOptions) -> Vec<Outcome> {
    let reader = PostReader::new(&opts.profile, ArtifactUse::ReadWrite);
    crate::parallel::par_map(files, |p| process_file(p, opts, &reader))
}

fn default_out_dir(blogs: &[String]) -> PathBuf {
    let name = match blogs {
        [one] => crate::archive::layout::safe_name(one),
        [] => "unknown-blog".to_string(),
        _ => "extract".to_string(),
    };
    PathBuf::from("output").join(name)
}

/// Pages that name no URL (a saved not-found page, say) get their permalink from the blog the
/// other pages of the run belong to, when there is exactly one.
fn complete_urls(posts: &mut BTreeMap<u64, (PathBuf, Post)>, blogs: &[String]) {
    let [blog] = blogs else { return };
    for (_, post) in posts.values_mut() {
        if !post.url.starts_with("http") {
            post.url = format!("https://{blog}.tistory.com/{}", post.id);
            post.blog.get_or_insert_with(|| blog.clone());
        }
    }
}

/// Reads the rows of an existing `posts.jsonl`; rows that do not parse are reported, not kept.
fn read_existing_rows(path: &Path, problems: &mut Vec<FileProblem>) -> BTreeMap<u64, PostRecord> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return BTreeMap::new();
    };
    let mut rows = BTreeMap::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        match serde_json::from_str::<PostRecord>(line) {
            Ok(r) => {
                rows.insert(r.id, r);
            }
            Err(e) => problems.push(FileProblem::warning(
                path,
                &format!("line {} is not a post row and was dropped: {e}", n + 1),
            )),
        }
    }
    rows
}

/// Posts converted and written at a time by the extract stage. Each write is synced to disk, and
/// the disk's journal commits concurrent syncs together, so many writers wait about as long as one;
/// the converting is spread over the cores among them.
const WRITERS: usize = 32;

/// The posts read from the inputs, one per id, with the saved page each was read from.
type PostsById = BTreeMap<u64, (PathBuf, Post)>;

/// What reading the input files came to.
#[derive(Default)]
struct ReadPages {
    posts: PostsById,
    not_posts: Vec<NotPost>,
    pages_read: usize,
}

/// Reads every file and keeps one post per id (a post page over a copy that is not one);
/// duplicates and failures become problems.
fn read_pages(
    files: &[PathBuf],
    opts: &ExtractOptions,
    problems: &mut Vec<FileProblem>,
) -> ReadPages {
    let mut read = ReadPages::default();
    for (path, outcome) in files.iter().zip(process_all(files, opts)) {
        read.pages_read += 1;
        match outcome {
            Outcome::Entry(post) => {
                debug!(id = post.id, path = %path.display(), kind = ?post.kind, "extracted");
                let post = *post;
                match read.posts.get(&post.id) {
                    Some((first, kept))
                        if kept.kind == PageKind::Post || post.kind != PageKind::Post =>
                    {
                        problems.push(FileProblem::warning(
                            path,
                            &format!(
                                "entry {} was already read from {}; this copy was skipped",
                                post.id,
                                first.display()
                            ),
                        ));
                    }
                    _ => {
                        read.posts.insert(post.id, (path.clone(), post));
                    }
                }
            }
            Outcome::NotPost(np) => read.not_posts.push(np),
            Outcome::Failed(p) => {
                warn!("{}: {}", p.path.display(), p.message);
                problems.push(p);
            }
        }
    }
    read
}

/// Makes one post's Markdown and row, or takes them from `memo` when this run already made them
/// from the same post and inputs.
fn make_post(
    out: &Path,
    archive: &ArchiveIndex,
    memo: Option<&Memo>,
    path: &Path,
    post: &Post,
) -> anyhow::Result<WrittenPost> {
    let inputs = archive.inputs_of(post);
    if let Some(memo) = memo {
        let print = fingerprint(post, &inputs, &relative_to(path, out));
        if let Some(written) = memo.reuse(out, post.id, &print) {
            return Ok(written);
        }
    }
    settle_post(out, path, post.clone(), &inputs)
}

/// Makes every post's Markdown and row into `rows`; returns how many have a Markdown file.
fn write_posts(
    out: &Path,
    archive: &ArchiveIndex,
    memo: Option<&Memo>,
    posts: &PostsById,
    rows: &mut BTreeMap<u64, PostRecord>,
    problems: &mut Vec<FileProblem>,
) -> anyhow::Result<usize> {
    let work: Vec<&(PathBuf, Post)> = posts.values().collect();
    // Converting is pure and every file is synced as it is written: many posts at a time, so the
    // writes wait on the disk together while others are converted.
    let written = crate::parallel::par_map_on(&work, WRITERS, |(path, post)| {
        make_post(out, archive, memo, path, post)
    });
    let mut markdown_written = 0usize;
    for done in written {
        let done = done?;
        markdown_written += usize::from(done.markdown_written);
        if let Some(problem) = done.problem {
            warn!("{}: {}", problem.path.display(), problem.message);
            problems.push(problem);
        }
        rows.insert(done.record.id, done.record);
    }
    Ok(markdown_written)
}

/// Adds the rows of entries that have no page to read; returns how many of them are deleted.
fn add_pageless_rows(
    archive: &ArchiveIndex,
    posts: &PostsById,
    rows: &mut BTreeMap<u64, PostRecord>,
) -> usize {
    let mut deleted = 0;
    for e in &archive.pageless {
        if !posts.contains_key(&e.id) {
            let row = archive.pageless_row(e);
            deleted += usize::from(row.status == PostStatus::Deleted);
            rows.insert(e.id, row);
        }
    }
    deleted
}

/// Writes `posts.jsonl`, one row per line in id order.
fn write_jsonl(path: &Path, rows: &BTreeMap<u64, PostRecord>) -> anyhow::Result<()> {
    let mut jsonl = String::new();
    for row in rows.values() {
        jsonl.push_str(&serde_json::to_string(row).context("a post row always serialises")?);
        jsonl.push('\n');
    }
    write_atomic(path, jsonl.as_bytes()).context("while writing posts.jsonl")?;
    Ok(())
}

/// Runs `extract`.
///
/// # Errors
/// Only when the output cannot be written at all (per-file problems are in the report).
pub fn run_extract(opts: &ExtractOptions) -> anyhow::Result<ExtractReport> {
    run_extract_with(opts, None)
}

/// Runs `extract`, reusing what `memo` holds: the posts a crawl of this run already made, each
/// reused only while its post and inputs are unchanged.
///
/// # Errors
/// As [`run_extract`].
pub fn run_extract_with(
    opts: &ExtractOptions,
    memo: Option<&Memo>,
) -> anyhow::Result<ExtractReport> {
    let started = Instant::now();
    let mut problems = Vec::new();
    let files = collect_inputs(&opts.inputs, &mut problems);
    info!(files = files.len(), "extracting");
    let ReadPages {
        mut posts,
        not_posts,
        pages_read,
    } = read_pages(&files, opts, &mut problems);
    let blogs = blogs_of(&posts);
    complete_urls(&mut posts, &blogs);
    let out = opts.out.clone().unwrap_or_else(|| default_out_dir(&blogs));
    std::fs::create_dir_all(&out)
        .with_context(|| format!("cannot create the output directory {}", out.display()))?;
    let archive = ArchiveIndex::load(&out).context("while reading the archive state")?;
    let jsonl_path = out.join(POSTS_JSONL);
    let mut rows = read_existing_rows(&jsonl_path, &mut problems);
    let markdown_written = write_posts(&out, &archive, memo, &posts, &mut rows, &mut problems)?;
    let pageless_deleted = add_pageless_rows(&archive, &posts, &mut rows);
    write_jsonl(&jsonl_path, &rows)?;
    let counts = Counts {
        pages_read,
        markdown_written,
        pageless_deleted,
        reused: memo.map_or(0, Memo::reused),
    };
    Ok(report(
        out, &posts, &rows, counts, not_posts, problems, started,
    ))
}

/// The counts the report takes from the run.
struct Counts {
    pages_read: usize,
    markdown_written: usize,
    pageless_deleted: usize,
    reused: usize,
}

/// The run's report, from the rows of the posts it read.
fn report(
    out: PathBuf,
    posts: &PostsById,
    rows: &BTreeMap<u64, PostRecord>,
    counts: Counts,
    not_posts: Vec<NotPost>,
    problems: Vec<FileProblem>,
    started: Instant,
) -> ExtractReport {
    let extracted: Vec<&PostRecord> = posts.keys().filter_map(|id| rows.get(id)).collect();
    let count = |s: PostStatus| extracted.iter().filter(|r| r.status == s).count();
    ExtractReport {
        out_dir: out,
        pages_read: counts.pages_read,
        posts: extracted
            .iter()
            .filter(|r| r.status == PostStatus::Ok && !r.notice)
            .count(),
        notices: extracted.iter().filter(|r| r.notice).count(),
        protected: count(PostStatus::Protected),
        private: count(PostStatus::Private),
        // Deleted ids have no page to read: their rows come from the archive's state.
        deleted: count(PostStatus::Deleted) + counts.pageless_deleted,
        markdown_written: counts.markdown_written,
        markdown_reused: counts.reused,
        rows_total: rows.len(),
        not_posts,
        problems,
        warned_posts: extracted
            .iter()
            .filter(|r| !r.warnings.is_empty())
            .map(|r| PostWarnings {
                id: r.id,
                warnings: r.warnings.clone(),
            })
            .collect(),
        elapsed: started.elapsed(),
    }
}
