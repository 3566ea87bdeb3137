//! Comments an old skin rendered into the post's page itself (the 2016–17 renders: the corpus's
//! `fishing-temp` page holds `ul.list_reply > li#comment13076771`), read from a captured page by
//! Tistory's own hooks and the order its comment template prints, never by a skin's class names:
//! - the post's comment area is the element with `id="entry<ID>Comment"`;
//! - each comment is an element inside it with `id="comment<N>"` (`[##_rp_rep_id_##]`); one inside
//!   another is a reply, kept one level deep under its top comment, as the comment API nests them;
//! - a comment's own text, without its replies, its buttons, scripts and its links into the blog
//!   (the permalink, report, edit and reply links are relative; a writer's homepage is absolute),
//!   reads as the writer's name first, then the text, then the date (`2016.02.25 14:09`).
//!
//! A comment whose own text has no name and text is skipped. Items come out in the live API's
//! shape (`id`, `content`, `written`, `writer {name, homepage}`, `children`), so the archive, the
//! replay and verify read them as they read live comments. Pure.

use scraper::{ElementRef, Html, Node};
use serde_json::{Value, json};

use crate::extract::dates::{parse_visible_date, to_rfc3339_kst};
use crate::model::EntryId;

/// The comment number of an element whose id is `comment<N>`.
fn comment_number(el: &ElementRef<'_>) -> Option<u64> {
    let id = el.value().id()?;
    let digits = id.strip_prefix("comment")?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// The comments entry `id`'s page renders, in page order (empty when it renders none).
#[must_use]
pub(crate) fn page_comments(html: &str, id: EntryId) -> Vec<Value> {
    let doc = Html::parse_document(html);
    let area_id = format!("entry{id}Comment");
    let Some(area) = doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().id() == Some(area_id.as_str()))
    else {
        return Vec::new();
    };
    let mut tops: Vec<Value> = Vec::new();
    for el in area.descendants().filter_map(ElementRef::wrap) {
        let Some(number) = comment_number(&el) else {
            continue;
        };
        let Some(item) = read_comment(el, number) else {
            continue;
        };
        let is_reply = el
            .ancestors()
            .take_while(|a| a.id() != area.id())
            .filter_map(ElementRef::wrap)
            .any(|a| comment_number(&a).is_some());
        match tops.last_mut() {
            Some(top) if is_reply => {
                if let Some(children) = top["children"].as_array_mut() {
                    children.push(item);
                }
            }
            _ => tops.push(item),
        }
    }
    tops
}

/// True for an element whose text is not the comment's: a reply, a control, a script, a link into
/// the blog.
fn skipped(el: &ElementRef<'_>) -> bool {
    let v = el.value();
    if comment_number(el).is_some() {
        return true;
    }
    match v.name() {
        "script" | "style" | "button" | "textarea" | "form" => true,
        "a" => !v.attr("href").is_some_and(is_absolute),
        _ => false,
    }
}

fn is_absolute(href: &str) -> bool {
    let h = href.trim().to_ascii_lowercase();
    h.starts_with("http://") || h.starts_with("https://")
}

/// A homepage worth keeping: an absolute address with a host.
fn homepage(href: &str) -> Option<String> {
    let url = url::Url::parse(href.trim()).ok()?;
    url.host_str()
        .filter(|h| !h.is_empty())
        .map(|_| url.to_string())
}

/// One comment's own text pieces, in order, and the homepage its name links to.
fn own_text(el: ElementRef<'_>) -> (Vec<String>, Vec<(String, String)>) {
    let mut pieces = Vec::new();
    let mut links = Vec::new();
    let mut skip_depth: Option<usize> = None;
    let mut depth = 0usize;
    for edge in el.traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => {
                depth += 1;
                if skip_depth.is_some() || node.id() == el.id() {
                    continue;
                }
                if let Some(child) = ElementRef::wrap(node) {
                    if skipped(&child) {
                        skip_depth = Some(depth);
                    } else if child.value().name() == "a"
                        && let Some(href) = child.value().attr("href")
                    {
                        links.push((
                            child.text().collect::<String>().trim().to_owned(),
                            href.to_owned(),
                        ));
                    }
                } else if let Node::Text(t) = node.value() {
                    let text = t.trim();
                    if !text.is_empty() {
                        pieces.push(text.to_owned());
                    }
                }
            }
            ego_tree::iter::Edge::Close(_) => {
                if skip_depth == Some(depth) {
                    skip_depth = None;
                }
                depth -= 1;
            }
        }
    }
    (pieces, links)
}

/// Reads one comment: name, text, date in that order.
fn read_comment(el: ElementRef<'_>, number: u64) -> Option<Value> {
    let (pieces, links) = own_text(el);
    let dated = pieces.iter().position(|p| parse_visible_date(p).is_some());
    let (name, rest) = pieces.split_first()?;
    let text_end = dated.map_or(rest.len(), |d| d.saturating_sub(1));
    let content = rest.get(..text_end)?.join("\n");
    if content.is_empty() || dated == Some(0) {
        return None;
    }
    let written = dated
        .and_then(|d| parse_visible_date(&pieces[d]))
        .map(|d| to_rfc3339_kst(&d));
    let homepage = links
        .iter()
        .find(|(text, _)| text == name)
        .and_then(|(_, href)| homepage(href));
    Some(json!({
        "id": number,
        "content": content,
        "written": written,
        "writer": {"name": name, "homepage": homepage},
        "children": [],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corpus_2017_page_renders_its_five_comments() {
        let Some(html) =
            crate::discover::testdata::corpus_file("fishing-temp__post2__2017.php.html")
        else {
            return;
        };
        let items = page_comments(&html, 2);
        // Read from the page: five `li#comment…` under `#entry2Comment`, no replies.
        let got: Vec<(u64, &str, &str, Option<&str>)> = items
            .iter()
            .map(|i| {
                (
                    i["id"].as_u64().unwrap(),
                    i["writer"]["name"].as_str().unwrap(),
                    i["content"].as_str().unwrap(),
                    i["written"].as_str(),
                )
            })
            .collect();
        assert_eq!(
            got[..2],
            [
                (
                    13_076_771,
                    "CnnCom",
                    "ㅋㅋㅋㅋㅋㅋㅋ굿입니다",
                    Some("2016-02-25T14:09:00+09:00")
                ),
                (
                    13_117_629,
                    "sw",
                    "바이넥스 전지희 속앗다",
                    Some("2016-04-01T13:06:00+09:00")
                ),
            ]
        );
        assert_eq!(items.len(), 5, "{items:#?}");
        assert_eq!(items[4]["content"], "지금안되요ㅠㅠㅠ");
        // `sw` links to "http://": no homepage.
        assert_eq!(items[1]["writer"]["homepage"], Value::Null);
        assert!(items.iter().all(|i| i["children"] == json!([])));
        assert!(page_comments(&html, 3).is_empty(), "another post's area");
    }

    #[test]
    fn replies_nest_under_their_comment_and_controls_are_left_out() {
        let html = r##"<html><body><div id="entry7Comment"><ol>
<li id="comment71"><p><a href="https://walker.example/">산책자</a></p>
  <p>강 건너 불빛이 예뻐요</p><p>둘째 줄</p><span>2019.03.01 10:00 <a href="/toolbar/popup/abuseReport/?entryId=7">신고</a></span>
  <button>댓글 메뉴</button><a href="/7#comment71">댓글주소</a><script>var x = "숨김";</script>
  <ul><li id="comment72"><span>시험자</span><span>고맙습니다</span><span>2019. 3. 1. 11:30</span></li></ul>
</li>
<li id="comment73"><span>이름만</span></li>
<li id="comment74"><span>나그네</span><span>다리가 멋지네요</span></li>
</ol></div><div id="comment99"><span>밖</span><span>영역 밖의 글</span></div></body></html>"##;
        let items = page_comments(html, 7);
        assert_eq!(items.len(), 2, "{items:#?}");
        assert_eq!(items[0]["id"], 71);
        assert_eq!(items[0]["writer"]["name"], "산책자");
        assert_eq!(items[0]["writer"]["homepage"], "https://walker.example/");
        assert_eq!(items[0]["content"], "강 건너 불빛이 예뻐요\n둘째 줄");
        assert_eq!(items[0]["written"], "2019-03-01T10:00:00+09:00");
        let reply = &items[0]["children"][0];
        assert_eq!(reply["id"], 72);
        assert_eq!(reply["content"], "고맙습니다");
        assert_eq!(reply["written"], "2019-03-01T11:30:00+09:00");
        assert_eq!(items[1]["id"], 74, "73 has a name and no text");
        assert_eq!(items[1]["written"], Value::Null);
    }
}
