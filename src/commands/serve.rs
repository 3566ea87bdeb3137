//! `tistory-migrate serve <DIR>`: replay a saved blog or an archive on 127.0.0.1 until Ctrl-C.

use std::path::Path;

use crate::serve::{Faults, Site, start};

/// Serves `dir` on 127.0.0.1:`port` until interrupted.
///
/// # Errors
/// A message when the directory cannot be loaded or the port cannot be bound.
pub async fn serve_dir(
    dir: &Path,
    port: u16,
    delay: Option<std::time::Duration>,
) -> Result<(), String> {
    let site = Site::load(dir).map_err(|e| e.to_string())?;
    let entries = site.entries.len();
    let faults = match delay {
        Some(d) => Faults::default().with_delay(d),
        None => Faults::default(),
    };
    let server = start(site, faults, port)
        .await
        .map_err(|e| format!("cannot serve on 127.0.0.1:{port}: {e}"))?;
    println!(
        "serving {} ({entries} entries) at http://{}/ — press Ctrl-C to stop",
        dir.display(),
        server.addr
    );
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    Ok(())
}
