// The reference priority plugin (plugins/priority) written in TypeScript
// with the cxr-plugin kit: it decides exactly as the Rust one (npm run
// parity compares them on examples/interactions.jsonl).
import type { Context, Interaction, Priority, PriorityHook, Sentiment } from 'cxr-plugin';
import { Config } from './config.ts';
import { prioritize } from './scoring.ts';

export default class PriorityPlugin implements PriorityHook {
  static readonly description =
    'explainable priority from channel, sentiment, classifier signals and keywords (en, de, es, fr, it, pt), repeat contact, customer value and time waited against the SLA';

  constructor(readonly config: Config) {}

  /** Parses and validates the configuration once (see the Rust plugin's README). */
  static configure(config: string): PriorityPlugin {
    return new PriorityPlugin(Config.parse(config));
  }

  prioritize(input: Interaction, ctx: Context, sentiment: Sentiment): Priority {
    return prioritize(this.config, input, ctx, sentiment);
  }
}
