//! The HTTP message inside a `response` or `revisit` record: status, headers, and the payload
//! (the bytes after the head, which `WARC-Payload-Digest` covers), and the entity a browser
//! would see (chunked framing removed, content encoding decoded). Pure.

/// A parsed HTTP response block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header fields in order.
    pub headers: Vec<(String, String)>,
    /// The payload as recorded (after the blank line).
    pub payload: Vec<u8>,
}

impl HttpResponse {
    /// Parses a response block; `None` when it does not start with an HTTP status line.
    #[must_use]
    pub fn parse(block: &[u8]) -> Option<Self> {
        let end = find(block, b"\r\n\r\n")
            .map(|i| (i, i + 4))
            .or_else(|| find(block, b"\n\n").map(|i| (i, i + 2)))
            .unwrap_or((block.len(), block.len()));
        let head = String::from_utf8_lossy(&block[..end.0]);
        let mut lines = head.lines();
        let status_line = lines.next()?;
        let mut parts = status_line.split_whitespace();
        if !parts.next()?.starts_with("HTTP/") {
            return None;
        }
        let status = parts.next()?.parse().ok()?;
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        Some(Self {
            status,
            headers,
            payload: block[end.1..].to_vec(),
        })
    }

    /// A header's value (case-insensitive name).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `Content-Type` without parameters, lowercased.
    #[must_use]
    pub fn mime(&self) -> Option<String> {
        self.header("Content-Type")
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .filter(|v| !v.is_empty())
    }

    /// The entity: de-chunked when the payload is chunked, decoded when it is gzip or deflate
    /// (never past [`MAX_ENTITY_BYTES`]).
    ///
    /// # Errors
    /// [`PayloadError`] when the framing or the encoding is broken or unknown.
    pub fn entity(&self) -> Result<Vec<u8>, PayloadError> {
        self.entity_within(MAX_ENTITY_BYTES)
    }

    /// [`HttpResponse::entity`], inflated to no more than `limit` bytes (the cap the WARC was
    /// recorded under, [`super::inflate_cap`]).
    ///
    /// # Errors
    /// As [`HttpResponse::entity`].
    pub fn entity_within(&self, limit: u64) -> Result<Vec<u8>, PayloadError> {
        let chunked = self
            .header("Transfer-Encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        // Some writers record a de-chunked body under its original header: then the payload is
        // not framed and is taken as it is.
        let body = if chunked {
            dechunk(&self.payload).unwrap_or_else(|_| self.payload.clone())
        } else {
            self.payload.clone()
        };
        crate::fetch::inflate::decode_body(self.header("Content-Encoding"), body, limit)
            .map_err(PayloadError::Decode)
    }
}

/// The most a recorded entity may inflate to (the crawler's default `--max-body-bytes`): a
/// recorded decompression bomb is skipped with a note, not inflated into memory.
pub const MAX_ENTITY_BYTES: u64 = crate::fetch::policy::DEFAULT_MAX_BODY_BYTES;

/// A recorded HTTP payload that cannot be turned into its entity.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// A chunk size line without its end.
    #[error("a chunk size line has no end")]
    ChunkLine,
    /// A chunk size that is not hexadecimal.
    #[error("bad chunk size {0:?}")]
    ChunkSize(String),
    /// A chunk shorter than its size.
    #[error("a chunk is cut off")]
    ChunkCut,
    /// A gzip or deflate body that does not decode, an encoding the reader does not know, or
    /// an entity that inflates past [`MAX_ENTITY_BYTES`].
    #[error("the recorded body cannot be decoded")]
    Decode(#[source] crate::fetch::ContentDecodeError),
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Removes chunked transfer framing.
///
/// # Errors
/// [`PayloadError`] when a chunk size is unreadable or a chunk is cut off.
pub fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, PayloadError> {
    let mut out = Vec::new();
    loop {
        let line_end = find(data, b"\r\n").ok_or(PayloadError::ChunkLine)?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| PayloadError::ChunkSize(size_text.to_owned()))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size {
            return Err(PayloadError::ChunkCut);
        }
        out.extend_from_slice(&data[..size]);
        data = data.get(size + 2..).unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status_headers_and_payload() {
        let r = HttpResponse::parse(
            b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>x</p>",
        )
        .unwrap();
        assert_eq!(r.status, 404);
        assert_eq!(r.mime().as_deref(), Some("text/html"));
        assert_eq!(r.payload, b"<p>x</p>");
        assert!(HttpResponse::parse(b"GET / HTTP/1.1\r\n\r\n").is_none());
    }

    #[test]
    fn entity_removes_chunking_and_gzip() {
        use std::io::Write as _;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(b"hello world").unwrap();
        let gz = enc.finish().unwrap();
        let (a, b) = gz.split_at(5);
        let mut chunked = format!("{:x}\r\n", a.len()).into_bytes();
        chunked.extend_from_slice(a);
        chunked.extend_from_slice(format!("\r\n{:X};ext=1\r\n", b.len()).as_bytes());
        chunked.extend_from_slice(b);
        chunked.extend_from_slice(b"\r\n0\r\n\r\n");
        let mut block =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
                .to_vec();
        block.extend_from_slice(&chunked);
        let r = HttpResponse::parse(&block).unwrap();
        assert_eq!(r.entity().unwrap(), b"hello world");
        assert!(dechunk(b"zz\r\n").is_err());
        // A recorded bomb stops at the cap.
        let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        bomb.write_all(&vec![0u8; 2 << 20]).unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        block.extend_from_slice(&bomb.finish().unwrap());
        let err = HttpResponse::parse(&block)
            .unwrap()
            .entity_within(1 << 20)
            .unwrap_err();
        assert!(
            matches!(
                err,
                PayloadError::Decode(crate::fetch::ContentDecodeError::TooLarge { .. })
            ),
            "{err}"
        );
        assert!(dechunk(b"10\r\nshort").is_err());
    }
}
