//! Cleaned body HTML to CommonMark + GFM, with htmd (Apache-2.0) as the engine and our own handlers
//! for what its defaults get wrong on Tistory posts:
//!
//! - **Emphasis next to Korean particles.** `**40%**로` does not render bold in CommonMark: a closing
//!   `**` after punctuation and before a letter is not right-flanking. When the emphasised text
//!   starts or ends with punctuation, we write `<strong>40%</strong>로` instead (same for `*`, `~~`).
//! - **Tables without a header row** (Tistory's default). Simple tables become GFM tables with the
//!   first row as header and `|` escaped; tables with spans or block content stay as clean HTML.
//! - `<u>`, `<sup>`, `<sub>`, `<mark>` (no Markdown form) stay as inline HTML; 더보기 becomes
//!   `<details>` with Markdown inside.
//! - Image sources are swapped for local files when the archive has them.
//!
//! Pure: HTML string in, Markdown string out.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use crate::model::body::{TABLE_MODE_ATTR, TILDE, TableMode};
use htmd::element_handler::{HandlerResult, Handlers};
use htmd::{Element, HtmlToMarkdown};
use markup5ever_rcdom::{Node, NodeData};

/// Original image URL → the path the Markdown should use instead (a local file).
pub type ImageMap = HashMap<String, String>;

/// The HTML-to-Markdown engine failed on a body. (htmd 0.5 never returns an error today; its API
/// says it may, and an empty Markdown file in place of a post would be a silent loss.)
#[derive(Debug, thiserror::Error)]
#[error("the Markdown converter (htmd) failed on the body")]
pub struct ConvertError {
    /// What the engine reported.
    #[source]
    pub source: std::io::Error,
}

/// Converts cleaned body HTML to Markdown. `images` maps original URLs to local paths.
///
/// # Errors
/// [`ConvertError`] when the engine fails; no partial Markdown is returned then.
pub fn html_to_markdown(html: &str, images: &ImageMap) -> Result<String, ConvertError> {
    html_to_markdown_with(html, images, HtmlToMarkdown::convert)
}

/// [`html_to_markdown`] with the engine call given (the tests inject a failing one).
pub(crate) fn html_to_markdown_with(
    html: &str,
    images: &ImageMap,
    engine: impl FnOnce(&HtmlToMarkdown, &str) -> std::io::Result<String>,
) -> Result<String, ConvertError> {
    let converter = build_converter(Arc::new(images.clone()));
    // Inline SVG drawings stay SVG: lift them out so that htmd does not parse and re-serialise
    // what can be most of a page's bytes, and put them back as HTML blocks afterwards.
    let (html, drawings) = lift_svg(html);
    let html = mark_literals(&html);
    let md = engine(&converter, &html).map_err(|source| ConvertError { source })?;
    let mut md = tidy(&md).replace(TILDE, "\\~").replace(MD_ESCAPE, "\\");
    for (n, svg) in drawings.iter().enumerate() {
        md = md.replacen(&svg_marker(n), svg, 1);
    }
    Ok(md)
}

/// Stands for a backslash that makes the next character literal in Markdown. Put into prose text
/// before conversion (htmd cannot be told to escape more); written as `\` in Markdown and dropped
/// where the converter writes HTML. (U+FDD1 is a Unicode noncharacter: no page text holds it.)
const MD_ESCAPE: char = '\u{FDD1}';

/// Tags after which text does not start a line.
const INLINE_CONTEXT: &[&str] = &[
    "b", "strong", "i", "em", "u", "s", "strike", "del", "sup", "sub", "mark", "a", "span", "img",
];

/// Marks, in the text of cleaned body HTML (our own writer: attributes quoted and escaped), what
/// CommonMark would read as markup but htmd leaves bare: a character reference (`&copy;` written
/// as `&amp;copy;`) anywhere in prose, and an ordered-list marker of the `N)` form where text
/// starts a line (htmd already escapes `N.`, `-`, `+`, `#`, `>`, `=`, `~`), and every `|` of
/// prose outside tables (text lines such as `a | b` over `--- | ---` would form a GFM table).
/// Code is left alone.
fn mark_literals(html: &str) -> std::borrow::Cow<'_, str> {
    if !html.contains("&amp;") && !html.contains(')') && !html.contains('|') {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + 16);
    let mut code_depth = 0usize;
    // Tables are written by `table` (GFM cells escape their own `|`) or as HTML.
    let mut table_depth = 0usize;
    let mut line_start = true;
    let mut rest = html;
    while !rest.is_empty() {
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[..end];
            let closing = tag.starts_with("</");
            let name: String = tag
                .trim_start_matches(['<', '/'])
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            if matches!(name.as_str(), "pre" | "code" | "kbd") {
                if closing {
                    code_depth = code_depth.saturating_sub(1);
                } else {
                    code_depth += 1;
                }
            }
            if name == "table" {
                if closing {
                    table_depth = table_depth.saturating_sub(1);
                } else {
                    table_depth += 1;
                }
            }
            line_start = !INLINE_CONTEXT.contains(&name.as_str());
            out.push_str(tag);
            rest = &rest[end..];
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..end];
        rest = &rest[end..];
        if code_depth > 0 {
            out.push_str(text);
            continue;
        }
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        let text = if line_start && (1..=9).contains(&digits) && text[digits..].starts_with(')') {
            out.push_str(&text[..digits]);
            out.push(MD_ESCAPE);
            &text[digits..]
        } else {
            text
        };
        let text = CHARACTER_REFERENCE.replace_all(text, format!("{MD_ESCAPE}$0"));
        if table_depth == 0 && text.contains('|') {
            // Lines of text such as `a | b` over `--- | ---` would form a GFM table.
            out.push_str(&text.replace('|', &format!("{MD_ESCAPE}|")));
        } else {
            out.push_str(&text);
        }
        line_start = false;
    }
    std::borrow::Cow::Owned(out)
}

/// `&amp;name;`, `&amp;#123;`, `&amp;#x1F;`: text that CommonMark would decode as a character reference.
static CHARACTER_REFERENCE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"&amp;(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
        .expect("character reference regex is valid")
});

/// The placeholder of the `n`th lifted drawing: private-use characters no page text holds.
fn svg_marker(n: usize) -> String {
    format!("\u{F8F0}{n}\u{F8F1}")
}

/// Replaces each top-level `<svg>…</svg>` of cleaned body HTML (the clean-up writes them whole,
/// on one line, attributes escaped) with a marker paragraph; returns the drawings in order.
fn lift_svg(html: &str) -> (std::borrow::Cow<'_, str>, Vec<&str>) {
    if !html.contains("<svg") {
        return (std::borrow::Cow::Borrowed(html), Vec::new());
    }
    let mut out = String::with_capacity(html.len());
    let mut drawings = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let mut depth = 0usize;
        let mut end = None;
        let mut i = start;
        while i < rest.len() {
            if rest[i..].starts_with("<svg") {
                depth += 1;
                i += 4;
            } else if rest[i..].starts_with("</svg>") {
                depth -= 1;
                i += 6;
                if depth == 0 {
                    end = Some(i);
                    break;
                }
            } else {
                i += rest[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
        let Some(end) = end else { break };
        out.push_str(&rest[..start]);
        out.push_str("<p>");
        out.push_str(&svg_marker(drawings.len()));
        out.push_str("</p>");
        drawings.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out.push_str(rest);
    (std::borrow::Cow::Owned(out), drawings)
}

fn build_converter(images: Arc<ImageMap>) -> HtmlToMarkdown {
    HtmlToMarkdown::builder()
        .options(htmd::options::Options {
            heading_style: htmd::options::HeadingStyle::Atx,
            code_block_style: htmd::options::CodeBlockStyle::Fenced,
            bullet_list_marker: htmd::options::BulletListMarker::Dash,
            ..Default::default()
        })
        .add_handler(vec!["strong", "b"], |h: &dyn Handlers, e: Element| {
            emphasis(h, &e, "**", "strong")
        })
        .add_handler(vec!["em", "i"], |h: &dyn Handlers, e: Element| {
            emphasis(h, &e, "*", "em")
        })
        .add_handler(
            vec!["s", "strike", "del"],
            |h: &dyn Handlers, e: Element| emphasis(h, &e, "~~", "del"),
        )
        .add_handler(
            vec!["u", "sup", "sub", "mark", "kbd"],
            |h: &dyn Handlers, e: Element| inline_html(h, &e),
        )
        .add_handler(vec!["figcaption"], |h: &dyn Handlers, e: Element| {
            let inner = emphasis(h, &e, "*", "em")?.content;
            Some(format!("\n\n{}\n\n", inner.trim()).into())
        })
        .add_handler(vec!["details"], details)
        .add_handler(vec!["summary"], |_: &dyn Handlers, _: Element| {
            Some("".into())
        })
        .add_handler(vec!["table"], table)
        .add_handler(vec!["svg"], |_: &dyn Handlers, e: Element| {
            let mut html = String::new();
            serialize(e.node, &mut html, false);
            Some(html.into())
        })
        .add_handler(vec!["img"], move |h: &dyn Handlers, e: Element| {
            let src = attr(&e, "src")?;
            let alt = attr(&e, "alt").unwrap_or_default();
            let target = images.get(&src).cloned().unwrap_or(src);
            let _ = h;
            Some(
                format!(
                    "![{}]({})",
                    escape_link_text(&alt),
                    link_destination(&target)
                )
                .into(),
            )
        })
        .build()
}

fn attr(e: &Element, name: &str) -> Option<String> {
    e.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| a.value.to_string())
}

fn escape_link_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(ch, '[' | ']' | '\\' | '*' | '_' | '`' | '<' | '&') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// A link destination that survives spaces and parentheses.
fn link_destination(url: &str) -> String {
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_string()
    }
}

/// Unicode punctuation or symbol, as CommonMark 0.31 counts it for flanking rules.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}'
                | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}' | '\u{00A1}'..='\u{00BF}'
                | '\u{00D7}' | '\u{00F7}' | '\u{2190}'..='\u{21FF}' | '\u{2200}'..='\u{22FF}' | '\u{2300}'..='\u{23FF}'
                | '\u{2500}'..='\u{27BF}' | '\u{2B00}'..='\u{2BFF}' | '\u{1F000}'..='\u{1FAFF}'
        )
}

fn emphasis(h: &dyn Handlers, e: &Element, marker: &str, html_tag: &str) -> Option<HandlerResult> {
    let content = h.walk_children(e.node).content;
    let trimmed = content.trim();
    if trimmed.is_empty() {
        return Some(content.into());
    }
    let lead = &content[..content.len() - content.trim_start().len()];
    let trail = &content[content.trim_end().len()..];
    let first = trimmed.chars().next().expect("trimmed is not empty");
    let last = trimmed.chars().next_back().expect("trimmed is not empty");
    // A delimiter run next to punctuation only opens/closes when the other side is whitespace or
    // punctuation, which we cannot see from here: HTML is always right.
    let safe = !is_punctuation(first)
        && !is_punctuation(last)
        && first != TILDE
        && last != TILDE
        && first != MD_ESCAPE
        && !trimmed.contains('\n')
        && !next_to_emphasis(e.node);
    let lead = lead.replace('\n', " ");
    let trail = trail.replace('\n', " ");
    let inner = if safe {
        format!("{lead}{marker}{trimmed}{marker}{trail}")
    } else {
        format!("{lead}<{html_tag}>{trimmed}</{html_tag}>{trail}")
    };
    Some(inner.into())
}

/// True when a sibling right before or after `node` is itself emphasis: `*a***b**` would merge
/// the delimiter runs, so such elements are written as HTML.
fn next_to_emphasis(node: &Rc<Node>) -> bool {
    let Some(parent) = node.parent.take() else {
        return false;
    };
    node.parent.set(Some(parent.clone()));
    let Some(parent) = parent.upgrade() else {
        return false;
    };
    let children = parent.children.borrow();
    let Some(i) = children.iter().position(|c| Rc::ptr_eq(c, node)) else {
        return false;
    };
    let is_emphasis = |n: &Rc<Node>| {
        matches!(
            tag_name(n).as_deref(),
            Some("b" | "strong" | "i" | "em" | "s" | "strike" | "del")
        )
    };
    (i > 0 && is_emphasis(&children[i - 1])) || children.get(i + 1).is_some_and(is_emphasis)
}

fn inline_html(h: &dyn Handlers, e: &Element) -> Option<HandlerResult> {
    let content = h.walk_children(e.node).content;
    if content.trim().is_empty() {
        return Some(content.into());
    }
    let lead = &content[..content.len() - content.trim_start().len()];
    let trail = &content[content.trim_end().len()..];
    Some(
        format!(
            "{2}<{0}>{1}</{0}>{3}",
            e.tag,
            content.trim(),
            lead.replace('\n', " "),
            trail.replace('\n', " ")
        )
        .into(),
    )
}

fn details(h: &dyn Handlers, e: Element) -> Option<HandlerResult> {
    let label = e
        .node
        .children
        .borrow()
        .iter()
        .find(|c| tag_name(c).as_deref() == Some("summary"))
        .map(text_content)
        .unwrap_or_else(|| "더보기".to_string());
    let body = h.walk_children(e.node).content;
    Some(
        format!(
            "\n\n<details>\n<summary>{}</summary>\n\n{}\n\n</details>\n\n",
            html_escape(without_placeholders(label.trim()).as_ref()),
            body.trim()
        )
        .into(),
    )
}

fn table(h: &dyn Handlers, e: Element) -> Option<HandlerResult> {
    let mode = TableMode::from_attr(attr(&e, TABLE_MODE_ATTR).as_deref());
    if mode == Some(TableMode::Gfm) {
        let rows = collect_rows(e.node);
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        if width > 0 {
            let mut out = String::from("\n\n");
            for (i, row) in rows.iter().enumerate() {
                out.push('|');
                for col in 0..width {
                    let cell = row.get(col).map(|c| gfm_cell(h, c)).unwrap_or_default();
                    out.push(' ');
                    out.push_str(&cell);
                    out.push_str(" |");
                }
                out.push('\n');
                if i == 0 {
                    out.push('|');
                    out.push_str(&" --- |".repeat(width));
                    out.push('\n');
                }
            }
            out.push('\n');
            return Some(out.into());
        }
    }
    let mut html = String::new();
    serialize(e.node, &mut html, false);
    Some(format!("\n\n{html}\n\n").into())
}

fn gfm_cell(h: &dyn Handlers, cell: &Rc<Node>) -> String {
    let md = h.walk_children(cell).content;
    let lines: Vec<&str> = md
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("<br>").replace('|', "\\|")
}

fn collect_rows(node: &Rc<Node>) -> Vec<Vec<Rc<Node>>> {
    let mut rows = Vec::new();
    for child in node.children.borrow().iter() {
        match tag_name(child).as_deref() {
            Some("thead" | "tbody" | "tfoot") => rows.extend(collect_rows(child)),
            Some("tr") => rows.push(
                child
                    .children
                    .borrow()
                    .iter()
                    .filter(|c| matches!(tag_name(c).as_deref(), Some("td" | "th")))
                    .cloned()
                    .collect(),
            ),
            _ => {}
        }
    }
    rows
}

fn tag_name(node: &Rc<Node>) -> Option<String> {
    match &node.data {
        NodeData::Element { name, .. } => Some(name.local.to_string()),
        _ => None,
    }
}

fn text_content(node: &Rc<Node>) -> String {
    let mut s = String::new();
    for child in node.children.borrow().iter() {
        match &child.data {
            NodeData::Text { contents } => s.push_str(&contents.borrow()),
            NodeData::Element { .. } => s.push_str(&text_content(child)),
            _ => {}
        }
    }
    s
}

use crate::markup::escape_html as html_escape;

/// Text for an HTML context: the Markdown-only stand-ins restored to what they stand for.
fn without_placeholders(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([MD_ESCAPE, TILDE]) {
        std::borrow::Cow::Owned(
            s.chars()
                .filter(|c| *c != MD_ESCAPE)
                .map(|c| if c == TILDE { '~' } else { c })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Serialises a cleaned subtree on one line (a blank line would end the Markdown HTML block).
fn serialize(node: &Rc<Node>, out: &mut String, in_pre: bool) {
    match &node.data {
        NodeData::Text { contents } => {
            let text = html_escape(&without_placeholders(&contents.borrow()));
            if in_pre {
                out.push_str(&text.replace('\n', "&#10;"));
            } else {
                out.push_str(&text.split_whitespace().collect::<Vec<_>>().join(" "));
                if contents.borrow().ends_with(char::is_whitespace) && !text.trim().is_empty() {
                    out.push(' ');
                }
            }
        }
        NodeData::Element { name, attrs, .. } => {
            let tag = name.local.to_string();
            let svg = matches!(name.ns.as_ref(), "http://www.w3.org/2000/svg");
            if tag == "table" {
                out.push_str("<table>");
            } else if svg {
                // The clean-up already removed handlers and scripts: keep every attribute.
                out.push('<');
                out.push_str(&tag);
                for a in attrs.borrow().iter() {
                    let name = match &a.name.prefix {
                        Some(p) => format!("{p}:{}", a.name.local),
                        None => a.name.local.to_string(),
                    };
                    out.push_str(&format!(
                        " {name}=\"{}\"",
                        html_escape(&a.value).replace('"', "&quot;")
                    ));
                }
                out.push('>');
            } else {
                out.push('<');
                out.push_str(&tag);
                for a in attrs.borrow().iter() {
                    if matches!(
                        &*a.name.local,
                        "colspan" | "rowspan" | "href" | "src" | "alt" | "class"
                    ) {
                        out.push_str(&format!(
                            " {}=\"{}\"",
                            a.name.local,
                            html_escape(&a.value).replace('"', "&quot;")
                        ));
                    }
                }
                out.push('>');
            }
            if !svg && matches!(tag.as_str(), "br" | "hr" | "img") {
                return;
            }
            for child in node.children.borrow().iter() {
                serialize(child, out, in_pre || tag == "pre");
            }
            out.push_str(&format!("</{tag}>"));
        }
        _ => {
            for child in node.children.borrow().iter() {
                serialize(child, out, in_pre);
            }
        }
    }
}

fn is_bare_marker(line: &str) -> bool {
    !line.is_empty()
        && line.len() <= 64
        && ["#", "-", "=", "+", "*"]
            .iter()
            .any(|m| line.chars().all(|c| c.to_string() == *m))
}

/// Final tidy-up: no trailing spaces but hard breaks, at most one blank line in a row, one final newline.
fn tidy(md: &str) -> String {
    let mut out = String::with_capacity(md.len() + 1);
    let mut blank = 0;
    let mut in_fence = false;
    for line in md.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        let line = if in_fence || line.ends_with("  ") {
            line
        } else {
            line.trim_end()
        };
        if line.trim().is_empty() && !in_fence {
            blank += 1;
            if blank > 1 {
                continue;
            }
            out.push('\n');
            continue;
        }
        blank = 0;
        if !in_fence && is_bare_marker(line.trim()) {
            // A line of only `#`, `-`, `=`, `+` or `*` from the text would become an empty heading,
            // a setext underline or an empty list item.
            out.push('\\');
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_start_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        html_to_markdown(html, &ImageMap::new()).expect("htmd converts")
    }

    /// A failing engine is an error, never an empty Markdown body.
    #[test]
    fn an_engine_failure_is_an_error() {
        let failing = |_: &HtmlToMarkdown, _: &str| -> std::io::Result<String> {
            Err(std::io::Error::other("injected"))
        };
        let err = html_to_markdown_with("<p>강</p>", &ImageMap::new(), failing).unwrap_err();
        assert_eq!(err.source.to_string(), "injected");
    }

    /// Every block-level marker CommonMark knows, as text at the start of a line (a paragraph's
    /// start and after a `<br>`), must render as that text inside one paragraph.
    #[test]
    fn block_markers_at_line_start_stay_text() {
        let markers = [
            "# 제목 아님",
            "## 둘",
            "> 인용 아님",
            "- 목록 아님",
            "+ 목록 아님",
            "* 목록 아님",
            "1. 번호 아님",
            "1) 번호 아님",
            "12345) 큰 번호",
            "2012. 12. 11. 날짜",
            "---",
            "***",
            "___",
            "- - -",
            "===",
            "```",
            "~~~",
            "<div> 태그 아님",
            "[참고]: /url 정의 아님",
            "&copy; 기호 아님",
            "&#65; &#x41; 숫자 참조",
        ];
        for marker in markers {
            for html in [
                format!("<p>{}</p>", crate::markup::escape_html(marker)),
                format!("<p>앞 줄<br>{}</p>", crate::markup::escape_html(marker)),
            ] {
                let out = md(&html);
                let mut rendered = String::new();
                pulldown_cmark::html::push_html(
                    &mut rendered,
                    pulldown_cmark::Parser::new_ext(&out, pulldown_cmark::Options::all()),
                );
                let text = crate::convert::fidelity::rendered_text(&out);
                assert!(
                    text.ends_with(&crate::extract::normalize_whitespace(marker)),
                    "{marker:?}: markdown {out:?} renders as {text:?}"
                );
                assert_eq!(
                    rendered.matches("<p>").count(),
                    1,
                    "{marker:?}: markdown {out:?} renders as {rendered}"
                );
                for tag in ["<h", "<ul", "<ol", "<blockquote", "<pre", "<hr", "<div"] {
                    assert!(!rendered.contains(tag), "{marker:?}: {out:?} -> {rendered}");
                }
            }
        }
    }

    /// Text lines that would form a GFM table (a header row, a delimiter row, body rows) stay
    /// text, in one paragraph or in several; a real table still becomes a GFM table.
    #[test]
    fn text_that_forms_a_gfm_table_stays_text() {
        for html in [
            "<p>a | b<br>--- | ---<br>1 | 2</p>",
            "<p>a | b</p><p>--- | ---</p>",
            "<p>| 이름 | 값 |<br>|:---|---:|<br>| 가 | 나 |</p>",
            "<p>앞 줄<br>a|b<br>-|-</p>",
        ] {
            let out = md(html);
            let mut rendered = String::new();
            pulldown_cmark::html::push_html(
                &mut rendered,
                pulldown_cmark::Parser::new_ext(&out, pulldown_cmark::Options::all()),
            );
            assert!(
                !rendered.contains("<table"),
                "{html}: {out:?} -> {rendered}"
            );
            let want = crate::extract::normalize_whitespace(
                &scraper::Html::parse_fragment(html)
                    .root_element()
                    .text()
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            let text = crate::convert::fidelity::rendered_text(&out);
            assert_eq!(
                text.split_whitespace().collect::<String>(),
                want.split_whitespace().collect::<String>(),
                "{html}: {out:?}"
            );
        }
        // A cell's own `|` is escaped once, by the table writer.
        let out = md(
            r#"<table data-tm="gfm"><tbody><tr><td>a|b</td><td>c</td></tr><tr><td>1</td><td>2</td></tr></tbody></table>"#,
        );
        assert!(out.contains(r"a\|b") && !out.contains(r"\\|"), "{out}");
    }

    #[test]
    fn emphasis_before_a_particle_stays_bold() {
        assert_eq!(
            md("<p><b>40%</b>로 올랐다</p>"),
            "<strong>40%</strong>로 올랐다\n"
        );
        assert_eq!(md("<p><strong>한강</strong>에서</p>"), "**한강**에서\n");
        assert_eq!(
            md("<p><em>(중요)</em>입니다</p>"),
            "<em>(중요)</em>입니다\n"
        );
    }

    #[test]
    fn headerless_table_becomes_gfm() {
        let out = md(
            "<table data-tm=\"gfm\"><tbody><tr><td>이름</td><td>값</td></tr><tr><td>a|b</td><td>1<br>2</td></tr></tbody></table>",
        );
        assert_eq!(out, "| 이름 | 값 |\n| --- | --- |\n| a\\|b | 1<br>2 |\n");
    }

    #[test]
    fn complex_table_stays_html_on_one_block() {
        let out = md(
            "<table data-tm=\"html\"><tbody><tr><td colspan=\"2\">합계</td></tr><tr><td>1</td><td>2</td></tr></tbody></table>",
        );
        assert_eq!(
            out,
            "<table><tbody><tr><td colspan=\"2\">합계</td></tr><tr><td>1</td><td>2</td></tr></tbody></table>\n"
        );
    }

    #[test]
    fn code_fence_keeps_language() {
        assert_eq!(
            md("<pre><code class=\"language-rust\">fn main() {}\n</code></pre>"),
            "```rust\nfn main() {}\n```\n"
        );
    }

    #[test]
    fn details_keeps_markdown_inside() {
        assert_eq!(
            md("<details><summary>더보기</summary><p><b>숨은</b> 글</p></details>"),
            "<details>\n<summary>더보기</summary>\n\n**숨은** 글\n\n</details>\n"
        );
    }

    #[test]
    fn svg_drawings_pass_through_whole() {
        let svg = r#"<svg viewBox="0 0 10 10"><g><text x="1">나무</text><svg><rect width="1"></rect></svg></g></svg>"#;
        let out = md(&format!("<p>앞</p><p>{svg}</p><p>뒤</p>"));
        assert_eq!(out, format!("앞\n\n{svg}\n\n뒤\n"));
    }

    #[test]
    fn images_point_at_local_files() {
        let mut map = ImageMap::new();
        map.insert("https://x/img.png".into(), "../assets/ab/abcd.png".into());
        assert_eq!(
            html_to_markdown(
                "<figure><p><img src=\"https://x/img.png\" alt=\"강\"></p></figure>",
                &map
            )
            .unwrap(),
            "![강](../assets/ab/abcd.png)\n"
        );
    }
}
