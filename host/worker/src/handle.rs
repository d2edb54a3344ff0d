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
use cxr_fleet::{Tenant, TenantError};
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
/// Header on a dead letter: the `Nats-Msg-Id` the input carried (a dead
/// letter is stored under a key of its own, [`dead_letter_key`]).
pub const ORIGINAL_MSG_ID: &str = "Cxr-Original-Msg-Id";
/// Header on a dead letter: the original payload's size in bytes.
pub const ORIGINAL_SIZE: &str = "Cxr-Original-Size";
/// Header on a dead letter: the SHA-256 of the original payload, lowercase hex.
pub const ORIGINAL_SHA256: &str = "Cxr-Original-Sha256";
/// Header on a dead letter: `true` when its payload is the original cut short.
pub const TRUNCATED: &str = "Cxr-Truncated";
/// Header on a dead letter: how many of the original headers were left out
/// (over [`MAX_COPIED_HEADER_BYTES`], or one over [`MAX_COPIED_HEADER_VALUE`]).
pub const HEADERS_DROPPED: &str = "Cxr-Headers-Dropped";

/// Most bytes of the original headers a dead letter copies (names and values).
pub const MAX_COPIED_HEADER_BYTES: usize = 8 << 10;
/// The longest original header (name and value) a dead letter copies.
pub const MAX_COPIED_HEADER_VALUE: usize = 1024;
/// The longest interaction id written as it is in a decision key; longer
/// ids, and ids with other bytes than printable ASCII, are keyed by digest.
pub const MAX_PLAIN_KEY_ID: usize = 128;

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
                Ok(decision) => match publish_decision(&ctx, &msg, &tenant, &decision, &source).await {
                    Ok(Stored::New) => Ok(Ok(())),
                    Ok(Stored::TooLarge(why)) => Err(DeadLetter::new(Reason::TooLarge, why)),
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
            dead_letter(&ctx, &msg, dl, &stream, sequence, delivered).await
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
        Err(dl) => dead_letter(&ctx, &msg, dl, &stream, sequence, delivered).await,
    };
    ctx.metrics.processed(outcome, started.elapsed().as_secs_f64());
    ctx.metrics.message_finished();
}

/// The deduplication key (`Nats-Msg-Id`) of a decision: `TENANT:ID` for
/// every tenant, `default` included (ids are only unique per tenant). A
/// tenant name never holds `:` (1-64 of `a-z 0-9 _ -`), so the tenant is
/// what precedes the first `:`. The id is written as it is when it is 1 to
/// [`MAX_PLAIN_KEY_ID`] bytes of printable ASCII (`!` to `~`, no space) and
/// does not begin with `~`; any other id is written `~` and the SHA-256 of
/// its UTF-8 bytes in lowercase hex, which no plain id can be.
pub fn output_key(tenant: &str, id: &str) -> String {
    let plain = !id.is_empty() && id.len() <= MAX_PLAIN_KEY_ID && !id.starts_with('~') && id.bytes().all(|b| b.is_ascii_graphic());
    if plain {
        format!("{tenant}:{id}")
    } else {
        format!("{tenant}:~{}", sha256_hex(id.as_bytes()))
    }
}

/// The deduplication key of a dead letter: `DLQ:STREAM:SEQUENCE`, the input
/// message's place in its stream (a redelivery of the same message gets the
/// same key). `DLQ` is not a tenant name (upper case), so no decision key
/// begins with `DLQ:`.
pub fn dead_letter_key(stream: &str, sequence: u64) -> String {
    format!("DLQ:{stream}:{sequence}")
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn header<'a>(msg: &'a jetstream::Message, name: &str) -> Option<&'a str> {
    msg.headers.as_ref()?.get(name).map(|v| v.as_str())
}

/// Every value of the header `name` (its name compared without case).
fn header_values<'a>(msg: &'a jetstream::Message, name: &str) -> Vec<&'a str> {
    let Some(headers) = msg.headers.as_ref() else { return Vec::new() };
    headers
        .iter()
        .filter(|(n, _)| AsRef::<str>::as_ref(*n).eq_ignore_ascii_case(name))
        .flat_map(|(_, values)| values.iter().map(|v| v.as_str()))
        .collect()
}

/// The size in bytes of a header block on the wire (`NATS/1.0`, each
/// `Name: value` line, the blank line): what counts against `max_payload`
/// with the payload.
fn wire_len(headers: &HeaderMap) -> usize {
    let mut len = b"NATS/1.0\r\n\r\n".len();
    for (name, values) in headers.iter() {
        let name: &str = name.as_ref();
        for v in values {
            len += name.len() + 2 + v.as_str().len() + 2;
        }
    }
    len
}

/// The broker's `max_payload` (payload and headers), as it announced it.
fn max_payload(ctx: &Ctx) -> usize {
    match ctx.client.server_info().max_payload {
        0 => 1 << 20,
        n => n,
    }
}

/// Reads the interaction and chooses its tenant: the tenant header, else
/// the subject; the subject's channel fills in a payload without one. The
/// payload is read as every front end reads one interaction (size cap,
/// blank, UTF-8, the fields), and so are `Cxr-Now` and `Cxr-Request-Id`.
fn read(ctx: &Ctx, msg: &jetstream::Message) -> Read {
    let hints = subjects::hints(&ctx.input_prefix, msg.subject.as_str());
    // The fleet's one rule for a tenant header (HTTP's X-Tenant follows it too):
    // given twice, which one wins would be a guess, so the message is refused.
    let named = cxr_fleet::one_tenant_header(header_values(msg, &ctx.options.tenant_header).into_iter().map(str::as_bytes));
    let mut read = Read {
        tenant_name: hints.tenant.clone(),
        id: None,
        now: Now::Clock,
        request_id: None,
        result: Err(Refusal::Dead(DeadLetter::new(Reason::BadInput, String::new()))),
    };
    match named {
        Ok(name) => {
            if let Some(name) = name.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()) {
                read.tenant_name = Some(name);
            }
        }
        Err(e) => {
            let mut dl = DeadLetter::new(Reason::BadInput, format!("{}: {e}", ctx.options.tenant_header));
            dl.kind = Some(ErrorKind::Input);
            read.result = Err(Refusal::Dead(dl));
            return read;
        }
    }
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
    let text = match Input::bytes(Position::Single, &msg.payload, ctx.options.max_input_bytes).text {
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
    /// The decision and its headers are over the broker's `max_payload`:
    /// it can never be published (the text says the sizes).
    TooLarge(String),
}

/// Publishes a decision to `OUT_PREFIX.<queue>` and waits until the broker
/// stored it; `Err` is a transient failure. When the broker says the key
/// is a duplicate, the stored message tells whether it came from this
/// input message (a redelivery) or another one (a repeated id).
async fn publish_decision(ctx: &Ctx, msg: &jetstream::Message, tenant: &Tenant, d: &Decision, source: &str) -> Result<Stored, String> {
    let route = d.route.as_ref().expect("checked by decide");
    let mut headers = HeaderMap::new();
    insert(&mut headers, MSG_ID, &output_key(&tenant.name, &d.id));
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
    let size = payload.len() + wire_len(&headers);
    let max = max_payload(ctx);
    if size > max {
        return Ok(Stored::TooLarge(format!(
            "the decision is {size} bytes with its headers, over the broker's max_payload of {max} bytes"
        )));
    }
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

/// Publishes a dead letter to `DLQ_PREFIX.<reason>` under its own key
/// ([`dead_letter_key`]): the original payload, cut to
/// `--dead-letter-max-bytes` and to what the broker's `max_payload` leaves
/// after the headers, with its size and SHA-256; the original headers (up
/// to [`MAX_COPIED_HEADER_BYTES`]); the reason and the error. Acknowledges
/// the input once stored, else retries later (the broker is away).
async fn dead_letter(ctx: &Ctx, msg: &jetstream::Message, dl: DeadLetter, stream: &str, sequence: u64, delivered: u64) -> Outcome {
    let max = max_payload(ctx);
    let mut headers = dead_letter_headers(msg, &dl, stream, sequence, delivered, true);
    // Room for `Cxr-Truncated: true`.
    let room = b"Cxr-Truncated: true\r\n".len();
    if wire_len(&headers) + room > max {
        // The broker's limit is too small for the copied headers: our own only.
        headers = dead_letter_headers(msg, &dl, stream, sequence, delivered, false);
    }
    let budget = ctx.options.dead_letter_max_bytes.min(max.saturating_sub(wire_len(&headers) + room));
    let payload = if msg.payload.len() > budget {
        insert(&mut headers, TRUNCATED, "true");
        msg.payload.slice(..budget)
    } else {
        msg.payload.clone()
    };
    let subject = subjects::under(&ctx.options.dlq_prefix, dl.reason.as_str());
    tracing::info!(
        subject = %msg.subject, sequence, reason = dl.reason.as_str(), size = msg.payload.len(),
        "dead letter: {}", header_text(&dl.error)
    );
    match store(ctx, subject, headers, payload).await {
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

/// A dead letter's headers: the original ones when `copy` (bounded; broker
/// directives left out), then the key, reason, error, source and the
/// original payload's size and digest.
fn dead_letter_headers(msg: &jetstream::Message, dl: &DeadLetter, stream: &str, sequence: u64, delivered: u64, copy: bool) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let mut dropped = 0usize;
    if let Some(original) = &msg.headers {
        let mut copied = 0usize;
        for (name, values) in original.iter() {
            let name: &str = name.as_ref();
            // Broker directives about the input stream (expected stream,
            // sequence, rollup, TTL...) would be refused by the output
            // stream, and the message id is the dead letter's own.
            if name.len() > 5 && name[..5].eq_ignore_ascii_case("nats-") {
                continue;
            }
            for v in values {
                let size = name.len() + v.as_str().len();
                if !copy || size > MAX_COPIED_HEADER_VALUE || copied + size > MAX_COPIED_HEADER_BYTES {
                    dropped += 1;
                    continue;
                }
                copied += size;
                headers.append(name, v.as_str());
            }
        }
    }
    if dropped > 0 {
        insert(&mut headers, HEADERS_DROPPED, &dropped.to_string());
    }
    if let Some(original) = header(msg, MSG_ID) {
        insert(&mut headers, ORIGINAL_MSG_ID, original);
    }
    insert(&mut headers, MSG_ID, &dead_letter_key(stream, sequence));
    insert(&mut headers, REASON, dl.reason.as_str());
    insert(&mut headers, ERROR, &dl.error);
    if let Some(kind) = dl.kind {
        insert(&mut headers, ERROR_KIND, kind.as_str());
    }
    insert(&mut headers, SOURCE_SUBJECT, msg.subject.as_str());
    insert(&mut headers, SOURCE, &format!("{stream}:{sequence}"));
    insert(&mut headers, DELIVERIES, &delivered.to_string());
    insert(&mut headers, ORIGINAL_SIZE, &msg.payload.len().to_string());
    insert(&mut headers, ORIGINAL_SHA256, &sha256_hex(&msg.payload));
    headers
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
    fn keys_are_ids_qualified_by_every_tenant_and_never_collide() {
        assert_eq!(output_key("default", "T-1"), "default:T-1");
        assert_eq!(output_key("acme", "T-1"), "acme:T-1");
        // A default id that looks like another tenant's key stays the default's.
        assert_eq!(output_key("default", "acme:X"), "default:acme:X");
        assert_ne!(output_key("default", "acme:X"), output_key("acme", "X"));
        // Ids that header text would alter or cut are keyed by digest, never by a cut prefix.
        let long_a = format!("{}a", "x".repeat(2000));
        let long_b = format!("{}b", "x".repeat(2000));
        assert_ne!(output_key("acme", &long_a), output_key("acme", &long_b));
        assert!(output_key("acme", &long_a).starts_with("acme:~"));
        assert_eq!(output_key("acme", &long_a).len(), "acme:~".len() + 64);
        assert_ne!(output_key("acme", "a\nb"), output_key("acme", "a\\u{a}b"));
        assert!(output_key("acme", "a b").starts_with("acme:~"));
        // A plain id never begins with `~`, so no id can pose as a digest.
        let digest = output_key("acme", "a b");
        assert_ne!(output_key("acme", &digest["acme:".len()..]), digest);
        // Dead letters live in a namespace no tenant can have.
        assert_eq!(dead_letter_key("CXR_IN", 42), "DLQ:CXR_IN:42");
        assert!(!cxr_fleet::valid_tenant_name("DLQ"));
        assert!(cxr_fleet::valid_tenant_name(cxr_fleet::DEFAULT_TENANT));
    }

    #[test]
    fn wire_len_is_what_the_client_counts() {
        let mut h = HeaderMap::new();
        h.insert("Nats-Msg-Id", "a:b");
        h.append("X", "1");
        h.append("X", "22");
        let text = "NATS/1.0\r\nNats-Msg-Id: a:b\r\nX: 1\r\nX: 22\r\n\r\n";
        assert_eq!(wire_len(&h), text.len());
    }
}
