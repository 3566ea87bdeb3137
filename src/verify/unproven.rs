//! What the crawl could not prove: a deletion never confirmed while the blog answered, and a
//! discovery source that did not finish. Pure.
//!
//! Which unfinished sources are gaps, by what they can hide:
//! - the scan past the highest id (`scan`): its probes are the only way to find the newest posts
//!   no list names yet; unfinished is always a gap;
//! - the lists (`mobile_api`, the whole list; `listing`, the walk over listing, category and paging
//!   pages): each names every public post. While one of them finished, the other cut short hides
//!   nothing the finished one did not name: a note. When neither finished, posts no other source
//!   names may be missing: a gap;
//! - `sitemap` and `rss` are partial views (the feed holds the newest posts only): never the
//!   only source of a post a finished list would miss, so a note.

use super::checks::{Repair, problem};
use super::{ProblemKind, VerifyInput, VerifyReport};
use crate::archive::db::{SourceEnd, SourceOutcome};

/// The sources that each name every public post.
const WHOLE_LISTS: [&str; 2] = ["mobile_api", "listing"];

/// Adds a gap for each unproven deletion and each unfinished source that can hide posts, and a
/// note for each unfinished source that cannot.
pub(super) fn check_unproven(input: &VerifyInput, report: &mut VerifyReport) {
    let repair = Repair::new(input);
    for &id in input.unproven_deletions.iter().flatten() {
        let mut p = problem(
            ProblemKind::DeletionUnproven,
            Some(id),
            format!(
                "post {id} answered \"not found\", but the run stopped before that was confirmed while the blog answered (it may have been away)"
            ),
        );
        p.repair = Some(repair.crawl.clone());
        report.problems.push(p);
    }
    note_old_deletions(input, report, &repair);
    check_sources(input, report, &repair);
}

/// An archive no crawl of this version has touched holds deletions judged by the older rule (a
/// single "not found", believed): a note naming them, repaired by a crawl that confirms each.
fn note_old_deletions(input: &VerifyInput, report: &mut VerifyReport, repair: &Repair) {
    if input.unproven_deletions.is_some() {
        return;
    }
    let old: Vec<String> = input
        .entries
        .iter()
        .filter(|e| e.state == crate::model::EntryState::Deleted)
        .map(|e| e.id.to_string())
        .collect();
    if old.is_empty() {
        return;
    }
    let mut p = problem(
        ProblemKind::Note,
        None,
        format!(
            "{} posts recorded deleted by an older version of this tool, which took one \"not found\" as final: {}; a crawl asks each once more while the blog answers",
            old.len(),
            old.join(" ")
        ),
    );
    p.repair = Some(repair.crawl.clone());
    report.problems.push(p);
}

fn check_sources(input: &VerifyInput, report: &mut VerifyReport, repair: &Repair) {
    let of = |name: &str| input.discovery.iter().find(|o| o.source == name);
    let a_list_finished = WHOLE_LISTS
        .iter()
        .any(|name| of(name).is_some_and(|o| o.end == SourceEnd::Finished));
    for o in input
        .discovery
        .iter()
        .filter(|o| o.end == SourceEnd::Unfinished)
    {
        let hides = match o.source.as_str() {
            "scan" => true,
            name if WHOLE_LISTS.contains(&name) => !a_list_finished,
            _ => false,
        };
        let why = o.detail.as_deref().unwrap_or("no reason recorded");
        let message = if hides {
            format!(
                "discovery source {} did not finish ({why}); posts only it would name may be missing",
                o.source
            )
        } else {
            format!(
                "discovery source {} did not finish ({why}); {}",
                o.source,
                covered_by(input)
            )
        };
        let mut p = problem(
            if hides {
                ProblemKind::DiscoveryUnfinished
            } else {
                ProblemKind::Note
            },
            None,
            message,
        );
        if hides {
            // Discovery runs in a plain crawl, not in `--retry-failed`.
            p.repair = Some(repair.resume.clone());
        }
        report.problems.push(p);
    }
}

/// Which whole list finished, for a note.
fn covered_by(input: &VerifyInput) -> String {
    let finished: Vec<&str> = input
        .discovery
        .iter()
        .filter(|o| WHOLE_LISTS.contains(&o.source.as_str()) && o.end == SourceEnd::Finished)
        .map(|o: &SourceOutcome| o.source.as_str())
        .collect();
    format!("{} finished, so nothing is hidden", finished.join(" and "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::db::SourceOutcome;

    fn kinds(discovery: Vec<SourceOutcome>) -> Vec<(ProblemKind, bool)> {
        let input = VerifyInput {
            discovery,
            ..VerifyInput::default()
        };
        let report = super::super::verify(&input);
        report
            .problems
            .iter()
            .filter(|p| p.message.contains("discovery source"))
            .map(|p| (p.kind, p.gap))
            .collect()
    }

    #[test]
    fn rss_cut_while_the_mobile_list_finished_is_a_note() {
        let got = kinds(vec![
            SourceOutcome::finished("mobile_api"),
            SourceOutcome::unfinished("rss", "it answered 503"),
        ]);
        assert_eq!(got, [(ProblemKind::Note, false)]);
    }

    #[test]
    fn the_mobile_list_cut_with_no_listing_walk_finished_is_a_gap() {
        let got = kinds(vec![
            SourceOutcome::unfinished("mobile_api", "page 2 answered 404"),
            SourceOutcome::unfinished("listing", "listing page skipped"),
        ]);
        assert_eq!(
            got,
            [
                (ProblemKind::DiscoveryUnfinished, true),
                (ProblemKind::DiscoveryUnfinished, true)
            ]
        );
        let got = kinds(vec![
            SourceOutcome::unfinished("mobile_api", "page 2 answered 404"),
            SourceOutcome::finished("listing"),
        ]);
        assert_eq!(got, [(ProblemKind::Note, false)]);
    }

    #[test]
    fn a_scan_cut_short_is_always_a_gap() {
        let got = kinds(vec![
            SourceOutcome::finished("mobile_api"),
            SourceOutcome::unfinished("scan", "ids 23 to 27 answered while the blog was away"),
        ]);
        assert_eq!(got, [(ProblemKind::DiscoveryUnfinished, true)]);
    }

    #[test]
    fn an_unproven_deletion_is_a_gap_and_an_old_archive_says_nothing() {
        let input = VerifyInput {
            unproven_deletions: Some(vec![6]),
            ..VerifyInput::default()
        };
        let report = super::super::verify(&input);
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.kind == ProblemKind::DeletionUnproven && p.gap && p.id == Some(6)),
            "{:?}",
            report.problems
        );
        let old = super::super::verify(&VerifyInput::default());
        assert!(
            old.problems
                .iter()
                .all(|p| p.kind != ProblemKind::DeletionUnproven)
        );
    }

    #[test]
    fn deletions_of_an_archive_no_crawl_of_this_version_touched_are_a_note() {
        let entry = |id, state| crate::archive::db::EntryRow {
            id,
            url: None,
            state,
            http_status: Some(404),
            attempts: 1,
            last_error: None,
            etag: None,
            last_modified: None,
            page_sha256: None,
            raw_file: None,
            sources: vec!["scan".to_owned()],
        };
        let input = VerifyInput {
            entries: vec![
                entry(3, crate::model::EntryState::Deleted),
                entry(4, crate::model::EntryState::Ok),
                entry(6, crate::model::EntryState::Deleted),
            ],
            ..VerifyInput::default()
        };
        let report = super::super::verify(&input);
        let notes: Vec<&str> = report
            .problems
            .iter()
            .filter(|p| p.message.contains("older version"))
            .map(|p| {
                assert!(!p.gap && p.kind == ProblemKind::Note);
                p.message.as_str()
            })
            .collect();
        assert_eq!(notes.len(), 1, "{:?}", report.problems);
        assert!(
            notes[0].starts_with("2 posts") && notes[0].contains(": 3 6;"),
            "{}",
            notes[0]
        );
        // Once a crawl of this version kept confirmations, the note gives way to the gap check.
        let tracked = VerifyInput {
            unproven_deletions: Some(vec![]),
            ..input
        };
        let report = super::super::verify(&tracked);
        assert!(
            report
                .problems
                .iter()
                .all(|p| !p.message.contains("older version"))
        );
    }
}
