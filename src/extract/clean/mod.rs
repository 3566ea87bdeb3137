//! The Tistory-aware clean-up of a body container: turns editor markup of both generations into
//! small, plain HTML that the converter understands, and lists the images, attachments and code
//! languages it met. Every editor block is handled on purpose:
//!
//! | input | output |
//! |---|---|
//! | `figure.imageblock`, `figure.imagegridblock`, `span.imageblock`, `div.imageblock`, bare `img` | `<figure><img src=ORIGINAL alt><figcaption>` |
//! | `[##_Image|…_##]`, `[##_1C|…_##]`, `[##_File|…_##]` tokens left in text | image figure / attachment link |
//! | `figure.fileblock` | `<p><a href=URL>name</a> size</p>` |
//! | `figure[data-ke-type=opengraph]` (link card) | `<p><a href>title</a><br>description<br>host</p>` |
//! | video (`figure[data-ke-type=video]`, `.tt-youtube-plugin`, any `iframe`) and maps | a link, never an iframe |
//! | 더보기 (`div[data-ke-type=moreLess]`, old `div.moreless_content`) | `<details><summary>` with the hidden text kept |
//! | `pre` (`data-ke-language`, `pre.sql`, `code.language-x`) | `<pre><code class="language-x">` plain text |
//! | tables | kept, attributes stripped but colspan/rowspan; marked `data-tm=gfm` when simple |
//! | `&nbsp;` and `<br>` spacer paragraphs | dropped |
//! | scripts, styles, ads, `on*=` handlers, `javascript:` links | dropped |
//!
//! Pure: takes a parsed element, returns strings and lists.

use std::fmt::Write as _;

use ego_tree::NodeRef;
use scraper::{ElementRef, Node};
use url::Url;

use super::images::{EDITOR_TOKEN, TokenAsset, token_assets};
use super::noise::is_noise;
use crate::model::{Attachment, Image};

mod cards;
mod code;
mod folding;
mod links;
mod media;
mod tables;

/// The result of cleaning one body.
#[derive(Debug, Default)]
pub(crate) struct CleanBody {
    pub html: String,
    pub images: Vec<Image>,
    pub attachments: Vec<Attachment>,
    pub code_languages: Vec<String>,
    pub warnings: Vec<String>,
}

/// Tags kept as they are (attributes dropped unless listed in [`kept_attrs`]).
const KEEP: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "br",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "s",
    "strike",
    "del",
    "sup",
    "sub",
    "mark",
    "code",
    "kbd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "dl",
    "dt",
    "dd",
];
/// Block-level tags turned into `div` (their content kept).
const AS_DIV: &[&str] = &[
    "section", "article", "center", "main", "header", "footer", "aside", "address", "figure",
    "details",
];

/// Cleans the body container `root`; `base` resolves relative links.
pub(crate) fn clean_body(root: ElementRef<'_>, base: Option<&Url>) -> CleanBody {
    let mut c = Cleaner {
        base,
        out: CleanBody::default(),
        at_line_start: true,
        code_depth: 0,
    };
    c.children(*root);
    c.out
}

struct Cleaner<'a> {
    base: Option<&'a Url>,
    out: CleanBody,
    /// True right after a block opened or a `<br>`: leading whitespace of the next text is dropped,
    /// so a line that starts with `1.`, `-`, `#` or `>` is seen (and escaped) by the converter.
    at_line_start: bool,
    /// Inside inline `code`/`kbd`: text is literal, tildes stay tildes.
    code_depth: usize,
}

/// Stands for a literal `~` in prose until conversion (the body contract, [`crate::model::body`]).
pub(crate) use crate::model::body::TILDE;

/// Escapes prose text: like [`escape_text`], with `~` replaced by [`TILDE`].
fn escape_prose(s: &str, out: &mut String) {
    let start = out.len();
    escape_text(s, out);
    if out[start..].contains('~') {
        let replaced = out[start..].replace('~', &TILDE.to_string());
        out.truncate(start);
        out.push_str(&replaced);
    }
}

fn escape_text(s: &str, out: &mut String) {
    crate::markup::push_escaped(s, out);
}

fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    crate::markup::push_escaped(s, &mut out);
    out
}

/// The visible text of a subtree, whitespace collapsed (for captions, link cards, file names).
fn text_of(node: NodeRef<'_, Node>) -> String {
    let mut s = String::new();
    collect_text(node, &mut s);
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn collect_text(node: NodeRef<'_, Node>, s: &mut String) {
    for child in node.children() {
        match child.value() {
            Node::Text(t) => s.push_str(t),
            Node::Element(e) if !is_noise(e) => {
                if e.name() == "br" {
                    s.push(' ');
                }
                collect_text(child, s);
            }
            _ => {}
        }
    }
}

fn has_class(el: &scraper::node::Element, class: &str) -> bool {
    el.classes().any(|c| c == class)
}

fn is_spacer_paragraph(node: NodeRef<'_, Node>) -> bool {
    // `<p>&nbsp;</p>`, `<p><br></p>`, `<p style="text-align: center;"><br></p>`: no text, no media.
    node.descendants().all(|d| match d.value() {
        Node::Text(t) => t
            .chars()
            .all(|c| c.is_whitespace() || c == '\u{a0}' || c == '\u{200b}'),
        Node::Element(e) => matches!(
            e.name(),
            "p" | "br" | "span" | "font" | "b" | "strong" | "i" | "em" | "u"
        ),
        _ => true,
    })
}

impl Cleaner<'_> {
    fn children(&mut self, node: NodeRef<'_, Node>) {
        for child in node.children() {
            self.node(child);
        }
    }

    fn node(&mut self, node: NodeRef<'_, Node>) {
        match node.value() {
            Node::Text(t) => self.text(t),
            Node::Element(el) => {
                if is_noise(el) {
                    return;
                }
                self.element(node, el);
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        let text = if self.at_line_start {
            text.trim_start()
        } else {
            text
        };
        if text.is_empty() {
            return;
        }
        self.at_line_start = false;
        let mut last = 0;
        for caps in EDITOR_TOKEN.captures_iter(text) {
            let whole = caps.get(0).expect("group 0 is the whole match");
            self.push_text(&text[last..whole.start()]);
            last = whole.end();
            let assets = token_assets(&caps[1], &caps[2]);
            if assets.is_empty() {
                self.out.warnings.push(format!(
                    "editor token [##_{}|…] was not understood and was dropped",
                    &caps[1]
                ));
            }
            for asset in assets {
                match asset {
                    TokenAsset::Image {
                        url,
                        filename,
                        caption,
                    } => {
                        self.image_figure(&[(url, String::new(), filename)], caption.as_deref());
                    }
                    TokenAsset::File { url, name, size } => self.attachment(url, name, size),
                }
            }
        }
        self.push_text(&text[last..]);
    }

    fn push_text(&mut self, text: &str) {
        if self.code_depth > 0 {
            escape_text(text, &mut self.out.html);
        } else {
            escape_prose(text, &mut self.out.html);
        }
    }

    fn element(&mut self, node: NodeRef<'_, Node>, el: &scraper::node::Element) {
        let name = el.name();
        let ke_type = el.attr("data-ke-type");
        match (name, ke_type) {
            (_, Some("opengraph")) => return self.link_card(node, el),
            (_, Some("video")) => return self.video(node, el),
            (_, Some("moreLess")) => return self.more_less(node, el),
            ("iframe", _) => return self.iframe(el),
            ("figure", _) if has_class(el, "fileblock") || ke_type == Some("file") => {
                return self.file_block(node, el);
            }
            ("figure" | "span" | "div" | "p", _)
                if has_class(el, "imageblock")
                    || has_class(el, "imagegridblock")
                    || has_class(el, "imageslideblock") =>
            {
                return self.image_block(node);
            }
            ("div", _) if has_class(el, "tt-youtube-plugin") => return self.video(node, el),
            ("div", _)
                if has_class(el, "moreless_content") || has_class(el, "moreless-content") =>
            {
                return self.details("더보기", node);
            }
            ("img", _) => return self.image_block(node),
            ("svg", _) => return self.svg(node),
            ("pre", _) => return self.code_block(node, el),
            ("table", _) => return self.table(node),
            ("a", _) => return self.link(node, el),
            ("p" | "div", _) if is_spacer_paragraph(node) => return,
            ("figcaption", _) => {
                self.out.html.push_str("<p>");
                self.children(node);
                self.out.html.push_str("</p>");
                return;
            }
            _ => {}
        }
        let tag = if KEEP.contains(&name) {
            name
        } else if AS_DIV.contains(&name) {
            "div"
        } else {
            // span, font, unknown inline wrappers: keep the content only.
            return self.children(node);
        };
        let inline = INLINE.contains(&tag);
        if inline && starts_with_space(node) {
            // Move leading whitespace out of `<b> x</b>`: inside, it would end up between a line-start
            // marker in the text before (`-`, `#`, `1.`) and the emphasis, hiding the marker from escaping.
            if !self.at_line_start {
                self.out.html.push(' ');
            }
            self.at_line_start = true;
        }
        let _ = write!(self.out.html, "<{tag}");
        for attr in kept_attrs(tag) {
            if let Some(v) = el.attr(attr) {
                let _ = write!(self.out.html, " {attr}=\"{}\"", escape_attr(v));
            }
        }
        self.out.html.push('>');
        let block = !matches!(
            tag,
            "b" | "strong"
                | "i"
                | "em"
                | "u"
                | "s"
                | "strike"
                | "del"
                | "sup"
                | "sub"
                | "mark"
                | "code"
                | "kbd"
        );
        if block {
            self.at_line_start = true;
        }
        if matches!(tag, "br" | "hr") {
            return;
        }
        let code = matches!(tag, "code" | "kbd");
        self.code_depth += usize::from(code);
        self.children(node);
        self.code_depth -= usize::from(code);
        let _ = write!(self.out.html, "</{tag}>");
        if block {
            self.at_line_start = true;
        }
    }
}

/// Inline formatting tags kept by the clean-up.
const INLINE: &[&str] = &[
    "b", "strong", "i", "em", "u", "s", "strike", "del", "sup", "sub", "mark", "code", "kbd",
];

/// True when the first text inside `node` starts with whitespace.
fn starts_with_space(node: NodeRef<'_, Node>) -> bool {
    node.descendants()
        .find_map(|d| match d.value() {
            Node::Text(t) if !t.is_empty() => Some(t.starts_with(char::is_whitespace)),
            _ => None,
        })
        .unwrap_or(false)
}

fn kept_attrs(tag: &str) -> &'static [&'static str] {
    match tag {
        "ol" => &["start"],
        "td" | "th" => &["colspan", "rowspan"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn clean(html: &str) -> CleanBody {
        let doc = Html::parse_fragment(html);
        let base = Url::parse("https://river.tistory.com/5").unwrap();
        clean_body(doc.root_element(), Some(&base))
    }

    #[test]
    fn image_block_keeps_the_original_and_caption() {
        let c = clean(
            r#"<figure class="imageblock alignCenter" data-filename="a.png"><span data-url="https://blog.kakaocdn.net/dn/A/B/img.png" data-lightbox="lightbox"><img src="https://img1.daumcdn.net/thumb/R1280x0/?fname=x" onerror="this.src='x'" srcset="x 1x"></span><figcaption>강 풍경</figcaption></figure>"#,
        );
        assert_eq!(c.images.len(), 1);
        assert_eq!(c.images[0].url, "https://blog.kakaocdn.net/dn/A/B/img.png");
        assert_eq!(c.images[0].caption.as_deref(), Some("강 풍경"));
        assert!(!c.html.contains("onerror"), "{}", c.html);
        assert!(c.html.contains("<figcaption>강 풍경</figcaption>"));
    }

    #[test]
    fn scripts_handlers_and_javascript_links_never_survive() {
        let c = clean(
            r#"<p onclick="x()">안녕<script>alert(1)</script><a href="javascript:alert(1)">링크</a><ins class="adsbygoogle"></ins></p>"#,
        );
        assert_eq!(c.html, "<p>안녕링크</p>");
    }

    #[test]
    fn spacer_paragraphs_are_dropped() {
        let c = clean("<p data-ke-size=\"size16\">&nbsp;</p><p><br></p><p>글</p>");
        assert_eq!(c.html, "<p>글</p>");
    }

    #[test]
    fn code_language_from_every_form() {
        let c = clean(
            r#"<pre data-ke-language="swift" class="swift"><code>let a = 1</code></pre><pre class="sql"><code>select 1;</code></pre><pre><code class="hljs language-rust">fn main() {}</code></pre><pre><code>plain</code></pre>"#,
        );
        assert_eq!(c.code_languages, ["swift", "sql", "rust", ""]);
    }

    #[test]
    fn more_less_keeps_hidden_text() {
        let c = clean(
            r#"<div data-ke-type="moreLess" data-text-more="더보기"><a class="btn-toggle-moreless">더보기</a><div class="moreless-content"><p>숨은 글</p></div></div>"#,
        );
        assert_eq!(
            c.html,
            "<details><summary>더보기</summary><p>숨은 글</p></details>"
        );
    }

    #[test]
    fn tables_are_marked_simple_or_not() {
        let c = clean("<table><tbody><tr><td>a</td><td>b</td></tr></tbody></table>");
        assert!(c.html.starts_with("<table data-tm=\"gfm\">"), "{}", c.html);
        let c = clean("<table><tbody><tr><td colspan=\"2\">a</td></tr></tbody></table>");
        assert!(c.html.starts_with("<table data-tm=\"html\">"), "{}", c.html);
    }

    #[test]
    fn youtube_becomes_a_link() {
        let c = clean(
            r#"<figure data-ke-type="video" data-video-host="youtube"><iframe src="https://www.youtube.com/embed/abc_DEF-1?x=1"></iframe></figure>"#,
        );
        assert_eq!(
            c.html,
            "<p><a href=\"https://www.youtube.com/watch?v=abc_DEF-1\">동영상</a></p>"
        );
    }
}
