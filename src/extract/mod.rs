//! Extraction: one saved page in, one [`Page`] out. Skin-independent sources first (head metadata,
//! `window.T.entryInfo`, JSON-LD), then the user's selector profile, then skin fallbacks. The body
//! container is cleaned of everything that is not content (see the `clean` module). Pure: no I/O.
//!
//! ```
//! use tistory_migrate::extract::{extract_page, Page, PageSource};
//! use tistory_migrate::extract::selectors::SelectorProfile;
//!
//! let html = r#"<html><head><meta property="og:title" content="한강 산책">
//! <meta property="article:txid" content="7_12"><meta name="by" content="강변산책자">
//! <meta property="article:published_time" content="2021-04-05T09:12:33+09:00"></head>
//! <body id="tt-body-page"><div class="contents_style"><p>벚꽃이 피었다.</p></div></body></html>"#;
//! let page = extract_page(html, &PageSource::named("12.html"), &SelectorProfile::default()).unwrap();
//! let Page::Entry(post) = page else { panic!("a post") };
//! assert_eq!(post.id, 12);
//! assert_eq!(post.title.as_deref(), Some("한강 산책"));
//! ```

mod chrome;
pub(crate) mod classify;
mod clean;
mod container;
pub mod dates;
pub mod decode;
pub mod images;
pub mod memo;
mod meta;
mod noise;
pub mod probe;
pub mod selectors;
mod source_view;
mod structure;
pub(crate) mod text;
mod url_safety;
pub mod witness;

use std::path::PathBuf;
use std::sync::LazyLock;

use regex::Regex;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use self::classify::classify;
use self::clean::clean_body;
use self::container::{Container, FoundBy, find_container, first_known};
use self::dates::{parse_meta_date, parse_visible_date};
use self::meta::{HeadMeta, read_head_meta};
use self::selectors::{SelectorProfile, TITLE};
use self::source_view::SourceView;
use self::structure::{Region, locate};
pub use self::text::normalize_whitespace;
use crate::error::{Error, Result};
use crate::model::{Body, EntryId, PageKind, Post};

/// The version of the extraction rules. The archive keeps each extracted post keyed by it (and by
/// the raw page's sha256): bump it whenever a change to `extract` changes what a page extracts to,
/// so archives re-extract their pages instead of serving stale posts.
pub const EXTRACTOR_VERSION: u32 = 2;

/// What is known about a page besides its HTML.
#[derive(Debug, Clone, Default)]
pub struct PageSource {
    /// The file it came from (names it in errors and warnings).
    pub path: PathBuf,
    /// The URL it was served from, when known (archives know).
    pub url: Option<String>,
    /// The entry id the file name or archive gives, used when the page names none.
    pub id_hint: Option<EntryId>,
    /// The HTTP status it was served with, when known.
    pub http_status: Option<u16>,
}

impl PageSource {
    /// A source known only by its file name; a name like `123.html` gives the id hint 123.
    #[must_use]
    pub fn named(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let id_hint = path
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.parse::<EntryId>().ok());
        Self {
            path,
            id_hint,
            ..Self::default()
        }
    }
}

/// What a page turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Page {
    /// A post, notice, protected, private or not-found entry: a row of `posts.jsonl`.
    Entry(Box<Post>),
    /// Not a post (listing, home, fragment): reported in the summary only.
    NotEntry {
        /// What it is.
        kind: PageKind,
        /// Why, in words.
        reason: String,
    },
}

static ID_IN_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/(?:m/|notice/|entry/)?(\d+)/?(?:[?#].*)?$").expect("id regex is valid")
});

/// Extracts one page.
///
/// # Errors
/// [`Error::NotTistory`] when the page has nothing Tistory writes, [`Error::NoEntryId`] when a
/// post's entry id cannot be found anywhere.
pub fn extract_page(html: &str, source: &PageSource, profile: &SelectorProfile) -> Result<Page> {
    // A page this run already extracted (see `memo`) is not parsed again.
    let key = memo::key(html, profile);
    if let Some(page) = key.as_ref().and_then(|k| memo::take(k, source)) {
        return Ok(page);
    }
    let view = SourceView::new(source);
    let page = parse_and_extract(html, &view, profile)?;
    if let Some(key) = key {
        memo::keep(key, view.into_reads(), &page);
    }
    Ok(page)
}

/// The parse and the extraction: what [`extract_page`] does for a page it has not seen.
fn parse_and_extract(html: &str, view: &SourceView<'_>, profile: &SelectorProfile) -> Result<Page> {
    let source = view.source();
    probe::record(&source.path, html);
    let doc = Html::parse_document(html);
    let depth = max_depth(&doc);
    if depth > MAX_DEPTH {
        return Err(Error::TooDeep {
            path: source.path.clone(),
            depth,
            limit: MAX_DEPTH,
        });
    }
    let meta = read_head_meta(&doc);
    let judged = judge(&doc, &meta, html, view, profile)?;
    if !judged.verdict.kind.is_entry() {
        return Ok(Page::NotEntry {
            kind: judged.verdict.kind,
            reason: judged.verdict.reason,
        });
    }
    let Some(id) = entry_id(&meta, judged.url.as_deref(), view) else {
        if judged.verdict.kind == PageKind::NotFound {
            return Ok(Page::NotEntry {
                kind: judged.verdict.kind,
                reason: "a not-found page whose entry id is unknown".into(),
            });
        }
        return Err(Error::NoEntryId {
            path: source.path.clone(),
        });
    };
    Ok(Page::Entry(Box::new(entry_post(
        &doc, &meta, html, profile, judged, id,
    ))))
}

/// What a page is, and where its body is.
struct Judged<'d> {
    /// The classification.
    verdict: classify::Classification,
    /// The page's own URL (its permalink), else the one it was served from.
    url: Option<String>,
    /// The body container.
    container: Option<ElementRef<'d>>,
    /// The container was found by structure, not by a known name.
    found_by_structure: bool,
}

/// Classifies the page, with the known containers first and then, for a page whose body has no
/// name we know, with the block structure finds.
fn judge<'d>(
    doc: &'d Html,
    meta: &HeadMeta,
    html: &str,
    view: &SourceView<'_>,
    profile: &SelectorProfile,
) -> Result<Judged<'d>> {
    let known = first_known(doc, profile);
    if !is_tistory(meta, html, known.is_some()) {
        return Err(Error::NotTistory {
            path: view.source().path.clone(),
        });
    }
    let url = page_url(meta, view);
    let notice_url = url.as_deref().is_some_and(|u| u.contains("/notice/"))
        || meta.entry_type.as_deref() == Some("NOTICE");
    let body_from_profile = profile.body.iter().any(|s| doc.select(s).next().is_some());
    let not_found = || view.served_not_found();
    // What the page is, judged with the known containers; which block is the body, by structure.
    let mut verdict = classify(doc, meta, known, &not_found, notice_url, body_from_profile);
    let entry_like = looks_like_entry(meta, url.as_deref());
    let page_base = url.as_deref().and_then(|u| Url::parse(u).ok());
    let read_structure = matches!(verdict.kind, PageKind::Post | PageKind::Notice)
        || (known.is_none() && verdict.kind == PageKind::Other && entry_like);
    let located = if read_structure {
        find_container(
            doc,
            profile,
            title(doc, meta, profile).as_deref(),
            page_base.as_ref(),
            entry_like,
        )
    } else {
        known.map(|el| Container {
            el,
            found_by: FoundBy::Known,
        })
    };
    let container = located.map(|c| c.el);
    if known.is_none() && container.is_some() {
        // A skin whose body container has no name we know: the page is judged again with it.
        verdict = classify(doc, meta, container, &not_found, notice_url, true);
    }
    Ok(Judged {
        verdict,
        url,
        container,
        found_by_structure: located.is_some_and(|c| c.found_by == FoundBy::Structure),
    })
}

/// The entry `judged` found, read off the page: its body (public posts only), title, dates,
/// author, category, tags, and warnings about what is missing.
fn entry_post(
    doc: &Html,
    meta: &HeadMeta,
    html: &str,
    profile: &SelectorProfile,
    judged: Judged<'_>,
    id: EntryId,
) -> Post {
    let blog = blog_name(meta, judged.url.as_deref());
    let url = judged.url.unwrap_or_else(|| match &blog {
        Some(b) => format!("https://{b}.tistory.com/{id}"),
        None => format!("/{id}"),
    });
    let mut warnings = Vec::new();
    if judged.found_by_structure {
        warnings.push(
            "no known body container: the body is the largest block after the title; if it is wrong, name it with --selectors"
                .to_string(),
        );
    }
    if !html.to_ascii_lowercase().contains("</html>") && html.len() > 200 {
        warnings.push(
            "the page looks truncated (no </html>): text at its end may be missing".to_string(),
        );
    }
    let base = Url::parse(&url).ok();
    let kind = judged.verdict.kind;
    let is_public = matches!(kind, PageKind::Post | PageKind::Notice);
    let container = judged.container;
    let body = container
        .filter(|_| is_public)
        .map(|root| read_body(root, base.as_ref(), &mut warnings));
    let title = title(doc, meta, profile);
    if title.is_none() {
        warnings.push("no title found".to_string());
    }
    let region = locate(doc, title.as_deref(), container, base.as_ref());
    let published = published(doc, meta, profile, &region);
    if published.is_none() && is_public {
        warnings.push("no publication date found".to_string());
    }
    Post {
        id,
        url,
        kind,
        blog,
        title,
        published,
        modified: modified(meta),
        author: author(doc, meta, profile, &region),
        category: category(doc, meta, profile, &region),
        tags: tags(doc, profile, &region),
        body,
        warnings,
    }
}

/// The cleaned body of a public post, its visible text and what it links to.
fn read_body(root: ElementRef<'_>, base: Option<&Url>, warnings: &mut Vec<String>) -> Body {
    let cleaned = clean_body(root, base);
    warnings.extend(cleaned.warnings);
    let body = Body {
        html: cleaned.html,
        text: text::visible_text(root),
        images: cleaned.images,
        attachments: cleaned.attachments,
        code_languages: cleaned.code_languages,
    };
    if body.text.is_empty() && body.images.is_empty() {
        warnings.push("the body is empty: no text and no images".to_string());
    }
    body
}

/// The last modification time the head gives.
fn modified(meta: &HeadMeta) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    meta.modified_time
        .as_deref()
        .and_then(parse_meta_date)
        .or_else(|| {
            meta.json_ld
                .as_ref()
                .and_then(|j| j.date_modified.as_deref())
                .and_then(parse_meta_date)
        })
}

/// What the structural pass found on one page, for the benchmark (`benches/extract_convert.rs`).
#[doc(hidden)]
#[derive(Debug)]
pub struct StructuralPass {
    /// The body container was found.
    pub body: bool,
    /// The category, tag count, date and author the article region gives.
    pub category: Option<String>,
    /// How many tags.
    pub tags: usize,
    /// A date was found.
    pub date: bool,
    /// The author.
    pub author: Option<String>,
}

/// The structural pass alone on a parsed page (title located, blocks after it, the body container
/// decided, the article region and its fields), so the benchmark can measure what it costs. Not
/// part of the stable API.
#[doc(hidden)]
#[must_use]
pub fn structural_pass(doc: &Html) -> StructuralPass {
    let meta = read_head_meta(doc);
    let profile = SelectorProfile::default();
    let title = title(doc, &meta, &profile);
    let none = PageSource::default();
    let base = page_url(&meta, &SourceView::new(&none)).and_then(|u| Url::parse(&u).ok());
    let container = find_container(doc, &profile, title.as_deref(), base.as_ref(), true);
    let region = locate(
        doc,
        title.as_deref(),
        container.map(|c| c.el),
        base.as_ref(),
    );
    StructuralPass {
        body: container.is_some(),
        category: region.category(),
        tags: region.tags().len(),
        date: region.date().is_some(),
        author: region.author(meta.blog_nickname.as_deref()),
    }
}

/// True when the page says it is one entry: post metadata, or an entry URL (`/123`, `/entry/slug`).
fn looks_like_entry(meta: &HeadMeta, url: Option<&str>) -> bool {
    meta.txid.is_some()
        || meta.entry_info.is_some()
        || meta.published_time.is_some()
        || meta.og_type.as_deref() == Some("article")
        || url.is_some_and(|u| chrome::is_entry_link(u, None))
}

/// The deepest element nesting extraction walks. Blink's HTML parser stops nesting at 512 too,
/// so no page a browser shows is deeper; the clean-up, the text reader and the converter recurse
/// once per level, and a page of thousands of levels would overflow the stack.
pub const MAX_DEPTH: usize = 512;

/// The deepest element nesting of `doc`, counted without recursion.
fn max_depth(doc: &Html) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    for edge in doc.tree.root().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(n) if n.value().is_element() => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ego_tree::iter::Edge::Close(n) if n.value().is_element() => depth -= 1,
            _ => {}
        }
    }
    deepest
}

/// What a blog's home page (or any page) says about the blog itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlogFacts {
    /// The page carries Tistory's markers.
    pub is_tistory: bool,
    /// The Tistory name (`name` of `name.tistory.com`).
    pub name: Option<String>,
    /// `window.TistoryBlog.tistoryUrl` (custom-domain blogs).
    pub tistory_url: Option<String>,
    /// The canonical URL or `og:url`.
    pub canonical: Option<String>,
}

/// Reads the blog's identity off a page: `doc` is `html` parsed (the caller parses the page
/// once for this and for its links).
#[must_use]
pub fn blog_facts(doc: &Html, html: &str) -> BlogFacts {
    let meta = read_head_meta(doc);
    let has_container = first_known(doc, &SelectorProfile::default()).is_some();
    let canonical = meta.canonical.clone().or_else(|| meta.og_url.clone());
    BlogFacts {
        // Stricter than page extraction: a home page of a Tistory blog always carries T.config or a
        // tt-body id; a page that merely links to tistory.com is not a blog.
        is_tistory: meta.has_tistory_markers
            || html.contains("tt-body-")
            || (has_container && html.contains("tistory")),
        name: blog_name(&meta, canonical.as_deref()),
        tistory_url: meta.tistory_url.clone(),
        canonical,
    }
}

fn is_tistory(meta: &HeadMeta, html: &str, has_container: bool) -> bool {
    meta.has_tistory_markers
        || has_container
        || html.contains("tt-body-")
        || html.contains("data-ke-")
        || html.contains("tistory.com")
        || html.contains("daumcdn.net")
}

fn page_url(meta: &HeadMeta, view: &SourceView<'_>) -> Option<String> {
    [
        meta.canonical.as_deref(),
        meta.og_url.as_deref(),
        meta.plink.as_deref(),
        meta.json_ld.as_ref().and_then(|j| j.url.as_deref()),
    ]
    .into_iter()
    .flatten()
    .find(|u| Url::parse(u).is_ok())
    .or_else(|| view.url().filter(|u| Url::parse(u).is_ok()))
    .map(str::to_string)
}

fn id_from_url(url: &str) -> Option<EntryId> {
    ID_IN_URL.captures(url).and_then(|c| c[1].parse().ok())
}

fn entry_id(meta: &HeadMeta, url: Option<&str>, view: &SourceView<'_>) -> Option<EntryId> {
    let from_txid = meta
        .txid
        .as_deref()
        .and_then(|t| t.rsplit('_').next())
        .and_then(|n| n.parse().ok());
    from_txid
        .or_else(|| meta.entry_info.as_ref().and_then(|e| e.entry_id))
        .or_else(|| {
            [
                url,
                meta.plink.as_deref(),
                meta.mobile_url.as_deref(),
                meta.pc_url.as_deref(),
                meta.pc_view_url.as_deref(),
            ]
            .into_iter()
            .flatten()
            .find_map(id_from_url)
        })
        .or_else(|| view.id_hint())
}

fn blog_name(meta: &HeadMeta, url: Option<&str>) -> Option<String> {
    if let Some(name) = &meta.blog_name {
        return Some(name.clone());
    }
    [
        meta.tistory_url.as_deref(),
        meta.pc_view_url.as_deref(),
        meta.pc_url.as_deref(),
        url,
    ]
    .into_iter()
    .flatten()
    .filter_map(|u| Url::parse(u).ok())
    .find_map(|u| {
        u.host_str()
            .and_then(|h| h.strip_suffix(".tistory.com"))
            .map(str::to_string)
    })
}

fn first_text(doc: &Html, selectors: &[&Selector]) -> Option<String> {
    selectors.iter().find_map(|s| {
        doc.select(s)
            .map(|e| normalize_whitespace(&e.text().collect::<String>()))
            .find(|t| !t.is_empty())
    })
}

fn profile_then<'a>(profile: &'a [Selector], builtin: &'a Selector) -> Vec<&'a Selector> {
    profile.iter().chain(std::iter::once(builtin)).collect()
}

fn title(doc: &Html, meta: &HeadMeta, profile: &SelectorProfile) -> Option<String> {
    meta.og_title
        .clone()
        .or_else(|| meta.json_ld.as_ref().and_then(|j| j.headline.clone()))
        .or_else(|| first_text(doc, &profile_then(&profile.title, &TITLE)))
        .or_else(|| {
            meta.title_tag.as_deref().map(|t| {
                [" :: ", " — ", " | "]
                    .iter()
                    .find_map(|sep| t.split_once(sep).map(|(a, _)| a))
                    .unwrap_or(t)
                    .trim()
                    .to_string()
            })
        })
        .map(|t| normalize_whitespace(&t))
}

fn published(
    doc: &Html,
    meta: &HeadMeta,
    profile: &SelectorProfile,
    region: &Region<'_>,
) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    meta.published_time
        .as_deref()
        .and_then(parse_meta_date)
        .or_else(|| {
            meta.json_ld
                .as_ref()
                .and_then(|j| j.date_published.as_deref())
                .and_then(parse_meta_date)
        })
        .or_else(|| {
            profile.date.iter().find_map(|s| {
                doc.select(s)
                    .find_map(|e| parse_visible_date(&e.text().collect::<String>()))
            })
        })
        .or_else(|| region.date())
}

fn author(
    doc: &Html,
    meta: &HeadMeta,
    profile: &SelectorProfile,
    region: &Region<'_>,
) -> Option<String> {
    let from_profile = || {
        let selectors: Vec<&Selector> = profile.author.iter().collect();
        first_text(doc, &selectors).map(|a| a.strip_prefix("by ").unwrap_or(&a).trim().to_string())
    };
    meta.by
        .clone()
        .or_else(|| meta.og_author.clone())
        .or_else(|| meta.json_ld.as_ref().and_then(|j| j.author.clone()))
        .or_else(from_profile)
        .or_else(|| region.author(meta.blog_nickname.as_deref()))
        .or_else(|| meta.blog_nickname.clone())
}

fn category(
    doc: &Html,
    meta: &HeadMeta,
    profile: &SelectorProfile,
    region: &Region<'_>,
) -> Option<String> {
    let selectors: Vec<&Selector> = profile.category.iter().collect();
    if let Some(text) = first_text(doc, &selectors) {
        let path = text
            .split(['>', '/'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("/");
        return (!path.is_empty()).then_some(path);
    }
    if let Some(info) = &meta.entry_info {
        // Category 0 is "uncategorised"; a label is Tistory's own word for the post's category.
        if info.category_id == Some(0) {
            return None;
        }
        if let Some(label) = info
            .category_label
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            return Some(label.to_string());
        }
    }
    // No label (older pages, Wayback copies, DOM dumps): the category link nearest the title.
    region.category()
}

fn tags(doc: &Html, profile: &SelectorProfile, region: &Region<'_>) -> Vec<String> {
    let links: Vec<ElementRef<'_>> = profile.tags.iter().flat_map(|s| doc.select(s)).collect();
    if links.is_empty() {
        return region.tags();
    }
    let mut tags: Vec<String> = Vec::new();
    for link in links {
        let text = normalize_whitespace(&link.text().collect::<String>());
        let tag = text.trim_start_matches('#').trim().to_string();
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}
