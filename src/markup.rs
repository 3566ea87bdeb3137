//! Escaping, in one place: text for HTML and XML (every page, report and feed the tool writes goes
//! through [`push_escaped`]; unchanged runs are copied in bulk, bodies can be megabytes), URL
//! path segments ([`encode_segment`]) and their decoding ([`percent_decode`] when the result must
//! be UTF-8, [`percent_decode_lossy`] for display and lookups). Every decoder keeps a `%` that is
//! not followed by two hex digits as written; all of it is the `percent-encoding` crate.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// What [`encode_segment`] escapes: everything but the RFC 3986 unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Appends `s` to `out` with `&`, `<`, `>`, `"` and `'` escaped: safe in element content and in
/// quoted attribute values.
pub fn push_escaped(s: &str, out: &mut String) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// `s` escaped as by [`push_escaped`].
#[must_use]
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_escaped(s, &mut out);
    out
}

/// Percent-encodes every byte except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`), as
/// `encodeURIComponent` does for the characters Tistory slugs and category names contain.
#[must_use]
pub fn encode_segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// Decodes `%XX` escapes; `None` when the bytes are not UTF-8 (a slug that names nothing).
#[must_use]
pub fn percent_decode(s: &str) -> Option<String> {
    percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

/// Decodes `%XX` escapes; bytes that are not UTF-8 become U+FFFD (for display and lookups).
#[must_use]
pub fn percent_decode_lossy(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_and_keeps_the_rest() {
        assert_eq!(
            escape_html(r#"a<b>&"c"'d' 한강"#),
            "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39; 한강"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(
            encode_segment("봄 벚꽃-산책"),
            "%EB%B4%84%20%EB%B2%9A%EA%BD%83-%EC%82%B0%EC%B1%85"
        );
        assert_eq!(encode_segment("a-Z.0_~!/%"), "a-Z.0_~%21%2F%25");
    }

    #[test]
    fn decoders_keep_malformed_escapes_and_differ_only_on_invalid_utf8() {
        for (input, decoded) in [
            ("%EB%B4%84-a%2", "봄-a%2"),
            ("100%", "100%"),
            ("%zz%4", "%zz%4"),
            // An escape at the very end is decoded too (one old copy missed it).
            ("a%41", "aA"),
            ("40%25-off", "40%-off"),
        ] {
            assert_eq!(percent_decode(input).as_deref(), Some(decoded), "{input}");
            assert_eq!(percent_decode_lossy(input), decoded, "{input}");
        }
        assert_eq!(percent_decode("%FF%FE"), None);
        assert_eq!(percent_decode_lossy("x%FF"), "x\u{FFFD}");
    }

    #[test]
    fn encoding_then_decoding_gives_the_text_back() {
        for s in ["봄 벚꽃-산책", "40% off", "a/b?c#d", ""] {
            assert_eq!(percent_decode(&encode_segment(s)).as_deref(), Some(s));
        }
    }
}
