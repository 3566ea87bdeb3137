//! The `--html` rendering of a [`VerifyReport`]: ONE self-contained page (inline CSS, inline SVG
//! charts, no script, no image, no font, no stylesheet link), so it opens anywhere, offline, and
//! loads nothing. The only absolute URLs are `<a href>` links from the problem list to the
//! original posts and files, which a browser never fetches on its own. Links to the archive's
//! files are relative to the page (`archive_href`). Labels are Korean with English beside them.
//! Every number a test or a reader compares with `--json` sits in an element with a
//! `data-field` attribute named after the JSON field. Pure.

use std::fmt::Write as _;

use super::charts::{status_chart, year_chart};
use super::report_text::{archived_words, blog_total_words, single_source_words};
use super::{Problem, VerifyReport};
use crate::model::EntryId;

/// Escapes text for HTML content and attribute values.
pub use crate::markup::escape_html as esc;

/// Percent-encodes a relative path for an href, keeping `/` and unreserved characters.
#[must_use]
pub fn percent_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

const STYLE: &str = r"
:root{--ok:#2e7d32;--gap:#c62828;--note:#8d6e00;--ink:#1d1d1f;--muted:#5f6368;--line:#dadce0}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Apple SD Gothic Neo','Malgun Gothic','Noto Sans KR',sans-serif;color:var(--ink);max-width:1100px;margin:0 auto;padding:24px;line-height:1.5}
h1{font-size:1.6rem;margin:0 0 4px}h1 small,h2 small,th small{color:var(--muted);font-weight:normal}
h2{font-size:1.2rem;margin-top:32px;border-bottom:1px solid var(--line);padding-bottom:4px}
.meta{color:var(--muted);margin:0 0 16px;word-break:break-all}
.verdict{font-size:1.25rem;font-weight:bold;padding:12px 16px;border-radius:8px;color:#fff}
.verdict.complete{background:var(--ok)}.verdict.gaps{background:var(--gap)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.detail{color:var(--muted);word-break:break-word}
.charts{display:flex;flex-wrap:wrap;gap:24px}.charts figure{margin:0;flex:1 1 420px}
figcaption{font-weight:bold;margin-bottom:4px}
.level{font-weight:bold;white-space:nowrap}.level.gap{color:var(--gap)}.level.note{color:var(--note)}
.problems td{font-size:.92rem;overflow-wrap:anywhere;word-break:break-word}.problems a{word-break:break-all}
.problems td:nth-child(2){white-space:nowrap}.problems td:nth-child(3){min-width:18em}
.problems td:nth-child(6){min-width:16em}.problems code{overflow-wrap:anywhere}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88rem}
pre{background:#f6f8fa;padding:12px;border-radius:6px;overflow-x:auto}
footer{margin-top:32px;color:var(--muted);font-size:.85rem}
";

fn id_list(list: &[EntryId]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One summary row: label (Korean · English), the number in a `data-field` cell, a detail.
fn summary_row(s: &mut String, ko: &str, en: &str, field: &str, value: &str, detail: &str) {
    let _ = writeln!(
        s,
        r#"<tr><th>{} <small>{}</small></th><td class="num" data-field="{}">{}</td><td class="detail">{}</td></tr>"#,
        esc(ko),
        esc(en),
        esc(field),
        esc(value),
        detail
    );
}

/// A list of ids in a `data-field` span (present even when empty, so a test can compare it),
/// after `label` when there are any.
fn ids_detail(label: &str, field: &str, list: &[EntryId]) -> String {
    format!(
        r#"{}<span data-field="{}">{}</span>"#,
        if list.is_empty() { "" } else { label },
        esc(field),
        esc(&id_list(list))
    )
}

/// A link to an original URL: only http(s) URLs become links.
fn original_link(url: &str) -> String {
    if url.starts_with("https://") || url.starts_with("http://") {
        format!(
            r#"<a class="original" href="{}" rel="noreferrer noopener">{}</a>"#,
            esc(url),
            esc(url)
        )
    } else {
        esc(url)
    }
}

fn problem_row(s: &mut String, p: &Problem, archive_href: &str) {
    let (class, level) = if p.gap {
        ("gap", "누락 · gap")
    } else {
        ("note", "참고 · note")
    };
    let kind = serde_json::to_value(p.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let id = p.id.map(|id| id.to_string()).unwrap_or_default();
    let url = p.url.as_deref().map(original_link).unwrap_or_default();
    let file = p
        .file
        .as_deref()
        .map(|f| {
            let href = if archive_href == "." {
                percent_path(f)
            } else {
                format!("{archive_href}/{}", percent_path(f))
            };
            format!(r#"<a class="local" href="{}">{}</a>"#, esc(&href), esc(f))
        })
        .unwrap_or_default();
    let repair = p
        .repair
        .as_deref()
        .map(|c| format!("<code>{}</code>", esc(c)))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        r#"<tr class="problem {class}" data-kind="{kind}" data-id="{id}"><td class="level {class}">{level}</td><td>{id}</td><td><code>{kind}</code><br>{msg}</td><td>{url}</td><td>{file}</td><td>{repair}</td></tr>"#,
        kind = esc(&kind),
        msg = esc(&p.message),
    );
}

/// The page. `archive_href` is the archive directory relative to the page (`.` when the page is
/// in it), percent-encoded.
#[must_use]
pub fn render(r: &VerifyReport, archive_href: &str) -> String {
    let mut s = String::with_capacity(16 * 1024);
    head_and_verdict(&mut s, r);
    post_rows(&mut s, r);
    file_rows(&mut s, r);
    asset_rows(&mut s, r);
    check_rows(&mut s, r);
    charts_and_sections(&mut s, r);
    problems_and_repairs(&mut s, r, archive_href);
    s
}

/// The page's head, the blog and archive, and the verdict.
fn head_and_verdict(s: &mut String, r: &VerifyReport) {
    let blog = r.blog.as_deref().unwrap_or("?");
    let _ = write!(
        s,
        r#"<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>아카이브 검증 보고서 · Verify report: {blog}</title>
<style>{STYLE}</style></head>
<body>
<h1>아카이브 검증 보고서 <small>Archive verify report</small></h1>
<p class="meta">블로그 · blog: <strong>{blog}</strong> {url} · 아카이브 · archive: <code>{archive}</code></p>
"#,
        blog = esc(blog),
        url = esc(r.blog_url.as_deref().unwrap_or_default()),
        archive = esc(&r.archive),
    );
    if r.complete {
        s.push_str(r#"<p class="verdict complete" data-field="complete" data-value="true">완전함 · COMPLETE: 찾은 글이 모두 파일과 함께 보관되었습니다 · every post found is archived whole (exit 0)</p>"#);
    } else {
        let _ = write!(
            s,
            r#"<p class="verdict gaps" data-field="complete" data-value="false">누락 발견 · GAPS FOUND: 복구할 문제 <span data-field="gaps">{}</span>개 · problems to repair (exit 4)</p>"#,
            r.gaps
        );
    }
}

/// The summary table's start: posts expected, archived, and the ids in each other state.
fn post_rows(s: &mut String, r: &VerifyReport) {
    s.push_str("\n<h2>요약 <small>Summary</small></h2>\n<table class=\"summary\">\n");
    let sources = r
        .sources
        .iter()
        .map(|(k, v)| format!("{} {v}", esc(k)))
        .collect::<Vec<_>>()
        .join(", ");
    summary_row(
        s,
        "찾은 글",
        "posts expected",
        "posts_expected",
        &r.posts_expected.to_string(),
        &sources,
    );
    summary_row(
        s,
        "보관된 글",
        "posts archived",
        "posts_archived",
        &r.posts_archived.to_string(),
        &esc(&format!("{}; {}", archived_words(r), blog_total_words(r))),
    );
    for (ko, en, field, list) in [
        ("보호글", "protected", "protected_ids", &r.protected_ids),
        ("비공개", "private", "private_ids", &r.private_ids),
        ("삭제됨", "deleted", "deleted_ids", &r.deleted_ids),
        ("실패", "failed", "failed_ids", &r.failed_ids),
        ("미수집", "never fetched", "missing_ids", &r.missing_ids),
    ] {
        summary_row(
            s,
            ko,
            en,
            &format!("{field}_count"),
            &list.len().to_string(),
            &ids_detail("", field, list),
        );
    }
}

/// Saved pages, Markdown files and `posts.jsonl` rows.
fn file_rows(s: &mut String, r: &VerifyReport) {
    summary_row(
        s,
        "저장된 페이지",
        "saved pages ok",
        "raw_pages_ok",
        &r.raw_pages.ok.to_string(),
        &format!("of {} expected", r.raw_pages.expected),
    );
    summary_row(
        s,
        "마크다운",
        "Markdown ok",
        "markdown_ok",
        &r.markdown.ok.to_string(),
        &format!("of {} expected", r.markdown.expected),
    );
    summary_row(
        s,
        "posts.jsonl 행",
        "rows missing",
        "rows_missing_count",
        &r.rows.missing.len().to_string(),
        &format!(
            "{} rows in the file{}",
            r.rows.rows,
            ids_detail("; missing: ", "rows_missing", &r.rows.missing)
        ),
    );
}

/// Images, attachments and comments.
fn asset_rows(s: &mut String, r: &VerifyReport) {
    summary_row(
        s,
        "이미지",
        "images",
        "images_total",
        &r.images_total.to_string(),
        &format!("{} on disk", r.images_ok),
    );
    summary_row(
        s,
        "없는 이미지",
        "images missing",
        "images_missing_count",
        &r.images_missing.len().to_string(),
        &format!(
            "{} gone at the source (not gaps)",
            r.images_missing.iter().filter(|m| !m.gap).count()
        ),
    );
    summary_row(
        s,
        "첨부 파일",
        "attachments",
        "attachments_total",
        &r.attachments_total.to_string(),
        &format!("{} on disk", r.attachments_ok),
    );
    summary_row(
        s,
        "없는 첨부 파일",
        "attachments missing",
        "attachments_missing_count",
        &r.attachments_missing.len().to_string(),
        "",
    );
    summary_row(
        s,
        "댓글",
        "comments saved",
        "comments_saved",
        &r.comments.saved.to_string(),
        "",
    );
    summary_row(
        s,
        "원본에서 사라진 댓글",
        "comments lost at the source",
        "comments_gone_count",
        &r.comments.gone.len().to_string(),
        "posts whose page counts more comments than any saved copy holds (not gaps)",
    );
}

/// The render-back check, the ids one source alone named, the Naver bundle; the table's end.
fn check_rows(s: &mut String, r: &VerifyReport) {
    summary_row(
        s,
        "충실도 미달",
        "fidelity below threshold",
        "fidelity_below_threshold_count",
        &r.fidelity_below_threshold.len().to_string(),
        &format!(
            "{} checked, threshold {:.1}%{}",
            r.fidelity_checked,
            r.fidelity_threshold * 100.0,
            ids_detail(
                "; below: ",
                "fidelity_below_threshold",
                &r.fidelity_below_threshold
            )
        ),
    );
    summary_row(
        s,
        "한 출처에서만",
        "named by one source only",
        "single_source_count",
        &r.single_source_ids.len().to_string(),
        &esc(&single_source_words(r)),
    );
    let (bundle_count, bundle_words) = match &r.bundle {
        Some(b) if b.problems == 0 => (
            b.posts.to_string(),
            "posts in the bundle; checksums and order valid".to_string(),
        ),
        Some(b) => (
            b.posts.to_string(),
            format!("posts in the bundle; {} problems", b.problems),
        ),
        None => (
            "-".to_string(),
            "no bundle yet: run tistory-migrate bundle".to_string(),
        ),
    };
    summary_row(
        s,
        "네이버 번들",
        "Naver bundle",
        "bundle",
        &bundle_count,
        &esc(&bundle_words),
    );
    s.push_str("</table>\n");
}

/// The provenance section, the charts and the Naver check.
fn charts_and_sections(s: &mut String, r: &VerifyReport) {
    s.push_str(&super::provenance::html_section(&r.provenance));
    let _ = write!(
        s,
        "<h2>차트 <small>Charts</small></h2>\n<div class=\"charts\"><figure><figcaption>연도별 보관된 글 · posts per year</figcaption>{}</figure><figure><figcaption>상태별 · per status</figcaption>{}</figure></div>\n",
        year_chart(r),
        status_chart(r)
    );

    if let Some(n) = &r.naver {
        s.push_str(&crate::naver_check::report::render_html(n));
    }
}

/// The problem table, the repair commands and the footer.
fn problems_and_repairs(s: &mut String, r: &VerifyReport, archive_href: &str) {
    let _ = writeln!(
        s,
        "<h2>문제 <small>Problems</small> (<span data-field=\"problems_count\">{}</span>)</h2>",
        r.problems.len()
    );
    if r.problems.is_empty() {
        s.push_str("<p>문제가 없습니다 · no problems.</p>\n");
    } else {
        s.push_str("<table class=\"problems\"><thead><tr><th>구분 <small>level</small></th><th>글 <small>id</small></th><th>내용 <small>what</small></th><th>원본 <small>original</small></th><th>로컬 파일 <small>local file</small></th><th>복구 <small>repair</small></th></tr></thead><tbody>\n");
        for p in &r.problems {
            problem_row(s, p, archive_href);
        }
        s.push_str("</tbody></table>\n");
    }
    if !r.repair_commands.is_empty() {
        s.push_str("<h2>복구 명령 <small>Repair commands</small></h2>\n<pre>");
        for c in &r.repair_commands {
            let _ = writeln!(s, "{}", esc(c));
        }
        s.push_str("</pre>\n");
    }
    let _ = write!(
        s,
        "<footer>tistory-migrate verify · schema {} · <code>tistory-migrate verify --json</code> prints the same numbers</footer>\n</body></html>\n",
        r.schema
    );
}
