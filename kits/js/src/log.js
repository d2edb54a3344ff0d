// Logging to the host's log (in a component) or stderr (natively).
import { log as hostLog } from '#host';

/** Writes one line to the host log at `level` (trace, debug, info, warn, error). */
export function log(level, message) {
  hostLog(level, String(message));
}

export const trace = (message) => log('trace', message);
export const debug = (message) => log('debug', message);
export const info = (message) => log('info', message);
export const warn = (message) => log('warn', message);
export const error = (message) => log('error', message);
