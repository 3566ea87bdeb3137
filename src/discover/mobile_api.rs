//! The blog's mobile JSON entry list, `/m/api/entry/0/POST?page=N&size=20`: the request path and
//! a tolerant parser of one page. The shape is UNVERIFIED (known only from third-party code,
//! anatomy note §2), so every field is optional and alternative spellings are read. Pure: the
//! crawler fetches, this module reads.

use serde_json::Value;

use super::api_json::{self, lenient_u64};
use crate::model::EntryId;

/// Entries per page requested from the mobile list API.
pub const MOBILE_LIST_PAGE_SIZE: u32 = 20;

/// One page of the mobile entry list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MobileListPage {
    /// The entries of the page, in the order served.
    pub items: Vec<MobileItem>,
    /// The next page number (`nextPage`), `None` at the end.
    pub next_page: Option<u64>,
    /// The blog's entry count (`totalCount`), when served.
    pub total: Option<u64>,
}

/// One entry of the mobile list, as served (nothing derived: an item without `id` keeps
/// `id: None` even when its URL names the id; [`super::entry_ref`] reads URLs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MobileItem {
    /// `id`, a number or a numeric string.
    pub id: Option<EntryId>,
    /// `url`, else `path`, else `subPath`: absolute or root-relative, as served.
    pub url: Option<String>,
    /// `title`.
    pub title: Option<String>,
}

/// The path of page `page` of the mobile entry list (join it to the blog's base URL).
#[must_use]
pub fn mobile_list_path(page: u64) -> String {
    format!("/m/api/entry/0/POST?page={page}&size={MOBILE_LIST_PAGE_SIZE}")
}

/// Parses one page of the mobile entry list.
///
/// Reads items from `data.items` (or `items`, or a `data` array); `nextPage` and `totalCount`
/// (or `total`) from `data`, then the top level; numbers may be strings; `null` or a
/// non-numeric `nextPage` ends the list.
///
/// # Errors
/// When the text is not a JSON object, carries a numeric `code` other than 200, or has no item
/// array; the message names what was found instead.
pub fn parse_mobile_list(json: &str) -> Result<MobileListPage, String> {
    const WHAT: &str = "entry list";
    let value = api_json::parse(json, WHAT)?;
    let items = api_json::items(&value, WHAT)?
        .iter()
        .map(mobile_item)
        .collect();
    Ok(MobileListPage {
        items,
        next_page: api_json::field(&value, &["nextPage"]).and_then(lenient_u64),
        total: api_json::field(&value, &["totalCount", "total"]).and_then(lenient_u64),
    })
}

fn mobile_item(item: &Value) -> MobileItem {
    MobileItem {
        id: item.get("id").and_then(lenient_u64).filter(|id| *id > 0),
        url: ["url", "path", "subPath"]
            .iter()
            .find_map(|k| item.get(*k).and_then(api_json::text)),
        title: item.get("title").and_then(api_json::text),
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[test]
    fn the_path() {
        assert_eq!(mobile_list_path(3), "/m/api/entry/0/POST?page=3&size=20");
    }

    #[test]
    fn the_shape_third_party_code_reads() {
        let json = r#"{"code":200,"data":{"items":[
            {"id":637,"title":"[AI] Spec-kit 사용 후기","url":"https://ramen4598.tistory.com/637",
             "subPath":"/637","published":"2025. 11. 13.","thumbnail":"","summary":"…"},
            {"id":"636","title":"  ","path":"/636"},
            {"id":635,"subPath":"/entry/%EB%B4%84"},
            {"title":"no id","url":""}
        ],"nextPage":2,"totalCount":614}}"#;
        let page = parse_mobile_list(json).unwrap();
        assert_eq!(
            page.items,
            [
                MobileItem {
                    id: Some(637),
                    url: Some("https://ramen4598.tistory.com/637".into()),
                    title: Some("[AI] Spec-kit 사용 후기".into()),
                },
                MobileItem {
                    id: Some(636),
                    url: Some("/636".into()),
                    title: None,
                },
                MobileItem {
                    id: Some(635),
                    url: Some("/entry/%EB%B4%84".into()),
                    title: None,
                },
                MobileItem {
                    id: None,
                    url: None,
                    title: Some("no id".into()),
                },
            ]
        );
        assert_eq!(page.next_page, Some(2));
        assert_eq!(page.total, Some(614));
    }

    #[rstest]
    #[case::null(r#"{"data":{"items":[],"nextPage":null}}"#, None, None)]
    #[case::absent(r#"{"data":{"items":[]}}"#, None, None)]
    #[case::string(
        r#"{"data":{"items":[],"nextPage":"3","totalCount":"40"}}"#,
        Some(3),
        Some(40)
    )]
    #[case::top_level(r#"{"items":[],"nextPage":4,"total":7}"#, Some(4), Some(7))]
    #[case::data_array(r#"{"data":[],"nextPage":5}"#, Some(5), None)]
    #[case::word(r#"{"data":{"items":[],"nextPage":"none"}}"#, None, None)]
    fn paging(#[case] json: &str, #[case] next: Option<u64>, #[case] total: Option<u64>) {
        let page = parse_mobile_list(json).unwrap();
        assert!(page.items.is_empty());
        assert_eq!(page.next_page, next);
        assert_eq!(page.total, total);
    }

    #[rstest]
    #[case::not_json("<!DOCTYPE html>", "not JSON")]
    #[case::no_items(r#"{"code":200,"data":null}"#, "no items array")]
    #[case::error_code(r#"{"code":403,"message":"blocked"}"#, "code 403: blocked")]
    fn errors(#[case] json: &str, #[case] needle: &str) {
        let err = parse_mobile_list(json).unwrap_err();
        assert!(err.contains(needle), "{err}");
    }
}
