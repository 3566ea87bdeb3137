//! The footer added at the end of every bundled post: where it first appeared and when, in Korean,
//! because Naver cannot backdate a post (research A3.6) and readers should still see the original
//! date. On by default; `--no-footer` turns it off and `--footer TEXT` replaces the wording, with
//! the placeholders in [`PLACEHOLDERS`]. Pure.

use chrono::{DateTime, Datelike as _, FixedOffset};

use crate::extract::dates::kst;

/// The default wording: "이 글은 2021년 4월 5일 티스토리(https://…/12)에 처음 발행되었습니다."
pub const DEFAULT_FOOTER: &str = "이 글은 {date} 티스토리({url})에 처음 발행되었습니다.";
/// The default wording for a post whose date is unknown.
pub const DEFAULT_FOOTER_UNDATED: &str = "이 글은 티스토리({url})에 처음 발행되었습니다.";
/// The placeholders a footer template may use.
pub const PLACEHOLDERS: &[&str] = &["{url}", "{date}", "{title}", "{blog}"];
/// What `{date}` says when the post's date is unknown.
pub const UNKNOWN_DATE: &str = "(날짜 미상)";

/// Which footer to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Footer {
    /// No footer.
    Off,
    /// [`DEFAULT_FOOTER`].
    Default,
    /// A template with placeholders.
    Custom(String),
}

impl Footer {
    /// The setting the command-line flags ask for (`--no-footer`, `--footer TEXT`).
    ///
    /// # Errors
    /// [`FooterError`] from [`check_template`] for a bad custom text.
    pub fn from_flags(no_footer: bool, text: Option<String>) -> Result<Self, FooterError> {
        match (no_footer, text) {
            (true, _) => Ok(Self::Off),
            (false, None) => Ok(Self::Default),
            (false, Some(t)) => check_template(&t).map(|()| Self::Custom(t)),
        }
    }

    /// The template written into `bundle.json`, `None` when off.
    #[must_use]
    pub fn template(&self) -> Option<&str> {
        match self {
            Self::Off => None,
            Self::Default => Some(DEFAULT_FOOTER),
            Self::Custom(t) => Some(t),
        }
    }
}

/// What the footer of one post is made from.
#[derive(Debug, Clone, Copy)]
pub struct FooterFacts<'a> {
    /// The original post URL.
    pub url: &'a str,
    /// The original publication time.
    pub published: Option<&'a DateTime<FixedOffset>>,
    /// The post title.
    pub title: &'a str,
    /// The blog's Tistory name.
    pub blog: &'a str,
}

/// A custom footer text that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FooterError {
    /// Blank.
    #[error("the footer text is empty; use --no-footer to leave the footer out")]
    Empty,
    /// A `{…}` that is none of [`PLACEHOLDERS`].
    #[error("unknown placeholder {0} in the footer text; use {placeholders}", placeholders = PLACEHOLDERS.join(", "))]
    UnknownPlaceholder(String),
}

/// Checks a custom template: every `{…}` must be one of [`PLACEHOLDERS`].
///
/// # Errors
/// [`FooterError`] naming the unknown placeholder, or saying the template is empty.
pub fn check_template(template: &str) -> Result<(), FooterError> {
    if template.trim().is_empty() {
        return Err(FooterError::Empty);
    }
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start..];
        let end = after.find('}').map_or(after.len(), |e| e + 1);
        let placeholder = &after[..end];
        if !PLACEHOLDERS.contains(&placeholder) {
            return Err(FooterError::UnknownPlaceholder(placeholder.to_owned()));
        }
        rest = &after[end..];
    }
    Ok(())
}

/// A date as Korean readers write it, in KST: `2021년 4월 5일`.
#[must_use]
pub fn korean_date(dt: &DateTime<FixedOffset>) -> String {
    let d = dt.with_timezone(&kst());
    format!("{}년 {}월 {}일", d.year(), d.month(), d.day())
}

/// The footer text of one post, `None` when the footer is off.
#[must_use]
pub fn footer_text(footer: &Footer, facts: &FooterFacts<'_>) -> Option<String> {
    let template = match (footer, facts.published) {
        (Footer::Off, _) => return None,
        (Footer::Default, None) => DEFAULT_FOOTER_UNDATED,
        (Footer::Default, Some(_)) => DEFAULT_FOOTER,
        (Footer::Custom(t), _) => t.as_str(),
    };
    let date = facts
        .published
        .map_or_else(|| UNKNOWN_DATE.to_string(), korean_date);
    // Readers see `/entry/봄-벚꽃-산책`, not `%EB%B4%84…`, unless decoding would make spaces.
    let decoded = crate::markup::percent_decode_lossy(facts.url);
    let url = if decoded.chars().any(|c| c.is_whitespace() || c.is_control()) {
        facts.url
    } else {
        decoded.as_str()
    };
    Some(
        template
            .replace("{url}", url)
            .replace("{date}", &date)
            .replace("{title}", facts.title)
            .replace("{blog}", facts.blog),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(published: Option<&DateTime<FixedOffset>>) -> FooterFacts<'_> {
        FooterFacts {
            url: "https://b.tistory.com/12",
            published,
            title: "제목",
            blog: "b",
        }
    }

    #[test]
    fn default_wording_with_and_without_a_date() {
        // 2021-04-04 23:30 UTC is already April 5th in Seoul.
        let dt = DateTime::parse_from_rfc3339("2021-04-04T23:30:00Z").unwrap();
        assert_eq!(
            footer_text(&Footer::Default, &facts(Some(&dt))).unwrap(),
            "이 글은 2021년 4월 5일 티스토리(https://b.tistory.com/12)에 처음 발행되었습니다."
        );
        assert_eq!(
            footer_text(&Footer::Default, &facts(None)).unwrap(),
            "이 글은 티스토리(https://b.tistory.com/12)에 처음 발행되었습니다."
        );
        assert_eq!(footer_text(&Footer::Off, &facts(Some(&dt))), None);
    }

    #[test]
    fn custom_templates() {
        let custom = Footer::Custom("원문: {url} / 작성일: {date} / {title} @ {blog}".into());
        assert_eq!(
            footer_text(&custom, &facts(None)).unwrap(),
            "원문: https://b.tistory.com/12 / 작성일: (날짜 미상) / 제목 @ b"
        );
        let slug = FooterFacts {
            url: "https://b.tistory.com/entry/%EB%B4%84-x",
            ..facts(None)
        };
        assert_eq!(
            footer_text(&Footer::Custom("{url}".into()), &slug).unwrap(),
            "https://b.tistory.com/entry/봄-x"
        );
        assert!(check_template("원문 {url}, {date}").is_ok());
        let e = check_template("원문 {link}").unwrap_err().to_string();
        assert!(e.contains("{link}") && e.contains("{url}"), "{e}");
        assert!(check_template("  ").is_err());
        assert!(check_template("열린 괄호 {url").is_err());
    }
}
