//! `tistory-migrate bundle <ARCHIVE>`: the Naver Blog bundle (see [`crate::bundle`]) from an
//! archive, written into `<ARCHIVE>/naver/` by default. A re-run replaces the bundle — the post
//! directories, `GUIDE.md` and `bundle.json`, nothing else in the directory — and keeps the user's
//! `categories.json` edits. Every file is written atomically and `bundle.json` last, so an
//! interrupted run leaves no manifest and [`check_bundle`] says so.

mod report;
mod select;
pub(crate) mod source;
mod write;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;

pub use crate::bundle::check::{check_bundle, read_bundle_manifest};
pub use report::BundleReport;
use source::ArchiveSource;

use crate::archive::layout;
use crate::archive::store::write_atomic;
use crate::bundle::categories::{CATEGORIES_JSON, CategoryMap, merge_categories};
use crate::bundle::footer::Footer;
use crate::bundle::guide::{GuideFacts, guide_markdown};
use crate::bundle::is_post_dir_name;
use crate::bundle::manifest::{BUNDLE_JSON, GUIDE_MD};
use crate::bundle::post::{BuiltPost, FileFacts, PostContext, PostSource, build_post, file_sha256};

/// The bundle directory's name inside an archive.
pub const DEFAULT_BUNDLE_DIR: &str = "naver";

/// What `bundle` needs.
#[derive(Debug, Clone)]
pub struct BundleOptions {
    /// The archive directory.
    pub archive: PathBuf,
    /// Where to write; `None` = `<archive>/naver/`.
    pub out: Option<PathBuf>,
    /// The footer setting.
    pub footer: Footer,
}

/// Removes what an earlier bundle wrote (post directories, `GUIDE.md`, `bundle.json`); leaves
/// `categories.json` and anything the user put there.
fn clear_old_bundle(out: &Path) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name == BUNDLE_JSON || name == GUIDE_MD {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        } else if is_post_dir_name(&name) && path.is_dir() {
            std::fs::remove_dir_all(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

/// Reads `categories.json` when the bundle has one; a broken file stops the run (it holds edits).
fn read_categories(out: &Path) -> anyhow::Result<Option<CategoryMap>> {
    let path = out.join(CATEGORIES_JSON);
    match std::fs::read_to_string(&path) {
        Ok(text) => CategoryMap::parse(&text).map(Some).map_err(|e| {
            anyhow::anyhow!(
                "{} is not valid JSON ({e}); it holds your category edits, so bundle does not overwrite it: fix it or move it away",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Runs `bundle`: picks the posts (`select::select_posts`), builds each one, then writes the
/// post directories, `GUIDE.md` and `categories.json` (`write::write_posts`) and `bundle.json`
/// last (`write::write_manifest`).
///
/// # Errors
/// When the archive cannot be read, `categories.json` is broken, or a file cannot be written.
/// Posts that cannot be read are reported, not errors.
pub fn run_bundle(opts: &BundleOptions) -> anyhow::Result<BundleReport> {
    let started = Instant::now();
    crate::archive::confine::check_folders(&opts.archive)?;
    let src = ArchiveSource::load(&opts.archive)?;
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| opts.archive.join(DEFAULT_BUNDLE_DIR));
    let selection = select::select_posts(&src);
    let merged = merge_categories(
        read_categories(&out)?,
        selection
            .posts
            .iter()
            .filter_map(|p| p.row.category.as_deref()),
    );
    let built = build_posts(&src, &selection.posts, &opts.footer, &merged.map);

    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    clear_old_bundle(&out)?;
    let mut writer = write::BundleWriter::new(&out);
    let written = write::write_posts(&mut writer, &src.root, &built)?;
    let guide = guide_markdown(&GuideFacts {
        blog: src.name(),
        posts: built.len(),
        skipped: selection.skipped.len(),
        images: written.images,
        images_missing: written.images_missing,
        first_dir: built.first().map(|p| p.dir.as_str()),
        footer: opts.footer != Footer::Off,
    });
    writer.write(GUIDE_MD, guide.as_bytes())?;
    write_atomic(&out.join(CATEGORIES_JSON), merged.map.to_json().as_bytes())?;
    let totals = write::write_manifest(writer, &src, &opts.footer, &built, &selection, &written)?;
    if opts.out.is_none()
        && let Some(db) = &src.db
    {
        // Recorded so that `verify` notices a bundle deleted or left unfinished later.
        db.set_meta(crate::archive::BUNDLE_META, DEFAULT_BUNDLE_DIR)
            .context("while recording the bundle in archive.db")?;
    }

    Ok(BundleReport {
        out_dir: out,
        posts: built.len(),
        first_last: built
            .first()
            .zip(built.last())
            .map(|(a, b)| (a.dir.clone(), b.dir.clone())),
        skipped: selection.skipped,
        failed: selection.failed,
        images: totals.images - totals.images_missing,
        images_missing: totals.images_missing,
        attachments: written.attachments,
        warnings: totals.warnings,
        most_warned: most_warned(&built),
        categories_added: merged.added,
        files: totals.files,
        bytes: totals.bytes,
        notes: src.bad_lines,
        elapsed: started.elapsed(),
    })
}

/// Builds every selected post, in upload order (1-based sequence numbers).
fn build_posts(
    src: &ArchiveSource,
    posts: &[select::Bundled<'_>],
    footer: &Footer,
    categories: &CategoryMap,
) -> Vec<BuiltPost> {
    let links = src.links();
    let file_facts = |rel: &str| -> Option<FileFacts> {
        let bytes = std::fs::read(layout::resolve(&src.root, rel)).ok()?;
        Some(FileFacts {
            sha256: file_sha256(&bytes),
            bytes: bytes.len() as u64,
        })
    };
    let mut built = Vec::with_capacity(posts.len());
    for (i, p) in posts.iter().enumerate() {
        let (row, post) = (p.row, &p.post);
        let date = select::published(row);
        let restored = row
            .provenance
            .as_ref()
            .and_then(crate::provenance::Provenance::footer_clause);
        let body = post
            .body
            .as_ref()
            .expect("select_posts keeps only posts with a body");
        let source = PostSource {
            blog: src.name(),
            id: row.id,
            url: &row.url,
            title: row.title.as_deref().unwrap_or("(제목 없음)"),
            published: date.as_ref(),
            notice: row.notice,
            category: row.category.as_deref(),
            tags: &row.tags,
            body_html: &body.html,
            images: &body.images,
            attachments: &body.attachments,
            restored: restored.as_deref(),
        };
        let ctx = PostContext {
            sequence: i + 1,
            footer,
            categories,
            links: &links,
            file_facts: &file_facts,
        };
        built.push(build_post(&source, &ctx));
    }
    built
}

/// The five posts with the most warnings: (directory, count), most first.
fn most_warned(built: &[BuiltPost]) -> Vec<(String, usize)> {
    let mut most: Vec<(String, usize)> = built
        .iter()
        .map(|p| (p.dir.clone(), p.manifest.warnings.len()))
        .filter(|(_, n)| *n > 0)
        .collect();
    most.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    most.truncate(5);
    most
}
