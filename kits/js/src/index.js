// cxr-plugin: write cxr plugins in TypeScript or JavaScript.
//
// A plugin is a class with a static `configure(config)` that returns an
// instance, and one method per hook it implements: `score` (sentiment),
// `classify`, `prioritize` (priority), `route` (routing). `cxr-plugin build`
// turns it into a WebAssembly component the cxr host loads; the same code
// runs under Node for unit tests (`cxr-plugin test`).
export * from './helpers.js';
export { PluginError, InvalidConfig, InvalidInput, MAX_MESSAGE_CHARS } from './errors.js';
export * as log from './log.js';
export { HOOKS, hooksOf } from './hooks.js';

/** The contract version this kit implements. */
export const WIT_VERSION = '0.2.0';
