//! The sanitizer's rules one by one, on small inputs.

use super::*;
use crate::model::AssetStatus;

fn image(url: &str, ok: bool) -> Image {
    Image {
        url: url.into(),
        file: ok.then(|| "assets/aa/a.jpg".into()),
        status: if ok {
            AssetStatus::Ok
        } else {
            AssetStatus::Missing
        },
        filename: None,
        caption: None,
    }
}

fn clean(html: &str) -> SafeBody {
    sanitize(html, &[])
}

#[test]
fn lists_keep_two_levels_and_flatten_the_rest_in_order() {
    let s = clean(
        "<ul><li>a<ul><li>b<ol><li>c<ul><li>d</li></ul></li></ol></li><li>e</li></ul></li></ul>",
    );
    assert_eq!(
        s.html,
        "<ul><li>a<ul><li>b</li><li>c</li><li>d</li><li>e</li></ul></li></ul>\n"
    );
    assert!(
        s.warnings
            .iter()
            .any(|w| w.starts_with("list_flattened: 2 list(s)")),
        "{:?}",
        s.warnings
    );
}

#[test]
fn only_absolute_http_links_stay_links() {
    let s = clean(
        r##"<p><a href="https://a.example/x y">ok</a> <a href="#top">top</a> <a href="mailto:a@b.c">mail</a> <a href="/rel">rel</a> <a href="javascript:alert(1)">js</a></p>"##,
    );
    assert_eq!(
        s.html,
        "<p><a href=\"https://a.example/x%20y\">ok</a> top mail rel js</p>\n"
    );
    let w = s
        .warnings
        .iter()
        .find(|w| w.starts_with("link_removed"))
        .unwrap();
    assert!(
        w.contains("4 link(s)") && w.contains("#top") && w.contains("and 1 more"),
        "{w}"
    );
}

#[test]
fn dangerous_and_unknown_things_are_dropped_and_counted() {
    let s = clean(
        r#"<div class="x" id="y" style="color:red" data-ke-size="s" onclick="f()"><script>alert(1)</script><style>p{}</style>글<svg><text>그림</text></svg><sup>1</sup><span>꼬리</span></div><iframe src="https://www.youtube.com/embed/x"></iframe><form><input value="v"></form>"#,
    );
    assert_eq!(
        s.html,
        "<p>글1꼬리</p>\n<p><a href=\"https://www.youtube.com/embed/x\">삽입된 콘텐츠</a></p>\n"
    );
    let all = s.warnings.join("\n");
    for needle in [
        "element_removed: removed with their content: form ×1, script ×1, style ×1, svg ×1",
        "formatting_removed: tags removed, text kept: span ×1, sup ×1",
        "attribute_removed: class ×1, data-* ×1, id ×1, on* (event handlers) ×1, style ×1",
        "embed_as_link: 1 embedded item(s) written as a link: https://www.youtube.com/embed/x",
    ] {
        assert!(all.contains(needle), "{needle}\n{all}");
    }
}

#[test]
fn images_become_numbered_placeholders_with_their_caption_after() {
    let images = [
        image("https://c/1.jpg", true),
        image("https://c/2.jpg", false),
        image("https://c/3.jpg", true),
    ];
    let s = sanitize(
        r#"<figure><p><img src="https://c/1.jpg"></p><figcaption>첫 사진</figcaption></figure><p>글 <img src="https://c/2.jpg"> 중간</p><ul><li>목록 <img src="https://c/3.jpg"></li></ul><img src="https://unknown/4.jpg">"#,
        &images,
    );
    assert_eq!(
        s.html,
        "<p>[[사진 1]]</p>\n<p>첫 사진</p>\n<p>글</p>\n<p>[[사진 2: 원본 파일 없음]]</p>\n<p>중간</p>\n<ul><li>목록 [[사진 3]]</li></ul>\n<p>[[사진 4: 원본 파일 없음]]</p>\n"
    );
    let missing: Vec<usize> = s
        .image_slots
        .iter()
        .filter(|i| i.missing)
        .map(|i| i.n)
        .collect();
    assert_eq!(missing, [2, 4]);
    assert_eq!(
        s.warnings
            .iter()
            .filter(|w| w.starts_with("image_missing"))
            .count(),
        2
    );
}

#[test]
fn tables_keep_spans_only_and_cells_hold_inline_text() {
    let s = clean(
        r#"<table border="1"><caption>표 제목</caption><thead><tr><th colspan="2" style="x">머리</th></tr></thead><tbody><tr><td rowspan="1"><p>가</p><p>나</p></td><td colspan="abc"><table><tr><td>안</td></tr></table></td></tr></tbody></table>"#,
    );
    assert_eq!(
        s.html,
        "<p>표 제목</p>\n<table><tbody><tr><th colspan=\"2\">머리</th></tr><tr><td>가<br>나</td><td>안</td></tr></tbody></table>\n"
    );
    let all = s.warnings.join("\n");
    assert!(
        all.contains("table_merged_cells: 1") && all.contains("table_flattened: 1"),
        "{all}"
    );
}

#[test]
fn code_keeps_its_text_exactly_and_headings_turn_bold() {
    let s = clean(
        "<h3>제목 <em>하나</em></h3><pre data-ke-language=\"rust\"><code class=\"language-rust\">if a &lt; b {\n    x &amp;&amp; y\n}\n</code></pre><details><summary>펼치기</summary><p>숨은 글</p></details>",
    );
    assert_eq!(
        s.html,
        "<p><strong>제목 <em>하나</em></strong></p>\n<pre>if a &lt; b {\n    x &amp;&amp; y\n}</pre>\n<p><strong>펼치기</strong></p>\n<p>숨은 글</p>\n"
    );
    assert_eq!(
        s.text,
        "제목 하나\n\nif a < b {\n    x && y\n}\n\n펼치기\n\n숨은 글\n"
    );
}

#[test]
fn text_hygiene_and_the_footer() {
    let s = clean("<p>\u{feff}a\u{a0}\u{a0}b  \n c&nbsp;</p><p> </p><p><b> </b></p>")
        .with_footer("끝.");
    assert_eq!(s.html, "<p>a b c</p>\n<p>끝.</p>\n");
    assert_eq!(s.text, "a b c\n\n끝.\n");
}
