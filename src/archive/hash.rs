//! The one way this tool names content: sha256, lowercase hex. Raw pages, assets, comments files,
//! bundle files and the extracted-post artifacts are all keyed or checked by it, so every stage
//! must compute it the same way.

use std::io::Read as _;
use std::path::Path;

use sha2::{Digest as _, Sha256};

/// sha256 of `bytes`, lowercase hex (64 characters).
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// sha256 of several parts fed in order (no separator is added), lowercase hex.
#[must_use]
pub fn sha256_hex_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

/// sha256 of a file, lowercase hex, read in chunks (a large asset is never held whole).
///
/// # Errors
/// The I/O error when the file cannot be opened or read.
pub fn file_sha256_hex(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_agree_with_the_known_digest() {
        // sha256("abc") from FIPS 180-2, appendix B.1.
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(sha256_hex(b"abc"), abc);
        assert_eq!(sha256_hex_parts([&b"a"[..], b"bc"]), abc);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"abc").unwrap();
        assert_eq!(file_sha256_hex(&path).unwrap(), abc);
        assert!(file_sha256_hex(&dir.path().join("missing")).is_err());
    }
}
