//! The one resolution step: the parsed command line into each command's own options, typed and
//! checked once (`Url`, `Duration`, `NonZeroUsize`, ranges). The only code besides `main` that
//! reads clap types; the commands take what it returns. Reads the file system only where an
//! option names a file or directory (a selector profile, an archive directory).

use std::num::NonZeroUsize;
use std::path::Path;
use std::time::Duration;

use url::Url;

use super::{
    BundleArgs, CrawlArgs, DeskArgs, ExtractArgs, FetchArgs, ImportArgs, MigrateArgs, NaverArgs,
    RedirectsArgs, ServeArgs, VerifyArgs,
};
use crate::bundle::footer::Footer;
use crate::commands::bundle::BundleOptions;
use crate::commands::crawl::{CrawlRequest, default_archive_dir};
use crate::commands::desk::DeskRequest;
use crate::commands::extract::ExtractOptions;
use crate::commands::import::ImportOptions;
use crate::commands::migrate::{MigrateRequest, MigrateSource};
use crate::commands::redirects::RedirectsOptions;
use crate::commands::serve::ServeOptions;
use crate::commands::verify::{VerifyFormat, VerifyOptions};
use crate::config::{CrawlSettings, OptionError, parse_blog};
use crate::desk::{DailyCap, DeskOptions};
use crate::extract::selectors::SelectorProfile;
use crate::fetch::FetchPolicy;
use crate::import::ImportLimits;
use crate::import::writer::MarkPublic;
use crate::naver_check::{MAX_NAVER_INTERVAL_SECONDS, NaverCheckOptions, NaverEndpoint};

/// The longest request deadline accepted, in seconds (a day).
const MAX_REQUEST_DEADLINE_SECONDS: f64 = 86_400.0;

/// Resolves the fetch flags. `local` (a replay on 127.0.0.1) drops the rate limit unless one is
/// given.
///
/// # Errors
/// [`OptionError`] naming the bad flag.
pub fn fetch_settings(args: &FetchArgs, local: bool) -> Result<CrawlSettings, OptionError> {
    let mut policy = FetchPolicy::default();
    match args.rate {
        Some(r) if !r.is_finite() || r < 0.0 => {
            return Err(OptionError::range(
                "--rate",
                r,
                "requests per second, 0 or more",
            ));
        }
        Some(r) if r.abs() < f64::EPSILON => policy.rate = None,
        Some(r) => policy.rate = Some(r),
        None if local => policy.rate = None,
        None => {}
    }
    policy.concurrency = NonZeroUsize::new(args.concurrency)
        .ok_or_else(|| OptionError::range("--concurrency", 0, "1 or more"))?;
    if args.max_attempts == 0 {
        return Err(OptionError::range("--max-attempts", 0, "1 or more"));
    }
    policy.max_attempts = args.max_attempts;
    if args.user_agent.trim().is_empty() {
        return Err(OptionError::range(
            "--user-agent",
            format!("{:?}", args.user_agent),
            "a name for the crawler, not an empty text",
        ));
    }
    policy.user_agent.clone_from(&args.user_agent);
    policy.max_body_bytes = args.max_body_bytes;
    policy.retry_passes = args.retry_passes;
    let secs = args.request_deadline;
    if !secs.is_finite() || secs <= 0.0 {
        return Err(OptionError::range(
            "--request-deadline",
            secs,
            "the seconds one request may take, more than 0",
        ));
    }
    policy.request_deadline = Duration::from_secs_f64(secs.min(MAX_REQUEST_DEADLINE_SECONDS));
    policy.respect_robots = !args.ignore_robots;
    let mut wayback = crate::crawl::wayback::WaybackOptions {
        forced: args.wayback,
        ..crate::crawl::wayback::WaybackOptions::default()
    };
    wayback.endpoint = http_url(
        "--wayback-endpoint",
        &args.wayback_endpoint,
        "https://web.archive.org",
    )?;
    let r = args.wayback_rate;
    if !r.is_finite() || r <= 0.0 {
        return Err(OptionError::range(
            "--wayback-rate",
            r,
            "requests per second, more than 0",
        ));
    }
    wayback.rate = r;
    Ok(CrawlSettings {
        wayback,
        policy,
        refresh: args.refresh,
        comments: !args.no_comments,
        scan_margin: args.scan_margin,
        exhaustive_discovery: args.exhaustive_discovery,
        retry_failed: false,
        captures: None,
        warc_max_bytes: match args.warc_max_bytes {
            Some(0) => return Err(OptionError::range("--warc-max-bytes", 0, "1 or more")),
            Some(n) => Some(n),
            None => args.warc.then_some(crate::warc::DEFAULT_WARC_MAX_BYTES),
        },
    })
}

/// An http(s) address given to `flag`.
fn http_url(flag: &'static str, value: &str, example: &'static str) -> Result<Url, OptionError> {
    let bad = |source| OptionError::NotAnAddress {
        flag,
        value: value.to_owned(),
        expected: example,
        source,
    };
    let url = Url::parse(value.trim()).map_err(|e| bad(Some(e)))?;
    if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() {
        Ok(url)
    } else {
        Err(bad(None))
    }
}

/// `crawl`'s options.
///
/// # Errors
/// [`OptionError`] naming the bad argument or flag.
pub fn crawl(args: &CrawlArgs) -> Result<CrawlRequest, OptionError> {
    let blog = parse_blog(&args.blog)?;
    let asset_proxy = args
        .asset_proxy
        .as_deref()
        .map(|p| http_url("--asset-proxy", p, "http://127.0.0.1:8080/"))
        .transpose()?;
    let mut settings = fetch_settings(&args.fetch, false)?;
    settings.retry_failed = args.retry_failed;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_archive_dir(&blog));
    Ok(CrawlRequest {
        blog,
        out,
        settings,
        asset_proxy,
    })
}

/// `migrate`'s options: a directory, an archive or WARC files are replayed; anything else must be
/// a blog address.
///
/// # Errors
/// [`OptionError`] naming the bad argument or flag.
pub fn migrate(args: &MigrateArgs) -> Result<MigrateRequest, OptionError> {
    let dir = Path::new(&args.source);
    let local = dir.is_dir() || crate::warc::replay::is_warc_source(dir);
    let settings = fetch_settings(&args.fetch, local)?;
    let source = if local {
        MigrateSource::Saved(dir.to_path_buf())
    } else {
        MigrateSource::Blog(parse_blog(&args.source).map_err(|e| match e {
            OptionError::BlogAddress { input, source, .. } => OptionError::BlogAddress {
                input,
                not_a_directory: true,
                source,
            },
            other => other,
        })?)
    };
    Ok(MigrateRequest {
        source,
        out: args.out.clone(),
        settings,
    })
}

/// `extract`'s options (reads the selector profile).
///
/// # Errors
/// [`OptionError::Refused`] for a selector profile that cannot be used.
pub fn extract(args: &ExtractArgs) -> Result<ExtractOptions, OptionError> {
    let profile = match &args.selectors {
        Some(path) => SelectorProfile::load(path).map_err(|e| OptionError::Refused {
            flag: "--selectors",
            source: Box::new(e),
        })?,
        None => SelectorProfile::default(),
    };
    Ok(ExtractOptions {
        inputs: args.inputs.clone(),
        out: args.out.clone(),
        profile,
        max_page_bytes: args.max_page_bytes,
    })
}

/// `import`'s options.
///
/// # Errors
/// [`OptionError::Refused`] for a `--mark-public` list that is not `all` or ids.
pub fn import(args: &ImportArgs) -> Result<ImportOptions, OptionError> {
    let mark_public = match args.mark_public.as_deref().map(MarkPublic::parse) {
        None => MarkPublic::None,
        Some(Ok(m)) => m,
        Some(Err(e)) => {
            return Err(OptionError::Refused {
                flag: "--mark-public",
                source: Box::new(e),
            });
        }
    };
    Ok(ImportOptions {
        file: args.file.clone(),
        out: args.out.clone(),
        blog: args.blog.clone(),
        mark_public,
        limits: ImportLimits::default(),
        max_page_bytes: crate::extract::decode::DEFAULT_MAX_PAGE_BYTES,
    })
}

/// The Naver-side check's options (`verify --naver`, the desk's check button).
///
/// # Errors
/// [`OptionError`] naming the bad `--naver-*` flag.
pub fn naver_check(args: &NaverArgs) -> Result<NaverCheckOptions, OptionError> {
    let mut opts = NaverCheckOptions::default();
    if let Some(base) = &args.naver_endpoint {
        opts.fetch.endpoint = NaverEndpoint::single(base).map_err(|e| OptionError::Refused {
            flag: "--naver-endpoint",
            source: Box::new(e),
        })?;
    }
    let s = args.naver_interval;
    if !(0.0..=MAX_NAVER_INTERVAL_SECONDS).contains(&s) {
        return Err(OptionError::range(
            "--naver-interval",
            s,
            format!("seconds from 0 to {MAX_NAVER_INTERVAL_SECONDS}, e.g. 2"),
        ));
    }
    opts.fetch.interval = Duration::from_secs_f64(s);
    let t = args.naver_threshold;
    if !(0.0..=1.0).contains(&t) {
        return Err(OptionError::range(
            "--naver-threshold",
            t,
            "a share from 0 to 1, e.g. 0.98",
        ));
    }
    opts.threshold = t;
    Ok(opts)
}

/// `verify`'s options.
///
/// # Errors
/// [`OptionError`] naming the bad flag.
pub fn verify(args: &VerifyArgs) -> Result<VerifyOptions, OptionError> {
    let t = args.threshold;
    if !(0.0..=1.0).contains(&t) {
        return Err(OptionError::range(
            "--threshold",
            t,
            "a share from 0 to 1, e.g. 0.99",
        ));
    }
    let format = if args.json {
        VerifyFormat::Json
    } else if args.repair {
        VerifyFormat::Repair
    } else {
        VerifyFormat::Text
    };
    let naver = naver_check(&args.naver_check)?;
    Ok(VerifyOptions {
        archive: args.archive.clone(),
        html: args.html.clone(),
        threshold: t,
        format,
        deep: args.deep,
        naver: args.naver.then_some(naver),
    })
}

/// An archive directory argument.
fn archive_dir(path: &Path) -> Result<(), OptionError> {
    if path.is_dir() {
        Ok(())
    } else {
        Err(OptionError::NotADirectory {
            path: path.to_path_buf(),
        })
    }
}

/// `bundle`'s options.
///
/// # Errors
/// [`OptionError`] for a bad `--footer` or an archive that is not a directory.
pub fn bundle(args: &BundleArgs) -> Result<BundleOptions, OptionError> {
    let footer = Footer::from_flags(args.no_footer, args.footer.clone()).map_err(|e| {
        OptionError::Refused {
            flag: "--footer",
            source: Box::new(e),
        }
    })?;
    archive_dir(&args.archive)?;
    Ok(BundleOptions {
        archive: args.archive.clone(),
        out: args.out.clone(),
        footer,
    })
}

/// `redirects`' options.
///
/// # Errors
/// [`OptionError::NotADirectory`] for an archive that is not a directory.
pub fn redirects(args: &RedirectsArgs) -> Result<RedirectsOptions, OptionError> {
    archive_dir(&args.archive)?;
    Ok(RedirectsOptions {
        archive: args.archive.clone(),
        out: args.out.clone(),
    })
}

/// `desk`'s options.
///
/// # Errors
/// [`OptionError`] when `--daily-cap` or a `--naver-*` flag is out of range.
pub fn desk(args: &DeskArgs) -> Result<DeskRequest, OptionError> {
    let daily_cap = DailyCap::new(args.daily_cap).map_err(|e| OptionError::Refused {
        flag: "--daily-cap",
        source: Box::new(e),
    })?;
    Ok(DeskRequest {
        bundle: args.bundle.clone(),
        options: DeskOptions {
            port: args.port,
            daily_cap,
            naver_blog: args.naver_blog.clone(),
            archive: args.archive.clone(),
            naver_check: naver_check(&args.naver_check)?,
            ..DeskOptions::default()
        },
    })
}

/// `serve`'s options.
#[must_use]
pub fn serve(args: &ServeArgs) -> ServeOptions {
    ServeOptions {
        dir: args.dir.clone(),
        port: args.port,
        delay: args.delay_ms.map(Duration::from_millis),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;
    use crate::cli::{Cli, Command};

    fn verify_args(extra: &[&str]) -> VerifyArgs {
        let mut argv = vec!["tistory-migrate", "verify", "archive"];
        argv.extend_from_slice(extra);
        match Cli::try_parse_from(argv).expect("parses").command {
            Command::Verify(args) => args,
            _ => unreachable!("a verify command line"),
        }
    }

    fn crawl_args(extra: &[&str]) -> CrawlArgs {
        let mut argv = vec!["tistory-migrate", "crawl", "river.tistory.com"];
        argv.extend_from_slice(extra);
        match Cli::try_parse_from(argv).expect("parses").command {
            Command::Crawl(args) => args,
            _ => unreachable!("a crawl command line"),
        }
    }

    #[test]
    fn defaults_resolve_to_the_library_defaults() {
        let crawl = crawl(&crawl_args(&[])).unwrap();
        let policy = FetchPolicy::default();
        assert_eq!(crawl.settings.policy.concurrency, policy.concurrency);
        assert_eq!(crawl.settings.policy.max_attempts, policy.max_attempts);
        assert_eq!(crawl.settings.policy.rate, policy.rate);
        assert_eq!(
            crawl.settings.policy.request_deadline,
            policy.request_deadline
        );
        assert_eq!(crawl.settings.policy.user_agent, policy.user_agent);
        assert_eq!(crawl.out, Path::new("output/river"));
        let verify = verify(&verify_args(&["--naver"])).unwrap();
        let naver = verify.naver.expect("--naver asks for the check");
        let d = NaverCheckOptions::default();
        assert_eq!(naver.fetch.interval, d.fetch.interval);
        assert!((naver.threshold - d.threshold).abs() < f64::EPSILON);
        assert!(
            (verify.threshold - crate::convert::DEFAULT_FIDELITY_THRESHOLD).abs() < f64::EPSILON
        );
    }

    #[test]
    fn bad_values_name_their_flag() {
        let message = |e: OptionError| crate::report::error_chain(&e);
        for (flag, value) in [
            ("--naver-interval", "-1"),
            ("--naver-threshold", "2"),
            ("--naver-endpoint", "x"),
            ("--threshold", "1.5"),
        ] {
            let arg = format!("{flag}={value}");
            let err = message(verify(&verify_args(&[&arg])).unwrap_err());
            assert!(err.starts_with(flag), "{err}");
        }
        for (flag, value) in [
            ("--rate", "-1"),
            ("--concurrency", "0"),
            ("--max-attempts", "0"),
            ("--request-deadline", "0"),
            ("--wayback-rate", "0"),
            ("--wayback-endpoint", "ftp://x"),
            ("--user-agent", " "),
            ("--asset-proxy", "nonsense"),
        ] {
            let arg = format!("{flag}={value}");
            let err = message(crawl(&crawl_args(&[&arg])).unwrap_err());
            assert!(err.starts_with(flag), "{err}");
        }
    }

    #[test]
    fn a_replay_is_not_rate_limited_unless_asked() {
        let args = crawl_args(&[]);
        assert!(
            fetch_settings(&args.fetch, true)
                .unwrap()
                .policy
                .rate
                .is_none()
        );
        let args = crawl_args(&["--rate", "2"]);
        assert_eq!(
            fetch_settings(&args.fetch, true).unwrap().policy.rate,
            Some(2.0)
        );
    }
}
