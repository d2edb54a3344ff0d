// Scoring and configuration, as the Rust plugin's tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidConfig, MINUTE, contextAt, newInteraction, sentimentFromScore } from 'cxr-plugin';
import PriorityPlugin from '../src/plugin.ts';
import { Config } from '../src/config.ts';
import { durations, keywordPoints, nameList } from '../src/scoring.ts';

const m = Number(MINUTE);

test('durations pick a readable unit', () => {
  assert.deepEqual(durations(95 * m, 60 * m), ['95 min', '60 min']);
  assert.deepEqual(durations(0.75 * m, 0.5 * m), ['0.8 min', '0.5 min']);
  assert.deepEqual(durations(150 * m, 144 * m), ['2.5 h', '2.4 h']);
  assert.deepEqual(durations(4320 * m, 2880 * m), ['3 d', '2 d']);
});

test('keyword points are capped and long lists shortened', () => {
  assert.deepEqual([0, 1, 3, 9].map((n) => keywordPoints(n, 22, 6, 34)), [0, 22, 34, 34]);
  assert.equal(nameList(['a', 'b', 'c', 'd', 'e', 'f']), 'a, b, c, d (+2 more)');
});

test('an angry VIP on the phone about an outage is most urgent', () => {
  const plugin = PriorityPlugin.configure('{}');
  const input = newInteraction('P-1', 'phone', 'Your payment gateway is down, this is an outage and it is urgent!', { tier: 'vip' });
  const p = plugin.prioritize(input, contextAt(0n), sentimentFromScore(-0.8, 0.9));
  assert.equal(p.level, 1);
  assert.ok(p.reasons.includes('tier vip (+25)'), p.reasons.join('; '));
  assert.ok(p.reasons.some((r) => r.startsWith('urgent keywords: outage, down')));
  assert.equal(p.firstResponseDue, 15_000n, 'phone SLA 2 min x vip 0.25, halved for level 1');
});

test('business-hours calendars are refused by name, not ignored', () => {
  for (const key of ['calendars', 'sla_policies']) {
    const json = `{"${key}": {}}`;
    assert.throws(
      () => Config.parse(json),
      (e: unknown) => e instanceof InvalidConfig && e.message.includes(`\`${key}\``) && e.message.includes('not implemented in this port'),
      json,
    );
  }
});

test('configs merge over the defaults, and bad ones name the field', () => {
  const c = Config.parse('{"sla_minutes": {"email": 60, "web-form": 120}, "tier_sla_factor": {"Gold": 0.5, "Enterprise": 0.3}, "tier_weight": {"enterprise": 22}}');
  assert.equal(c.slaMinutes('email'), 60);
  assert.equal(c.slaMinutes('web-form'), 120);
  assert.equal(c.slaMinutes('chat'), 5);
  assert.deepEqual(c.tier('GOLD'), { name: 'gold', slaFactor: 0.5, weight: 14 });
  assert.deepEqual(c.tier(' enterprise '), { name: 'enterprise', slaFactor: 0.3, weight: 22 });
  const bad: Array<[string, string]> = [
    ['{"sla_minute": {}}', 'sla_minute'],
    ['{"sla_minutes": {"fax": 10}}', '`fax`'],
    ['{"sla_minutes": {"chat": 0}}', 'sla_minutes.chat'],
    ['{"sla_minutes": {"web_form": 5, "webform": 6}}', 'twice'],
    ['{"tier_weight": {"gold": 1.5}}', 'tier_weight'],
    ['{"churn_keywords": ["cancel", "  "]}', 'churn_keywords'],
    ['{"level_thresholds": [50, 50, 25]}', 'level_thresholds'],
    ['{"high_value_ltv": -5}', 'high_value_ltv'],
    ['{not json', 'priority config'],
  ];
  for (const [json, field] of bad) {
    assert.throws(() => Config.parse(json), (e: unknown) => e instanceof InvalidConfig && e.message.includes(field), json);
  }
});

test('keywords are searched in the first 32 KiB of the body (as the Rust plugin)', () => {
  const plugin = PriorityPlugin.configure('{}');
  const run = (body: string) => plugin.prioritize(newInteraction('T-15', 'email', body), contextAt(0n), sentimentFromScore(0, 0.6));
  const atCap = 'x'.repeat((32 << 10) - 7) + ' outage';
  assert.ok(run(atCap).reasons.some((r) => r.startsWith('urgent keyword: outage')));
  assert.ok(!run('x' + atCap).reasons.some((r) => r.includes('outage')));
  assert.ok(!run('é'.repeat(20_000) + ' outage').reasons.some((r) => r.includes('outage')));
});
