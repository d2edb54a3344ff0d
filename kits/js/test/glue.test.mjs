// The export glue, as each engine calls it: values converted both ways,
// errors turned into the contract's plugin-error, results checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportPlugin } from '../src/glue.js';
import { InvalidInput, newPriority, routeTo, pass, sentimentFromScore } from '../src/index.js';
import { logged } from '../src/host-native.js';

const info = { name: 'p', version: '1.0.0', description: 'd' };

class Probe {
  static configure(config) {
    if (config === 'bad') throw new Error('no such setting');
    return new Probe();
  }
  score(input, ctx) {
    this.seen = { input, ctx };
    if (input.body === 'throw') throw new TypeError("cannot read properties of undefined (reading 'tier')");
    if (input.body === 'invalid') throw new InvalidInput('body too short');
    if (input.body === 'string') throw 'just a string';
    if (input.body === 'wrong') return 42;
    console.log('scored', input.id, ctx.now);
    return sentimentFromScore(-0.5, 0.8);
  }
  prioritize(input, ctx) {
    return newPriority(2, 60, ctx.now + 1000n, ['r']);
  }
  route(input) {
    return input.body === 'pass' ? pass('nothing') : input.body === 'bad' ? { nope: 1 } : routeTo('q', 'care');
  }
}

// QuickJS hands s64 as numbers and absent options as null.
const qjsInput = {
  id: 'I-1', channel: 'email', receivedAt: 1000, subject: null, body: 'hello', language: null,
  customer: { id: null, tier: 'gold', lifetimeValue: null, tenureDays: null, contactsLast30d: 3, openInteractions: null, lastCsat: null, lastNps: null },
  history: [{ at: 500, channel: null, direction: 'inbound', body: 'x' }], attributes: [['k', 'v']],
};

test('QuickJS values reach the plugin as the kit types them, and go back as numbers', () => {
  const e = exportPlugin(Probe, info, ['sentiment', 'priority'], 'quickjs');
  assert.deepEqual(Object.keys(e).sort(), ['lifecycle', 'priority', 'sentiment']);
  assert.deepEqual(e.lifecycle.info(), info);
  e.lifecycle.configure('{}');
  e.sentiment.score(qjsInput, { now: 2000, pipeline: 'p', signals: [] });
  const p = e.priority.prioritize(qjsInput, { now: 2000, pipeline: 'p', signals: [] }, sentimentFromScore(0, 0));
  assert.equal(p.firstResponseDue, 3000);
  assert.equal(typeof p.firstResponseDue, 'number');
});

test('StarlingMonkey values pass through; timestamps go back as bigint', () => {
  const e = exportPlugin(Probe, info, ['priority'], 'starlingmonkey');
  e.lifecycle.configure('');
  const p = e.priority.prioritize({ ...qjsInput, receivedAt: 1000n }, { now: 2000n, pipeline: 'p', signals: [] }, sentimentFromScore(0, 0));
  assert.equal(p.firstResponseDue, 3000n);
});

test('inputs are converted for QuickJS: bigint timestamps, undefined for absent options', () => {
  let seen;
  class Spy {
    static configure() { return new Spy(); }
    score(input, ctx) { seen = { input, ctx }; return sentimentFromScore(0, 0); }
  }
  const e = exportPlugin(Spy, info, ['sentiment'], 'quickjs');
  e.lifecycle.configure('{}');
  e.sentiment.score(qjsInput, { now: 2000, pipeline: 'p', signals: [] });
  assert.equal(seen.ctx.now, 2000n);
  assert.equal(seen.input.receivedAt, 1000n);
  assert.equal(seen.input.subject, undefined);
  assert.equal(seen.input.customer.lastNps, undefined);
  assert.equal(seen.input.customer.contactsLast30d, 3);
  assert.equal(seen.input.history[0].at, 500n);
  assert.equal(seen.input.history[0].channel, undefined);
});

test('anything thrown becomes the plugin-error, with a short message', () => {
  const e = exportPlugin(Probe, info, ['sentiment', 'routing'], 'quickjs');
  assert.throws(() => e.sentiment.score(qjsInput, { now: 0, pipeline: 'p', signals: [] }), { tag: 'internal', val: 'hook called before `configure`' });
  assert.throws(() => e.lifecycle.configure('bad'), (err) => err.tag === 'invalid-config' && /^Error: no such setting \(at glue\.test\.mjs:\d+\)$/.test(err.val));
  e.lifecycle.configure('{}');
  const call = (body) => () => e.sentiment.score({ ...qjsInput, body }, { now: 0, pipeline: 'p', signals: [] });
  assert.throws(call('throw'), (err) => err.tag === 'internal' && err.val.startsWith("TypeError: cannot read properties of undefined (reading 'tier') (at glue.test.mjs:"));
  assert.throws(call('invalid'), { tag: 'invalid-input', val: 'body too short' });
  assert.throws(call('string'), { tag: 'internal', val: 'thrown: just a string' });
  assert.throws(call('wrong'), { tag: 'internal', val: 'score returned number, expected a Sentiment (sentimentFromScore(...))' });
  const route = (body) => e.routing.route({ ...qjsInput, body }, { now: 0, pipeline: 'p', signals: [] }, sentimentFromScore(0, 0), { level: 3, score: 1, firstResponseDue: null, reasons: [] });
  assert.deepEqual(route('pass'), { tag: 'pass', val: 'nothing' });
  assert.equal(route('x').tag, 'route');
  assert.equal(route('x').val.queue, 'q');
  assert.throws(() => route('bad'), (err) => err.tag === 'internal' && /expected a Route/.test(err.val));
});

test('long or multi-line messages are bounded to one line of 300 characters', () => {
  class Loud {
    static configure() { return new Loud(); }
    score() { throw new Error(`line one\nline two ${'x'.repeat(1000)}`); }
  }
  const e = exportPlugin(Loud, info, ['sentiment'], 'quickjs');
  e.lifecycle.configure('{}');
  assert.throws(() => e.sentiment.score(qjsInput, { now: 0, pipeline: 'p', signals: [] }), (err) => [...err.val].length === 300 && !err.val.includes('\n') && err.val.endsWith('…'));
});

test('console writes to the host log at its level', () => {
  const e = exportPlugin(Probe, info, ['sentiment'], 'quickjs');
  e.lifecycle.configure('{}');
  logged.length = 0;
  e.sentiment.score(qjsInput, { now: 7, pipeline: 'p', signals: [] });
  console.warn('careful', { a: 1n });
  assert.deepEqual(logged, [{ level: 'info', message: 'scored I-1 7' }, { level: 'warn', message: 'careful {"a":"1"}' }]);
});
