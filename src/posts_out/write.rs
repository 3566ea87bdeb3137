//! Making one post's Markdown file and row from the post and its [`PostInputs`].

use std::path::Path;

use anyhow::Context as _;

use super::PostInputs;
use crate::archive::hash::sha256_hex;
use crate::archive::layout;
use crate::archive::store::write_atomic;
use crate::convert::{ImageMap, markdown_body, to_markdown, to_record};
use crate::extract::witness::second_witness;
use crate::model::{AssetState, AssetStatus, Post, PostRecord};
use crate::provenance::{AssetSource, Provenance, insert_front_matter};
use crate::report::FileProblem;

/// What writing one post came to: its row, and whether it has a Markdown file.
#[derive(Debug, Clone)]
pub struct WrittenPost {
    /// The post's `posts.jsonl` row.
    pub record: PostRecord,
    /// Whether the post has a Markdown file.
    pub markdown_written: bool,
    /// The sha256 of the Markdown document, when there is one.
    pub document_sha256: Option<String>,
    /// A post whose Markdown could not be made.
    pub problem: Option<FileProblem>,
}

/// `path` relative to `base`, with `/` separators; `path` as it is when it is not under `base`.
#[must_use]
pub fn relative_to(path: &Path, base: &Path) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    abs(path).strip_prefix(abs(base)).map_or_else(
        |_| path.display().to_string(),
        |r| r.to_string_lossy().replace('\\', "/"),
    )
}

/// Marks the post's images and attachments as saved or missing, and returns the map from
/// original URLs to the local files the Markdown should use.
fn apply(post: &mut Post, inputs: &PostInputs) -> ImageMap {
    let mut map = ImageMap::new();
    let Some(body) = post.body.as_mut() else {
        return map;
    };
    let mut locate = |url: &str| -> (Option<String>, AssetStatus) {
        match inputs.assets.iter().find(|a| a.url == url).map(|a| &a.row) {
            Some(Some((AssetState::Ok, Some(file)))) => {
                map.insert(url.to_string(), layout::from_markdown(file));
                (Some(file.clone()), AssetStatus::Ok)
            }
            Some(Some(_)) => (None, AssetStatus::Missing),
            Some(None) | None => (None, AssetStatus::Remote),
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

/// The post's provenance with where each of its saved files came from, in body order.
fn provenance_of(inputs: &PostInputs) -> Option<Provenance> {
    let mut p = inputs.provenance.clone()?;
    for named in &inputs.assets {
        if let Some(origin) = &named.origin
            && !p.assets.iter().any(|a| a.asset == named.url)
        {
            p.assets.push(AssetSource {
                asset: named.url.clone(),
                kind: named.kind.as_str().to_string(),
                origin: origin.clone(),
            });
        }
    }
    Some(p)
}

/// Makes `post`'s Markdown file (in `out`) and row from the post read from `path` and its
/// inputs: its files marked saved or missing, the list's words weighed against the page, then
/// `write_post`.
///
/// # Errors
/// When the Markdown file cannot be written.
pub fn settle_post(
    out: &Path,
    path: &Path,
    mut post: Post,
    inputs: &PostInputs,
) -> anyhow::Result<WrittenPost> {
    let images = apply(&mut post, inputs);
    if let Some(listed) = &inputs.listed {
        let saved = inputs.comments.as_ref().map(|c| c.count);
        let witnessed = second_witness(&mut post, listed, saved);
        post.warnings.extend(witnessed.warnings());
    }
    write_post(out, inputs, path, &post, &images)
}

/// Converts one post (its images and witness already applied), writes its Markdown file and
/// returns its row.
fn write_post(
    out: &Path,
    inputs: &PostInputs,
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
    let provenance = provenance_of(inputs);
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
    record.markdown_body_sha256 = md
        .as_ref()
        .map(|m| sha256_hex(markdown_body(&m.document).as_bytes()));
    record.comments = inputs.comments.clone();
    if let Some(p) = provenance {
        record.apply_visibility(p);
        record.provenance = Some(p.clone());
    }
    Ok(WrittenPost {
        record,
        markdown_written: md.is_some(),
        document_sha256: md.as_ref().map(|m| sha256_hex(m.document.as_bytes())),
        problem,
    })
}
