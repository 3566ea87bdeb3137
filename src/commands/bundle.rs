//! `tistory-migrate bundle <ARCHIVE>`: the Naver Blog bundle (see [`crate::bundle`]) from an
//! archive, written into `<ARCHIVE>/naver/` by default. A re-run replaces the bundle — the post
//! directories, `GUIDE.md` and `bundle.json`, nothing else in the directory — and keeps the user's
//! `categories.json` edits. Every file is written atomically and `bundle.json` last, so an
//! interrupted run leaves no manifest and [`check_bundle`] says so.

mod report;
pub(crate) mod source;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use chrono::DateTime;

pub use crate::bundle::check::{check_bundle, read_bundle_manifest};
pub use report::BundleReport;
use source::ArchiveSource;

use crate::archive::layout;
use crate::archive::store::write_atomic;
use crate::bundle::categories::{CATEGORIES_JSON, CategoryMap, merge_categories};
use crate::bundle::footer::Footer;
use crate::bundle::guide::{GuideFacts, guide_markdown};
use crate::bundle::manifest::{
    BUNDLE_JSON, BUNDLE_SCHEMA_VERSION, BundleManifest, FooterInfo, GUIDE_MD, Limits, ManifestPost,
    ORDERING, SkippedPost, SourceBlog, Totals,
};
use crate::bundle::post::{FileFacts, PostContext, PostSource, build_post, file_sha256};
use crate::bundle::{is_post_dir_name, post_key, upload_order_key};
use crate::model::{Post, PostRecord, PostStatus};

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

fn skip_reason(status: PostStatus) -> &'static str {
    match status {
        PostStatus::Protected => {
            "password-protected (보호글): the archive has no body, and Naver has no password posts"
        }
        PostStatus::Private => "private (비공개): not visible to a guest, so not archived",
        PostStatus::Deleted => "deleted on Tistory",
        PostStatus::Error | PostStatus::Ok => {
            "not archived; run `tistory-migrate verify` for the repair command"
        }
    }
}

fn status_name(status: PostStatus) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
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

/// Runs `bundle`.
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
    let mut skipped = Vec::new();
    let mut failed = 0;
    let mut posts: Vec<(&PostRecord, Post)> = Vec::new();
    for row in &src.rows {
        if row.status != PostStatus::Ok {
            skipped.push(SkippedPost {
                key: post_key(&src.blog, row.id),
                id: row.id,
                title: row.title.clone(),
                status: status_name(row.status),
                reason: skip_reason(row.status).into(),
            });
            continue;
        }
        if let Some(reason) = row.bundle_hold() {
            skipped.push(SkippedPost {
                key: post_key(&src.blog, row.id),
                id: row.id,
                title: row.title.clone(),
                status: "visibility_unknown".into(),
                reason,
            });
            continue;
        }
        match src.post(row) {
            Ok(post) => posts.push((row, post)),
            Err(reason) => {
                failed += 1;
                tracing::warn!(id = row.id, "{reason}");
                skipped.push(SkippedPost {
                    key: post_key(&src.blog, row.id),
                    id: row.id,
                    title: row.title.clone(),
                    status: "error".into(),
                    reason,
                });
            }
        }
    }
    let published = |row: &PostRecord| {
        row.published
            .as_deref()
            .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
    };
    posts.sort_by_key(|(row, _)| upload_order_key(published(row).as_ref(), row.id));

    let merged = merge_categories(
        read_categories(&out)?,
        posts.iter().filter_map(|(row, _)| row.category.as_deref()),
    );
    let links = src.links();
    let file_facts = |rel: &str| -> Option<FileFacts> {
        let bytes = std::fs::read(layout::resolve(&src.root, rel)).ok()?;
        Some(FileFacts {
            sha256: file_sha256(&bytes),
            bytes: bytes.len() as u64,
        })
    };
    let mut built = Vec::new();
    for (i, (row, post)) in posts.iter().enumerate() {
        let date = published(row);
        let restored = row
            .provenance
            .as_ref()
            .and_then(crate::provenance::Provenance::footer_clause);
        let body = post
            .body
            .as_ref()
            .expect("ArchiveSource::post returns posts with a body");
        let source = PostSource {
            blog: &src.blog,
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
            footer: &opts.footer,
            categories: &merged.map,
            links: &links,
            file_facts: &file_facts,
        };
        built.push(build_post(&source, &ctx));
    }

    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    clear_old_bundle(&out)?;
    let mut checksums = BTreeMap::new();
    let mut bytes_total = 0u64;
    let mut write = |rel: String, bytes: &[u8]| -> anyhow::Result<()> {
        write_atomic(&layout::resolve(&out, &rel), bytes)?;
        bytes_total += bytes.len() as u64;
        checksums.insert(rel, file_sha256(bytes));
        Ok(())
    };
    let mut totals = Totals::default();
    let mut attachments = 0;
    for post in &built {
        for (name, bytes) in &post.files {
            write(format!("{}/{name}", post.dir), bytes)?;
        }
        for copy in &post.copies {
            let from = layout::resolve(&src.root, &copy.from);
            let bytes =
                std::fs::read(&from).with_context(|| format!("cannot read {}", from.display()))?;
            write(format!("{}/{}", post.dir, copy.to), &bytes)?;
            attachments += usize::from(copy.to.starts_with("files/"));
        }
        totals.images += post.manifest.images.len();
        totals.images_missing += post
            .manifest
            .images
            .iter()
            .filter(|i| i.file.is_none())
            .count();
        totals.warnings += post.manifest.warnings.len();
    }
    let guide = guide_markdown(&GuideFacts {
        blog: &src.blog,
        posts: built.len(),
        skipped: skipped.len(),
        images: totals.images,
        images_missing: totals.images_missing,
        first_dir: built.first().map(|p| p.dir.as_str()),
        footer: opts.footer != Footer::Off,
    });
    write(GUIDE_MD.to_string(), guide.as_bytes())?;
    write_atomic(&out.join(CATEGORIES_JSON), merged.map.to_json().as_bytes())?;

    totals.posts = built.len();
    totals.skipped = skipped.len();
    totals.files = checksums.len();
    totals.bytes = bytes_total;
    let manifest = BundleManifest {
        schema_version: BUNDLE_SCHEMA_VERSION,
        generator: format!("tistory-migrate {}", env!("CARGO_PKG_VERSION")),
        generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        source: SourceBlog {
            platform: "tistory".into(),
            blog: src.blog.clone(),
            blog_url: Some(src.base_url.clone()),
        },
        target: "naver-blog".into(),
        ordering: ORDERING.into(),
        limits_assumed: Limits::default(),
        footer: FooterInfo {
            enabled: opts.footer != Footer::Off,
            template: opts.footer.template().map(str::to_string),
        },
        posts: built
            .iter()
            .map(|p| ManifestPost {
                key: p.manifest.key.clone(),
                sequence: p.manifest.sequence,
                id: p.manifest.id,
                dir: p.dir.clone(),
                title: p.manifest.title.clone(),
                original_published_at: p.manifest.original_published_at.clone(),
                content_sha256: p.manifest.content_sha256.clone(),
                images: p.manifest.images.len(),
                warnings: p.manifest.warnings.len(),
            })
            .collect(),
        skipped: skipped.clone(),
        totals: totals.clone(),
        checksums,
    };
    let mut json =
        serde_json::to_vec_pretty(&manifest).context("the manifest always serialises")?;
    json.push(b'\n');
    write_atomic(&out.join(BUNDLE_JSON), &json)?;

    let mut most_warned: Vec<(String, usize)> = built
        .iter()
        .map(|p| (p.dir.clone(), p.manifest.warnings.len()))
        .filter(|(_, n)| *n > 0)
        .collect();
    most_warned.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    most_warned.truncate(5);
    Ok(BundleReport {
        out_dir: out,
        posts: built.len(),
        first_last: built
            .first()
            .zip(built.last())
            .map(|(a, b)| (a.dir.clone(), b.dir.clone())),
        skipped,
        failed,
        images: totals.images - totals.images_missing,
        images_missing: totals.images_missing,
        attachments,
        warnings: totals.warnings,
        most_warned,
        categories_added: merged.added,
        files: totals.files,
        bytes: totals.bytes,
        notes: src.bad_lines,
        elapsed: started.elapsed(),
    })
}
