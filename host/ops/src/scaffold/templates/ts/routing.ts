@@uses type Interaction, type Context, type Sentiment, type Priority, type RouteResult, type RoutingHook, pass, routeTo, textOf
@@test-uses contextAt, newInteraction, newPriority, sentimentFromScore
@@implements RoutingHook
@@items
/** Words that make a message a billing question. */
const BILLING_WORDS: readonly string[] = ['invoice', 'refund', 'charged', 'bill', 'payment'];
@@method
  /**
   * Routes billing questions to a billing queue and passes everything else
   * on, so the next router in the pipeline (or its fallback) decides.
   */
  route(input: Interaction, _ctx: Context, sentiment: Sentiment, priority: Priority): RouteResult {
    const text = textOf(input).toLowerCase();
    const word = BILLING_WORDS.find((w) => text.includes(w));
    if (word === undefined) return pass('no billing words');
    const route = routeTo('billing', 'service', {
      skills: ['billing'],
      language: input.language,
      rule: 'billing-words',
      reasons: [`billing word: ${word}`],
    });
    // An upset customer with an urgent issue gets a call back.
    if (sentiment.label === 'negative' && priority.level <= 2) {
      route.actions.push('call-back');
      route.reasons.push(`negative sentiment at priority ${priority.level}: call back`);
    }
    return route;
  }
@@tests
const route = (body: string, sentiment: number, level: number) =>
  {{type}}.configure('{}').route(newInteraction('t1', 'email', body), contextAt(0n), sentimentFromScore(sentiment, 0.9), newPriority(level, 50));

test('billing questions go to billing', () => {
  const r = route('Where is my invoice?', 0, 3);
  assert.ok('queue' in r, 'expected a route');
  assert.equal(r.queue, 'billing');
  assert.equal(r.discipline, 'service');
  assert.deepEqual(r.actions, []);
});

test('upset urgent billing gets a call back', () => {
  const r = route('I was charged twice!', -0.7, 1);
  assert.ok('queue' in r, 'expected a route');
  assert.deepEqual(r.actions, ['call-back']);
});

test('everything else passes', () => {
  const r = route('My parcel is late', -0.5, 2);
  assert.ok('tag' in r && r.tag === 'pass', 'expected a pass');
});
