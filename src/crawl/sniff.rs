//! What an image URL really served, told by its first bytes rather than by `Content-Type`
//! (a CDN error page comes as `application/octet-stream` as often as `text/html`): the raster
//! formats by their magic numbers, SVG by its root element. Anything else is not an image, so it
//! is a failed asset and never goes into the Naver bundle as one. Pure.

/// An image format recognised by its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// GIF (87a or 89a).
    Gif,
    /// WebP.
    Webp,
    /// BMP.
    Bmp,
    /// TIFF.
    Tiff,
    /// ICO.
    Ico,
    /// AVIF or HEIC (ISO base media `ftyp` with an image brand).
    Heif,
    /// SVG (an XML document whose root is `<svg>`).
    Svg,
}

impl ImageFormat {
    /// The file extension it is stored under.
    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Gif => "gif",
            Self::Webp => "webp",
            Self::Bmp => "bmp",
            Self::Tiff => "tif",
            Self::Ico => "ico",
            Self::Heif => "heic",
            Self::Svg => "svg",
        }
    }
}

/// The image format of `bytes`, or `None` when they are not an image.
#[must_use]
pub fn sniff_image(bytes: &[u8]) -> Option<ImageFormat> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Some(ImageFormat::Png);
    }
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Some(ImageFormat::Jpeg);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Some(ImageFormat::Gif);
    }
    if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Some(ImageFormat::Webp);
    }
    if starts(b"BM") && bytes.len() > 14 {
        return Some(ImageFormat::Bmp);
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return Some(ImageFormat::Tiff);
    }
    if starts(&[0, 0, 1, 0]) && bytes.len() > 6 {
        return Some(ImageFormat::Ico);
    }
    if bytes.get(4..8) == Some(b"ftyp")
        && bytes.get(8..12).is_some_and(|brand| {
            [b"avif", b"avis", b"heic", b"heix", b"mif1", b"msf1"]
                .contains(&brand.try_into().unwrap_or(&[0u8; 4]))
        })
    {
        return Some(ImageFormat::Heif);
    }
    is_svg(bytes).then_some(ImageFormat::Svg)
}

/// An XML document whose first element is `<svg`: comments, a declaration and a doctype may
/// come first; an HTML document never passes.
fn is_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let Ok(text) =
        std::str::from_utf8(head).or_else(|e| std::str::from_utf8(&head[..e.valid_up_to()]))
    else {
        return false;
    };
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("<?") {
            let Some(end) = after.find("?>") else {
                return false;
            };
            rest = after[end + 2..].trim_start();
        } else if let Some(after) = rest.strip_prefix("<!--") {
            let Some(end) = after.find("-->") else {
                return false;
            };
            rest = after[end + 3..].trim_start();
        } else if rest.len() >= 9 && rest[..9].eq_ignore_ascii_case("<!doctype") {
            let Some(end) = rest.find('>') else {
                return false;
            };
            let doctype = &rest[..end];
            if !doctype.to_ascii_lowercase().contains("svg") {
                return false;
            }
            rest = rest[end + 1..].trim_start();
        } else {
            return rest.starts_with("<svg") || rest.starts_with("<svg:svg");
        }
    }
}

/// True when `bytes` begin an HTML document (`<!doctype html` or `<html`, after white space and
/// a byte-order mark, in any case): no PDF, archive or office file begins so.
#[must_use]
pub fn is_html_document(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

/// In a few words, what non-image bytes look like (for the error message).
#[must_use]
pub fn describe(bytes: &[u8]) -> &'static str {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    if head.contains("<html") || head.contains("<!doctype html") || head.contains("<body") {
        "an HTML page"
    } else if head.trim_start().starts_with('{') || head.trim_start().starts_with('[') {
        "JSON"
    } else if bytes.is_empty() {
        "an empty body"
    } else {
        "bytes of no image format"
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case::png(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".as_slice(), Some(ImageFormat::Png))]
    #[case::jpeg(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16], Some(ImageFormat::Jpeg))]
    #[case::gif(b"GIF89a\x01\0\x01\0", Some(ImageFormat::Gif))]
    #[case::webp(b"RIFF\x24\0\0\0WEBPVP8 ", Some(ImageFormat::Webp))]
    #[case::avif(b"\0\0\0\x1cftypavif\0\0\0\0", Some(ImageFormat::Heif))]
    #[case::svg(b"<?xml version=\"1.0\"?>\n<!-- drawn by hand -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>".as_slice(), Some(ImageFormat::Svg))]
    #[case::html(b"<!DOCTYPE html><html><body>Not Found</body></html>".as_slice(), None)]
    #[case::html_with_svg(b"<html><body><svg></svg></body></html>".as_slice(), None)]
    #[case::json(b"{\"error\":\"expired\"}".as_slice(), None)]
    #[case::empty(b"".as_slice(), None)]
    #[case::mp4(b"\0\0\0\x18ftypmp42\0\0\0\0", None)]
    fn formats(#[case] bytes: &[u8], #[case] expected: Option<ImageFormat>) {
        assert_eq!(sniff_image(bytes), expected);
    }

    #[test]
    fn html_documents() {
        assert!(is_html_document(
            b"\xef\xbb\xbf \n<!DOCTYPE HTML><title>x</title>"
        ));
        assert!(is_html_document(b"<html lang=ko>"));
        assert!(!is_html_document(b"%PDF-1.7 <html>"));
        assert!(!is_html_document(b"PK\x03\x04"));
    }

    #[test]
    fn descriptions() {
        assert_eq!(describe(b"<!doctype html><title>x</title>"), "an HTML page");
        assert_eq!(describe(b" {\"a\":1}"), "JSON");
        assert_eq!(describe(b""), "an empty body");
    }
}
