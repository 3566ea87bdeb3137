//! Issue 8: the cleaned body's markers (`tistory_migrate::model::body`) are a contract between
//! extract, which writes them, and convert and bundle, which read them. One page of our own
//! writing with each case: a literal `~` in prose (and one in code, which stays), a table that
//! fits GFM, one that does not (a colspan), and a code block with a language. Each marker must be
//! in the extracted body, and each reader must turn it into what the contract says.

use tistory_migrate::bundle::sanitize::sanitize;
use tistory_migrate::convert::{ImageMap, to_markdown};
use tistory_migrate::extract::selectors::SelectorProfile;
use tistory_migrate::extract::{Page, PageSource, extract_page};
use tistory_migrate::model::body::{CODE_LANGUAGE_PREFIX, TABLE_MODE_ATTR, TILDE, TableMode};

const PAGE: &str = r#"<html><head><meta property="og:title" content="물결표 시험">
<meta property="article:txid" content="7_41"></head><body id="tt-body-page">
<div class="contents_style">
<p>서울~부산 구간은 4~5시간 걸린다.</p>
<p>명령은 <code>ls ~/notes</code> 로 본다.</p>
<table><tbody><tr><td>구간</td><td>시간</td></tr><tr><td>서울</td><td>0</td></tr></tbody></table>
<table><tbody><tr><td colspan="2">합계만 있는 표</td></tr><tr><td>1</td><td>2</td></tr></tbody></table>
<pre data-ke-language="rust"><code>let home = "~";</code></pre>
</div></body></html>"#;

#[test]
fn issue_8_extract_writes_each_marker_and_convert_and_bundle_read_it() {
    let Page::Entry(post) = extract_page(
        PAGE,
        &PageSource::named("41.html"),
        &SelectorProfile::default(),
    )
    .unwrap() else {
        panic!("the page is a post");
    };
    let body = post.body.as_ref().expect("a body");
    let html = &body.html;

    // extract: prose tildes become the stand-in, code tildes stay; tables carry their mode;
    // code carries its language class.
    assert!(html.contains(&format!("서울{TILDE}부산")), "{html}");
    assert!(html.contains(&format!("4{TILDE}5시간")), "{html}");
    assert!(html.contains("ls ~/notes"), "{html}");
    assert!(html.contains(TableMode::Gfm.open_tag()), "{html}");
    assert!(html.contains(TableMode::Html.open_tag()), "{html}");
    assert!(
        html.contains(&format!("<code class=\"{CODE_LANGUAGE_PREFIX}rust\">")),
        "{html}"
    );
    assert!(!html.contains("data-ke-language"), "{html}");

    // convert: `\~` in prose, a pipe table for gfm, an HTML table (without the marker) for html,
    // a fenced block with the language; no stand-in left.
    let md = to_markdown(&post, &ImageMap::new())
        .unwrap()
        .expect("a public post")
        .body;
    assert!(md.contains("서울\\~부산"), "{md}");
    assert!(md.contains("4\\~5시간"), "{md}");
    assert!(md.contains("`ls ~/notes`"), "{md}");
    assert!(md.contains("| 구간 | 시간 |"), "{md}");
    assert!(
        md.contains("<table>") && md.contains("colspan=\"2\""),
        "{md}"
    );
    assert!(md.contains("```rust\nlet home = \"~\";\n```"), "{md}");
    assert!(!md.contains(TILDE) && !md.contains(TABLE_MODE_ATTR), "{md}");

    // bundle: literal tildes, tables without the marker, the code as plain text; and no warning
    // about an unknown attribute (the marker is known to it).
    let safe = sanitize(html, &body.images);
    assert!(
        safe.html.contains("서울~부산") && safe.html.contains("4~5시간"),
        "{}",
        safe.html
    );
    assert!(safe.text.contains("서울~부산"), "{}", safe.text);
    assert!(
        !safe.html.contains(TILDE) && !safe.html.contains(TABLE_MODE_ATTR),
        "{}",
        safe.html
    );
    assert!(
        safe.html.contains("<table>") && safe.html.contains("colspan=\"2\""),
        "{}",
        safe.html
    );
    assert!(
        safe.html.contains("<pre>let home = &quot;~&quot;;</pre>")
            || safe.html.contains("<pre>let home = \"~\";</pre>"),
        "{}",
        safe.html
    );
    assert!(
        !safe
            .warnings
            .iter()
            .any(|w| w.contains(TABLE_MODE_ATTR) || w.contains("class")),
        "{:?}",
        safe.warnings
    );
}
