@@uses type Cue, type Interaction, type Context, type Sentiment, type SentimentHook, neutralSentiment, sentimentFromScore, textOf
@@test-uses contextAt, newInteraction
@@implements SentimentHook
@@items
/** Words and how much each moves the sentiment score (-1..1). */
const WORDS: ReadonlyArray<readonly [string, number]> = [
  ['thanks', 0.4],
  ['thank you', 0.5],
  ['great', 0.6],
  ['love', 0.7],
  ['broken', -0.6],
  ['angry', -0.8],
  ['refund', -0.3],
  ['charged twice', -0.7],
  ['unacceptable', -0.9],
];
@@method
  /**
   * Scores a message by the words it contains: each listed word moves the
   * score and is reported as a cue, so every score can be explained.
   */
  score(input: Interaction, _ctx: Context): Sentiment {
    const text = textOf(input).toLowerCase();
    const cues: Cue[] = WORDS.filter(([word]) => text.includes(word)).map(([word, weight]) => ({ text: word, weight }));
    if (cues.length === 0) return neutralSentiment(0.3);
    const total = cues.reduce((sum, c) => sum + c.weight, 0);
    // More cues, more confidence.
    const confidence = Math.min(0.4 + 0.15 * cues.length, 0.95);
    // Strongest first.
    cues.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
    return sentimentFromScore(total, confidence, cues);
  }
@@tests
const score = (body: string) => {{type}}.configure('{}').score(newInteraction('t1', 'email', body), contextAt(0n));

test('complaints are negative with their cues', () => {
  const s = score('I was charged twice and I am angry');
  assert.equal(s.label, 'negative');
  assert.equal(s.cues[0]?.text, 'angry');
});

test('praise is positive', () => {
  assert.equal(score('Great service, thanks!').label, 'positive');
});

test('plain questions are neutral', () => {
  const s = score('What are your opening hours?');
  assert.equal(s.label, 'neutral');
  assert.deepEqual(s.cues, []);
});
