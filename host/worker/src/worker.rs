//! The worker's loop: pull requests sized to the free in-flight slots, one
//! task per message, the lag poller, SIGHUP reloads and the drain on
//! shutdown.

use crate::broker;
use crate::handle;
use crate::metrics::Metrics;
use crate::options::WorkerOptions;
use crate::subjects;
use anyhow::Result;
use cxr_fleet::Fleet;
use async_nats::jetstream::{self, consumer::PullConsumer};
use futures_util::StreamExt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

/// What every message task shares.
pub(crate) struct Ctx {
    pub options: WorkerOptions,
    /// The connection (what the broker announced: its `max_payload`).
    pub client: async_nats::Client,
    pub js: jetstream::Context,
    pub fleet: Fleet,
    pub metrics: Arc<Metrics>,
    /// The literal tokens of the input filter (`cxr`, `in`).
    pub input_prefix: Vec<String>,
    /// One per decision computed at once (`--jobs`).
    pub decide_slots: Arc<Semaphore>,
    /// Whether the broker connection is up.
    pub connected: Arc<AtomicBool>,
    /// Set once shutdown began.
    pub draining: AtomicBool,
}

/// What a running worker tells its caller once it consumes.
#[derive(Debug, Clone)]
pub struct Ready {
    /// Where `/metrics`, `/healthz` and `/readyz` are served, when they are.
    pub metrics_addr: Option<SocketAddr>,
}

/// Runs a worker until `shutdown` resolves: connects, makes sure the
/// streams and the consumer exist, consumes, and on shutdown stops pulling,
/// finishes and acknowledges what is in flight (for at most the drain
/// timeout), and drains the connection. SIGHUP reloads the tenants.
pub async fn run(
    options: WorkerOptions,
    fleet: Fleet,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_ready: impl FnOnce(Ready),
) -> Result<()> {
    let connected = Arc::new(AtomicBool::new(false));
    let client = broker::connect(&options, connected.clone()).await?;
    let mut js = jetstream::new(client.clone());
    js.set_timeout(options.publish_timeout);
    let consumer = broker::ensure(&js, &options).await?;
    let metrics = Arc::new(Metrics::new(options.max_in_flight, &fleet));
    metrics.set_connected(true);
    let ctx = Arc::new(Ctx {
        input_prefix: subjects::literal_prefix(&options.in_subjects),
        decide_slots: Arc::new(Semaphore::new(options.jobs)),
        options,
        client: client.clone(),
        js,
        fleet: fleet.clone(),
        metrics,
        connected,
        draining: AtomicBool::new(false),
    });
    let (stop_tx, stop) = watch::channel(false);
    let metrics_addr = match ctx.options.metrics_listen {
        Some(addr) => Some(crate::http::spawn(addr, ctx.clone(), stop.clone()).await?),
        None => None,
    };
    cxr_fleet::watch::start_reloading(fleet)?;
    tokio::spawn(poll_lag(ctx.clone(), consumer.clone(), stop.clone()));
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
        // Keep the sender until the end so that `changed` does not fire again.
        std::future::pending::<()>().await;
    });
    tracing::info!(
        url = %ctx.options.nats_url, stream = %ctx.options.in_stream, consumer = %ctx.options.consumer,
        max_in_flight = ctx.options.max_in_flight, batch = ctx.options.batch, jobs = ctx.options.jobs,
        "consuming"
    );
    on_ready(Ready { metrics_addr });

    let slots = Arc::new(Semaphore::new(ctx.options.max_in_flight));
    pull(ctx.clone(), consumer, slots.clone(), stop).await;

    ctx.draining.store(true, Ordering::SeqCst);
    tracing::info!("stopped pulling; finishing the messages in flight");
    let all = u32::try_from(ctx.options.max_in_flight).unwrap_or(u32::MAX);
    match tokio::time::timeout(ctx.options.drain_timeout, slots.acquire_many(all)).await {
        Ok(_) => tracing::info!("every message in flight was finished"),
        Err(_) => tracing::warn!(
            "drain timeout: {} messages still in flight; the broker redelivers them after the ack wait",
            ctx.options.max_in_flight - slots.available_permits()
        ),
    }
    if let Err(e) = tokio::time::timeout(Duration::from_secs(10), client.drain()).await.unwrap_or(Ok(())) {
        tracing::warn!("draining the connection: {e}");
    }
    tracing::info!("stopped");
    Ok(())
}

/// Pulls while not stopped: each pull request asks for as many messages as
/// there are free in-flight slots (at most `--batch`), so work beyond the
/// limit waits in the stream, never in this process. Failed requests (the
/// broker restarting) are retried with a growing delay; the consumer is
/// looked up (or created) again every few failures.
async fn pull(ctx: Arc<Ctx>, mut consumer: PullConsumer, slots: Arc<Semaphore>, mut stop: watch::Receiver<bool>) {
    let mut failures: u32 = 0;
    loop {
        if *stop.borrow() {
            return;
        }
        let first = tokio::select! {
            p = slots.clone().acquire_owned() => p.expect("the in-flight slots are never closed"),
            _ = stop.changed() => return,
        };
        let mut permits = vec![first];
        while permits.len() < ctx.options.batch {
            match slots.clone().try_acquire_owned() {
                Ok(p) => permits.push(p),
                Err(_) => break,
            }
        }
        let request = consumer
            .batch()
            .max_messages(permits.len())
            .expires(ctx.options.fetch_wait)
            .messages()
            .await;
        match request {
            Ok(batch) => {
                failures = 0;
                tokio::spawn(read_batch(ctx.clone(), batch, permits));
            }
            Err(e) => {
                drop(permits);
                failures += 1;
                ctx.metrics.fetch_error();
                tracing::warn!("pull request failed ({failures} in a row): {e}");
                if failures % 5 == 0 {
                    match broker::ensure(&ctx.js, &ctx.options).await {
                        Ok(c) => consumer = c,
                        Err(e) => tracing::warn!("looking up the consumer again: {e:#}"),
                    }
                }
                let delay = Duration::from_millis(100u64.saturating_mul(1 << failures.min(5)));
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    _ = stop.changed() => return,
                }
            }
        }
    }
}

/// Reads the answer to one pull request, starting a task per message with
/// one of the request's slots. A pull request is answered within its
/// expiry; one that is not (the broker went away) is given up.
async fn read_batch(ctx: Arc<Ctx>, mut batch: jetstream::consumer::pull::Batch, mut permits: Vec<OwnedSemaphorePermit>) {
    let limit = ctx.options.fetch_wait + Duration::from_secs(5);
    loop {
        match tokio::time::timeout(limit, batch.next()).await {
            Ok(Some(Ok(msg))) => {
                let permit = permits.pop();
                let ctx = ctx.clone();
                tokio::spawn(async move {
                    let _permit = permit;
                    handle::handle(ctx, msg).await;
                });
            }
            Ok(Some(Err(e))) => {
                // E.g. 409 when the consumer's max_ack_pending is reached by
                // all workers together: wait a little before asking again.
                ctx.metrics.fetch_error();
                tracing::debug!("pull request: {e}");
                tokio::time::sleep(Duration::from_millis(250)).await;
                return;
            }
            Ok(None) => return,
            Err(_) => {
                tracing::warn!("a pull request got no answer within {} ms; asking again", limit.as_millis());
                return;
            }
        }
    }
}

/// Reads the consumer's lag and the connection state every `lag_interval`.
async fn poll_lag(ctx: Arc<Ctx>, mut consumer: PullConsumer, mut stop: watch::Receiver<bool>) {
    loop {
        ctx.metrics.set_connected(ctx.connected.load(Ordering::SeqCst));
        match consumer.info().await {
            Ok(info) => ctx.metrics.set_lag(info.num_pending, info.num_ack_pending as u64),
            Err(e) => tracing::debug!("reading the consumer's lag: {e}"),
        }
        tokio::select! {
            () = tokio::time::sleep(ctx.options.lag_interval) => {}
            _ = stop.changed() => return,
        }
    }
}
