//! The broker side: connecting (and reconnecting), and making sure the
//! input stream, its shared consumer and the output stream exist.

use crate::options::WorkerOptions;
use anyhow::{Context as _, Result, bail};
use async_nats::jetstream::{self, consumer, stream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Connects to the broker, trying again until `connect_timeout` passes.
/// Once connected, the client reconnects by itself forever after a broker
/// restart or a network failure; `connected` follows the connection.
pub async fn connect(options: &WorkerOptions, connected: Arc<AtomicBool>) -> Result<async_nats::Client> {
    let deadline = Instant::now() + options.connect_timeout;
    let mut delay = Duration::from_millis(100);
    loop {
        let mut connect = async_nats::ConnectOptions::new()
            .name(&options.name)
            .max_reconnects(None)
            .connection_timeout(Duration::from_secs(5))
            .reconnect_delay_callback(|attempts| Duration::from_millis((100 * attempts as u64).min(2000)))
            .event_callback({
                let connected = connected.clone();
                move |event| {
                    let connected = connected.clone();
                    async move {
                        match event {
                            async_nats::Event::Connected => {
                                connected.store(true, Ordering::SeqCst);
                                tracing::info!("connected to the broker");
                            }
                            async_nats::Event::Disconnected => {
                                connected.store(false, Ordering::SeqCst);
                                tracing::warn!("disconnected from the broker; reconnecting");
                            }
                            other => tracing::info!("broker: {other}"),
                        }
                    }
                }
            });
        if let Some(creds) = &options.creds {
            connect = connect
                .credentials_file(creds)
                .await
                .with_context(|| format!("reading the credentials file {}", creds.display()))?;
        }
        match connect.connect(options.nats_url.as_str()).await {
            Ok(client) => {
                connected.store(true, Ordering::SeqCst);
                return Ok(client);
            }
            Err(e) if Instant::now() + delay < deadline => {
                tracing::warn!("cannot connect to {} yet: {e}; trying again", options.nats_url);
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(2));
            }
            Err(e) => bail!(
                "cannot connect to the broker at {} (tried for {} s): {e}",
                options.nats_url,
                options.connect_timeout.as_secs()
            ),
        }
    }
}

/// The input stream's configuration when this worker creates it: a work
/// queue (a message is removed once acknowledged), stored on disk.
pub fn input_stream_config(options: &WorkerOptions) -> stream::Config {
    stream::Config {
        name: options.in_stream.clone(),
        subjects: vec![options.in_subjects.clone()],
        retention: stream::RetentionPolicy::WorkQueue,
        storage: stream::StorageType::File,
        duplicate_window: options.duplicate_window,
        description: Some("cxr: interactions to decide".to_string()),
        ..Default::default()
    }
}

/// The output stream's configuration when this worker creates it: decisions
/// and dead letters, kept `out_max_age`, deduplicated by `Nats-Msg-Id`
/// within `duplicate_window`.
pub fn output_stream_config(options: &WorkerOptions, name: &str) -> stream::Config {
    stream::Config {
        name: name.to_string(),
        subjects: vec![format!("{}.>", options.out_prefix), format!("{}.>", options.dlq_prefix)],
        retention: stream::RetentionPolicy::Limits,
        storage: stream::StorageType::File,
        duplicate_window: options.duplicate_window,
        max_age: options.out_max_age,
        description: Some("cxr: decisions and dead letters".to_string()),
        ..Default::default()
    }
}

/// The shared consumer's configuration when this worker creates it. The
/// broker never gives up on a message by itself (`max_deliver` unlimited):
/// the worker dead-letters it after `--max-deliver` deliveries, so nothing
/// is dropped silently.
pub fn consumer_config(options: &WorkerOptions) -> consumer::pull::Config {
    consumer::pull::Config {
        durable_name: Some(options.consumer.clone()),
        description: Some("cxr workers".to_string()),
        ack_policy: consumer::AckPolicy::Explicit,
        ack_wait: options.ack_wait,
        max_deliver: -1,
        max_ack_pending: options.max_ack_pending,
        filter_subject: options.in_subjects.clone(),
        ..Default::default()
    }
}

/// Gets a stream, creating it when missing (and allowed). Another worker
/// creating it at the same moment is fine.
async fn ensure_stream(js: &jetstream::Context, config: stream::Config, create: bool) -> Result<stream::Stream> {
    let name = config.name.clone();
    match js.get_stream(&name).await {
        Ok(s) => return Ok(s),
        Err(e) if !is_not_found(&e) => {
            return Err(anyhow::Error::new(e).context(format!(
                "looking up stream {name} (is JetStream enabled on the server? nats-server -js)"
            )));
        }
        Err(e) if !create => bail!("stream {name} does not exist (and --no-create was given): {e}"),
        Err(_) => {}
    }
    match js.create_stream(config).await {
        Ok(s) => {
            tracing::info!(stream = %name, "created stream");
            Ok(s)
        }
        Err(create_error) => match js.get_stream(&name).await {
            Ok(s) => Ok(s),
            Err(_) => Err(anyhow::Error::new(create_error).context(format!("creating stream {name}"))),
        },
    }
}

fn is_not_found(e: &jetstream::context::GetStreamError) -> bool {
    matches!(e.kind(), jetstream::context::GetStreamErrorKind::JetStream(j) if j.error_code() == jetstream::ErrorCode::STREAM_NOT_FOUND)
}

/// Makes sure the input stream, its shared consumer and the output stream
/// exist; returns the consumer.
pub async fn ensure(js: &jetstream::Context, options: &WorkerOptions) -> Result<consumer::PullConsumer> {
    let input = ensure_stream(js, input_stream_config(options), options.create).await?;
    if let Some(name) = &options.out_stream {
        ensure_stream(js, output_stream_config(options, name), options.create).await?;
    }
    let name = options.consumer.as_str();
    match input.get_consumer::<consumer::pull::Config>(name).await {
        Ok(c) => return Ok(c),
        Err(e) if !options.create => bail!("consumer {name} of stream {} is not there (and --no-create was given): {e}", options.in_stream),
        Err(_) => {}
    }
    match input.create_consumer(consumer_config(options)).await {
        Ok(c) => {
            tracing::info!(stream = %options.in_stream, consumer = name, "created consumer");
            Ok(c)
        }
        Err(create_error) => input
            .get_consumer(name)
            .await
            .map_err(|_| anyhow::Error::new(create_error).context(format!("creating consumer {name} on stream {}", options.in_stream))),
    }
}
