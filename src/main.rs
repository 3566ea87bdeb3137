//! The `tistory-migrate` binary: parse arguments, set up logging and progress, run the command,
//! map the outcome to an exit code. Everything else lives in the library.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;
use tistory_migrate::bundle::footer::Footer;
use tistory_migrate::cli::{Cli, Command, DEFAULT_MAX_PAGE_BYTES};
use tistory_migrate::commands::bundle::{BundleOptions, run_bundle};
use tistory_migrate::commands::crawl::{
    CrawlOutcome, crawl_and_extract, default_archive_dir, exit_for,
};
use tistory_migrate::commands::desk::{desk_options, run_desk};
use tistory_migrate::commands::extract::{ExtractOptions, run_extract};
use tistory_migrate::commands::import::{ImportOptions, exit_for_error, run_import};
use tistory_migrate::commands::migrate::{bundle_and_verify, migrate_blog, migrate_directory};
use tistory_migrate::commands::redirects::{RedirectsOptions, run_redirects};
use tistory_migrate::commands::serve::serve_dir;
use tistory_migrate::commands::verify::{VerifyOptions, run_verify};
use tistory_migrate::config::{crawl_settings, parse_blog};
use tistory_migrate::crawl::CrawlError;
use tistory_migrate::extract::selectors::SelectorProfile;
use tistory_migrate::import::ImportLimits;
use tistory_migrate::import::writer::MarkPublic;
use tistory_migrate::progress::{LogWriter, Progress};
use tistory_migrate::report::Exit;

fn init_logging(verbose: u8, quiet: u8, writer: LogWriter) {
    let level = match (verbose, quiet) {
        (_, q) if q > 0 => "error",
        (0, _) => "warn",
        (1, _) => "info",
        (2, _) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("tistory_migrate={level}")));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_target(false)
        .init();
}

fn print_stdout(text: &str) {
    // A closed pipe (`| head`) is not an error.
    let _ = std::io::stdout().write_all(text.as_bytes());
}

fn bad_args(message: &str) -> anyhow::Result<Exit> {
    eprintln!("tistory-migrate: error: {message}");
    Ok(Exit::BadArgs)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn finish(result: Result<CrawlOutcome, CrawlError>) -> Exit {
    match result {
        Ok(outcome) => {
            print_stdout(&outcome.crawl.render());
            print_stdout(&outcome.extract.render());
            if let Some(warc) = &outcome.warc {
                print_stdout(&warc.render());
            }
            outcome.exit()
        }
        Err(e) => {
            eprintln!("tistory-migrate: error: {e}");
            exit_for(&e)
        }
    }
}

/// `migrate` ends with a verify summary; its gaps make the exit code 4 (an earlier 2 stays).
fn finish_migrate(result: Result<CrawlOutcome, CrawlError>) -> Exit {
    let out = result.as_ref().ok().map(|o| o.out.clone());
    let exit = finish(result);
    let Some(out) = out else { return exit };
    let (summary, exit) = bundle_and_verify(&out, exit);
    print_stdout(&summary);
    exit
}

fn run(cli: Cli, progress: &Progress) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Extract(args) => {
            let profile = match &args.selectors {
                Some(path) => match SelectorProfile::load(path) {
                    Ok(p) => p,
                    Err(e) => return bad_args(&e.to_string()),
                },
                None => SelectorProfile::default(),
            };
            let opts = ExtractOptions {
                inputs: args.inputs,
                out: args.out,
                profile,
                max_page_bytes: args.max_page_bytes.unwrap_or(DEFAULT_MAX_PAGE_BYTES),
            };
            let report = run_extract(&opts)?;
            if args.json {
                print_stdout(&(serde_json::to_string_pretty(&report)? + "\n"));
            } else {
                print_stdout(&report.render());
            }
            Ok(report.exit())
        }
        Command::Import(args) => {
            let mark_public = match args.mark_public.as_deref().map(MarkPublic::parse) {
                None => MarkPublic::None,
                Some(Ok(m)) => m,
                Some(Err(e)) => return bad_args(&format!("--mark-public: {e}")),
            };
            let opts = ImportOptions {
                file: args.file,
                out: args.out,
                blog: args.blog,
                mark_public,
                limits: ImportLimits::default(),
                max_page_bytes: DEFAULT_MAX_PAGE_BYTES,
            };
            match run_import(&opts) {
                Ok(report) => {
                    if args.json {
                        print_stdout(&(serde_json::to_string_pretty(&report)? + "\n"));
                    } else {
                        print_stdout(&report.render());
                    }
                    Ok(report.exit())
                }
                Err(e) => {
                    eprintln!("tistory-migrate: error: {e:#}");
                    Ok(exit_for_error(&e))
                }
            }
        }
        Command::Crawl(args) => {
            let blog = match parse_blog(&args.blog) {
                Ok(b) => b,
                Err(e) => return bad_args(&e),
            };
            let proxy = match args.asset_proxy.as_deref().map(url::Url::parse).transpose() {
                Ok(p) => p,
                Err(e) => return bad_args(&format!("--asset-proxy: {e}")),
            };
            if args.fetch.ignore_robots {
                eprintln!(
                    "tistory-migrate: warning: --ignore-robots: the blog's robots.txt is NOT honoured"
                );
            }
            let mut settings = match crawl_settings(&args.fetch, false) {
                Ok(s) => s,
                Err(e) => return bad_args(&e),
            };
            settings.retry_failed = args.retry_failed;
            let out = args.out.unwrap_or_else(|| default_archive_dir(&blog));
            Ok(finish(runtime()?.block_on(crawl_and_extract(
                blog, out, settings, proxy, progress,
            ))))
        }
        Command::Migrate(args) => {
            let dir = std::path::Path::new(&args.source);
            let local = dir.is_dir() || tistory_migrate::warc::replay::is_warc_source(dir);
            if args.fetch.ignore_robots {
                eprintln!(
                    "tistory-migrate: warning: --ignore-robots: the blog's robots.txt is NOT honoured"
                );
            }
            let settings = match crawl_settings(&args.fetch, local) {
                Ok(s) => s,
                Err(e) => return bad_args(&e),
            };
            if local {
                return Ok(finish_migrate(
                    runtime()?.block_on(migrate_directory(dir, args.out, settings, progress)),
                ));
            }
            let blog = match parse_blog(&args.source) {
                Ok(b) => b,
                Err(e) => return bad_args(&format!("{e} (nor is it a directory)")),
            };
            Ok(finish_migrate(runtime()?.block_on(migrate_blog(
                blog, args.out, settings, progress,
            ))))
        }
        Command::Verify(args) => {
            let opts = match VerifyOptions::resolve(&args) {
                Ok(o) => o,
                Err(e) => return bad_args(&e),
            };
            match run_verify(&opts) {
                Ok(report) => {
                    print_stdout(&report.render_as(opts.format));
                    Ok(report.exit())
                }
                Err(e) => {
                    eprintln!("tistory-migrate: error: {e}");
                    Ok(e.exit())
                }
            }
        }
        Command::Bundle(args) => {
            let footer = match Footer::from_flags(args.no_footer, args.footer) {
                Ok(f) => f,
                Err(e) => return bad_args(&format!("--footer: {e}")),
            };
            if !args.archive.is_dir() {
                return bad_args(&format!("{} is not a directory", args.archive.display()));
            }
            let opts = BundleOptions {
                archive: args.archive,
                out: args.out,
                footer,
            };
            let report = run_bundle(&opts)?;
            print_stdout(&report.render());
            Ok(report.exit())
        }
        Command::Redirects(args) => {
            if !args.archive.is_dir() {
                return bad_args(&format!("{} is not a directory", args.archive.display()));
            }
            let opts = RedirectsOptions {
                archive: args.archive,
                out: args.out,
            };
            print_stdout(&run_redirects(&opts)?.render());
            Ok(Exit::Ok)
        }
        Command::Desk(args) => {
            let options = match desk_options(&args) {
                Ok(o) => o,
                Err(e) => return bad_args(&e),
            };
            match runtime()?.block_on(run_desk(args.bundle, options)) {
                Ok(()) => Ok(Exit::Ok),
                Err(e) => {
                    eprintln!("tistory-migrate: error: {e}");
                    Ok(tistory_migrate::commands::desk::exit_for(&e))
                }
            }
        }
        Command::Serve(args) => {
            match runtime()?.block_on(serve_dir(
                &args.dir,
                args.port.unwrap_or(8080),
                args.delay_ms.map(std::time::Duration::from_millis),
            )) {
                Ok(()) => Ok(Exit::Ok),
                Err(e) => bad_args(&tistory_migrate::report::error_chain(&e)),
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::BadArgs
            } else {
                Exit::Ok
            };
            let _ = e.print();
            return code.into();
        }
    };
    let progress = Progress::new(!cli.no_progress && cli.verbose == 0 && cli.quiet == 0);
    init_logging(cli.verbose, cli.quiet, progress.log_writer());
    match run(cli, &progress) {
        Ok(exit) => exit.into(),
        Err(e) => {
            eprintln!("tistory-migrate: error: {e:#}");
            Exit::Unexpected.into()
        }
    }
}
