//! Undoing a response's `Content-Encoding` (gzip, x-gzip, deflate or none) with a cap on what it
//! inflates to: a few KB that inflate past the cap (a decompression bomb) stop at the cap with
//! [`ContentDecodeError::TooLarge`] instead of filling memory; a gzip stream cut in the middle,
//! or bytes that are not gzip at all, are [`ContentDecodeError::Broken`]. Both fetchers (the
//! plain one and the recording one) and nothing else decode bodies. Pure.

use std::io::Read as _;

/// A body that cannot be decoded to what the crawler reads.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ContentDecodeError {
    /// An encoding other than gzip, x-gzip, deflate or identity.
    #[error("the server sent Content-Encoding {0}, which tistory-migrate cannot decode")]
    Unknown(String),
    /// The encoded body is broken: cut in the middle of the stream, or not in that encoding.
    #[error("the body does not decode as the {encoding} it was sent as")]
    Broken {
        /// The encoding claimed.
        encoding: String,
        /// What the decoder said.
        #[source]
        source: std::io::Error,
    },
    /// The body inflates past the cap on one body.
    #[error("the {encoding} body inflates past {limit} bytes (a decompression bomb?)")]
    TooLarge {
        /// The encoding claimed.
        encoding: String,
        /// The cap (`--max-body-bytes`).
        limit: u64,
    },
}

/// `body` decoded from `encoding` (the `Content-Encoding` header's value, `None` when there is
/// none), never more than `limit` bytes.
///
/// # Errors
/// [`ContentDecodeError`] when the encoding is unknown, the body does not decode, or it inflates
/// past `limit`.
pub fn decode_body(
    encoding: Option<&str>,
    body: Vec<u8>,
    limit: u64,
) -> Result<Vec<u8>, ContentDecodeError> {
    let encoding = encoding.map(|e| e.trim().to_ascii_lowercase());
    let Some(encoding) = encoding.filter(|e| !e.is_empty() && e != "identity") else {
        return Ok(body);
    };
    let reader: Box<dyn std::io::Read + '_> = match encoding.as_str() {
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(body.as_slice())),
        "deflate" => Box::new(flate2::read::ZlibDecoder::new(body.as_slice())),
        _ => return Err(ContentDecodeError::Unknown(encoding)),
    };
    let mut out = Vec::with_capacity(body.len().saturating_mul(4).min(1 << 20));
    // One byte past the cap tells "at the cap" from "past it".
    match reader.take(limit.saturating_add(1)).read_to_end(&mut out) {
        Ok(_) if out.len() as u64 > limit => Err(ContentDecodeError::TooLarge { encoding, limit }),
        Ok(_) => Ok(out),
        Err(source) => Err(ContentDecodeError::Broken { encoding, source }),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn plain_and_gzip_bodies_decode() {
        assert_eq!(decode_body(None, b"abc".to_vec(), 10).unwrap(), b"abc");
        assert_eq!(
            decode_body(Some(" identity "), b"abc".to_vec(), 10).unwrap(),
            b"abc"
        );
        assert_eq!(
            decode_body(Some("GZIP"), gzip(b"hello"), 5).unwrap(),
            b"hello",
            "exactly at the cap"
        );
    }

    #[test]
    fn a_bomb_stops_at_the_cap() {
        let bomb = gzip(&vec![0u8; 4 << 20]);
        assert!(bomb.len() < 8 * 1024, "{}", bomb.len());
        let err = decode_body(Some("gzip"), bomb, 1 << 20).unwrap_err();
        assert!(
            matches!(err, ContentDecodeError::TooLarge { limit, .. } if limit == 1 << 20),
            "{err}"
        );
    }

    #[test]
    fn cut_and_false_gzip_are_broken() {
        let whole = gzip(b"a body that is long enough to be cut in the middle of its stream");
        let cut = whole[..whole.len() / 2].to_vec();
        for body in [cut, b"<html>not gzip</html>".to_vec()] {
            let err = decode_body(Some("gzip"), body, 1 << 20).unwrap_err();
            assert!(matches!(err, ContentDecodeError::Broken { .. }), "{err}");
        }
        assert!(matches!(
            decode_body(Some("br"), b"x".to_vec(), 10),
            Err(ContentDecodeError::Unknown(e)) if e == "br"
        ));
    }
}
