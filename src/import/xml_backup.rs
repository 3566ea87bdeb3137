//! The old XML backup (`<blog type="tattertools/1.1">`, written until about 2016): the blog's
//! settings, then `<post>` (and `<notice>`) elements with id, visibility, title, HTML content,
//! Unix times, category, tags, base64 `<attachment>`s and `<comment>`s whose replies nest, then
//! statistics and the guestbook. Read as a stream with quick-xml: memory holds one post (and one
//! text value, capped), whatever the file's size. quick-xml never expands DTD entities; a file that
//! declares any (`<!DOCTYPE … [<!ENTITY …>]>`) or uses an entity other than the five predefined
//! ones is refused. Passwords and IP addresses are never read out of the file.
//!
//! [`check_xml`] reads the whole file once without keeping anything, so that a truncated or
//! hostile file is refused before anything is written; [`read_xml`] then hands each post to a sink.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::LazyLock;

use base64::Engine as _;
use chrono::{DateTime, FixedOffset, TimeZone as _};
use quick_xml::Reader;
use quick_xml::events::Event;
use regex::Regex;

use crate::extract::dates::kst;
use crate::import::page::asset_placeholder;
use crate::import::{
    AssetKind, ImportError, ImportLimits, ImportedAsset, ImportedComment, ImportedPost, Visibility,
};
use crate::markup::escape_html;
use crate::model::EntryId;

/// `[##_1C|file|attrs|caption_##]`, `[##_2C|f1|a1|c1|f2|a2|c2_##]`, 1L/1R/3C…: the old editor's
/// image markers, which name attachments of the same post.
static IMAGE_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[##_(\d)[CLR]\|(.*?)_##\]").expect("valid regex"));

/// What the check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XmlSummary {
    /// `<setting><name>`: the blog's Tistory name.
    pub blog: Option<String>,
    /// Posts and notices in the file.
    pub posts: usize,
}

#[derive(Default)]
struct CommentBuilder {
    name: String,
    homepage: Option<String>,
    content: String,
    written: Option<String>,
    secret: bool,
    children: Vec<ImportedComment>,
}

impl CommentBuilder {
    fn build(self) -> ImportedComment {
        ImportedComment {
            name: self.name,
            homepage: self.homepage.filter(|h| !h.is_empty()),
            content: self.content,
            written: self.written,
            secret: self.secret,
            children: self.children,
        }
    }
}

#[derive(Default)]
struct AttachmentBuilder {
    mime: Option<String>,
    name: String,
    label: Option<String>,
    content: Option<String>,
}

#[derive(Default)]
struct PostBuilder {
    notice: bool,
    id: Option<EntryId>,
    visibility: Option<String>,
    title: String,
    content: String,
    published: Option<DateTime<FixedOffset>>,
    created: Option<DateTime<FixedOffset>>,
    modified: Option<DateTime<FixedOffset>>,
    category: Option<String>,
    tags: Vec<String>,
    attachments: Vec<AttachmentBuilder>,
    comments: Vec<ImportedComment>,
    warnings: Vec<String>,
}

fn unix_time(text: &str) -> Option<DateTime<FixedOffset>> {
    let secs: i64 = text.trim().parse().ok()?;
    (secs > 0)
        .then(|| kst().timestamp_opt(secs, 0).single())
        .flatten()
}

fn rfc3339(text: &str) -> Option<String> {
    unix_time(text).map(|d| crate::extract::dates::to_rfc3339_kst(&d))
}

/// Replaces the image markers that name an attachment of the post by image tags pointing at it;
/// returns the new body and, per attachment index, whether the body shows it.
fn place_images(content: &str, names: &[String]) -> (String, Vec<bool>) {
    let mut shown = vec![false; names.len()];
    let out = IMAGE_MARKER.replace_all(content, |c: &regex::Captures<'_>| {
        let parts: Vec<&str> = c[2].split('|').collect();
        let mut html = String::new();
        for group in parts.chunks(3) {
            let Some(index) = names.iter().position(|n| n == group[0].trim()) else {
                // Not a file of this post (an old CDN name): left for the extractor.
                return c[0].to_string();
            };
            shown[index] = true;
            html.push_str("<figure class=\"imageblock\"><img src=\"");
            html.push_str(&asset_placeholder(index));
            html.push_str("\">");
            if let Some(caption) = group.get(2).map(|s| s.trim()).filter(|s| !s.is_empty()) {
                html.push_str("<figcaption>");
                html.push_str(&escape_html(caption));
                html.push_str("</figcaption>");
            }
            html.push_str("</figure>");
        }
        html
    });
    (out.into_owned(), shown)
}

/// A post of the XML backup without an `<id>` (skipped with a warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a post without an <id>")]
pub struct NoPostId;

/// What [`read_xml`] hands its sink for each `<post>`: the post, or why it could not be read.
pub type XmlItem = Result<ImportedPost, NoPostId>;

/// A text value over the cap (`ImportLimits::max_xml_value_bytes`); the file is refused.
#[derive(Debug, thiserror::Error)]
#[error("a value in <{element}> is over the cap of {cap} bytes")]
struct ValueTooLarge {
    element: String,
    cap: u64,
}

impl PostBuilder {
    fn build(self, source: &str) -> Result<ImportedPost, NoPostId> {
        let id = self.id.ok_or(NoPostId)?;
        let mut warnings = self.warnings;
        let visibility = match self.visibility.as_deref().map(str::trim) {
            Some("public" | "syndicated" | "3" | "2") => Visibility::Public,
            Some("protected" | "1") => Visibility::Protected,
            Some("private" | "0") => Visibility::Private,
            other => {
                warnings.push(format!(
                    "visibility {other:?} is not one the XML backup uses; recorded as unknown"
                ));
                Visibility::Unknown
            }
        };
        let names: Vec<String> = self.attachments.iter().map(|a| a.name.clone()).collect();
        let (mut body_html, shown) = place_images(&self.content, &names);
        let engine = base64::engine::general_purpose::STANDARD;
        let mut assets = Vec::with_capacity(self.attachments.len());
        for (i, a) in self.attachments.into_iter().enumerate() {
            let is_image = shown[i];
            let bytes = match a.content.as_deref().map(|c| {
                let clean: String = c.chars().filter(|ch| !ch.is_ascii_whitespace()).collect();
                engine.decode(clean)
            }) {
                Some(Ok(b)) => Some(b),
                Some(Err(e)) => {
                    warnings.push(format!(
                        "the attachment {} is not valid base64 ({e})",
                        a.name
                    ));
                    None
                }
                None => {
                    warnings.push(format!(
                        "the attachment {} has no content in the backup",
                        a.name
                    ));
                    None
                }
            };
            if !is_image {
                let label = a.label.clone().unwrap_or_else(|| a.name.clone());
                body_html.push_str("\n<figure class=\"fileblock\"><a href=\"");
                body_html.push_str(&asset_placeholder(i));
                body_html.push_str("\"><span class=\"name\">");
                body_html.push_str(&escape_html(&label));
                body_html.push_str("</span></a></figure>");
            }
            assets.push(ImportedAsset {
                name: a.name,
                kind: if is_image {
                    AssetKind::Image
                } else {
                    AssetKind::Attachment
                },
                bytes,
                mime: a.mime,
                label: a.label,
            });
        }
        Ok(ImportedPost {
            id,
            notice: self.notice,
            title: crate::extract::normalize_whitespace(&self.title),
            published: self.published.or(self.created),
            modified: self.modified,
            category: self
                .category
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty()),
            tags: self.tags,
            body_html,
            visibility,
            assets,
            comments: self.comments,
            source_file: format!(
                "{source} {} {id}",
                if self.notice { "notice" } else { "post" }
            ),
            warnings,
        })
    }
}

/// The streaming state: where the reader is and what it has collected for the current post.
struct Scan<'l> {
    limits: &'l ImportLimits,
    path: Vec<String>,
    text: String,
    summary: XmlSummary,
    post: Option<PostBuilder>,
    comments: Vec<CommentBuilder>,
    attachment: Option<AttachmentBuilder>,
    /// The root `<blog>` was seen.
    saw_blog: bool,
}

impl Scan<'_> {
    /// The element path below the current post (`["comment", "commenter", "name"]`).
    fn in_post(&self) -> Option<&[String]> {
        let i = self
            .path
            .iter()
            .position(|p| p == "post" || p == "notice")?;
        (i == 1).then(|| &self.path[2..])
    }

    fn start(&mut self, name: &str, attr: impl Fn(&str) -> Option<String>) {
        self.path.push(name.to_string());
        self.text.clear();
        if self.path.len() == 2 && (name == "post" || name == "notice") {
            self.post = Some(PostBuilder {
                notice: name == "notice",
                ..PostBuilder::default()
            });
            self.comments.clear();
            return;
        }
        let Some(rel) = self.in_post() else { return };
        match (rel.len(), name) {
            (1, "attachment") => {
                self.attachment = Some(AttachmentBuilder {
                    mime: attr("mime").filter(|m| !m.is_empty()),
                    ..AttachmentBuilder::default()
                });
            }
            (_, "comment") if rel.iter().all(|p| p == "comment") => {
                self.comments.push(CommentBuilder::default());
            }
            _ => {}
        }
    }

    /// Closes an element; a finished post is returned.
    fn end(&mut self) -> Option<PostBuilder> {
        let text = std::mem::take(&mut self.text);
        let rel: Vec<String> = self.in_post().map(<[String]>::to_vec).unwrap_or_default();
        let is_post_end =
            self.path.len() == 2 && matches!(self.path[1].as_str(), "post" | "notice");
        if self.path.len() == 3 && self.path[1] == "setting" && self.path[2] == "name" {
            self.summary.blog = Some(text.trim().to_string()).filter(|s| !s.is_empty());
        }
        let finished = if is_post_end { self.post.take() } else { None };
        if let Some(post) = self.post.as_mut() {
            let rel: Vec<&str> = rel.iter().map(String::as_str).collect();
            match rel.as_slice() {
                ["id"] => post.id = text.trim().parse().ok(),
                ["visibility"] => post.visibility = Some(text),
                ["title"] => post.title = text,
                ["content"] => post.content = text,
                ["published"] => post.published = unix_time(&text),
                ["created"] => post.created = unix_time(&text),
                ["modified"] => post.modified = unix_time(&text),
                ["category"] => post.category = Some(text),
                ["tag"] => {
                    let tag = text.trim().to_string();
                    if !tag.is_empty() && !post.tags.contains(&tag) {
                        post.tags.push(tag);
                    }
                }
                ["attachment", field] => {
                    if let Some(a) = self.attachment.as_mut() {
                        match *field {
                            "name" => a.name = text.trim().to_string(),
                            "label" => a.label = Some(text.trim().to_string()),
                            "content" => a.content = Some(text),
                            _ => {}
                        }
                    }
                }
                ["attachment"] => {
                    if let Some(a) = self.attachment.take() {
                        post.attachments.push(a);
                    }
                }
                [.., "comment"] if rel.iter().all(|p| *p == "comment") => {
                    if let Some(c) = self.comments.pop() {
                        let c = c.build();
                        match self.comments.last_mut() {
                            Some(parent) => parent.children.push(c),
                            None => post.comments.push(c),
                        }
                    }
                }
                [.., "comment", field] if rel[..rel.len() - 1].iter().all(|p| *p == "comment") => {
                    if let Some(c) = self.comments.last_mut() {
                        match *field {
                            "content" => c.content = text,
                            "secret" => c.secret = text.trim() == "1",
                            "written" => c.written = rfc3339(&text),
                            _ => {}
                        }
                    }
                }
                [.., "comment", "commenter", field] => {
                    if let Some(c) = self.comments.last_mut() {
                        match *field {
                            "name" => c.name = text.trim().to_string(),
                            "homepage" => c.homepage = Some(text.trim().to_string()),
                            // `ip` and the comment's `password` are never copied out.
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        self.path.pop();
        finished
    }

    fn push_text(&mut self, s: &str) -> Result<(), ValueTooLarge> {
        // Only leaf values of posts and settings are kept; statistics and the guestbook are
        // skipped without collecting their text.
        let wanted = self.post.is_some() || self.path.get(1).is_some_and(|p| p == "setting");
        if !wanted {
            return Ok(());
        }
        if (self.text.len() + s.len()) as u64 > self.limits.max_xml_value_bytes {
            return Err(ValueTooLarge {
                element: self.path.join("/"),
                cap: self.limits.max_xml_value_bytes,
            });
        }
        self.text.push_str(s);
        Ok(())
    }
}

fn open(path: &Path) -> Result<Reader<BufReader<File>>, ImportError> {
    let file = File::open(path).map_err(|source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Reader::from_reader(BufReader::with_capacity(1 << 16, file)))
}

/// Where the file is, for the errors that stop the reading.
struct Doc<'p> {
    path: &'p Path,
}

impl Doc<'_> {
    fn refused(&self, pos: u64, why: String) -> ImportError {
        ImportError::Refused {
            path: self.path.to_path_buf(),
            entry: format!("byte {pos}"),
            why,
        }
    }

    fn not_a_backup(&self, why: String) -> ImportError {
        ImportError::NotABackup {
            path: self.path.to_path_buf(),
            why,
        }
    }

    /// A DTD that declares entities is refused (a backup never has one).
    fn check_doctype(
        &self,
        d: &quick_xml::events::BytesText<'_>,
        pos: u64,
    ) -> Result<(), ImportError> {
        let text = d.to_ascii_uppercase();
        if text.contains("<!ENTITY") || text.contains('[') {
            return Err(self.refused(
                pos,
                "the file declares a DTD with entities; a backup never does (entity expansion is refused)".into(),
            ));
        }
        Ok(())
    }

    /// The root must be `<blog type="tattertools/…">`.
    fn check_root(&self, name: &str, kind: Option<&str>) -> Result<(), ImportError> {
        if name != "blog" || !kind.is_some_and(|k| k.starts_with("tattertools")) {
            return Err(self.not_a_backup(format!(
                "its root is <{name}> (type {kind:?}), not <blog type=\"tattertools/1.1\">"
            )));
        }
        Ok(())
    }

    /// The text of a reference: a character reference or one of XML's five entities; any other
    /// is refused.
    fn resolve_ref(
        &self,
        r: &quick_xml::events::BytesRef<'_>,
        pos: u64,
    ) -> Result<String, ImportError> {
        let resolved = if r.is_char_ref() {
            r.resolve_char_ref().ok().flatten().map(String::from)
        } else {
            quick_xml::escape::resolve_predefined_entity(r).map(str::to_string)
        };
        resolved.ok_or_else(|| {
            self.refused(
                pos,
                format!(
                    "the entity reference &{}; is not one of XML's five (entity expansion is refused)",
                    &**r
                ),
            )
        })
    }

    /// At the end of the file: it had a `<blog>` and every element is closed.
    fn check_end(&self, scan: &Scan<'_>) -> Result<(), ImportError> {
        if !scan.saw_blog {
            return Err(self.not_a_backup("no <blog> element".into()));
        }
        if !scan.path.is_empty() {
            return Err(ImportError::Truncated {
                path: self.path.to_path_buf(),
                why: format!("the file ends inside <{}>", scan.path.join("><")),
            });
        }
        Ok(())
    }
}

/// An attribute's value, normalised.
fn attribute(e: &quick_xml::events::BytesStart<'_>, key: &str) -> Option<String> {
    e.try_get_attribute(key).ok().flatten().and_then(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    })
}

impl Scan<'_> {
    /// Opens an element: the root is checked, the depth capped.
    fn open_element(
        &mut self,
        e: &quick_xml::events::BytesStart<'_>,
        pos: u64,
        doc: &Doc<'_>,
    ) -> Result<(), ImportError> {
        let name = e.local_name().as_ref().to_string();
        if self.path.is_empty() {
            doc.check_root(&name, attribute(e, "type").as_deref())?;
            self.saw_blog = true;
        }
        if self.path.len() >= self.limits.max_xml_depth {
            return Err(doc.refused(
                pos,
                format!("elements nest deeper than {}", self.limits.max_xml_depth),
            ));
        }
        self.start(&name, |key| attribute(e, key));
        Ok(())
    }

    /// Adds text to the current value; a value over the cap refuses the file.
    fn text(&mut self, s: &str, pos: u64, doc: &Doc<'_>) -> Result<(), ImportError> {
        self.push_text(s)
            .map_err(|w| doc.refused(pos, w.to_string()))
    }
}

/// Streams the file, calling `sink` with each finished post (or the reason it could not be read).
fn scan<R: BufRead>(
    reader: &mut Reader<R>,
    path: &Path,
    limits: &ImportLimits,
    mut sink: impl FnMut(XmlItem) -> Result<(), ImportError>,
) -> Result<XmlSummary, ImportError> {
    let label = crate::import::zip_backup::file_label(path);
    let doc = Doc { path };
    let mut scan = Scan {
        limits,
        path: Vec::new(),
        text: String::new(),
        summary: XmlSummary::default(),
        post: None,
        comments: Vec::new(),
        attachment: None,
        saw_blog: false,
    };
    let mut buf = Vec::with_capacity(1 << 16);
    loop {
        let pos = reader.buffer_position();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| ImportError::Truncated {
                path: path.to_path_buf(),
                why: format!(
                    "not well-formed XML at byte {}: {e}",
                    reader.error_position()
                ),
            })?;
        match event {
            Event::DocType(d) => doc.check_doctype(&d, pos)?,
            Event::Start(e) => scan.open_element(&e, pos, &doc)?,
            Event::Empty(e) => {
                scan.start(e.local_name().as_ref(), |_| None);
                if let Some(done) = scan.end() {
                    sink(done.build(&label))?;
                }
            }
            Event::End(_) => {
                if let Some(done) = scan.end() {
                    scan.summary.posts += 1;
                    sink(done.build(&label))?;
                }
            }
            Event::Text(t) => scan.text(&t.xml10_content(), pos, &doc)?,
            Event::CData(c) => scan.text(&c.xml10_content(), pos, &doc)?,
            Event::GeneralRef(r) => {
                let s = doc.resolve_ref(&r, pos)?;
                scan.text(&s, pos, &doc)?;
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    doc.check_end(&scan)?;
    Ok(scan.summary)
}

/// Reads the whole file once and keeps nothing: refuses it if it is truncated or hostile.
///
/// # Errors
/// [`ImportError::Truncated`], [`ImportError::Refused`] or [`ImportError::NotABackup`], naming
/// the byte offset or element.
pub fn check_xml(path: &Path, limits: &ImportLimits) -> Result<XmlSummary, ImportError> {
    let mut reader = open(path)?;
    scan(&mut reader, path, limits, |_| Ok(()))
}

/// Hands every post of a checked file to `sink`; a post that cannot be built (no id) is passed as
/// [`NoPostId`].
///
/// # Errors
/// As [`check_xml`], or `sink`'s error.
pub fn read_xml(
    path: &Path,
    limits: &ImportLimits,
    sink: impl FnMut(XmlItem) -> Result<(), ImportError>,
) -> Result<XmlSummary, ImportError> {
    let mut reader = open(path)?;
    scan(&mut reader, path, limits, sink)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_that_name_attachments_become_images() {
        let names = vec!["cfile1.uf@A.jpg".to_string(), "b.png".to_string()];
        let (html, shown) = place_images(
            "<p>앞</p>[##_1C|cfile1.uf@A.jpg|width=\"500\"|한강_##]<p>뒤</p>[##_1C|cfile9.uf@Z.jpg||_##]",
            &names,
        );
        assert_eq!(shown, [true, false]);
        assert!(html.contains(&format!("<img src=\"{}\">", asset_placeholder(0))));
        assert!(html.contains("<figcaption>한강</figcaption>"));
        assert!(
            html.contains("[##_1C|cfile9.uf@Z.jpg||_##]"),
            "not ours: kept"
        );
    }
}
