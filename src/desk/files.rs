//! Which files the desk may serve: only regular files inside the bundle directory. A request path
//! is percent-decoded once, split on `/`, and refused when any segment is empty, `.` or `..`, holds
//! a backslash, a NUL or a colon, or starts with a dot; the joined path is then canonicalised
//! (which resolves every symlink) and must still lie under the canonical bundle root. So `..` in
//! any spelling (`%2e%2e`, `..%2f`, `%252e%252e` is just a file name with a `%` in it), an
//! absolute path, and a symlink pointing out of the bundle all end in a refusal, never in a read.

use std::path::{Path, PathBuf};

/// Why a path was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FileRefusal {
    /// The path is not a plain relative path of ordinary names.
    #[error("the path {0:?} is not a plain path inside the bundle")]
    BadPath(String),
    /// There is no such file in the bundle (or it leads out of the bundle through a symlink).
    #[error("no file {0:?} in the bundle")]
    NotFound(String),
}

/// Decodes `%XX` escapes once; `None` for a broken escape or a result that is not UTF-8.
#[must_use]
pub fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Resolves `raw` (the still-encoded part of the URL after `/files/`) to a file under `root`,
/// which must already be canonical.
///
/// # Errors
/// [`FileRefusal::BadPath`] for any path that is not plain, [`FileRefusal::NotFound`] when the
/// file does not exist, is not a regular file, or resolves outside `root`.
pub fn resolve(root: &Path, raw: &str) -> Result<PathBuf, FileRefusal> {
    let bad = || FileRefusal::BadPath(raw.to_string());
    let decoded = percent_decode(raw).ok_or_else(bad)?;
    let mut joined = root.to_path_buf();
    for segment in decoded.split('/') {
        let plain = !segment.is_empty()
            && !segment.starts_with('.')
            && !segment.contains(['\\', '\0', ':']);
        if !plain {
            return Err(bad());
        }
        joined.push(segment);
    }
    let missing = || FileRefusal::NotFound(decoded.clone());
    let real = joined.canonicalize().map_err(|_| missing())?;
    if !real.starts_with(root) || !real.is_file() {
        return Err(missing());
    }
    Ok(real)
}

/// The `Content-Type` of a bundle file, by extension.
#[must_use]
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("bmp") => "image/bmp",
        // Served as text: an SVG in a bundle must not run script on the desk's origin.
        Some("svg" | "txt" | "md" | "csv") => "text/plain; charset=utf-8",
        Some("json") => "application/json",
        Some("html" | "htm") => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("bundle");
        std::fs::create_dir_all(root.join("0001_2014-03-09_1/images")).unwrap();
        std::fs::write(root.join("0001_2014-03-09_1/images/01.jpg"), b"jpg").unwrap();
        std::fs::write(dir.path().join("secret.txt"), b"secret").unwrap();
        let root = root.canonicalize().unwrap();
        (dir, root)
    }

    #[test]
    fn plain_paths_resolve() {
        let (_d, root) = tree();
        let p = resolve(&root, "0001_2014-03-09_1/images/01.jpg").unwrap();
        assert!(p.starts_with(&root));
        assert_eq!(
            resolve(&root, "0001_2014-03-09_1%2Fimages%2F01.jpg").unwrap(),
            p
        );
    }

    #[test]
    fn traversal_in_any_spelling_is_refused() {
        let (_d, root) = tree();
        for raw in [
            "../secret.txt",
            "../../etc/passwd",
            "%2e%2e/secret.txt",
            "%2E%2E%2Fsecret.txt",
            "..%2fsecret.txt",
            "0001_2014-03-09_1/../../secret.txt",
            "0001_2014-03-09_1/%2e%2e/%2e%2e/secret.txt",
            "%252e%252e/secret.txt",
            "..\\secret.txt",
            "%5c..%5csecret.txt",
            "/etc/passwd",
            "%2fetc%2fpasswd",
            "",
            "./0001_2014-03-09_1/images/01.jpg",
            "0001_2014-03-09_1//images/01.jpg",
            "%zz",
            "%c0%ae%c0%ae/secret.txt",
            "C:/Windows/win.ini",
            "0001_2014-03-09_1/images/01.jpg%00.txt",
        ] {
            assert!(resolve(&root, raw).is_err(), "{raw} must be refused");
        }
    }

    #[test]
    fn directories_are_not_files() {
        let (_d, root) = tree();
        assert!(matches!(
            resolve(&root, "0001_2014-03-09_1"),
            Err(FileRefusal::NotFound(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_bundle_are_refused() {
        let (dir, root) = tree();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        assert!(resolve(&root, "link.txt").is_err());
        assert!(resolve(&root, "up/secret.txt").is_err());
        std::os::unix::fs::symlink(
            root.join("0001_2014-03-09_1/images/01.jpg"),
            root.join("inside.jpg"),
        )
        .unwrap();
        assert!(resolve(&root, "inside.jpg").is_ok());
    }
}
