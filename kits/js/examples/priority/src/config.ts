// Configuration: JSON parsing, defaults, merging and validation, as
// plugins/priority/src/config.rs. Parsed once in configure.
import { type Channel, CHANNELS, InvalidConfig, channelName, parseChannel } from 'cxr-plugin';
import { CUES, phrasesOf } from './cues.ts';
import { Keywords, Phrase, trimWhitespace } from './keywords.ts';

/** Default first-response SLA per channel, in minutes, in CHANNELS order. */
export const DEFAULT_SLA_MINUTES: readonly number[] = [240, 5, 2, 60, 30, 480, 60, 1440, 2880];

/** Default tiers: [name, SLA factor, score weight]. */
export const DEFAULT_TIERS: ReadonlyArray<readonly [string, number, number]> = [
  ['vip', 0.25, 25],
  ['platinum', 0.4, 20],
  ['gold', 0.6, 14],
  ['silver', 0.85, 7],
  ['standard', 1.0, 0],
  ['free', 1.5, -5],
];

/** The built-in phrases of a cues.json table, each with its cue. */
const builtIn = (table: typeof CUES.urgent): Keywords => new Keywords(phrasesOf(table).map(([cue, phrase]) => Phrase.make(phrase, cue)));

export const DEFAULT_LEVEL_THRESHOLDS: readonly [number, number, number] = [75, 50, 25];
export const DEFAULT_HIGH_VALUE_LTV = 5000;

const MAX_SLA_MINUTES = 525_600;
const MAX_SLA_FACTOR = 100;
const MAX_TIER_WEIGHT = 100;
const FIELDS = ['sla_minutes', 'tier_sla_factor', 'tier_weight', 'urgent_keywords', 'churn_keywords', 'level_thresholds', 'high_value_ltv'];
/**
 * Keys of the Rust plugin's config that this port does not implement:
 * business-hours SLAs need a time-zone database (plugins/priority bundles one).
 * Refused by name, so a pipeline that names them fails at configure() instead
 * of counting SLAs in calendar hours without a word.
 */
const NOT_PORTED = ['calendars', 'sla_policies'];

/** A customer tier known to the configuration. */
export interface Tier {
  name: string;
  slaFactor: number;
  weight: number;
}

const invalid = (message: string) => new InvalidConfig(`priority config: ${message}`);

/** Per-character lower case, as Rust's `flat_map(char::to_lowercase)`. */
const lowerChars = (s: string) => Array.from(s, (c) => c.toLowerCase()).join('');
const trimmed = trimWhitespace;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a sequence' : typeof v === 'object' ? 'a map' : typeof v);

/** A map of numbers (`integer` when they must be whole), keys in sorted order. */
function numberMap(name: string, value: unknown, integer: boolean): Array<[string, number]> {
  if (!isObject(value)) throw invalid(`${name}: invalid type: ${kind(value)}, expected a map`);
  return Object.keys(value)
    .sort()
    .map((key) => {
      const v = value[key];
      if (typeof v !== 'number' || (integer && (!Number.isInteger(v) || Math.abs(v) > 2 ** 31))) {
        throw invalid(`${name}: invalid type: ${kind(v)} ${JSON.stringify(v)}, expected ${integer ? 'i32' : 'f64'}`);
      }
      return [key, v];
    });
}

function stringList(name: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid(`${name}: invalid type: expected a sequence of strings`);
  return value as string[];
}

/** The validated configuration the hook works with. */
export class Config {
  slaMinutesByChannel: number[] = [...DEFAULT_SLA_MINUTES];
  tiers: Tier[] = DEFAULT_TIERS.map(([name, slaFactor, weight]) => ({ name, slaFactor, weight }));
  /** Urgency keyword phrases (built in: six languages, plugins/priority/cues.json). */
  urgent: Keywords = builtIn(CUES.urgent);
  /** Churn keyword phrases. */
  churn: Keywords = builtIn(CUES.churn);
  thresholds: [number, number, number] = [...DEFAULT_LEVEL_THRESHOLDS];
  highValueLtv = DEFAULT_HIGH_VALUE_LTV;

  /** Parses and validates a JSON config; an empty string or `null` means all defaults. */
  static parse(json: string): Config {
    const config = new Config();
    const text = trimWhitespace(json);
    if (text === '') return config;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw invalid((e as Error).message);
    }
    if (raw === null) return config;
    if (!isObject(raw)) throw invalid(`invalid type: ${kind(raw)}, expected struct RawConfig`);
    const notPorted = Object.keys(raw).find((k) => NOT_PORTED.includes(k));
    if (notPorted !== undefined) {
      throw invalid(
        `\`${notPorted}\`: business-hours SLAs (\`calendars\`, \`sla_policies\`) are not implemented in this port; ` +
          'use the Rust plugin (builtin:priority) for them, or remove the key to count SLAs in calendar hours',
      );
    }
    const unknown = Object.keys(raw).find((k) => !FIELDS.includes(k));
    if (unknown !== undefined) throw invalid(`unknown field \`${unknown}\`, expected one of ${FIELDS.map((f) => `\`${f}\``).join(', ')}`);
    const field = (name: string) => (raw[name] === null ? undefined : raw[name]);

    if (field('sla_minutes') !== undefined) {
      const seen = new Set<number>();
      for (const [key, minutes] of numberMap('sla_minutes', field('sla_minutes'), false)) {
        const channel = parseChannel(key);
        if (channel === undefined) throw invalid(`sla_minutes: unknown channel \`${key}\` (expected one of ${CHANNELS.map(channelName).join(', ')})`);
        const slot = CHANNELS.indexOf(channel);
        if (seen.has(slot)) throw invalid(`sla_minutes: channel \`${channelName(channel)}\` given twice`);
        seen.add(slot);
        if (!(minutes > 0 && minutes <= MAX_SLA_MINUTES)) {
          throw invalid(`sla_minutes.${key}: must be more than 0 and at most ${MAX_SLA_MINUTES} minutes, got ${minutes}`);
        }
        config.slaMinutesByChannel[slot] = minutes;
      }
    }
    if (field('tier_sla_factor') !== undefined) {
      for (const [key, factor] of numberMap('tier_sla_factor', field('tier_sla_factor'), false)) {
        if (!(factor > 0 && factor <= MAX_SLA_FACTOR)) {
          throw invalid(`tier_sla_factor.${key}: must be more than 0 and at most ${MAX_SLA_FACTOR}, got ${factor}`);
        }
        config.tierEntry('tier_sla_factor', key).slaFactor = factor;
      }
    }
    if (field('tier_weight') !== undefined) {
      for (const [key, weight] of numberMap('tier_weight', field('tier_weight'), true)) {
        if (Math.abs(weight) > MAX_TIER_WEIGHT) {
          throw invalid(`tier_weight.${key}: must be between -${MAX_TIER_WEIGHT} and ${MAX_TIER_WEIGHT}, got ${weight}`);
        }
        config.tierEntry('tier_weight', key).weight = weight;
      }
    }
    for (const [name, target] of [['urgent_keywords', 'urgent'], ['churn_keywords', 'churn']] as const) {
      if (field(name) === undefined) continue;
      const list = stringList(name, field(name));
      const bad = list.find((k) => Phrase.make(k) === undefined);
      if (bad !== undefined) throw invalid(`${name}: keyword ${JSON.stringify(bad)} has nothing to match`);
      // An operator's keywords: each counts on its own (no cue).
      config[target] = new Keywords(list.map((k) => Phrase.make(k)));
    }
    if (field('level_thresholds') !== undefined) {
      const list = field('level_thresholds');
      if (!Array.isArray(list) || list.some((v) => typeof v !== 'number' || !Number.isInteger(v))) {
        throw invalid('level_thresholds: invalid type: expected a sequence of integers');
      }
      if (list.length !== 3) throw invalid(`level_thresholds: needs exactly 3 scores (for levels 1, 2 and 3), got ${list.length}`);
      const [a, b, c] = list as number[];
      if ([a, b, c].some((v) => v! < 0 || v! > 100)) throw invalid(`level_thresholds: scores must be within 0..=100, got [${list.join(', ')}]`);
      if (!(a! > b! && b! > c!)) throw invalid(`level_thresholds: scores must be strictly descending, got [${list.join(', ')}]`);
      config.thresholds = [a!, b!, c!];
    }
    if (field('high_value_ltv') !== undefined) {
      const ltv = field('high_value_ltv');
      if (typeof ltv !== 'number') throw invalid(`high_value_ltv: invalid type: ${kind(ltv)}, expected f64`);
      if (!(Number.isFinite(ltv) && ltv >= 0)) throw invalid(`high_value_ltv: must be a number of at least 0, got ${ltv}`);
      config.highValueLtv = ltv;
    }
    return config;
  }

  /** First-response SLA for a channel, in minutes, before the tier factor. */
  slaMinutes(channel: Channel): number {
    return this.slaMinutesByChannel[CHANNELS.indexOf(channel)]!;
  }

  /** The tier matching `name` case-insensitively (surrounding spaces ignored). */
  tier(name: string): Tier | undefined {
    const wanted = lowerChars(trimmed(name));
    // Names are stored lower-cased already (tierEntry, the defaults), so one side is enough.
    return this.tiers.find((t) => t.name === wanted);
  }

  /** The level (1 most urgent .. 4) for a score. */
  level(score: number): number {
    const [t1, t2, t3] = this.thresholds;
    return score >= t1 ? 1 : score >= t2 ? 2 : score >= t3 ? 3 : 4;
  }

  /** The tier called `key`, added with neutral values when new. */
  private tierEntry(field: string, key: string): Tier {
    const name = trimmed(key).toLowerCase();
    if (name === '') throw invalid(`${field}: tier name must not be empty`);
    let tier = this.tiers.find((t) => t.name === name);
    if (tier === undefined) {
      tier = { name, slaFactor: 1, weight: 0 };
      this.tiers.push(tier);
    }
    return tier;
  }
}
