//! Reading a Naver Blog post page. The structure, from public scrapers of Naver blogs:
//! `blog.naver.com/<id>/<logNo>` wraps the post in a frame (`iframe#mainFrame`) whose content is
//! `PostView.naver?blogId=<id>&logNo=<logNo>`; SmartEditor ONE posts hold the title in
//! `.se-title-text` and the body in `div.se-main-container` (text in `.se-text-paragraph`, images
//! as `.se-image` components); older posts use `#postViewArea`; the mobile page
//! (`m.blog.naver.com/<id>/<logNo>`) uses the same SmartEditor ONE classes. The reading is lenient
//! (several candidates per field) and says clearly when a page is not a readable post. Where a
//! page without a body says the post is private or gone is an assumption (Naver's wording for
//! these pages is not documented): we look for 비공개 / 존재하지 않 / 삭제 in its text. Pure.

use scraper::{ElementRef, Html, Selector};

use super::text::normalize;

/// What a post page holds, as read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NaverPage {
    /// The title, when found.
    pub title: Option<String>,
    /// The body's visible text, blocks separated by spaces.
    pub text: String,
    /// Image components in the body.
    pub images: usize,
    /// The category, when the page shows it.
    pub category: Option<String>,
    /// The tags, when the page shows them.
    pub tags: Option<Vec<String>>,
}

/// How a page read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRead {
    /// A post.
    Post(NaverPage),
    /// A frame wrapper: the post is at `src` (relative to the page).
    Frame {
        /// The frame's `src`.
        src: String,
    },
    /// A page saying the post is not public.
    Private,
    /// A page saying there is no such post.
    NotFound,
    /// Not a post page; the reason.
    Unreadable(String),
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("a static selector parses")
}

/// Block-level tags: text on either side is separate.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "figure",
    "figcaption",
    "section",
];

/// Appends the text under `el` to `out`, a space around each block. Iterative: a Naver page is
/// input from the network and may nest as deep as it likes.
fn push_text(el: ElementRef<'_>, out: &mut String) {
    use ego_tree::iter::Edge;
    // The script-like element whose subtree is being skipped.
    let mut skipping: Option<ego_tree::NodeId> = None;
    for edge in el.traverse() {
        match edge {
            Edge::Open(n) if n.id() != el.id() && skipping.is_none() => {
                if let Some(t) = n.value().as_text() {
                    out.push_str(t);
                } else if let Some(e) = n.value().as_element() {
                    if matches!(e.name(), "script" | "style" | "noscript" | "template") {
                        skipping = Some(n.id());
                    } else if BLOCKS.contains(&e.name()) {
                        out.push(' ');
                    }
                }
            }
            Edge::Close(n) if n.id() != el.id() => match skipping {
                Some(id) if id == n.id() => skipping = None,
                Some(_) => {}
                None => {
                    if n.value()
                        .as_element()
                        .is_some_and(|e| BLOCKS.contains(&e.name()))
                    {
                        out.push(' ');
                    }
                }
            },
            _ => {}
        }
    }
}

fn text_of(el: ElementRef<'_>) -> String {
    let mut s = String::new();
    push_text(el, &mut s);
    normalize(&s)
}

fn first_text(doc: &Html, selectors: &[&str]) -> Option<String> {
    selectors
        .iter()
        .find_map(|s| doc.select(&sel(s)).map(text_of).find(|t| !t.is_empty()))
}

/// Reads a post page (the `PostView.naver` frame content, the mobile page, or an older post).
#[must_use]
pub fn read_page(html: &str) -> PageRead {
    let doc = Html::parse_document(html);
    let container = [
        "div.se-main-container",
        "#postViewArea",
        "div.se_component_wrap",
    ]
    .iter()
    .find_map(|s| doc.select(&sel(s)).next());
    let Some(body) = container else {
        if let Some(src) = doc
            .select(&sel("iframe#mainFrame, frame#mainFrame"))
            .find_map(|f| f.value().attr("src"))
        {
            return PageRead::Frame {
                src: src.to_string(),
            };
        }
        let all = doc
            .select(&sel("body"))
            .next()
            .map(text_of)
            .unwrap_or_default();
        if all.contains("비공개") {
            return PageRead::Private;
        }
        if all.contains("존재하지 않") || all.contains("삭제") {
            return PageRead::NotFound;
        }
        return PageRead::Unreadable(
            "no post body on the page (no div.se-main-container nor #postViewArea): Naver may have changed its pages, or this is not a post".into(),
        );
    };
    let images = if body.value().classes().any(|c| c == "se-main-container") {
        // The component when present; its module, or any `.se-image`, on pages that lack it.
        ["div.se-component.se-image", ".se-module-image", ".se-image"]
            .iter()
            .map(|s| body.select(&sel(s)).count())
            .find(|n| *n > 0)
            .unwrap_or(0)
    } else {
        body.select(&sel("img")).count()
    };
    let title = first_text(
        &doc,
        &[
            ".se-title-text",
            ".se_title .se_textarea",
            ".pcol1",
            "h3.se_textarea",
        ],
    )
    .or_else(|| {
        doc.select(&sel("meta[property='og:title']"))
            .find_map(|m| m.value().attr("content"))
            .map(normalize)
            .filter(|t| !t.is_empty())
    });
    let category = first_text(&doc, &[".blog2_series a", ".blog2_category a", "a.pcol2"]);
    let tag_sel = sel(".wrap_tag a, .post_tag a, #tagList a, .tag_area a");
    let tags: Vec<String> = doc
        .select(&tag_sel)
        .map(text_of)
        .map(|t| t.trim_start_matches('#').to_string())
        .filter(|t| !t.is_empty())
        .collect();
    PageRead::Post(NaverPage {
        title,
        text: text_of(body),
        images,
        category,
        tags: (!tags.is_empty()).then_some(tags),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deeply_nested_page_is_read_without_recursion() {
        // On a thread with a small stack, a walk of one frame per level would overflow.
        let text = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let mut html = String::from("<html><body><div id=\"postViewArea\">");
                html.push_str(&"<div><span>".repeat(3000));
                html.push_str("깊은 문장<script>x()</script>");
                html.push_str(&"</span></div>".repeat(3000));
                html.push_str("</div></body></html>");
                let doc = Html::parse_document(&html);
                let body = doc.select(&sel("#postViewArea")).next().unwrap();
                text_of(body)
            })
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert_eq!(text, "깊은 문장");
    }

    #[test]
    fn a_smarteditor_one_post() {
        let html = r##"<html><body><div id="whole_border">
            <div class="se-module se-title-text"><p><span>봄 산책</span></p></div>
            <div class="blog2_series"><a href="#">일상</a></div>
            <div class="se-main-container">
              <div class="se-component se-text"><p class="se-text-paragraph"><span>첫</span><b>문단</b></p>
              <p class="se-text-paragraph">둘째<br>줄</p></div>
              <div class="se-component se-image"><img src="x.jpg"></div>
              <div class="se-component se-image"><div class="se-module-image"><img src="y.jpg"></div></div>
              <script>var x = "숨김";</script>
            </div>
            <div class="wrap_tag"><a>#산책</a><a>#봄</a></div></div></body></html>"##;
        let PageRead::Post(p) = read_page(html) else {
            panic!("not a post")
        };
        assert_eq!(p.title.as_deref(), Some("봄 산책"));
        assert_eq!(p.text, "첫문단 둘째 줄");
        assert_eq!(p.images, 2);
        assert_eq!(p.category.as_deref(), Some("일상"));
        assert_eq!(p.tags, Some(vec!["산책".into(), "봄".into()]));
    }

    #[test]
    fn frames_old_posts_and_pages_without_a_post() {
        assert_eq!(
            read_page(
                r#"<iframe id="mainFrame" src="/PostView.naver?blogId=a&amp;logNo=1"></iframe>"#
            ),
            PageRead::Frame {
                src: "/PostView.naver?blogId=a&logNo=1".into()
            }
        );
        let PageRead::Post(old) =
            read_page(r#"<div id="postViewArea"><p>옛 글</p><img src="a"></div>"#)
        else {
            panic!()
        };
        assert_eq!(
            (old.text.as_str(), old.images, old.title),
            ("옛 글", 1, None)
        );
        assert_eq!(read_page("<p>비공개 글입니다.</p>"), PageRead::Private);
        assert_eq!(
            read_page("<p>존재하지 않는 게시물입니다.</p>"),
            PageRead::NotFound
        );
        assert!(
            matches!(read_page("<p>점검 중</p>"), PageRead::Unreadable(m) if m.contains("se-main-container"))
        );
    }
}
