//! The Naver check in the verify report: one problem per finding (a gap: the post must be fixed
//! on Naver) and one note per unrecorded post (`verify::naver::attach`), a text section and an HTML table, post
//! by post. Pure.

use std::fmt::Write as _;

use super::{NaverReport, PostCheck};
use crate::markup::escape_html as esc;

fn kinds(p: &PostCheck) -> String {
    if p.ok {
        return "ok".into();
    }
    let mut k: Vec<&str> = p.findings.iter().map(|f| f.kind.as_str()).collect();
    k.dedup();
    k.join(",")
}

/// The text section: a line per post, then the unrecorded posts.
#[must_use]
pub fn render_text(n: &NaverReport) -> String {
    let mut s = format!(
        "\nNaver ({}): {} of {} published posts intact; {} requests\n",
        n.blog_id.as_deref().unwrap_or("no blog recorded"),
        n.ok,
        n.checked,
        n.requests
    );
    for p in &n.posts {
        let _ = writeln!(
            s,
            "  {:<8} {:<22} {}  {}",
            p.id,
            kinds(p),
            p.naver_url,
            p.title.as_deref().unwrap_or("")
        );
        for f in &p.findings {
            let _ = write!(s, "           - {}", f.message);
            if !f.lost.is_empty() {
                let _ = write!(s, " (lost: {})", f.lost.join(" "));
            }
            s.push('\n');
        }
    }
    if !n.unrecorded.is_empty() {
        let _ = writeln!(s, "  on Naver but not in the ledger:");
        for u in &n.unrecorded {
            let what = match (u.post_id, u.duplicate) {
                (Some(id), true) => format!("second copy of post {id}"),
                (Some(id), false) => format!("post {id}, not recorded"),
                (None, _) => "no bundle post".into(),
            };
            let _ = writeln!(s, "    {}  {:?}  {what}", u.naver_url, u.title);
        }
    }
    s
}

/// The HTML section (`id="naver"`): a row per post with `data-id` and `data-status`.
#[must_use]
pub fn render_html(n: &NaverReport) -> String {
    let mut s = format!(
        "<h2 id=\"naver\">네이버 확인 <small>Naver check</small></h2>\n<p>게시된 글 <span data-field=\"naver_checked\">{}</span>개 중 <span data-field=\"naver_ok\">{}</span>개 온전함 · {} of {} intact ({} requests)</p>\n",
        n.checked, n.ok, n.ok, n.checked, n.requests
    );
    s.push_str("<table class=\"naver\"><thead><tr><th>글 <small>id</small></th><th>제목 <small>title</small></th><th>결과 <small>status</small></th><th>내용 <small>what</small></th></tr></thead><tbody>\n");
    for p in &n.posts {
        let what: Vec<String> = p
            .findings
            .iter()
            .map(|f| {
                let lost = if f.lost.is_empty() {
                    String::new()
                } else {
                    format!(" <q>{}</q>", esc(&f.lost.join(" ")))
                };
                format!("{}{lost}", esc(&f.message))
            })
            .collect();
        let _ = writeln!(
            s,
            "<tr data-id=\"{}\" data-status=\"{}\"><td>{}</td><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td></tr>",
            p.id,
            esc(&kinds(p)),
            p.id,
            esc(&p.naver_url),
            esc(p.title.as_deref().unwrap_or("")),
            esc(&kinds(p)),
            what.join("<br>")
        );
    }
    s.push_str("</tbody></table>\n");
    if !n.unrecorded.is_empty() {
        s.push_str(
            "<h3>네이버에만 있는 글 <small>on Naver, not in the ledger</small></h3>\n<ul>\n",
        );
        for u in &n.unrecorded {
            let _ = writeln!(
                s,
                "<li data-unrecorded=\"{}\"><a href=\"{}\">{}</a> {}</li>",
                esc(&u.naver_url),
                esc(&u.naver_url),
                esc(&u.title),
                u.post_id.map_or_else(String::new, |id| format!(
                    "→ {id}{}",
                    if u.duplicate {
                        " (중복 · duplicate)"
                    } else {
                        ""
                    }
                ))
            );
        }
        s.push_str("</ul>\n");
    }
    s
}
