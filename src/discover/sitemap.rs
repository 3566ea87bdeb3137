//! `sitemap.xml` parsing: the `<loc>` of every `<url>` of a `<urlset>`, and of every `<sitemap>`
//! of a `<sitemapindex>`, namespaced or not. Returns strings exactly as listed (trimmed); deciding
//! which are entries is [`super::entry_ref`]'s job. Pure: no I/O.
//!
//! A hint only: Tistory's sitemap is reported to also list `/category`, `/tag` and `/guestbook`,
//! and to miss older posts on large blogs (anatomy note §2).

use super::error::DocumentError;
use super::xml;

/// What one sitemap document lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sitemap {
    /// Page URLs of a `<urlset>`, in document order.
    pub urls: Vec<String>,
    /// Child sitemap URLs of a `<sitemapindex>`, in document order.
    pub sitemaps: Vec<String>,
}

/// Parses a `<urlset>` or a `<sitemapindex>`. `<url>` / `<sitemap>` elements without a `<loc>`
/// are skipped.
///
/// # Errors
/// When the text is not well-formed XML, or its root element is neither `urlset` nor
/// `sitemapindex` (an HTML error page, a feed); the message says which.
pub fn parse_sitemap(xml: &str) -> Result<Sitemap, DocumentError> {
    let doc = xml::parse(xml, "sitemap")?;
    let root = doc.root_element();
    let mut sitemap = Sitemap::default();
    match root.tag_name().name() {
        "urlset" => {
            sitemap.urls = xml::children(root, "url")
                .filter_map(|u| xml::child_text(u, "loc"))
                .collect();
        }
        "sitemapindex" => {
            sitemap.sitemaps = xml::children(root, "sitemap")
                .filter_map(|s| xml::child_text(s, "loc"))
                .collect();
        }
        other => {
            return Err(DocumentError::WrongRoot {
                what: "sitemap",
                found: other.to_owned(),
                expected: "<urlset> or <sitemapindex>",
            });
        }
    }
    Ok(sitemap)
}

#[cfg(test)]
mod tests {
    use rstest::rstest;
    use url::Url;

    use super::*;
    use crate::discover::testdata::corpus_file;
    use crate::discover::{BlogIdentity, EntryRef, entry_ref};

    const URLSET: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://x.tistory.com/12</loc><lastmod>2025-11-13T09:00:00+09:00</lastmod></url>
  <url>
    <loc>
      https://x.tistory.com/entry/%EB%B4%84-%EC%82%B0%EC%B1%85
    </loc>
  </url>
  <url><lastmod>2025-01-01</lastmod></url>
  <url><loc>https://x.tistory.com/category</loc></url>
</urlset>"#;

    const INDEX: &str = r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://x.tistory.com/sitemap-1.xml</loc></sitemap>
  <sitemap><loc><![CDATA[https://x.tistory.com/sitemap-2.xml]]></loc></sitemap>
</sitemapindex>"#;

    #[test]
    fn urlset_lists_every_loc_trimmed() {
        let sitemap = parse_sitemap(URLSET).unwrap();
        assert_eq!(
            sitemap.urls,
            [
                "https://x.tistory.com/12",
                "https://x.tistory.com/entry/%EB%B4%84-%EC%82%B0%EC%B1%85",
                "https://x.tistory.com/category",
            ]
        );
        assert!(sitemap.sitemaps.is_empty());
    }

    #[test]
    fn sitemapindex_lists_child_sitemaps() {
        let sitemap = parse_sitemap(INDEX).unwrap();
        assert_eq!(
            sitemap.sitemaps,
            [
                "https://x.tistory.com/sitemap-1.xml",
                "https://x.tistory.com/sitemap-2.xml"
            ]
        );
        assert!(sitemap.urls.is_empty());
    }

    #[rstest]
    #[case::no_namespace("<urlset><url><loc>https://x.tistory.com/1</loc></url></urlset>")]
    #[case::prefixed(
        r#"<sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9"><sm:url><sm:loc>https://x.tistory.com/1</sm:loc></sm:url></sm:urlset>"#
    )]
    #[case::bom_and_blank_lines(
        "\u{feff}\n\n<?xml version=\"1.0\"?><urlset><url><loc> https://x.tistory.com/1 </loc></url></urlset>"
    )]
    #[case::entities("<urlset><url><loc>https://x.tistory.com/1?a=1&amp;b=2</loc></url></urlset>")]
    fn urlset_variants(#[case] xml: &str) {
        let urls = parse_sitemap(xml).unwrap().urls;
        assert_eq!(urls.len(), 1);
        assert!(urls[0].starts_with("https://x.tistory.com/1"), "{urls:?}");
    }

    #[test]
    fn empty_urlset_is_empty_not_an_error() {
        assert_eq!(parse_sitemap("<urlset/>").unwrap(), Sitemap::default());
    }

    #[rstest]
    #[case::empty("", "empty")]
    #[case::html("<!DOCTYPE html><html><body>404</body></html>", "<html>")]
    #[case::feed("<rss version=\"2.0\"><channel/></rss>", "<rss>")]
    #[case::broken("<urlset><url><loc>x</url></urlset>", "not well-formed XML")]
    #[case::text("Not Found", "not well-formed XML")]
    fn errors_say_what_is_wrong(#[case] xml: &str, #[case] needle: &str) {
        let err = crate::report::error_chain(&parse_sitemap(xml).unwrap_err());
        assert!(err.contains(needle), "{err}");
    }

    /// The third-party sitemap of jeeqong.tistory.com (slug permalinks): 45 `/entry/<slug>` URLs.
    #[test]
    fn corpus_third_party_sitemap() {
        let Some(xml) = corpus_file("jeeqong__sitemap__third-party-generated.xml") else {
            return;
        };
        let sitemap = parse_sitemap(&xml).unwrap();
        assert_eq!(sitemap.urls.len(), 45);
        assert_eq!(
            sitemap.urls[0],
            "https://jeeqong.tistory.com/entry/uuid-version-difference"
        );
        let blog = BlogIdentity::new(Url::parse("https://jeeqong.tistory.com").unwrap());
        let refs: Vec<EntryRef> = sitemap
            .urls
            .iter()
            .filter_map(|u| entry_ref(&Url::parse(u).ok()?, &blog))
            .collect();
        assert_eq!(refs.len(), 45, "every URL is an entry slug");
        assert!(refs.iter().all(|r| matches!(r, EntryRef::Slug(_))));
        assert_eq!(
            refs.last(),
            Some(&EntryRef::Slug(
                "typeorm-circular-reference-error-n1-lazy-loading".into()
            ))
        );
    }
}
