//! Date parsing for every form Tistory pages carry. Pure functions, no page access.
//!
//! Meta and JSON-LD forms: ISO 8601 with offset, compact `yyyyMMddHHmmss`, `yyyyMMddTHH:mm:ss` with
//! or without offset. Visible skin forms: `yyyy. m. d. HH:MM`, `yyyy. m. d.`, `yyyy.mm.dd HH:MM`,
//! `yyyy-mm-dd HH:MM:SS`. A time without an offset is KST (+09:00), as on every Tistory page.
//! `og:regDate` is never read: it prints a 12-hour clock without AM/PM.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use regex::Regex;

/// Korea Standard Time, the offset of every Tistory date.
#[must_use]
pub fn kst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// Parses a date from `article:published_time`, `article:modified_time` or JSON-LD.
#[must_use]
pub fn parse_meta_date(raw: &str) -> Option<DateTime<FixedOffset>> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&kst()));
    }
    // JSON-LD of some render eras: 20160114T11:44:24+09:00 or 20090719T06:22:22.
    for fmt in [
        "%Y%m%dT%H:%M:%S%:z",
        "%Y-%m-%dT%H:%M:%S%:z",
        "%Y%m%dT%H:%M:%S%z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            return Some(dt.with_timezone(&kst()));
        }
    }
    for fmt in [
        "%Y%m%dT%H:%M:%S",
        "%Y%m%d%H%M%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return in_kst(naive);
        }
    }
    parse_visible_date(s)
}

static VISIBLE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    // yyyy. m. d.[ HH:MM[:SS]] | yyyy.mm.dd[ HH:MM] | yyyy-mm-dd[ HH:MM[:SS]]
    Regex::new(
        r"(?x)
        (?P<y>(?:19|20)\d{2}) \s*[.\-/]\s* (?P<m>\d{1,2}) \s*[.\-/]\s* (?P<d>\d{1,2}) \.?
        (?: \s+ (?P<H>\d{1,2}) : (?P<M>\d{2}) (?: : (?P<S>\d{2}) )? )?",
    )
    .expect("date regex is valid")
});

/// Finds the first visible date in skin text such as `by 작가 2016.01.14 11:44` or `2023. 9. 3. 15:06`.
#[must_use]
pub fn parse_visible_date(text: &str) -> Option<DateTime<FixedOffset>> {
    for caps in VISIBLE_DATE.captures_iter(text) {
        let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
        let (Some(y), Some(m), Some(d)) = (num("y"), num("m"), num("d")) else {
            continue;
        };
        let Some(date) = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d) else {
            continue;
        };
        let time = match (num("H"), num("M")) {
            (Some(h), Some(min)) => NaiveTime::from_hms_opt(h, min, num("S").unwrap_or(0)),
            _ => NaiveTime::from_hms_opt(0, 0, 0),
        };
        if let Some(time) = time {
            return in_kst(date.and_time(time));
        }
    }
    None
}

/// `text` with every visible date (and every bare `HH:MM` time) replaced by a space: what is left
/// of a meta line such as `살림꾼 2020.07.02 21:40` once its date is read.
#[must_use]
pub(crate) fn without_dates(text: &str) -> String {
    static TIME: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b\d{1,2}:\d{2}(?::\d{2})?\b").expect("time regex is valid"));
    let text = VISIBLE_DATE.replace_all(text, " ");
    TIME.replace_all(&text, " ").into_owned()
}

fn in_kst(naive: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
    kst().from_local_datetime(&naive).single()
}

/// Formats a date as RFC 3339 with the +09:00 offset (`2023-09-03T15:06:03+09:00`).
#[must_use]
pub fn to_rfc3339_kst(dt: &DateTime<FixedOffset>) -> String {
    dt.with_timezone(&kst())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("2023-09-03T15:06:03+09:00", "2023-09-03T15:06:03+09:00")]
    #[case("2023-09-03T06:06:03Z", "2023-09-03T15:06:03+09:00")]
    #[case("20131026232137", "2013-10-26T23:21:37+09:00")]
    #[case("20090719T06:22:22", "2009-07-19T06:22:22+09:00")]
    #[case("20160114T11:44:24+09:00", "2016-01-14T11:44:24+09:00")]
    #[case("2025-06-02 16:27:20", "2025-06-02T16:27:20+09:00")]
    #[case(" 2023. 9. 3. 15:06 ", "2023-09-03T15:06:00+09:00")]
    fn meta_dates(#[case] raw: &str, #[case] want: &str) {
        let got = parse_meta_date(raw).map(|d| to_rfc3339_kst(&d));
        assert_eq!(got.as_deref(), Some(want), "{raw}");
    }

    #[rstest]
    #[case("2023. 9. 3. 15:06", "2023-09-03T15:06:00+09:00")]
    #[case("2018. 1. 19.", "2018-01-19T00:00:00+09:00")]
    #[case("fisher_temp  2016.01.14 11:44", "2016-01-14T11:44:00+09:00")]
    #[case("2025-06-02 16:27:20", "2025-06-02T16:27:20+09:00")]
    #[case("2012. 12. 11. 15:14", "2012-12-11T15:14:00+09:00")]
    #[case("댓글 3 · 2014.3.9 18:20", "2014-03-09T18:20:00+09:00")]
    fn visible_dates(#[case] raw: &str, #[case] want: &str) {
        let got = parse_visible_date(raw).map(|d| to_rfc3339_kst(&d));
        assert_eq!(got.as_deref(), Some(want), "{raw}");
    }

    #[test]
    fn dates_and_times_are_cut_out_of_meta_lines() {
        assert_eq!(without_dates("살림꾼 2020.07.02 21:40").trim(), "살림꾼");
        assert_eq!(without_dates("2009/01/18 20:45").trim(), "");
        assert_eq!(without_dates("조회 12 · 09:30").trim(), "조회 12 ·");
    }

    #[rstest]
    #[case("")]
    #[case("not a date")]
    #[case("2023. 13. 45.")]
    #[case("20231399999999")]
    fn rejects_garbage(#[case] raw: &str) {
        assert_eq!(parse_meta_date(raw), None);
    }
}
