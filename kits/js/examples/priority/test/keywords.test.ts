// The keyword rules, as the Rust plugin's tests (plugins/priority/src/keywords.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Config } from '../src/config.ts';
import { Keywords, Phrase, normalizeInto } from '../src/keywords.ts';

const norm = (text: string) => normalizeInto(text, '');
const found = (keyword: string, text: string) => Phrase.make(keyword)!.foundIn(norm(text));

test('normalisation folds case, apostrophes and separators', () => {
  assert.equal(norm('  I CAN’T   log-in!\n\nHelp '), 'i cant log in! help');
  assert.equal(norm('Double-charged, twice'), 'double charged, twice');
  assert.equal(norm('ÉCHEC de paiement – URGENT\tSVP'), 'echec de paiement urgent svp');
  assert.equal(norm('Straße/İstanbul `quoted`'), 'strasse i\u0307stanbul quoted');
  assert.equal(norm('Kündigung, não, piraté'), 'kundigung, nao, pirate');
  assert.equal(norm('--a__b//'), 'a b');
  assert.equal(norm('\u2019'), '');
});

test('phrases match whole words, case-insensitively', () => {
  assert.ok(found('charged twice', 'I was CHARGED TWICE for one order.'));
  assert.ok(found("can't log in", 'I cant log in since Monday'));
  assert.ok(found("can't log in", 'I can’t log-in on my laptop'));
  assert.ok(found('double charged', 'Looks like I was double-charged'));
  assert.ok(found('outage', 'Are there any outages in Leeds?'));
  assert.ok(!found('down', 'I downloaded the invoice'));
  assert.ok(!found('leave', 'The sleeve of the jacket is torn'));
  assert.ok(!found('cancel', 'Cancellation fees are listed where?'));
  assert.ok(!found('charged twice', 'I was charged, twice as much as last month'));
});

test('negated keywords do not count, a later occurrence does', () => {
  assert.ok(!found('urgent', 'This is not urgent, whenever you have time.'));
  assert.ok(!found('urgent', 'No urgent action needed'));
  assert.ok(found('urgent', 'Not sure who to ask, but this is urgent'));
  assert.ok(found('down', 'No, the site is down again'));
  assert.ok(found('urgent', "It wasn't urgent yesterday, today it is urgent."));
});

test('empty keywords are rejected', () => {
  assert.equal(Phrase.make('   '), undefined);
  assert.equal(Phrase.make("''"), undefined);
  assert.equal(Phrase.make(' Charged Twice ')?.label, 'charged twice');
});

test('accents and negations in other languages', () => {
  assert.ok(found('kündigen', 'ich will KÜNDIGEN'));
  assert.ok(found('kündigen', 'Ich will kundigen'));
  assert.ok(found('piraté', 'Mon compte a été PIRATE'));
  assert.ok(!found('dringend', 'Es ist nicht dringend'));
  assert.ok(!found('urgent', "ce n'est pas urgent"));
  assert.ok(found('urgente', 'é urgente, não demorem'));
});

test('a list finds every phrase once, in list order; a repeated label is dropped', () => {
  const list = new Keywords(['outage', 'down', 'is down', 'outage'].map((k) => Phrase.make(k)));
  assert.equal(list.phrases.length, 3);
  assert.deepEqual(list.found(norm('Outage! The site is down, down, DOWN.')).map((p) => p.label), ['outage', 'down', 'is down']);
  assert.deepEqual(list.found(norm('downloads work')), []);
});

test('overlapping occurrences are all tried', () => {
  // The first "aa a" is followed by a letter; the overlapping one is a whole word.
  assert.ok(found('aa a', 'aa aa a'));
});

test('the one pass over words finds exactly what searching each phrase finds', () => {
  const keywords = new Config().urgent;
  const operator = new Keywords(['urgent!', '#refund', 'e-mail', 'outage', "can't log in", '€'].map((k) => Phrase.make(k)));
  const pieces = [
    ...keywords.phrases.map((p) => p.label),
    'not', 'nicht', 'pas', 's', 'x', 'the', '!', ',', ' ', '-', 'urgent!', '#refund', 'e-mail', '€', 'ünd', 'İ',
  ];
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let round = 0; round < 2000; round++) {
    const parts: string[] = [];
    for (let k = 1 + next(8); k > 0; k--) parts.push(pieces[next(pieces.length)]!, [' ', '', 's ', ', ', 'x'][next(5)]!);
    const text = norm(parts.join(''));
    for (const list of [keywords, operator]) {
      assert.deepEqual(
        list.found(text).map((p) => p.label),
        list.phrases.filter((p) => p.foundIn(text)).map((p) => p.label),
        text,
      );
    }
  }
});
