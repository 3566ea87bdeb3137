//! The blog's mobile JSON entry list, `/m/api/entry/0/POST?page=N&size=20`: the request path and
//! a tolerant parser of one page. The shape is UNVERIFIED (known only from third-party code,
//! anatomy note §2), so every field is optional and alternative spellings are read. Pure: the
//! crawler fetches, this module reads.

use serde_json::Value;

use super::api_json::{self, lenient_u64};
use super::error::DocumentError;
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
    /// `published`, as served (a date text such as `2025. 11. 13.`; not parsed here).
    pub published: Option<String>,
    /// `categoryName` (else `category`).
    pub category: Option<String>,
    /// `tags`: a string array, or one string split at commas and `#`; empty names dropped.
    pub tags: Vec<String>,
    /// `commentCount` (else `comments`), a number or a numeric string; `None` when absent or not
    /// a count, which is "unknown", never zero.
    pub comment_count: Option<u64>,
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
pub fn parse_mobile_list(json: &str) -> Result<MobileListPage, DocumentError> {
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
        published: item.get("published").and_then(api_json::text),
        category: ["categoryName", "category"]
            .iter()
            .find_map(|k| item.get(*k).and_then(api_json::text)),
        tags: item.get("tags").map(lenient_tags).unwrap_or_default(),
        comment_count: ["commentCount", "comments"]
            .iter()
            .find_map(|k| item.get(*k).and_then(lenient_u64)),
    }
}

/// Tags served as `["a", "b"]` (strings or numbers), or as one string `"a, b"` / `"#a #b"`.
fn lenient_tags(value: &Value) -> Vec<String> {
    let names: Vec<String> = match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|t| match t {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Object(o) => o.get("name").and_then(Value::as_str).map(str::to_owned),
                _ => None,
            })
            .collect(),
        Value::String(s) if s.contains('#') => s.split('#').map(str::to_owned).collect(),
        Value::String(s) => s.split(',').map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    names
        .into_iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect()
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
        let json = r##"{"code":200,"data":{"items":[
            {"id":637,"title":"[AI] Spec-kit 사용 후기","url":"https://ramen4598.tistory.com/637",
             "subPath":"/637","published":"2025. 11. 13.","thumbnail":"","summary":"…",
             "categoryName":"AI","tags":["spec-kit"," AI ",""],"commentCount":3},
            {"id":"636","title":"  ","path":"/636","tags":"#봄 #여름 ","commentCount":"0"},
            {"id":635,"subPath":"/entry/%EB%B4%84"},
            {"title":"no id","url":""}
        ],"nextPage":2,"totalCount":614}}"##;
        let page = parse_mobile_list(json).unwrap();
        assert_eq!(
            page.items,
            [
                MobileItem {
                    id: Some(637),
                    url: Some("https://ramen4598.tistory.com/637".into()),
                    title: Some("[AI] Spec-kit 사용 후기".into()),
                    published: Some("2025. 11. 13.".into()),
                    category: Some("AI".into()),
                    tags: vec!["spec-kit".into(), "AI".into()],
                    comment_count: Some(3),
                },
                MobileItem {
                    id: Some(636),
                    url: Some("/636".into()),
                    tags: vec!["봄".into(), "여름".into()],
                    comment_count: Some(0),
                    ..MobileItem::default()
                },
                MobileItem {
                    id: Some(635),
                    url: Some("/entry/%EB%B4%84".into()),
                    ..MobileItem::default()
                },
                MobileItem {
                    title: Some("no id".into()),
                    ..MobileItem::default()
                },
            ]
        );
        assert_eq!(page.next_page, Some(2));
        assert_eq!(page.total, Some(614));
    }

    #[rstest]
    #[case::comma_string(r#"{"tags":"a, b ,,c"}"#, &["a", "b", "c"], None)]
    #[case::objects(r#"{"tags":[{"name":"x"}, 7, null],"comments":"12"}"#, &["x", "7"], Some(12))]
    #[case::not_a_count(r#"{"tags":null,"commentCount":"many"}"#, &[], None)]
    #[case::negative(r#"{"commentCount":-1}"#, &[], None)]
    fn lenient_item_fields(
        #[case] item: &str,
        #[case] tags: &[&str],
        #[case] comments: Option<u64>,
    ) {
        let got = mobile_item(&serde_json::from_str(item).unwrap());
        assert_eq!(got.tags, tags);
        assert_eq!(got.comment_count, comments);
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
        let err = crate::report::error_chain(&parse_mobile_list(json).unwrap_err());
        assert!(err.contains(needle), "{err}");
    }
}
