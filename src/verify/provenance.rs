//! Where the saved copies came from: how many posts are live copies, backup copies, Wayback
//! snapshots or WARC captures; each non-live post by id with its source; each post that had two
//! copies with the one kept and why; every saved file with its own origin; and the posts from a
//! backup zip whose visibility nobody confirmed or that the live blog no longer has (listed as
//! notes: they are kept out of the Naver bundle, which is not a gap). Read from the `provenance` of each `posts.jsonl` row. Pure.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::checks::problem;
use super::{ProblemKind, VerifyInput, VerifyReport};
use crate::markup::escape_html;
use crate::model::EntryId;
use crate::provenance::Visibility;

/// One post whose copy is not from the live blog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoredPost {
    /// The entry id.
    pub id: EntryId,
    /// `backup`, `wayback` or `warc`.
    pub origin: &'static str,
    /// Where exactly (`backup x.zip (x-1-1/3/3.html)`, `Wayback snapshot 20190304… (url)`).
    pub source: String,
}

/// A post that had more than one copy, and which was kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeptCopy {
    /// The entry id.
    pub id: EntryId,
    /// The origin of the copy kept.
    pub kept: &'static str,
    /// Why (both copies' measures).
    pub why: String,
}

/// Where one saved image or attachment came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssetProvenance {
    /// The post that shows it.
    pub post_id: EntryId,
    /// Its URL.
    pub url: String,
    /// `image` or `attachment`.
    pub kind: &'static str,
    /// `live`, `backup`, `wayback` or `warc`.
    pub origin: &'static str,
    /// Where exactly (`live, fetched …`, `backup x.zip (x-1-1/3/img/a.jpg)`, `Wayback snapshot …`).
    pub source: String,
}

/// The provenance part of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProvenanceCheck {
    /// Posts by origin: `live`, `backup`, `wayback`, `warc`, `unrecorded` (rows written before
    /// provenance was recorded).
    pub by_origin: BTreeMap<&'static str, usize>,
    /// Every post restored from a backup, a snapshot or a WARC.
    pub restored: Vec<RestoredPost>,
    /// Every post that had two copies, with the one kept and why.
    pub choices: Vec<KeptCopy>,
    /// Saved files by origin.
    pub assets_by_origin: BTreeMap<&'static str, usize>,
    /// Every saved image and attachment with where it came from.
    pub assets: Vec<AssetProvenance>,
    /// Posts whose visibility is unknown (official backup zip), kept out of the Naver bundle.
    pub visibility_unknown: Vec<EntryId>,
    /// Posts the live blog no longer has, kept from a backup but out of the Naver bundle.
    pub deleted_live: Vec<EntryId>,
}

/// Fills `report.provenance` and adds a note per post of unknown visibility.
pub(super) fn check_provenance(input: &VerifyInput, report: &mut VerifyReport) {
    let mut check = ProvenanceCheck::default();
    for row in &input.rows {
        let origin = row
            .provenance
            .as_ref()
            .map_or("unrecorded", |p| p.origin.name());
        *check.by_origin.entry(origin).or_default() += 1;
        let Some(p) = &row.provenance else { continue };
        if origin != "live" {
            check.restored.push(RestoredPost {
                id: row.id,
                origin,
                source: p.summary(),
            });
        }
        if let Some(why) = &p.choice {
            check.choices.push(KeptCopy {
                id: row.id,
                kept: origin,
                why: why.clone(),
            });
        }
        for a in &p.assets {
            let name = a.origin.name();
            *check.assets_by_origin.entry(name).or_default() += 1;
            check.assets.push(AssetProvenance {
                post_id: row.id,
                url: a.asset.clone(),
                kind: a.kind.as_str(),
                origin: name,
                source: a.origin.summary(),
            });
        }
        let note = match p.visibility {
            Some(Visibility::Unknown) => {
                check.visibility_unknown.push(row.id);
                format!(
                    "post {} comes from a backup zip, which does not say whether it was public; it is kept out of the Naver bundle until you mark it public (import the file again with --mark-public {} or all), or until a crawl of the live blog shows it",
                    row.id, row.id
                )
            }
            Some(Visibility::Deleted) => {
                check.deleted_live.push(row.id);
                format!(
                    "post {} is gone from the live blog (deleted by its owner?); its {} copy is kept in the archive but not bundled (import the backup again with --mark-public {} to bundle it)",
                    row.id, origin, row.id
                )
            }
            _ => continue,
        };
        let mut note = problem(ProblemKind::Note, Some(row.id), note);
        note.url = Some(row.url.clone());
        report.problems.push(note);
    }
    report.provenance = check;
}

/// True when the report has nothing to say beyond "every copy is live".
fn only_live(c: &ProvenanceCheck) -> bool {
    c.restored.is_empty()
        && c.choices.is_empty()
        && c.visibility_unknown.is_empty()
        && c.deleted_live.is_empty()
        && c.assets.iter().all(|a| a.origin == "live")
}

fn counts(map: &BTreeMap<&'static str, usize>) -> String {
    map.iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The per-post detail: each post that is not live, had two copies, or has files from another
/// origin than its own, with its source, the choice and those files.
fn detailed_posts(
    c: &ProvenanceCheck,
) -> Vec<(EntryId, String, Option<&str>, Vec<&AssetProvenance>)> {
    let mut ids: Vec<EntryId> = c
        .restored
        .iter()
        .map(|r| r.id)
        .chain(c.choices.iter().map(|k| k.id))
        .chain(
            c.assets
                .iter()
                .filter(|a| a.origin != "live")
                .map(|a| a.post_id),
        )
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|id| {
            let source = c
                .restored
                .iter()
                .find(|r| r.id == id)
                .map_or_else(|| "live".to_string(), |r| r.source.clone());
            let why = c
                .choices
                .iter()
                .find(|k| k.id == id)
                .map(|k| k.why.as_str());
            let files = c.assets.iter().filter(|a| a.post_id == id).collect();
            (id, source, why, files)
        })
        .collect()
}

/// The text report's lines.
#[must_use]
pub fn text_lines(c: &ProvenanceCheck) -> String {
    let mut s = String::new();
    if only_live(c) {
        return s;
    }
    let _ = writeln!(s, "  copies from:      {}", counts(&c.by_origin));
    if !c.assets_by_origin.is_empty() {
        let _ = writeln!(s, "  files from:       {}", counts(&c.assets_by_origin));
    }
    for (id, source, why, files) in detailed_posts(c) {
        let _ = writeln!(s, "    post {id}: {source}");
        if let Some(why) = why {
            let _ = writeln!(s, "      choice: {why}");
        }
        for f in files {
            let _ = writeln!(s, "      {} {}: {}", f.kind, f.url, f.source);
        }
    }
    for (label, ids) in [
        ("visibility unknown (not bundled)", &c.visibility_unknown),
        ("deleted on the live blog (not bundled)", &c.deleted_live),
    ] {
        if !ids.is_empty() {
            let list = ids
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(s, "  {label}: {list}");
        }
    }
    s
}

/// The HTML report's section.
#[must_use]
pub fn html_section(c: &ProvenanceCheck) -> String {
    let mut s = String::new();
    if only_live(c) {
        return s;
    }
    s.push_str(
        "<h2>출처 <small>Where the copies came from</small></h2>\n<ul class=\"provenance\">\n",
    );
    for (k, v) in &c.by_origin {
        let _ = writeln!(s, "<li data-origin=\"{k}\">{k}: {v}</li>");
    }
    for (k, v) in &c.assets_by_origin {
        let _ = writeln!(s, "<li data-asset-origin=\"{k}\">files {k}: {v}</li>");
    }
    s.push_str("</ul>\n<table class=\"provenance\"><tr><th>id</th><th>출처 · source</th></tr>\n");
    for (id, source, why, files) in detailed_posts(c) {
        let origin = c
            .restored
            .iter()
            .find(|r| r.id == id)
            .map_or("live", |r| r.origin);
        let mut cell = escape_html(&source);
        if let Some(why) = why {
            let _ = write!(
                cell,
                "<br><span class=\"choice\">{}</span>",
                escape_html(why)
            );
        }
        if !files.is_empty() {
            cell.push_str("<ul class=\"files\">");
            for f in files {
                let _ = write!(
                    cell,
                    "<li data-asset-origin=\"{}\">{} {}: {}</li>",
                    f.origin,
                    f.kind,
                    escape_html(&f.url),
                    escape_html(&f.source)
                );
            }
            cell.push_str("</ul>");
        }
        let _ = writeln!(
            s,
            "<tr data-id=\"{id}\" data-origin=\"{origin}\"><td>{id}</td><td>{cell}</td></tr>"
        );
    }
    s.push_str("</table>\n");
    s
}
