declare module 'cxr:plugin/types@0.2.0' {
  /**
   * Milliseconds since 1970-01-01T00:00:00Z.
   */
  export type Timestamp = bigint;
  /**
   * The channel an interaction arrived through.
   * # Variants
   * 
   * ## `"email"`
   * 
   * ## `"chat"`
   * 
   * ## `"phone"`
   * 
   * ## `"social"`
   * 
   * ## `"sms"`
   * 
   * ## `"web-form"`
   * 
   * ## `"in-app"`
   * 
   * ## `"review"`
   * 
   * ## `"survey"`
   */
  export type Channel = 'email' | 'chat' | 'phone' | 'social' | 'sms' | 'web-form' | 'in-app' | 'review' | 'survey';
  /**
   * Direction of a message in the customer's history.
   * # Variants
   * 
   * ## `"inbound"`
   * 
   * ## `"outbound"`
   */
  export type Direction = 'inbound' | 'outbound';
  /**
   * What the platform knows about the customer. Every field is optional.
   */
  export interface Customer {
    id?: string,
    /**
     * Free-form tier name as the platform uses it, e.g. "gold", "platinum", "free".
     */
    tier?: string,
    lifetimeValue?: number,
    tenureDays?: number,
    contactsLast30d?: number,
    openInteractions?: number,
    /**
     * Last CSAT answer, 1 (very unsatisfied) to 5.
     */
    lastCsat?: number,
    /**
     * Last NPS answer, 0 to 10.
     */
    lastNps?: number,
  }
  /**
   * An earlier message from the customer's history.
   */
  export interface Message {
    at?: Timestamp,
    channel?: Channel,
    direction: Direction,
    body: string,
  }
  /**
   * One incoming customer interaction.
   */
  export interface Interaction {
    id: string,
    channel: Channel,
    receivedAt?: Timestamp,
    subject?: string,
    body: string,
    /**
     * ISO 639-1 code when the platform knows it; otherwise plugins may detect it.
     */
    language?: string,
    customer: Customer,
    history: Array<Message>,
    /**
     * Free key/value attributes (unknown input fields land here).
     */
    attributes: Array<[string, string]>,
  }
  /**
   * A fact a classifier inferred about an interaction (since 0.2.0), e.g.
   * `intent=billing` (confidence 0.82, cue "charged twice") or
   * `churn-risk=high`. Priority and routing see every signal.
   */
  export interface Signal {
    /**
     * What is classified: `intent`, `churn-risk`, `topic`, ... (lower-case, 1-64 bytes).
     */
    name: string,
    /**
     * The class found: `billing`, `high`, `delivery`, ... (1-64 bytes).
     */
    value: string,
    /**
     * In [0, 1].
     */
    confidence: number,
    /**
     * The phrases or facts behind it, strongest first (at most 8 kept).
     */
    cues: Array<string>,
  }
  /**
   * What the host tells every hook call besides the interaction.
   */
  export interface Context {
    /**
     * The host's clock at decision time: the only "now" a plugin sees.
     */
    now: Timestamp,
    /**
     * Name of the pipeline making the decision.
     */
    pipeline: string,
    /**
     * Signals the pipeline's classifiers emitted for this interaction,
     * in pipeline order (since 0.2.0). Empty for the sentiment hook,
     * which runs before the classifiers; a classifier sees those of
     * the classifiers before it.
     */
    signals: Array<Signal>,
  }
  /**
   * # Variants
   * 
   * ## `"negative"`
   * 
   * ## `"neutral"`
   * 
   * ## `"positive"`
   */
  export type SentimentLabel = 'negative' | 'neutral' | 'positive';
  /**
   * A piece of text that moved the sentiment score, with its contribution.
   */
  export interface Cue {
    text: string,
    weight: number,
  }
  /**
   * Output of the sentiment hook.
   */
  export interface Sentiment {
    /**
     * In [-1, 1].
     */
    score: number,
    label: SentimentLabel,
    /**
     * In [0, 1].
     */
    confidence: number,
    /**
     * The cues that moved the score most, strongest first.
     */
    cues: Array<Cue>,
  }
  /**
   * Output of the priority hook.
   */
  export interface Priority {
    /**
     * 1 (most urgent) to 4.
     */
    level: number,
    /**
     * 0 to 100, higher is more urgent.
     */
    score: number,
    firstResponseDue?: Timestamp,
    reasons: Array<string>,
  }
  /**
   * Which kind of work the interaction is.
   * # Variants
   * 
   * ## `"service"`
   * 
   * Reactive help with one issue or question.
   * ## `"care"`
   * 
   * Proactive, long-term looking-after of the relationship.
   * ## `"experience"`
   * 
   * Perception of the whole journey: reviews, surveys, suggestions.
   */
  export type Discipline = 'service' | 'care' | 'experience';
  /**
   * A routing decision.
   */
  export interface Route {
    queue: string,
    skills: Array<string>,
    /**
     * ISO 639-1 code of the language the interaction is handled in.
     */
    language?: string,
    discipline: Discipline,
    /**
     * Follow-up actions, e.g. "call-back", "survey", "retention-offer", "human-only".
     */
    actions: Array<string>,
    tags: Array<string>,
    /**
     * Name of the rule that decided, if the router is rule based.
     */
    rule?: string,
    reasons: Array<string>,
  }
  /**
   * Output of the routing hook: a route, or a pass to the next router.
   */
  export type RoutingOutcome = RoutingOutcomeRoute | RoutingOutcomePass;
  export interface RoutingOutcomeRoute {
    tag: 'route',
    val: Route,
  }
  /**
   * Decline to decide; the string says why.
   */
  export interface RoutingOutcomePass {
    tag: 'pass',
    val: string,
  }
  /**
   * Name and version of a plugin.
   */
  export interface PluginInfo {
    name: string,
    version: string,
    description: string,
  }
  /**
   * An error a plugin reports instead of a result.
   */
  export type PluginError = PluginErrorInvalidConfig | PluginErrorInvalidInput | PluginErrorInternal;
  /**
   * The configuration string could not be used.
   */
  export interface PluginErrorInvalidConfig {
    tag: 'invalid-config',
    val: string,
  }
  /**
   * The interaction could not be handled.
   */
  export interface PluginErrorInvalidInput {
    tag: 'invalid-input',
    val: string,
  }
  /**
   * Anything else.
   */
  export interface PluginErrorInternal {
    tag: 'internal',
    val: string,
  }
}
