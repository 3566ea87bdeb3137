//! Checking a bundle on disk against its own `bundle.json`: every listed file present with the
//! same sha256, nothing unlisted, posts oldest first, and each `post.json` agreeing with the
//! current `categories.json`. `verify` calls [`check_bundle`]; the comparisons themselves are the
//! pure functions of [`crate::bundle::integrity`].

use std::collections::BTreeMap;
use std::path::Path;

use crate::bundle::categories::{CATEGORIES_JSON, CategoryMap};
use crate::bundle::integrity::{BundleProblem, BundleProblemKind, check_order, compare_checksums};
use crate::bundle::manifest::{BUNDLE_JSON, BundleManifest, POST_JSON, PostManifest};
use crate::bundle::post::file_sha256;

fn problem(kind: BundleProblemKind, path: Option<&str>, message: String) -> BundleProblem {
    BundleProblem {
        kind,
        path: path.map(str::to_string),
        message,
    }
}

/// Reads a bundle's `bundle.json`.
///
/// # Errors
/// A [`BundleProblem`] (`NoManifest` or `BadManifest`) saying what is wrong.
pub fn read_bundle_manifest(dir: &Path) -> Result<BundleManifest, BundleProblem> {
    let path = dir.join(BUNDLE_JSON);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        problem(
            BundleProblemKind::NoManifest,
            Some(BUNDLE_JSON),
            format!(
                "cannot read it ({e}): {} is not a bundle, or its making was interrupted; run `tistory-migrate bundle` again",
                dir.display()
            ),
        )
    })?;
    serde_json::from_str(&text).map_err(|e| {
        problem(
            BundleProblemKind::BadManifest,
            Some(BUNDLE_JSON),
            format!("is not a valid bundle manifest ({e}); run `tistory-migrate bundle` again"),
        )
    })
}

/// Every file under `dir` (relative, `/`-separated) with its sha256, except the root's
/// `bundle.json` and `categories.json`. Unreadable files get an empty hash (a mismatch).
fn hash_files(dir: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_dir() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if rel == BUNDLE_JSON || rel == CATEGORIES_JSON {
            continue;
        }
        let hash = std::fs::read(entry.path())
            .map(|b| file_sha256(&b))
            .unwrap_or_default();
        found.insert(rel, hash);
    }
    found
}

/// Checks a bundle directory. An empty list means the bundle is exactly as `bundle` wrote it
/// (apart from `categories.json` edits that `post.json` already reflects).
#[must_use]
pub fn check_bundle(dir: &Path) -> Vec<BundleProblem> {
    let manifest = match read_bundle_manifest(dir) {
        Ok(m) => m,
        Err(p) => return vec![p],
    };
    let mut problems = compare_checksums(&manifest.checksums, &hash_files(dir));
    problems.extend(check_order(&manifest.posts));
    let categories = match std::fs::read_to_string(dir.join(CATEGORIES_JSON)) {
        Ok(text) => match CategoryMap::parse(&text) {
            Ok(map) => Some(map),
            Err(e) => {
                problems.push(problem(
                    BundleProblemKind::BadManifest,
                    Some(CATEGORIES_JSON),
                    format!("is not valid JSON ({e}); fix the edit, then run `tistory-migrate bundle` again"),
                ));
                None
            }
        },
        Err(_) => None,
    };
    let Some(categories) = categories else {
        return problems;
    };
    for post in &manifest.posts {
        let rel = format!("{}/{POST_JSON}", post.dir);
        let Ok(text) = std::fs::read_to_string(dir.join(&post.dir).join(POST_JSON)) else {
            continue; // already reported as missing
        };
        let Ok(meta) = serde_json::from_str::<PostManifest>(&text) else {
            problems.push(problem(
                BundleProblemKind::BadManifest,
                Some(&rel),
                "is not a valid post.json; run `tistory-migrate bundle` again".into(),
            ));
            continue;
        };
        let now = categories.naver_for(meta.category.tistory.as_deref());
        if now != meta.category.naver {
            problems.push(problem(
                BundleProblemKind::CategoryChanged,
                Some(&rel),
                format!(
                    "categories.json now maps {:?} to {:?}, but post.json says {:?}; run `tistory-migrate bundle` again to apply the edit",
                    meta.category.tistory.as_deref().unwrap_or("(uncategorised)"),
                    now.as_deref().unwrap_or("(Naver's default)"),
                    meta.category.naver.as_deref().unwrap_or("(Naver's default)")
                ),
            ));
        }
    }
    problems
}
