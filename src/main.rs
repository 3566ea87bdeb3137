//! The `tistory-migrate` binary: parse arguments, set up logging, run the command, map the outcome
//! to an exit code. Everything else lives in the library.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;
use tistory_migrate::cli::{Cli, Command, DEFAULT_MAX_PAGE_BYTES};
use tistory_migrate::commands::extract::{ExtractOptions, run_extract};
use tistory_migrate::extract::selectors::SelectorProfile;
use tistory_migrate::report::Exit;

fn init_logging(verbose: u8, quiet: u8) {
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
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

fn print_stdout(text: &str) {
    // A closed pipe (`| head`) is not an error.
    let _ = std::io::stdout().write_all(text.as_bytes());
}

fn run(cli: Cli) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Extract(args) => {
            let profile = match &args.selectors {
                Some(path) => match SelectorProfile::load(path) {
                    Ok(p) => p,
                    Err(e) => {
                        eprintln!("tistory-migrate: error: {e}");
                        return Ok(Exit::BadArgs);
                    }
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
    init_logging(cli.verbose, cli.quiet);
    match run(cli) {
        Ok(exit) => exit.into(),
        Err(e) => {
            eprintln!("tistory-migrate: error: {e:#}");
            Exit::Unexpected.into()
        }
    }
}
