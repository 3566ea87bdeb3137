//! The skin test bed `fixtures/skins/`: pages of our own writing in seven skin families (modern
//! official skins, 2016-17 skins, 2009-2013 XHTML layouts), with fields written by reading each
//! page (`expected.toml`). None of them is a skin the extractor has a class name for: every field
//! must come from structure.

use std::path::{Path, PathBuf};

use tistory_migrate::convert::fidelity::rendered_text;
use tistory_migrate::extract::Page;

use crate::corpus::check_page;
use crate::support::{extract_file, markdown_of, read_expected};

fn skins() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/skins")
}

fn post(file: &str) -> Box<tistory_migrate::model::Post> {
    match extract_file(&skins().join(file)) {
        Page::Entry(post) => post,
        Page::NotEntry { kind, reason } => panic!("{file}: {kind:?} ({reason})"),
    }
}

#[test]
fn every_skin_page_matches_its_ground_truth() {
    let dir = skins();
    let pages = read_expected(&dir.join("expected.toml"));
    let families: std::collections::BTreeSet<&str> = pages
        .iter()
        .filter_map(|p| p.file.split('/').next())
        .collect();
    assert!(
        families.len() >= 6,
        "six skin families or more: {families:?}"
    );
    let mut failures = Vec::new();
    for want in &pages {
        for diff in check_page(&dir, want) {
            failures.push(format!("{}: {diff}", want.file));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn pages_without_an_author_get_none() {
    // The 2012 layout prints no author; "Designed by …" in the site footer is not one.
    assert_eq!(post("xhtml2012/1520.html").author, None);
    // Category 0 in entryInfo is "uncategorised", whatever the skin links.
    assert_eq!(post("whatever/5.html").category, None);
}

#[test]
fn protocol_relative_images_take_the_pages_scheme() {
    let p = post("xhtml2012/1520.html");
    let urls: Vec<&str> = p
        .body
        .as_ref()
        .unwrap()
        .images
        .iter()
        .map(|i| i.url.as_str())
        .collect();
    assert_eq!(
        urls,
        [
            "http://cfile7.uf.tistory.com/image/1871C5334A6E3A1B2C3D4E",
            "http://cfile8.uf.tistory.com/image/2971C5334A6E3A1B2C3D4F"
        ]
    );
    let p = post("letter/12.html");
    assert_eq!(
        p.body.as_ref().unwrap().images[0].url,
        "https://t1.daumcdn.net/cfile/tistory/2A4B6C8D0E1F2A3B4C?original"
    );
}

/// Every literal line of `odyssey/302.html`, as a reader sees it in the page.
const LITERALS: &[&str] = &[
    "저작권 표시는 &copy; 라고 써야 기호가 된다.",
    "2012. 12. 11. 에 처음 적었다.",
    "1) 준비물 확인",
    "+ 덧붙임",
    "계산은 2*3*4 이다.",
    "파이썬 패키지에는 __init__.py 파일이 있다.",
    "<div> 는 태그 이름이다.",
    "경로는 C:\\Users\\페달러\\*.txt 이다.",
    "[참고] 공식 문서를 보라.",
    "&lt;b&gt; 와 &#65; 도 글자다.",
    "1) 환경 세팅",
    "- 끝 -",
];

#[test]
fn literals_stay_text_after_rendering() {
    let page = extract_file(&skins().join("odyssey/302.html"));
    let md = markdown_of(&page).unwrap();
    let rendered = rendered_text(&md.body);
    for literal in LITERALS {
        assert!(
            rendered.contains(literal),
            "{literal:?} lost; rendered {rendered:?}\nmarkdown:\n{}",
            md.body
        );
    }
    // Rendered as HTML, no line became a list, a heading or a code block.
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&md.body));
    for tag in ["<ol", "<ul", "<li", "<h1", "<h2", "<pre", "<blockquote"] {
        assert!(!html.contains(tag), "{tag} in\n{html}\nfrom\n{}", md.body);
    }
}
