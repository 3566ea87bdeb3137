//! Escaping, in one place: text for HTML and XML (every page, report and feed the tool writes goes
//! through [`push_escaped`]; unchanged runs are copied in bulk, bodies can be megabytes), and URL
//! path segments ([`encode_segment`]).

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
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
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
    }
}
