//! Bytes of a saved page to text: BOM, then `<meta charset>` / `http-equiv` in the first 4 KB, then
//! UTF-8, then EUC-KR (the legacy Korean charset) as a last resort. Rejects empty and binary files.
//! Pure: the caller reads the file.

use std::path::Path;
use std::sync::LazyLock;

use encoding_rs::{EUC_KR, Encoding, UTF_8};
use regex::bytes::Regex;

use crate::error::{Error, Result};

/// Default limit on the size of one saved page, in bytes (32 MiB; the largest real post seen is 0.6 MB).
pub const DEFAULT_MAX_PAGE_BYTES: u64 = 32 * 1024 * 1024;

/// A decoded page.
#[derive(Debug)]
pub struct DecodedPage {
    /// The page text.
    pub html: String,
    /// The charset it was decoded from.
    pub encoding: &'static str,
    /// Anything odd about the decoding.
    pub warnings: Vec<String>,
}

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)"#)
        .expect("charset regex is valid")
});

/// Decodes a saved page. `path` only names the file in errors.
///
/// # Errors
/// [`Error::EmptyPage`] for an empty or blank file, [`Error::BinaryPage`] for binary data.
pub fn decode_page(bytes: &[u8], path: &Path) -> Result<DecodedPage> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::EmptyPage {
            path: path.to_path_buf(),
        });
    }
    let head = &bytes[..bytes.len().min(8192)];
    let controls = head
        .iter()
        .filter(|b| **b == 0 || (**b < 0x09) || (0x0e..0x20).contains(*b))
        .count();
    if head.contains(&0) || controls * 20 > head.len() {
        return Err(Error::BinaryPage {
            path: path.to_path_buf(),
        });
    }
    let mut warnings = Vec::new();
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            warnings.push(format!(
                "some bytes are not valid {}; they were replaced",
                encoding.name()
            ));
        }
        return Ok(DecodedPage {
            html: text.into_owned(),
            encoding: encoding.name(),
            warnings,
        });
    }
    let declared = META_CHARSET
        .captures(&bytes[..bytes.len().min(4096)])
        .and_then(|c| Encoding::for_label(&c[1]));
    let encoding = match declared {
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => UTF_8,
        None => {
            warnings.push("no charset declared and not UTF-8: decoded as EUC-KR".to_string());
            EUC_KR
        }
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        warnings.push(format!(
            "some bytes are not valid {}; they were replaced",
            encoding.name()
        ));
    }
    Ok(DecodedPage {
        html: text.into_owned(),
        encoding: encoding.name(),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euc_kr_with_meta_charset() {
        let (bytes, _, _) = EUC_KR
            .encode("<html><head><meta charset=\"euc-kr\"></head><body>한강 산책</body></html>");
        let page = decode_page(&bytes, Path::new("a.html")).unwrap();
        assert!(page.html.contains("한강 산책"));
        assert_eq!(page.encoding, "EUC-KR");
        assert!(page.warnings.is_empty());
    }

    #[test]
    fn undeclared_legacy_bytes_fall_back_to_euc_kr() {
        let (bytes, _, _) = EUC_KR.encode("<p>골목길</p>");
        let page = decode_page(&bytes, Path::new("a.html")).unwrap();
        assert!(page.html.contains("골목길"));
        assert_eq!(page.warnings.len(), 1);
    }

    #[test]
    fn rejects_empty_and_binary() {
        assert!(matches!(
            decode_page(b"", Path::new("e")),
            Err(Error::EmptyPage { .. })
        ));
        assert!(matches!(
            decode_page(b" \n", Path::new("e")),
            Err(Error::EmptyPage { .. })
        ));
        assert!(matches!(
            decode_page(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Path::new("b")),
            Err(Error::BinaryPage { .. })
        ));
    }
}
