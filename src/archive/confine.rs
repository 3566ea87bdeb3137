//! The archive's folders stay inside it: a folder (`comments/`, `posts/`, `naver/`, …) that is a
//! symbolic link, or that resolves to a place outside the archive, would make writes and
//! deletions meant for the archive land elsewhere. Every command that writes into an archive
//! checks first and refuses, naming the folder and where it leads. Reads the file system only.

use std::path::{Path, PathBuf};

use super::layout::{ASSETS_DIR, COMMENTS_DIR, POSTS_DIR, RAW_DIR, RAW_PAGES_DIR};

/// The folders an archive holds (relative), checked by [`check_folders`].
pub const ARCHIVE_FOLDERS: &[&str] = &[
    RAW_DIR,
    ASSETS_DIR,
    POSTS_DIR,
    COMMENTS_DIR,
    "naver",
    "warc",
    "report",
    "redirects",
];

/// A folder of the archive that leads outside it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{folder} in {archive} leads outside it (to {target}); writes and deletions there would leave it. Replace the link with a real folder (move its content in), then run again"
)]
pub struct FolderOutside {
    /// The archive (or the output folder) it should stay inside.
    pub archive: PathBuf,
    /// The folder.
    pub folder: PathBuf,
    /// Where it resolves.
    pub target: PathBuf,
}

/// Checks every known folder of `archive` (and `raw/pages`): each that exists must be a real
/// directory (not a symbolic link) that resolves inside the archive.
///
/// # Errors
/// [`FolderOutside`] for the first folder that does not.
pub fn check_folders(archive: &Path) -> Result<(), FolderOutside> {
    let Ok(root) = archive.canonicalize() else {
        return Ok(());
    };
    let raw_pages = Path::new(RAW_DIR).join(RAW_PAGES_DIR);
    let folders = ARCHIVE_FOLDERS
        .iter()
        .map(PathBuf::from)
        .chain(std::iter::once(raw_pages));
    for rel in folders {
        let folder = archive.join(&rel);
        let Ok(meta) = std::fs::symlink_metadata(&folder) else {
            continue;
        };
        let target = folder.canonicalize().unwrap_or_else(|_| folder.clone());
        if meta.file_type().is_symlink() || !target.starts_with(&root) {
            return Err(FolderOutside {
                archive: archive.to_path_buf(),
                folder,
                target,
            });
        }
    }
    Ok(())
}

/// Checks that writing the file `rel` (a relative path) under `root` stays inside `root`: every
/// folder on the way that already exists must be a real directory (not a symbolic link) that
/// resolves inside `root`; folders not yet there will be created as real ones. A `root` that does
/// not exist yet passes.
///
/// # Errors
/// [`FolderOutside`] naming the first folder that leads out.
pub fn check_path_within(root: &Path, rel: &Path) -> Result<(), FolderOutside> {
    let Ok(canonical_root) = root.canonicalize() else {
        return Ok(());
    };
    let mut folder = root.to_path_buf();
    let parents = rel.parent().map(Path::components).into_iter().flatten();
    for part in parents {
        folder.push(part);
        let Ok(meta) = std::fs::symlink_metadata(&folder) else {
            return Ok(());
        };
        let target = folder.canonicalize().unwrap_or_else(|_| folder.clone());
        if meta.file_type().is_symlink() || !target.starts_with(&canonical_root) {
            return Err(FolderOutside {
                archive: root.to_path_buf(),
                folder,
                target,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn real_folders_pass_and_a_linked_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("a");
        std::fs::create_dir_all(archive.join("raw/pages")).unwrap();
        std::fs::create_dir_all(archive.join("posts")).unwrap();
        check_folders(&archive).unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, archive.join("comments")).unwrap();
        let err = check_folders(&archive).unwrap_err();
        assert_eq!(err.folder, archive.join("comments"));
        assert!(err.to_string().contains("leads outside"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_written_under_a_linked_folder_is_refused_at_any_depth() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        std::fs::create_dir_all(root.join("html/entry")).unwrap();
        let rel = Path::new("html/entry/spring/index.html");
        check_path_within(&root, rel).unwrap();
        // Not there yet at all: nothing to refuse.
        check_path_within(&dir.path().join("missing"), rel).unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join("html/entry/spring")).unwrap();
        let err = check_path_within(&root, rel).unwrap_err();
        assert_eq!(err.folder, root.join("html/entry/spring"));
        assert_eq!(err.target, elsewhere.canonicalize().unwrap());
        // A sibling path not under the link passes.
        check_path_within(&root, Path::new("html/entry/autumn/index.html")).unwrap();
        check_path_within(&root, Path::new("redirects.csv")).unwrap();
    }
}
