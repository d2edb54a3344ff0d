// Urgency and churn from the classifiers' signals (ctx.signals), as
// plugins/priority/src/signals.rs: the signal table is cues.json's.
import { type Context, type Signal, formatFixed } from 'cxr-plugin';
import { CUES, type SignalRule } from './cues.ts';

/** The signal whose presence means the pipeline has a classifier. */
export const INTENT = 'intent';

/** A signal that counted, and how the reason names it (`intent=outage 0.86`). */
export interface SignalCue {
  readonly cue: string;
  readonly name: string;
}

/** Whether the pipeline has a classifier: some signal says what the message is about. */
export const classifierPresent = (ctx: Context): boolean => ctx.signals.some((s) => s.name === INTENT);

/** The urgency cues the signals show, each once, in the order of the table. */
export const urgentSignals = (ctx: Context): SignalCue[] => read(ctx, CUES.signals.urgent);

/** The churn cues the signals show. */
export const churnSignals = (ctx: Context): SignalCue[] => read(ctx, CUES.signals.churn);

function read(ctx: Context, table: readonly SignalRule[]): SignalCue[] {
  const out: SignalCue[] = [];
  for (const rule of table) {
    const s = best(ctx.signals, rule.name, rule.value);
    if (s !== undefined && s.confidence >= rule.min_confidence) {
      out.push({ cue: rule.cue, name: `${rule.name}=${rule.value} ${formatFixed(s.confidence, 2)}` });
    }
  }
  return out;
}

/** Lower case of ASCII letters only (Rust's eq_ignore_ascii_case). */
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** The most confident signal `name=value` (values compared ignoring ASCII case); the last of equals, as Rust's max_by. */
function best(signals: readonly Signal[], name: string, value: string): Signal | undefined {
  let found: Signal | undefined;
  for (const s of signals) {
    if (s.name !== name || asciiLower(s.value) !== asciiLower(value) || !Number.isFinite(s.confidence)) continue;
    if (found === undefined || s.confidence >= found.confidence) found = s;
  }
  return found;
}
