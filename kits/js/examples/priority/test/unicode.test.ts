// The generated table is Rust's char::is_alphanumeric as this Node's \p{...} knows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAlphanumeric, isBlank, trimWhitespace } from '../src/keywords.ts';

test('isAlphanumeric agrees with \\p{Alphabetic} or \\p{N} on every code point', () => {
  const re = /[\p{Alphabetic}\p{N}]/u;
  const differ: number[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    if (isAlphanumeric(c) !== re.test(c)) differ.push(cp);
  }
  assert.deepEqual(differ.slice(0, 10), [], 'run scripts/gen-unicode.mjs');
});

test('white space is Unicode White_Space', () => {
  assert.ok(isBlank(' \t\n\u00a0\u3000'));
  assert.ok(!isBlank('\ufeff'), 'a byte-order mark is not white space (JS trim() says it is)');
  assert.equal(trimWhitespace('\u2003 gold \u2003'), 'gold');
});
