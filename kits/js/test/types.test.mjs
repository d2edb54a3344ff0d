// The shipped TypeScript declarations are what jco 1.34.0 generates from the
// shipped WIT (scripts/gen-types.mjs --check), and they type-check with the
// kit's declarations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const kit = join(dirname(fileURLToPath(import.meta.url)), '..');

test('types/ is current', () => {
  const out = execFileSync(process.execPath, [join(kit, 'scripts', 'gen-types.mjs'), '--check'], { encoding: 'utf8' });
  assert.match(out, /22 generated type files are current/);
});

test('the kit declarations type-check', () => {
  execFileSync(process.execPath, [join(kit, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--types', 'node', '--skipLibCheck', 'false', join(kit, 'src', 'index.d.ts')], {
    encoding: 'utf8',
  });
});
