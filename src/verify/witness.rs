//! The second witness in the report: every post whose saved page and the mobile list API disagree
//! on a field (extract wrote the disagreement into the post's row; see `extract::witness`) is
//! listed as a note: worth a look, not a gap, since the page's value was kept.

use super::checks::problem;
use super::{ProblemKind, VerifyInput, VerifyReport};
use crate::extract::witness::DISAGREEMENT_PREFIX;

/// Adds one note per disagreement recorded in `posts.jsonl`.
pub(super) fn check_witness(input: &VerifyInput, report: &mut VerifyReport) {
    for row in &input.rows {
        for warning in row
            .warnings
            .iter()
            .filter(|w| w.starts_with(DISAGREEMENT_PREFIX))
        {
            let mut p = problem(ProblemKind::Note, Some(row.id), warning.clone());
            p.url = Some(row.url.clone());
            report.problems.push(p);
        }
    }
}
