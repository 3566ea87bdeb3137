//! `tistory-migrate desk <BUNDLE>`: start the migration desk (see [`crate::desk`]) on 127.0.0.1,
//! print the URL to open (it carries this run's token), and serve until Ctrl-C. Stopping it at any
//! moment loses nothing: every recorded URL is already in the archive's ledger.

use std::path::PathBuf;

use crate::desk::{self, DeskError, DeskOptions};

/// What `desk` runs with, resolved from the command line.
#[derive(Debug, Clone)]
pub struct DeskRequest {
    /// The bundle directory.
    pub bundle: PathBuf,
    /// The desk's settings.
    pub options: DeskOptions,
}

/// Runs the desk on the request's bundle until Ctrl-C.
///
/// # Errors
/// [`DeskError`] when it cannot start.
pub async fn run_desk(req: DeskRequest) -> Result<(), DeskError> {
    let DeskRequest { bundle, options } = req;
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
