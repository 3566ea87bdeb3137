//! Issue 8: `--help` shows the library's defaults, not numbers typed by hand. Each expected value
//! below is read from the constant, so changing a constant changes the help, and a default typed
//! into a doc comment (or left stale there) fails here.

use tistory_migrate::bundle::footer::DEFAULT_FOOTER;
use tistory_migrate::commands::serve::DEFAULT_SERVE_PORT;
use tistory_migrate::convert::DEFAULT_FIDELITY_THRESHOLD;
use tistory_migrate::crawl::DEFAULT_SCAN_MARGIN;
use tistory_migrate::crawl::wayback::DEFAULT_WAYBACK_RATE;
use tistory_migrate::desk::{DEFAULT_DAILY_CAP, DEFAULT_DESK_PORT, MAX_DAILY_CAP};
use tistory_migrate::discover::wayback::DEFAULT_WAYBACK_ENDPOINT;
use tistory_migrate::extract::decode::DEFAULT_MAX_PAGE_BYTES;
use tistory_migrate::fetch::policy::{
    DEFAULT_CONCURRENCY, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_BODY_BYTES, DEFAULT_RATE,
    DEFAULT_REQUEST_DEADLINE, DEFAULT_RETRY_PASSES,
};
use tistory_migrate::naver_check::{DEFAULT_NAVER_INTERVAL, DEFAULT_NAVER_THRESHOLD};
use tistory_migrate::warc::DEFAULT_WARC_MAX_BYTES;

use crate::support::bin;

/// The help of `command`, whitespace folded (clap wraps long lines).
fn help(command: &str) -> String {
    let out = bin().args([command, "--help"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The help text of `flag`: from the flag to the next flag.
fn flag_help<'a>(help: &'a str, flag: &str) -> &'a str {
    let start = help
        .find(&format!("{flag} "))
        .unwrap_or_else(|| panic!("{flag} is not in the help: {help}"));
    let rest = &help[start + flag.len()..];
    let end = rest.find(" --").unwrap_or(rest.len());
    &rest[..end]
}

fn assert_default(help: &str, flag: &str, default: &str) {
    let text = flag_help(help, flag);
    assert!(
        text.contains(&format!("[default: {default}")),
        "{flag}: expected the default {default}, got {text:?}"
    );
}

#[test]
fn issue_8_crawl_help_shows_the_fetch_defaults_from_the_constants() {
    let h = help("crawl");
    assert_default(&h, "--rate", &DEFAULT_RATE.to_string());
    assert_default(&h, "--concurrency", &DEFAULT_CONCURRENCY.to_string());
    assert_default(&h, "--max-attempts", &DEFAULT_MAX_ATTEMPTS.to_string());
    assert_default(&h, "--max-body-bytes", &DEFAULT_MAX_BODY_BYTES.to_string());
    assert_default(&h, "--retry-passes", &DEFAULT_RETRY_PASSES.to_string());
    assert_default(
        &h,
        "--request-deadline",
        &DEFAULT_REQUEST_DEADLINE.as_secs_f64().to_string(),
    );
    assert_default(&h, "--warc-max-bytes", &DEFAULT_WARC_MAX_BYTES.to_string());
    assert_default(&h, "--wayback-endpoint", DEFAULT_WAYBACK_ENDPOINT);
    assert_default(&h, "--wayback-rate", &DEFAULT_WAYBACK_RATE.to_string());
    assert!(
        flag_help(&h, "--scan-margin").contains(&format!("at most {DEFAULT_SCAN_MARGIN}]")),
        "{h}"
    );
    assert!(
        flag_help(&h, "--user-agent").contains(env!("CARGO_PKG_VERSION")),
        "{h}"
    );
    // The same flags, the same defaults, in migrate.
    assert_default(
        &help("migrate"),
        "--concurrency",
        &DEFAULT_CONCURRENCY.to_string(),
    );
}

#[test]
fn issue_8_other_commands_show_their_defaults_from_the_constants() {
    let h = help("verify");
    assert_default(&h, "--threshold", &DEFAULT_FIDELITY_THRESHOLD.to_string());
    assert_default(
        &h,
        "--naver-interval",
        &DEFAULT_NAVER_INTERVAL.as_secs_f64().to_string(),
    );
    assert_default(
        &h,
        "--naver-threshold",
        &DEFAULT_NAVER_THRESHOLD.to_string(),
    );
    let h = help("desk");
    assert_default(&h, "--port", &DEFAULT_DESK_PORT.to_string());
    assert_default(&h, "--daily-cap", &DEFAULT_DAILY_CAP.to_string());
    assert!(flag_help(&h, "--daily-cap").contains(&format!("1 to {MAX_DAILY_CAP}")));
    assert_default(&help("serve"), "--port", &DEFAULT_SERVE_PORT.to_string());
    assert_default(
        &help("extract"),
        "--max-page-bytes",
        &DEFAULT_MAX_PAGE_BYTES.to_string(),
    );
    let footer: String = DEFAULT_FOOTER
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_default(&help("bundle"), "--footer", &format!("\"{footer}\""));
}
