// The built-in cues (phrases in six languages, negations, the classifier
// signals that stand for a cue): the Rust plugin's plugins/priority/cues.json,
// bundled into the component when it is built (esbuild reads JSON), so the
// three implementations share one list.
import data from '../../../../../plugins/priority/cues.json';

/** A classifier signal that stands for a cue: `name=value` with at least `min_confidence`. */
export interface SignalRule {
  readonly name: string;
  readonly value: string;
  readonly min_confidence: number;
  readonly cue: string;
}

/** The phrases of one cue. */
export interface CuePhrases {
  readonly cue: string;
  readonly phrases: readonly string[];
}

/** What cues.json holds (see plugins/priority/src/cues.rs). */
export interface Cues {
  readonly negations: readonly string[];
  readonly signals: { readonly urgent: readonly SignalRule[]; readonly churn: readonly SignalRule[] };
  readonly urgent: readonly CuePhrases[];
  readonly churn: readonly CuePhrases[];
}

export const CUES: Cues = data;

/** The cues a classifier signal stands for: their phrases count only in pipelines without a classifier. */
export const CLASSIFIER_CUES: ReadonlySet<string> = new Set([...CUES.signals.urgent, ...CUES.signals.churn].map((r) => r.cue));

/** Every phrase of `table`, in order, with its cue. */
export const phrasesOf = (table: readonly CuePhrases[]): Array<[string, string]> =>
  table.flatMap((c) => c.phrases.map((p) => [c.cue, p] as [string, string]));
