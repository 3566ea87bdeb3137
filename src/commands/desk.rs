//! `tistory-migrate desk <BUNDLE>`: start the migration desk (see [`crate::desk`]) on 127.0.0.1,
//! print the URL to open (it carries this run's token), and serve until Ctrl-C. Stopping it at any
//! moment loses nothing: every recorded URL is already in the archive's ledger.

use std::path::PathBuf;

use crate::cli::DeskArgs;
use crate::desk::{self, DEFAULT_DESK_PORT, DailyCap, DeskError, DeskOptions};
use crate::report::Exit;

/// Checks the `desk` arguments.
///
/// # Errors
/// A message for the command line (exit 3) when `--daily-cap` or a `--naver-*` flag is out of range.
pub fn desk_options(args: &DeskArgs) -> Result<DeskOptions, String> {
    let daily_cap = match args.daily_cap {
        Some(n) => DailyCap::new(n)?,
        None => DailyCap::default(),
    };
    Ok(DeskOptions {
        port: args.port.unwrap_or(DEFAULT_DESK_PORT),
        daily_cap,
        naver_blog: args.naver_blog.clone(),
        archive: args.archive.clone(),
        naver_check: crate::naver_check::options::resolve(&args.naver_check)?,
        ..DeskOptions::default()
    })
}

/// The exit code for a desk that could not start: 3 for what the user passed (a bundle, an
/// archive, a blog id, a port), 1 for a failing database.
#[must_use]
pub fn exit_for(e: &DeskError) -> Exit {
    match e {
        DeskError::Db(_) => Exit::Unexpected,
        _ => Exit::BadArgs,
    }
}

/// Runs the desk on `bundle` until Ctrl-C.
///
/// # Errors
/// [`DeskError`] when it cannot start.
pub async fn run_desk(bundle: PathBuf, options: DeskOptions) -> Result<(), DeskError> {
    let cap = options.daily_cap.get();
    let server = desk::start(&bundle, options).await?;
    for file in &server.unlisted {
        eprintln!("tistory-migrate: warning: {file}: not part of the bundle; ignored");
    }
    println!(
        "desk: {} — archive {} — daily cap {cap}\nOpen this address in your browser (브라우저에서 이 주소를 여세요):\n\n  {}\n\nPress Ctrl-C to stop; nothing recorded is lost (Ctrl-C로 멈춰도 기록은 남습니다).",
        bundle.display(),
        server.archive.display(),
        server.url()
    );
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    Ok(())
}
