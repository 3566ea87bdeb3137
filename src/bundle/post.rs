//! One post of the bundle: from what the archive knows about it to the files of its directory
//! (`post.json`, `body.html`, `paste.html`, `body.txt`, `preview.html`) and the list of archived files to copy
//! in (`images/NN.ext`, `files/NN_name`). Tags are fitted to Naver (no spaces, no duplicates, at
//! most [`MAX_TAGS`]); everything changed is a warning. Pure: file facts come in through
//! [`PostContext::file_facts`], bytes go out as values.

use crate::archive::hash::{sha256_hex, sha256_hex_parts};
use chrono::{DateTime, FixedOffset};

use super::categories::CategoryMap;
use super::footer::{Footer, FooterFacts, footer_text};
use super::links::BlogLinks;
use super::manifest::{
    BUNDLE_SCHEMA_VERSION, InternalLink, MAX_TAGS, POST_JSON, PostAttachment, PostCategory,
    PostImage, PostManifest,
};
use super::sanitize::{SafeBody, sanitize};
use super::{post_dir_name, post_key};
use crate::archive::layout::safe_name;
use crate::extract::dates::to_rfc3339_kst;
use crate::model::{AssetStatus, Attachment, EntryId, Image};

/// What the archive knows about one public post.
#[derive(Debug, Clone, Copy)]
pub struct PostSource<'a> {
    /// The blog's Tistory name.
    pub blog: &'a str,
    /// The entry id.
    pub id: EntryId,
    /// The original address.
    pub url: &'a str,
    /// The title.
    pub title: &'a str,
    /// First publication.
    pub published: Option<&'a DateTime<FixedOffset>>,
    /// True for a notice.
    pub notice: bool,
    /// The category path, `None` when uncategorised.
    pub category: Option<&'a str>,
    /// Tags in page order.
    pub tags: &'a [String],
    /// The cleaned body (`Post.body.html`).
    pub body_html: &'a str,
    /// Images in body order, `file`/`status` from the archive.
    pub images: &'a [Image],
    /// Attachments, `file`/`status` from the archive.
    pub attachments: &'a [Attachment],
    /// Where a copy that is not live was restored from, as the footer's clause
    /// ([`crate::provenance::Provenance::footer_clause`]); `None` for a live copy.
    pub restored: Option<&'a str>,
}

/// The size and hash of an archived file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// sha256, hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// What a post is built with besides its own data.
pub struct PostContext<'a> {
    /// 1-based upload position.
    pub sequence: usize,
    /// The footer setting.
    pub footer: &'a Footer,
    /// The category mapping.
    pub categories: &'a CategoryMap,
    /// The blog's hosts and slugs, for links between posts.
    pub links: &'a BlogLinks,
    /// Facts about an archived file (path relative to the archive); `None` when it is not there.
    pub file_facts: &'a dyn Fn(&str) -> Option<FileFacts>,
}

/// A file to copy from the archive into the post's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCopy {
    /// Relative to the archive.
    pub from: String,
    /// Relative to the post's directory.
    pub to: String,
}

/// A post, ready to write.
#[derive(Debug, Clone)]
pub struct BuiltPost {
    /// The post's directory name (`0001_2014-03-09_1`).
    pub dir: String,
    /// `post.json`.
    pub manifest: PostManifest,
    /// Generated files: (path relative to the post's directory, bytes).
    pub files: Vec<(String, Vec<u8>)>,
    /// Archived files to copy in.
    pub copies: Vec<FileCopy>,
}

/// Tags fitted to Naver.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NaverTags {
    /// At most [`MAX_TAGS`], in page order.
    pub kept: Vec<String>,
    /// Left out: over the limit, empty, or duplicates once spaces are removed.
    pub dropped: Vec<String>,
    /// What changed, as warnings.
    pub warnings: Vec<String>,
}

/// Fits tags to Naver: `#` and spaces removed (ParkGiraffe's rule, research A3.4), duplicates
/// (ignoring case) dropped, the first [`MAX_TAGS`] kept.
#[must_use]
pub fn naver_tags(tags: &[String]) -> NaverTags {
    let mut out = NaverTags::default();
    let mut respaced = Vec::new();
    let mut over = Vec::new();
    for tag in tags {
        let fitted: String = tag
            .trim()
            .trim_start_matches('#')
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if fitted.is_empty()
            || out
                .kept
                .iter()
                .any(|k| k.to_lowercase() == fitted.to_lowercase())
        {
            out.dropped.push(tag.clone());
            continue;
        }
        if fitted != tag.trim() {
            respaced.push(format!("{tag:?} → {fitted:?}"));
        }
        if out.kept.len() == MAX_TAGS {
            over.push(tag.clone());
            out.dropped.push(tag.clone());
            continue;
        }
        out.kept.push(fitted);
    }
    if !respaced.is_empty() {
        out.warnings.push(format!(
            "tag_changed: spaces and # removed for Naver: {}",
            respaced.join(", ")
        ));
    }
    if !over.is_empty() {
        out.warnings.push(format!(
            "tags_truncated: {} tags, Naver takes {MAX_TAGS}; left out: {}",
            tags.len(),
            over.join(", ")
        ));
    }
    out
}

fn extension(archive_file: &str, filename: Option<&str>) -> String {
    let ext_of = |name: &str| {
        name.rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .filter(|e| {
                !e.is_empty() && e.len() <= 5 && e.chars().all(|c| c.is_ascii_alphanumeric())
            })
    };
    let base = archive_file.rsplit('/').next().unwrap_or(archive_file);
    ext_of(base)
        .or_else(|| filename.and_then(ext_of))
        .unwrap_or_else(|| "img".into())
}

/// Builds one post.
#[must_use]
pub fn build_post(src: &PostSource<'_>, ctx: &PostContext<'_>) -> BuiltPost {
    let dir = post_dir_name(ctx.sequence, src.published, src.id);
    let title = src.title.replace('\u{a0}', " ").trim().to_string();
    let mut body = sanitize(src.body_html, src.images);
    let facts = FooterFacts {
        url: src.url,
        published: src.published,
        title: &title,
        blog: src.blog,
    };
    if let Some(text) = footer_text(ctx.footer, &facts) {
        let text = match src.restored {
            Some(clause) => crate::provenance::footer_with_clause(&text, clause),
            None => text,
        };
        body = body.with_footer(&text);
    }
    let mut warnings = Vec::new();
    let mut copies = Vec::new();
    let images = place_images(&body, ctx, &mut copies, &mut warnings);
    let attachments = place_attachments(src.attachments, ctx, &mut copies, &mut warnings);
    let tags = naver_tags(src.tags);
    warnings.extend(tags.warnings);
    if src.notice {
        warnings.push(
            "notice: this was a Tistory notice (공지); pin it on Naver by hand if you want".into(),
        );
    }
    warnings.extend(body.warnings.iter().cloned());
    let internal_links = internal_links(&body, src.blog, ctx.links);
    let image_file =
        |slot: &super::sanitize::ImageSlot| images.get(slot.n - 1).and_then(|i| i.file.clone());
    let preview = body.preview_html(&title, &image_file);
    let content_sha256 = content_sha256(&title, &body, &images);
    let manifest = PostManifest {
        schema_version: BUNDLE_SCHEMA_VERSION,
        key: post_key(src.blog, src.id),
        sequence: ctx.sequence,
        id: src.id,
        title: title.clone(),
        original_published_at: src.published.map(to_rfc3339_kst),
        original_url: src.url.to_string(),
        notice: src.notice,
        category: PostCategory {
            tistory: src.category.map(str::to_string),
            naver: ctx.categories.naver_for(src.category),
        },
        tags: tags.kept,
        tags_dropped: tags.dropped,
        visibility: "public".into(),
        images,
        attachments,
        internal_links,
        content_sha256,
        warnings,
    };
    // Plain structs of strings and numbers: serialising cannot fail, and an empty post.json would
    // pass for a post with nothing in it.
    let mut post_json =
        serde_json::to_vec_pretty(&manifest).expect("a post manifest always serialises");
    post_json.push(b'\n');
    let paste = paste_page(&title, &body.html);
    BuiltPost {
        dir,
        files: vec![
            (POST_JSON.to_string(), post_json),
            ("body.html".to_string(), body.html.into_bytes()),
            ("paste.html".to_string(), paste.into_bytes()),
            ("body.txt".to_string(), body.text.into_bytes()),
            ("preview.html".to_string(), preview.into_bytes()),
        ],
        manifest,
        copies,
    }
}

/// The image of each slot of the body: its file copied in as `images/NN.ext` when archived (a
/// file recorded as archived but gone is a warning), its placeholder otherwise.
fn place_images(
    body: &SafeBody,
    ctx: &PostContext<'_>,
    copies: &mut Vec<FileCopy>,
    warnings: &mut Vec<String>,
) -> Vec<PostImage> {
    let width = body.image_slots.len().to_string().len().max(2);
    let mut images = Vec::new();
    for slot in &body.image_slots {
        let found = slot
            .file
            .as_deref()
            .filter(|_| !slot.missing)
            .and_then(|f| (ctx.file_facts)(f).map(|facts| (f, facts)));
        if !slot.missing && found.is_none() {
            warnings.push(format!(
                "image_missing: 사진 {} is recorded as archived but its file is gone; the body says [[사진 {}]] with nothing to upload",
                slot.n, slot.n
            ));
        }
        let file = found.as_ref().map(|(from, _)| {
            let to = format!(
                "images/{:0width$}.{}",
                slot.n,
                extension(from, slot.filename.as_deref())
            );
            copies.push(FileCopy {
                from: (*from).to_string(),
                to: to.clone(),
            });
            to
        });
        images.push(PostImage {
            n: slot.n,
            placeholder: super::blocks::placeholder(slot.n, slot.missing),
            sha256: found.as_ref().map(|(_, f)| f.sha256.clone()),
            bytes: found.as_ref().map(|(_, f)| f.bytes),
            file,
            source_url: slot.url.clone(),
            caption: slot.caption.clone(),
            missing: slot.missing,
        });
    }
    images
}

/// Each attachment copied in as `files/NN_name` when archived, with a warning either way (its
/// link points to Tistory's server).
fn place_attachments(
    attachments: &[Attachment],
    ctx: &PostContext<'_>,
    copies: &mut Vec<FileCopy>,
    warnings: &mut Vec<String>,
) -> Vec<PostAttachment> {
    let mut placed = Vec::new();
    for (i, a) in attachments.iter().enumerate() {
        let from = a
            .file
            .as_deref()
            .filter(|f| a.status == AssetStatus::Ok && (ctx.file_facts)(f).is_some());
        let file = from.map(|from| {
            let to = format!("files/{:02}_{}", i + 1, safe_name(&a.name));
            copies.push(FileCopy {
                from: from.to_string(),
                to: to.clone(),
            });
            to
        });
        warnings.push(match &file {
            Some(f) => format!(
                "attachment: {:?} links to Tistory's server, which goes away with the blog; attach {f} with the editor's file button and remove the link",
                a.name
            ),
            None => format!("attachment: {:?} was not archived; its link points to Tistory's server", a.name),
        });
        placed.push(PostAttachment {
            name: a.name.clone(),
            source_url: a.url.clone(),
            file,
        });
    }
    placed
}

/// The post's content hash: its title, its pasted body and its images' hashes.
fn content_sha256(title: &str, body: &SafeBody, images: &[PostImage]) -> String {
    sha256_hex_parts(
        [title.as_bytes(), b"\n", body.html.as_bytes()]
            .into_iter()
            .chain(images.iter().flat_map(|image| {
                [
                    &b"\n"[..],
                    image.sha256.as_deref().unwrap_or("-").as_bytes(),
                ]
            })),
    )
}

/// `paste.html`: `body.html` alone as a UTF-8 page, so that select-all and copy in a browser puts
/// exactly the paste-safe body on the clipboard (the title stays in `<head>`).
fn paste_page(title: &str, body_html: &str) -> String {
    let mut t = String::new();
    super::blocks::escape(title, &mut t);
    format!(
        "<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\"><title>{t} (붙여 넣을 본문)</title></head>\n<body>\n{body_html}</body></html>\n"
    )
}

/// The links of the body to other posts of the blog, each once, in body order.
fn internal_links(body: &SafeBody, blog: &str, links: &BlogLinks) -> Vec<InternalLink> {
    let mut out: Vec<InternalLink> = Vec::new();
    for href in body.link_hrefs() {
        if let Some(id) = links.target(href)
            && !out.iter().any(|l| l.href == href)
        {
            out.push(InternalLink {
                href: href.to_string(),
                target_id: id,
                target_key: post_key(blog, id),
            });
        }
    }
    out
}

/// sha256 of bytes, hex: the hash the manifest uses for every file.
#[must_use]
pub fn file_sha256(bytes: &[u8]) -> String {
    sha256_hex(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_fit_naver() {
        let mut tags: Vec<String> = (1..=35).map(|i| format!("다리{i}")).collect();
        tags.insert(1, "새벽 산책".into());
        tags.insert(2, "#새벽산책".into());
        let fitted = naver_tags(&tags);
        assert_eq!(fitted.kept.len(), MAX_TAGS);
        assert_eq!(fitted.kept[1], "새벽산책");
        assert_eq!(fitted.dropped[0], "#새벽산책", "a duplicate once fitted");
        assert_eq!(fitted.dropped.len(), 1 + 6);
        assert_eq!(fitted.dropped.last().map(String::as_str), Some("다리35"));
        assert!(
            fitted.warnings[1].starts_with("tags_truncated: 37 tags"),
            "{:?}",
            fitted.warnings
        );
    }

    #[test]
    fn extensions() {
        assert_eq!(extension("assets/ab/abcd.png", Some("x.jpg")), "png");
        assert_eq!(extension("assets/ab/abcd", Some("x.JPG")), "jpg");
        assert_eq!(extension("assets/ab/abcd", None), "img");
    }
}
