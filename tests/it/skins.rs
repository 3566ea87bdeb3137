//! The skin test bed `fixtures/skins/`: pages of our own writing in nine skin families (modern
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
fn issue_9_a_bare_author_is_read_from_the_meta_line() {
    // Poster prints the name alone beside the date; Black prints it alone beside the category
    // link above the title, with the date below the body. Neither page names an author anywhere
    // else (no `by`, no rel/itemprop, no head metadata, no T.config).
    for (file, name) in [("poster/57.html", "살림꾼"), ("black/410.html", "암실지기")] {
        let html = std::fs::read_to_string(skins().join(file)).unwrap();
        assert!(
            !html.contains(&format!("by {name}")),
            "{file} prints a by-line"
        );
        assert!(!html.contains("itemprop") && !html.contains("name=\"by\""));
        assert_eq!(post(file).author.as_deref(), Some(name), "{file}");
    }
    // A page whose meta line holds only a category link and a date has no author.
    assert_eq!(post("tistory2009/3105.html").author, None);
}

#[test]
fn issue_9_an_unknown_body_class_is_found_by_structure_not_by_a_listed_class() {
    // Black's body container has a class no list knows; a sidebar notice box before the article
    // carries a class the list does know (`area_view`). The structure wins.
    let p = post("black/410.html");
    let body = p.body.as_ref().unwrap();
    assert!(body.text.starts_with("서랍에서 찾은"), "{}", body.text);
    assert!(!body.text.contains("공지"), "{}", body.text);
    assert!(
        !body.text.contains("첫 롤치고"),
        "comments are not the body"
    );
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("no known body container")),
        "{:?}",
        p.warnings
    );
    // Where Tistory's renderer marked the body, no warning.
    assert!(
        !post("poster/57.html")
            .warnings
            .iter()
            .any(|w| w.contains("body container"))
    );
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
    "&lt;b&gt; 와 &#65; 와 &#x41; 도 글자다.",
    "1) 환경 세팅",
    "열 | 값 --- | --- 가 | 나",
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
    pulldown_cmark::html::push_html(
        &mut html,
        pulldown_cmark::Parser::new_ext(&md.body, pulldown_cmark::Options::all()),
    );
    for tag in [
        "<ol",
        "<ul",
        "<li",
        "<h1",
        "<h2",
        "<pre",
        "<blockquote",
        "<table",
    ] {
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

mod chrome_property {
    //! Arbitrary skin chrome (sidebars, footers, navigation, related-post lists, tag clouds)
    //! wrapped around one fixed post never changes the extracted fields or the body text.

    use proptest::prelude::*;
    use tistory_migrate::extract::selectors::SelectorProfile;
    use tistory_migrate::extract::{Page, PageSource, extract_page};

    const WORDS: &[&str] = &[
        "여행", "요리", "개발", "일상", "사진", "독서", "음악", "rust", "메모",
    ];

    fn word() -> impl Strategy<Value = String> {
        proptest::sample::select(WORDS).prop_map(str::to_string)
    }

    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    }

    /// One piece of chrome outside the article.
    fn outer_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            // The category tree, as Tistory renders it.
            proptest::collection::vec(word(), 1..5).prop_map(|cats| {
                let items: String = cats
                    .iter()
                    .map(|c| format!("<li><a href=\"/category/{}\">{c}</a></li>", enc(c)))
                    .collect();
                format!("<aside class=\"s1\"><ul class=\"tt_category\"><li><a href=\"/category\">분류 전체보기</a><ul>{items}</ul></li></ul></aside>")
            }),
            // A tag cloud, sometimes with rel=tag.
            (proptest::collection::vec(word(), 1..6), any::<bool>()).prop_map(|(tags, rel)| {
                let rel = if rel { " rel=\"tag\"" } else { "" };
                let links: String = tags
                    .iter()
                    .enumerate()
                    .map(|(i, t)| format!("<a href=\"/tag/{}\" class=\"cloud{}\"{rel}>{t}</a> ", enc(t), i % 5 + 1))
                    .collect();
                format!("<footer class=\"f\"><div class=\"box\">{links}</div></footer>")
            }),
            // A list of recent posts; it may repeat this post's title.
            (proptest::collection::vec(word(), 3..7), any::<bool>()).prop_map(|(titles, repeat)| {
                let mut items: String = titles
                    .iter()
                    .enumerate()
                    .map(|(i, t)| format!("<li><a href=\"/{}\">{t} 이야기</a> <span>2019. 1. {}.</span></li>", 100 + i, i + 1))
                    .collect();
                if repeat {
                    items.push_str("<li><a href=\"/777\">고정된 글의 제목</a></li>");
                }
                format!("<div class=\"w\"><h3>최근 글</h3><ul>{items}</ul></div>")
            }),
            // Site navigation with category links.
            proptest::collection::vec(word(), 1..5).prop_map(|cats| {
                let links: String = cats
                    .iter()
                    .map(|c| format!("<a href=\"/category/{}\">{c}</a>", enc(c)))
                    .collect();
                format!("<nav class=\"n\"><a href=\"/\">홈</a>{links}</nav>")
            }),
            // A site footer with a credit line.
            word().prop_map(|w| format!("<footer><p>by {w} · Designed by {w}</p><p>2020. 3. 4. 방문자 1</p></footer>")),
        ]
    }

    /// Chrome that skins put inside the article, after the body.
    fn article_footer_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            (word(), proptest::collection::vec(word(), 3..6)).prop_map(|(cat, titles)| {
                let items: String = titles
                    .iter()
                    .enumerate()
                    .map(|(i, t)| format!("<li><a href=\"/{}\">{t}</a></li>", 200 + i))
                    .collect();
                format!("<div class=\"rel\"><h4><a href=\"/category/{}\">{cat}</a> 의 다른 글</h4><ul>{items}</ul></div>", enc(&cat))
            }),
            Just("<nav class=\"pn\"><a href=\"/776\">이전 글</a><a href=\"/778\">다음 글</a></nav>".to_string()),
        ]
    }

    fn page(
        before: &[String],
        after: &[String],
        inside: &[String],
        wrappers: usize,
        bare_author: bool,
    ) -> String {
        // The author after `by`, or printed bare in its own element beside the date.
        let author = if bare_author {
            "<span>고정작가</span>"
        } else {
            "by 고정작가"
        };
        let article = format!(
            r#"<article class="a"><header><div class="c"><a href="/category/%EC%97%AC%ED%96%89/%EA%B5%AD%EB%82%B4">국내</a></div><h2>고정된 글의 제목</h2><p class="m">{author} <span>2015. 6. 7. 08:09</span></p></header>
<div class="contents_style"><p>첫 문단은 바뀌지 않는다.</p><p>둘째 문단도 그대로다.</p></div>
<footer class="af"><div class="t"><a href="/tag/%EA%B3%A0%EC%A0%95" rel="tag">고정</a> <a href="/tag/%ED%83%9C%EA%B7%B8" rel="tag">태그</a></div>{}</footer></article>"#,
            inside.concat()
        );
        let mut main = format!("{}{article}{}", before.concat(), after.concat());
        for i in 0..wrappers {
            main = format!("<div class=\"wrap{i}\">{main}</div>");
        }
        format!(
            r#"<!doctype html><html><head><meta charset="utf-8"><title>고정된 글의 제목 :: 블로그</title><meta property="og:title" content="고정된 글의 제목"><link rel="canonical" href="https://fixed.tistory.com/777"></head><body id="tt-body-page">{main}</body></html>"#
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn chrome_never_changes_the_fields(
            before in proptest::collection::vec(outer_piece(), 0..4),
            after in proptest::collection::vec(outer_piece(), 0..4),
            inside in proptest::collection::vec(article_footer_piece(), 0..3),
            wrappers in 0usize..3,
            bare_author in any::<bool>(),
        ) {
            let html = page(&before, &after, &inside, wrappers, bare_author);
            let Ok(Page::Entry(post)) = extract_page(&html, &PageSource::named("777.html"), &SelectorProfile::default()) else {
                return Err(TestCaseError::fail("not a post"));
            };
            prop_assert_eq!(post.title.as_deref(), Some("고정된 글의 제목"));
            prop_assert_eq!(post.published.map(|d| d.to_rfc3339()), Some("2015-06-07T08:09:00+09:00".to_string()));
            prop_assert_eq!(post.author.as_deref(), Some("고정작가"));
            prop_assert_eq!(post.category.as_deref(), Some("여행/국내"));
            prop_assert_eq!(&post.tags, &vec!["고정".to_string(), "태그".to_string()]);
            prop_assert_eq!(&post.body.as_ref().unwrap().text, "첫 문단은 바뀌지 않는다. 둘째 문단도 그대로다.");
        }
    }
}

/// The goal figures: body text recall and precision after rendering the Markdown back (entities
/// decoded), summed over words, on the shared corpus and on the skin test bed. Printed with
/// `cargo test --test it text_figures -- --nocapture`.
#[test]
fn text_figures_meet_the_goal() {
    use tistory_migrate::convert::fidelity::text_overlap;
    let mut sets: Vec<(&str, PathBuf, Vec<String>)> = vec![(
        "skin test bed",
        skins(),
        read_expected(&skins().join("expected.toml"))
            .into_iter()
            .map(|e| e.file)
            .collect(),
    )];
    let sample = crate::support::sample_blog();
    let sample_files = read_expected(&sample.join("expected.toml"))
        .into_iter()
        .filter(|e| e.kind == "post" || e.kind == "notice")
        .map(|e| e.file)
        .collect();
    sets.push(("sample blog", sample, sample_files));
    if let Some(dir) = crate::support::corpus_dir() {
        let files = read_expected(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/corpus_expected.toml"),
        )
        .into_iter()
        .filter(|e| e.kind == "post" || e.kind == "notice")
        .map(|e| e.file)
        .collect();
        sets.push(("corpus", dir, files));
    }
    for (name, dir, files) in sets {
        let (mut page_words, mut rendered_words) = (0usize, 0usize);
        let (mut recalled, mut precise) = (0f64, 0f64);
        let mut worst: Vec<(String, f64, f64)> = Vec::new();
        for file in &files {
            let page = extract_file(&dir.join(file));
            let Page::Entry(post) = &page else { continue };
            let Some(body) = &post.body else { continue };
            let md = markdown_of(&page).unwrap();
            let o = text_overlap(&body.text, &md.body);
            page_words += o.page_words;
            rendered_words += o.rendered_words;
            recalled += o.recall * o.page_words as f64;
            precise += o.precision * o.rendered_words as f64;
            worst.push((file.clone(), o.recall, o.precision));
        }
        let recall = recalled / page_words.max(1) as f64;
        let precision = precise / rendered_words.max(1) as f64;
        worst.sort_by(|a, b| (a.1 + a.2).total_cmp(&(b.1 + b.2)));
        println!(
            "{name}: {} posts, {page_words} page words, {rendered_words} rendered words: recall {:.4}%, precision {:.4}%; lowest: {:?}",
            files.len(),
            recall * 100.0,
            precision * 100.0,
            worst.first()
        );
        assert!(recall >= 0.995, "{name}: recall {recall}");
        assert!(precision >= 0.98, "{name}: precision {precision}");
    }
}
