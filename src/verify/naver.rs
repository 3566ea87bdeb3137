//! The Naver check's findings as verify problems: each finding on a published post a gap (the post
//! must be fixed on Naver), each unrecorded post a note. Verify owns its report, so the naver check
//! (a layer below) hands its [`NaverReport`] up and this adds it; the check's own text and HTML
//! sections stay in `naver_check::report`. Pure.

use std::fmt::Write as _;

use super::{Problem, ProblemKind, VerifyReport};
use crate::naver_check::NaverReport;

/// Adds the Naver check to a verify report: its problems (each finding a gap, each unrecorded post
/// a note), and recounts the gaps.
pub fn attach(report: &mut VerifyReport, naver: NaverReport) {
    for post in &naver.posts {
        for f in &post.findings {
            let mut message = format!("Naver: {}: {}", f.kind.as_str(), f.message);
            if !f.lost.is_empty() {
                let _ = write!(message, " (lost: {})", f.lost.join(" "));
            }
            report.problems.push(Problem {
                kind: ProblemKind::NaverPost,
                gap: true,
                id: Some(post.id),
                url: Some(post.naver_url.clone()),
                file: None,
                message,
                repair: None,
            });
        }
    }
    for u in &naver.unrecorded {
        let message = match (u.post_id, u.duplicate) {
            (Some(id), true) => format!(
                "Naver: {} ({:?}) is a second copy of post {id}, which the ledger records elsewhere",
                u.naver_url, u.title
            ),
            (Some(id), false) => format!(
                "Naver: {} ({:?}) looks like post {id} but the ledger does not record it; record it on the desk's check page",
                u.naver_url, u.title
            ),
            (None, _) => format!(
                "Naver: {} ({:?}) matches no post of the bundle",
                u.naver_url, u.title
            ),
        };
        report.problems.push(Problem {
            kind: ProblemKind::NaverUnrecorded,
            gap: false,
            id: u.post_id,
            url: Some(u.naver_url.clone()),
            file: None,
            message,
            repair: None,
        });
    }
    if let Some(rss) = naver.rss.as_ref().filter(|r| r.error.is_some()) {
        report.problems.push(Problem {
            kind: ProblemKind::Note,
            gap: false,
            id: None,
            url: Some(rss.url.clone()),
            file: None,
            message: format!(
                "Naver's RSS feed could not be read ({}): posts published but not recorded were not looked for",
                rss.error.as_deref().unwrap_or_default()
            ),
            repair: None,
        });
    }
    report
        .problems
        .sort_by(|a, b| b.gap.cmp(&a.gap).then(a.id.cmp(&b.id)));
    report.gaps = report.problems.iter().filter(|p| p.gap).count();
    report.complete = report.gaps == 0;
    report.naver = Some(naver);
}
