//! The content checks behind [`super::verify`]: for every entry that has content, its saved page
//! (present, with the sha256 recorded at download), its `posts.jsonl` row, and for archived posts
//! the Markdown file, every image and attachment (on disk with its recorded sha256), the comments
//! and the render-back fidelity. Each adds counts to the report and one [`Problem`] per finding.
//! Pure.

use std::collections::{BTreeMap, BTreeSet};

use super::checks::{Repair, entry_url, is_archived, problem};
use super::{
    AssetKind, FidelityLoss, Measured, MissingAsset, Problem, ProblemKind, VerifyInput,
    VerifyReport,
};
use crate::archive::db::{AssetRow, EntryRow, EntryState};
use crate::archive::layout;
use crate::model::GONE_HINT;
use crate::model::{AssetState, CommentsState, EntryId, PostRecord};

/// Pages, Markdown, rows, assets, comments and fidelity of every entry that has content.
pub(super) fn check_content(input: &VerifyInput, report: &mut VerifyReport) {
    let repair = Repair::new(input);
    let rows: BTreeMap<EntryId, &PostRecord> = input.rows.iter().map(|r| (r.id, r)).collect();
    report.rows.rows = input.rows.len();
    report.rows.unreadable = input.unreadable_rows.len();
    if !input.posts_jsonl_present {
        let mut p = problem(
            ProblemKind::RowMissing,
            None,
            format!("{} is missing", layout::POSTS_JSONL),
        );
        p.file = Some(layout::POSTS_JSONL.to_string());
        p.repair = Some(repair.extract.clone());
        report.problems.push(p);
    }
    for line in &input.unreadable_rows {
        let mut p = problem(
            ProblemKind::RowUnreadable,
            None,
            format!("{}: {line}", layout::POSTS_JSONL),
        );
        p.file = Some(layout::POSTS_JSONL.to_string());
        p.repair = Some(repair.extract.clone());
        report.problems.push(p);
    }
    let assets: BTreeMap<&str, &AssetRow> =
        input.assets.iter().map(|a| (a.url.as_str(), a)).collect();
    for e in &input.entries {
        let wants_page = matches!(
            e.state,
            EntryState::Ok | EntryState::Notice | EntryState::Protected | EntryState::Private
        );
        if !wants_page {
            continue;
        }
        let url = entry_url(input, e);
        check_raw_page(input, e, &url, &repair, report);
        check_row(e, rows.get(&e.id).copied(), &url, &repair, report);
        if !is_archived(e.state) {
            continue;
        }
        let row = rows.get(&e.id).copied();
        check_markdown(input, e, row, &url, &repair, report);
        check_assets(input, e.id, row, &assets, &repair, report);
        check_comments(input, e.id, &url, &repair, report);
        check_fidelity(input, e.id, &url, &repair, report);
        let year = row
            .and_then(|r| r.published.as_deref())
            .and_then(|d| d.get(..4))
            .filter(|y| y.chars().all(|c| c.is_ascii_digit()))
            .unwrap_or("unknown");
        *report.posts_per_year.entry(year.to_string()).or_default() += 1;
    }
}

fn check_raw_page(
    input: &VerifyInput,
    e: &EntryRow,
    url: &str,
    repair: &Repair,
    report: &mut VerifyReport,
) {
    report.raw_pages.expected += 1;
    let rel = e
        .raw_file
        .clone()
        .unwrap_or_else(|| layout::raw_page_rel(e.id));
    let (kind, message) = match input.files.get(&rel) {
        None => {
            report.raw_pages.missing.push(e.id);
            (
                ProblemKind::RawPageMissing,
                format!("the saved page {rel} of entry {} is not on disk", e.id),
            )
        }
        Some(f) => match (&e.page_sha256, &f.sha256) {
            (Some(want), Some(got)) if !want.eq_ignore_ascii_case(got) => {
                report.raw_pages.damaged.push(e.id);
                (
                    ProblemKind::RawPageDamaged,
                    format!(
                        "the saved page {rel} of entry {} changed since download (sha256 {}…, recorded {}…, {} bytes)",
                        e.id,
                        short(got),
                        short(want),
                        f.size
                    ),
                )
            }
            _ => {
                report.raw_pages.ok += 1;
                return;
            }
        },
    };
    report.problems.push(Problem {
        url: Some(url.to_string()),
        file: Some(rel),
        repair: Some(repair.crawl.clone()),
        ..problem(kind, Some(e.id), message)
    });
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

fn check_row(
    e: &EntryRow,
    row: Option<&PostRecord>,
    url: &str,
    repair: &Repair,
    report: &mut VerifyReport,
) {
    report.rows.expected += 1;
    let (kind, message) = match row {
        None => {
            report.rows.missing.push(e.id);
            (
                ProblemKind::RowMissing,
                format!("entry {} has no row in {}", e.id, layout::POSTS_JSONL),
            )
        }
        Some(r) if r.status != e.state.post_status() => {
            report.rows.stale.push(e.id);
            (
                ProblemKind::RowStale,
                format!(
                    "the {} row of entry {} says {:?}, the archive says {}",
                    layout::POSTS_JSONL,
                    e.id,
                    r.status,
                    e.state.as_str()
                )
                .to_lowercase(),
            )
        }
        Some(_) => return,
    };
    report.problems.push(Problem {
        url: Some(url.to_string()),
        file: Some(layout::POSTS_JSONL.to_string()),
        repair: Some(repair.extract.clone()),
        ..problem(kind, Some(e.id), message)
    });
}

fn check_markdown(
    input: &VerifyInput,
    e: &EntryRow,
    row: Option<&PostRecord>,
    url: &str,
    repair: &Repair,
    report: &mut VerifyReport,
) {
    report.markdown.expected += 1;
    let rel = row
        .and_then(|r| r.markdown.clone())
        .unwrap_or_else(|| layout::markdown_rel(e.id));
    if input.files.contains_key(&rel) {
        report.markdown.ok += 1;
        return;
    }
    report.markdown.missing.push(e.id);
    report.problems.push(Problem {
        url: Some(url.to_string()),
        file: Some(rel.clone()),
        repair: Some(repair.extract.clone()),
        ..problem(
            ProblemKind::MarkdownMissing,
            Some(e.id),
            format!("the Markdown {rel} of post {} is not on disk", e.id),
        )
    })
}

/// The post's images and attachments: the database's list, plus any the row names that the
/// database does not (an archive extracted from pages the crawl did not save).
fn assets_of(
    input: &VerifyInput,
    id: EntryId,
    row: Option<&PostRecord>,
) -> Vec<(String, AssetKind)> {
    let mut list: Vec<(String, AssetKind)> = input
        .post_assets
        .iter()
        .filter(|a| a.post_id == id)
        .map(|a| (a.url.clone(), a.kind))
        .collect();
    let seen: BTreeSet<String> = list.iter().map(|(u, _)| u.clone()).collect();
    if let Some(r) = row {
        let extra = r
            .images
            .iter()
            .map(|i| (i.url.clone(), AssetKind::Image))
            .chain(
                r.attachments
                    .iter()
                    .map(|a| (a.url.clone(), AssetKind::Attachment)),
            )
            .filter(|(u, _)| !seen.contains(u))
            .collect::<Vec<_>>();
        list.extend(extra);
    }
    list
}

fn check_assets(
    input: &VerifyInput,
    id: EntryId,
    row: Option<&PostRecord>,
    assets: &BTreeMap<&str, &AssetRow>,
    repair: &Repair,
    report: &mut VerifyReport,
) {
    for (url, kind) in assets_of(input, id, row) {
        match kind {
            AssetKind::Image => report.images_total += 1,
            AssetKind::Attachment => report.attachments_total += 1,
        }
        let Some(missing) = asset_state(input, id, &url, assets.get(url.as_str()).copied()) else {
            match kind {
                AssetKind::Image => report.images_ok += 1,
                AssetKind::Attachment => report.attachments_ok += 1,
            }
            continue;
        };
        let what = match kind {
            AssetKind::Image => "image",
            AssetKind::Attachment => "attachment",
        };
        let (pkind, message) = match missing.reason {
            "gone" => (
                ProblemKind::AssetGone,
                format!(
                    "{what} of post {id} is gone from the server: {}",
                    missing.detail
                ),
            ),
            "file_missing" => (
                ProblemKind::AssetFileMissing,
                format!("{what} of post {id}: {}", missing.detail),
            ),
            "file_damaged" => (
                ProblemKind::AssetDamaged,
                format!("{what} of post {id}: {}", missing.detail),
            ),
            _ => (
                ProblemKind::AssetNotDownloaded,
                format!("{what} of post {id} is not downloaded: {}", missing.detail),
            ),
        };
        let mut p = problem(pkind, Some(id), message);
        p.url = Some(url.clone());
        p.file.clone_from(&missing.file);
        if p.gap {
            p.repair = Some(repair.crawl.clone());
        }
        report.problems.push(p);
        match kind {
            AssetKind::Image => report.images_missing.push(missing),
            AssetKind::Attachment => report.attachments_missing.push(missing),
        }
    }
}

/// `None` when the asset is on disk with its recorded sha256; else why it is not.
fn asset_state(
    input: &VerifyInput,
    post_id: EntryId,
    url: &str,
    row: Option<&AssetRow>,
) -> Option<MissingAsset> {
    let missing = |reason: &'static str, file: Option<String>, detail: String| MissingAsset {
        post_id,
        url: url.to_string(),
        file,
        reason,
        gap: reason != "gone",
        detail,
    };
    let Some(a) = row else {
        return Some(missing(
            "not_downloaded",
            None,
            "the archive has no record of it".into(),
        ));
    };
    match (a.state, &a.file) {
        (AssetState::Ok, Some(file)) => match input.files.get(file) {
            None => Some(missing(
                "file_missing",
                Some(file.clone()),
                format!("{file} is not on disk"),
            )),
            Some(f) => match (&a.sha256, &f.sha256) {
                (Some(want), Some(got)) if !want.eq_ignore_ascii_case(got) => Some(missing(
                    "file_damaged",
                    Some(file.clone()),
                    format!(
                        "{file} is damaged: sha256 {}…, recorded {}… ({} bytes)",
                        short(got),
                        short(want),
                        f.size
                    ),
                )),
                _ => None,
            },
        },
        // The answer that said the file is gone, in the words verify has always used.
        (AssetState::Gone, _) => Some(missing(
            "gone",
            None,
            format!("{}{GONE_HINT}", a.last_error.as_deref().unwrap_or_default()),
        )),
        (AssetState::Missing, _) => {
            let error = a.last_error.clone().unwrap_or_default();
            if error.ends_with(crate::import::writer::NOT_IN_BACKUP_HINT) {
                Some(missing("gone", None, error))
            } else {
                Some(missing("download_failed", None, error))
            }
        }
        _ => Some(missing(
            "not_downloaded",
            a.file.clone(),
            "never downloaded".into(),
        )),
    }
}

fn check_comments(
    input: &VerifyInput,
    id: EntryId,
    url: &str,
    repair: &Repair,
    report: &mut VerifyReport,
) {
    let Some(c) = input.comments.get(&id) else {
        return;
    };
    let message = match (c.state, &c.file) {
        (state, Some(file))
            if state.has_file()
                && c.sha256.is_some()
                && input.files.get(file).is_some_and(|f| {
                    f.sha256.as_deref().map(str::to_ascii_lowercase)
                        != c.sha256.as_deref().map(str::to_ascii_lowercase)
                }) =>
        {
            format!(
                "the comments file {file} of post {id} was changed on disk (its sha256 differs from the one recorded)"
            )
        }
        (CommentsState::Ok, Some(file)) if input.files.contains_key(file) => {
            report.comments.saved += 1;
            return;
        }
        (CommentsState::Partial, Some(file)) if input.files.contains_key(file) => {
            return incomplete_comments(c, id, url, file, repair, report);
        }
        // The blog's list counted no comments, so none were fetched and no file was written.
        (CommentsState::Ok, None) if c.count == Some(0) => {
            report.comments.saved += 1;
            return;
        }
        (state, Some(file)) if state.has_file() => {
            format!("the comments file {file} of post {id} is not on disk")
        }
        _ => format!("the comments of post {id} could not be fetched"),
    };
    report.comments.missing.push(id);
    report.problems.push(Problem {
        url: Some(url.to_string()),
        file: c.file.clone(),
        repair: Some(repair.crawl.clone()),
        ..problem(ProblemKind::CommentsMissing, Some(id), message)
    });
}

/// A post whose comments file keeps only what a walk that did not finish read: a gap naming
/// why, where it stopped and how many comments are kept.
fn incomplete_comments(
    c: &crate::archive::db::CommentsRow,
    id: EntryId,
    url: &str,
    file: &str,
    repair: &Repair,
    report: &mut VerifyReport,
) {
    report.comments.incomplete.push(id);
    let message = format!(
        "the comments of post {id} are incomplete: {file} keeps {} comment(s) of a walk that stopped at {}: {}",
        c.count.unwrap_or_default(),
        c.stopped_at.as_deref().unwrap_or("an unrecorded page"),
        c.reason.as_deref().unwrap_or("no reason recorded")
    );
    report.problems.push(Problem {
        url: Some(url.to_string()),
        file: Some(file.to_string()),
        repair: Some(repair.crawl.clone()),
        ..problem(ProblemKind::CommentsIncomplete, Some(id), message)
    });
}

fn check_fidelity(
    input: &VerifyInput,
    id: EntryId,
    url: &str,
    repair: &Repair,
    report: &mut VerifyReport,
) {
    let Some(measured) = input.fidelity.get(&id) else {
        return;
    };
    report.fidelity_checked += 1;
    let message = match measured {
        Measured::Score(f) if f.score >= input.threshold => return,
        Measured::Score(f) => {
            report.fidelity_lost.push(FidelityLoss {
                id,
                score: f.score,
                lost: f.lost.clone(),
            });
            format!(
                "the Markdown of post {id} keeps {:.1}% of the page's words (threshold {:.1}%); lost: {}",
                f.score * 100.0,
                input.threshold * 100.0,
                f.lost.join(" ")
            )
        }
        Measured::Unreadable(why) => {
            report.fidelity_lost.push(FidelityLoss {
                id,
                score: 0.0,
                lost: Vec::new(),
            });
            format!("the render-back check of post {id} cannot be made: {why}")
        }
    };
    report.fidelity_below_threshold.push(id);
    // The repair is a command a script can run; the advice for a score that stays low is words.
    let message = format!(
        "{message} (if the score stays low after `extract`, report {} as a conversion bug)",
        layout::raw_page_rel(id)
    );
    report.problems.push(Problem {
        url: Some(url.to_string()),
        file: Some(layout::markdown_rel(id)),
        repair: Some(repair.extract.clone()),
        ..problem(ProblemKind::FidelityBelowThreshold, Some(id), message)
    });
}
