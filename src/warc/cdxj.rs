//! The CDXJ index (pywb's format): one line per `response`, `revisit` and `resource` record,
//! `<SURT> <14-digit timestamp> {"url":…,"mime":…,"status":…,"digest":…,"length":…,
//! "offset":…,"filename":…}`, sorted, so pywb and other replay tools can find a capture without
//! reading the WARC. Building lines is pure; [`write_index`] reads the finished files and writes
//! `index.cdxj` atomically.

use std::path::Path;

use serde_json::json;
use url::Url;

use super::http::HttpResponse;
use super::reader::{ReadRecord, RecordReader, WarcReadError, warc_files};

/// The index file's name, beside the WARC files.
pub const INDEX_FILE: &str = "index.cdxj";

/// The Sort-friendly URI Reordering Transform of a URL: `com,tistory,name)/10?x=1`. Hosts are
/// lowercased, reversed by label, `www.` dropped; IP addresses stay as they are; a port other than
/// the scheme's default is kept.
#[must_use]
pub fn surt(url: &str) -> String {
    let Ok(parsed) = Url::parse(url) else {
        return url.to_ascii_lowercase();
    };
    let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
    let host = match parsed.host() {
        Some(url::Host::Domain(_)) => {
            let host = host.strip_prefix("www.").unwrap_or(&host);
            host.split('.').rev().collect::<Vec<_>>().join(",")
        }
        _ => host,
    };
    let port = parsed.port().map(|p| format!(":{p}")).unwrap_or_default();
    let mut path = parsed.path().to_ascii_lowercase();
    if let Some(q) = parsed.query() {
        let mut pairs: Vec<&str> = q.split('&').collect();
        pairs.sort_unstable();
        path.push('?');
        path.push_str(&pairs.join("&").to_ascii_lowercase());
    }
    format!("{host}{port}){path}")
}

/// The index line of a record, `None` for records that are not captures (requests, warcinfo,
/// metadata) or name no target.
#[must_use]
pub fn index_line(record: &ReadRecord, filename: &str) -> Option<String> {
    let kind = record.kind();
    if !matches!(kind.as_str(), "response" | "revisit" | "resource") {
        return None;
    }
    let uri = record.get("WARC-Target-URI")?.trim_matches(['<', '>']);
    let timestamp: String = record
        .get("WARC-Date")
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect();
    let mut fields = serde_json::Map::new();
    fields.insert("url".into(), json!(uri));
    let http = (kind != "resource")
        .then(|| HttpResponse::parse(&record.block))
        .flatten();
    let mime = if kind == "revisit" {
        Some("warc/revisit".to_string())
    } else if let Some(h) = &http {
        h.mime()
    } else {
        record.get("Content-Type").map(str::to_string)
    };
    if let Some(mime) = mime {
        fields.insert("mime".into(), json!(mime));
    }
    if let Some(h) = &http {
        fields.insert("status".into(), json!(h.status.to_string()));
    }
    if let Some(d) = record.get("WARC-Payload-Digest") {
        fields.insert("digest".into(), json!(d));
    }
    fields.insert("length".into(), json!(record.length.to_string()));
    fields.insert("offset".into(), json!(record.offset.to_string()));
    fields.insert("filename".into(), json!(filename));
    Some(format!(
        "{} {timestamp} {}",
        surt(uri),
        serde_json::Value::Object(fields)
    ))
}

/// Indexes every finished WARC file in `dir` into `dir/index.cdxj` (temp file, then rename).
/// Returns the number of lines.
///
/// # Errors
/// A damaged file, or the index cannot be written.
pub fn write_index(dir: &Path) -> Result<usize, WarcReadError> {
    let mut lines = Vec::new();
    let io = |source| WarcReadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for file in warc_files(dir).map_err(io)? {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for record in RecordReader::open(&file)? {
            if let Some(line) = index_line(&record?, &name) {
                lines.push(line);
            }
        }
    }
    lines.sort();
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    crate::archive::store::write_atomic(&dir.join(INDEX_FILE), text.as_bytes()).map_err(|e| {
        WarcReadError::Io {
            path: dir.join(INDEX_FILE),
            source: std::io::Error::other(crate::report::error_chain(&e)),
        }
    })?;
    Ok(lines.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surts() {
        assert_eq!(
            surt("https://www.Hangang-Notes.tistory.com/10"),
            "com,tistory,hangang-notes)/10"
        );
        assert_eq!(
            surt("http://127.0.0.1:8080/?page=2"),
            "127.0.0.1:8080)/?page=2"
        );
        assert_eq!(
            surt("https://blog.kakaocdn.net/dn/A/img.JPG?b=2&a=1"),
            "net,kakaocdn,blog)/dn/a/img.jpg?a=1&b=2"
        );
    }

    #[test]
    fn index_lines_for_responses_only() {
        let response = ReadRecord {
            offset: 120,
            length: 300,
            fields: vec![
                ("WARC-Type".into(), "response".into()),
                ("WARC-Target-URI".into(), "http://127.0.0.1:9/10".into()),
                ("WARC-Date".into(), "2026-12-01T09:08:07.123456Z".into()),
                ("WARC-Payload-Digest".into(), "sha256:AAAA".into()),
            ],
            block: b"HTTP/1.1 200 OK\r\nContent-Type: text/html;charset=UTF-8\r\n\r\nx".to_vec(),
        };
        let line = index_line(&response, "a.warc.gz").unwrap();
        let (key, rest) = line.split_once(' ').unwrap();
        assert_eq!(key, "127.0.0.1:9)/10");
        let (ts, json) = rest.split_once(' ').unwrap();
        assert_eq!(ts, "20261201090807");
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["mime"], "text/html");
        assert_eq!(v["status"], "200");
        assert_eq!(v["offset"], "120");
        assert_eq!(v["length"], "300");
        assert_eq!(v["digest"], "sha256:AAAA");
        let request = ReadRecord {
            fields: vec![("WARC-Type".into(), "request".into())],
            ..response
        };
        assert_eq!(index_line(&request, "a.warc.gz"), None);
    }
}
