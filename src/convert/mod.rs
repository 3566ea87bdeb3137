//! Conversion: a [`Post`] to its Markdown file (front matter + CommonMark/GFM body) and its
//! `posts.jsonl` row, with the render-back fidelity check. Pure: the command writes the files.

pub mod fidelity;
mod frontmatter;
pub mod markdown;

use crate::extract::dates::to_rfc3339_kst;
use crate::model::{Fidelity, Post, PostRecord, PostStatus};
pub use fidelity::{DEFAULT_FIDELITY_THRESHOLD, check_fidelity};
pub use frontmatter::front_matter;
pub use markdown::{ConvertError, ImageMap, html_to_markdown};

/// A post whose body could not be converted: the run writes no Markdown for it (never an empty
/// file), names it, and goes on with the other posts.
#[derive(Debug, thiserror::Error)]
#[error(
    "post {id} ({url}): cannot convert its body to Markdown, so no Markdown file is written for it (the other posts go on); run extract again, and report the saved page if it fails again"
)]
pub struct PostConvertError {
    /// The entry id.
    pub id: crate::model::EntryId,
    /// The post's address.
    pub url: String,
    /// What the converter reported.
    #[source]
    pub source: ConvertError,
}

/// A converted post.
#[derive(Debug, Clone)]
pub struct MarkdownPost {
    /// The whole file: front matter and body.
    pub document: String,
    /// The body alone.
    pub body: String,
    /// The render-back check of the body against the page text.
    pub fidelity: Fidelity,
}

/// Converts a post that has a body. `images` maps original image URLs to the paths the Markdown
/// should use (relative to the Markdown file). `Ok(None)` for a page without a body (a protected
/// or deleted entry).
///
/// # Errors
/// [`PostConvertError`] naming the post when the converter fails.
pub fn to_markdown(
    post: &Post,
    images: &ImageMap,
) -> Result<Option<MarkdownPost>, PostConvertError> {
    to_markdown_with(post, images, html_to_markdown)
}

/// [`to_markdown`] with the body converter given (the tests inject a failing one).
fn to_markdown_with(
    post: &Post,
    images: &ImageMap,
    convert: impl FnOnce(&str, &ImageMap) -> Result<String, ConvertError>,
) -> Result<Option<MarkdownPost>, PostConvertError> {
    let Some(body) = post.body.as_ref() else {
        return Ok(None);
    };
    let md = convert(&body.html, images).map_err(|source| PostConvertError {
        id: post.id,
        url: post.url.clone(),
        source,
    })?;
    let fidelity = check_fidelity(&body.text, &md);
    let listed: Vec<(String, Option<String>)> = body
        .images
        .iter()
        .map(|i| (i.url.clone(), images.get(&i.url).cloned()))
        .collect();
    let mut document = front_matter(post, &listed);
    document.push('\n');
    document.push_str(&md);
    Ok(Some(MarkdownPost {
        document,
        body: md,
        fidelity,
    }))
}

/// Builds the `posts.jsonl` row of a post. `markdown` is the Markdown file's path relative to the
/// output directory; `source` the saved page's.
#[must_use]
pub fn to_record(
    post: &Post,
    markdown: Option<&MarkdownPost>,
    markdown_path: Option<String>,
    source: Option<String>,
) -> PostRecord {
    let mut warnings = post.warnings.clone();
    if let Some(md) = markdown
        && md.fidelity.score < DEFAULT_FIDELITY_THRESHOLD
    {
        warnings.push(format!(
            "the Markdown keeps {:.1}% of the page's words; lost: {}",
            md.fidelity.score * 100.0,
            md.fidelity.lost.join(" ")
        ));
    }
    PostRecord {
        id: post.id,
        url: post.url.clone(),
        status: PostStatus::from(post.kind),
        notice: post.kind == crate::model::PageKind::Notice,
        title: post.title.clone(),
        published: post.published.as_ref().map(to_rfc3339_kst),
        modified: post.modified.as_ref().map(to_rfc3339_kst),
        author: post.author.clone(),
        category: post.category.clone(),
        tags: post.tags.clone(),
        markdown: markdown.and(markdown_path),
        source,
        images: post
            .body
            .as_ref()
            .map(|b| b.images.clone())
            .unwrap_or_default(),
        attachments: post
            .body
            .as_ref()
            .map(|b| b.attachments.clone())
            .unwrap_or_default(),
        fidelity: markdown.map(|m| m.fidelity.clone()),
        markdown_body_sha256: None,
        comments: None,
        warnings,
        provenance: None,
    }
}

/// The Markdown after its front matter.
#[must_use]
pub fn markdown_body(doc: &str) -> &str {
    doc.strip_prefix("---\n")
        .and_then(|rest| rest.find("\n---\n").map(|end| &rest[end + 5..]))
        .unwrap_or(doc)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::extract::normalize_whitespace;

    /// Text with every character that means something in Markdown, Korean, and spaces.
    fn text() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[가-힣a-z0-9 *_`\\[\\]<>&#|~!+.()%-]{1,12}")
            .expect("valid regex")
    }

    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Any mix of text and inline formatting converts without panicking and renders back to the
        /// same words: no `*`, `_`, `[`, `<`, `&` lost, no emphasis left as literal asterisks.
        #[test]
        fn no_text_is_lost(parts in proptest::collection::vec((text(), 0usize..6), 1..8)) {
            let mut html = String::from("<p>");
            let mut plain = String::new();
            for (t, wrap) in &parts {
                let (open, close) = [("", ""), ("<b>", "</b>"), ("<i>", "</i>"), ("<s>", "</s>"), ("<u>", "</u>"), ("<br>", "")][*wrap];
                html.push_str(open);
                html.push_str(&escape(t));
                html.push_str(close);
                if *wrap == 5 { plain.push(' '); }
                plain.push_str(t);
            }
            html.push_str("</p>");
            let page = format!(
                "<html><head><meta property=\"article:txid\" content=\"1_1\"></head><body id=\"tt-body-page\"><div class=\"contents_style\">{html}</div></body></html>"
            );
            let Ok(crate::extract::Page::Entry(post)) =
                crate::extract::extract_page(&page, &crate::extract::PageSource::named("1.html"), &crate::extract::selectors::SelectorProfile::default())
            else {
                return Err(TestCaseError::fail("not a post"));
            };
            let md = to_markdown(&post, &ImageMap::new()).expect("htmd converts").expect("a post has a body").body;
            prop_assert_eq!(&post.body.as_ref().unwrap().text, &normalize_whitespace(&plain));
            let f = check_fidelity(&normalize_whitespace(&plain), &md);
            prop_assert!((f.score - 1.0).abs() < f64::EPSILON, "html {html:?}\nmd {md:?}\nlost {:?}", f.lost);
        }
    }

    /// A converter failure names the post (id and address) and yields no Markdown at all.
    #[test]
    fn a_conversion_failure_names_the_post() {
        let page = "<html><head><meta property=\"article:txid\" content=\"1_77\"><link rel=\"canonical\" href=\"https://river.tistory.com/77\"></head><body id=\"tt-body-page\"><div class=\"contents_style\"><p>강물</p></div></body></html>";
        let Ok(crate::extract::Page::Entry(post)) = crate::extract::extract_page(
            page,
            &crate::extract::PageSource::named("77.html"),
            &crate::extract::selectors::SelectorProfile::default(),
        ) else {
            panic!("the page is a post");
        };
        let failing = |_: &str, _: &ImageMap| {
            Err(ConvertError {
                source: std::io::Error::other("injected"),
            })
        };
        let err = to_markdown_with(&post, &ImageMap::new(), failing).unwrap_err();
        assert_eq!(err.id, 77);
        assert_eq!(err.url, "https://river.tistory.com/77");
        let message = err.to_string();
        assert!(
            message.starts_with("post 77 (https://river.tistory.com/77)"),
            "{message}"
        );
        assert!(message.contains("no Markdown file is written"), "{message}");
    }
}
