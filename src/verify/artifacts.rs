//! The extracted posts (`extracted/<id>.json`): every archived post has one, and it holds the
//! extraction of the page the database recorded (its key names that page's sha256). Bundle, serve
//! and verify's own fidelity check read these artifacts instead of the page, so a damaged, missing
//! or swapped one is a gap that `extract` repairs (it extracts the page again and rewrites it).
//! An artifact made by another extractor version or selector profile is not damaged: the next
//! `extract` replaces it. Pure.

use super::checks::{Repair, is_archived, problem};
use super::{ProblemKind, VerifyInput, VerifyReport};
use crate::archive::db::{EntryRow, EntryState};
use crate::archive::layout::extracted_rel;

/// What `extracted/<id>.json` holds, as `commands::verify` read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArtifactFacts {
    /// It parsed; the sha256 of the page it was extracted from (its key).
    Extracted {
        /// `key.raw_sha256`.
        raw_sha256: String,
    },
    /// It is there but cannot be read as an extracted post (why).
    Unreadable(String),
}

/// One gap per archived post whose artifact is missing, unreadable or of another page; and per
/// protected or private entry whose artifact is there but unreadable or of another page.
pub(super) fn check_artifacts(input: &VerifyInput, report: &mut VerifyReport) {
    let repair = Repair::new(input);
    for e in &input.entries {
        let wants = matches!(
            e.state,
            EntryState::Ok | EntryState::Notice | EntryState::Protected | EntryState::Private
        );
        if !wants {
            continue;
        }
        let Some(message) = artifact_problem(input, e) else {
            continue;
        };
        let rel = extracted_rel(e.id);
        let mut p = problem(ProblemKind::ExtractedDamaged, Some(e.id), message);
        p.file = Some(rel);
        p.repair = Some(repair.extract.clone());
        report.problems.push(p);
    }
}

fn artifact_problem(input: &VerifyInput, e: &EntryRow) -> Option<String> {
    let rel = extracted_rel(e.id);
    match input.extracted.get(&e.id) {
        None if is_archived(e.state) => Some(format!(
            "the extracted post {rel} of post {} is not on disk",
            e.id
        )),
        None => None,
        Some(ArtifactFacts::Unreadable(why)) => Some(format!(
            "the extracted post {rel} of entry {} cannot be read: {why}",
            e.id
        )),
        Some(ArtifactFacts::Extracted { raw_sha256 }) => {
            let want = e.page_sha256.as_deref()?;
            (!want.eq_ignore_ascii_case(raw_sha256)).then(|| {
                format!(
                    "the extracted post {rel} of entry {} was extracted from another page (sha256 {}…, the saved page is {}…)",
                    e.id,
                    raw_sha256.get(..12).unwrap_or(raw_sha256),
                    want.get(..12).unwrap_or(want)
                )
            })
        }
    }
}
