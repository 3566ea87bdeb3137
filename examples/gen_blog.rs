//! Generates a synthetic replay blog for the crawl benchmark (`benches/crawl/`): N public posts in
//! the saved-pages layout that `tistory-migrate serve` replays (see `fixtures/hangang-notes/README.md`).
//!
//! ```sh
//! cargo run --release --example gen_blog -- /tmp/bench-blog 2000
//! ```
//!
//! What it writes into OUT:
//!
//! - `<id>.html` for ids 1..=N: copies of the skin-A post `fixtures/hangang-notes/10.html` with the
//!   id, title, dates, `article:txid`, canonical (`/<id>`, no slugs), `window.T.entryInfo`,
//!   category, description, sidebar (category counts, 최근글) and body substituted. Each body has
//!   the same blocks as post 10 (paragraphs, headings, a nested list, `<b>/<i>/<u>/<s>`, own-post
//!   links, `hr`) and one or two `figure.imageblock` images (even ids have two).
//! - `assets/blog.kakaocdn.net/dn/<k1>/<k2>/<k3>/img.png` for every image: real 16×12 PNGs of
//!   about 650 bytes. The first image of each post is one of 8 shared pictures (the same bytes
//!   under many URLs, so the archive's content-addressed store de-duplicates them); the second
//!   image of even posts is distinct per post.
//! - `index.html` and `page-2.html` … `page-P.html` (P = ceil(N/10)): copies of the fixture's
//!   listing page, 10 posts per page, newest first, with a numbered paging bar and the sidebar
//!   total `분류 전체보기 (N)`.
//!
//! The blog is `hangang-notes` (the sample blog's identity); every text is generated. No comment
//! files (the benchmark crawls with `--no-comments`; the replay then answers with empty pages).
//! OUT must not exist, be empty, or hold an earlier output of this generator (it is replaced).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate, NaiveDateTime, Timelike as _};

const POST_TEMPLATE: &str = include_str!("../fixtures/hangang-notes/10.html");
const LISTING_TEMPLATE: &str = include_str!("../fixtures/hangang-notes/index.html");
/// Marks a directory this generator wrote (and may therefore replace).
const MARKER: &str = ".gen_blog";
const BLOG_URL: &str = "https://hangang-notes.tistory.com";
const PER_PAGE: u64 = 10;
/// The shared first-image pictures.
const SHARED_IMAGES: u64 = 8;

/// A leaf category: label (`부모/자식`), id, href, parent index into `PARENTS` (if any).
struct Category {
    label: &'static str,
    name: &'static str,
    id: u64,
    href: &'static str,
    parent: Option<usize>,
}

const PARENTS: [(&str, &str); 2] = [
    ("산책", "/category/%EC%82%B0%EC%B1%85"),
    ("개발", "/category/%EA%B0%9C%EB%B0%9C"),
];

const CATEGORIES: [Category; 7] = [
    Category {
        label: "산책/한강",
        name: "한강",
        id: 1_180_202,
        href: "/category/%EC%82%B0%EC%B1%85/%ED%95%9C%EA%B0%95",
        parent: Some(0),
    },
    Category {
        label: "산책/골목",
        name: "골목",
        id: 1_180_203,
        href: "/category/%EC%82%B0%EC%B1%85/%EA%B3%A8%EB%AA%A9",
        parent: Some(0),
    },
    Category {
        label: "동네소식",
        name: "동네소식",
        id: 1_180_204,
        href: "/category/%EB%8F%99%EB%84%A4%EC%86%8C%EC%8B%9D",
        parent: None,
    },
    Category {
        label: "요리",
        name: "요리",
        id: 1_180_205,
        href: "/category/%EC%9A%94%EB%A6%AC",
        parent: None,
    },
    Category {
        label: "개발/Rust",
        name: "Rust",
        id: 1_180_207,
        href: "/category/%EA%B0%9C%EB%B0%9C/Rust",
        parent: Some(1),
    },
    Category {
        label: "개발/Python",
        name: "Python",
        id: 1_180_208,
        href: "/category/%EA%B0%9C%EB%B0%9C/Python",
        parent: Some(1),
    },
    Category {
        label: "개발/웹",
        name: "웹",
        id: 1_180_209,
        href: "/category/%EA%B0%9C%EB%B0%9C/%EC%9B%B9",
        parent: Some(1),
    },
];

const PLACES: [&str; 12] = [
    "망원",
    "여의도",
    "반포",
    "뚝섬",
    "이촌",
    "잠실",
    "당산",
    "합정",
    "성수",
    "광나루",
    "난지",
    "양화",
];
const TOPICS: [&str; 10] = [
    "산책 기록",
    "아침 풍경",
    "저녁 노을",
    "자전거 길",
    "강변 벤치",
    "시장 구경",
    "다리 아래",
    "비 오는 날",
    "주말 나들이",
    "밤 산책",
];
const SENTENCES: [&str; 16] = [
    "오늘은 평소보다 조금 일찍 나와서 강을 따라 천천히 걸었다.",
    "바람이 세게 불어서 모자를 두 번이나 고쳐 썼다.",
    "자전거 도로와 산책로가 나뉘어 있어서 걷기에 편했다.",
    "편의점에서 따뜻한 보리차를 하나 사서 손을 녹였다.",
    "강 건너편 아파트 불빛이 물 위에 길게 비쳤다.",
    "벤치에 앉아 십 분쯤 쉬면서 지나가는 사람들을 구경했다.",
    "다리 밑을 지날 때마다 발소리가 크게 울렸다.",
    "물가 쪽 풀밭에는 오리 몇 마리가 모여 있었다.",
    "돌아오는 길에는 시장에 들러 두부와 나물을 샀다.",
    "걸음 수를 보니 만 보를 조금 넘겼다.",
    "해가 지기 시작하자 하늘 색이 금방 바뀌었다.",
    "지난번보다 사람이 적어서 조용히 걸을 수 있었다.",
    "공원 입구 안내판에 새 산책 코스가 표시되어 있었다.",
    "가방에 넣어 간 귤 두 개를 벤치에서 먹었다.",
    "운동 기구 쪽에는 어르신들이 줄지어 체조를 하고 있었다.",
    "다음에는 반대 방향으로 걸어 보기로 했다.",
];
const ITEMS: [&str; 10] = [
    "물 한 병",
    "얇은 겉옷",
    "보조 배터리",
    "손수건",
    "교통카드",
    "작은 돗자리",
    "장갑",
    "간식",
    "이어폰",
    "우산",
];

/// splitmix64: a tiny deterministic generator, so the same N always gives the same blog.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x2545_F491_4F6C_DD1D)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[usize::try_from(self.below(list.len() as u64)).unwrap_or(0)]
    }

    fn key(&mut self, len: usize) -> String {
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..len)
            .map(|_| char::from(ALNUM[usize::try_from(self.below(62)).unwrap_or(0)]))
            .collect()
    }
}

/// One generated post.
struct Post {
    id: u64,
    title: String,
    published: NaiveDateTime,
    category: usize,
    /// Image keys (`k1/k2/k3`) with the picture seed of each.
    images: Vec<(String, u64)>,
    body: String,
    summary: String,
}

fn category_of(id: u64) -> usize {
    usize::try_from(id % CATEGORIES.len() as u64).unwrap_or(0)
}

fn make_posts(n: u64) -> Vec<Post> {
    let start = NaiveDate::from_ymd_opt(2012, 3, 1)
        .and_then(|d| d.and_hms_opt(8, 0, 0))
        .expect("a valid start date");
    let mut when = start;
    let mut posts = Vec::new();
    for id in 1..=n {
        let mut rng = Rng::new(id);
        when += Duration::minutes(i64::try_from(20 * 60 + rng.below(40 * 60)).unwrap_or(0));
        let place = rng.pick(&PLACES);
        let topic = rng.pick(&TOPICS);
        let title = format!("{place} {topic} #{id}");
        let mut images = vec![(
            format!("{}/{}/{}", rng.key(6), rng.key(11), rng.key(22)),
            id % SHARED_IMAGES,
        )];
        if id % 2 == 0 {
            images.push((
                format!("{}/{}/{}", rng.key(6), rng.key(11), rng.key(22)),
                SHARED_IMAGES + id,
            ));
        }
        let (body, text) = make_body(id, n, place, &images, &mut rng);
        let summary: String = text.chars().take(95).collect::<String>() + "..";
        posts.push(Post {
            id,
            title,
            published: when,
            category: category_of(id),
            images,
            body,
            summary,
        });
    }
    posts
}

fn image_url(key: &str) -> String {
    format!("https://blog.kakaocdn.net/dn/{key}/img.png")
}

fn image_url_encoded(key: &str) -> String {
    format!(
        "https%3A%2F%2Fblog.kakaocdn.net%2Fdn%2F{}%2Fimg.png",
        key.replace('/', "%2F")
    )
}

/// The post-10 figure with another image key, file name, alt text and caption.
fn figure(key: &str, file_name: &str, alt: &str, caption: &str) -> String {
    let template = between(POST_TEMPLATE, "<figure class=\"imageblock", "</figure>");
    let mut f = replace_checked(
        &template,
        "cR8vXa/btqC4kPz7Hm/7oZqW2nLkD0sYxBfT9uJa1/img.jpg",
        &format!("{key}/img.png"),
    );
    f = replace_checked(
        &f,
        "https%3A%2F%2Fblog.kakaocdn.net%2Fdn%2FcR8vXa%2FbtqC4kPz7Hm%2F7oZqW2nLkD0sYxBfT9uJa1%2Fimg.jpg",
        &image_url_encoded(key),
    );
    f = replace_checked(&f, "riverside-cherry.jpg", file_name);
    f = replace_checked(&f, "강가의 벚나무", alt);
    replace_checked(&f, "강가 쪽에서 올려다본 벚나무", caption)
}

/// The body HTML and its visible text (for the description and listing summary).
fn make_body(
    id: u64,
    n: u64,
    place: &str,
    images: &[(String, u64)],
    rng: &mut Rng,
) -> (String, String) {
    let mut s = || rng.pick(&SENTENCES);
    let (s1, s2, s3, s4, s5, s6, s7, s8) = (s(), s(), s(), s(), s(), s(), s(), s());
    let mut text = format!("{s1} {s2} {s3}");
    let mut html = String::new();
    let _ = writeln!(html, "<p data-ke-size=\"size16\">{s1}</p>");
    html.push_str("<p data-ke-size=\"size16\">&nbsp;</p>\n");
    let _ = writeln!(html, "<h2 data-ke-size=\"size26\">{place}에서</h2>");
    let _ = writeln!(
        html,
        "<p data-ke-size=\"size16\">{s2} <b>{place}</b> 쪽은 <i>언제나</i> <u>조용했다</u>.<br />{s3}</p>"
    );
    let (key, _) = &images[0];
    html.push_str(&figure(
        key,
        &format!("walk-{id}-1.png"),
        &format!("{place} 풍경"),
        &format!("{place} 쪽에서 본 강"),
    ));
    html.push('\n');
    let mut item = || rng.pick(&ITEMS);
    let (i1, i2, i3, i4, i5) = (item(), item(), item(), item(), item());
    let _ = write!(
        html,
        "<h3 data-ke-size=\"size23\">챙긴 것</h3>\n\
<ul style=\"list-style-type: disc;\" data-ke-list-type=\"disc\">\n<li>{i1}\n\
<ul style=\"list-style-type: circle;\" data-ke-list-type=\"circle\">\n<li>{i2}</li>\n<li>{i3}</li>\n</ul>\n</li>\n\
<li>{i4}</li>\n<li>{i5}</li>\n</ul>\n"
    );
    if let Some((key, _)) = images.get(1) {
        html.push_str(&figure(
            key,
            &format!("walk-{id}-2.png"),
            &format!("{place} 길"),
            "돌아오는 길",
        ));
        html.push('\n');
    }
    let _ = write!(
        html,
        "<p data-ke-size=\"size16\">{s4} {s5}</p>\n<h4 data-ke-size=\"size20\">덧붙임</h4>\n\
<p data-ke-size=\"size16\"><s>{s6}</s> {s7}</p>\n"
    );
    text.push_str(&format!(" {place}에서 {s4} {s5}"));
    if id > 1 {
        let older = (id / 2).max(1);
        let _ = writeln!(
            html,
            "<p data-ke-size=\"size16\">지난 기록은 <a href=\"/{}\">여기</a>에, 예전 글은 <a href=\"{BLOG_URL}/{older}\">이 글</a>에 있다.</p>",
            id - 1
        );
    }
    let _ = write!(
        html,
        "<hr data-ke-style=\"style5\" />\n<p data-ke-size=\"size16\">{s8} (글 {id} / {n})</p>"
    );
    (html, text)
}

/// The text from `start` to the first `end` after it, both included.
fn between(text: &str, start: &str, end: &str) -> String {
    let (from, to) = span(text, start, end);
    text[from..to].to_string()
}

/// Byte range of `start` … first `end` after it, both included.
fn span(text: &str, start: &str, end: &str) -> (usize, usize) {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("template drift: {start:?} not found"));
    let len = text[from + start.len()..]
        .find(end)
        .unwrap_or_else(|| panic!("template drift: {end:?} not found after {start:?}"));
    (from, from + start.len() + len + end.len())
}

/// Replaces `start` … `end` (both kept) inner text with `inner`.
fn replace_inside(text: &str, start: &str, end: &str, inner: &str) -> String {
    let (from, to) = span(text, start, end);
    format!("{}{start}{inner}{end}{}", &text[..from], &text[to..])
}

fn replace_checked(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "template drift: {from:?} not found");
    text.replace(from, to)
}

/// The sidebar category tree with the counts of `posts`.
fn category_nav(posts: &[Post]) -> String {
    let mut leaf = [0usize; CATEGORIES.len()];
    for p in posts {
        leaf[p.category] += 1;
    }
    let parent_count = |pi: usize| -> usize {
        CATEGORIES
            .iter()
            .zip(leaf)
            .filter(|(c, _)| c.parent == Some(pi))
            .map(|(_, n)| n)
            .sum()
    };
    let mut nav = format!(
        "<ul class=\"tt_category\"><li class=\"\"><a href=\"/category\" class=\"link_tit\"> 분류 전체보기 <span class=\"c_cnt\">({})</span> </a>\n<ul class=\"category_list\">\n",
        posts.len()
    );
    let mut done_parents = [false; PARENTS.len()];
    for (ci, c) in CATEGORIES.iter().enumerate() {
        match c.parent {
            None => {
                let _ = writeln!(
                    nav,
                    "<li class=\"\"><a href=\"{}\" class=\"link_item\"> {} <span class=\"c_cnt\">({})</span> </a></li>",
                    c.href, c.name, leaf[ci]
                );
            }
            Some(pi) if !done_parents[pi] => {
                done_parents[pi] = true;
                let (name, href) = PARENTS[pi];
                let _ = writeln!(
                    nav,
                    "<li class=\"\"><a href=\"{href}\" class=\"link_item\"> {name} <span class=\"c_cnt\">({})</span> </a>",
                    parent_count(pi)
                );
                nav.push_str("<ul class=\"sub_category_list\">");
                for (cj, child) in CATEGORIES.iter().enumerate() {
                    if child.parent == Some(pi) {
                        let _ = writeln!(
                            nav,
                            "<li class=\"\"><a href=\"{}\" class=\"link_sub_item\"> {} <span class=\"c_cnt\">({})</span> </a></li>",
                            child.href, child.name, leaf[cj]
                        );
                    }
                }
                nav.push_str("</ul>\n</li>\n");
            }
            Some(_) => {}
        }
    }
    nav.push_str("</ul>\n</li>\n</ul>\n");
    nav
}

fn kst(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+09:00").to_string()
}

/// `og:regDate` with Tistory's 12-hour bug (afternoon hours lose 12).
fn reg_date(t: NaiveDateTime) -> String {
    let hour = if t.hour() > 12 {
        t.hour() - 12
    } else {
        t.hour()
    };
    format!("{}{hour:02}{}", t.format("%Y%m%d"), t.format("%M%S"))
}

fn another_category(post: &Post, posts: &[Post]) -> String {
    let c = &CATEGORIES[post.category];
    let mut h4 = String::from("<h4>'");
    if let Some(pi) = c.parent {
        let (name, href) = PARENTS[pi];
        let _ = write!(h4, "<a href=\"{href}\">{name}</a> &gt; ");
    }
    let _ = write!(
        h4,
        "<a href=\"{}\">{}</a>' 카테고리의 다른 글</h4>",
        c.href, c.name
    );
    let step = CATEGORIES.len() as u64;
    let mut rows = String::new();
    let mut shown = 0;
    for k in [2i64, 1, -1, -2, -3, -4, -5] {
        let Some(other) = post
            .id
            .checked_add_signed(k * i64::try_from(step).unwrap_or(7))
        else {
            continue;
        };
        let Some(o) = other
            .checked_sub(1)
            .and_then(|i| posts.get(usize::try_from(i).ok()?))
        else {
            continue;
        };
        if shown == 5 {
            break;
        }
        shown += 1;
        let _ = write!(
            rows,
            "<tr>\n<th><a href=\"/{}\">{}</a>&nbsp;&nbsp;<span>(0)</span></th>\n<td>{}</td>\n</tr>\n",
            o.id,
            o.title,
            o.published.format("%Y.%m.%d")
        );
    }
    format!(
        "\n<div class=\"another_category another_category_color_gray\">\n{h4}\n<table>\n{rows}</table>\n</div>\n"
    )
}

fn recent_box(posts: &[Post]) -> String {
    posts
        .iter()
        .rev()
        .take(4)
        .map(|p| {
            format!(
                "<li class=\"item_sidebar\"><a href=\"/{}\"> {}</a></li>\n",
                p.id, p.title
            )
        })
        .collect()
}

fn post_page(post: &Post, posts: &[Post], nav: &str, recent: &str) -> String {
    let c = &CATEGORIES[post.category];
    let id = post.id;
    let mut page = POST_TEMPLATE.to_string();
    // The body first: the old body holds strings replaced below.
    page = replace_inside(
        &page,
        "<div class=\"tt_article_useless_p_margin contents_style\">",
        "</div>\n<!-- System - START -->",
        &post.body,
    );
    page = replace_inside(
        &page,
        "<!-- PostListinCategory - START -->",
        "<!-- PostListinCategory - END -->",
        &another_category(post, posts),
    );
    page = replace_inside(&page, "<nav>\n", "</nav>", nav);
    page = replace_inside(
        &page,
        "<h3 class=\"title_sidebar\">최근글</h3>\n<ul class=\"list_sidebar\">\n",
        "</ul>",
        recent,
    );
    // No notices in this blog: drop the 공지사항 box.
    let (from, to) = span(
        &page,
        "<div class=\"tag_board\">\n<h3 class=\"title_sidebar\">공지사항</h3>",
        "</div>\n",
    );
    page.replace_range(from..to, "");
    page = replace_checked(
        &page,
        "window.T.entryInfo = {\"entryId\":10,\"isAuthor\":false,\"categoryId\":1180202,\"categoryLabel\":\"산책/한강\"};",
        &format!(
            "window.T.entryInfo = {{\"entryId\":{id},\"isAuthor\":false,\"categoryId\":{},\"categoryLabel\":\"{}\"}};",
            c.id, c.label
        ),
    );
    page = replace_checked(
        &page,
        "\"categoryName\":\"산책/한강\",\"categoryId\":\"1180202\"",
        &format!(
            "\"categoryName\":\"{}\",\"categoryId\":\"{}\"",
            c.label, c.id
        ),
    );
    page = replace_checked(
        &page,
        "<span class=\"date\">2020. 4. 5. 15:42</span>ㆍ<span>산책/한강</span>",
        &format!(
            "<span class=\"date\">{}</span>ㆍ<span>{}</span>",
            post.published.format("%Y. %-m. %-d. %H:%M"),
            c.label
        ),
    );
    // The slug permalink becomes /<id> everywhere (canonical, og:url, dg:plink, mobile/pc URLs,
    // JSON-LD, LOGIN_URL, share button, tiara plink).
    page = replace_checked(
        &page,
        "entry/%EB%B4%84-%EB%B2%9A%EA%BD%83-%EC%82%B0%EC%B1%85",
        &id.to_string(),
    );
    page = replace_checked(&page, "봄 벚꽃 산책", &post.title);
    page = replace_checked(
        &page,
        "올해는 여의도 윤중로 벚꽃길이 통제되어 한강공원 쪽으로만 천천히 걸었다. 사람 없는 봄 꽃은 예년과 똑같이 피었는데 사람이 없으니 풍경이 낯설었다. 바람이 불 때마다 눈처럼 흩날리..",
        &post.summary,
    );
    page = replace_checked(&page, "7310001_10", &format!("7310001_{id}"));
    page = replace_checked(
        &page,
        "\"key\":\"7310001-10\"",
        &format!("\"key\":\"7310001-{id}\""),
    );
    page = replace_checked(
        &page,
        "\"entryId\":\"10\"",
        &format!("\"entryId\":\"{id}\""),
    );
    page = replace_checked(&page, "entryId: 10\n", &format!("entryId: {id}\n"));
    page = replace_checked(
        &page,
        "id=\"reaction-10\"",
        &format!("id=\"reaction-{id}\""),
    );
    page = replace_checked(
        &page,
        "data-entry-id=\"10\"",
        &format!("data-entry-id=\"{id}\""),
    );
    page = replace_checked(
        &page,
        "id=\"entry10Comment\"",
        &format!("id=\"entry{id}Comment\""),
    );
    page = replace_checked(
        &page,
        "loadedComments[10]=true;",
        &format!("loadedComments[{id}]=true;"),
    );
    page = replace_checked(
        &page,
        "findFragmentAndHighlight(10);",
        &format!("findFragmentAndHighlight({id});"),
    );
    page = replace_checked(&page, "2020-04-05T15:42:10+09:00", &kst(post.published));
    page = replace_checked(&page, "20200405034210", &reg_date(post.published));
    // og:image, JSON-LD image and the share button's thumbnail: the first image.
    page = replace_checked(
        &page,
        "https%3A%2F%2Fblog.kakaocdn.net%2Fdn%2FcR8vXa%2FbtqC4kPz7Hm%2F7oZqW2nLkD0sYxBfT9uJa1%2Fimg.jpg",
        &image_url_encoded(&post.images[0].0),
    );
    page
}

fn paging(page: u64, pages: u64) -> String {
    let mut html = String::new();
    if page > 1 {
        let _ = writeln!(
            html,
            "<a href=\"/?page={}\" class=\"link_page link_prev \">",
            page - 1
        );
    } else {
        html.push_str("<a  class=\"link_page link_prev no-more-prev\">\n");
    }
    html.push_str(
        "<span class=\"icon-Keyboard-Arrow---Left\"><span class=\"screen_out\">이전</span></span></a>\n\
<div class=\"paging_num thema_apply\">\n",
    );
    let lo = page.saturating_sub(2).max(1);
    let hi = (page + 2).min(pages);
    let mut numbers: Vec<u64> = (lo..=hi).collect();
    if lo > 1 {
        numbers.insert(0, 1);
    }
    if hi < pages {
        numbers.push(pages);
    }
    let mut last = 0;
    for k in numbers {
        if k > last + 1 {
            html.push_str("<span class=\"interword\">...</span>\n");
        }
        last = k;
        let selected = if k == page { "selected" } else { "" };
        let _ = writeln!(
            html,
            "<a href=\"/?page={k}\" class=\"link_num\"><span class=\"{selected}\">{k}</span></a>"
        );
    }
    html.push_str("</div>\n");
    if page < pages {
        let _ = writeln!(
            html,
            "<a href=\"/?page={}\" class=\"link_page link_next \">",
            page + 1
        );
    } else {
        html.push_str("<a  class=\"link_page link_next no-more-next\">\n");
    }
    html.push_str(
        "<span class=\"icon-Keyboard-Arrow---Right\"><span class=\"screen_out\">다음</span></span></a>\n",
    );
    html
}

fn listing_page(page: u64, pages: u64, posts: &[Post], nav: &str) -> String {
    let mut items = String::new();
    let newest_first = posts.iter().rev();
    for p in newest_first
        .skip(usize::try_from((page - 1) * PER_PAGE).unwrap_or(usize::MAX))
        .take(usize::try_from(PER_PAGE).unwrap_or(10))
    {
        let thumb = format!(
            "https://img1.daumcdn.net/thumb/R750x0/?scode=mtistory2&fname={}",
            image_url_encoded(&p.images[0].0)
        );
        let _ = write!(
            items,
            "<li class=\"item_category\">\n<a href=\"/{}\" class=\"link_category\">\n\
<span class=\"thumnail item-thumbnail\"\nstyle=\"background-image:url('{thumb}')\"\n></span>\n\
<div class=\"info\">\n<strong class=\"name\">{}</strong>\n<p class=\"text summary\">{}</p>\n\
<span class=\"date\">{}</span>\n</div>\n</a>\n</li>\n",
            p.id,
            p.title,
            p.summary,
            p.published.format("%Y.%m.%d")
        );
    }
    let mut html = LISTING_TEMPLATE.to_string();
    html = replace_inside(
        &html,
        "<ul class=\"list_category\">\n",
        "</ul>\n</div>\n\n<div class=\"area_view\">",
        &items,
    );
    html = replace_inside(
        &html,
        "<div class=\"area_paging\">\n",
        "</div>\n</main>",
        &paging(page, pages),
    );
    html = replace_inside(&html, "<nav>\n", "</nav>", nav);
    html = replace_checked(
        &html,
        "전체 글<span>(17)</span>",
        &format!("전체 글<span>({})</span>", posts.len()),
    );
    if page > 1 {
        html = replace_checked(
            &html,
            "redirectUrl=https://hangang-notes.tistory.com\"",
            &format!("redirectUrl=https://hangang-notes.tistory.com/%3Fpage%3D{page}\""),
        );
    }
    html
}

// --- PNG -------------------------------------------------------------------------------------

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(0).to_be_bytes());
    let mut typed = kind.to_vec();
    typed.extend_from_slice(data);
    out.extend_from_slice(&typed);
    out.extend_from_slice(&crc32(&typed).to_be_bytes());
}

/// A valid 16×12 RGB PNG (zlib "stored" blocks, no compression library needed): sky, river and
/// bank bands whose colours and edges depend on `seed`.
fn png(seed: u64) -> Vec<u8> {
    const W: usize = 16;
    const H: usize = 12;
    let mut rng = Rng::new(seed.wrapping_add(0xABCD));
    let mut colour = || -> [u8; 3] {
        let v = rng.next().to_le_bytes();
        [v[0], v[1], v[2]]
    };
    let (sky, river, bank) = (colour(), colour(), colour());
    let horizon = 3 + usize::try_from(seed % 3).unwrap_or(0);
    let shore = 8 + usize::try_from((seed / 3) % 3).unwrap_or(0);
    let mut raw = Vec::with_capacity(H * (1 + 3 * W));
    for y in 0..H {
        raw.push(0); // filter: none
        for x in 0..W {
            let c = if y < horizon {
                sky
            } else if y < shore || (x + y) % 7 == usize::try_from(seed % 7).unwrap_or(0) {
                river
            } else {
                bank
            };
            raw.extend_from_slice(&c);
        }
    }
    let mut z = vec![0x78, 0x01]; // zlib header, no compression
    let len = u16::try_from(raw.len()).expect("a tiny image");
    z.push(1); // final stored block
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&(!len).to_le_bytes());
    z.extend_from_slice(&raw);
    z.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&u32::try_from(W).unwrap_or(0).to_be_bytes());
    ihdr.extend_from_slice(&u32::try_from(H).unwrap_or(0).to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

// --- main ------------------------------------------------------------------------------------

fn prepare(out: &Path) -> Result<(), String> {
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .map_err(|e| format!("{}: {e}", out.display()))?
            .next()
            .is_none();
        if !empty {
            if !out.join(MARKER).is_file() {
                return Err(format!(
                    "{} is not empty and was not written by gen_blog; give a new directory",
                    out.display()
                ));
            }
            std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        }
    }
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    std::fs::write(out.join(MARKER), b"written by examples/gen_blog.rs\n")
        .map_err(|e| format!("{}: {e}", out.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn run() -> Result<(), String> {
    let mut args = std::env::args_os().skip(1);
    let usage = "usage: gen_blog OUT [N]   (N posts, default 2000)";
    let out = PathBuf::from(args.next().ok_or(usage)?);
    let n: u64 = match args.next() {
        Some(v) => v
            .to_str()
            .and_then(|s| s.parse().ok())
            .filter(|n| *n >= 1)
            .ok_or(usage)?,
        None => 2000,
    };
    prepare(&out)?;
    let posts = make_posts(n);
    let nav = category_nav(&posts);
    let recent = recent_box(&posts);
    let mut image_files = 0;
    let mut distinct = std::collections::BTreeSet::new();
    for post in &posts {
        let page = post_page(post, &posts, &nav, &recent);
        write(&out.join(format!("{}.html", post.id)), page.as_bytes())?;
        for (key, seed) in &post.images {
            let url = image_url(key);
            let rel = url.trim_start_matches("https://");
            write(&out.join("assets").join(rel), &png(*seed))?;
            image_files += 1;
            distinct.insert(*seed);
        }
    }
    let pages = n.div_ceil(PER_PAGE);
    for page in 1..=pages {
        let name = if page == 1 {
            "index.html".to_string()
        } else {
            format!("page-{page}.html")
        };
        write(
            &out.join(name),
            listing_page(page, pages, &posts, &nav).as_bytes(),
        )?;
    }
    println!(
        "gen_blog: {} posts (ids 1..={n}), {pages} listing pages, {image_files} images ({} distinct) in {}",
        posts.len(),
        distinct.len(),
        out.display()
    );
    Ok(())
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_blog: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
