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

/// What a browser would run: an event handler, a script URL in any attribute (read the way a
/// browser reads it), a script element, or an animation that rewrites a link or a handler.
fn executable_parts(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_fragment(html);
    let mut found = Vec::new();
    for el in doc
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let v = el.value();
        let name = v.name().to_ascii_lowercase();
        if matches!(
            name.as_str(),
            "script" | "iframe" | "object" | "embed" | "foreignobject"
        ) {
            found.push(format!("<{name}>"));
        }
        for (attr, value) in v.attrs() {
            let attr = attr.to_ascii_lowercase();
            let seen: String = value
                .trim_matches(|c: char| c <= ' ')
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect::<String>()
                .to_ascii_lowercase();
            if attr.starts_with("on")
                || ["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|s| seen.starts_with(s))
            {
                found.push(format!("<{name} {attr}={value:?}>"));
            }
            if matches!(name.as_str(), "animate" | "set")
                && attr == "attributename"
                && (seen.ends_with("href") || seen.starts_with("on"))
            {
                found.push(format!("<{name} attributeName={value:?}>"));
            }
        }
    }
    found
}

#[test]
fn no_executable_content_survives_into_markdown() {
    let body = r##"<p>그림:</p>
<svg viewBox="0 0 100 100" onload="alert(0)">
  <a href="java&#9;script:alert(1)"><text x="1" y="10">탭</text></a>
  <a href="&#1;&#2; javascript:alert(2)"><text x="1" y="20">제어문자</text></a>
  <a xlink:href=" JAVASCRIPT:alert(3)"><text x="1" y="30">대문자</text></a>
  <a href="#part"><text x="1" y="40">조각</text><animate attributeName="href" values="javascript:alert(4)" dur="1s"/></a>
  <set attributeName="onmouseover" to="alert(5)"/>
  <animate attributeName="xlink:href" to="java&#10;script:alert(6)"/>
  <rect width="10" height="10" onclick="alert(7)" fill="red"><animate attributeName="fill" values="red;blue" dur="2s"/></rect>
  <image href="data:image/svg+xml,&lt;svg onload=alert(8)&gt;" width="5" height="5"/>
  <script>alert(9)</script>
</svg>
<p><a href="java&#9;script:alert(10)">탭 링크</a> <a href="&#x01;javascript:alert(11)">제어 링크</a> <a href="https://example.com/ok">좋은 링크</a></p>
<p>&lt;javascript:alert(12)&gt; 와 &lt;script&gt;alert(13)&lt;/script&gt; 는 글자다.</p>"##;
    let html = crate::support::tistory_page(4242, "위험한 그림", body);
    let page = tistory_migrate::extract::extract_page(
        &html,
        &tistory_migrate::extract::PageSource::named("4242.html"),
        &tistory_migrate::extract::selectors::SelectorProfile::default(),
    )
    .unwrap();
    let md = markdown_of(&page).unwrap();
    let mut rendered = String::new();
    pulldown_cmark::html::push_html(
        &mut rendered,
        pulldown_cmark::Parser::new_ext(&md.body, pulldown_cmark::Options::all()),
    );
    assert_eq!(
        executable_parts(&rendered),
        Vec::<String>::new(),
        "{rendered}"
    );
    // What is harmless stays: the drawing, its harmless animation, the good link, the text.
    for kept in [
        "<svg",
        "attributeName=\"fill\"",
        "href=\"#part\"",
        "https://example.com/ok",
        "탭 링크",
        "&lt;script&gt;alert(13)&lt;/script&gt;",
    ] {
        assert!(rendered.contains(kept), "{kept} missing from\n{rendered}");
    }
    // The detector itself sees what the page holds.
    assert!(
        executable_parts(body).len() >= 10,
        "{:?}",
        executable_parts(body)
    );
}
