//! YAML front matter for a post's Markdown file. Strings are written as JSON strings, which YAML
//! 1.2 reads as double-quoted scalars, so no title, tag or URL can break the block. Pure.

use std::fmt::Write as _;

use crate::extract::dates::to_rfc3339_kst;
use crate::model::Post;

fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serialises")
}

/// The front matter block, `---` lines included, for `post`. `images` are (original URL, local
/// path or `None`) pairs in body order.
#[must_use]
pub fn front_matter(post: &Post, images: &[(String, Option<String>)]) -> String {
    let mut out = String::from("---\n");
    let mut line = |key: &str, value: Option<String>| {
        let _ = writeln!(out, "{key}: {}", value.unwrap_or_else(|| "null".into()));
    };
    line("title", post.title.as_deref().map(quoted));
    line(
        "date",
        post.published.as_ref().map(|d| quoted(&to_rfc3339_kst(d))),
    );
    line(
        "updated",
        post.modified.as_ref().map(|d| quoted(&to_rfc3339_kst(d))),
    );
    line("author", post.author.as_deref().map(quoted));
    line("category", post.category.as_deref().map(quoted));
    let tags = post
        .tags
        .iter()
        .map(|t| quoted(t))
        .collect::<Vec<_>>()
        .join(", ");
    line("tags", Some(format!("[{tags}]")));
    line("source", Some(quoted(&post.url)));
    line("tistory_id", Some(post.id.to_string()));
    if post.kind == crate::model::PageKind::Notice {
        line("notice", Some("true".into()));
    }
    if images.is_empty() {
        out.push_str("images: []\n");
    } else {
        out.push_str("images:\n");
        for (url, file) in images {
            let _ = writeln!(out, "  - url: {}", quoted(url));
            let _ = writeln!(
                out,
                "    file: {}",
                file.as_deref().map_or_else(|| "null".into(), quoted)
            );
        }
    }
    out.push_str("---\n");
    out
}
