@@uses type Interaction, type Context, type Sentiment, type Signal, type ClassifyHook, newSignal, textOf
@@test-uses contextAt, neutralSentiment, newInteraction
@@implements ClassifyHook
@@items
/** Intents and the phrases that suggest them. */
const INTENTS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['billing', ['invoice', 'charged', 'refund', 'payment', 'bill']],
  ['delivery', ['parcel', 'package', 'shipping', 'tracking', 'not arrived']],
  ['account', ['password', 'log in', 'login', 'locked out']],
  ['cancellation', ['cancel my', 'close my account', 'switch to']],
];
@@method
  /**
   * Emits an `intent` signal from the phrases a message contains, with the
   * phrases that decided it as cues. Priority and routing plugins see it in
   * `ctx.signals`; a router rule matches it with
   * `when = { signal = { name = "intent", value = "billing", min_confidence = 0.5 } }`.
   */
  classify(input: Interaction, _ctx: Context, _sentiment: Sentiment): Signal[] {
    const text = textOf(input).toLowerCase();
    // The intent with the most matching phrases wins (the first listed on a tie).
    let best: { intent: string; found: string[] } | undefined;
    for (const [intent, phrases] of INTENTS) {
      const found = phrases.filter((p) => text.includes(p));
      if (found.length > 0 && (best === undefined || found.length > best.found.length)) best = { intent, found };
    }
    if (best === undefined) return [newSignal('intent', 'other', 0.2)];
    const confidence = Math.min(0.5 + 0.15 * best.found.length, 0.95);
    return [newSignal('intent', best.intent, confidence, best.found)];
  }
@@tests
const intent = (body: string) => {
  const signals = {{type}}.configure('{}').classify(newInteraction('t1', 'email', body), contextAt(0n), neutralSentiment(0));
  assert.equal(signals.length, 1);
  return signals[0]!;
};

test('billing questions are billing with their cues', () => {
  const s = intent('I was charged twice, where is my refund?');
  assert.deepEqual([s.name, s.value], ['intent', 'billing']);
  assert.ok(s.cues.includes('refund'));
  assert.ok(s.confidence > 0.5);
});

test('unknown topics are other with low confidence', () => {
  const s = intent('What are your opening hours?');
  assert.equal(s.value, 'other');
  assert.ok(s.confidence < 0.5);
});

test('more matching phrases mean more confidence', () => {
  const one = intent('Where is my parcel?');
  const two = intent('Where is my parcel? The tracking page shows nothing.');
  assert.deepEqual([one.value, two.value], ['delivery', 'delivery']);
  assert.ok(two.confidence > one.confidence);
});
