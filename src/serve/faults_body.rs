//! The replay's faults that change a reply's bytes rather than its delivery: bodies that claim
//! gzip (cut in the middle of the compressed stream, a decompression bomb, plain bytes under a
//! gzip header), and bodies that differ on every request. The handler applies them; each
//! function here is pure but for reading a site file.

use std::io::Write as _;

use axum::body::Bytes;

use super::faults::FaultKind;
use super::routes::{Reply, ReplyBody};

/// The bytes a reply sends, reading a site file when it is one (`None` when it cannot be read).
pub(crate) async fn reply_bytes(body: &ReplyBody) -> Option<Bytes> {
    match body {
        ReplyBody::Bytes(bytes) => Some(bytes.clone()),
        ReplyBody::File(path) => tokio::fs::read(path).await.ok().map(Bytes::from),
    }
}

/// `reply` made different for request number `n` of its address ([`FaultKind::Vary`]): an
/// HTML page gets `<!-- served N -->` before its last `</body>`, any other body the decimal
/// digits of `n` appended.
pub(crate) async fn varied(mut reply: Reply, n: usize) -> Reply {
    let Some(bytes) = reply_bytes(&reply.body).await else {
        return reply;
    };
    let mut out = bytes.to_vec();
    let mark = format!("<!-- served {n} -->");
    let html = reply.content_type.starts_with("text/html");
    match html.then(|| find_last(&out, b"</body>")).flatten() {
        Some(at) => {
            out.splice(at..at, mark.into_bytes());
        }
        None if html => out.extend_from_slice(mark.as_bytes()),
        None => out.extend_from_slice(n.to_string().as_bytes()),
    }
    reply.body = ReplyBody::Bytes(Bytes::from(out));
    reply
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// gzip of `parts`, one after the other.
fn gzip(parts: &[&[u8]]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    for part in parts {
        encoder
            .write_all(part)
            .expect("writing into a Vec cannot fail");
    }
    encoder.finish().expect("writing into a Vec cannot fail")
}

/// The zeros a bomb inflates to are written this many at a time.
const BOMB_PIECE: usize = 64 * 1024;

fn bomb(body: &[u8], zeros: u64) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(body)
        .expect("writing into a Vec cannot fail");
    let piece = vec![0u8; BOMB_PIECE];
    let mut left = zeros;
    while left > 0 {
        let n = usize::try_from(left.min(BOMB_PIECE as u64)).unwrap_or(BOMB_PIECE);
        encoder
            .write_all(&piece[..n])
            .expect("writing into a Vec cannot fail");
        left -= n as u64;
    }
    encoder.finish().expect("writing into a Vec cannot fail")
}

/// The body to send under a gzip fault, and whether to claim `Content-Encoding: gzip` for it;
/// any other fault leaves `bytes` as they are.
pub(crate) fn encoded(fault: Option<FaultKind>, bytes: Bytes) -> (Bytes, bool) {
    match fault {
        Some(FaultKind::GzipCut) => {
            let whole = gzip(&[&bytes]);
            (Bytes::from(whole[..whole.len() / 2].to_vec()), true)
        }
        Some(FaultKind::GzipBomb(zeros)) => (Bytes::from(bomb(&bytes, zeros)), true),
        Some(FaultKind::NotGzip) => (bytes, true),
        _ => (bytes, false),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn inflate(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn a_cut_gzip_stream_does_not_inflate() {
        let page = Bytes::from_static(b"<html><body>a page long enough to compress</body></html>");
        let (sent, gz) = encoded(Some(FaultKind::GzipCut), page);
        assert!(gz);
        assert!(inflate(&sent).is_err());
    }

    #[test]
    fn a_bomb_is_small_and_inflates_past_its_zeros() {
        let (sent, gz) = encoded(
            Some(FaultKind::GzipBomb(8 << 20)),
            Bytes::from_static(b"<html>"),
        );
        assert!(gz);
        assert!(sent.len() < 16 * 1024, "{} bytes sent", sent.len());
        assert_eq!(inflate(&sent).unwrap().len(), 6 + (8 << 20));
    }

    #[test]
    fn plain_bytes_claimed_as_gzip_are_sent_as_they_are() {
        let (sent, gz) = encoded(Some(FaultKind::NotGzip), Bytes::from_static(b"<html>"));
        assert!(gz);
        assert_eq!(&sent[..], b"<html>");
        assert!(inflate(&sent).is_err());
    }

    #[tokio::test]
    async fn varied_bodies_differ_per_request() {
        let page = Reply::bytes(200, "text/html", "<html><body>x</body></html>");
        let one = varied(page.clone(), 1).await;
        let two = varied(page, 2).await;
        assert_eq!(
            one.body,
            ReplyBody::Bytes(Bytes::from_static(
                b"<html><body>x<!-- served 1 --></body></html>"
            ))
        );
        assert_ne!(one.body, two.body);
        let image = Reply::bytes(200, "image/png", &b"\x89PNG"[..]);
        assert_eq!(
            varied(image, 7).await.body,
            ReplyBody::Bytes(Bytes::from_static(b"\x89PNG7"))
        );
    }
}
