//! Which reply a request gets: Tistory's URL scheme mapped onto a [`Site`]. Pure: a method, path
//! and query in, a [`Reply`] out; faults, the request log and HTTP plumbing live in `handler`.
//!
//! | path | reply |
//! |---|---|
//! | `/`, `/?page=N` | the saved listing page, else a generated one |
//! | `/<id>`, `/m/<id>` | the saved entry page (404 for a not-found page), else 404 |
//! | `/entry/<slug>`, `/m/entry/<slug>` | 301 to `/<id>` (`/m/<id>`) |
//! | `/notice/<id>` | the entry page when it is a notice, else 404 |
//! | `/category`, `/category?page=N` | the saved page, else a generated listing |
//! | `/rss`, `/sitemap.xml`, `/robots.txt` | generated (`render`) |
//! | `/m/api/entry/0/POST?page=N&size=S` | the mobile post list JSON |
//! | `/m/api/<id>/comment?startId=X` | the comment JSON |
//! | [`ASSET_PROXY_PATH`]`?url=U` | the asset for the original URL `U`, else 404 |
//! | anything else | 404 with a Tistory-like not-found page |

use std::path::PathBuf;

use axum::body::Bytes;

use super::ASSET_PROXY_PATH;
use super::assets::AssetSource;
use super::listing::{Listing, listing_page, not_found_page};
use super::render::{
    DEFAULT_MOBILE_PAGE_SIZE, ROBOTS_TXT, comment_page, mobile_entry_list, rss, sitemap,
};
use super::site::{Entry, SavedPage, Site};
use crate::model::{EntryId, PageKind};

const HTML: &str = "text/html;charset=UTF-8";
const JSON: &str = "application/json;charset=UTF-8";

/// Where a reply's body comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReplyBody {
    /// Bytes ready to send.
    Bytes(Bytes),
    /// A site asset file, read when the reply is sent.
    File(PathBuf),
}

/// What to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) body: ReplyBody,
    /// The `Location` header of a redirect.
    pub(crate) location: Option<String>,
}

impl Reply {
    pub(crate) fn bytes(status: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            content_type: content_type.to_string(),
            body: ReplyBody::Bytes(body.into()),
            location: None,
        }
    }

    fn saved(status: u16, page: &SavedPage) -> Self {
        Self::bytes(
            status,
            &format!("text/html;charset={}", page.charset),
            Bytes::from_owner(page.html.clone()),
        )
    }

    fn redirect(to: String) -> Self {
        Self {
            location: Some(to),
            ..Self::bytes(301, HTML, Bytes::new())
        }
    }

    fn json(value: &serde_json::Value) -> Self {
        Self::bytes(200, JSON, value.to_string())
    }
}

/// The 404 reply with the not-found page.
pub(crate) fn not_found(site: &Site) -> Reply {
    Reply::bytes(404, HTML, not_found_page(site))
}

fn entry_reply(entry: &Entry) -> Reply {
    Reply::saved(entry.status, &entry.page)
}

fn parse_id(text: &str) -> Option<EntryId> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn query_param(query: Option<&str>, key: &str) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

fn number_param(query: Option<&str>, key: &str) -> Option<usize> {
    query_param(query, key).and_then(|v| v.trim().parse().ok())
}

fn listing_reply(site: &Site, listing: Listing, query: Option<&str>) -> Reply {
    let page = number_param(query, "page").unwrap_or(1).max(1);
    let saved = match listing {
        Listing::Home => u32::try_from(page).ok().and_then(|p| site.listings.get(&p)),
        Listing::Category => site.category.as_ref().filter(|_| page == 1),
    };
    match saved {
        Some(saved) => Reply::saved(200, saved),
        None => Reply::bytes(200, HTML, listing_page(site, listing, page)),
    }
}

fn asset_reply(site: &Site, query: Option<&str>) -> Reply {
    let asset = query_param(query, "url").and_then(|url| site.assets.get(&url).cloned());
    let Some(asset) = asset else {
        return Reply::bytes(
            404,
            "text/plain;charset=UTF-8",
            "no such asset in this site\n",
        );
    };
    let body = match asset.source {
        AssetSource::File(path) => ReplyBody::File(path),
        AssetSource::Bytes(bytes) => ReplyBody::Bytes(Bytes::from_owner(bytes)),
    };
    Reply {
        status: 200,
        content_type: asset.content_type,
        body,
        location: None,
    }
}

/// The reply to one request.
pub(crate) fn dispatch(site: &Site, method: &str, path: &str, query: Option<&str>) -> Reply {
    if method != "GET" && method != "HEAD" {
        return Reply::bytes(405, "text/plain;charset=UTF-8", "method not allowed\n");
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let entry = |id: &str| parse_id(id).and_then(|id| site.entries.get(&id));
    let reply = match segments.as_slice() {
        [""] => Some(listing_reply(site, Listing::Home, query)),
        ["rss"] => Some(Reply::bytes(
            200,
            "application/rss+xml;charset=UTF-8",
            rss(site),
        )),
        ["sitemap.xml"] => Some(Reply::bytes(
            200,
            "application/xml;charset=UTF-8",
            sitemap(site),
        )),
        ["robots.txt"] => Some(Reply::bytes(200, "text/plain;charset=UTF-8", ROBOTS_TXT)),
        ["category"] | ["category", ""] => Some(listing_reply(site, Listing::Category, query)),
        ["category", rest @ ..] => {
            let decoded: Vec<String> = rest
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| {
                    url::form_urlencoded::parse(format!("s={}", s.replace('+', "%2B")).as_bytes())
                        .map(|(_, v)| v.into_owned())
                        .collect()
                })
                .collect();
            let page = number_param(query, "page").unwrap_or(1);
            super::listing::category_page(site, &decoded.join("/"), page)
                .map(|html| Reply::bytes(200, HTML, html))
        }
        ["m", "api", "entry", "0", "POST"] => {
            let page = number_param(query, "page").unwrap_or(0);
            let size = number_param(query, "size").unwrap_or(DEFAULT_MOBILE_PAGE_SIZE);
            Some(Reply::json(&mobile_entry_list(site, page, size)))
        }
        ["m", "api", id, "comment"] => parse_id(id).map(|id| {
            let start = query_param(query, "startId");
            Reply::json(&comment_page(site, id, start.as_deref()))
        }),
        ["entry", slug] => site
            .entry_by_slug(slug)
            .map(|e| Reply::redirect(format!("/{}", e.id))),
        ["m", "entry", slug] => site
            .entry_by_slug(slug)
            .map(|e| Reply::redirect(format!("/m/{}", e.id))),
        ["notice", id] => entry(id)
            .filter(|e| e.kind == PageKind::Notice)
            .map(entry_reply),
        ["m", id] | [id] => entry(id).map(entry_reply),
        _ if path == ASSET_PROXY_PATH => Some(asset_reply(site, query)),
        _ => None,
    };
    reply.unwrap_or_else(|| not_found(site))
}
