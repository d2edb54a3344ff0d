// The hooks and the methods that implement them.

/** Hook name → method name, in pipeline order. */
export const HOOKS = Object.freeze({ sentiment: 'score', classify: 'classify', priority: 'prioritize', routing: 'route' });

/**
 * The hooks a plugin class implements, in pipeline order: those whose
 * method its instances have (found on the prototype chain).
 */
export function hooksOf(Plugin) {
  if (typeof Plugin !== 'function' || typeof Plugin.configure !== 'function') {
    throw new TypeError('a plugin is a class with a static configure(config) method');
  }
  const proto = Plugin.prototype ?? {};
  return Object.entries(HOOKS)
    .filter(([, method]) => typeof proto[method] === 'function')
    .map(([hook]) => hook);
}

/** The world of the worlds package for a set of hooks: the hooks in pipeline order, joined by `-`. */
export function worldOf(hooks) {
  const names = Object.keys(HOOKS).filter((h) => hooks.includes(h));
  if (names.length === 0) throw new Error('a plugin implements at least one hook');
  return names.join('-');
}
