//! `bundle.json` and `post.json`: what a bundle holds, in upload order, with a sha256 of every
//! file so that a bundle edited by hand or copied half-way is caught before anything is published
//! ([`super::integrity::compare_checksums`]). The schema is versioned ([`BUNDLE_SCHEMA_VERSION`]); add fields, never
//! rename. Pure: the command hashes the files and writes the JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::EntryId;
use crate::model::blog::Blog;

/// The version of `bundle.json` and `post.json`.
pub const BUNDLE_SCHEMA_VERSION: u32 = 1;
/// The manifest's file name.
pub const BUNDLE_JSON: &str = "bundle.json";
/// Each post's metadata file name.
pub const POST_JSON: &str = "post.json";
/// The guide's file name.
pub const GUIDE_MD: &str = "GUIDE.md";
/// The upload order, as named in the manifest.
pub const ORDERING: &str = "original_published_at_asc";
/// Naver takes at most this many tags per post (the editor's tag input says 최대 30개).
pub const MAX_TAGS: usize = 30;
/// Naver publishes at most about this many posts a day per blog (2020 press report).
pub const MAX_POSTS_PER_DAY: u32 = 200;

/// The assumed Naver limits, kept in the manifest so they can change without a new schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Posts a day per blog.
    pub max_posts_per_day: u32,
    /// Tags per post.
    pub max_tags_per_post: usize,
    /// Whether Naver lets a post carry an earlier date (it does not).
    pub backdating: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_posts_per_day: MAX_POSTS_PER_DAY,
            max_tags_per_post: MAX_TAGS,
            backdating: false,
        }
    }
}

/// `bundle.json`'s `source`: the serialised form of the [`Blog`] the bundle comes from, with the
/// file format's field names (`{"platform": "tistory", "blog": <name>, "blog_url": <address>}`).
/// Only the name and the address are kept; the platform is always `tistory`.
mod source_blog {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::model::blog::Blog;

    /// The wire form.
    #[derive(Serialize, Deserialize)]
    struct SourceBlog<S> {
        /// Always `tistory`.
        platform: S,
        /// The blog's Tistory name.
        blog: S,
        /// The blog's address, when known.
        blog_url: Option<S>,
    }

    pub(super) fn serialize<Z: Serializer>(blog: &Blog, s: Z) -> Result<Z::Ok, Z::Error> {
        SourceBlog {
            platform: "tistory",
            blog: blog.name.as_deref().unwrap_or_default(),
            blog_url: blog.base_url.as_deref(),
        }
        .serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Blog, D::Error> {
        let wire = SourceBlog::<String>::deserialize(d)?;
        Ok(Blog {
            name: Some(wire.blog),
            base_url: wire.blog_url,
            ..Blog::default()
        })
    }
}

/// The footer as configured for the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FooterInfo {
    /// True when every post ends with the footer.
    pub enabled: bool,
    /// The template, with its placeholders.
    pub template: Option<String>,
}

/// One post in the manifest's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestPost {
    /// `tistory:<blog>:<id>`: the ledger's key.
    pub key: String,
    /// 1-based upload position.
    pub sequence: usize,
    /// The Tistory entry id.
    pub id: EntryId,
    /// The post's directory in the bundle.
    pub dir: String,
    /// The title.
    pub title: String,
    /// RFC 3339, KST; `null` when unknown (such posts go last).
    pub original_published_at: Option<String>,
    /// sha256 of the title, `body.html` and the images, in order.
    pub content_sha256: String,
    /// Images in the post.
    pub images: usize,
    /// Warnings of the post.
    pub warnings: usize,
}

/// A post that is not in the bundle, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedPost {
    /// `tistory:<blog>:<id>`.
    pub key: String,
    /// The Tistory entry id.
    pub id: EntryId,
    /// The title, when known.
    pub title: Option<String>,
    /// The archive status (`protected`, `private`, `deleted`, `error`).
    pub status: String,
    /// Why it is not bundled.
    pub reason: String,
}

/// Totals over the bundle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Posts in the bundle.
    pub posts: usize,
    /// Posts left out.
    pub skipped: usize,
    /// Images placed (missing ones included).
    pub images: usize,
    /// Images with no file.
    pub images_missing: usize,
    /// Warnings over all posts.
    pub warnings: usize,
    /// Files listed in `checksums`.
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
}

/// `bundle.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleManifest {
    /// [`BUNDLE_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `tistory-migrate <version>`.
    pub generator: String,
    /// When the bundle was made (RFC 3339, UTC).
    pub generated_at: String,
    /// The source blog (its name and address), serialised as `source_blog` says.
    #[serde(with = "source_blog")]
    pub source: Blog,
    /// Always `naver-blog`.
    pub target: String,
    /// [`ORDERING`].
    pub ordering: String,
    /// The assumed Naver limits.
    pub limits_assumed: Limits,
    /// The footer.
    pub footer: FooterInfo,
    /// The posts, in upload order.
    pub posts: Vec<ManifestPost>,
    /// Posts left out.
    pub skipped: Vec<SkippedPost>,
    /// Totals.
    pub totals: Totals,
    /// sha256 of every file of the bundle (paths relative to it, `/`-separated), except
    /// `bundle.json` itself and `categories.json`, which the user edits.
    pub checksums: BTreeMap<String, String>,
}

/// The category of a post: the Tistory path and the Naver name it maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostCategory {
    /// The Tistory path (`개발/Rust`), `null` when uncategorised.
    pub tistory: Option<String>,
    /// The Naver category from `categories.json`, `null` for Naver's default.
    pub naver: Option<String>,
}

/// One image of a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostImage {
    /// 1-based number in body order.
    pub n: usize,
    /// The placeholder in the body (`[[사진 3]]`).
    pub placeholder: String,
    /// The file, relative to the post's directory (`images/03.jpg`); `null` when missing.
    pub file: Option<String>,
    /// sha256 of the file.
    pub sha256: Option<String>,
    /// Its size.
    pub bytes: Option<u64>,
    /// The original URL.
    pub source_url: String,
    /// The caption, if any.
    pub caption: Option<String>,
    /// True when the image was not archived.
    pub missing: bool,
}

/// A file attached to a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostAttachment {
    /// The name readers saw.
    pub name: String,
    /// The original URL (Tistory's server; it dies with the blog).
    pub source_url: String,
    /// The copy, relative to the post's directory (`files/01_<name>`); `null` when not archived.
    pub file: Option<String>,
}

/// A link to another post of the same blog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternalLink {
    /// The `href` exactly as it is in `body.html`.
    pub href: String,
    /// The target's id.
    pub target_id: EntryId,
    /// The target's key.
    pub target_key: String,
}

/// `post.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostManifest {
    /// [`BUNDLE_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `tistory:<blog>:<id>`.
    pub key: String,
    /// 1-based upload position.
    pub sequence: usize,
    /// The Tistory entry id.
    pub id: EntryId,
    /// The title to paste.
    pub title: String,
    /// RFC 3339, KST.
    pub original_published_at: Option<String>,
    /// The original address.
    pub original_url: String,
    /// True for a Tistory notice (공지).
    pub notice: bool,
    /// The category.
    pub category: PostCategory,
    /// At most [`MAX_TAGS`] tags to type into the editor.
    pub tags: Vec<String>,
    /// Tags left out (over the limit, or duplicates once spaces are removed).
    pub tags_dropped: Vec<String>,
    /// Always `public`: protected and private posts are not bundled.
    pub visibility: String,
    /// The images in body order.
    pub images: Vec<PostImage>,
    /// Attached files.
    pub attachments: Vec<PostAttachment>,
    /// Links to other posts of the blog, for rewriting once those are on Naver.
    pub internal_links: Vec<InternalLink>,
    /// sha256 of the title, `body.html` and the images.
    pub content_sha256: String,
    /// What the conversion dropped or changed.
    pub warnings: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Holder {
        #[serde(with = "source_blog")]
        source: Blog,
    }

    #[test]
    fn the_source_blog_keeps_its_wire_form() {
        // The form bundle.json has always had: written by hand, not by the code under test.
        let json = r#"{"source":{"platform":"tistory","blog":"hangang-notes","blog_url":"https://hangang-notes.tistory.com/"}}"#;
        let read: Holder = serde_json::from_str(json).unwrap();
        assert_eq!(read.source.name.as_deref(), Some("hangang-notes"));
        assert_eq!(
            read.source.address(),
            Some("https://hangang-notes.tistory.com/")
        );
        // Hosts and the crawled address are not part of it.
        let mut blog = read.source.clone();
        blog.crawled_url = Some("http://127.0.0.1:9/".into());
        blog.add_host("notes.hangang.kr");
        assert_eq!(
            serde_json::to_string(&Holder { source: blog }).unwrap(),
            json
        );
    }
}
