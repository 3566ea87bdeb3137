//! The slug permalink check behind [`super::verify`]: a slug discovery found (`/entry/<slug>`)
//! names a post only once its page is fetched, so a slug still pending or failed is a place a
//! post may be missing from: a gap, named with its sources and its last error, never explained
//! away by the entries that are archived. A slug whose page named no entry is not a gap. Pure.

use url::Url;

use super::checks::{Repair, problem};
use super::{ProblemKind, VerifyInput, VerifyReport};
use crate::archive::db::SlugRow;
use crate::model::SlugState;

/// The permalink of `slug` on the blog (percent-encoded, one path segment whatever it holds).
fn slug_url(input: &VerifyInput, slug: &str) -> String {
    input
        .blog_url
        .as_deref()
        .and_then(|b| Url::parse(b).ok())
        .and_then(|mut u| {
            u.path_segments_mut()
                .ok()?
                .pop_if_empty()
                .push("entry")
                .push(slug);
            Some(u.to_string())
        })
        .unwrap_or_else(|| format!("/entry/{slug}"))
}

fn named_by(row: &SlugRow) -> String {
    if row.sources.is_empty() {
        String::new()
    } else {
        format!(" (named by {})", row.sources.join(", "))
    }
}

/// Adds a gap for every slug permalink not resolved.
pub(super) fn check_slugs(input: &VerifyInput, report: &mut VerifyReport) {
    let repair = Repair::new(input);
    for row in input.slugs.iter().filter(|r| r.is_gap()) {
        let (kind, message) = match row.state {
            SlugState::Failed => (
                ProblemKind::FetchFailed,
                format!(
                    "slug permalink /entry/{}{} failed{}: {}; the post behind it may be missing",
                    row.slug,
                    named_by(row),
                    row.http_status
                        .map(|s| format!(" (last status {s})"))
                        .unwrap_or_default(),
                    row.last_error.as_deref().unwrap_or("no page")
                ),
            ),
            _ => (
                ProblemKind::NeverFetched,
                format!(
                    "slug permalink /entry/{}{} was discovered but its page never fetched; the post behind it may be missing",
                    row.slug,
                    named_by(row)
                ),
            ),
        };
        let mut p = problem(kind, None, message);
        p.url = Some(slug_url(input, &row.slug));
        p.repair = Some(repair.crawl.clone());
        report.problems.push(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::tests::clean_input;
    use crate::verify::verify;

    fn row(slug: &str, state: SlugState) -> SlugRow {
        SlugRow {
            slug: slug.into(),
            state,
            id: (state == SlugState::Resolved).then_some(1),
            http_status: (state == SlugState::Failed).then_some(503),
            last_error: (state == SlugState::Failed).then(|| "503 after 10 attempts".into()),
            sources: vec!["sitemap".into()],
        }
    }

    #[test]
    fn unresolved_slugs_are_gaps_named_by_slug_and_resolved_ones_are_not() {
        let mut input = clean_input();
        assert!(verify(&input).complete, "the clean input is complete");
        input.slugs = vec![
            row("봄-산책", SlugState::Resolved),
            row("not-a-post", SlugState::NoEntry),
        ];
        assert!(
            verify(&input).complete,
            "resolved and no-entry slugs are not gaps"
        );

        input.slugs.push(row("가을/../산책", SlugState::Failed));
        input.slugs.push(row("left", SlugState::Pending));
        let report = verify(&input);
        assert!(!report.complete);
        assert_eq!(report.gaps, 2);
        let failed = report
            .problems
            .iter()
            .find(|p| p.kind == ProblemKind::FetchFailed)
            .unwrap();
        assert!(
            failed.message.contains("/entry/가을/../산책")
                && failed.message.contains("sitemap")
                && failed.message.contains("503 after 10 attempts"),
            "{}",
            failed.message
        );
        assert_eq!(
            failed.url.as_deref(),
            Some("https://b.tistory.com/entry/%EA%B0%80%EC%9D%84%2F..%2F%EC%82%B0%EC%B1%85")
        );
        assert!(failed.repair.as_deref().unwrap().contains("--retry-failed"));
        let pending = report
            .problems
            .iter()
            .find(|p| p.kind == ProblemKind::NeverFetched)
            .unwrap();
        assert!(
            pending.message.contains("/entry/left"),
            "{}",
            pending.message
        );
    }
}
