// Priority from meaning: the classifiers' signals, and keywords in six
// languages where no classifier ran (as plugins/priority/tests/signals.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Context, type Priority, contextAt, newInteraction, newSignal, sentimentFromScore } from 'cxr-plugin';
import PriorityPlugin from '../src/plugin.ts';
import { CUES } from '../src/cues.ts';

const plugin = (config = '') => PriorityPlugin.configure(config);
const ctx = (signals: Array<[string, string, number]>): Context => contextAt(0n, signals.map(([n, v, c]) => newSignal(n, v, c)));
const none = contextAt(0n);
const run = (p: PriorityPlugin, body: string, c: Context): Priority =>
  p.prioritize(newInteraction('S-1', 'email', body), c, sentimentFromScore(0, 0.6));

test('the cues are the Rust plugin\'s file', () => {
  assert.ok(CUES.urgent.length >= 8 && CUES.churn.length === 1);
  assert.ok(CUES.negations.includes('nicht'));
});

test('an outage signal is urgent in any language and named in the reason', () => {
  const p = plugin();
  const body = 'Bei uns im ganzen Büro geht seit heute Morgen das Internet nicht.';
  const plain = run(p, body, ctx([['intent', 'other', 0.3]]));
  const out = run(p, body, ctx([['intent', 'outage', 0.86], ['churn-risk', 'none', 0.9]]));
  assert.equal(out.score, plain.score + 22);
  assert.equal(out.reasons[0], 'urgent: intent=outage 0.86 (classifier signal)');
});

test('risk signals are urgent and several cues add up; weak ones do not count', () => {
  const p = plugin();
  const body = "Mi hanno rubato l'account.";
  const one = run(p, body, ctx([['intent', 'account', 0.7], ['risk', 'account-takeover', 0.78]]));
  const two = run(p, body, ctx([['intent', 'account', 0.7], ['risk', 'account-takeover', 0.78], ['risk', 'legal-threat', 0.83]]));
  assert.equal(two.score, one.score + 6);
  assert.ok(two.reasons.includes('urgent: risk=account-takeover 0.78, risk=legal-threat 0.83 (classifier signals)'), two.reasons.join('; '));
  const weak = run(p, body, ctx([['intent', 'account', 0.7], ['risk', 'fraud', 0.5]]));
  assert.ok(!weak.reasons.some((r) => r.startsWith('urgent')), weak.reasons.join('; '));
  const repeated = run(p, body, ctx([['intent', 'account', 0.7], ['risk', 'fraud', 0.7], ['risk', 'FRAUD', 0.95]]));
  assert.ok(repeated.reasons.includes('urgent: risk=fraud 0.95 (classifier signal)'), repeated.reasons.join('; '));
});

test('with a classifier, its meaning replaces the keywords it covers', () => {
  const p = plugin();
  const body = 'The download button is down the page; also can I cancel order 7731?';
  const withClassifier = run(p, body, ctx([['intent', 'delivery', 0.7], ['churn-risk', 'none', 0.9]]));
  const without = run(p, body, none);
  assert.ok(!withClassifier.reasons.some((r) => r.startsWith('urgent') || r.startsWith('churn')), withClassifier.reasons.join('; '));
  assert.ok(without.reasons.includes('urgent keyword: down'), without.reasons.join('; '));
  assert.ok(without.reasons.includes('churn risk: cancel'), without.reasons.join('; '));
  const twice = run(p, 'Mir wurde der Betrag doppelt abgebucht.', ctx([['intent', 'billing', 0.9]]));
  assert.ok(twice.reasons.includes('urgent keyword: doppelt abgebucht'), twice.reasons.join('; '));
  const both = run(p, 'Mir wurde der Betrag doppelt abgebucht, das ist Betrug.', ctx([['intent', 'billing', 0.9], ['risk', 'fraud', 0.8]]));
  assert.ok(both.reasons.includes('urgent: risk=fraud 0.80 (classifier signal); urgent keyword: doppelt abgebucht'), both.reasons.join('; '));
});

test('churn from signals: the intent and the churn risk it implies count once', () => {
  const p = plugin();
  const body = 'Bitte kündigen Sie mein Abo zum Monatsende.';
  const out = run(p, body, ctx([['intent', 'cancellation', 0.8], ['churn-risk', 'high', 0.68]]));
  const base = run(p, body, ctx([['intent', 'cancellation', 0.4]]));
  assert.equal(out.score, base.score + 12);
  assert.ok(out.reasons.includes('churn risk: intent=cancellation 0.80, churn-risk=high 0.68 (classifier signals)'), out.reasons.join('; '));
});

test("an operator's keywords count beside signals", () => {
  const p = plugin('{"urgent_keywords": ["outage", "recall"]}');
  const out = run(p, 'Product recall: outage of the cooling unit', ctx([['intent', 'outage', 0.9]]));
  assert.ok(out.reasons.includes('urgent: intent=outage 0.90 (classifier signal); urgent keywords: outage, recall'), out.reasons.join('; '));
});

test('without a classifier, the built-in keywords give the same score in six languages', () => {
  const p = plugin();
  for (const set of [
    [
      'My account was hacked and I was charged twice. Urgent!',
      'Mein Konto wurde gehackt und mir wurde doppelt abgebucht. Dringend!',
      'Me han hackeado la cuenta y me han cobrado dos veces. ¡Urgente!',
      "Mon compte a été piraté et j'ai été prélevé deux fois. Urgent !",
      'Il mio account è stato hackerato e mi avete addebitato due volte. Urgente!',
      'Minha conta foi hackeada e fui cobrado duas vezes. Urgente!',
    ],
    [
      'Outage: your site is down.',
      'Ausfall: Ihre Seite hat eine Störung.',
      'Avería: vuestra web está caída.',
      'Panne : votre site est hors service.',
      'Guasto: il vostro sito è fuori servizio.',
      'Queda: o site de vocês está fora do ar.',
    ],
    [
      'I want to cancel my contract.',
      'Ich möchte meinen Vertrag kündigen.',
      'Quiero darme de baja del contrato.',
      'Je veux résilier mon contrat.',
      'Voglio disdire il contratto.',
      'Quero cancelar meu contrato.',
    ],
  ]) {
    const scores = set.map((b) => run(p, b, none).score);
    assert.ok(scores.every((s) => s === scores[0]), `${scores} for ${set}`);
    assert.ok(scores[0]! > run(p, 'Hello.', none).score, set.join(' | '));
  }
});

test('the sentiment label, not its exact score, decides', () => {
  const p = plugin();
  const input = newInteraction('S-2', 'chat', 'Die App stürzt ab.');
  const at = (score: number, confidence: number) => p.prioritize(input, none, sentimentFromScore(score, confidence));
  assert.equal(at(-0.2, 0.5).score, at(-0.9, 0.95).score);
  assert.equal(at(0, 0.9).score + 15, at(-0.3, 0.6).score);
  assert.equal(at(0, 0.9).score, at(0.7, 0.9).score + 4);
  assert.ok(at(-0.9, 0.9).reasons.includes('negative sentiment (-0.90)'));
});
