// The scoring rules, as plugins/priority/src/scoring.rs. Every factor adds
// (or removes) points and, when it moves the score by at least half a
// point, a reason; the score is the clamped sum, the reasons are sorted by
// how much they moved it.
import { type Context, type Interaction, type Priority, type Sentiment, HOUR, MINUTE, channelName, formatFixed, inboundHistory } from 'cxr-plugin';
import type { Config, Tier } from './config.ts';
import { CLASSIFIER_CUES } from './cues.ts';
import { type Phrase, isBlank, normalizeInto } from './keywords.ts';
import { type SignalCue, classifierPresent, churnSignals, urgentSignals } from './signals.ts';

export const MAX_REASONS = 8;
export const LEVEL1_DUE_FACTOR = 0.5;
const DAY = 24n * HOUR;
const REPEAT_WINDOW = 30n * DAY;
/** Points for a message the sentiment hook labels negative. */
const NEGATIVE_SENTIMENT = 15;
/** Points for a message labelled positive (negative: less urgent). */
const POSITIVE_SENTIMENT = -4;
const URGENT = [22, 6, 34] as const;
const CHURN = [12, 4, 18] as const;
const KEYWORDS_NAMED = 4;
/** Bytes (UTF-8) of the body and of the subject searched for keywords, as in the Rust plugin. */
export const MAX_BODY_BYTES = 32 << 10;
export const MAX_SUBJECT_BYTES = 1 << 10;
const REPEAT_TWO = 10;
const REPEAT_THREE = 18;
const REPEAT_EACH_MORE = 4;
const REPEAT_CAP = 26;
const OPEN_ONE = 5;
const OPEN_MANY = 8;
const CSAT_1 = 8;
const CSAT_2 = 6;
const NPS_0_TO_3 = 7;
const NPS_4_TO_6 = 5;
const HIGH_VALUE = 8;
const LONG_TENURE = 4;
const LONG_TENURE_DAYS = 730;
const MAX_PLAUSIBLE_TENURE_DAYS = 36_500;
const WAIT_HALF = 8;
const WAIT_BREACH = 20;
const WAIT_BREACH_MAX = 30;
const EMPTY_MESSAGE = -10;
const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);

/** Base urgency of a channel: live channels first, feedback channels last. */
export const CHANNEL_BASE: Readonly<Record<string, number>> = {
  phone: 20, chat: 16, social: 12, sms: 10, 'in-app': 10, email: 8, 'web-form': 6, review: 2, survey: 0,
};

/** Running total of points and the reasons behind them. */
class Tally {
  points = 0;
  reasons: Array<[number, string]> = [];

  /** Adds `points`; the reason is only written when they matter. */
  add(points: number, reason: () => string): void {
    this.points += points;
    if (Math.abs(points) >= 0.5) this.reasons.push([points, reason()]);
  }

  intoReasons(): string[] {
    // Stable, like Rust's sort_by: equal weights keep the order they were added in.
    this.reasons.sort((a, b) => Math.abs(b[0]) - Math.abs(a[0]));
    if (this.reasons.length === 0) return ['no urgency signals'];
    return this.reasons.slice(0, MAX_REASONS).map(([, r]) => r);
  }
}

const saturate = (v: bigint) => (v > I64_MAX ? I64_MAX : v < I64_MIN ? I64_MIN : v);

/** Computes the priority of an interaction. */
export function prioritize(cfg: Config, input: Interaction, ctx: Context, sentiment: Sentiment): Priority {
  const tally = new Tally();
  const channel = input.channel;
  tally.add(CHANNEL_BASE[channel]!, () => `channel ${channelName(channel)}`);
  textFactors(cfg, input, ctx, tally);
  sentimentFactor(sentiment, tally);
  contactFactors(input, ctx, tally);
  const tier = input.customer.tier === undefined ? undefined : cfg.tier(input.customer.tier);
  if (tier !== undefined) tally.add(tier.weight, () => `tier ${tier.name} (${tier.weight >= 0 ? '+' : ''}${tier.weight})`);
  valueFactors(cfg, input, tally);
  const slaFactor = tier?.slaFactor ?? 1;
  const slaMs = cfg.slaMinutes(channel) * slaFactor * Number(MINUTE);
  waitFactor(input, ctx, slaMs, tally);
  const score = Math.min(100, Math.max(0, Math.round(tally.points)));
  const level = cfg.level(score);
  const dueIn = level === 1 ? slaMs * LEVEL1_DUE_FACTOR : slaMs;
  const base = input.receivedAt ?? ctx.now;
  return { level, score, firstResponseDue: saturate(base + BigInt(Math.round(dueIn))), reasons: tally.intoReasons() };
}

/** The longest prefix of `text` whose UTF-8 form fits in `limit` bytes. */
export function utf8Prefix(text: string, limit: number): string {
  if (text.length * 3 <= limit) return text;
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.codePointAt(i)!;
    const n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (bytes + n > limit) break;
    bytes += n;
    i += c >= 0x10000 ? 2 : 1;
  }
  return text.slice(0, i);
}

/** Empty message, urgency and churn: from the classifiers' signals and from keywords. */
function textFactors(cfg: Config, input: Interaction, ctx: Context, tally: Tally): void {
  const subject = input.subject ?? '';
  if (isBlank(subject) && isBlank(input.body)) {
    tally.add(EMPTY_MESSAGE, () => 'empty message (no subject or body)');
    return;
  }
  // Only the first bytes are searched, as in the Rust plugin: a call's cost
  // stays bounded whatever the message. A line break keeps phrases from
  // spanning subject and body.
  const text = normalizeInto(
    utf8Prefix(input.body, MAX_BODY_BYTES),
    normalizeInto(utf8Prefix(subject, MAX_SUBJECT_BYTES), '') + '\n',
  );
  const classifier = classifierPresent(ctx);
  const urgent = new Evidence(urgentSignals(ctx), cfg.urgent.found(text), classifier);
  tally.add(keywordPoints(urgent.count(), ...URGENT), () => urgent.reason('urgent', 'urgent keyword', 'urgent keywords'));
  const churn = new Evidence(churnSignals(ctx), cfg.churn.found(text), classifier);
  tally.add(keywordPoints(churn.count(), ...CHURN), () => churn.reason('churn risk', 'churn risk', 'churn risk'));
}

/** What a factor found: signals and the keywords that still count beside them. */
export class Evidence {
  readonly keywords: readonly Phrase[];

  /**
   * Keeps the keywords that add to the signals: a built-in phrase of a cue a
   * classifier covers counts only when no classifier ran.
   */
  constructor(readonly signals: readonly SignalCue[], found: readonly Phrase[], classifier: boolean) {
    this.keywords = found.filter((p) => !(classifier && p.cue !== undefined && CLASSIFIER_CUES.has(p.cue)));
  }

  /** Distinct pieces of evidence: each signal's cue, each further cue of the built-in phrases, each operator keyword. */
  count(): number {
    const cues = new Set<string>();
    let own = 0;
    for (const cue of [...this.signals.map((s) => s.cue), ...this.keywords.map((p) => p.cue)]) {
      if (cue === undefined) own++;
      else cues.add(cue);
    }
    return cues.size + own;
  }

  /** `urgent: intent=outage 0.86 (classifier signal)`, `urgent keyword: charged twice`, or both joined with "; ". */
  reason(signalLabel: string, oneKeyword: string, manyKeywords: string): string {
    const parts: string[] = [];
    if (this.signals.length > 0) {
      const plural = this.signals.length === 1 ? 'signal' : 'signals';
      parts.push(`${signalLabel}: ${this.signals.map((s) => s.name).join(', ')} (classifier ${plural})`);
    }
    if (this.keywords.length > 0) {
      const labels = this.keywords.map((p) => p.label);
      parts.push(`${labels.length === 1 ? oneKeyword : manyKeywords}: ${nameList(labels)}`);
    }
    return parts.join('; ');
  }
}

export function keywordPoints(found: number, first: number, eachMore: number, cap: number): number {
  return found === 0 ? 0 : Math.min(first + eachMore * (found - 1), cap);
}

export function nameList(names: readonly string[]): string {
  let out = names.slice(0, KEYWORDS_NAMED).join(', ');
  if (names.length > KEYWORDS_NAMED) out += ` (+${names.length - KEYWORDS_NAMED} more)`;
  return out;
}

const finiteOr = (v: number, fallback: number) => (Number.isFinite(v) ? v : fallback);
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * A negative label raises the score, a positive one lowers it a little.
 * The label, not the score, decides (the same message must get the same
 * priority in every language).
 */
function sentimentFactor(sentiment: Sentiment, tally: Tally): void {
  const score = clamp(finiteOr(sentiment.score, 0), -1, 1);
  if (sentiment.label === 'negative') {
    tally.add(NEGATIVE_SENTIMENT, () => `negative sentiment (${formatFixed(score, 2)})`);
  } else if (sentiment.label === 'positive') {
    tally.add(POSITIVE_SENTIMENT, () => `positive sentiment (${formatFixed(score, 2)})`);
  }
}

/** Repeat contact, open interactions, last CSAT and last NPS. */
function contactFactors(input: Interaction, ctx: Context, tally: Tally): void {
  const customer = input.customer;
  const windowStart = saturate(ctx.now - REPEAT_WINDOW);
  const recentInbound = inboundHistory(input).filter((m) => m.at !== undefined && m.at >= windowStart && m.at <= ctx.now).length;
  // History holds earlier messages; this interaction is one more contact.
  const contacts = Math.max(customer.contactsLast30d ?? 0, recentInbound + 1);
  const points = contacts <= 1 ? 0 : contacts === 2 ? REPEAT_TWO : Math.min(REPEAT_THREE + REPEAT_EACH_MORE * (contacts - 3), REPEAT_CAP);
  tally.add(points, () => `repeat contact: ${contacts} in 30 days`);
  const open = customer.openInteractions;
  if (open !== undefined && open > 0) tally.add(open === 1 ? OPEN_ONE : OPEN_MANY, () => `open interactions: ${open}`);
  const csat = customer.lastCsat;
  if (csat !== undefined && csat >= 1 && csat <= 2) tally.add(csat === 1 ? CSAT_1 : CSAT_2, () => `low last CSAT ${csat}`);
  const nps = customer.lastNps;
  if (nps !== undefined && nps <= 6) tally.add(nps <= 3 ? NPS_0_TO_3 : NPS_4_TO_6, () => `detractor: last NPS ${nps}`);
}

/** High lifetime value and long tenure (implausible values are ignored). */
function valueFactors(cfg: Config, input: Interaction, tally: Tally): void {
  const { lifetimeValue: ltv, tenureDays: days } = input.customer;
  if (ltv !== undefined && Number.isFinite(ltv) && ltv >= cfg.highValueLtv) {
    tally.add(HIGH_VALUE, () => `high-value customer (LTV ${formatFixed(ltv, 0)})`);
  }
  if (days !== undefined && days >= LONG_TENURE_DAYS && days <= MAX_PLAUSIBLE_TENURE_DAYS) {
    tally.add(LONG_TENURE, () => `long tenure (${days} days)`);
  }
}

/** Time already waited against the (tier-adjusted) SLA. */
function waitFactor(input: Interaction, ctx: Context, slaMs: number, tally: Tally): void {
  if (input.receivedAt === undefined) return;
  const diff = saturate(ctx.now - input.receivedAt);
  const waited = Number(diff > 0n ? diff : 0n);
  const ratio = waited / slaMs;
  const points = ratio >= 1 ? WAIT_BREACH + Math.min((ratio - 1) / 2, 1) * (WAIT_BREACH_MAX - WAIT_BREACH) : ratio >= 0.5 ? WAIT_HALF : 0;
  tally.add(points, () => {
    const [w, sla] = durations(waited, slaMs);
    return `waited ${w} against a ${sla} SLA${ratio >= 1 ? ' (breached)' : ''}`;
  });
}

/** Formats a wait and an SLA (both in ms) in the unit that suits the SLA. */
export function durations(waitedMs: number, slaMs: number): [string, string] {
  const minute = Number(MINUTE);
  const [unit, name] = slaMs < 120 * minute ? [minute, 'min'] : slaMs < 48 * Number(HOUR) ? [Number(HOUR), 'h'] : [Number(DAY), 'd'];
  const show = (ms: number) => {
    const v = ms / unit;
    if (v < 10) {
      const text = formatFixed(v, 1);
      return `${text.endsWith('.0') ? text.slice(0, -2) : text} ${name}`;
    }
    return `${formatFixed(v, 0)} ${name}`;
  };
  return [show(waitedMs), show(slaMs)];
}

export type { Tier };
