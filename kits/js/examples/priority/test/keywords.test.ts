// The keyword rules, as the Rust plugin's tests (plugins/priority/src/keywords.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Phrase, normalizeInto } from '../src/keywords.ts';

const norm = (text: string) => normalizeInto(text, '');
const found = (keyword: string, text: string) => Phrase.make(keyword)!.foundIn(norm(text));

test('normalisation folds case, apostrophes and separators', () => {
  assert.equal(norm('  I CAN’T   log-in!\n\nHelp '), 'i cant log in! help');
  assert.equal(norm('Double-charged, twice'), 'double charged, twice');
  assert.equal(norm('ÉCHEC de paiement – URGENT\tSVP'), 'échec de paiement urgent svp');
  assert.equal(norm('Straße/İstanbul `quoted`'), 'straße i\u0307stanbul quoted');
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
