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

use super::images::{EDITOR_TOKEN, TokenAsset, original_url, token_assets};
use super::noise::is_noise;
use crate::model::{AssetStatus, Attachment, Image};

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

/// Stands for a literal `~` in prose until conversion: GFM reads `~x~` as strikethrough, and the
/// converter cannot tell literal tildes from markup. [`crate::convert::markdown`] turns it into `\~`.
/// (U+FDD0 is a Unicode noncharacter: it never occurs in real text.)
pub(crate) const TILDE: char = '\u{FDD0}';

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

    fn link(&mut self, node: NodeRef<'_, Node>, el: &scraper::node::Element) {
        let href = el.attr("href").and_then(|h| original_url(h, self.base));
        let Some(href) = href else {
            // `javascript:` and empty links keep their text, lose the link.
            return self.children(node);
        };
        let start = self.out.html.len();
        let _ = write!(self.out.html, "<a href=\"{}\"", escape_attr(&href));
        if let Some(title) = el.attr("title").filter(|t| !t.trim().is_empty()) {
            let _ = write!(self.out.html, " title=\"{}\"", escape_attr(title));
        }
        self.out.html.push('>');
        let content_start = self.out.html.len();
        self.children(node);
        if !has_visible_content(&self.out.html[content_start..]) {
            // A link around nothing (an icon that was dropped, an empty anchor): drop it.
            self.out.html.truncate(start);
            return;
        }
        self.out.html.push_str("</a>");
    }

    /// Image blocks of both editor generations: every `img` (or `span[data-url]` without one).
    fn image_block(&mut self, node: NodeRef<'_, Node>) {
        let mut found: Vec<(String, String, Option<String>)> = Vec::new();
        let consider = |n: NodeRef<'_, Node>, found: &mut Vec<(String, String, Option<String>)>| {
            let Node::Element(e) = n.value() else { return };
            if e.name() != "img" {
                return;
            }
            // The wrapping span[data-url] holds the original; img src may be a thumbnail.
            let wrapper = n.parent().and_then(|p| match p.value() {
                Node::Element(pe) => pe.attr("data-url").or_else(|| pe.attr("data-phocus")),
                _ => None,
            });
            let candidates = [
                wrapper,
                e.attr("data-origin-src"),
                e.attr("data-src")
                    .filter(|_| e.attr("src").is_none_or(|s| s.trim().is_empty())),
                e.attr("src"),
                e.attr("data-src"),
            ];
            if let Some(url) = candidates
                .into_iter()
                .flatten()
                .find_map(|c| original_url(c, self.base))
                && !is_tistory_chrome(&url)
            {
                let alt = e
                    .attr("alt")
                    .or_else(|| e.attr("data-alt"))
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                let filename = e
                    .attr("data-filename")
                    .or_else(|| e.attr("filename"))
                    .map(str::to_string);
                found.push((url, alt, filename));
            }
        };
        for d in node.descendants() {
            consider(d, &mut found);
        }
        let caption = node
            .descendants()
            .find(|d| matches!(d.value(), Node::Element(e) if e.name() == "figcaption"))
            .map(text_of)
            .filter(|c| !c.is_empty());
        if found.is_empty() {
            return;
        }
        self.image_figure(&found, caption.as_deref());
    }

    /// An inline SVG drawing is content (diagrams, Excalidraw exports): kept as SVG, minus
    /// scripts, styles, `foreignObject` and event handlers.
    fn svg(&mut self, node: NodeRef<'_, Node>) {
        self.out.html.push_str("<p>");
        serialize_svg(node, &mut self.out.html);
        self.out.html.push_str("</p>");
        self.at_line_start = false;
    }

    fn image_figure(&mut self, images: &[(String, String, Option<String>)], caption: Option<&str>) {
        self.out.html.push_str("<figure>");
        for (url, alt, filename) in images {
            let _ = write!(
                self.out.html,
                "<p><img src=\"{}\" alt=\"{}\"></p>",
                escape_attr(url),
                escape_attr(alt)
            );
            self.out.images.push(Image {
                url: url.clone(),
                file: None,
                status: AssetStatus::Remote,
                filename: filename.clone().filter(|f| !f.is_empty()),
                caption: caption.map(str::to_string),
            });
        }
        if let Some(caption) = caption {
            self.out.html.push_str("<figcaption>");
            escape_prose(caption, &mut self.out.html);
            self.out.html.push_str("</figcaption>");
        }
        self.out.html.push_str("</figure>");
    }

    fn file_block(&mut self, node: NodeRef<'_, Node>, _el: &scraper::node::Element) {
        let link = node.descendants().find_map(|d| match d.value() {
            Node::Element(e) if e.name() == "a" => e.attr("href"),
            _ => None,
        });
        let Some(url) = link.and_then(|h| original_url(h, self.base)) else {
            self.out
                .warnings
                .push("a file block without a download link was dropped".into());
            return;
        };
        let by_class = |class: &str| {
            node.descendants()
                .find(|d| matches!(d.value(), Node::Element(e) if has_class(e, class)))
                .map(text_of)
                .filter(|t| !t.is_empty())
        };
        let name = by_class("name")
            .or_else(|| by_class("filename"))
            .unwrap_or_else(|| url.rsplit('/').next().unwrap_or("file").to_string());
        self.attachment(url, name, by_class("size"));
    }

    fn attachment(&mut self, url: String, name: String, size: Option<String>) {
        let _ = write!(self.out.html, "<p><a href=\"{}\">", escape_attr(&url));
        escape_prose(&name, &mut self.out.html);
        self.out.html.push_str("</a>");
        if let Some(size) = &size {
            self.out.html.push(' ');
            escape_prose(size, &mut self.out.html);
        }
        self.out.html.push_str("</p>");
        self.out.attachments.push(Attachment {
            url,
            name,
            size,
            file: None,
            status: AssetStatus::Remote,
        });
    }

    fn link_card(&mut self, node: NodeRef<'_, Node>, el: &scraper::node::Element) {
        let by_class = |class: &str| {
            node.descendants()
                .find(|d| matches!(d.value(), Node::Element(e) if has_class(e, class)))
                .map(text_of)
                .filter(|t| !t.is_empty())
        };
        let href = el
            .attr("data-og-url")
            .or_else(|| {
                node.descendants().find_map(|d| match d.value() {
                    Node::Element(e) if e.name() == "a" => e.attr("href"),
                    _ => None,
                })
            })
            .and_then(|h| original_url(h, self.base));
        let title = by_class("og-title").or_else(|| el.attr("data-og-title").map(str::to_string));
        let Some(href) = href else {
            // No usable link: keep whatever text the card shows.
            return self.children(node);
        };
        let title = title.unwrap_or_else(|| href.clone());
        let _ = write!(self.out.html, "<p><a href=\"{}\">", escape_attr(&href));
        escape_prose(&title, &mut self.out.html);
        self.out.html.push_str("</a>");
        for part in [by_class("og-desc"), by_class("og-host")]
            .into_iter()
            .flatten()
        {
            self.out.html.push_str("<br>");
            escape_prose(&part, &mut self.out.html);
        }
        self.out.html.push_str("</p>");
    }

    fn video(&mut self, node: NodeRef<'_, Node>, el: &scraper::node::Element) {
        let src = el.attr("data-video-url").map(str::to_string).or_else(|| {
            node.descendants().find_map(|d| match d.value() {
                Node::Element(e) if e.name() == "iframe" => e.attr("src").map(str::to_string),
                _ => None,
            })
        });
        match src.and_then(|s| original_url(&s, self.base)) {
            Some(url) => self.embed_link(&watch_url(&url), "동영상"),
            None => self
                .out
                .warnings
                .push("a video block without a URL was dropped".into()),
        }
    }

    fn iframe(&mut self, el: &scraper::node::Element) {
        let Some(src) = el.attr("src").and_then(|s| original_url(s, self.base)) else {
            return;
        };
        if el.attr("data-ke-type") == Some("map") {
            let place = el
                .attr("data-maps-data")
                .and_then(|d| d.split('&').find_map(|kv| kv.strip_prefix("addr=")))
                .map(|a| {
                    url::form_urlencoded::parse(format!("a={a}").as_bytes())
                        .map(|(_, v)| v.into_owned())
                        .collect::<String>()
                })
                .filter(|a| !a.trim().is_empty());
            let label = place.map_or_else(|| "지도".to_string(), |p| format!("지도: {p}"));
            return self.embed_link(&src, &label);
        }
        let label = if is_video_host(&src) {
            "동영상"
        } else {
            "삽입된 콘텐츠"
        };
        self.embed_link(&watch_url(&src), label);
    }

    fn embed_link(&mut self, url: &str, label: &str) {
        let _ = write!(self.out.html, "<p><a href=\"{}\">", escape_attr(url));
        escape_prose(label, &mut self.out.html);
        self.out.html.push_str("</a></p>");
    }

    fn more_less(&mut self, node: NodeRef<'_, Node>, el: &scraper::node::Element) {
        let label = el
            .attr("data-text-more")
            .filter(|l| !l.trim().is_empty())
            .unwrap_or("더보기")
            .to_string();
        let content = node
            .descendants()
            .find(|d| matches!(d.value(), Node::Element(e) if has_class(e, "moreless-content")));
        self.details(&label, content.unwrap_or(node));
    }

    fn details(&mut self, label: &str, content: NodeRef<'_, Node>) {
        self.out.html.push_str("<details><summary>");
        escape_prose(label, &mut self.out.html);
        self.out.html.push_str("</summary>");
        self.children(content);
        self.out.html.push_str("</details>");
    }

    fn code_block(&mut self, node: NodeRef<'_, Node>, el: &scraper::node::Element) {
        let code = node.children().find_map(|c| match c.value() {
            Node::Element(e) if e.name() == "code" => Some(e),
            _ => None,
        });
        let lang = code_language(el, code);
        let mut text = String::new();
        collect_code_text(node, &mut text);
        self.out.code_languages.push(lang.clone());
        self.out.html.push_str("<pre><code");
        if !lang.is_empty() {
            let _ = write!(self.out.html, " class=\"language-{}\"", escape_attr(&lang));
        }
        self.out.html.push('>');
        escape_text(&text, &mut self.out.html);
        self.out.html.push_str("</code></pre>");
    }

    fn table(&mut self, node: NodeRef<'_, Node>) {
        let simple = is_simple_table(node);
        self.out.html.push_str(if simple {
            "<table data-tm=\"gfm\">"
        } else {
            "<table data-tm=\"html\">"
        });
        self.table_children(node);
        self.out.html.push_str("</table>");
    }

    fn table_children(&mut self, node: NodeRef<'_, Node>) {
        for child in node.children() {
            match child.value() {
                Node::Element(e) if matches!(e.name(), "thead" | "tbody" | "tfoot" | "tr") => {
                    let _ = write!(self.out.html, "<{}>", e.name());
                    self.table_children(child);
                    let _ = write!(self.out.html, "</{}>", e.name());
                }
                Node::Element(e) if matches!(e.name(), "td" | "th") => {
                    let _ = write!(self.out.html, "<{}", e.name());
                    for attr in ["colspan", "rowspan"] {
                        if let Some(v) = e.attr(attr).filter(|v| v.trim() != "1") {
                            let _ = write!(self.out.html, " {attr}=\"{}\"", escape_attr(v));
                        }
                    }
                    self.out.html.push('>');
                    self.children(child);
                    let _ = write!(self.out.html, "</{}>", e.name());
                }
                Node::Element(e) if e.name() == "caption" => {
                    self.out.html.push_str("<caption>");
                    self.children(child);
                    self.out.html.push_str("</caption>");
                }
                Node::Element(e) if matches!(e.name(), "colgroup" | "col") => {}
                Node::Element(_) => self.node(child),
                _ => {}
            }
        }
    }
}

/// True when cleaned HTML shows something: text (not just whitespace) or an image.
fn has_visible_content(html: &str) -> bool {
    if html.contains("<img") || html.contains("<svg") {
        return true;
    }
    let mut in_tag = false;
    html.chars().any(|c| match c {
        '<' => {
            in_tag = true;
            false
        }
        '>' => {
            in_tag = false;
            false
        }
        c => !in_tag && !c.is_whitespace() && c != '\u{a0}',
    })
}

fn serialize_svg(node: NodeRef<'_, Node>, out: &mut String) {
    match node.value() {
        Node::Text(t) => {
            // One line: SVG collapses white space in text anyway, and a blank line would end the
            // HTML block the drawing becomes in Markdown.
            let one_line: String = t
                .chars()
                .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
                .collect();
            escape_text(&one_line, out);
        }
        Node::Element(e) => {
            if matches!(
                e.name(),
                "script" | "style" | "foreignObject" | "foreignobject" | "iframe"
            ) {
                return;
            }
            let _ = write!(out, "<{}", e.name());
            for (name, value) in e.attrs() {
                let lower = value.trim_start().to_ascii_lowercase();
                if name.starts_with("on")
                    || lower.starts_with("javascript:")
                    || lower.starts_with("vbscript:")
                {
                    continue;
                }
                let _ = write!(out, " {name}=\"{}\"", escape_attr(value).replace('\n', " "));
            }
            out.push('>');
            for child in node.children() {
                serialize_svg(child, out);
            }
            let _ = write!(out, "</{}>", e.name());
        }
        _ => {}
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

/// Tistory's own icons and placeholders (`t1.daumcdn.net/tistory_admin/…`): never post content.
fn is_tistory_chrome(url: &str) -> bool {
    url.contains("/tistory_admin/")
}

fn is_video_host(url: &str) -> bool {
    [
        "youtube.com",
        "youtu.be",
        "vimeo.com",
        "tv.kakao.com",
        "play-tv.kakao.com",
        "tv.naver.com",
        "dailymotion.com",
    ]
    .iter()
    .any(|h| url.contains(h))
}

/// `https://www.youtube.com/embed/ID?…` → `https://www.youtube.com/watch?v=ID`; other URLs unchanged.
fn watch_url(url: &str) -> String {
    for prefix in [
        "https://www.youtube.com/embed/",
        "https://youtube.com/embed/",
        "https://www.youtube-nocookie.com/embed/",
    ] {
        if let Some(rest) = url.strip_prefix(prefix) {
            let id: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if !id.is_empty() {
                return format!("https://www.youtube.com/watch?v={id}");
            }
        }
    }
    url.to_string()
}

/// Class names that are never a code language.
const NOT_LANGUAGES: &[&str] = &[
    "hljs",
    "code",
    "codeblock",
    "prettyprint",
    "linenums",
    "colorscripter-code",
    "line-numbers",
    "notranslate",
];

fn code_language(pre: &scraper::node::Element, code: Option<&scraper::node::Element>) -> String {
    let from_classes = |e: &scraper::node::Element| {
        e.classes().find_map(|c| {
            let c = c
                .strip_prefix("language-")
                .or_else(|| c.strip_prefix("lang-"))
                .unwrap_or(c);
            (!NOT_LANGUAGES.contains(&c) && c != "undefined" && !c.is_empty())
                .then(|| c.to_ascii_lowercase())
        })
    };
    pre.attr("data-ke-language")
        .map(|l| l.trim().to_ascii_lowercase())
        .filter(|l| !l.is_empty() && l != "undefined")
        .or_else(|| code.and_then(from_classes))
        .or_else(|| from_classes(pre))
        .unwrap_or_default()
}

fn collect_code_text(node: NodeRef<'_, Node>, out: &mut String) {
    for child in node.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) if e.name() == "br" => out.push('\n'),
            Node::Element(e) if matches!(e.name(), "script" | "style") => {}
            Node::Element(_) => collect_code_text(child, out),
            _ => {}
        }
    }
}

/// A table becomes a GFM table only when every cell holds inline content and no cell spans.
fn is_simple_table(node: NodeRef<'_, Node>) -> bool {
    let mut rows = 0;
    for d in node.descendants().skip(1) {
        let Node::Element(e) = d.value() else {
            continue;
        };
        match e.name() {
            "tr" => rows += 1,
            "table" | "ul" | "ol" | "pre" | "blockquote" | "h1" | "h2" | "h3" | "h4" | "h5"
            | "h6" | "hr" | "figure" | "iframe" => return false,
            "td" | "th" => {
                let spans = ["colspan", "rowspan"]
                    .iter()
                    .any(|a| e.attr(a).is_some_and(|v| v.trim() != "1"));
                if spans {
                    return false;
                }
                // More than one paragraph in a cell cannot be a GFM cell.
                let blocks = d
                    .children()
                    .filter(|c| matches!(c.value(), Node::Element(ce) if matches!(ce.name(), "p" | "div")))
                    .count();
                if blocks > 1 {
                    return false;
                }
            }
            _ => {}
        }
    }
    rows > 0
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
