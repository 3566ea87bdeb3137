//! A post's comments from the mobile JSON API, `/m/api/{id}/comment?startId={n}`: the request path
//! and a parser of one page. Comments are not in the HTML of 2025 renders (only a React mount
//! point), so this API is the only guest source. The shape is UNVERIFIED (third-party crawlers,
//! anatomy note §6); items are kept as the raw JSON values served, since they are archived as
//! they are. Pure: no I/O.

use serde_json::Value;

use super::api_json::{self, lenient_bool, lenient_u64};
use super::error::DocumentError;
use crate::model::EntryId;

/// One page of a post's comments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommentsPage {
    /// The comments of the page as served (`id`, `content`, `writer`, `written`, `children`, …).
    pub items: Vec<Value>,
    /// `nextId`: the `startId` of the next page, when served (a `0` counts as absent).
    pub next_start_id: Option<u64>,
    /// True when this is the last page: `isLast` is true, or there is no `nextId`.
    pub is_last: bool,
    /// True when the page says `isLast: false` and names no next page (no `nextId`, or 0): the
    /// list goes on, but not from here (a walk that ends on it did not finish).
    pub more_unnamed: bool,
}

/// The path of a post's comment page (join it to the blog's base URL); without `start_id`, the
/// first page (no `startId` parameter).
#[must_use]
pub fn comments_path(id: EntryId, start_id: Option<u64>) -> String {
    match start_id {
        Some(start) => format!("/m/api/{id}/comment?startId={start}"),
        None => format!("/m/api/{id}/comment"),
    }
}

/// Parses one page of comments.
///
/// Reads items from `data.items` (or `items`, or a `data` array); `nextId` and `isLast` from
/// `data`, then the top level; numbers and booleans may be strings.
///
/// # Errors
/// When the text is not a JSON object, carries a numeric `code` other than 200, or has no item
/// array; the message names what was found instead.
pub fn parse_comments(json: &str) -> Result<CommentsPage, DocumentError> {
    const WHAT: &str = "comment page";
    let value = api_json::parse(json, WHAT)?;
    let items = api_json::items(&value, WHAT)?.to_vec();
    let next_start_id = api_json::field(&value, &["nextId"])
        .and_then(lenient_u64)
        .filter(|n| *n > 0);
    let said_last = api_json::field(&value, &["isLast"]).and_then(lenient_bool);
    Ok(CommentsPage {
        items,
        next_start_id,
        is_last: said_last.unwrap_or(false) || next_start_id.is_none(),
        more_unnamed: said_last == Some(false) && next_start_id.is_none(),
    })
}

#[cfg(test)]
mod tests {
    use rstest::rstest;
    use serde_json::json;

    use super::*;

    #[rstest]
    #[case::first(637, None, "/m/api/637/comment")]
    #[case::next(637, Some(22_430_197), "/m/api/637/comment?startId=22430197")]
    fn paths(#[case] id: EntryId, #[case] start: Option<u64>, #[case] expected: &str) {
        assert_eq!(comments_path(id, start), expected);
    }

    #[test]
    fn a_page_with_replies_is_kept_as_served() {
        let json = r#"{"code":200,"data":{"items":[
            {"id":22430197,"content":"글 잘 읽었습니다.","writer":{"name":"방문자","homepage":"https://a.tistory.com"},
             "written":"2025-11-20T10:00:00+09:00","children":[
                {"id":22430200,"content":"감사합니다","writer":{"name":"tired_i","homepage":""},"written":"2025-11-20T11:00:00+09:00"}
             ]},
            {"id":22415286,"content":"들렸다 갑니다~","writer":{"name":"b","homepage":null},"written":"2025-11-18T09:00:00+09:00","children":[]}
        ],"isLast":false,"nextId":22415286}}"#;
        let page = parse_comments(json).unwrap();
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.items[0]["children"][0]["content"], json!("감사합니다"));
        assert_eq!(page.items[1]["writer"]["homepage"], json!(null));
        assert_eq!(page.next_start_id, Some(22_415_286));
        assert!(!page.is_last);
    }

    #[rstest]
    #[case::said_last(r#"{"data":{"items":[],"isLast":true,"nextId":5}}"#, Some(5), true)]
    #[case::null_next(r#"{"data":{"items":[],"isLast":false,"nextId":null}}"#, None, true)]
    #[case::no_next(r#"{"data":{"items":[]}}"#, None, true)]
    #[case::zero_next(r#"{"data":{"items":[],"nextId":0}}"#, None, true)]
    #[case::strings(
        r#"{"data":{"items":[],"isLast":"false","nextId":"9"}}"#,
        Some(9),
        false
    )]
    #[case::top_level(r#"{"items":[],"isLast":false,"nextId":9}"#, Some(9), false)]
    fn paging(#[case] json: &str, #[case] next: Option<u64>, #[case] last: bool) {
        let page = parse_comments(json).unwrap();
        assert_eq!(page.next_start_id, next);
        assert_eq!(page.is_last, last);
    }

    #[test]
    fn a_page_that_says_more_and_names_no_next_one_is_told_apart() {
        let more = |json: &str| parse_comments(json).unwrap().more_unnamed;
        assert!(more(
            r#"{"data":{"items":[],"isLast":false,"nextId":null}}"#
        ));
        assert!(more(r#"{"data":{"items":[],"isLast":"false","nextId":0}}"#));
        assert!(!more(
            r#"{"data":{"items":[],"isLast":true,"nextId":null}}"#
        ));
        assert!(!more(r#"{"data":{"items":[]}}"#), "no isLast: nothing said");
        assert!(!more(r#"{"data":{"items":[],"isLast":false,"nextId":9}}"#));
    }

    #[rstest]
    #[case::not_json("", "not JSON")]
    #[case::no_items(r#"{"data":{"comments":[]}}"#, "data.comments")]
    #[case::error_code(r#"{"code":404}"#, "code 404")]
    fn errors(#[case] json: &str, #[case] needle: &str) {
        let err = crate::report::error_chain(&parse_comments(json).unwrap_err());
        assert!(err.contains(needle), "{err}");
    }
}
