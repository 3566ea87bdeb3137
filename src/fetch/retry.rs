//! When to try again, and how long to wait: 429, 408 and 5xx statuses, timeouts, resets and
//! truncated bodies are transient; `Retry-After` (seconds or an HTTP date) is honoured; otherwise
//! exponential backoff with full jitter. Pure functions.

use std::time::{Duration, SystemTime};

use rand::Rng as _;

/// True for statuses worth another attempt.
#[must_use]
pub fn is_transient_status(status: u16) -> bool {
    matches!(status, 408 | 425 | 429 | 500 | 502 | 503 | 504 | 520..=524)
}

/// Parses a `Retry-After` value: delay-seconds or an HTTP date (relative to `now`).
#[must_use]
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait before attempt `attempt` (1 = the first retry): `base * 2^(attempt-1)`, capped at 60 s,
/// with full jitter (a random point in the upper half), so many clients never retry in step.
#[must_use]
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let capped = exp.min(Duration::from_secs(60));
    let half = capped / 2;
    half + half.mul_f64(rand::rng().random::<f64>())
}

/// The cool-down before retry pass `pass` (1 = the first): it continues the backoff where a
/// pass's `max_attempts` left it (`base × 2^(max_attempts + pass − 1)`, capped at
/// [`super::policy::MAX_COOLDOWN`]), and is never shorter than the longest `Retry-After` the
/// server asked for (capped at [`super::policy::MAX_RETRY_AFTER`]).
#[must_use]
pub fn pass_cooldown(
    base: Duration,
    max_attempts: u32,
    pass: u32,
    retry_after: Option<Duration>,
) -> Duration {
    let shift = (max_attempts + pass).saturating_sub(1).min(20);
    let grown = base
        .saturating_mul(1u32 << shift)
        .min(super::policy::MAX_COOLDOWN);
    let asked = retry_after
        .unwrap_or_default()
        .min(super::policy::MAX_RETRY_AFTER);
    grown.max(asked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_statuses() {
        for s in [429, 500, 502, 503, 504, 408] {
            assert!(is_transient_status(s), "{s}");
        }
        for s in [200, 301, 403, 404, 410] {
            assert!(!is_transient_status(s), "{s}");
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn pass_cooldowns_grow_and_honour_retry_after() {
        let base = Duration::from_millis(500);
        let first = pass_cooldown(base, 5, 1, None);
        assert_eq!(first, Duration::from_secs(16), "500 ms × 2^5");
        assert_eq!(pass_cooldown(base, 5, 2, None), Duration::from_secs(32));
        assert_eq!(
            pass_cooldown(base, 5, 9, None),
            crate::fetch::policy::MAX_COOLDOWN
        );
        assert_eq!(
            pass_cooldown(base, 5, 1, Some(Duration::from_secs(40))),
            Duration::from_secs(40)
        );
        assert_eq!(
            pass_cooldown(base, 5, 1, Some(Duration::from_secs(9_999))),
            crate::fetch::policy::MAX_RETRY_AFTER
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        for attempt in 1..30 {
            let d = backoff(base, attempt);
            let full = base
                .saturating_mul(1 << (attempt - 1).min(16))
                .min(Duration::from_secs(60));
            assert!(
                d >= full / 2 && d <= full,
                "attempt {attempt}: {d:?} not in [{:?}, {full:?}]",
                full / 2
            );
        }
    }
}
