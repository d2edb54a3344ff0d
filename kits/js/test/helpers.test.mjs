import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kit from '../src/index.js';

test('results are built and clamped like the Rust kit does', () => {
  assert.deepEqual(kit.sentimentFromScore(-3, 2), { score: -1, label: 'negative', confidence: 1, cues: [] });
  assert.equal(kit.sentimentFromScore(0.04, 0.5).label, 'neutral');
  assert.equal(kit.sentimentFromScore(0.05, 0.5).label, 'positive');
  assert.equal(kit.newSignal('intent', 'billing', Number.NaN).confidence, 0);
  assert.deepEqual(kit.newSignal('intent', 'billing', 0.8, ['refund']).cues, ['refund']);
  const r = kit.routeTo('billing', 'service', { skills: ['billing'], rule: 'r' });
  assert.deepEqual(r, { queue: 'billing', skills: ['billing'], language: undefined, discipline: 'service', actions: [], tags: [], rule: 'r', reasons: [] });
  assert.deepEqual(kit.pass('no'), { tag: 'pass', val: 'no' });
  assert.deepEqual(kit.routed(r), { tag: 'route', val: r });
  assert.deepEqual(kit.newPriority(2, 50), { level: 2, score: 50, firstResponseDue: undefined, reasons: [] });
});

test('test inputs and their readers', () => {
  const ix = kit.newInteraction('t1', 'email', 'body', { subject: 'Subj', tier: 'gold', attributes: [['plan', 'pro']], history: [kit.newMessage('old'), kit.newMessage('reply', { direction: 'outbound' })] });
  assert.equal(ix.customer.tier, 'gold');
  assert.equal(kit.textOf(ix), 'Subj\nbody');
  assert.equal(kit.attribute(ix, 'plan'), 'pro');
  assert.equal(kit.attribute(ix, 'nope'), undefined);
  assert.deepEqual(kit.inboundHistory(ix).map((m) => m.body), ['old']);
  const ctx = kit.contextAt(5, [kit.newSignal('intent', 'a', 0.4), kit.newSignal('intent', 'b', 0.9)]);
  assert.equal(ctx.now, 5n);
  assert.equal(kit.signalOf(ctx, 'intent').value, 'b');
  assert.ok(kit.hasSignal(ctx, 'intent', 'a', 0.4) && !kit.hasSignal(ctx, 'intent', 'a', 0.5));
  assert.equal(kit.MINUTE, 60_000n);
});

test('names parse as the Rust kit parses them', () => {
  for (const name of ['web_form', 'web-form', 'webform', ' WEB FORM ']) assert.equal(kit.parseChannel(name), 'web-form');
  assert.equal(kit.parseChannel('fax'), undefined);
  assert.equal(kit.channelName('in-app'), 'in_app');
  assert.equal(kit.parseDiscipline(' Care '), 'care');
  assert.equal(kit.CHANNELS.length, 9);
});

test('formatFixed rounds ties to even like Rust and Python', () => {
  const cases = [[0.125, 2, '0.12'], [0.375, 2, '0.38'], [-0.125, 2, '-0.12'], [2.5, 0, '2'], [3.5, 0, '4'], [1.005, 2, '1.00'], [-0.7, 2, '-0.70'], [-0, 1, '-0.0'], [5400, 0, '5400']];
  for (const [x, d, want] of cases) assert.equal(kit.formatFixed(x, d), want, `${x} to ${d}`);
});

test('parseConfig gives an object or InvalidConfig', () => {
  assert.deepEqual(kit.parseConfig(''), {});
  assert.deepEqual(kit.parseConfig('{"a": 1}'), { a: 1 });
  assert.throws(() => kit.parseConfig('[1]'), (e) => e instanceof kit.InvalidConfig && e.kind === 'invalid-config');
  assert.throws(() => kit.parseConfig('{'), (e) => e instanceof kit.InvalidConfig && /not JSON/.test(e.message));
});

test('hooks are found on the class and name the world', async () => {
  const { worldOf } = await import('../src/hooks.js');
  class Both {
    static configure() { return new Both(); }
    route() {}
    score() {}
  }
  assert.deepEqual(kit.hooksOf(Both), ['sentiment', 'routing']);
  assert.equal(worldOf(['routing', 'sentiment']), 'sentiment-routing');
  assert.throws(() => kit.hooksOf({}), /static configure/);
});
