//! A page nested thousands of elements deep must fail alone, with a message naming it, and never
//! take the run down with a stack overflow; a page as deep as a browser builds still converts.

use tistory_migrate::error::Error;
use tistory_migrate::extract::selectors::SelectorProfile;
use tistory_migrate::extract::{MAX_DEPTH, Page, PageSource, extract_page};

use crate::support::{bin, markdown_of, tistory_page};

/// A post whose body nests `levels` elements (mixed block and inline) around one sentence.
fn nested_page(id: u64, levels: usize) -> String {
    let tags = ["div", "span", "b", "blockquote", "i", "section"];
    let mut body = String::new();
    for i in 0..levels {
        body.push('<');
        body.push_str(tags[i % tags.len()]);
        body.push('>');
    }
    body.push_str("가장 깊은 곳의 문장.");
    for i in (0..levels).rev() {
        body.push_str("</");
        body.push_str(tags[i % tags.len()]);
        body.push('>');
    }
    tistory_page(id, "깊은 글", &body)
}

#[test]
fn a_page_nested_5000_deep_fails_alone_naming_itself() {
    let html = nested_page(21, 5000);
    let err = extract_page(
        &html,
        &PageSource::named("21.html"),
        &SelectorProfile::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::TooDeep { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("21.html") && msg.contains("nested"), "{msg}");
}

#[test]
fn a_page_as_deep_as_a_browser_builds_still_converts() {
    // The page's own chrome (html, body, two wrappers) takes four levels.
    let html = nested_page(22, MAX_DEPTH - 8);
    let page = extract_page(
        &html,
        &PageSource::named("22.html"),
        &SelectorProfile::default(),
    )
    .unwrap();
    let Page::Entry(post) = &page else {
        panic!("a post")
    };
    assert!(
        post.body
            .as_ref()
            .unwrap()
            .text
            .contains("가장 깊은 곳의 문장.")
    );
    let md = markdown_of(&page).unwrap();
    assert!(md.body.contains("가장 깊은 곳의 문장."), "{}", md.body);
}

#[test]
fn extract_goes_on_past_a_too_deep_page() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("pages");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("31.html"), nested_page(31, 5000)).unwrap();
    std::fs::write(
        input.join("32.html"),
        tistory_page(32, "보통 글", "<p>평범한 본문.</p>"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let assert = bin()
        .arg("extract")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let line = stdout
        .lines()
        .find(|l| l.contains("31.html"))
        .unwrap_or_else(|| panic!("31.html not named in:\n{stdout}"));
    assert!(line.contains("nested"), "{line}");
    let rows = std::fs::read_to_string(out.join("posts.jsonl")).unwrap();
    assert!(rows.contains("\"id\":32"), "{rows}");
}
