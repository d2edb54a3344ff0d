// Types of the cxr-plugin kit. The contract's types come from the
// declarations jco 1.34.0 generates from the WIT (../types/, see
// scripts/gen-types.mjs): timestamps are bigint (ms since the epoch), an
// absent option is `undefined`, enums are strings ('email', 'web-form'),
// variants are `{ tag, val }`.
/// <reference path="../types/interfaces/cxr-plugin-types.d.ts" />
/// <reference path="../types/interfaces/cxr-plugin-host.d.ts" />
/// <reference path="../types/interfaces/cxr-plugin-sentiment.d.ts" />
/// <reference path="../types/interfaces/cxr-plugin-classify.d.ts" />
/// <reference path="../types/interfaces/cxr-plugin-priority.d.ts" />
/// <reference path="../types/interfaces/cxr-plugin-routing.d.ts" />

import type * as wit from 'cxr:plugin/types@0.2.0';

export type Timestamp = wit.Timestamp;
export type Channel = wit.Channel;
export type Direction = wit.Direction;
export type Customer = wit.Customer;
export type Message = wit.Message;
export type Interaction = wit.Interaction;
export type Context = wit.Context;
export type Signal = wit.Signal;
export type SentimentLabel = wit.SentimentLabel;
export type Cue = wit.Cue;
export type Sentiment = wit.Sentiment;
export type Priority = wit.Priority;
export type Discipline = wit.Discipline;
export type Route = wit.Route;
export type RoutingOutcome = wit.RoutingOutcome;
export type PluginInfo = wit.PluginInfo;
/** The contract's error value (`{ tag: 'invalid-config' | 'invalid-input' | 'internal', val }`). */
export type PluginErrorValue = wit.PluginError;
export type LogLevel = import('cxr:plugin/host@0.2.0').LogLevel;

/** What a routing hook returns: a route (decide it) or an outcome (`routed(...)`, `pass(...)`). */
export type RouteResult = Route | RoutingOutcome;

// --- hooks ----------------------------------------------------------------------

/** The sentiment hook: how does the customer feel? Runs first. */
export interface SentimentHook {
  score(input: Interaction, ctx: Context): Sentiment;
}
/** The classify hook: what is it about? Returns signals that priority and routing see in `ctx.signals`. */
export interface ClassifyHook {
  classify(input: Interaction, ctx: Context, sentiment: Sentiment): Signal[];
}
/** The priority hook: how urgent is it? */
export interface PriorityHook {
  prioritize(input: Interaction, ctx: Context, sentiment: Sentiment): Priority;
}
/** The routing hook: where does it go? May pass to the next router. */
export interface RoutingHook {
  route(input: Interaction, ctx: Context, sentiment: Sentiment, priority: Priority): RouteResult;
}

/**
 * A plugin: a class with a static `configure` building an instance from the
 * pipeline's config (a JSON string, `{}` when none is given), whose
 * instances implement one or more hooks. Optional static `description`.
 */
export interface PluginClass<T = object> {
  configure(config: string): T;
  readonly description?: string;
  readonly prototype: T;
}

/** Hook name → the method implementing it, in pipeline order. */
export declare const HOOKS: Readonly<{ sentiment: 'score'; classify: 'classify'; priority: 'prioritize'; routing: 'route' }>;
export type Hook = keyof typeof HOOKS;
/** The hooks a plugin class implements (the methods its prototype has), in pipeline order. */
export declare function hooksOf(plugin: PluginClass): Hook[];

// --- errors ---------------------------------------------------------------------------

/** The longest message a plugin error carries, in characters. */
export declare const MAX_MESSAGE_CHARS: 300;
/** An error the plugin reports on purpose: `plugin-error.internal`. Anything else thrown is reported the same way. */
export declare class PluginError extends Error {
  readonly kind: 'invalid-config' | 'invalid-input' | 'internal';
}
/** The configuration cannot be used: `plugin-error.invalid-config`. */
export declare class InvalidConfig extends PluginError {}
/** The interaction cannot be handled: `plugin-error.invalid-input`. */
export declare class InvalidInput extends PluginError {}

// --- helpers ----------------------------------------------------------------------------

/** Milliseconds in one minute (bigint, for Timestamp arithmetic). */
export declare const MINUTE: bigint;
/** Milliseconds in one hour. */
export declare const HOUR: bigint;
/** Every channel, in WIT order. */
export declare const CHANNELS: readonly Channel[];
/** The contract version this kit implements. */
export declare const WIT_VERSION: '0.2.0';

/** The label for a score with the usual ±0.05 thresholds. */
export declare function labelForScore(score: number): SentimentLabel;
/** A sentiment with the label derived from the score (clamped to [-1, 1]; confidence to [0, 1]). */
export declare function sentimentFromScore(score: number, confidence: number, cues?: Iterable<Cue>): Sentiment;
/** A neutral sentiment with the given confidence and no cues. */
export declare function neutralSentiment(confidence: number): Sentiment;
/** A cue: a piece of text that moved the score, with its weight. */
export declare function newCue(text: string, weight: number): Cue;
/** A signal `name=value` with a confidence (clamped to [0, 1]) and its cues, strongest first. */
export declare function newSignal(name: string, value: string, confidence: number, cues?: Iterable<string>): Signal;
/** A priority: `level` 1 (most urgent) to 4, `score` 0 to 100. */
export declare function newPriority(level: number, score: number, firstResponseDue?: Timestamp, reasons?: Iterable<string>): Priority;
/** A route to `queue` for a discipline; everything else optional. */
export declare function routeTo(
  queue: string,
  discipline: Discipline,
  options?: {
    skills?: Iterable<string>;
    language?: string;
    actions?: Iterable<string>;
    tags?: Iterable<string>;
    rule?: string;
    reasons?: Iterable<string>;
  },
): Route;
/** The routing outcome "decide this route". */
export declare function routed(route: Route): RoutingOutcome;
/** The routing outcome "let the next router decide", with why. */
export declare function pass(reason: string): RoutingOutcome;

/** A customer profile; every field optional. */
export declare function newCustomer(fields?: Partial<Customer>): Customer;
/** An earlier message of the customer's history (inbound by default). */
export declare function newMessage(body: string, options?: { at?: Timestamp; channel?: Channel; direction?: Direction }): Message;
/** An interaction, for tests: id, channel and body, and whatever else is named. */
export declare function newInteraction(
  id: string,
  channel: Channel,
  body: string,
  options?: {
    subject?: string;
    receivedAt?: Timestamp;
    language?: string;
    tier?: string;
    customer?: Partial<Customer>;
    history?: Iterable<Message>;
    attributes?: Iterable<[string, string]>;
  },
): Interaction;
/** A context for tests: the host's "now" and the signals so far. */
export declare function contextAt(now: Timestamp | number, signals?: Iterable<Signal>, pipeline?: string): Context;

/** Subject and body joined by a newline (the body alone when there is no subject). */
export declare function textOf(input: Interaction): string;
/** The value of an attribute, if present. */
export declare function attribute(input: Interaction, key: string): string | undefined;
/** Earlier inbound messages from the customer, oldest first. */
export declare function inboundHistory(input: Interaction): Message[];
/** The most confident signal named `name`, if any. */
export declare function signalOf(ctx: Context, name: string): Signal | undefined;
/** Whether a signal `name=value` is present with at least `minConfidence`. */
export declare function hasSignal(ctx: Context, name: string, value: string, minConfidence?: number): boolean;

/**
 * `x` with `digits` decimals as Rust's `{x:.N}` and Python's `f"{x:.Nf}"` write it (ties to
 * even; `toFixed` rounds them away from zero). Use it where text must match a Rust plugin's.
 */
export declare function formatFixed(x: number, digits: number): string;

/** A channel's name as in interaction JSON (`web_form`, `in_app`). */
export declare function channelName(channel: Channel): string;
/** Parses a channel name (`web_form`, `web-form` and `webform` all work). */
export declare function parseChannel(name: string): Channel | undefined;
/** Parses `service`, `care` or `experience`. */
export declare function parseDiscipline(name: string): Discipline | undefined;
/** The plugin's configuration as an object (`{}` for an empty string); InvalidConfig when it is not a JSON object. */
export declare function parseConfig(config: string): Record<string, unknown>;

/** Logging to the host's log (in a component) or stderr (under Node). `console` works too. */
export declare namespace log {
  function log(level: LogLevel, message: string): void;
  function trace(message: string): void;
  function debug(message: string): void;
  function info(message: string): void;
  function warn(message: string): void;
  function error(message: string): void;
}
