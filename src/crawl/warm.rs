//! The crawl's cold start. The first window of entry pages (`ITEMS_PER_SLOT` per request slot)
//! lands within one response time, and every one of them is judged at once; the first judging builds
//! what the extractor and converter compile once (selectors, patterns, the HTML parser's and the
//! converter's tables), so the slots stood idle until the whole window was judged. Reading one
//! small page of our own through the same path while discovery waits on the network builds all
//! of that beforehand, off the runtime.

use crate::convert::{ImageMap, to_markdown};
use crate::extract::selectors::SelectorProfile;
use crate::extract::{Page, PageSource};

/// A post page with the markers, meta and body a Tistory skin prints (our own text).
const PAGE: &str = r#"<!doctype html><html lang="ko"><head><meta charset="utf-8">
<title>예열 :: 예열 블로그</title>
<link rel="canonical" href="https://warm-up.tistory.com/1">
<meta property="og:url" content="https://warm-up.tistory.com/1">
<meta property="og:title" content="예열">
<meta property="article:published_time" content="2020-01-01T09:00:00+09:00">
<meta property="article:txid" content="1_1">
<script>window.T = window.T || {}; window.T.entryInfo = {"entryId":1,"isAuthor":false,"categoryId":0,"categoryLabel":null};</script>
</head><body id="tt-body-page">
<div class="area_title"><h3 class="tit_post"><a href="/1">예열</a></h3><span class="txt_detail">2020. 1. 1. 09:00</span></div>
<div class="tt_article_useless_p_margin contents_style"><h2>제목</h2><p><b>굵게</b>와 <i>기울임</i>, <a href="https://example.com/">링크</a>.</p>
<figure class="imageblock"><img src="https://blog.kakaocdn.net/dn/a/b/c/img.png"><figcaption>그림</figcaption></figure>
<table data-ke-align="alignLeft"><tr><td>칸</td></tr></table><pre><code>코드</code></pre><ul><li>목록</li></ul></div>
</body></html>"#;

/// Reads [`PAGE`] as the crawl reads a post page, and converts it: nothing is kept.
pub(crate) fn warm_up() {
    let source = PageSource::named("warm-up/1.html");
    let page =
        crate::extracted::extract_bytes(PAGE.as_bytes(), &source, &SelectorProfile::default());
    if let Ok(Page::Entry(post)) = page {
        let _ = to_markdown(&post, &ImageMap::new());
    }
    let _ = super::verdict::judge(
        "https://warm-up.tistory.com/1",
        200,
        PAGE.as_bytes(),
        Some(1),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_warm_up_page_is_a_post_with_a_body() {
        let page = crate::extracted::extract_bytes(
            super::PAGE.as_bytes(),
            &crate::extract::PageSource::named("warm-up/1.html"),
            &crate::extract::selectors::SelectorProfile::default(),
        )
        .unwrap();
        let crate::extract::Page::Entry(post) = page else {
            panic!("not a post")
        };
        assert!(post.body.is_some_and(|b| b.images.len() == 1));
    }
}
