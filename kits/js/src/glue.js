// The export glue: what the component's exported functions call.
//
// `cxr-plugin build` writes a small entry module that calls exportPlugin()
// with the plugin class and exports, as the world of its hooks asks, the
// `lifecycle` object and one object per hook. Each exported function:
//
// * runs the plugin's method on the instance `configure` built;
// * converts values between the engine's representation and the kit's
//   (the one jco's generated types describe: timestamps are bigint, an
//   absent option is `undefined`). StarlingMonkey (componentize-js) uses
//   the kit's representation; QuickJS (componentize-qjs) passes s64 as a
//   number and absent options as `null`, and wants numbers back;
// * checks the kind of what the method returned, so a mistake is reported
//   in words instead of failing deep in the bindings;
// * turns anything thrown into the contract's plugin-error with a short
//   message (errors.js: `TypeError: x is undefined (at plugin.ts:12)`), so
//   the host records it in the decision and the instance stays usable.
//
// It also gives the component a `console` whose lines go to the host log
// (console.debug at debug, console.log and console.info at info, ...).
import { log as hostLog } from '#host';
import { PluginError, toWitError } from './errors.js';
import { HOOKS } from './hooks.js';

const show = (v) => {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return `${v}`;
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  try {
    return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}` : x)) ?? String(v);
  } catch {
    return String(v);
  }
};

/** A console whose lines go to the host log. */
export function hostConsole() {
  const at = (level) => (...args) => hostLog(level, args.map(show).join(' '));
  return { trace: at('trace'), debug: at('debug'), log: at('info'), info: at('info'), warn: at('warn'), error: at('error') };
}

// --- values -------------------------------------------------------------------

const opt = (v) => (v === null ? undefined : v);
const optTime = (v) => (v === null || v === undefined ? undefined : BigInt(v));

/** QuickJS's representation → the kit's. */
const fromQuickjs = {
  interaction: (ix) => ({
    id: ix.id,
    channel: ix.channel,
    receivedAt: optTime(ix.receivedAt),
    subject: opt(ix.subject),
    body: ix.body,
    language: opt(ix.language),
    customer: Object.fromEntries(Object.entries(ix.customer).map(([k, v]) => [k, opt(v)])),
    history: ix.history.map((m) => ({ at: optTime(m.at), channel: opt(m.channel), direction: m.direction, body: m.body })),
    attributes: ix.attributes,
  }),
  context: (ctx) => ({ now: BigInt(ctx.now), pipeline: ctx.pipeline, signals: ctx.signals }),
  sentiment: (s) => s,
  priority: (p) => ({ level: p.level, score: p.score, firstResponseDue: optTime(p.firstResponseDue), reasons: p.reasons }),
};

const same = (v) => v;
/** StarlingMonkey's representation is the kit's. */
const fromNative = { interaction: same, context: same, sentiment: same, priority: same };

/** A timestamp as the engine wants it: a number for QuickJS, a bigint for StarlingMonkey. */
const timeTo = (engine) => (v) => {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'bigint') return engine === 'quickjs' ? Number(v) : v;
  if (typeof v === 'number' && Number.isFinite(v)) return engine === 'quickjs' ? Math.round(v) : BigInt(Math.round(v));
  throw new PluginError(`priority.firstResponseDue is ${show(v)}, not a timestamp (milliseconds since the epoch)`);
};

// --- checks ---------------------------------------------------------------------

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const what = (v) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v);

function expectObject(v, method, shape) {
  if (!isObject(v)) throw new PluginError(`${method} returned ${what(v)}, expected ${shape}`);
  return v;
}

function routeOutcome(v) {
  if (isObject(v) && (v.tag === 'route' || v.tag === 'pass')) {
    return v.tag === 'route' ? { tag: 'route', val: cleanRoute(expectObject(v.val, 'route', 'a Route')) } : { tag: 'pass', val: String(v.val) };
  }
  if (isObject(v) && typeof v.queue === 'string') return { tag: 'route', val: cleanRoute(v) };
  throw new PluginError(`route returned ${what(v)}, expected a Route (routeTo(...)) or a RoutingOutcome (routed(...), pass(...))`);
}

const cleanRoute = (r) => ({ ...r, language: opt(r.language), rule: opt(r.rule) });

// --- export -------------------------------------------------------------------------

/**
 * The component's exports for a plugin class: `lifecycle` and one object
 * per hook in `hooks`. `info` is the plugin's name, version and
 * description; `engine` is `quickjs` or `starlingmonkey`.
 */
export function exportPlugin(Plugin, info, hooks, engine) {
  globalThis.console = hostConsole();
  const from = engine === 'quickjs' ? fromQuickjs : fromNative;
  const toTime = timeTo(engine);
  let plugin;
  const configured = () => {
    if (plugin === undefined) throw new PluginError('hook called before `configure`');
    return plugin;
  };
  // Runs `f`; anything thrown becomes the contract's plugin-error.
  const guard = (fallbackKind, f) => {
    try {
      return f();
    } catch (e) {
      throw toWitError(e, fallbackKind);
    }
  };
  const exports = {
    lifecycle: {
      info: () => ({ name: info.name, version: info.version, description: info.description ?? '' }),
      configure(config) {
        guard('invalid-config', () => {
          const built = Plugin.configure(config);
          if (built === undefined || built === null) throw new PluginError('configure returned nothing: return the plugin instance');
          plugin = built;
        });
      },
    },
  };
  const hooksOn = {
    sentiment: {
      score: (ix, ctx) =>
        guard('internal', () => {
          const s = expectObject(configured().score(from.interaction(ix), from.context(ctx)), 'score', 'a Sentiment (sentimentFromScore(...))');
          return { ...s, cues: s.cues ?? [] };
        }),
    },
    classify: {
      classify: (ix, ctx, s) =>
        guard('internal', () => {
          const signals = configured().classify(from.interaction(ix), from.context(ctx), from.sentiment(s));
          if (!Array.isArray(signals)) throw new PluginError(`classify returned ${what(signals)}, expected an array of signals (newSignal(...))`);
          return signals.map((sig) => ({ ...sig, cues: sig.cues ?? [] }));
        }),
    },
    priority: {
      prioritize: (ix, ctx, s) =>
        guard('internal', () => {
          const p = expectObject(configured().prioritize(from.interaction(ix), from.context(ctx), from.sentiment(s)), 'prioritize', 'a Priority (newPriority(...))');
          return { ...p, firstResponseDue: toTime(p.firstResponseDue), reasons: p.reasons ?? [] };
        }),
    },
    routing: {
      route: (ix, ctx, s, p) =>
        guard('internal', () => routeOutcome(configured().route(from.interaction(ix), from.context(ctx), from.sentiment(s), from.priority(p)))),
    },
  };
  for (const hook of hooks) {
    if (!(hook in HOOKS)) throw new Error(`unknown hook ${hook}`);
    exports[hook] = hooksOn[hook];
  }
  return exports;
}
