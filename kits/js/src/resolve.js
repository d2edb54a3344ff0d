// Finding installed packages the way Node does, from a list of folders.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The kit's own folder. */
export const KIT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The folder of package `name` under a node_modules of `from` or above, or undefined. */
export function packageDir(name, from) {
  for (let d = from; ; d = dirname(d)) {
    const p = join(d, 'node_modules', name);
    try {
      if (statSync(join(p, 'package.json')).isFile()) return p;
    } catch {}
    if (dirname(d) === d) return undefined;
  }
}

/** The installed version of package `name` found from any of `froms`, with its folder. */
export function findPackage(name, froms) {
  for (const from of froms) {
    const dir = packageDir(name, from);
    if (dir) return { dir, version: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version };
  }
  return undefined;
}

/** Imports an ES module entry of a package folder (its `exports` import entry, or `main`). */
export async function importPackage(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const exp = pkg.exports;
  const pick = (e) => (typeof e === 'string' ? e : e && (e.import ?? e.default ?? (e['.'] && pick(e['.']))));
  const entry = pick(exp) ?? pkg.main ?? 'index.js';
  return import(pathToFileURL(join(dir, entry)).href);
}
