// Conveniences on the contract's types: builders for results and test
// inputs, text access, signals, time constants. They mirror the Rust kit's
// helpers (guest/src/helpers.rs) and the Python kit's.
import { InvalidConfig } from './errors.js';

/** Milliseconds in one minute, for Timestamp (bigint) arithmetic. */
export const MINUTE = 60_000n;
/** Milliseconds in one hour. */
export const HOUR = 60n * MINUTE;

/** Every channel, in WIT order (the WIT names: `web-form`, `in-app`). */
export const CHANNELS = Object.freeze(['email', 'chat', 'phone', 'social', 'sms', 'web-form', 'in-app', 'review', 'survey']);

const clamp = (x, lo, hi, nan) => (Number.isNaN(x) ? nan : Math.min(hi, Math.max(lo, x)));

// --- results ----------------------------------------------------------------

/** The label for a score with the usual ±0.05 thresholds. */
export function labelForScore(score) {
  if (score >= 0.05) return 'positive';
  if (score <= -0.05) return 'negative';
  return 'neutral';
}

/** A sentiment with the label derived from the score (clamped to [-1, 1]; confidence to [0, 1]). */
export function sentimentFromScore(score, confidence, cues = []) {
  const s = clamp(score, -1, 1, 0);
  return { score: s, label: labelForScore(s), confidence: clamp(confidence, 0, 1, 0), cues: [...cues] };
}

/** A neutral sentiment with the given confidence and no cues. */
export function neutralSentiment(confidence) {
  return sentimentFromScore(0, confidence);
}

/** A cue: a piece of text that moved the score, with its weight. */
export function newCue(text, weight) {
  return { text, weight };
}

/** A signal `name=value` with a confidence (clamped to [0, 1]) and its cues, strongest first. */
export function newSignal(name, value, confidence, cues = []) {
  return { name, value, confidence: clamp(confidence, 0, 1, 0), cues: [...cues] };
}

/** A priority: `level` 1 (most urgent) to 4, `score` 0 to 100. */
export function newPriority(level, score, firstResponseDue = undefined, reasons = []) {
  return { level, score, firstResponseDue, reasons: [...reasons] };
}

/** A route to `queue` for a discipline (`service`, `care`, `experience`); everything else optional. */
export function routeTo(queue, discipline, options = {}) {
  return {
    queue,
    skills: [...(options.skills ?? [])],
    language: options.language,
    discipline,
    actions: [...(options.actions ?? [])],
    tags: [...(options.tags ?? [])],
    rule: options.rule,
    reasons: [...(options.reasons ?? [])],
  };
}

/** The routing outcome "decide this route". A hook may also return the route itself. */
export function routed(route) {
  return { tag: 'route', val: route };
}

/** The routing outcome "let the next router decide", with why. */
export function pass(reason) {
  return { tag: 'pass', val: String(reason) };
}

// --- inputs (tests) ---------------------------------------------------------

/** A customer profile; every field optional (nothing known by default). */
export function newCustomer(fields = {}) {
  return {
    id: fields.id,
    tier: fields.tier,
    lifetimeValue: fields.lifetimeValue,
    tenureDays: fields.tenureDays,
    contactsLast30d: fields.contactsLast30d,
    openInteractions: fields.openInteractions,
    lastCsat: fields.lastCsat,
    lastNps: fields.lastNps,
  };
}

/** An earlier message of the customer's history (inbound by default). */
export function newMessage(body, options = {}) {
  return { at: options.at, channel: options.channel, direction: options.direction ?? 'inbound', body };
}

/**
 * An interaction, for tests: id, channel and body, and whatever else is
 * named (`subject`, `receivedAt`, `language`, `tier`, `customer`,
 * `history`, `attributes`). `tier` sets `customer.tier`.
 */
export function newInteraction(id, channel, body, options = {}) {
  const customer = newCustomer(options.customer ?? {});
  if (options.tier !== undefined) customer.tier = options.tier;
  return {
    id,
    channel,
    receivedAt: options.receivedAt,
    subject: options.subject,
    body,
    language: options.language,
    customer,
    history: [...(options.history ?? [])],
    attributes: [...(options.attributes ?? [])],
  };
}

/** A context for tests: the host's "now" (ms since the epoch, bigint) and the signals so far. */
export function contextAt(now, signals = [], pipeline = 'test') {
  return { now: BigInt(now), pipeline, signals: [...signals] };
}

// --- reading inputs -----------------------------------------------------------

/** Subject and body joined by a newline (the body alone when there is no subject). */
export function textOf(input) {
  return input.subject ? `${input.subject}\n${input.body}` : input.body;
}

/** The value of an attribute, if present. */
export function attribute(input, key) {
  const found = input.attributes.find(([k]) => k === key);
  return found ? found[1] : undefined;
}

/** Earlier inbound messages from the customer, oldest first. */
export function inboundHistory(input) {
  return input.history.filter((m) => m.direction === 'inbound');
}

/** The most confident signal named `name` (e.g. `intent`), if any. */
export function signalOf(ctx, name) {
  let best;
  for (const s of ctx.signals) {
    if (s.name === name && (best === undefined || s.confidence > best.confidence)) best = s;
  }
  return best;
}

/** Whether a signal `name=value` is present with at least `minConfidence`. */
export function hasSignal(ctx, name, value, minConfidence = 0) {
  return ctx.signals.some((s) => s.name === name && s.value === value && s.confidence >= minConfidence);
}

// --- names ----------------------------------------------------------------------

/** A channel's name as in interaction JSON (`web_form`, `in_app`). */
export function channelName(channel) {
  return channel.replace('-', '_');
}

/** Parses a channel name (`web_form`, `web-form` and `webform` all work). */
export function parseChannel(name) {
  const n = String(name).trim().toLowerCase().replace(/[_ ]/g, '-');
  return CHANNELS.find((c) => c === n || c.replace('-', '') === n);
}

/** Parses `service`, `care` or `experience`. */
export function parseDiscipline(name) {
  const n = String(name).trim().toLowerCase();
  return ['service', 'care', 'experience'].includes(n) ? n : undefined;
}

/**
 * The plugin's configuration (the JSON the host passes to `configure`) as
 * an object: `{}` for an empty string; InvalidConfig when it is not a JSON
 * object.
 */
export function parseConfig(config) {
  if (!config || !config.trim()) return {};
  let value;
  try {
    value = JSON.parse(config);
  } catch (e) {
    throw new InvalidConfig(`config is not JSON: ${e.message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidConfig('config must be a JSON object');
  }
  return value;
}

/**
 * `x` with `digits` decimals, as Rust's `format!("{x:.N}")` and Python's
 * `f"{x:.Nf}"` write it: rounded to the nearest, ties (values exactly
 * halfway in binary) to even. `Number.prototype.toFixed` rounds those ties
 * away from zero (`(0.125).toFixed(2)` is `0.13`, Rust writes `0.12`), so a
 * port that must produce the same text uses this.
 */
export function formatFixed(x, digits) {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'NaN';
  if (Object.is(x, -0)) return `-${(0).toFixed(digits)}`;
  const plain = x.toFixed(digits);
  // toFixed(100) is the exact decimal value of x (doubles in this range have at most ~100 digits).
  const exact = Math.abs(x) < 1e21 ? Math.abs(x).toFixed(100) : '';
  const dot = exact.indexOf('.');
  const rest = dot < 0 ? '' : exact.slice(dot + 1 + digits);
  if (!/^50*$/.test(rest)) return plain; // not a tie: toFixed is right
  // A tie: keep the truncated value when its last digit is even, else round up (away from zero).
  const truncated = exact.slice(0, dot + (digits > 0 ? 1 + digits : 0));
  const last = Number(truncated[truncated.length - 1]);
  const sign = x < 0 ? '-' : '';
  if (last % 2 === 0) return sign + truncated;
  return plain;
}
