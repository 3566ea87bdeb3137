//! A post page's own comment count, the second source (beside the mobile list's `commentCount`)
//! for deciding whether a post's comments are worth requesting. Skins print the count through
//! Tistory's own hooks, found here by structure, never by a skin's class names:
//! - the element Tistory renders for `[##_article_rep_rp_cnt_##]`, `id="commentCount<ID>"`
//!   (the 2017 render in the corpus: `<span id="commentCount2">5</span>`);
//! - a link to the post's own comment anchor (`#rp`, `#comment`, `#comments`, `#entry<ID>Comment`,
//!   fragment-only or on the post's own path; a sidebar's `/623#comment22430197` is not one);
//! - the comment toggle, an element whose `onclick` calls `toggleLayerForEntry(<ID>, 'comment')`.
//!
//! The number is the last run of digits in the hook's text (`댓글 3`, `Comment 3`, `(3)`, `5`); a
//! hook without digits (`<a href="#rp">댓글</a>`) says nothing. A zero is believed only from the
//! `commentCount<ID>` element, the one form the corpus shows the server filling in: a link's or a
//! toggle's "0" may be a skin's placeholder that a script replaces, so it says nothing either. When hooks disagree the largest
//! wins (a count above zero only costs a request; a false zero loses comments). The 2025 renders
//! mount comments with JavaScript and print no count: unknown. Pure, and a plain scan of the text
//! (no DOM): it runs once per archived post.

use url::Url;

use crate::model::EntryId;

/// At most this many bytes of a hook's content are read for its number.
const MAX_HOOK_TEXT: usize = 4096;

/// True when the comments should be requested, given the list's count and the page's: skipped
/// only when one source says zero and the other says zero or nothing; fetched when either says
/// more than zero, when they disagree, and when neither knows.
#[must_use]
pub(crate) fn should_fetch(list: Option<u64>, page: Option<u64>) -> bool {
    !matches!((list, page), (Some(0), Some(0) | None) | (None, Some(0)))
}

/// The comment count the page of entry `id` (served at `page_url`) prints, when it prints one.
#[must_use]
pub(crate) fn page_comment_count(html: &str, id: EntryId, page_url: &Url) -> Option<u64> {
    let hooks = Hooks::new(id, page_url);
    let mut best: Option<u64> = None;
    let mut at = 0;
    while let Some(found) = next_tag(html, at) {
        at = found.end;
        let Some(tag) = found.start else { continue };
        if matches!(tag.name.as_str(), "script" | "style" | "textarea" | "title") {
            at = skip_raw_text(html, at, &tag.name);
            continue;
        }
        if tag.self_closing || !hooks.is_hook(&tag) {
            continue;
        }
        let Some(n) = last_number(&inner_text(html, at, &tag.name)) else {
            continue;
        };
        // A zero is believed only from the element Tistory's server fills in; a skin's link or
        // toggle may print a placeholder its script replaces, and a false zero loses comments.
        if n == 0 && !hooks.is_count_element(&tag) {
            continue;
        }
        best = Some(best.map_or(n, |b| b.max(n)));
    }
    best
}

/// What marks a hook for one entry.
struct Hooks<'a> {
    count_id: String,
    entry_anchor: String,
    toggle: String,
    id: EntryId,
    page_url: &'a Url,
}

impl<'a> Hooks<'a> {
    fn new(id: EntryId, page_url: &'a Url) -> Self {
        Self {
            count_id: format!("commentCount{id}"),
            entry_anchor: format!("entry{id}Comment"),
            toggle: format!("toggleLayerForEntry({id},comment)"),
            id,
            page_url,
        }
    }

    /// The element Tistory renders for `[##_article_rep_rp_cnt_##]`, filled in by the server.
    fn is_count_element(&self, tag: &StartTag) -> bool {
        tag.attr("id").is_some_and(|v| v == self.count_id)
    }

    fn is_hook(&self, tag: &StartTag) -> bool {
        self.is_count_element(tag)
            || (tag.name == "a" && tag.attr("href").is_some_and(|h| self.is_own_anchor(h)))
            || tag.attr("onclick").is_some_and(|js| {
                let plain: String = js
                    .chars()
                    .filter(|c| !c.is_whitespace() && !matches!(c, '\'' | '"'))
                    .collect();
                plain.contains(&self.toggle)
            })
    }

    /// A link to this post's comments: the fragment is a comment anchor and the path is the
    /// page's own (or `/<id>`, `/m/<id>`).
    fn is_own_anchor(&self, href: &str) -> bool {
        let Some((_, fragment)) = href.split_once('#') else {
            return false;
        };
        let anchor = fragment.eq_ignore_ascii_case("rp")
            || fragment.eq_ignore_ascii_case("comment")
            || fragment.eq_ignore_ascii_case("comments")
            || fragment == self.entry_anchor;
        if !anchor {
            return false;
        }
        let Ok(target) = self.page_url.join(href) else {
            return false;
        };
        let path = target.path();
        target.host_str() == self.page_url.host_str()
            && (path == self.page_url.path()
                || path == format!("/{}", self.id)
                || path == format!("/m/{}", self.id))
    }
}

/// A start tag, lower-cased name, raw attribute values.
#[derive(Debug)]
struct StartTag {
    name: String,
    attrs: Vec<(String, String)>,
    self_closing: bool,
}

impl StartTag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The next markup item at or after `from`: a start tag (`start`), or anything else that is
/// skipped (an end tag, a comment, a doctype); `end` is where scanning goes on.
struct Found {
    start: Option<StartTag>,
    end: usize,
}

fn next_tag(html: &str, from: usize) -> Option<Found> {
    let bytes = html.as_bytes();
    let lt = from + html.get(from..)?.find('<')?;
    let rest = &html[lt..];
    if rest.starts_with("<!--") {
        let end = rest.find("-->").map_or(html.len(), |i| lt + i + 3);
        return Some(Found { start: None, end });
    }
    let Some(first) = bytes.get(lt + 1) else {
        return Some(Found {
            start: None,
            end: html.len(),
        });
    };
    if !first.is_ascii_alphabetic() {
        // An end tag, `<!doctype>`, `<?xml?>` or a stray `<`: skip past its `>`.
        let end = if matches!(first, b'/' | b'!' | b'?') {
            rest.find('>').map_or(html.len(), |i| lt + i + 1)
        } else {
            lt + 1
        };
        return Some(Found { start: None, end });
    }
    let (tag, end) = parse_start_tag(html, lt + 1);
    Some(Found {
        start: Some(tag),
        end,
    })
}

/// Parses a start tag whose name begins at `at`; returns it and the index after its `>`.
fn parse_start_tag(html: &str, mut at: usize) -> (StartTag, usize) {
    let bytes = html.as_bytes();
    let word_end = |from: usize, stop: &dyn Fn(u8) -> bool| {
        let mut i = from;
        while i < bytes.len() && !stop(bytes[i]) {
            i += 1;
        }
        i
    };
    let name_end = word_end(at, &|b| b.is_ascii_whitespace() || b == b'>' || b == b'/');
    let name = html[at..name_end].to_ascii_lowercase();
    at = name_end;
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        at = word_end(at, &|b| !b.is_ascii_whitespace());
        match bytes.get(at) {
            None => break,
            Some(b'>') => {
                at += 1;
                break;
            }
            Some(b'/') => {
                self_closing = bytes.get(at + 1) == Some(&b'>');
                at += 1;
                continue;
            }
            Some(_) => {}
        }
        let key_end = word_end(at, &|b| {
            b.is_ascii_whitespace() || matches!(b, b'=' | b'>' | b'/')
        });
        let key = html[at..key_end].to_ascii_lowercase();
        at = word_end(key_end, &|b| !b.is_ascii_whitespace());
        let mut value = String::new();
        if bytes.get(at) == Some(&b'=') {
            at = word_end(at + 1, &|b| !b.is_ascii_whitespace());
            match bytes.get(at) {
                Some(&q @ (b'"' | b'\'')) => {
                    let close = word_end(at + 1, &|b| b == q);
                    value = html[at + 1..close].to_string();
                    at = (close + 1).min(bytes.len());
                }
                _ => {
                    let close = word_end(at, &|b| b.is_ascii_whitespace() || b == b'>');
                    value = html[at..close].to_string();
                    at = close;
                }
            }
        }
        if key.is_empty() {
            at += 1;
        } else {
            attrs.push((key, value));
        }
    }
    (
        StartTag {
            name,
            attrs,
            self_closing,
        },
        at.min(bytes.len()),
    )
}

/// The index after the `</name>` that ends a raw-text element (a script's text is no markup).
fn skip_raw_text(html: &str, from: usize, name: &str) -> usize {
    let close = format!("</{name}");
    let lower = html.get(from..).map(str::to_ascii_lowercase);
    lower.and_then(|l| l.find(&close)).map_or(html.len(), |i| {
        let end = from + i;
        html[end..].find('>').map_or(html.len(), |j| end + j + 1)
    })
}

/// The text inside the element `name` whose content starts at `from`, up to its end tag (nested
/// elements of the same name counted), at most [`MAX_HOOK_TEXT`] bytes.
fn inner_text(html: &str, from: usize, name: &str) -> String {
    let limit = html.len().min(from + MAX_HOOK_TEXT);
    let mut text = String::new();
    let mut depth = 1usize;
    let mut at = from;
    while at < limit {
        let Some(lt) = html[at..limit].find('<').map(|i| at + i) else {
            text.push_str(&html[at..limit]);
            break;
        };
        text.push_str(&html[at..lt]);
        text.push(' ');
        let rest = &html[lt..];
        if let Some(after) = rest.strip_prefix("</") {
            let closing = after
                .get(..name.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(name));
            if closing && after[name.len()..].starts_with(|c: char| c == '>' || c.is_whitespace()) {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
        }
        match next_tag(html, lt) {
            Some(found) => {
                if found
                    .start
                    .as_ref()
                    .is_some_and(|t| t.name == name && !t.self_closing)
                {
                    depth += 1;
                }
                at = found.end.max(lt + 1);
            }
            None => break,
        }
    }
    text
}

/// The last run of digits in `text` (thousands commas allowed), when there is one that fits.
fn last_number(text: &str) -> Option<u64> {
    let mut runs: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            current.push(c);
        } else if c == ',' && !current.is_empty() && chars.peek().is_some_and(char::is_ascii_digit)
        {
            // A thousands separator inside a number.
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs.last()
        .and_then(|r| (r.len() <= 12).then(|| r.parse().ok()).flatten())
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[rstest]
    #[case::both_zero(Some(0), Some(0), false)]
    #[case::list_zero_page_silent(Some(0), None, false)]
    #[case::page_zero_list_silent(None, Some(0), false)]
    #[case::both_unknown(None, None, true)]
    #[case::list_some(Some(3), None, true)]
    #[case::page_some(None, Some(2), true)]
    #[case::list_zero_page_some(Some(0), Some(2), true)]
    #[case::page_zero_list_some(Some(4), Some(0), true)]
    fn fetch_when_either_says_some_or_they_disagree_or_neither_knows(
        #[case] list: Option<u64>,
        #[case] page: Option<u64>,
        #[case] fetch: bool,
    ) {
        assert_eq!(should_fetch(list, page), fetch);
    }

    #[rstest]
    #[case::count_span(r#"<p>댓글 <span id="commentCount7">3</span></p>"#, Some(3))]
    #[case::count_span_zero(r#"<span id='commentCount7'>0</span>"#, Some(0))]
    #[case::korean_link(r##"<a href="#rp">댓글 4</a>"##, Some(4))]
    #[case::english_link(r##"<a class="x" href="#comment">Comment <b>12</b></a>"##, Some(12))]
    #[case::parens(r##"<a href="/7#rp">댓글<span>(2)</span></a>"##, Some(2))]
    #[case::thousands(r##"<a href="#comments">1,204 comments</a>"##, Some(1204))]
    #[case::own_entry_anchor(r##"<a href="#entry7Comment">5</a>"##, Some(5))]
    #[case::slug_own_path(r##"<a href="/entry/봄-산책#rp">9</a>"##, Some(9))]
    #[case::toggle(
        r#"<button onclick="toggleLayerForEntry('7', 'comment'); return false">6 댓글펼치기</button>"#,
        Some(6)
    )]
    #[case::no_digits(r##"<a href="#rp">댓글</a>"##, None)]
    // A zero is believed only from the server-filled count element (the corpus' 2017 render);
    // a link's or toggle's zero may be a skin's placeholder: unknown, so the comments are asked.
    #[case::link_zero(r##"<a href="#rp">댓글 0</a>"##, None)]
    #[case::toggle_zero(
        r##"<button onclick="toggleLayerForEntry('7', 'comment')">댓글 0</button>"##,
        None
    )]
    #[case::link_zero_around_count_zero(
        r##"<a href="#rp">댓글 <span id="commentCount7">0</span></a>"##,
        Some(0)
    )]
    #[case::other_posts_comment(r##"<a href="/623#comment22430197">글 잘 읽었습니다 3</a>"##, None)]
    #[case::other_posts_rp(r##"<a href="/8#rp">(7)</a>"##, None)]
    #[case::other_entry_count(r#"<span id="commentCount8">7</span>"#, None)]
    #[case::other_host(r##"<a href="https://other.tistory.com/7#rp">3</a>"##, None)]
    #[case::in_script(
        r##"<script>document.write('<a href="#rp">댓글 8</a>')</script>"##,
        None
    )]
    #[case::in_comment(r##"<!-- <a href="#rp">댓글 8</a> -->"##, None)]
    #[case::largest_wins(
        r##"<a href="#rp">댓글 0</a><span id="commentCount7">2</span>"##,
        Some(2)
    )]
    fn reads_the_count_from_tistorys_hooks_only(#[case] html: &str, #[case] want: Option<u64>) {
        let page = url("https://b.tistory.com/entry/%EB%B4%84-%EC%82%B0%EC%B1%85");
        let html = format!("<html><body><div>{html}</div><p>2024. 3. 9.</p></body></html>");
        assert_eq!(page_comment_count(&html, 7, &page), want, "{html}");
    }

    #[test]
    fn a_cut_page_and_an_endless_hook_end_without_a_number_or_a_panic() {
        let page = url("https://b.tistory.com/7");
        for html in [
            r#"<span id="commentCount7">"#,
            r#"<span id="commentCount7"#,
            "<",
            "<a href=\"#rp",
            "<a href=#rp>3",
        ] {
            let _ = page_comment_count(html, 7, &page);
        }
        let long = format!(
            r#"<span id="commentCount7">{}9</span>"#,
            "x".repeat(MAX_HOOK_TEXT * 2)
        );
        assert_eq!(page_comment_count(&long, 7, &page), None);
    }

    #[test]
    fn corpus_the_2017_render_prints_its_five_comments_and_the_2025_renders_print_none() {
        // fishing-temp post 2: `<span id="commentCount2">5</span>` in the toggle button, and the
        // page's `ul.list_reply` holds five `li.rp_general` (counted in the file).
        if let Some(html) =
            crate::discover::testdata::corpus_file("fishing-temp__post2__2017.php.html")
        {
            assert_eq!(html.matches("rp_general").count(), 5);
            let page = url("https://fishing2017.tistory.com/2");
            assert_eq!(page_comment_count(&html, 2, &page), Some(5));
        }
        // The React renders mount an empty `div#entry<ID>Comment`; the sidebar's recent comments
        // link other posts (`/623#comment22430197`). No count.
        for (file, id) in [
            ("ramen4598__post384.html", 384),
            ("dtslib1k__post170.html", 170),
        ] {
            if let Some(html) = crate::discover::testdata::corpus_file(file) {
                let page = url(&format!("https://blog.tistory.com/{id}"));
                assert_eq!(page_comment_count(&html, id, &page), None, "{file}");
            }
        }
    }
}
