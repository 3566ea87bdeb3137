//! `tistory-migrate extract`: saved pages in, `posts/<id>.md` and `posts.jsonl` out. One bad file
//! never stops the run: each file ends in an outcome, the summary lists them, and the exit code
//! says whether any failed.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use tracing::{debug, info, warn};

use crate::archive::db::{ArchiveDb, AssetRow, EntryRow, EntryState};
use crate::archive::hash::sha256_hex;
use crate::archive::layout::{self, ARCHIVE_DB, POSTS_JSONL, RAW_DIR};
use crate::archive::store::write_atomic;
use crate::convert::{ImageMap, to_markdown, to_record};
use crate::extract::selectors::SelectorProfile;
use crate::extract::witness::{ListFields, second_witness};
use crate::extract::{Page, PageSource};
use crate::extracted::{ArtifactUse, PostReader};
use crate::model::{
    AssetState, AssetStatus, CommentsRef, CommentsState, PageKind, Post, PostRecord, PostStatus,
};
use crate::provenance::{Origin, Provenance, insert_front_matter};
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

fn relative_to(path: &Path, base: &Path) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    abs(path).strip_prefix(abs(base)).map_or_else(
        |_| path.display().to_string(),
        |r| r.to_string_lossy().replace('\\', "/"),
    )
}

/// What the archive's state says about assets and comments, for the Markdown and the rows.
#[derive(Default)]
struct ArchiveIndex {
    /// Entries that have no page to read (deleted, failed, never fetched), for their rows.
    pageless: Vec<EntryRow>,
    base_url: Option<String>,
    assets: HashMap<String, AssetRow>,
    comments: HashMap<u64, CommentsRef>,
    /// Where each entry's saved copy came from (live when `archive.db` records nothing else).
    provenance: HashMap<u64, Provenance>,
    /// Where each saved asset's file came from.
    asset_origins: HashMap<String, Origin>,
    /// What the mobile list API said about each entry (the second witness).
    listed: HashMap<u64, ListFields>,
}

impl ArchiveIndex {
    /// Reads `archive.db` in `out`, when there is one.
    fn load(out: &Path) -> anyhow::Result<Self> {
        let db_path = out.join(ARCHIVE_DB);
        if !db_path.is_file() {
            return Ok(Self::default());
        }
        let db = ArchiveDb::open(&db_path)?;
        let assets = db
            .assets()?
            .into_iter()
            .map(|a| (a.url.clone(), a))
            .collect();
        let mut comments = HashMap::new();
        let entries = db.entries()?;
        let pageless = entries
            .iter()
            .filter(|e| e.raw_file.is_none() && !matches!(e.state, EntryState::NotPost))
            .cloned()
            .collect();
        let mut provenance = HashMap::new();
        for e in entries {
            // A live copy says when it was fetched (`entries.fetched_at`); tests that compare two
            // runs leave that one field out.
            let p = match db.provenance(e.id)? {
                Some(Provenance {
                    origin: Origin::Live { fetched_at: None },
                    visibility,
                    choice,
                    assets,
                }) => Provenance {
                    origin: Origin::Live {
                        fetched_at: db.fetched_at(e.id)?,
                    },
                    visibility,
                    choice,
                    assets,
                },
                Some(p) => p,
                None => Provenance {
                    origin: Origin::Live {
                        fetched_at: db.fetched_at(e.id)?,
                    },
                    visibility: None,
                    choice: None,
                    assets: Vec::new(),
                },
            };
            provenance.insert(e.id, p);
            if let Some(c) = db.comments(e.id)?
                && c.state == CommentsState::Ok
                && let (Some(count), Some(file)) = (c.count, c.file)
            {
                comments.insert(e.id, CommentsRef { count, file });
            }
        }
        let listed = db
            .api_entries()?
            .into_iter()
            .map(|a| {
                let fields = ListFields {
                    title: a.title,
                    published: a.published,
                    category: a.category,
                    tags: a.tags,
                    comment_count: a.comment_count,
                };
                (a.id, fields)
            })
            .collect();
        Ok(Self {
            listed,
            pageless,
            base_url: db.blog()?.base_url,
            assets,
            comments,
            provenance,
            asset_origins: db.asset_origins()?,
        })
    }

    /// The post's provenance with where each of its saved files came from, in body order.
    fn provenance_of(&self, post: &Post) -> Option<Provenance> {
        let mut p = self.provenance.get(&post.id)?.clone();
        if let Some(body) = &post.body {
            let named = body
                .images
                .iter()
                .map(|i| (&i.url, crate::model::AssetKind::Image))
                .chain(
                    body.attachments
                        .iter()
                        .map(|a| (&a.url, crate::model::AssetKind::Attachment)),
                );
            for (url, kind) in named {
                if let Some(origin) = self.asset_origins.get(url)
                    && !p.assets.iter().any(|a| &a.asset == url)
                {
                    p.assets.push(crate::provenance::AssetSource {
                        asset: url.clone(),
                        kind,
                        origin: origin.clone(),
                    });
                }
            }
        }
        Some(p)
    }

    /// The row of an entry that has no saved page: deleted, failed, or never fetched.
    fn pageless_row(&self, e: &EntryRow) -> PostRecord {
        // A row without a page: an archived state here means the page was lost, so it is an error.
        let status = match e.state.post_status() {
            PostStatus::Ok => PostStatus::Error,
            status => status,
        };
        let url = e
            .url
            .clone()
            .unwrap_or_else(|| format!("{}{}", self.base_url.as_deref().unwrap_or("/"), e.id));
        let mut warnings = Vec::new();
        if let Some(err) = &e.last_error {
            warnings.push(format!("not archived: {err}"));
        } else if status == PostStatus::Error {
            warnings.push("not fetched yet: run crawl again".to_string());
        }
        PostRecord {
            id: e.id,
            url,
            status,
            notice: false,
            title: None,
            published: None,
            modified: None,
            author: None,
            category: None,
            tags: Vec::new(),
            markdown: None,
            source: None,
            images: Vec::new(),
            attachments: Vec::new(),
            fidelity: None,
            markdown_sha256: None,
            comments: None,
            warnings,
            provenance: None,
        }
    }

    /// Marks the post's images and attachments as saved or missing, and returns the map from
    /// original URLs to the local files the Markdown should use.
    fn apply(&self, post: &mut Post) -> ImageMap {
        let mut map = ImageMap::new();
        let Some(body) = post.body.as_mut() else {
            return map;
        };
        let mut locate = |url: &str| -> (Option<String>, AssetStatus) {
            match self.assets.get(url) {
                Some(a) if a.state == AssetState::Ok && a.file.is_some() => {
                    let file = a.file.clone().unwrap_or_default();
                    map.insert(url.to_string(), layout::from_markdown(&file));
                    (Some(file), AssetStatus::Ok)
                }
                Some(_) => (None, AssetStatus::Missing),
                None => (None, AssetStatus::Remote),
            }
        };
        for image in &mut body.images {
            (image.file, image.status) = locate(&image.url);
        }
        for attachment in &mut body.attachments {
            (attachment.file, attachment.status) = locate(&attachment.url);
        }
        map
    }
}

/// Posts converted and written at a time by the extract stage. Each write is synced to disk, and
/// the disk's journal commits concurrent syncs together, so many writers wait about as long as one;
/// the converting is spread over the cores among them.
const WRITERS: usize = 32;

/// What writing one post came to: its row, and whether it has a Markdown file.
struct WrittenPost {
    record: PostRecord,
    markdown_written: bool,
    /// A post whose Markdown could not be made.
    problem: Option<FileProblem>,
}

/// Converts one post (its images and witness already applied), writes its Markdown file and
/// returns its row.
fn write_post(
    out: &Path,
    archive: &ArchiveIndex,
    path: &Path,
    post: &Post,
    images: &ImageMap,
) -> anyhow::Result<WrittenPost> {
    let mut problem = None;
    let mut md = match to_markdown(post, images) {
        Ok(md) => md,
        Err(e) => {
            // Named, counted as a failure (exit 2); the row keeps no Markdown path, so verify
            // reports the post as missing its Markdown until a later run converts it.
            problem = Some(FileProblem::error(path, &crate::report::error_chain(&e)));
            None
        }
    };
    let md_rel = layout::markdown_rel(post.id);
    let provenance = archive.provenance_of(post);
    let provenance = provenance.as_ref();
    if let (Some(md), Some(p)) = (md.as_mut(), provenance) {
        md.document = insert_front_matter(&md.document, &p.front_matter());
    }
    if let Some(md) = &md {
        let file = layout::resolve(out, &md_rel);
        // A file that already holds these bytes is left as it is (a re-run, a resumed crawl).
        let current = std::fs::read(&file).is_ok_and(|held| held == md.document.as_bytes());
        if !current {
            write_atomic(&file, md.document.as_bytes())
                .with_context(|| format!("while writing the Markdown of post {}", post.id))?;
        }
    }
    let mut record = to_record(
        post,
        md.as_ref(),
        Some(md_rel),
        Some(relative_to(path, out)),
    );
    record.markdown_sha256 = md.as_ref().map(|m| sha256_hex(m.document.as_bytes()));
    record.comments = archive.comments.get(&post.id).cloned();
    if let Some(p) = provenance {
        record.apply_visibility(p);
        record.provenance = Some(p.clone());
    }
    Ok(WrittenPost {
        record,
        markdown_written: md.is_some(),
        problem,
    })
}

/// Runs `extract`.
///
/// # Errors
/// Only when the output cannot be written at all (per-file problems are in the report).
pub fn run_extract(opts: &ExtractOptions) -> anyhow::Result<ExtractReport> {
    let started = Instant::now();
    let mut problems = Vec::new();
    let files = collect_inputs(&opts.inputs, &mut problems);
    info!(files = files.len(), "extracting");
    let mut posts: BTreeMap<u64, (PathBuf, Post)> = BTreeMap::new();
    let mut not_posts = Vec::new();
    let mut pages_read = 0usize;
    for (path, outcome) in files.iter().zip(process_all(&files, opts)) {
        pages_read += 1;
        match outcome {
            Outcome::Entry(post) => {
                debug!(id = post.id, path = %path.display(), kind = ?post.kind, "extracted");
                let post = *post;
                match posts.get(&post.id) {
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
                        posts.insert(post.id, (path.clone(), post));
                    }
                }
            }
            Outcome::NotPost(np) => not_posts.push(np),
            Outcome::Failed(p) => {
                warn!("{}: {}", p.path.display(), p.message);
                problems.push(p);
            }
        }
    }
    let blogs = blogs_of(&posts);
    complete_urls(&mut posts, &blogs);
    let out = opts.out.clone().unwrap_or_else(|| default_out_dir(&blogs));
    std::fs::create_dir_all(&out)
        .with_context(|| format!("cannot create the output directory {}", out.display()))?;
    let archive = ArchiveIndex::load(&out).context("while reading the archive state")?;
    let jsonl_path = out.join(POSTS_JSONL);
    let mut rows = read_existing_rows(&jsonl_path, &mut problems);
    let mut images = Vec::with_capacity(posts.len());
    for (_, post) in posts.values_mut() {
        images.push(archive.apply(post));
        if let Some(listed) = archive.listed.get(&post.id) {
            let saved = archive.comments.get(&post.id).map(|c| c.count);
            let witnessed = second_witness(post, listed, saved);
            post.warnings.extend(witnessed.warnings());
        }
    }
    let work: Vec<(&(PathBuf, Post), &ImageMap)> = posts.values().zip(&images).collect();
    // Converting is pure and every file is synced as it is written: many posts at a time, so the
    // writes wait on the disk together while others are converted.
    let written = crate::parallel::par_map_on(&work, WRITERS, |((path, post), images)| {
        write_post(&out, &archive, path, post, images)
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
    let mut pageless_deleted = 0;
    for e in &archive.pageless {
        if !posts.contains_key(&e.id) {
            let row = archive.pageless_row(e);
            pageless_deleted += usize::from(row.status == PostStatus::Deleted);
            rows.insert(e.id, row);
        }
    }
    let mut jsonl = String::new();
    for row in rows.values() {
        jsonl.push_str(&serde_json::to_string(row).context("a post row always serialises")?);
        jsonl.push('\n');
    }
    write_atomic(&jsonl_path, jsonl.as_bytes()).context("while writing posts.jsonl")?;
    let extracted: Vec<&PostRecord> = posts.keys().filter_map(|id| rows.get(id)).collect();
    let count = |s: PostStatus| extracted.iter().filter(|r| r.status == s).count();
    Ok(ExtractReport {
        out_dir: out,
        pages_read,
        posts: extracted
            .iter()
            .filter(|r| r.status == PostStatus::Ok && !r.notice)
            .count(),
        notices: extracted.iter().filter(|r| r.notice).count(),
        protected: count(PostStatus::Protected),
        private: count(PostStatus::Private),
        // Deleted ids have no page to read: their rows come from the archive's state.
        deleted: count(PostStatus::Deleted) + pageless_deleted,
        markdown_written,
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
    })
}
