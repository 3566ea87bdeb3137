//! Replay: serve a saved blog or an archive as a Tistory blog on 127.0.0.1, so that the crawler
//! can archive it offline through the same code path as a live blog, and so that crawler tests
//! can script faults (429 with `Retry-After`, resets, truncated bodies, latency) and count
//! requests. Loading is [`Site::load`]; serving is [`start`]. This module never writes to disk and
//! never serves a file a request names: pages and assets come from the [`Site`] only.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use tistory_migrate::serve::{self, Faults, FaultKind, Site};
//!
//! let site = Site::load(std::path::Path::new("fixtures/hangang-notes"))?;
//! let faults = Faults::none().rule("/10", FaultKind::StatusWithRetryAfter(429, 1), 2);
//! let server = serve::start(site, faults, 0).await?;
//! println!("replaying on {}", server.base_url());
//! assert_eq!(server.log.count("/10"), 0);
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # What is served
//!
//! Saved pages as saved (a saved not-found page with 404), Tistory's URL scheme (`/<id>`,
//! `/m/<id>`, `/entry/<slug>` as a 301 to `/<id>`, `/notice/<id>`, `/?page=N`, `/category`), and
//! what a live blog generates (`/rss`, `/sitemap.xml`, `/robots.txt`, the mobile list
//! `/m/api/entry/0/POST`, comments `/m/api/<id>/comment`). The table is in the `routes` module;
//! the generated documents are described in [`render`] and [`listing`]. Anything else is a 404
//! with a Tistory-like not-found page.
//!
//! # The asset proxy contract
//!
//! Pages keep their ORIGINAL absolute asset URLs (`https://blog.kakaocdn.net/dn/…/img.jpg`), so an
//! archive made from the replay records the same image URLs as one made from the live blog. The
//! replay cannot answer for those hosts, so a crawler fetching assets from a replay sends
//!
//! ```text
//! GET /_replay/asset?url=<percent-encoded original URL>
//! ```
//!
//! ([`ASSET_PROXY_PATH`]) to the replay server instead, and gets `200` with the asset's bytes and a
//! `Content-Type` from its extension (`png`, `jpg`/`jpeg`, `gif`, `webp`, `svg`, `pdf`,
//! `hwp` → `application/x-hwp`; extension-less Tistory `cfile` URLs are typed by their first
//! bytes; else `application/octet-stream`), or `404` when the site has no copy. The scheme and
//! the query string of the original URL do not matter (signed URLs find their file).

mod assets;
mod blog;
mod faults;
mod faults_body;
mod handler;
pub mod in_flight;
mod layouts;
pub mod listing;
pub mod render;
mod routes;
pub mod running;
mod site;
mod site_error;
#[cfg(test)]
mod tests;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;

pub use self::assets::{Asset, AssetMap, AssetSource, content_type_for};
use self::faults::FaultState;
pub use self::faults::{FaultKind, FaultRule, Faults, LoggedRequest, RequestLog, prefix_matches};
use self::handler::{AppState, handle};
pub use self::site::{Entry, SavedPage, Site, SiteError};

/// The path of the asset proxy: `GET /_replay/asset?url=<percent-encoded original URL>` (see the
/// module docs).
pub const ASSET_PROXY_PATH: &str = "/_replay/asset";

/// Why the replay server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The port could not be bound.
    #[error("cannot listen on {addr}; is the port in use? Port 0 picks a free one")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// A running replay server. It serves until [`ReplayServer::shutdown`] or until dropped.
#[derive(Debug)]
pub struct ReplayServer {
    /// Where it listens (always 127.0.0.1).
    pub addr: SocketAddr,
    /// Every request received, logged before faults apply.
    pub log: RequestLog,
    /// How many requests are being answered at once, and the most so far.
    pub in_flight: in_flight::InFlight,
    faults: FaultState,
    running: crate::serve::running::Running,
}

impl ReplayServer {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The absolute URL of a path on this server (`url("/10")`).
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The proxy URL of an original asset URL (see the module docs).
    #[must_use]
    pub fn asset_url(&self, original: &str) -> String {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("url", original)
            .finish();
        format!("http://{}{ASSET_PROXY_PATH}?{query}", self.addr)
    }

    /// Appends a fault rule to the running script (after the rules given to [`start`]).
    pub fn push_fault(&self, rule: FaultRule) {
        self.faults.push(rule);
    }

    /// Stops accepting connections, lets open requests finish (at most 5 s), and returns.
    pub async fn shutdown(self) {
        self.running.shutdown().await;
    }
}

/// Starts serving `site` on `127.0.0.1:port` (port 0 = any free port) with the `faults` script.
/// Must be called inside a tokio runtime; the server runs as a task on it.
///
/// # Errors
/// [`ServeError::Bind`] when the port cannot be bound.
pub async fn start(site: Site, faults: Faults, port: u16) -> Result<ReplayServer, ServeError> {
    let wanted = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let bind_error = |source| ServeError::Bind {
        addr: wanted,
        source,
    };
    let listener = TcpListener::bind(wanted).await.map_err(bind_error)?;
    let addr = listener.local_addr().map_err(bind_error)?;
    let log = RequestLog::new();
    let fault_state = FaultState::new(faults.rules);
    let in_flight = in_flight::InFlight::default();
    let state = Arc::new(AppState {
        site,
        faults: fault_state.clone(),
        log: log.clone(),
        in_flight: in_flight.clone(),
        delay: faults.delay,
    });
    let app = Router::new().fallback(handle).with_state(state);
    let running = crate::serve::running::Running::spawn(listener, app, "replay server");
    tracing::debug!(%addr, "replay server listening");
    Ok(ReplayServer {
        addr,
        log,
        in_flight,
        faults: fault_state,
        running,
    })
}
