//! The `tistory-migrate` binary: parse arguments, set up logging and progress, resolve the
//! options once (`cli::resolve`), run the command, print its report, and map the outcome to an
//! exit code (`exit::exit_for` for errors, the report's own code otherwise). Everything else
//! lives in the library.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser as _;
use tistory_migrate::cli::{self, Cli, Command, resolve};
use tistory_migrate::commands::crawl::{CrawlOutcome, run_crawl};
use tistory_migrate::commands::{bundle, desk, extract, import, migrate, redirects, serve, verify};
use tistory_migrate::crawl::CrawlError;
use tistory_migrate::exit::{Exit, exit_for};
use tistory_migrate::progress::{LogWriter, Progress};

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

/// A report as pretty JSON (`--json`) or as its text summary.
fn print_report<R: serde::Serialize>(
    report: &R,
    json: bool,
    text: impl FnOnce(&R) -> String,
) -> Result<()> {
    if json {
        print_stdout(&(serde_json::to_string_pretty(report)? + "\n"));
    } else {
        print_stdout(&text(report));
    }
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Prints what crawl + extract did; the outcome's code.
fn print_crawl(outcome: &CrawlOutcome) -> Exit {
    print_stdout(&outcome.crawl.render());
    print_stdout(&outcome.extract.render());
    if let Some(warc) = &outcome.warc {
        print_stdout(&warc.render());
    }
    outcome.exit()
}

fn run_extract(args: &cli::ExtractArgs) -> Result<Exit> {
    let report = extract::run_extract(&resolve::extract(args)?)?;
    print_report(&report, args.json, |r| r.render())?;
    Ok(report.exit())
}

fn run_import(args: &cli::ImportArgs) -> Result<Exit> {
    let report = import::run_import(&resolve::import(args)?)?;
    print_report(&report, args.json, |r| r.render())?;
    Ok(report.exit())
}

fn run_crawl_command(args: &cli::CrawlArgs, progress: &Progress) -> Result<Exit> {
    let request = resolve::crawl(args)?;
    let outcome = runtime()?.block_on(run_crawl(request, progress))?;
    Ok(print_crawl(&outcome))
}

/// `migrate` ends with the bundle and a verify summary; gaps make the code 4 (an earlier 2 stays).
fn run_migrate(args: &cli::MigrateArgs, progress: &Progress) -> Result<Exit> {
    let request = resolve::migrate(args)?;
    let outcome: Result<CrawlOutcome, CrawlError> =
        runtime()?.block_on(migrate::run_migrate(request, progress));
    let outcome = outcome?;
    let exit = print_crawl(&outcome);
    let (summary, exit) = migrate::bundle_and_verify(&outcome.out, exit);
    print_stdout(&summary);
    Ok(exit)
}

fn run_verify(args: &cli::VerifyArgs) -> Result<Exit> {
    let opts = resolve::verify(args)?;
    let report = verify::run_verify(&opts)?;
    print_stdout(&report.render_as(opts.format));
    Ok(report.exit())
}

fn run_bundle(args: &cli::BundleArgs) -> Result<Exit> {
    let report = bundle::run_bundle(&resolve::bundle(args)?)?;
    print_stdout(&report.render());
    Ok(report.exit())
}

fn run_redirects(args: &cli::RedirectsArgs) -> Result<Exit> {
    print_stdout(&redirects::run_redirects(&resolve::redirects(args)?)?.render());
    Ok(Exit::Ok)
}

fn run_desk(args: &cli::DeskArgs) -> Result<Exit> {
    let request = resolve::desk(args)?;
    runtime()?.block_on(desk::run_desk(request))?;
    Ok(Exit::Ok)
}

fn run_serve(args: &cli::ServeArgs) -> Result<Exit> {
    runtime()?.block_on(serve::serve_dir(&resolve::serve(args)))?;
    Ok(Exit::Ok)
}

/// One dispatch per subcommand.
fn run(cli: &Cli, progress: &Progress) -> Result<Exit> {
    match &cli.command {
        Command::Extract(args) => run_extract(args),
        Command::Import(args) => run_import(args),
        Command::Crawl(args) => run_crawl_command(args, progress),
        Command::Migrate(args) => run_migrate(args, progress),
        Command::Verify(args) => run_verify(args),
        Command::Bundle(args) => run_bundle(args),
        Command::Redirects(args) => run_redirects(args),
        Command::Desk(args) => run_desk(args),
        Command::Serve(args) => run_serve(args),
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
    match run(&cli, &progress) {
        Ok(exit) => exit.into(),
        Err(e) => {
            eprintln!("tistory-migrate: error: {e:#}");
            exit_for(&e).into()
        }
    }
}
