//! The connections: cxr-serve's own accept loop over hyper's HTTP/1
//! connection, so that every connection is bounded. A client has
//! `header_timeout` to send a request's headers (an idle keep-alive
//! connection too); at most `max_connections` are open at once (beyond,
//! new ones wait in the listen backlog, and a warning says so); on shutdown
//! a connection with no request being answered (idle, or half a header
//! sent) is closed at once, and those answering a request finish it within
//! the drain timeout.

use crate::api;
use crate::state::AppState;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

/// After a shutdown signal, how long a connection with no request being
/// answered may still be polled, for a response already handed over to be
/// flushed; then it is closed.
const FLUSH_GRACE: Duration = Duration::from_millis(200);

/// At most one "connection limit reached" line per this interval.
const LIMIT_LOG_EVERY: Duration = Duration::from_secs(10);

/// Pause after a failed `accept` (out of file descriptors, say), so the
/// loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `state`'s API on `listener` until `shutdown` resolves; then marks
/// the server draining, stops accepting, closes every connection that is
/// not answering a request, and waits (at most the drain timeout) for the
/// others.
pub async fn serve(listener: TcpListener, state: AppState, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let app = api::router(state.clone());
    let options = state.options().clone();
    let max = options.max_connections.max(1);
    let connections = Arc::new(Semaphore::new(max));
    let (stop, stopped) = watch::channel(false);
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(options.header_timeout);
    tokio::pin!(shutdown);
    let mut last_limit_log: Option<Instant> = None;
    loop {
        let permit = match connections.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if last_limit_log.is_none_or(|t| t.elapsed() >= LIMIT_LOG_EVERY) {
                    last_limit_log = Some(Instant::now());
                    tracing::warn!(
                        connections = max,
                        "connection limit reached: {max} connections open (--max-connections); new connections wait until one closes"
                    );
                }
                tokio::select! {
                    permit = connections.clone().acquire_owned() => permit.expect("the connection semaphore is never closed"),
                    () = &mut shutdown => break,
                }
            }
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!("accepting a connection: {e}");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        tokio::spawn(connection(stream, app.clone(), builder.clone(), stopped.clone(), permit));
    }
    drop(listener);
    state.begin_drain();
    tracing::info!("shutting down: closing idle connections, draining the requests being answered");
    let _ = stop.send(true);
    let drain = options.drain_timeout;
    if tokio::time::timeout(drain, connections.acquire_many(max as u32)).await.is_err() {
        tracing::warn!(
            seconds = drain.as_secs_f64(),
            "drain timeout (--drain-secs): closing the connections still open"
        );
    }
    Ok(())
}

/// Counts a request being answered on a connection while it lives.
struct Answering(Arc<AtomicUsize>);

impl Answering {
    fn begin(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::AcqRel);
        Answering(count.clone())
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// One connection, until the client closes it, a timeout does, or the
/// server shuts down. Holds its place under the connection limit.
async fn connection(stream: TcpStream, app: Router, builder: http1::Builder, mut stopped: watch::Receiver<bool>, _place: OwnedSemaphorePermit) {
    let _ = stream.set_nodelay(true);
    let answering = Arc::new(AtomicUsize::new(0));
    let service = {
        let answering = answering.clone();
        let app = TowerToHyperService::new(app);
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let guard = Answering::begin(&answering);
            let response = hyper::service::Service::call(&app, request);
            async move {
                let response = response.await;
                drop(guard);
                response
            }
        })
    };
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stopped.wait_for(|stop| *stop) => {}
    }
    // Closes an idle connection now; one answering a request closes after
    // its response.
    conn.as_mut().graceful_shutdown();
    let quiet = async {
        while answering.load(Ordering::Acquire) > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(FLUSH_GRACE).await;
    };
    tokio::select! {
        _ = conn.as_mut() => {}
        () = quiet => {}
    }
}
