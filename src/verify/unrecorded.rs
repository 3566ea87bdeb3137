//! Files and rows the state database does not account for. `archive.db` is the archive's record
//! of what exists: a saved page, a Markdown file, a comments file, an extracted post or a
//! `posts.jsonl` row for an id the database has no entry for means the database lost rows (a
//! damaged, emptied or replaced `archive.db`). Every other check starts from the database's
//! entries, so without this one such an archive would verify COMPLETE while the database knows
//! nothing of posts it holds. Pure: it reads the file listing and the rows `commands::verify` read.

use std::collections::{BTreeMap, BTreeSet};

use super::checks::{Repair, problem};
use super::{ProblemKind, VerifyInput, VerifyReport};
use crate::archive::layout::{COMMENTS_DIR, EXTRACTED_DIR, POSTS_DIR, POSTS_JSONL, RAW_DIR};
use crate::model::EntryId;

/// The per-entry files of the archive, by folder and extension: `raw/<id>.html`, ...
const ENTRY_FILES: [(&str, &str); 4] = [
    (RAW_DIR, ".html"),
    (POSTS_DIR, ".md"),
    (COMMENTS_DIR, ".json"),
    (EXTRACTED_DIR, ".json"),
];

/// The entry id a per-entry file is named for (`raw/12.html` → 12), `None` for any other file.
fn entry_of_file(rel: &str) -> Option<EntryId> {
    ENTRY_FILES.iter().find_map(|(dir, ext)| {
        let name = rel.strip_prefix(dir)?.strip_prefix('/')?;
        let id = name.strip_suffix(ext)?;
        id.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| id.parse().ok())?
    })
}

/// One gap per id that has files or a `posts.jsonl` row but no entry in `archive.db`.
pub(super) fn check_unrecorded(input: &VerifyInput, report: &mut VerifyReport) {
    let known: BTreeSet<EntryId> = input.entries.iter().map(|e| e.id).collect();
    let mut found: BTreeMap<EntryId, Vec<String>> = BTreeMap::new();
    for rel in input.files.keys() {
        if let Some(id) = entry_of_file(rel).filter(|id| !known.contains(id)) {
            found.entry(id).or_default().push(rel.clone());
        }
    }
    for row in input.rows.iter().filter(|r| !known.contains(&r.id)) {
        found
            .entry(row.id)
            .or_default()
            .push(format!("its {POSTS_JSONL} row"));
    }
    if found.is_empty() {
        return;
    }
    let repair = Repair::new(input);
    for (id, what) in found {
        let mut p = problem(
            ProblemKind::EntryUnrecorded,
            Some(id),
            format!(
                "archive.db has no entry {id}, yet the archive holds {}: the database lost its record (damaged or replaced); a crawl finds the post again and records it",
                what.join(", ")
            ),
        );
        // The saved page when there is one: it is what a crawl writes first.
        p.file = what
            .iter()
            .find(|f| f.starts_with(RAW_DIR))
            .or_else(|| what.first().filter(|f| !f.starts_with("its ")))
            .cloned();
        p.repair = Some(repair.resume.clone());
        report.problems.push(p);
    }
}

#[cfg(test)]
mod tests {
    use super::entry_of_file;

    #[test]
    fn per_entry_files_name_their_id() {
        assert_eq!(entry_of_file("raw/12.html"), Some(12));
        assert_eq!(entry_of_file("posts/3.md"), Some(3));
        assert_eq!(entry_of_file("comments/7.json"), Some(7));
        assert_eq!(entry_of_file("extracted/9.json"), Some(9));
        assert_eq!(entry_of_file("raw/pages/index.html"), None);
        assert_eq!(entry_of_file("raw/12.html.old"), None);
        assert_eq!(entry_of_file("raw/+12.html"), None);
        assert_eq!(entry_of_file("assets/ab/ab12.jpg"), None);
        assert_eq!(entry_of_file("posts/12.json"), None);
    }
}
