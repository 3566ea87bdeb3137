//! Writing the bundle: every file atomically through a [`BundleWriter`] that records its sha256
//! and size for `bundle.json`, the post directories first and `bundle.json` last (an interrupted
//! run leaves no manifest).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::select::Selection;
use super::source::ArchiveSource;
use crate::archive::layout;
use crate::archive::store::write_atomic;
use crate::bundle::footer::Footer;
use crate::bundle::manifest::{
    BUNDLE_JSON, BUNDLE_SCHEMA_VERSION, BundleManifest, FooterInfo, Limits, ManifestPost, ORDERING,
    Totals,
};
use crate::bundle::post::{BuiltPost, file_sha256};

/// Writes files into the bundle directory and keeps their checksums.
pub(super) struct BundleWriter {
    out: PathBuf,
    checksums: BTreeMap<String, String>,
    bytes: u64,
}

impl BundleWriter {
    pub(super) fn new(out: &Path) -> Self {
        Self {
            out: out.to_path_buf(),
            checksums: BTreeMap::new(),
            bytes: 0,
        }
    }

    /// Writes `bytes` at `rel` (relative to the bundle directory) and records it.
    pub(super) fn write(&mut self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        write_atomic(&layout::resolve(&self.out, rel), bytes)?;
        self.bytes += bytes.len() as u64;
        self.checksums.insert(rel.to_string(), file_sha256(bytes));
        Ok(())
    }
}

/// What writing the post directories placed.
pub(super) struct Written {
    /// Images placed (missing ones included).
    pub images: usize,
    /// Images with no file.
    pub images_missing: usize,
    /// Attachments copied.
    pub attachments: usize,
    /// Warnings over all posts.
    pub warnings: usize,
}

/// Writes each post's generated files and copies its archived images and attachments in.
pub(super) fn write_posts(
    writer: &mut BundleWriter,
    archive: &Path,
    built: &[BuiltPost],
) -> anyhow::Result<Written> {
    let mut written = Written {
        images: 0,
        images_missing: 0,
        attachments: 0,
        warnings: 0,
    };
    for post in built {
        for (name, bytes) in &post.files {
            writer.write(&format!("{}/{name}", post.dir), bytes)?;
        }
        for copy in &post.copies {
            let from = layout::resolve(archive, &copy.from);
            let bytes =
                std::fs::read(&from).with_context(|| format!("cannot read {}", from.display()))?;
            writer.write(&format!("{}/{}", post.dir, copy.to), &bytes)?;
            written.attachments += usize::from(copy.to.starts_with("files/"));
        }
        written.images += post.manifest.images.len();
        written.images_missing += post
            .manifest
            .images
            .iter()
            .filter(|i| i.file.is_none())
            .count();
        written.warnings += post.manifest.warnings.len();
    }
    Ok(written)
}

/// Writes `bundle.json`, the last file, listing every file the writer wrote; returns its totals.
pub(super) fn write_manifest(
    writer: BundleWriter,
    src: &ArchiveSource,
    footer: &Footer,
    built: &[BuiltPost],
    selection: &Selection<'_>,
    written: &Written,
) -> anyhow::Result<Totals> {
    let totals = Totals {
        posts: built.len(),
        skipped: selection.skipped.len(),
        images: written.images,
        images_missing: written.images_missing,
        warnings: written.warnings,
        files: writer.checksums.len(),
        bytes: writer.bytes,
    };
    let manifest = BundleManifest {
        schema_version: BUNDLE_SCHEMA_VERSION,
        generator: format!("tistory-migrate {}", env!("CARGO_PKG_VERSION")),
        generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        source: src.blog.clone(),
        target: "naver-blog".into(),
        ordering: ORDERING.into(),
        limits_assumed: Limits::default(),
        footer: FooterInfo {
            enabled: *footer != Footer::Off,
            template: footer.template().map(str::to_string),
        },
        posts: built.iter().map(manifest_post).collect(),
        skipped: selection.skipped.clone(),
        totals: totals.clone(),
        checksums: writer.checksums,
    };
    let mut json =
        serde_json::to_vec_pretty(&manifest).context("the manifest always serialises")?;
    json.push(b'\n');
    write_atomic(&writer.out.join(BUNDLE_JSON), &json)?;
    Ok(totals)
}

fn manifest_post(p: &BuiltPost) -> ManifestPost {
    ManifestPost {
        key: p.manifest.key.clone(),
        sequence: p.manifest.sequence,
        id: p.manifest.id,
        dir: p.dir.clone(),
        title: p.manifest.title.clone(),
        original_published_at: p.manifest.original_published_at.clone(),
        content_sha256: p.manifest.content_sha256.clone(),
        images: p.manifest.images.len(),
        warnings: p.manifest.warnings.len(),
    }
}
