//! Resolving the command line's Naver options (`--naver-endpoint`, `--naver-interval`,
//! `--naver-threshold`) into [`NaverCheckOptions`], once, with messages naming the bad flag.

use std::time::Duration;

use super::{NaverCheckOptions, NaverEndpoint};
use crate::cli::NaverArgs;

/// The longest pause accepted between two requests (a typo guard: 600 s a request is no check).
const MAX_INTERVAL_SECONDS: f64 = 600.0;

/// Resolves the flags.
///
/// # Errors
/// A message naming the bad flag.
pub fn resolve(args: &NaverArgs) -> Result<NaverCheckOptions, String> {
    let mut opts = NaverCheckOptions::default();
    if let Some(base) = &args.naver_endpoint {
        opts.fetch.endpoint = NaverEndpoint::single(base)?;
    }
    if let Some(s) = args.naver_interval {
        if !(0.0..=MAX_INTERVAL_SECONDS).contains(&s) {
            return Err(format!(
                "--naver-interval {s}: give seconds from 0 to {MAX_INTERVAL_SECONDS}, e.g. 2"
            ));
        }
        opts.fetch.interval = Duration::from_secs_f64(s);
    }
    if let Some(t) = args.naver_threshold {
        if !(0.0..=1.0).contains(&t) {
            return Err(format!(
                "--naver-threshold {t}: give a share from 0 to 1, e.g. 0.98"
            ));
        }
        opts.threshold = t;
    }
    Ok(opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_resolve_or_name_themselves() {
        let d = resolve(&NaverArgs::default()).unwrap();
        assert_eq!(d.fetch.interval, Duration::from_secs(2));
        assert!((d.threshold - 0.98).abs() < f64::EPSILON);
        let a = NaverArgs {
            naver_interval: Some(-1.0),
            ..NaverArgs::default()
        };
        assert!(resolve(&a).unwrap_err().starts_with("--naver-interval"));
        let a = NaverArgs {
            naver_threshold: Some(2.0),
            ..NaverArgs::default()
        };
        assert!(resolve(&a).unwrap_err().starts_with("--naver-threshold"));
        let a = NaverArgs {
            naver_endpoint: Some("x".into()),
            ..NaverArgs::default()
        };
        assert!(resolve(&a).unwrap_err().starts_with("--naver-endpoint"));
    }
}
