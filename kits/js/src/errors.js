// Errors a plugin reports, and how any exception becomes one.

/** The longest message a plugin error carries, in characters (the host bounds it too). */
export const MAX_MESSAGE_CHARS = 300;

/**
 * An error the plugin reports on purpose: the contract's `plugin-error.internal`
 * (the subclasses below carry the other cases).
 */
export class PluginError extends Error {
  constructor(message, kind = 'internal', name = 'PluginError') {
    super(message);
    this.name = name;
    /** The contract's error case. */
    this.kind = kind;
  }
}

/** The configuration cannot be used: `plugin-error.invalid-config`. */
export class InvalidConfig extends PluginError {
  constructor(message) {
    super(message, 'invalid-config', 'InvalidConfig');
  }
}

/** The interaction cannot be handled: `plugin-error.invalid-input`. */
export class InvalidInput extends PluginError {
  constructor(message) {
    super(message, 'invalid-input', 'InvalidInput');
  }
}

const KINDS = new Set(['invalid-config', 'invalid-input', 'internal']);

/** `text` on one line, at most MAX_MESSAGE_CHARS characters. */
export function bound(text) {
  const oneLine = String(text).split(/\s+/u).filter(Boolean).join(' ');
  const chars = [...oneLine];
  return chars.length <= MAX_MESSAGE_CHARS ? oneLine : chars.slice(0, MAX_MESSAGE_CHARS - 1).join('') + '…';
}

/** Where an Error was thrown, from its stack: `at plugin.ts:12` (file name only), or ''. */
function origin(error) {
  const stack = typeof error?.stack === 'string' ? error.stack : '';
  // V8 / QuickJS: "    at fn (file:line:col)"; SpiderMonkey: "fn@file:line:col".
  const m = stack.match(/([^/\\\s(@]+?\.[cm]?[jt]s):(\d+)(?::\d+)?/);
  return m ? `at ${m[1]}:${m[2]}` : '';
}

/**
 * The one-line message for anything thrown: a PluginError's own message;
 * an Error's `Name: message (at file:line)`; anything else `thrown: value`.
 */
export function describe(thrown) {
  if (thrown instanceof PluginError) return bound(thrown.message);
  if (thrown instanceof Error) {
    const where = origin(thrown);
    return bound(`${thrown.name}: ${thrown.message}${where ? ` (${where})` : ''}`);
  }
  let shown;
  try {
    shown = typeof thrown === 'string' ? thrown : JSON.stringify(thrown, (_, v) => (typeof v === 'bigint' ? `${v}` : v));
  } catch {
    shown = String(thrown);
  }
  return bound(`thrown: ${shown}`);
}

/**
 * The contract's `plugin-error` value for anything thrown: a PluginError
 * keeps its case; an already-formed `{ tag, val }` passes through; anything
 * else becomes `fallbackKind` (`invalid-config` in configure, `internal`
 * in hooks) with describe()'s message.
 */
export function toWitError(thrown, fallbackKind) {
  if (thrown instanceof PluginError) return { tag: thrown.kind, val: describe(thrown) };
  if (thrown && typeof thrown === 'object' && KINDS.has(thrown.tag) && typeof thrown.val === 'string') {
    return { tag: thrown.tag, val: bound(thrown.val) };
  }
  return { tag: fallbackKind, val: describe(thrown) };
}
