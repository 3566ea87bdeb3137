//! Comments lost at the source: a post restored from a copy that is not live (a Wayback capture,
//! a backup, a WARC file) whose own page prints a comment count ([`super::VerifyInput::page_comment_counts`])
//! above what the archive holds. No crawl can bring those comments back (the live blog is gone or
//! never had the copy asked), so it is not a gap; it is named, with the post id and both counts,
//! in the same class as images gone at the source, so a COMPLETE never hides it. Pure.

use serde::Serialize;

use super::checks::problem;
use super::{ProblemKind, VerifyInput, VerifyReport};
use crate::model::{CommentsState, EntryId};

/// A post whose page counts more comments than any saved copy holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommentsGone {
    /// The post.
    pub id: EntryId,
    /// The count the post's saved page prints.
    pub page_count: u64,
    /// Comments and replies the archive holds for it.
    pub saved: u64,
}

/// Adds a note for every restored post whose page counts more comments than are saved.
pub(super) fn check_comments_gone(input: &VerifyInput, report: &mut VerifyReport) {
    for (&id, &page_count) in &input.page_comment_counts {
        if page_count == 0 {
            continue;
        }
        let saved = input
            .comments
            .get(&id)
            .filter(|c| c.state == CommentsState::Ok)
            .and_then(|c| c.count)
            .map_or(0, |n| n as u64);
        if saved >= page_count {
            continue;
        }
        let message = if saved == 0 {
            format!(
                "post {id}: its page counts {page_count} comment(s), and no saved copy holds them (lost at the source)"
            )
        } else {
            format!(
                "post {id}: its page counts {page_count} comment(s), the saved copy holds {saved} (the other {} lost at the source)",
                page_count - saved
            )
        };
        let mut p = problem(ProblemKind::CommentsGone, Some(id), message);
        p.file = input.comments.get(&id).and_then(|c| c.file.clone());
        report.problems.push(p);
        report.comments.gone.push(CommentsGone {
            id,
            page_count,
            saved,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::verify::tests::clean_input;
    use crate::verify::{ProblemKind, report_html, report_text, verify};

    #[test]
    fn a_count_above_the_saved_comments_is_named_and_not_a_gap() {
        let mut input = clean_input();
        // Post 1 holds 0 comments (the clean input's file), post 2 gets 2 of its 5.
        input.comments.get_mut(&2).unwrap().count = Some(2);
        input.page_comment_counts.insert(1, 3);
        input.page_comment_counts.insert(2, 5);
        let report = verify(&input);
        assert!(report.complete, "nothing a crawl could repair");
        let gone: Vec<(u64, u64, u64)> = report
            .comments
            .gone
            .iter()
            .map(|g| (g.id, g.page_count, g.saved))
            .collect();
        assert_eq!(gone, [(1, 3, 0), (2, 5, 2)]);
        let notes: Vec<&str> = report
            .problems
            .iter()
            .filter(|p| p.kind == ProblemKind::CommentsGone)
            .inspect(|p| assert!(!p.gap))
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(notes.len(), 2);
        assert!(
            notes[0].contains("post 1") && notes[0].contains("no saved copy"),
            "{notes:?}"
        );
        assert!(
            notes[1].contains("holds 2") && notes[1].contains("other 3"),
            "{notes:?}"
        );
        let text = report_text::render(&report);
        assert!(
            text.contains("2 posts with comments lost at the source"),
            "{text}"
        );
        assert!(
            text.contains("post 2: its page counts 5 comment(s)"),
            "{text}"
        );
        let html = report_html::render(&report, "out/b");
        assert!(
            html.contains(r#"data-field="comments_gone_count">2<"#),
            "{html}"
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["comments"]["gone"][1]["page_count"], 5);
    }

    #[test]
    fn a_count_the_saved_comments_reach_says_nothing() {
        let mut input = clean_input();
        input.comments.get_mut(&2).unwrap().count = Some(4);
        input.page_comment_counts.insert(2, 4);
        input.page_comment_counts.insert(1, 0);
        let report = verify(&input);
        assert!(report.comments.gone.is_empty());
        assert!(
            !report
                .problems
                .iter()
                .any(|p| p.kind == ProblemKind::CommentsGone)
        );
    }
}
