@@uses type Interaction, type Context, type Sentiment, type Priority, type PriorityHook, MINUTE, newPriority, textOf
@@test-uses MINUTE, contextAt, newInteraction, sentimentFromScore
@@implements PriorityHook
@@items
/** Words that make a message urgent. */
const URGENT_WORDS: readonly string[] = ['urgent', 'asap', 'outage', 'charged twice', 'fraud', 'locked out'];
@@method
  /**
   * Adds points for a few urgency signals (an urgent word, negative
   * sentiment, the customer's tier, repeat contacts), turns the score into a
   * level 1 (most urgent) to 4, and sets the first-response deadline from
   * `ctx.now`, the only clock a plugin sees.
   */
  prioritize(input: Interaction, ctx: Context, sentiment: Sentiment): Priority {
    let score = 0;
    const reasons: string[] = [];
    const text = textOf(input).toLowerCase();
    const word = URGENT_WORDS.find((w) => text.includes(w));
    if (word !== undefined) {
      score += 40;
      reasons.push(`urgent word: ${word}`);
    }
    if (sentiment.score < 0) {
      const points = Math.round(-sentiment.score * 30);
      score += points;
      reasons.push(`negative sentiment (${sentiment.score.toFixed(2)}): +${points}`);
    }
    const tier = input.customer.tier;
    if (tier === 'vip' || tier === 'platinum') {
      score += 20;
      reasons.push('top-tier customer');
    } else if (tier === 'gold') {
      score += 10;
      reasons.push('gold customer');
    }
    const contacts = input.customer.contactsLast30d;
    if (contacts !== undefined && contacts >= 3) {
      score += 15;
      reasons.push(`repeat contact: ${contacts} in 30 days`);
    }
    score = Math.min(100, Math.max(0, score));
    const level = score >= 70 ? 1 : score >= 45 ? 2 : score >= 20 ? 3 : 4;
    const minutes = [15n, 60n, 240n, 1440n][level - 1]!;
    if (reasons.length === 0) reasons.push('no urgency signals');
    return newPriority(level, score, ctx.now + minutes * MINUTE, reasons);
  }
@@tests
const prioritize = (input: ReturnType<typeof newInteraction>, sentiment: number) =>
  {{type}}.configure('{}').prioritize(input, contextAt(0n), sentimentFromScore(sentiment, 0.9));

test('an angry VIP with an outage is most urgent', () => {
  const p = prioritize(newInteraction('t1', 'phone', 'Your service is down, outage since 9am!', { tier: 'vip' }), -0.8);
  assert.equal(p.level, 1, p.reasons.join('; '));
  assert.equal(p.firstResponseDue, 15n * MINUTE);
  assert.ok(p.reasons.some((r) => r.includes('outage')));
});

test('a calm question can wait', () => {
  const p = prioritize(newInteraction('t2', 'email', 'How do I change my address?'), 0.1);
  assert.equal(p.level, 4);
  assert.deepEqual(p.reasons, ['no urgency signals']);
});

test('worse sentiment never lowers urgency', () => {
  const input = newInteraction('t3', 'chat', 'My parcel is late');
  const calm = prioritize(input, 0);
  const upset = prioritize(input, -0.9);
  assert.ok(upset.level <= calm.level && upset.score > calm.score);
});
