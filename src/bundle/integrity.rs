//! Checks of a bundle against its manifest, as pure comparisons: file hashes against
//! `bundle.json`'s checksums (missing, modified, unlisted files) and the upload order. The command
//! hashes the files ([`crate::bundle::check::check_bundle`]); the desk uses the same functions.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::manifest::ManifestPost;

/// What is wrong with a bundle on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleProblemKind {
    /// No `bundle.json`.
    NoManifest,
    /// `bundle.json` or a `post.json` does not parse.
    BadManifest,
    /// A listed file is gone.
    Missing,
    /// A listed file's content changed.
    Modified,
    /// A file the manifest does not list.
    Unlisted,
    /// The posts are not in original-date order.
    OutOfOrder,
    /// `categories.json` maps a post differently than its `post.json` says.
    CategoryChanged,
}

/// One finding of a bundle check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleProblem {
    /// What kind.
    pub kind: BundleProblemKind,
    /// The file, relative to the bundle.
    pub path: Option<String>,
    /// What is wrong and what to do, in words.
    pub message: String,
}

impl fmt::Display for BundleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{p}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

const REBUILD: &str = "run `tistory-migrate bundle` again to rebuild the bundle";

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Compares the manifest's checksums with the files found (`path → sha256`, `bundle.json` and
/// `categories.json` left out by the caller).
#[must_use]
pub fn compare_checksums(
    expected: &BTreeMap<String, String>,
    found: &BTreeMap<String, String>,
) -> Vec<BundleProblem> {
    let mut problems = Vec::new();
    for (path, want) in expected {
        match found.get(path) {
            None => problems.push(BundleProblem {
                kind: BundleProblemKind::Missing,
                path: Some(path.clone()),
                message: format!("listed in bundle.json but missing; {REBUILD}"),
            }),
            Some(got) if !got.eq_ignore_ascii_case(want) => problems.push(BundleProblem {
                kind: BundleProblemKind::Modified,
                path: Some(path.clone()),
                message: format!(
                    "changed after the bundle was made (sha256 {}…, bundle.json says {}…); the file was edited or damaged: {REBUILD}",
                    short(got),
                    short(want)
                ),
            }),
            Some(_) => {}
        }
    }
    for path in found.keys().filter(|p| !expected.contains_key(*p)) {
        problems.push(BundleProblem {
            kind: BundleProblemKind::Unlisted,
            path: Some(path.clone()),
            message: "not part of the bundle (bundle.json does not list it); remove it or rebuild the bundle".into(),
        });
    }
    problems
}

/// Checks that the posts are listed oldest first (undated posts last).
#[must_use]
pub fn check_order(posts: &[ManifestPost]) -> Vec<BundleProblem> {
    let mut problems = Vec::new();
    for pair in posts.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let key = |p: &ManifestPost| {
            (
                p.original_published_at.is_none(),
                p.original_published_at
                    .as_deref()
                    .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok()),
                p.id,
            )
        };
        if key(a) > key(b) || b.sequence != a.sequence + 1 {
            problems.push(BundleProblem {
                kind: BundleProblemKind::OutOfOrder,
                path: Some(b.dir.clone()),
                message: format!(
                    "post {} (sequence {}) is not in original-date order after post {} (sequence {}); {REBUILD}",
                    b.id, b.sequence, a.id, a.sequence
                ),
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_checksum_difference_is_named() {
        let expected: BTreeMap<String, String> = [
            ("0001_2014-03-09_1/body.html".to_string(), "aa".repeat(32)),
            ("0001_2014-03-09_1/post.json".to_string(), "bb".repeat(32)),
        ]
        .into();
        let mut found = expected.clone();
        assert!(compare_checksums(&expected, &found).is_empty());
        found.insert("0001_2014-03-09_1/body.html".into(), "cc".repeat(32));
        found.remove("0001_2014-03-09_1/post.json");
        found.insert("notes.txt".into(), "dd".repeat(32));
        let problems = compare_checksums(&expected, &found);
        let kinds: Vec<_> = problems
            .iter()
            .map(|p| (&p.kind, p.path.as_deref().unwrap()))
            .collect();
        assert_eq!(
            kinds,
            [
                (&BundleProblemKind::Modified, "0001_2014-03-09_1/body.html"),
                (&BundleProblemKind::Missing, "0001_2014-03-09_1/post.json"),
                (&BundleProblemKind::Unlisted, "notes.txt"),
            ]
        );
        assert!(
            problems[0]
                .to_string()
                .starts_with("0001_2014-03-09_1/body.html: changed after")
        );
    }

    #[test]
    fn order_is_checked() {
        let post = |sequence, id, date: Option<&str>| ManifestPost {
            key: format!("tistory:b:{id}"),
            sequence,
            id,
            dir: format!("{sequence:04}_x_{id}"),
            title: String::new(),
            original_published_at: date.map(str::to_string),
            content_sha256: String::new(),
            images: 0,
            warnings: 0,
        };
        let good = [
            post(1, 2, Some("2015-01-01T00:00:00+09:00")),
            post(2, 1, Some("2015-01-01T00:00:00+09:00")),
            post(3, 9, None),
        ];
        // Same time: the lower id first.
        assert_eq!(check_order(&good).len(), 1);
        let good = [
            post(1, 1, Some("2015-01-01T00:00:00+09:00")),
            post(2, 2, Some("2016-01-01T00:00:00+09:00")),
            post(3, 9, None),
        ];
        assert!(check_order(&good).is_empty());
        let bad = [
            post(1, 9, None),
            post(2, 1, Some("2015-01-01T00:00:00+09:00")),
        ];
        assert_eq!(check_order(&bad)[0].kind, BundleProblemKind::OutOfOrder);
    }
}
