//! URLs judged the way a browser parses them (WHATWG URL standard): leading and trailing C0
//! controls and spaces are stripped and tabs and newlines removed anywhere before the scheme is
//! read, so `java&#9;script:` and `\x01javascript:` are `javascript:`. Only http(s), relative and
//! fragment URLs are kept in output. Pure string functions.

/// The URL as a browser sees it before parsing: C0 controls and spaces trimmed at both ends,
/// ASCII tab, LF and CR removed.
#[must_use]
pub(crate) fn browser_view(value: &str) -> String {
    value
        .trim_matches(|c: char| c <= '\u{20}')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// The scheme of `value` as a browser reads it (lowercase), `None` for relative URLs.
#[must_use]
pub(crate) fn scheme_of(value: &str) -> Option<String> {
    let seen = browser_view(value);
    let (scheme, _) = seen.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

/// True for http(s), relative and fragment URLs: the only URLs output may hold.
#[must_use]
pub(crate) fn is_safe_url(value: &str) -> bool {
    scheme_of(value).is_none_or(|s| s == "http" || s == "https")
}

/// SVG/HTML attributes whose value is a URL.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "xlink:href",
    "src",
    "action",
    "formaction",
    "background",
    "poster",
    "data",
    "ping",
    "lowsrc",
    "dynsrc",
];

/// True when an attribute may be written out: no event handler, no URL a browser would run.
#[must_use]
pub(crate) fn is_safe_attribute(name: &str, value: &str) -> bool {
    let name = name.to_ascii_lowercase();
    if name.starts_with("on") {
        return false;
    }
    if URL_ATTRIBUTES.contains(&name.as_str()) {
        return is_safe_url(value);
    }
    // Any other attribute that a browser would read as a script URL (SMIL `values`, `to`, ...).
    !matches!(
        scheme_of(value).as_deref(),
        Some("javascript" | "vbscript" | "data")
    )
}

/// True for SVG animation (SMIL) elements that would rewrite a link or an event handler.
#[must_use]
pub(crate) fn is_dangerous_animation(element: &str, attribute_name: Option<&str>) -> bool {
    if !matches!(
        element.to_ascii_lowercase().as_str(),
        "animate" | "set" | "animatemotion" | "animatetransform" | "animatecolor"
    ) {
        return false;
    }
    let Some(target) = attribute_name else {
        return false;
    };
    let target = browser_view(target).to_ascii_lowercase();
    let target = target.strip_prefix("xlink:").unwrap_or(&target);
    target == "href" || target.starts_with("on")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_judged_as_a_browser_parses_them() {
        for bad in [
            "javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{1}\u{2} javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "vbscript:msgbox",
            "data:text/html,<script>alert(1)</script>",
        ] {
            assert!(!is_safe_url(bad), "{bad:?}");
        }
        for good in [
            "https://example.com/a",
            "http://example.com/a",
            "/relative/path",
            "#frag",
            "image.png",
            "?q=1",
        ] {
            assert!(is_safe_url(good), "{good:?}");
        }
    }

    #[test]
    fn handlers_and_script_urls_in_any_attribute_are_unsafe() {
        assert!(!is_safe_attribute("onload", "x()"));
        assert!(!is_safe_attribute("ONCLICK", "x()"));
        assert!(!is_safe_attribute("values", "java\tscript:alert(1)"));
        assert!(is_safe_attribute("fill", "red"));
        assert!(is_safe_attribute("href", "#a"));
    }

    #[test]
    fn animations_of_links_and_handlers_are_dangerous() {
        assert!(is_dangerous_animation("animate", Some("href")));
        assert!(is_dangerous_animation("set", Some(" xlink:href")));
        assert!(is_dangerous_animation("animate", Some("onbegin")));
        assert!(!is_dangerous_animation("animate", Some("fill")));
        assert!(!is_dangerous_animation("rect", Some("href")));
    }
}
