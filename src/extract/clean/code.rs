//! Code blocks: the language from every form Tistory and highlighters write it in, the text kept
//! verbatim (`<br>` as a newline).

use std::fmt::Write as _;

use ego_tree::NodeRef;
use scraper::Node;

use super::{Cleaner, escape_attr, escape_text};

impl Cleaner<'_> {
    pub(super) fn code_block(&mut self, node: NodeRef<'_, Node>, el: &scraper::node::Element) {
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
            let _ = write!(
                self.out.html,
                " class=\"{}{}\"",
                crate::model::body::CODE_LANGUAGE_PREFIX,
                escape_attr(&lang)
            );
        }
        self.out.html.push('>');
        escape_text(&text, &mut self.out.html);
        self.out.html.push_str("</code></pre>");
    }
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
