// The TypeScript port decides exactly as the Rust reference plugin, through
// the real `cxr` binary, on every interaction of examples/interactions.jsonl
// and of the six-language parity set (tests/parity/*.tsv).
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

const routeFile = (file, ...args) =>
  execFileSync(cxr, ['route', '--quiet', '--now', NOW, ...args, file], { encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
const route = (...args) => routeFile(examples, ...args);

/** The parity set's messages (six languages each) as interactions, one JSON line each, written to `dir`. */
function paritySet(dir) {
  const lines = [];
  for (const name of ['messages', 'fresh', 'fresh2']) {
    const [header, ...rows] = readFileSync(join(repo, 'tests', 'parity', `${name}.tsv`), 'utf8').split('\n').filter((l) => l.trim());
    assert.equal(header.split('\t')[9], 'text', `tests/parity/${name}.tsv: columns moved`);
    for (const row of rows) {
      const [id, lang, channel, customer, , , , , , text] = row.split('\t');
      lines.push(JSON.stringify({ id: `${name}-${id}-${lang}`, channel, body: text, language: lang, ...(customer ? { customer: JSON.parse(customer) } : {}) }));
    }
  }
  const path = join(dir, 'parity-set.jsonl');
  writeFileSync(path, lines.join('\n') + '\n');
  return { path, lines: lines.length };
}

const priorityPlugins = (decisions) => new Set(decisions.flatMap((d) => d.trace.filter((t) => t.hook === 'priority').map((t) => t.plugin)));

function assertSame(rust, ts, file = examples) {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).length;
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

// The reference pipeline's stages with `plugin` as the priority stage. No
// `calendars` or `sla_policies`: business-hours SLAs are not ported (the port
// refuses them), so both sides count SLAs in calendar hours.
// `classifier: false` leaves the classifier out (priority from keywords alone).
function pipeline(dir, name, plugin, config = '', { classifier = true } = {}) {
  const path = join(dir, `${name}.toml`);
  writeFileSync(
    path,
    `name = "calendar-hours"\n[sentiment]\nplugin = "builtin:sentiment"\n` +
      (classifier ? `[[classifiers]]\nplugin = "builtin:classify"\n` : '') +
      `[priority]\nplugin = ${JSON.stringify(plugin)}\n[priority.config]\n${config}\n` +
      `[[routers]]\nplugin = "builtin:router"\n[routers.config]\ndefault_language = "en"\nuse_default_rules = true\n`,
  );
  return path;
}

function withDir(run) {
  const dir = mkdtempSync(join(tmpdir(), 'cxr-priority-ts-'));
  try {
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('decides like the Rust plugin on every example', () =>
  withDir((dir) => {
    const rust = route('--pipeline', pipeline(dir, 'rust', 'builtin:priority'));
    const ts = route('--pipeline', pipeline(dir, 'ts', wasm));
    assert.deepEqual([...priorityPlugins(rust)], ['cxr-priority']);
    assert.deepEqual([...priorityPlugins(ts)], ['cxr-priority-ts'], 'the TypeScript component took the priority stage');
    assert.ok(ts.every((d) => d.error === null), 'no errors');
    assert.equal(new Set(ts.map((d) => d.priority.level)).size, 4, 'the examples exercise every level');
    assertSame(rust, ts);
  }));

test('decides like the Rust plugin on the six-language parity set, with and without a classifier', () =>
  withDir((dir) => {
    const set = paritySet(dir);
    assert.ok(set.lines >= 240, `${set.lines} messages`);
    for (const classifier of [true, false]) {
      const rust = routeFile(set.path, '--pipeline', pipeline(dir, 'rust', 'builtin:priority', '', { classifier }));
      const ts = routeFile(set.path, '--pipeline', pipeline(dir, 'ts', wasm, '', { classifier }));
      assert.deepEqual([...priorityPlugins(ts)], ['cxr-priority-ts']);
      assert.ok(ts.every((d) => d.error === null), 'no errors');
      const reasons = ts.flatMap((d) => d.reasons);
      if (classifier) assert.ok(reasons.some((r) => /^(urgent|churn risk): .*\(classifier signals?\)/.test(r)), 'signals named in reasons');
      else assert.ok(reasons.some((r) => /^urgent keywords?: .*[^\x00-\x7f]/.test(r)), 'accented keywords named in reasons');
      assertSame(rust, ts, set.path);
    }
  }));

test('refuses business-hours calendars instead of ignoring them', () =>
  withDir((dir) => {
    const path = pipeline(dir, 'ts', wasm, '[priority.config.calendars.office]\ntime_zone = "Europe/Berlin"\nhours = { mon-fri = ["09:00-17:00"] }');
    writeFileSync(path, readFileSync(path, 'utf8').replace('[priority.config]\n', ''));
    let said = '';
    try {
      said = execFileSync(cxr, ['route', '--quiet', '--pipeline', path, examples], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      said = `${e.stdout}${e.stderr}`;
    }
    assert.ok(said.includes('calendars') && said.includes('not implemented in this port'), said.slice(0, 2000));
  }));

test('decides like the Rust plugin under a custom config', () =>
  withDir((dir) => {
    const config = [
      'sla_minutes = { email = 60, chat = 3 }',
      'tier_sla_factor = { gold = 0.5, enterprise = 0.3 }',
      'tier_weight = { enterprise = 22, free = -10 }',
      'urgent_keywords = ["refund", "broken", "outage", "can\'t log in"]',
      'churn_keywords = ["cancel", "competitor", "unsubscribe"]',
      'level_thresholds = [70, 45, 20]',
      'high_value_ltv = 2000',
    ].join('\n');
    const rust = route('--pipeline', pipeline(dir, 'rust', 'builtin:priority', config));
    const ts = route('--pipeline', pipeline(dir, 'ts', wasm, config));
    assert.deepEqual([...priorityPlugins(ts)], ['cxr-priority-ts']);
    const byDefault = route('--pipeline', pipeline(dir, 'ts-default', wasm));
    const changed = ts.filter((d, i) => JSON.stringify(d.priority) !== JSON.stringify(byDefault[i].priority)).length;
    assert.ok(changed > 10, `the custom config changed only ${changed} priorities`);
    assertSame(rust, ts);
  }));

test("passes the Rust plugin's case files", () => {
  // levels.toml only: calendars.toml tests business-hours SLAs, not ported.
  execFileSync(cxr, ['test', '--plugin', wasm, join(repo, 'plugins', 'priority', 'cases', 'levels.toml')], { encoding: 'utf8' });
});
