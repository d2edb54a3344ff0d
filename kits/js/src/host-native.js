// Outside a component (unit tests under Node): what the host's log would
// receive goes to stderr as `[level] message`, like the Rust kit's native
// build, and is kept in `logged` for tests that check it.

/** Every line logged natively, oldest first: `{ level, message }`. */
export const logged = [];

export function log(level, message) {
  logged.push({ level, message });
  process.stderr.write(`[${level}] ${message}\n`);
}
