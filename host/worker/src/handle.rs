//! Handling one message, from delivery to acknowledgement: read the
//! interaction (under `cxr_host::policy`: the size cap, blank payloads,
//! `Cxr-Now`, `Cxr-Request-Id`), choose the tenant, decide on the blocking
//! pool, publish the decision (or a dead letter) and wait for the broker to
//! store it, and only then acknowledge the input. A decision the broker
//! recognises as a duplicate is looked up: a redelivery of this message is
//! fine, another message with the same id is dead-lettered
//! (`duplicate_id`). A transient failure is negatively acknowledged with a
//! growing delay; after `--max-deliver` deliveries the message is
//! dead-lettered.

use crate::dead_letter::{Reason, header_text};
use crate::metrics::Outcome;
use crate::subjects;
use crate::worker::Ctx;
use async_nats::HeaderMap;
use async_nats::jetstream::{self, AckKind};
use bytes::Bytes;
use cxr_fleet::{DEFAULT_TENANT, Tenant, TenantError};
use cxr_host::io::{Input, Position, Problem, Text};
use cxr_host::input::InputError;
use cxr_host::policy::{self, Now};
use cxr_host::{Decision, ErrorKind};
use serde_json::Value;
use std::sync::Arc;
use std::time::Instant;

/// Header: the tenant whose pipeline decided.
pub const TENANT: &str = "Cxr-Tenant";
/// Header: the version of that pipeline (a content hash).
pub const PIPELINE_VERSION: &str = "Cxr-Pipeline-Version";
/// Header: the decision's queue, exactly (the subject carries it as a token).
pub const QUEUE: &str = "Cxr-Queue";
/// Header: `true` when the pipeline's fallback decided.
pub const FALLBACK: &str = "Cxr-Fallback";
/// Header: on a dead letter, why; on a decision, the plugin error its
/// fallback decision records.
pub const ERROR: &str = "Cxr-Error";
/// Header: the kind of that error (`input`, `duplicate`, `fuel`, ...: the
/// decision's `error_kind`, or the error record's a front end deciding
/// a batch would write).
pub const ERROR_KIND: &str = "Cxr-Error-Kind";
/// Header on a dead letter: the reason (also the last subject token).
pub const REASON: &str = "Cxr-Reason";
/// Header: the subject the interaction was published to.
pub const SOURCE_SUBJECT: &str = "Cxr-Source-Subject";
/// Header: the interaction's stream and sequence, `CXR_IN:42`.
pub const SOURCE: &str = "Cxr-Source";
/// Header on a dead letter: how many times the interaction was delivered.
pub const DELIVERIES: &str = "Cxr-Deliveries";
/// The broker's deduplication header.
pub const MSG_ID: &str = "Nats-Msg-Id";

/// What went wrong with a message that cannot be decided.
struct DeadLetter {
    reason: Reason,
    error: String,
    /// The error kind of the record a batch front end would write (`input`, `duplicate`).
    kind: Option<ErrorKind>,
}

impl DeadLetter {
    fn new(reason: Reason, error: impl Into<String>) -> Self {
        DeadLetter {
            reason,
            error: error.into(),
            kind: None,
        }
    }

    /// An input problem, worded as error records word it.
    fn input(problem: &Problem) -> Self {
        let reason = match problem {
            Problem::Duplicate { .. } => Reason::DuplicateId,
            _ => Reason::BadInput,
        };
        DeadLetter {
            reason,
            error: problem.to_string(),
            kind: Some(problem.kind()),
        }
    }
}

/// Why a message is not decided now.
enum Refusal {
    /// Never: dead-letter it.
    Dead(DeadLetter),
    /// Not yet (its tenant's pipeline failed to load): redeliver later.
    Later(String),
}

/// What one message is, as far as it could be read.
struct Read {
    /// The tenant named by the header or the subject (`None`: default).
    tenant_name: Option<String>,
    /// The interaction's id, when the payload has one.
    id: Option<String>,
    /// The `Cxr-Now` and `Cxr-Request-Id` headers.
    now: Now,
    request_id: Option<String>,
    /// The interaction and its tenant, or why there is none.
    result: Result<(Arc<Tenant>, cxr_host::Interaction), Refusal>,
}

/// Handles one delivered message to the end: it is acknowledged once its
/// decision or dead letter is stored, or negatively acknowledged for a
/// later redelivery. Never panics on the message's content.
pub(crate) async fn handle(ctx: Arc<Ctx>, msg: jetstream::Message) {
    let started = Instant::now();
    ctx.metrics.message_started();
    let (delivered, stream, sequence) = match msg.info() {
        Ok(info) => (info.delivered.max(1) as u64, info.stream.to_string(), info.stream_sequence),
        Err(e) => {
            tracing::warn!("a message without JetStream metadata ({e}); handled as a first delivery");
            (1, ctx.options.in_stream.clone(), 0)
        }
    };
    if delivered > 1 {
        ctx.metrics.redelivered();
    }
    let read = read(&ctx, &msg);
    let key = output_key(read.tenant_name.as_deref(), read.id.as_deref());
    let max = ctx.options.max_deliver;
    let source = format!("{stream}:{sequence}");
    let step = if delivered > max {
        Err(DeadLetter::new(
            Reason::MaxDeliver,
            format!("delivered {delivered} times without success (--max-deliver {max})"),
        ))
    } else {
        match read.result {
            Err(Refusal::Dead(dl)) => Err(dl),
            Err(Refusal::Later(why)) => Ok(Err(why)),
            Ok((tenant, ix)) => match decide(&ctx, tenant.clone(), ix, read.now, read.request_id.clone()).await {
                Err(dl) => Err(dl),
                Ok(decision) => match publish_decision(&ctx, &msg, &tenant, &decision, key.as_deref(), &source).await {
                    Ok(Stored::New) => Ok(Ok(())),
                    Ok(Stored::Repeat(first)) => {
                        ctx.fleet.metrics().input_error(&tenant.name, ErrorKind::Duplicate);
                        let mut dl = DeadLetter::new(Reason::DuplicateId, format!("duplicate id {:?} (first seen at {first})", decision.id));
                        dl.kind = Some(ErrorKind::Duplicate);
                        Err(dl)
                    }
                    Err(transient) => Ok(Err(transient)),
                },
            },
        }
    };
    let outcome = match step {
        Ok(Ok(())) => {
            ack(&ctx, &msg).await;
            Outcome::Decided
        }
        Ok(Err(transient)) if delivered >= max => {
            let dl = DeadLetter::new(
                Reason::MaxDeliver,
                format!("{transient} (delivery {delivered} of --max-deliver {max})"),
            );
            dead_letter(&ctx, &msg, dl, key.as_deref(), &stream, sequence, delivered).await
        }
        Ok(Err(transient)) => {
            let delay = ctx.options.backoff(delivered);
            tracing::warn!(
                subject = %msg.subject, sequence, delivered,
                "{transient}; retrying in {} ms", delay.as_millis()
            );
            nak(&ctx, &msg, delay).await;
            Outcome::Retried
        }
        Err(dl) => {
            // A repeated id's dead letter gets a key of its own: the decision key is taken.
            let key = match dl.reason {
                Reason::DuplicateId => key.as_deref().map(|k| format!("{k}#{source}")),
                _ => key.clone(),
            };
            dead_letter(&ctx, &msg, dl, key.as_deref(), &stream, sequence, delivered).await
        }
    };
    ctx.metrics.processed(outcome, started.elapsed().as_secs_f64());
    ctx.metrics.message_finished();
}

/// The dedupe key of what a message yields: the interaction id for tenant
/// `default`, `TENANT:ID` for the others (ids are only unique per tenant).
pub fn output_key(tenant: Option<&str>, id: Option<&str>) -> Option<String> {
    let id = id?;
    Some(match tenant {
        None | Some(DEFAULT_TENANT) => id.to_string(),
        Some(t) => format!("{t}:{id}"),
    })
}

fn header<'a>(msg: &'a jetstream::Message, name: &str) -> Option<&'a str> {
    msg.headers.as_ref()?.get(name).map(|v| v.as_str())
}

/// Reads the interaction and chooses its tenant: the tenant header, else
/// the subject; the subject's channel fills in a payload without one. The
/// payload is read as every front end reads one interaction (size cap,
/// blank, UTF-8, the fields), and so are `Cxr-Now` and `Cxr-Request-Id`.
fn read(ctx: &Ctx, msg: &jetstream::Message) -> Read {
    let hints = subjects::hints(&ctx.input_prefix, msg.subject.as_str());
    let tenant_name = header(msg, &ctx.options.tenant_header)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .or(hints.tenant);
    let mut read = Read {
        tenant_name,
        id: None,
        now: Now::Clock,
        request_id: None,
        result: Err(Refusal::Dead(DeadLetter::new(Reason::BadInput, String::new()))),
    };
    let bad = |why: String| Err(Refusal::Dead(DeadLetter::input(&Problem::Input(InputError::Json(why)))));
    if let Some(t) = header(msg, policy::NOW_HEADER) {
        match policy::parse_now(t) {
            Ok(t) => read.now = Now::Fixed(t),
            Err(e) => {
                let mut dl = DeadLetter::new(Reason::BadInput, format!("{}: {e}", policy::NOW_HEADER));
                dl.kind = Some(ErrorKind::Input);
                read.result = Err(Refusal::Dead(dl));
                return read;
            }
        }
    }
    if let Some(t) = header(msg, policy::REQUEST_ID_HEADER) {
        match policy::check_request_id(t) {
            Ok(id) => read.request_id = Some(id),
            Err(e) => {
                let mut dl = DeadLetter::new(Reason::BadInput, format!("{}: {e}", policy::REQUEST_ID_HEADER));
                dl.kind = Some(ErrorKind::Input);
                read.result = Err(Refusal::Dead(dl));
                return read;
            }
        }
    }
    let text = match Input::bytes(Position::Single, &msg.payload, policy::MAX_INTERACTION_BYTES).text {
        Ok(Text::Json(text)) => text,
        Ok(Text::Value(_)) => unreachable!("bytes are read as text"),
        Err(problem) => {
            read.result = Err(Refusal::Dead(DeadLetter::input(&problem)));
            return read;
        }
    };
    let mut value: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            read.result = bad(e.to_string());
            return read;
        }
    };
    if let (Some(channel), Value::Object(fields)) = (hints.channel, &mut value)
        && fields.get("channel").is_none_or(Value::is_null)
    {
        fields.insert("channel".to_string(), Value::String(channel.as_str().to_string()));
    }
    let (id, parsed) = Input {
        position: Position::Single,
        text: Ok(Text::Value(value)),
    }
    .parse();
    read.id = id;
    let tenant = match ctx.fleet.resolve(read.tenant_name.as_deref()) {
        Ok(t) => t,
        Err(e @ TenantError::Broken { .. }) => {
            read.result = Err(Refusal::Later(e.to_string()));
            return read;
        }
        Err(e) => {
            read.result = Err(Refusal::Dead(DeadLetter::new(Reason::UnknownTenant, e.to_string())));
            return read;
        }
    };
    read.result = match parsed {
        Ok(ix) => Ok((tenant, ix)),
        Err(problem) => {
            ctx.fleet.metrics().input_error(&tenant.name, problem.kind());
            Err(Refusal::Dead(DeadLetter::input(&problem)))
        }
    };
    read
}

/// Decides on the blocking pool, one of `--jobs` at a time, as of `now`,
/// the request id set on the decision.
async fn decide(ctx: &Arc<Ctx>, tenant: Arc<Tenant>, ix: cxr_host::Interaction, now: Now, request_id: Option<String>) -> Result<Decision, DeadLetter> {
    let slot = ctx.decide_slots.clone().acquire_owned().await.expect("the decision slots are never closed");
    let fleet = ctx.fleet.clone();
    let id = ix.id.clone();
    let decided = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let started = Instant::now();
        let mut d = tenant.live.pipeline.decide(&ix, now.at());
        d.request_id = request_id;
        fleet.metrics().decision(&tenant.name, &d, Some(started.elapsed().as_secs_f64()));
        d
    })
    .await;
    match decided {
        Ok(d) if d.route.is_some() => Ok(d),
        Ok(d) => Err(DeadLetter::new(
            Reason::DecisionFailed,
            d.error.unwrap_or_else(|| "the decision has no route".to_string()),
        )),
        Err(e) => {
            tracing::error!(id = %id, "the decision task failed: {e}");
            Err(DeadLetter::new(Reason::DecisionFailed, format!("the decision task failed: {e}")))
        }
    }
}

fn insert(headers: &mut HeaderMap, name: &str, value: &str) {
    headers.insert(name, header_text(value).as_str());
}

/// How a decision's publication ended.
enum Stored {
    /// Stored, or already stored by an earlier delivery of this message.
    New,
    /// The key was taken by another message (its `Cxr-Source`): a repeated id.
    Repeat(String),
}

/// Publishes a decision to `OUT_PREFIX.<queue>` and waits until the broker
/// stored it; `Err` is a transient failure. When the broker says the key
/// is a duplicate, the stored message tells whether it came from this
/// input message (a redelivery) or another one (a repeated id).
async fn publish_decision(ctx: &Ctx, msg: &jetstream::Message, tenant: &Tenant, d: &Decision, key: Option<&str>, source: &str) -> Result<Stored, String> {
    let route = d.route.as_ref().expect("checked by decide");
    let mut headers = HeaderMap::new();
    let key = key.map_or_else(|| d.id.clone(), str::to_string);
    insert(&mut headers, MSG_ID, &key);
    insert(&mut headers, "Content-Type", "application/json");
    insert(&mut headers, TENANT, &tenant.name);
    insert(&mut headers, PIPELINE_VERSION, &tenant.live.version);
    insert(&mut headers, QUEUE, &route.queue);
    insert(&mut headers, SOURCE_SUBJECT, msg.subject.as_str());
    insert(&mut headers, SOURCE, source);
    if route.fallback {
        insert(&mut headers, FALLBACK, "true");
    }
    if let Some(e) = &d.error {
        insert(&mut headers, ERROR, e);
    }
    if let Some(kind) = d.error_kind {
        insert(&mut headers, ERROR_KIND, kind.as_str());
    }
    if let Some(id) = &d.request_id {
        insert(&mut headers, policy::REQUEST_ID_HEADER, id);
    }
    let payload = cxr_host::text::to_json(d).map(String::into_bytes).map_err(|e| format!("writing the decision as JSON: {e}"))?;
    let subject = subjects::under(&ctx.options.out_prefix, &route.queue);
    let ack = store(ctx, subject, headers, payload.into()).await?;
    if !ack.duplicate {
        return Ok(Stored::New);
    }
    // The broker holds a message under this key: from this input (a
    // redelivery after a lost acknowledgement) or from another (a repeat).
    let stored = async {
        let stream = ctx.js.get_stream(&ack.stream).await.map_err(|e| e.to_string())?;
        stream.get_raw_message(ack.sequence).await.map_err(|e| e.to_string())
    };
    match tokio::time::timeout(ctx.options.publish_timeout, stored).await {
        Ok(Ok(m)) => {
            let first = m.headers.get(SOURCE).map(|v| v.as_str().to_string()).unwrap_or_default();
            Ok(if first == source { Stored::New } else { Stored::Repeat(first) })
        }
        Ok(Err(e)) => Err(format!("looking up the decision stored under the same key: {e}")),
        Err(_) => Err("looking up the decision stored under the same key timed out".to_string()),
    }
}

/// Publishes a dead letter to `DLQ_PREFIX.<reason>`: the original payload
/// and headers (its `Nats-Msg-Id` too), the reason and error in headers.
/// Acknowledges the input once stored, else retries later.
async fn dead_letter(
    ctx: &Ctx,
    msg: &jetstream::Message,
    dl: DeadLetter,
    key: Option<&str>,
    stream: &str,
    sequence: u64,
    delivered: u64,
) -> Outcome {
    let mut headers = HeaderMap::new();
    if let Some(original) = &msg.headers {
        for (name, values) in original.iter() {
            let name: &str = name.as_ref();
            // Broker directives about the input stream (expected stream,
            // sequence, rollup, TTL...) would be refused by the output
            // stream; only the message id is kept.
            if name.len() > 5 && name[..5].eq_ignore_ascii_case("nats-") && !name.eq_ignore_ascii_case(MSG_ID) {
                continue;
            }
            for v in values {
                headers.append(name, v.as_str());
            }
        }
    }
    if header(msg, MSG_ID).is_none() {
        let fallback = format!("{stream}:{sequence}");
        insert(&mut headers, MSG_ID, key.unwrap_or(&fallback));
    }
    insert(&mut headers, REASON, dl.reason.as_str());
    insert(&mut headers, ERROR, &dl.error);
    if let Some(kind) = dl.kind {
        insert(&mut headers, ERROR_KIND, kind.as_str());
    }
    insert(&mut headers, SOURCE_SUBJECT, msg.subject.as_str());
    insert(&mut headers, SOURCE, &format!("{stream}:{sequence}"));
    insert(&mut headers, DELIVERIES, &delivered.to_string());
    let subject = subjects::under(&ctx.options.dlq_prefix, dl.reason.as_str());
    tracing::info!(
        subject = %msg.subject, sequence, reason = dl.reason.as_str(),
        "dead letter: {}", header_text(&dl.error)
    );
    match store(ctx, subject, headers, msg.payload.clone()).await {
        Ok(_) => {
            ctx.metrics.dead_lettered(dl.reason);
            ack(ctx, msg).await;
            Outcome::DeadLettered
        }
        Err(e) => {
            let delay = ctx.options.backoff(delivered);
            tracing::warn!(subject = %msg.subject, sequence, "cannot store the dead letter ({e}); retrying in {} ms", delay.as_millis());
            nak(ctx, msg, delay).await;
            Outcome::Retried
        }
    }
}

/// Publishes and waits for the broker's acknowledgement (stored, or
/// recognised as a duplicate of what it stored).
async fn store(ctx: &Ctx, subject: String, headers: HeaderMap, payload: Bytes) -> Result<jetstream::publish::PublishAck, String> {
    let publish = async {
        let pending = ctx
            .js
            .publish_with_headers(subject.clone(), headers, payload)
            .await
            .map_err(|e| format!("publishing to {subject}: {e}"))?;
        pending.await.map_err(|e| format!("storing {subject}: {e}"))
    };
    match tokio::time::timeout(ctx.options.publish_timeout, publish).await {
        Ok(Ok(ack)) => {
            if ack.duplicate {
                ctx.metrics.duplicate();
            }
            Ok(ack)
        }
        Ok(Err(e)) => {
            ctx.metrics.publish_error();
            Err(e)
        }
        Err(_) => {
            ctx.metrics.publish_error();
            Err(format!(
                "no acknowledgement for {subject} within {} ms",
                ctx.options.publish_timeout.as_millis()
            ))
        }
    }
}

async fn ack(ctx: &Ctx, msg: &jetstream::Message) {
    match msg.ack().await {
        Ok(()) => ctx.metrics.acked(),
        // Redelivered after the ack wait; its output is deduplicated.
        Err(e) => tracing::warn!(subject = %msg.subject, "acknowledging: {e}"),
    }
}

async fn nak(_ctx: &Ctx, msg: &jetstream::Message, delay: std::time::Duration) {
    if let Err(e) = msg.ack_with(AckKind::Nak(Some(delay))).await {
        tracing::warn!(subject = %msg.subject, "negative acknowledgement: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_ids_qualified_by_tenant_except_default() {
        assert_eq!(output_key(None, Some("T-1")).as_deref(), Some("T-1"));
        assert_eq!(output_key(Some("default"), Some("T-1")).as_deref(), Some("T-1"));
        assert_eq!(output_key(Some("acme"), Some("T-1")).as_deref(), Some("acme:T-1"));
        assert_eq!(output_key(Some("acme"), None), None);
    }
}
