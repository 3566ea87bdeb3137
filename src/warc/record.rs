//! WARC/1.1 records as bytes (ISO 28500:2017): `warcinfo`, `request`, `response` and `revisit`,
//! each with `WARC-Record-ID`, `WARC-Date`, `WARC-Block-Digest` and, for HTTP payloads,
//! `WARC-Payload-Digest`. Digests are sha256 in base32 (RFC 4648), the form warcio and pywb
//! check. Pure: values in, bytes out; compression and files are the writer's.

use chrono::{DateTime, Utc};
use sha2::{Digest as _, Sha256};

use crate::fetch::tap::Exchange;

/// The revisit profile this tool writes: the payload is identical to an earlier record's.
pub const REVISIT_PROFILE: &str =
    "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest";

/// A `<urn:uuid:…>` record id (random, version 4).
#[must_use]
pub fn new_record_id() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// `sha256:<BASE32>` of `bytes`.
#[must_use]
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", base32(&Sha256::digest(bytes)))
}

/// RFC 4648 base32 with padding.
#[must_use]
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = buf.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < chars {
                let index = usize::try_from((n >> (35 - i * 5)) & 31).unwrap_or(0);
                out.push(char::from(ALPHABET[index]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes RFC 4648 base32 (padding optional); `None` when it is not base32.
#[must_use]
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u64, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        acc = (acc << 5) | u64::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap_or(0));
        }
    }
    Some(out)
}

/// A digest header value (`sha256:…`, base32 or hex) as lowercase hex, when it is sha256.
#[must_use]
pub fn sha256_hex_of_digest(value: &str) -> Option<String> {
    let (algo, encoded) = value.trim().split_once(':')?;
    if !algo.eq_ignore_ascii_case("sha256") {
        return None;
    }
    if encoded.len() == 64 && encoded.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(encoded.to_ascii_lowercase());
    }
    base32_decode(encoded)
        .filter(|b| b.len() == 32)
        .map(hex::encode)
}

/// The `WARC-Date` form: UTC, microseconds.
#[must_use]
pub fn warc_date(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// One record: named header fields and a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Header fields in order (`WARC-Type` first).
    pub fields: Vec<(String, String)>,
    /// The block.
    pub block: Vec<u8>,
}

impl Record {
    fn new(kind: &str, id: &str, date: &str, content_type: &str, block: Vec<u8>) -> Self {
        Self {
            fields: vec![
                ("WARC-Type".into(), kind.into()),
                ("WARC-Record-ID".into(), id.into()),
                ("WARC-Date".into(), date.into()),
                ("Content-Type".into(), content_type.into()),
            ],
            block,
        }
    }

    fn field(mut self, name: &str, value: impl Into<String>) -> Self {
        self.fields.push((name.to_string(), value.into()));
        self
    }

    /// The value of a header field.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The record serialised: version line, fields, `Content-Length`, block, two CRLFs.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.block.len() + 512);
        out.extend_from_slice(b"WARC/1.1\r\n");
        for (k, v) in &self.fields {
            // A field value never carries a line break (URLs and ids are ours or parsed).
            let v = v.replace(['\r', '\n'], " ");
            out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", self.block.len()).as_bytes());
        out.extend_from_slice(&self.block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }
}

/// The `warcinfo` record that opens every file.
#[must_use]
pub fn warcinfo(id: &str, date: &str, filename: &str, info: &[(String, String)]) -> Record {
    let mut block = String::new();
    for (k, v) in info {
        block.push_str(&format!("{k}: {}\r\n", v.replace(['\r', '\n'], " ")));
    }
    Record::new(
        "warcinfo",
        id,
        date,
        "application/warc-fields",
        block.into_bytes(),
    )
    .field("WARC-Filename", filename)
    .with_block_digest()
}

impl Record {
    fn with_block_digest(self) -> Self {
        let digest = sha256_digest(&self.block);
        self.field("WARC-Block-Digest", digest)
    }
}

/// The HTTP request message of an exchange.
#[must_use]
pub fn http_request_block(ex: &Exchange) -> Vec<u8> {
    let target = match ex.url.query() {
        Some(q) => format!("{}?{q}", ex.url.path()),
        None => ex.url.path().to_string(),
    };
    let mut out = format!("{} {target} HTTP/1.1\r\n", ex.method);
    for (k, v) in &ex.request_headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// The HTTP response head (status line and headers, ending in the blank line).
#[must_use]
pub fn http_response_head(ex: &Exchange) -> Vec<u8> {
    let reason = http_reason(ex.status);
    let mut out = format!("{} {} {reason}\r\n", ex.version, ex.status).into_bytes();
    for (k, v) in &ex.response_headers {
        // The body is recorded de-chunked (the HTTP client removes the framing), so a
        // `Transfer-Encoding` is kept under pywb's name for a header that no longer applies.
        if k.eq_ignore_ascii_case("transfer-encoding") {
            out.extend_from_slice(b"X-Archive-Orig-");
        }
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

fn http_reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// What the writer knows of the record an identical payload was first stored in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Original {
    /// Its `WARC-Record-ID`.
    pub id: String,
    /// Its `WARC-Target-URI`.
    pub uri: String,
    /// Its `WARC-Date`.
    pub date: String,
}

/// The ids and digest shared by the records of one exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeIds {
    /// The `warcinfo` record of the file.
    pub warcinfo: String,
    /// The request record.
    pub request: String,
    /// The response (or revisit) record.
    pub response: String,
}

/// The `request` and `response` records of an exchange (a `revisit` instead of the response when
/// `original` holds the same payload).
#[must_use]
pub fn exchange_records(
    ex: &Exchange,
    ids: &ExchangeIds,
    original: Option<&Original>,
) -> [Record; 2] {
    let date = warc_date(ex.sent_at);
    let uri = ex.url.as_str();
    let request = Record::new(
        "request",
        &ids.request,
        &date,
        "application/http;msgtype=request",
        http_request_block(ex),
    )
    .field("WARC-Target-URI", uri)
    .field("WARC-Warcinfo-ID", &ids.warcinfo)
    .field("WARC-Concurrent-To", &ids.response)
    .with_block_digest();
    let payload_digest = sha256_digest(&ex.body);
    let head = http_response_head(ex);
    let response = match original {
        Some(o) => Record::new(
            "revisit",
            &ids.response,
            &date,
            "application/http;msgtype=response",
            head,
        )
        .field("WARC-Target-URI", uri)
        .field("WARC-Warcinfo-ID", &ids.warcinfo)
        .field("WARC-Concurrent-To", &ids.request)
        .field("WARC-Profile", REVISIT_PROFILE)
        .field("WARC-Refers-To", &o.id)
        .field("WARC-Refers-To-Target-URI", &o.uri)
        .field("WARC-Refers-To-Date", &o.date)
        .field("WARC-Truncated", "length")
        .field("WARC-Payload-Digest", payload_digest),
        None => {
            let mut block = head;
            block.extend_from_slice(&ex.body);
            Record::new(
                "response",
                &ids.response,
                &date,
                "application/http;msgtype=response",
                block,
            )
            .field("WARC-Target-URI", uri)
            .field("WARC-Warcinfo-ID", &ids.warcinfo)
            .field("WARC-Concurrent-To", &ids.request)
            .field("WARC-Payload-Digest", payload_digest)
        }
    };
    let response = match ex.remote_ip {
        Some(ip) => response.field("WARC-IP-Address", ip.to_string()),
        None => response,
    };
    [request, response.with_block_digest()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_rfc_4648_vectors() {
        // RFC 4648 §10.
        for (input, expected) in [
            ("", ""),
            ("f", "MY======"),
            ("fo", "MZXQ===="),
            ("foo", "MZXW6==="),
            ("foob", "MZXW6YQ="),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI======"),
        ] {
            assert_eq!(base32(input.as_bytes()), expected, "{input}");
            assert_eq!(base32_decode(expected).unwrap(), input.as_bytes());
        }
    }

    #[test]
    fn sha256_digest_of_empty_reads_back_as_its_hex() {
        // sha256("") is e3b0c442...b855 (FIPS 180-4 test vector).
        let digest = sha256_digest(b"");
        let hex = sha256_hex_of_digest(&digest).unwrap();
        assert_eq!(
            hex,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex_of_digest(&format!("sha256:{hex}")).as_deref(),
            Some(hex.as_str())
        );
        assert_eq!(sha256_hex_of_digest("sha1:ABCDEF"), None);
    }

    #[test]
    fn record_ids_are_v4_uuids() {
        let id = new_record_id();
        assert!(id.starts_with("<urn:uuid:") && id.ends_with('>'));
        let uuid = &id[10..id.len() - 1];
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert_ne!(new_record_id(), id);
    }

    fn exchange(body: &[u8]) -> Exchange {
        Exchange {
            url: url::Url::parse("http://127.0.0.1:9/10?x=1").unwrap(),
            method: "GET".into(),
            request_headers: vec![("Host".into(), "127.0.0.1:9".into())],
            version: "HTTP/1.1".into(),
            status: 200,
            response_headers: vec![("content-type".into(), b"text/html".to_vec())],
            body: body.to_vec(),
            remote_ip: None,
            sent_at: DateTime::parse_from_rfc3339("2026-12-01T09:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        }
    }

    #[test]
    fn a_response_record_carries_the_head_and_body_and_both_digests() {
        let ids = ExchangeIds {
            warcinfo: "<urn:uuid:i>".into(),
            request: "<urn:uuid:q>".into(),
            response: "<urn:uuid:r>".into(),
        };
        let [req, resp] = exchange_records(&exchange(b"<p>hi</p>"), &ids, None);
        assert_eq!(
            req.block,
            b"GET /10?x=1 HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n".to_vec()
        );
        assert_eq!(req.get("WARC-Concurrent-To"), Some("<urn:uuid:r>"));
        assert_eq!(
            resp.block,
            b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\n\r\n<p>hi</p>".to_vec()
        );
        assert_eq!(resp.get("WARC-Date"), Some("2026-12-01T09:00:00.000000Z"));
        assert_eq!(
            resp.get("WARC-Payload-Digest").map(str::to_string),
            Some(sha256_digest(b"<p>hi</p>"))
        );
        assert_eq!(
            resp.get("WARC-Block-Digest").map(str::to_string),
            Some(sha256_digest(&resp.block))
        );
        let bytes = resp.to_bytes();
        assert!(bytes.starts_with(b"WARC/1.1\r\nWARC-Type: response\r\n"));
        assert!(bytes.ends_with(b"<p>hi</p>\r\n\r\n"));
    }

    #[test]
    fn a_revisit_keeps_only_the_head_and_names_the_original() {
        let ids = ExchangeIds {
            warcinfo: "<urn:uuid:i>".into(),
            request: "<urn:uuid:q>".into(),
            response: "<urn:uuid:r>".into(),
        };
        let original = Original {
            id: "<urn:uuid:o>".into(),
            uri: "http://127.0.0.1:9/10?x=1".into(),
            date: "2026-11-30T00:00:00.000000Z".into(),
        };
        let [_, revisit] = exchange_records(&exchange(b"<p>hi</p>"), &ids, Some(&original));
        assert_eq!(revisit.get("WARC-Type"), Some("revisit"));
        assert_eq!(revisit.get("WARC-Refers-To"), Some("<urn:uuid:o>"));
        assert_eq!(revisit.get("WARC-Profile"), Some(REVISIT_PROFILE));
        assert!(!revisit.block.ends_with(b"<p>hi</p>"));
    }
}
