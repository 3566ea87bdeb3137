//! The human summary of a [`VerifyReport`] for stdout: a verdict line, a table of counts, the
//! problems (each with its URL, file and the command that repairs it), and the repair commands.
//! Pure.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Problem, VerifyReport};
use crate::model::EntryId;

fn ids(list: &[EntryId]) -> String {
    const SHOWN: usize = 20;
    let mut s = list
        .iter()
        .take(SHOWN)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    if list.len() > SHOWN {
        let _ = write!(s, " … (+{})", list.len() - SHOWN);
    }
    s
}

fn row(s: &mut String, label: &str, value: &str, detail: &str) {
    let line = format!("  {label:<18}{value:>9}   {detail}");
    let _ = writeln!(s, "{}", line.trim_end());
}

fn ratio(ok: usize, total: usize) -> String {
    format!("{ok} / {total}")
}

/// `16 posts, 1 notice`.
#[must_use]
pub fn archived_words(r: &VerifyReport) -> String {
    let posts = r.posts_archived - r.notices;
    format!(
        "{posts} post{}, {} notice{}",
        if posts == 1 { "" } else { "s" },
        r.notices,
        if r.notices == 1 { "" } else { "s" }
    )
}

/// What the blog's own count says, in words.
#[must_use]
pub fn blog_total_words(r: &VerifyReport) -> String {
    let t = &r.blog_total;
    let mut said = Vec::new();
    if let Some(n) = t.sidebar {
        said.push(format!("{n} (sidebar 분류 전체보기)"));
    }
    if let Some(n) = t.mobile_api {
        said.push(format!("{n} (mobile list)"));
    }
    if said.is_empty() {
        return "the blog showed no post count".into();
    }
    format!("the blog says {}: {}", said.join(", "), t.verdict)
}

/// Ids named by one source only, grouped as `15 (scan, protected)`.
#[must_use]
pub fn single_source_words(r: &VerifyReport) -> String {
    let mut groups: BTreeMap<(&str, &str), Vec<EntryId>> = BTreeMap::new();
    for s in &r.single_source_ids {
        groups
            .entry((s.source.as_str(), s.state.as_str()))
            .or_default()
            .push(s.id);
    }
    groups
        .iter()
        .map(|((source, state), list)| format!("{} ({source}, {state})", ids(list)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn problem_line(s: &mut String, p: &Problem) {
    let level = if p.gap { "GAP " } else { "note" };
    let id = p.id.map_or_else(|| "-".to_string(), |id| format!("#{id}"));
    let _ = writeln!(s, "  {level} {id:<7} {}", p.message.replace('\n', " "));
    if let Some(url) = &p.url
        && !p.message.contains(url.as_str())
    {
        let _ = writeln!(s, "               url: {url}");
    }
    if let Some(file) = &p.file
        && !p.message.contains(file.as_str())
    {
        let _ = writeln!(s, "               file: {file}");
    }
    if let Some(repair) = &p.repair {
        let _ = writeln!(s, "               repair: {repair}");
    }
}

/// The summary: the verdict, the table of counts, the problems and the repair commands.
#[must_use]
pub fn render(r: &VerifyReport) -> String {
    let mut s = String::new();
    verdict_lines(&mut s, r);
    post_rows(&mut s, r);
    file_rows(&mut s, r);
    asset_rows(&mut s, r);
    fidelity_rows(&mut s, r);
    bundle_rows(&mut s, r);
    problem_lines(&mut s, r);
    s
}

/// The archive, the blog and the verdict (COMPLETE or GAPS FOUND).
fn verdict_lines(s: &mut String, r: &VerifyReport) {
    let _ = writeln!(
        s,
        "verify: {} ({}{})",
        r.archive,
        r.blog.as_deref().unwrap_or("?"),
        r.blog_url
            .as_deref()
            .map(|u| format!(", {u}"))
            .unwrap_or_default()
    );
    if r.complete {
        let _ = writeln!(
            s,
            "  COMPLETE: every post found is archived whole, with its files (exit 0)"
        );
    } else {
        let _ = writeln!(
            s,
            "  GAPS FOUND: {} problem{} to repair (exit 4)",
            r.gaps,
            if r.gaps == 1 { "" } else { "s" }
        );
    }
}

/// Posts: expected by source, archived, their provenance, and the ids in each other state.
fn post_rows(s: &mut String, r: &VerifyReport) {
    let sources = r
        .sources
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    row(s, "posts expected", &r.posts_expected.to_string(), &sources);
    row(
        s,
        "archived",
        &r.posts_archived.to_string(),
        &format!("{}; {}", archived_words(r), blog_total_words(r)),
    );
    s.push_str(&super::provenance::text_lines(&r.provenance));
    for (label, list) in [
        ("protected", &r.protected_ids),
        ("private", &r.private_ids),
        ("deleted", &r.deleted_ids),
        ("failed", &r.failed_ids),
        ("never fetched", &r.missing_ids),
    ] {
        row(s, label, &list.len().to_string(), &ids(list));
    }
    if !r.not_post_ids.is_empty() {
        row(
            s,
            "not posts",
            &r.not_post_ids.len().to_string(),
            &ids(&r.not_post_ids),
        );
    }
}

/// The saved pages, the Markdown files and the `posts.jsonl` rows.
fn file_rows(s: &mut String, r: &VerifyReport) {
    let file_detail = |missing: &[EntryId], damaged: &[EntryId]| {
        let mut d = Vec::new();
        if !missing.is_empty() {
            d.push(format!("missing {}", ids(missing)));
        }
        if !damaged.is_empty() {
            d.push(format!("damaged {}", ids(damaged)));
        }
        d.join("; ")
    };
    row(
        s,
        "saved pages",
        &ratio(r.raw_pages.ok, r.raw_pages.expected),
        &file_detail(&r.raw_pages.missing, &r.raw_pages.damaged),
    );
    row(
        s,
        "Markdown",
        &ratio(r.markdown.ok, r.markdown.expected),
        &file_detail(&r.markdown.missing, &[]),
    );
    let rows_ok = r.rows.expected - r.rows.missing.len() - r.rows.stale.len();
    row(
        s,
        "posts.jsonl rows",
        &ratio(rows_ok, r.rows.expected),
        &[
            Some(format!("{} rows in the file", r.rows.rows)),
            (!r.rows.missing.is_empty()).then(|| format!("missing {}", ids(&r.rows.missing))),
            (!r.rows.stale.is_empty()).then(|| format!("stale {}", ids(&r.rows.stale))),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; "),
    );
}

/// Images, attachments and comments.
fn asset_rows(s: &mut String, r: &VerifyReport) {
    for (label, ok, total, missing) in [
        ("images", r.images_ok, r.images_total, &r.images_missing),
        (
            "attachments",
            r.attachments_ok,
            r.attachments_total,
            &r.attachments_missing,
        ),
    ] {
        let gone = missing.iter().filter(|m| !m.gap).count();
        let lost = missing.len() - gone;
        let mut d = Vec::new();
        if lost > 0 {
            d.push(format!("{lost} missing or damaged"));
        }
        if gone > 0 {
            d.push(format!("{gone} gone at the source (404)"));
        }
        row(s, label, &ratio(ok, total), &d.join(", "));
    }
    row(
        s,
        "comments",
        &r.comments.saved.to_string(),
        &[
            Some(if r.comments.missing.is_empty() {
                "posts with comments saved".to_string()
            } else {
                format!("posts saved; missing for {}", ids(&r.comments.missing))
            }),
            (!r.comments.incomplete.is_empty()).then(|| {
                format!(
                    "incomplete (a walk that did not finish) for {}",
                    ids(&r.comments.incomplete)
                )
            }),
            (!r.comments.gone.is_empty()).then(|| {
                let gone: Vec<_> = r.comments.gone.iter().map(|g| g.id).collect();
                format!(
                    "{} post{} with comments lost at the source ({})",
                    gone.len(),
                    if gone.len() == 1 { "" } else { "s" },
                    ids(&gone)
                )
            }),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; "),
    );
}

/// The render-back check, and the ids one source alone named.
fn fidelity_rows(s: &mut String, r: &VerifyReport) {
    row(
        s,
        "fidelity",
        &ratio(
            r.fidelity_checked - r.fidelity_below_threshold.len(),
            r.fidelity_checked,
        ),
        &format!(
            "at or above {:.1}% of the page's words{}",
            r.fidelity_threshold * 100.0,
            if r.fidelity_below_threshold.is_empty() {
                String::new()
            } else {
                format!("; below: {}", ids(&r.fidelity_below_threshold))
            }
        ),
    );
    if !r.single_source_ids.is_empty() {
        row(
            s,
            "one source only",
            &r.single_source_ids.len().to_string(),
            &single_source_words(r),
        );
    }
}

/// The Naver bundle, the WARC files and the Naver check.
fn bundle_rows(s: &mut String, r: &VerifyReport) {
    match &r.bundle {
        Some(b) => row(
            s,
            "Naver bundle",
            &b.posts.to_string(),
            &if b.problems == 0 {
                "posts in the bundle; checksums and order valid".to_string()
            } else {
                format!("posts in the bundle; {} problems", b.problems)
            },
        ),
        None => row(
            s,
            "Naver bundle",
            "-",
            "no bundle yet (tistory-migrate bundle makes one)",
        ),
    }
    if let Some(w) = &r.warc {
        row(
            s,
            "WARC",
            &w.files.to_string(),
            &format!(
                "files; captures match: pages {}/{}, files {}/{}, comments {}/{}{}",
                w.pages_ok,
                w.pages,
                w.assets_ok,
                w.assets,
                w.comments_ok,
                w.comments,
                if w.problems == 0 {
                    String::new()
                } else {
                    format!("; {} problems", w.problems)
                }
            ),
        );
    }
    if let Some(n) = &r.naver {
        s.push_str(&crate::naver_check::report::render_text(n));
    }
}

/// Every problem, then the repair commands.
fn problem_lines(s: &mut String, r: &VerifyReport) {
    if !r.problems.is_empty() {
        let notes = r.problems.len() - r.gaps;
        let _ = writeln!(
            s,
            "\nproblems ({} gap{}, {notes} note{}):",
            r.gaps,
            if r.gaps == 1 { "" } else { "s" },
            if notes == 1 { "" } else { "s" }
        );
        for p in &r.problems {
            problem_line(s, p);
        }
    }
    if !r.repair_commands.is_empty() {
        let _ = writeln!(s, "\nto repair, run:");
        for c in &r.repair_commands {
            let _ = writeln!(s, "  {c}");
        }
        let _ = writeln!(s, "then run verify again.");
    }
}
