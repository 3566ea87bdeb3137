//! The HTTP side of the replay: every request is logged, then meets its scripted fault (if any),
//! gets the reply `routes` picks, and is answered when its latency is up. Faults that need control
//! below axum are body tricks: `Truncate` sends a `Content-Length` for the whole body and a stream
//! that fails after half of it; `Reset` sends a stream that fails at once, so hyper closes the
//! connection before writing anything.
//!
//! The latency (`--delay-ms`, [`Faults::delay`](super::faults::Faults::delay)) is counted from the
//! request's arrival, not from after the reply is built: a replay configured for 50 ms answers
//! 50 ms after the request came in, whatever reading the file and hashing the ETag cost, and to
//! within tens of microseconds rather than tokio's whole milliseconds rounded up. A `Delay`
//! fault adds its own wait on top.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use futures_util::StreamExt as _;
use futures_util::stream;

use super::faults::{FaultKind, FaultState, RequestLog};
use super::routes::{Reply, ReplyBody, dispatch};
use super::site::Site;

/// What every request handler shares.
#[derive(Debug)]
pub(crate) struct AppState {
    pub(crate) site: Site,
    pub(crate) faults: FaultState,
    pub(crate) log: RequestLog,
    pub(crate) in_flight: super::in_flight::InFlight,
    pub(crate) delay: Option<Duration>,
}

/// The one handler: the router sends every request here.
pub(crate) async fn handle(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let arrived = tokio::time::Instant::now();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    state.log.record(request.method().as_str(), &path_and_query);
    let _answering = state.in_flight.enter();
    let fault = state.faults.take(&path_and_query);
    let asked = Asked {
        method: request.method().as_str().to_string(),
        uri: request.uri().clone(),
        if_none_match: request
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    };
    let response = answer(&state, &asked, fault).await;
    wait_until(due(arrived, fault, state.delay)).await;
    response
}

/// How early tokio's timer is asked to wake before a response is due: it counts whole
/// milliseconds and rounds every deadline up (and the poller's timeout too), so it wakes up to
/// about 2 ms late; the rest is slept precisely.
const TIMER_MARGIN: Duration = Duration::from_millis(2);

/// Waits until `due`, to within the OS's sleep precision (tens of microseconds). tokio's timer
/// alone made a 50 ms replay answer after 51.5–52.5 ms; so it is asked to wake [`TIMER_MARGIN`]
/// early, and the last stretch is a thread sleep on the blocking pool (never on a runtime worker).
async fn wait_until(due: tokio::time::Instant) {
    if let Some(early) = due.checked_sub(TIMER_MARGIN)
        && early > tokio::time::Instant::now()
    {
        tokio::time::sleep_until(early).await;
    }
    let rest = due.saturating_duration_since(tokio::time::Instant::now());
    if !rest.is_zero() {
        // A failed join only loses the precision: the answer goes out a little early.
        let _ = tokio::task::spawn_blocking(move || std::thread::sleep(rest)).await;
    }
}

/// When the answer to a request that `arrived` then goes out: after the global latency and a
/// `Delay` fault's own wait, both counted from the arrival.
fn due(
    arrived: tokio::time::Instant,
    fault: Option<FaultKind>,
    delay: Option<Duration>,
) -> tokio::time::Instant {
    let fault_delay = match fault {
        Some(FaultKind::Delay(extra)) => extra,
        _ => Duration::ZERO,
    };
    arrived + fault_delay + delay.unwrap_or_default()
}

/// What the reply depends on, taken off the request (whose body is not shared across an await).
struct Asked {
    method: String,
    uri: axum::http::Uri,
    if_none_match: Option<String>,
}

/// The response to `asked` under its `fault`, built at once (the caller waits for its latency).
async fn answer(state: &AppState, asked: &Asked, fault: Option<FaultKind>) -> Response {
    let method = asked.method.as_str();
    let uri = &asked.uri;
    match fault {
        Some(FaultKind::Status(code)) => return status_fault(code, None),
        Some(FaultKind::StatusWithRetryAfter(code, seconds)) => {
            return status_fault(code, Some(seconds));
        }
        Some(FaultKind::Reset) => return reset(),
        Some(FaultKind::Body(bytes)) => {
            return into_response(Reply::bytes(200, "text/html;charset=UTF-8", bytes), None).await;
        }
        Some(FaultKind::RedirectTo(to)) => {
            let mut reply = Reply::bytes(302, "text/html;charset=UTF-8", Bytes::new());
            reply.location = Some(to.to_string());
            return into_response(reply, None).await;
        }
        _ => {}
    }
    let (path, query) = match fault {
        Some(FaultKind::SameAs(other)) => other
            .split_once('?')
            .map_or((other, None), |(p, q)| (p, Some(q))),
        _ => (uri.path(), uri.query()),
    };
    let mut reply = dispatch(&state.site, method, path, query);
    if fault == Some(FaultKind::Vary) {
        let asked_path = uri.path_and_query().map_or("/", |p| p.as_str());
        reply = super::faults_body::varied(reply, state.log.count(asked_path)).await;
    }
    // Pages carry an ETag (a hash of their bytes), so `crawl --refresh` can ask "changed?".
    let etag = match (
        &reply.body,
        reply.status,
        reply.content_type.starts_with("text/html"),
    ) {
        (ReplyBody::Bytes(bytes), 200, true) => Some(format!(
            "\"{}\"",
            &crate::archive::hash::sha256_hex(bytes)[..16]
        )),
        _ => None,
    };
    let if_none_match = asked.if_none_match.as_deref();
    if let Some(tag) = &etag
        && if_none_match == Some(tag.as_str())
    {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        if let Ok(v) = HeaderValue::from_str(tag) {
            response.headers_mut().insert(header::ETAG, v);
        }
        return response;
    }
    if let Some(FaultKind::StatusKeepBody(code)) = fault {
        reply.status = code;
    }
    let mut response = into_response(reply, fault).await;
    if let Some(v) = etag.as_deref().and_then(|t| HeaderValue::from_str(t).ok()) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain;charset=UTF-8"),
    );
    response
}

fn status_fault(code: u16, retry_after: Option<u64>) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = plain(status, "replay fault\n");
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

fn reset() -> Response {
    let failing = stream::once(async {
        Err::<Bytes, io::Error>(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "replay fault: reset",
        ))
    });
    Response::new(Body::from_stream(failing))
}

/// Half the body, a pause (so hyper flushes the head and that half), then an error that makes
/// hyper drop the connection short of the announced `Content-Length`.
fn truncated(body: Bytes) -> Body {
    let half = body.slice(..body.len() / 2);
    let first = stream::iter([Ok::<Bytes, io::Error>(half)]);
    let fail = stream::once(async {
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "replay fault: truncated body",
        ))
    });
    Body::from_stream(first.chain(fail))
}

/// The body `bytes` at a time, `every` before each piece.
fn dripped(body: Bytes, bytes: usize, every: Duration) -> Body {
    let pieces: Vec<Bytes> = (0..body.len())
        .step_by(bytes.max(1))
        .map(|at| body.slice(at..(at + bytes.max(1)).min(body.len())))
        .collect();
    Body::from_stream(stream::iter(pieces).then(move |piece| async move {
        tokio::time::sleep(every).await;
        Ok::<Bytes, io::Error>(piece)
    }))
}

async fn into_response(reply: Reply, fault: Option<FaultKind>) -> Response {
    let truncate = fault == Some(FaultKind::Truncate);
    let bytes = match reply.body {
        ReplyBody::Bytes(bytes) => bytes,
        ReplyBody::File(path) => match tokio::fs::read(&path).await {
            Ok(bytes) => Bytes::from(bytes),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "replay: asset file unreadable");
                return plain(StatusCode::NOT_FOUND, "no such asset in this site\n");
            }
        },
    };
    let (bytes, gzip) = super::faults_body::encoded(fault, bytes);
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let length = bytes.len();
    let mut response = if truncate {
        Response::new(truncated(bytes))
    } else if let Some(FaultKind::Drip {
        bytes: piece,
        every,
    }) = fault
    {
        Response::new(dripped(bytes, piece, every))
    } else {
        Response::new(Body::from(bytes))
    };
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&reply.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Some(value) = reply
        .location
        .and_then(|to| HeaderValue::from_str(&to).ok())
    {
        headers.insert(header::LOCATION, value);
    }
    if truncate {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    if gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::{FaultKind, due};
    use std::time::Duration;

    #[test]
    fn the_latency_counts_from_the_arrival_and_a_delay_fault_adds_to_it() {
        let arrived = tokio::time::Instant::now();
        let ms = Duration::from_millis;
        assert_eq!(due(arrived, None, Some(ms(50))), arrived + ms(50));
        assert_eq!(
            due(arrived, Some(FaultKind::Delay(ms(30))), Some(ms(50))),
            arrived + ms(80)
        );
        assert_eq!(
            due(arrived, Some(FaultKind::Delay(ms(30))), None),
            arrived + ms(30)
        );
        assert_eq!(due(arrived, Some(FaultKind::Status(503)), None), arrived);
        assert_eq!(
            due(arrived, Some(FaultKind::Truncate), Some(ms(50))),
            arrived + ms(50)
        );
    }
}
