//! HTML pages the replay generates when no saved copy exists: a minimal listing page (home
//! `/?page=N` or `/category?page=N`) and the not-found page. They carry just what crawlers read
//! on real listing pages: `body#tt-body-index`, `li.item_category > a.link_category[href=/<id>]`
//! items (newest first, [`LISTING_PAGE_SIZE`] per page), `/?page=N+1` paging and the sidebar total
//! `분류 전체보기 (T)`, plus `window.T.config` with the blog's name. Pure.

use super::render::escape;
use super::site::{Entry, Site};

/// Posts per listing page (Tistory's default).
pub const LISTING_PAGE_SIZE: usize = 10;

/// Which listing a generated page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// The home page, `/?page=N`, `body#tt-body-index`.
    Home,
    /// All categories, `/category?page=N`, `body#tt-body-category`.
    Category,
}

impl Listing {
    fn body_id(self) -> &'static str {
        match self {
            Listing::Home => "tt-body-index",
            Listing::Category => "tt-body-category",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Listing::Home => "/",
            Listing::Category => "/category",
        }
    }
}

fn head(site: &Site, title: &str, canonical: &str) -> String {
    let config = serde_json::json!({
        "ROLE": "guest",
        "BLOG": {
            "name": site.blog.name,
            "title": site.blog.title,
        },
        "DEFAULT_URL": site.base_url(),
    });
    format!(
        "<!DOCTYPE html>\n<html lang=\"ko\">\n<head>\n<meta charset=\"utf-8\" />\n\
<script type=\"text/javascript\">if (!window.T) {{ window.T = {{}} }}\nwindow.T.config = {};\n</script>\n\
<title>{}</title>\n<link rel=\"canonical\" href=\"{}\"/>\n\
<link rel=\"alternate\" type=\"application/rss+xml\" title=\"{}\" href=\"{}/rss\" />\n</head>\n",
        // JSON inside a script: keep `</script>` in a title from ending it.
        config.to_string().replace("</", "<\\/"),
        escape(title),
        escape(canonical),
        escape(title),
        escape(site.base_url()),
    )
}

/// A listing page (`page` counted from 1; a page past the end lists nothing).
#[must_use]
pub fn listing_page(site: &Site, listing: Listing, page: usize) -> String {
    let query_base = if listing == Listing::Home {
        "/?page=".to_string()
    } else {
        format!("{}?page=", listing.path())
    };
    listing_page_of(
        site,
        &site.listed(),
        listing.body_id(),
        listing.path(),
        &query_base,
        page,
    )
}

/// The listing page of one category (`/category/<path>`): its posts and those of its
/// subcategories, newest first. `category` is the decoded path (`산책/한강`).
#[must_use]
pub fn category_page(site: &Site, category: &str, page: usize) -> Option<String> {
    let prefix = format!("{category}/");
    let listed: Vec<&Entry> = site
        .listed()
        .into_iter()
        .filter(|e| {
            e.category
                .as_deref()
                .is_some_and(|c| c == category || c.starts_with(&prefix))
        })
        .collect();
    if listed.is_empty() {
        return None;
    }
    let path: String = category
        .split('/')
        .map(crate::markup::encode_segment)
        .collect::<Vec<_>>()
        .join("/");
    let path = format!("/category/{path}");
    Some(listing_page_of(
        site,
        &listed,
        "tt-body-category",
        &path,
        &format!("{path}?page="),
        page,
    ))
}

fn listing_page_of(
    site: &Site,
    listed: &[&Entry],
    body_id: &str,
    path: &str,
    query_base: &str,
    page: usize,
) -> String {
    let page = page.max(1);
    let title = site.blog.title.clone().unwrap_or_default();
    let base = site.base_url();
    let canonical = if page == 1 {
        format!("{base}{path}")
    } else {
        format!("{base}{path}?page={page}")
    };
    let mut html = head(site, &title, &canonical);
    html.push_str(&format!(
        "<body id=\"{body_id}\">\n<div id=\"content\">\n<ul class=\"list_category\">\n"
    ));
    for entry in listed
        .iter()
        .skip((page - 1).saturating_mul(LISTING_PAGE_SIZE))
        .take(LISTING_PAGE_SIZE)
    {
        let date = entry
            .published
            .map(|p| p.format("%Y. %-m. %-d. %H:%M").to_string())
            .unwrap_or_default();
        html.push_str(&format!(
            "<li class=\"item_category\"><a href=\"/{}\" class=\"link_category\">\
<strong class=\"title\">{}</strong> <span class=\"date\">{}</span></a></li>\n",
            entry.id,
            escape(entry.title.as_deref().unwrap_or_default()),
            date
        ));
    }
    html.push_str("</ul>\n<div class=\"paging\">\n");
    if page > 1 {
        html.push_str(&format!(
            "<a href=\"{query_base}{}\" class=\"link_page link_prev\">이전</a>\n",
            page - 1
        ));
    }
    if page.saturating_mul(LISTING_PAGE_SIZE) < listed.len() {
        html.push_str(&format!(
            "<a href=\"{query_base}{}\" class=\"link_page link_next\">다음</a>\n",
            page + 1
        ));
    }
    html.push_str(&format!(
        "</div>\n</div>\n<aside class=\"area_sidebar\">\n<ul class=\"tt_category\"><li><a href=\"/category\" \
class=\"link_tit\"> 분류 전체보기 <span class=\"c_cnt\">({})</span> </a></li></ul>\n</aside>\n</body>\n</html>\n",
        site.listed().len()
    ));
    html
}

/// The page served with 404 for anything the site does not have, shaped like Tistory's.
#[must_use]
pub fn not_found_page(site: &Site) -> String {
    let title = site.blog.title.clone().unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"ko\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"robots\" content=\"noindex\">\n<title>페이지를 찾을 수 없습니다</title>\n</head>\n<body>\n\
<div id=\"kakaoWrap\" class=\"absent_post\">\n<div id=\"kakaoContent\" class=\"cont_absent\">\n\
<h1 class=\"tit_absent\">페이지를 찾을 수 없습니다</h1>\n\
<p class=\"desc_absent\">요청하신 페이지는 존재하지 않거나 삭제된 글입니다.<br>주소가 정확한지 다시 한 번 확인해 주세요.</p>\n\
<a href=\"{}\" class=\"link_home\">{} 홈으로 가기</a>\n</div>\n</div>\n</body>\n</html>\n",
        escape(site.base_url()),
        escape(&title)
    )
}
