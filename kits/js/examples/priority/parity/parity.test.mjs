// The TypeScript port decides exactly as the Rust reference plugin, through
// the real `cxr` binary, on every interaction of examples/interactions.jsonl.
//
// Needs the cxr binary (CXR_BIN, default: the repository's target/release/cxr)
// and the built component (npm run build: dist/cxr-priority-ts.wasm).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const project = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(project, '..', '..', '..', '..');
const cxr = process.env.CXR_BIN ?? join(repo, 'target', 'release', 'cxr');
const wasm = resolve(process.env.CXR_PRIORITY_WASM ?? join(project, 'dist', 'cxr-priority-ts.wasm'));
const examples = join(repo, 'examples', 'interactions.jsonl');
const NOW = '2026-11-22T10:00:00Z';

for (const [path, what] of [[cxr, 'the cxr binary (cargo build --release)'], [wasm, 'the component (npm run build)']]) {
  if (!existsSync(path)) throw new Error(`${what} not found at ${path}`);
}

const route = (...args) =>
  execFileSync(cxr, ['route', '--quiet', '--now', NOW, ...args, examples], { encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

const priorityPlugins = (decisions) => new Set(decisions.flatMap((d) => d.trace.filter((t) => t.hook === 'priority').map((t) => t.plugin)));

function assertSame(rust, ts) {
  const lines = readFileSync(examples, 'utf8').split('\n').filter((l) => l.trim()).length;
  assert.equal(rust.length, lines);
  assert.equal(ts.length, lines);
  const differ = [];
  rust.forEach((r, i) => {
    for (const key of Object.keys(r)) {
      if (key !== 'trace' && key !== 'pipeline' && JSON.stringify(r[key]) !== JSON.stringify(ts[i][key])) differ.push([r.id, key, r[key], ts[i][key]]);
    }
  });
  assert.deepEqual(differ.slice(0, 5), [], `decisions differ (id, field, rust, ts)`);
}

test('decides like the Rust plugin on every example', () => {
  const rust = route();
  const ts = route('--plugin', wasm);
  assert.deepEqual([...priorityPlugins(rust)], ['cxr-priority']);
  assert.deepEqual([...priorityPlugins(ts)], ['cxr-priority-ts'], 'the TypeScript component took the priority stage');
  assert.ok(ts.every((d) => d.error === null), 'no errors');
  assert.equal(new Set(ts.map((d) => d.priority.level)).size, 4, 'the examples exercise every level');
  assertSame(rust, ts);
});

test('decides like the Rust plugin under a custom config', () => {
  const config = [
    'sla_minutes = { email = 60, chat = 3 }',
    'tier_sla_factor = { gold = 0.5, enterprise = 0.3 }',
    'tier_weight = { enterprise = 22, free = -10 }',
    'urgent_keywords = ["refund", "broken", "outage", "can\'t log in"]',
    'churn_keywords = ["cancel", "competitor", "unsubscribe"]',
    'level_thresholds = [70, 45, 20]',
    'high_value_ltv = 2000',
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'cxr-priority-ts-'));
  try {
    const pipeline = (name, plugin) => {
      const path = join(dir, `${name}.toml`);
      writeFileSync(
        path,
        `name = "custom"\n[sentiment]\nplugin = "builtin:sentiment"\n[[classifiers]]\nplugin = "builtin:classify"\n` +
          `[priority]\nplugin = ${JSON.stringify(plugin)}\n[priority.config]\n${config}\n[[routers]]\nplugin = "builtin:router"\n`,
      );
      return path;
    };
    const rust = route('--pipeline', pipeline('rust', 'builtin:priority'));
    const ts = route('--pipeline', pipeline('ts', wasm));
    assert.deepEqual([...priorityPlugins(ts)], ['cxr-priority-ts']);
    const byDefault = route('--plugin', wasm);
    const changed = ts.filter((d, i) => JSON.stringify(d.priority) !== JSON.stringify(byDefault[i].priority)).length;
    assert.ok(changed > 10, `the custom config changed only ${changed} priorities`);
    assertSame(rust, ts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("passes the Rust plugin's case files", () => {
  execFileSync(cxr, ['test', '--plugin', wasm, join(repo, 'plugins', 'priority', 'cases')], { encoding: 'utf8' });
});
