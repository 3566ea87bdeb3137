//! Which URLs of the blog are entries: the mapping of a URL to an [`EntryRef`] (numeric id or
//! slug) and back, on the blog's host matcher [`BlogIdentity`] (a view of
//! [`crate::model::blog::Blog`]: the hosts that count as "this blog"). Pure: no I/O, no network; listing,
//! sitemap and RSS parsers call [`entry_ref`] to recognise entry links.
//!
//! Entry paths (query and fragment never matter): `/123`, `/123/`, `/m/123`, `/notice/123`,
//! `/m/notice/123` name the entry id; `/entry/<slug>` and `/m/entry/<slug>` name a slug (a
//! blog-level permalink setting; the numeric id still exists behind it). Everything else
//! (`/`, `/category/…`, `/tag/…`, `/archive/…`, `/guestbook`, `/manage/…`, `/toolbar/…`, `/rss`,
//! `/sitemap.xml`, `/m/api/…`) is not an entry.

use url::Url;

use crate::model::EntryId;

/// The blog's host matcher, [`crate::model::blog::Blog::identity`]: re-exported here, where
/// the URL rules that use it live.
pub use crate::model::blog::BlogIdentity;

/// How a URL names an entry: by its numeric id or by its permalink slug.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Ord, PartialOrd)]
pub enum EntryRef {
    /// `/123`, `/m/123`, `/notice/123`: the entry id itself.
    Id(EntryId),
    /// `/entry/<slug>`: the percent-DECODED slug (`봄-벚꽃-산책`). A numeric slug stays a slug:
    /// `/entry/123` is not necessarily entry 123.
    Slug(String),
}

/// The entry a URL of the blog names, or `None` for other hosts and non-entry pages.
///
/// Ids are canonical decimal numbers (no sign, no leading zero, not 0). A slug must decode to
/// non-empty UTF-8.
#[must_use]
pub fn entry_ref(url: &Url, blog: &BlogIdentity) -> Option<EntryRef> {
    if !blog.is_own(url) {
        return None;
    }
    entry_ref_in_path(url.path())
}

/// The decoded slug of a `/entry/<slug>` (or `/m/entry/<slug>`) URL, whatever its host.
#[must_use]
pub fn slug_of(url: &str) -> Option<String> {
    match entry_ref_in_path(Url::parse(url).ok()?.path())? {
        EntryRef::Slug(slug) => Some(slug),
        EntryRef::Id(_) => None,
    }
}

/// The entry a URL path of a blog names: `/<id>`, `/notice/<id>`, `/entry/<slug>`, each also
/// under `/m/`, with or without a trailing `/`. The one rule for ids and slugs in paths (bundle
/// links, redirects and the replay server use it too).
#[must_use]
pub fn entry_ref_in_path(path: &str) -> Option<EntryRef> {
    let mut segments: Vec<&str> = path.split('/').skip(1).collect();
    if segments.len() > 1 && segments.last() == Some(&"") {
        segments.pop();
    }
    let segments = match segments.as_slice() {
        ["m", rest @ ..] => rest,
        all => all,
    };
    match segments {
        [id] | ["notice", id] => parse_id(id).map(EntryRef::Id),
        ["entry", slug] => percent_decode(slug)
            .filter(|s| !s.is_empty())
            .map(EntryRef::Slug),
        _ => None,
    }
}

/// The permalink of an entry on the blog's base host: `<base>/<id>` or
/// `<base>/entry/<percent-encoded slug>`.
#[must_use]
pub fn entry_url(blog: &BlogIdentity, r: &EntryRef) -> Url {
    let mut url = blog.base.clone();
    url.set_query(None);
    url.set_fragment(None);
    match r {
        EntryRef::Id(id) => url.set_path(&format!("/{id}")),
        EntryRef::Slug(slug) => url.set_path(&format!("/entry/{}", percent_encode(slug))),
    }
    url
}

fn parse_id(segment: &str) -> Option<EntryId> {
    if segment.is_empty()
        || segment.starts_with('0')
        || !segment.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    segment.parse().ok()
}

use crate::markup::encode_segment as percent_encode;
/// Decodes `%XX` escapes; `None` when the result is not UTF-8 (the one decoder, in `markup`).
pub(crate) use crate::markup::percent_decode;

#[cfg(test)]
mod tests {
    #[test]
    fn a_replay_port_binds_only_the_replay_host() {
        let mut blog = BlogIdentity::new(Url::parse("http://127.0.0.1:4321/").unwrap());
        blog.add_host("river.tistory.com");
        assert!(blog.is_own(&Url::parse("http://127.0.0.1:4321/3").unwrap()));
        assert!(!blog.is_own(&Url::parse("http://127.0.0.1:9999/3").unwrap()));
        assert!(blog.is_own(&Url::parse("https://river.tistory.com/3").unwrap()));
    }

    use rstest::rstest;

    use super::*;

    fn blog() -> BlogIdentity {
        let mut blog = BlogIdentity::new(Url::parse("https://hangang-notes.tistory.com").unwrap());
        blog.add_host("notes.hangang.kr");
        blog
    }

    fn id(n: EntryId) -> Option<EntryRef> {
        Some(EntryRef::Id(n))
    }

    fn slug(s: &str) -> Option<EntryRef> {
        Some(EntryRef::Slug(s.to_string()))
    }

    #[rstest]
    #[case::plain("https://hangang-notes.tistory.com/123", id(123))]
    #[case::trailing_slash("https://hangang-notes.tistory.com/123/", id(123))]
    #[case::mobile("https://hangang-notes.tistory.com/m/123", id(123))]
    #[case::notice("https://hangang-notes.tistory.com/notice/9", id(9))]
    #[case::mobile_notice("https://hangang-notes.tistory.com/m/notice/9", id(9))]
    #[case::http("http://hangang-notes.tistory.com/1", id(1))]
    #[case::upper_host("https://HANGANG-NOTES.tistory.com/5", id(5))]
    #[case::custom_domain("https://notes.hangang.kr/19", id(19))]
    #[case::query("https://hangang-notes.tistory.com/123?category=5", id(123))]
    #[case::fragment("https://hangang-notes.tistory.com/623#comment22430197", id(623))]
    #[case::slug(
        "https://hangang-notes.tistory.com/entry/%EB%B4%84-%EB%B2%9A%EA%BD%83-%EC%82%B0%EC%B1%85",
        slug("봄-벚꽃-산책")
    )]
    #[case::slug_raw_korean(
        "https://hangang-notes.tistory.com/entry/봄-벚꽃-산책",
        slug("봄-벚꽃-산책")
    )]
    #[case::mobile_slug("https://hangang-notes.tistory.com/m/entry/test", slug("test"))]
    #[case::numeric_slug("https://hangang-notes.tistory.com/entry/123", slug("123"))]
    #[case::slug_trailing_slash("https://hangang-notes.tistory.com/entry/test/", slug("test"))]
    #[case::slug_percent("https://hangang-notes.tistory.com/entry/40%25-off", slug("40%-off"))]
    #[case::root("https://hangang-notes.tistory.com/", None)]
    #[case::home_page("https://hangang-notes.tistory.com/?page=2", None)]
    #[case::category("https://hangang-notes.tistory.com/category/%EC%82%B0%EC%B1%85", None)]
    #[case::category_all("https://hangang-notes.tistory.com/category", None)]
    #[case::tag("https://hangang-notes.tistory.com/tag/123", None)]
    #[case::archive("https://hangang-notes.tistory.com/archive/202411", None)]
    #[case::guestbook("https://hangang-notes.tistory.com/guestbook", None)]
    #[case::manage("https://hangang-notes.tistory.com/manage/post/123", None)]
    #[case::manage_newpost("https://hangang-notes.tistory.com/manage/newpost/123", None)]
    #[case::toolbar(
        "https://hangang-notes.tistory.com/toolbar/popup/abuseReport/?entryId=2",
        None
    )]
    #[case::rss("https://hangang-notes.tistory.com/rss", None)]
    #[case::sitemap("https://hangang-notes.tistory.com/sitemap.xml", None)]
    #[case::mobile_api("https://hangang-notes.tistory.com/m/api/entry/0/POST?page=1", None)]
    #[case::comment_api("https://hangang-notes.tistory.com/m/api/123/comment", None)]
    #[case::notice_list("https://hangang-notes.tistory.com/notice", None)]
    #[case::empty_slug("https://hangang-notes.tistory.com/entry/", None)]
    #[case::zero("https://hangang-notes.tistory.com/0", None)]
    #[case::leading_zero("https://hangang-notes.tistory.com/0123", None)]
    #[case::too_big("https://hangang-notes.tistory.com/99999999999999999999999", None)]
    #[case::double_slash("https://hangang-notes.tistory.com//123", None)]
    #[case::other_blog("https://ramen4598.tistory.com/637", None)]
    #[case::www_is_another_host("https://www.notes.hangang.kr/19", None)]
    #[case::not_http("ftp://hangang-notes.tistory.com/123", None)]
    fn entry_refs(#[case] url: &str, #[case] expected: Option<EntryRef>) {
        assert_eq!(
            entry_ref(&Url::parse(url).unwrap(), &blog()),
            expected,
            "{url}"
        );
    }

    #[rstest]
    #[case::id(EntryRef::Id(637), "https://hangang-notes.tistory.com/637")]
    #[case::slug(
        EntryRef::Slug("봄-벚꽃-산책".into()),
        "https://hangang-notes.tistory.com/entry/%EB%B4%84-%EB%B2%9A%EA%BD%83-%EC%82%B0%EC%B1%85"
    )]
    #[case::slug_reserved(
        EntryRef::Slug("a/b?c#d 40%".into()),
        "https://hangang-notes.tistory.com/entry/a%2Fb%3Fc%23d%2040%25"
    )]
    fn entry_urls(#[case] r: EntryRef, #[case] expected: &str) {
        let url = entry_url(&blog(), &r);
        assert_eq!(url.as_str(), expected);
        assert_eq!(entry_ref(&url, &blog()), Some(r), "round trip");
    }

    #[test]
    fn new_keeps_only_the_root() {
        let blog = BlogIdentity::new(Url::parse("https://X.tistory.com/123?a=1#c").unwrap());
        assert_eq!(blog.base.as_str(), "https://x.tistory.com/");
        assert_eq!(blog.hosts, ["x.tistory.com"]);
        assert_eq!(
            entry_url(&blog, &EntryRef::Id(5)).as_str(),
            "https://x.tistory.com/5"
        );
    }

    #[rstest]
    #[case::bare("morenice.tistory.com", "morenice.tistory.com")]
    #[case::upper("WWW.Morenice.KR", "www.morenice.kr")]
    #[case::url("https://www.morenice.kr/", "www.morenice.kr")]
    #[case::trailing_dot("morenice.tistory.com.", "morenice.tistory.com")]
    fn add_host_normalises(#[case] input: &str, #[case] host: &str) {
        let mut blog = BlogIdentity::new(Url::parse("https://www.morenice.kr").unwrap());
        blog.add_host(input);
        blog.add_host("");
        assert!(blog.hosts.iter().any(|h| h == host), "{:?}", blog.hosts);
        assert_eq!(blog.hosts.iter().filter(|h| *h == host).count(), 1);
    }

    #[rstest]
    #[case::same_port("http://127.0.0.1:8080/3", true)]
    #[case::https_same_port("https://127.0.0.1:8080/3", true)]
    #[case::other_port("http://127.0.0.1:9090/3", false)]
    #[case::default_port("http://127.0.0.1/3", false)]
    fn explicit_port_must_match(#[case] url: &str, #[case] own: bool) {
        let blog = BlogIdentity::new(Url::parse("http://127.0.0.1:8080").unwrap());
        assert_eq!(blog.is_own(&Url::parse(url).unwrap()), own, "{url}");
    }

    #[test]
    fn without_explicit_port_any_port_is_the_blog() {
        let blog = blog();
        assert!(blog.is_own(&Url::parse("https://hangang-notes.tistory.com:8443/1").unwrap()));
        assert!(blog.is_own(&Url::parse("http://hangang-notes.tistory.com/1").unwrap()));
    }

    #[rstest]
    #[case::korean("%EB%B4%84", Some("봄"))]
    #[case::lower_hex("%eb%b4%84", Some("봄"))]
    #[case::lone_percent("100%", Some("100%"))]
    #[case::bad_hex("%zz", Some("%zz"))]
    #[case::not_utf8("%C7%D1", None)]
    fn decoding(#[case] input: &str, #[case] expected: Option<&str>) {
        assert_eq!(percent_decode(input).as_deref(), expected);
    }
}
