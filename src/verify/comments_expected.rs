//! Comments that were never asked for: when the last crawl fetched comments
//! ([`super::VerifyInput::comments_fetched`]), every post archived from the live blog has a
//! comments record (saved, none, or failed); a post without one was archived by a run that
//! stopped before its comments pass (killed, or the pass never reached it): a gap, repaired by a
//! crawl. Posts restored from a backup or the Wayback Machine have no live comment list to ask,
//! so they are not expected to have one. Pure.

use super::checks::{Repair, entry_url, is_archived, problem};
use super::{ProblemKind, VerifyInput, VerifyReport};
use crate::provenance::Origin;

/// Adds a gap for every live-archived post that has no comments record.
pub(super) fn check_comments_recorded(input: &VerifyInput, report: &mut VerifyReport) {
    if !input.comments_fetched {
        return;
    }
    let repair = Repair::new(input);
    for e in input.entries.iter().filter(|e| is_archived(e.state)) {
        if input.comments.contains_key(&e.id) {
            continue;
        }
        let restored = input
            .rows
            .iter()
            .find(|r| r.id == e.id)
            .and_then(|r| r.provenance.as_ref())
            .is_some_and(|p| !matches!(p.origin, Origin::Live { .. }));
        if restored {
            continue;
        }
        report.comments.missing.push(e.id);
        let mut p = problem(
            ProblemKind::CommentsMissing,
            Some(e.id),
            format!(
                "the comments of post {} were never asked for (the crawl stopped before its comments pass)",
                e.id
            ),
        );
        p.url = Some(entry_url(input, e));
        p.repair = Some(repair.crawl.clone());
        report.problems.push(p);
    }
}

#[cfg(test)]
mod tests {
    use crate::verify::tests::clean_input;
    use crate::verify::{ProblemKind, verify};

    #[test]
    fn a_live_post_without_a_comments_record_is_a_gap_only_when_comments_were_asked() {
        let mut input = clean_input();
        input.comments.remove(&2);
        assert!(
            verify(&input).complete,
            "no comments asked: nothing expected"
        );
        input.comments_fetched = true;
        let report = verify(&input);
        assert!(!report.complete);
        let p = report
            .problems
            .iter()
            .find(|p| p.kind == ProblemKind::CommentsMissing)
            .unwrap();
        assert_eq!(p.id, Some(2));
        assert!(p.message.contains("never asked"), "{}", p.message);
        assert_eq!(report.comments.missing, [2]);
    }
}
