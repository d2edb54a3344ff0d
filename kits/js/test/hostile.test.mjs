// Components as a hostile or careless author builds them, through the real
// cxr binary (CXR_BIN, default: the repository's target/release/cxr):
// - without the kit's glue, an uncaught exception traps, and its message
//   (escape sequences, bidi overrides, line breaks, any length) reaches the
//   decision neutralised and bounded, as the error of its degraded stage
//   (`degraded`: the decision goes on without that stage);
// - with the kit, the same exception is the plugin's error, neutralised too;
// - built without --sync, the host refuses the component before compiling
//   it, naming the flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentize } from 'componentize-qjs';

const kit = join(dirname(fileURLToPath(import.meta.url)), '..');
const cxr = process.env.CXR_BIN ?? join(kit, '..', '..', 'target', 'release', 'cxr');
if (!existsSync(cxr)) throw new Error(`the cxr binary is needed at ${cxr} (cargo build --release, or CXR_BIN)`);
const work = mkdtempSync(join(tmpdir(), 'cxr-hostile-js-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

const HOSTILE = 'boom \\u001b[2J\\u202e evil\\nsecond line ' + 'x'.repeat(20);

const raw = `
export const lifecycle = {
  info() { return { name: 'hostile-js', version: '6.6.6', description: 'throws' }; },
  configure(_config) {},
};
export const sentiment = {
  score(input, _ctx) {
    if (input.body.includes('LONG')) throw new Error('y'.repeat(5000));
    throw new Error('${HOSTILE}');
  },
};
`;

async function build(source, options = {}) {
  const { component } = await componentize({ witPath: join(kit, 'wit'), world: 'sentiment', jsSource: source, sync: true, ...options });
  const out = join(work, `c${Math.random().toString(36).slice(2)}.wasm`);
  writeFileSync(out, component);
  return out;
}

/**
 * The error of the one stage that failed: a failing sentiment plugin
 * degrades its stage (neutral sentiment, listed in `degraded`) and the
 * decision goes on, with no `error` of its own.
 */
function failure(d) {
  assert.equal(d.error ?? null, null, JSON.stringify(d));
  assert.equal(typeof d.route.queue, 'string', JSON.stringify(d));
  assert.equal(d.sentiment.label, 'neutral', JSON.stringify(d));
  assert.equal(d.degraded?.length, 1, JSON.stringify(d));
  assert.equal(d.degraded[0].stage, 'sentiment');
  return d.degraded[0].error;
}

function decide(wasm, body) {
  const ix = join(work, 'ix.json');
  writeFileSync(ix, JSON.stringify({ id: 'H-1', body }));
  return JSON.parse(execFileSync(cxr, ['run', '--plugin', wasm, ix, '--json'], { encoding: 'utf8' }));
}

test('an uncaught exception traps and its message reaches the degraded stage, neutralised and bounded', async () => {
  const wasm = await build(raw);
  const error = failure(decide(wasm, 'hello'));
  assert.match(error, /call: trapped \(the plugin panicked or aborted\); the plugin reported: /);
  // Shown escaped, on one line: no ESC, no bidi override, no line break reaches the text.
  assert.ok(error.includes('boom \\u{1b}[2J\\u{202e} evil second line xxxx'), error);
  assert.ok(!/[\u001b\u202e\n]/.test(error), error);
  const long = failure(decide(wasm, 'LONG'));
  const reported = long.slice(long.indexOf('the plugin reported: ') + 'the plugin reported: '.length);
  assert.equal([...reported].length, 300, 'the guest message is cut to 300 characters');
  assert.ok(reported.endsWith('…'));
});

test('with the kit, the exception is the plugin error, neutralised', () => {
  const project = join(work, 'kit-hostile');
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'kit-hostile', version: '1.0.0', type: 'module' }));
  writeFileSync(
    join(project, 'src', 'plugin.js'),
    `export default class Hostile {
  static configure() { return new Hostile(); }
  score() { throw new Error('${HOSTILE}'); }
}
`,
  );
  const r = spawnSync(process.execPath, [join(kit, 'bin', 'cxr-plugin.js'), 'build', project], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const error = failure(decide(join(project, 'dist', 'kit-hostile.wasm'), 'hello'));
  assert.match(error, /plugin error: internal error: Error: boom \\u\{1b\}\[2J\\u\{202e\} evil second line x+ \(at component\.js:\d+\)$/);
  assert.ok(!/[\u001b\u202e\n]/.test(error), error);
});

test('a component built without --sync is refused before it is compiled, naming the flag', async () => {
  const wasm = await build(raw, { sync: false });
  const r = spawnSync(cxr, ['inspect', wasm], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /uses the component model's async ABI \(task\.cancel\).*rebuild with `--sync`/s);
});
