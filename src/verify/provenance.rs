//! Where the saved copies came from: how many posts are live copies, backup copies or Wayback
//! snapshots, each non-live post by id with its source, and the posts from a backup zip whose
//! visibility nobody confirmed (listed as notes: they are kept out of the Naver bundle, which is
//! not a gap). Read from the `provenance` of each `posts.jsonl` row. Pure.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::checks::problem;
use super::{ProblemKind, VerifyInput, VerifyReport};
use crate::markup::escape_html;
use crate::model::EntryId;
use crate::provenance::{Origin, Visibility};

/// One post whose copy is not from the live blog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoredPost {
    /// The entry id.
    pub id: EntryId,
    /// `backup` or `wayback`.
    pub origin: &'static str,
    /// Where exactly (`backup x.zip (x-1-1/3/3.html)`, `Wayback snapshot 20190304… (url)`).
    pub source: String,
}

/// The provenance part of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProvenanceCheck {
    /// Posts by origin: `live`, `backup`, `wayback`, `unrecorded` (rows written before
    /// provenance was recorded).
    pub by_origin: BTreeMap<&'static str, usize>,
    /// Every post restored from a backup or a snapshot.
    pub restored: Vec<RestoredPost>,
    /// Posts whose visibility is unknown (official backup zip), kept out of the Naver bundle.
    pub visibility_unknown: Vec<EntryId>,
}

/// Fills `report.provenance` and adds a note per post of unknown visibility.
pub(super) fn check_provenance(input: &VerifyInput, report: &mut VerifyReport) {
    let mut check = ProvenanceCheck::default();
    for row in &input.rows {
        let origin = match row.provenance.as_ref().map(|p| &p.origin) {
            None => "unrecorded",
            Some(Origin::Live { .. }) => "live",
            Some(Origin::Backup { .. }) => "backup",
            Some(Origin::Wayback { .. }) => "wayback",
        };
        *check.by_origin.entry(origin).or_default() += 1;
        let Some(p) = &row.provenance else { continue };
        if matches!(origin, "backup" | "wayback") {
            check.restored.push(RestoredPost {
                id: row.id,
                origin,
                source: p.summary(),
            });
        }
        if p.visibility == Some(Visibility::Unknown) {
            check.visibility_unknown.push(row.id);
            let mut note = problem(
                ProblemKind::Note,
                Some(row.id),
                format!(
                    "post {} comes from a backup zip, which does not say whether it was public; it is kept out of the Naver bundle until you mark it public (import the file again with --mark-public {} or all)",
                    row.id, row.id
                ),
            );
            note.url = Some(row.url.clone());
            report.problems.push(note);
        }
    }
    report.provenance = check;
}

/// The text report's lines.
#[must_use]
pub fn text_lines(c: &ProvenanceCheck) -> String {
    let mut s = String::new();
    if c.restored.is_empty() && c.visibility_unknown.is_empty() {
        return s;
    }
    let by = c
        .by_origin
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(s, "  copies from:      {by}");
    for r in &c.restored {
        let _ = writeln!(s, "    post {}: {}", r.id, r.source);
    }
    if !c.visibility_unknown.is_empty() {
        let _ = writeln!(
            s,
            "  visibility unknown (not bundled): {}",
            c.visibility_unknown
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    s
}

/// The HTML report's section.
#[must_use]
pub fn html_section(c: &ProvenanceCheck) -> String {
    let mut s = String::new();
    if c.restored.is_empty() && c.visibility_unknown.is_empty() {
        return s;
    }
    s.push_str(
        "<h2>출처 <small>Where the copies came from</small></h2>\n<ul class=\"provenance\">\n",
    );
    for (k, v) in &c.by_origin {
        let _ = writeln!(s, "<li data-origin=\"{k}\">{k}: {v}</li>");
    }
    s.push_str("</ul>\n<table class=\"provenance\"><tr><th>id</th><th>출처 · source</th></tr>\n");
    for r in &c.restored {
        let _ = writeln!(
            s,
            "<tr data-id=\"{}\" data-origin=\"{}\"><td>{}</td><td>{}</td></tr>",
            r.id,
            r.origin,
            r.id,
            escape_html(&r.source)
        );
    }
    s.push_str("</table>\n");
    s
}
