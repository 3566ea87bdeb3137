//! Discovery: finding every entry of a blog. This module owns the PURE parsers of every source the
//! crawler reads (strings in, values out); fetching, politeness and the order sources are tried in
//! belong to the crawler. No I/O here.
//!
//! The sources, most reliable first (anatomy note §2):
//!
//! 1. **Mobile entry list** `/m/api/entry/0/POST?page=N&size=20` ([`mobile_api`]): JSON pages of
//!    every public entry with a `nextPage` cursor and a total. UNVERIFIED shape (third-party code
//!    only); whether it lists private or protected entries is unknown.
//! 2. **Numeric id scan** `/1` … `/maxId`: ids are one sequence shared by posts, notices and pages,
//!    never reused, so the scan finds everything a guest can see; 404 = deleted. `maxId` comes from
//!    the feed or listing page 1. [`normalize`] maps URLs to ids.
//! 3. **Listing pages** `/?page=N`, `/category/…?page=N` ([`listing`]): skin-dependent markup,
//!    read here by link position only; the sidebar's `분류 전체보기 (N)` gives the public total to
//!    check completeness against.
//! 4. **Feed** `/rss` ([`rss`]): only the newest N posts (a blog setting), so never a full index;
//!    good for the newest id.
//! 5. **Sitemap** `/sitemap.xml` ([`sitemap`]): reported to include non-entry pages and to miss
//!    older posts on large blogs; a hint only.
//!
//! Comments are discovered per entry through `/m/api/{id}/comment` ([`comments`], UNVERIFIED
//! shape): 2025 renders carry no comments in their HTML.
//!
//! ```
//! use tistory_migrate::discover::{BlogIdentity, EntryRef, entry_ref, parse_listing};
//! use url::Url;
//!
//! let mut blog = BlogIdentity::new(Url::parse("https://hangang-notes.tistory.com").unwrap());
//! blog.add_host("notes.hangang.kr");
//! let html = r#"<aside><a href="/21">최근글</a></aside>
//! <ul class="list_category"><li><a href="/22">겨울</a></li><li><a href="https://notes.hangang.kr/19">SQLite</a></li></ul>
//! <a href="/?page=2">2</a>"#;
//! let page = Url::parse("https://hangang-notes.tistory.com/").unwrap();
//! let listing = parse_listing(html, &page, &blog);
//! let ids: Vec<_> = listing.entry_links.iter().filter_map(|u| entry_ref(u, &blog)).collect();
//! assert_eq!(ids, [EntryRef::Id(22), EntryRef::Id(19)]);
//! assert_eq!(listing.page_links[0].as_str(), "https://hangang-notes.tistory.com/?page=2");
//! ```

mod api_json;
pub mod comments;
pub mod error;
pub mod listing;
pub mod mobile_api;
pub mod normalize;
pub mod rss;
pub mod sitemap;
#[cfg(test)]
pub(crate) mod testdata;
pub mod wayback;
pub mod wayback_comments;
mod xml;

pub use self::comments::{CommentsPage, comments_path, parse_comments};
pub use self::error::{AddressError, DocumentError};
pub use self::listing::{Listing, parse_listing};
pub use self::mobile_api::{
    MOBILE_LIST_PAGE_SIZE, MobileItem, MobileListPage, mobile_list_path, parse_mobile_list,
};
pub use self::normalize::{BlogIdentity, EntryRef, entry_ref, entry_url};
pub use self::rss::{Feed, parse_rss};
pub use self::sitemap::{Sitemap, parse_sitemap};
