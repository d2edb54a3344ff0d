//! The scoring rules. Every factor adds (or removes) points and, when it
//! moves the score by at least half a point, a reason; the score is the
//! clamped sum, the reasons are sorted by how much they moved it.

use std::cell::RefCell;

use cxr_guest::{Channel, Context, HOUR, Interaction, Priority, Sentiment, SentimentLabel, Timestamp};

use crate::config::Config;
use cxr_guest::fixed::Fixed;
use crate::keywords::{self, Phrase};
use crate::signals::{self, SignalCue};
use crate::sla;

/// Reasons kept in the output, strongest first.
pub const MAX_REASONS: usize = 8;

const DAY: Timestamp = 24 * HOUR;
/// Window for counting repeat contacts.
const REPEAT_WINDOW: Timestamp = 30 * DAY;

/// Points for a message the sentiment hook labels negative.
const NEGATIVE_SENTIMENT: f64 = 15.0;
/// Points for a message labelled positive (negative: less urgent).
const POSITIVE_SENTIMENT: f64 = -4.0;

const URGENT_FIRST: f64 = 22.0;
const URGENT_EACH_MORE: f64 = 6.0;
const URGENT_CAP: f64 = 34.0;
const CHURN_FIRST: f64 = 12.0;
const CHURN_EACH_MORE: f64 = 4.0;
const CHURN_CAP: f64 = 18.0;
/// Keywords named in one reason before "+N more".
const KEYWORDS_NAMED: usize = 4;
/// Bytes of the body and of the subject searched for keywords: a call's
/// cost stays bounded whatever the message (a 1 MiB body costs what its
/// first 32 KiB cost).
pub const MAX_BODY_BYTES: usize = 32 << 10;
pub const MAX_SUBJECT_BYTES: usize = 1 << 10;

const REPEAT_TWO: f64 = 10.0;
const REPEAT_THREE: f64 = 18.0;
const REPEAT_EACH_MORE: f64 = 4.0;
const REPEAT_CAP: f64 = 26.0;

const OPEN_ONE: f64 = 5.0;
const OPEN_MANY: f64 = 8.0;
const CSAT_1: f64 = 8.0;
const CSAT_2: f64 = 6.0;
const NPS_0_TO_3: f64 = 7.0;
const NPS_4_TO_6: f64 = 5.0;
const HIGH_VALUE: f64 = 8.0;
const LONG_TENURE: f64 = 4.0;
/// Tenure from which a customer counts as long-standing (two years).
const LONG_TENURE_DAYS: u32 = 730;
/// Tenures above this (a century) are taken as bad data and ignored.
const MAX_PLAUSIBLE_TENURE_DAYS: u32 = 36_500;

/// Points for a message with neither subject nor body (negative).
const EMPTY_MESSAGE: f64 = -10.0;

/// Base urgency of a channel: live channels first, feedback channels last.
pub fn channel_base(channel: Channel) -> f64 {
    match channel {
        Channel::Phone => 20.0,
        Channel::Chat => 16.0,
        Channel::Social => 12.0,
        Channel::Sms => 10.0,
        Channel::InApp => 10.0,
        Channel::Email => 8.0,
        Channel::WebForm => 6.0,
        Channel::Review => 2.0,
        Channel::Survey => 0.0,
    }
}

/// Running total of points and the reasons behind them.
struct Tally {
    points: f64,
    reasons: Vec<(f64, String)>,
}

impl Default for Tally {
    /// Room for a reason from every factor (channel, urgency, churn,
    /// sentiment, four contact factors, tier, value, tenure, wait).
    fn default() -> Self {
        Tally { points: 0.0, reasons: Vec::with_capacity(12) }
    }
}

impl Tally {
    /// Adds `points`; the reason is only written when they matter.
    fn add(&mut self, points: f64, reason: impl FnOnce() -> String) {
        self.points += points;
        if points.abs() >= 0.5 {
            self.reasons.push((points, reason()));
        }
    }

    /// The reasons, strongest first, then `last` (the due-time reason of a
    /// business calendar), at most `MAX_REASONS` in all.
    fn into_reasons(mut self, last: Option<String>) -> Vec<String> {
        self.reasons.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
        self.reasons
            .truncate(MAX_REASONS - usize::from(last.is_some()));
        let mut out: Vec<String> = self.reasons.into_iter().map(|(_, r)| r).collect();
        if out.is_empty() {
            out.push("no urgency signals".to_string());
        }
        out.extend(last);
        out
    }
}

/// Computes the priority of an interaction.
pub fn prioritize(
    cfg: &Config,
    input: &Interaction,
    ctx: &Context,
    sentiment: &Sentiment,
) -> Priority {
    let mut tally = Tally::default();
    let channel = input.channel;
    tally.add(channel_base(channel), || {
        format!("channel {}", channel.as_str())
    });

    text_factors(cfg, input, ctx, &mut tally);
    sentiment_factor(sentiment, &mut tally);
    contact_factors(input, ctx, &mut tally);

    let tier = input
        .customer
        .tier
        .as_deref()
        .and_then(|name| cfg.tier(name));
    if let Some(tier) = tier {
        tally.add(f64::from(tier.weight), || {
            format!("tier {} ({:+})", tier.name, tier.weight)
        });
    }
    value_factors(cfg, input, &mut tally);

    let sla = sla::applied(cfg, input, ctx, tier);
    if let Some(wait) = sla.wait(input.received_at, ctx.now) {
        tally.add(wait.points, || wait.reason());
    }

    let score = tally.points.round().clamp(0.0, 100.0) as u32;
    let level = cfg.level(score);
    let due = sla.due(input.received_at.unwrap_or(ctx.now), level);
    Priority {
        level,
        score,
        first_response_due: due.at,
        reasons: tally.into_reasons(due.reason),
    }
}

thread_local! {
    /// The subject and body in matching form, kept between calls (at most
    /// `MAX_SUBJECT_BYTES + MAX_BODY_BYTES` and their folding's growth).
    static TEXT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Empty message, urgency and churn: from the classifiers' signals and
/// from keywords (see `urgency` for which cues come from where).
fn text_factors(cfg: &Config, input: &Interaction, ctx: &Context, tally: &mut Tally) {
    let subject = input.subject.as_deref().unwrap_or("");
    if subject.trim().is_empty() && input.body.trim().is_empty() {
        tally.add(EMPTY_MESSAGE, || {
            "empty message (no subject or body)".to_string()
        });
        return;
    }
    // Only the first bytes are searched: urgency is stated early, and the
    // cost of a call stays bounded whatever the message.
    let subject = &subject[..subject.floor_char_boundary(MAX_SUBJECT_BYTES)];
    let body = &input.body[..input.body.floor_char_boundary(MAX_BODY_BYTES)];
    let [urgent, churn] = TEXT.with_borrow_mut(|text| {
        text.clear();
        keywords::normalize_into(subject, text);
        // A line break keeps phrases from spanning subject and body.
        text.push('\n');
        keywords::normalize_into(body, text);
        cfg.keywords_found(text)
    });

    let classifier = signals::classifier_present(ctx);
    let urgent = Evidence::gather(signals::urgent(ctx), urgent, classifier);
    let points = keyword_points(urgent.count(), URGENT_FIRST, URGENT_EACH_MORE, URGENT_CAP);
    tally.add(points, || urgent.reason("urgent", "urgent keyword", "urgent keywords"));

    let churn = Evidence::gather(signals::churn(ctx), churn, classifier);
    let points = keyword_points(churn.count(), CHURN_FIRST, CHURN_EACH_MORE, CHURN_CAP);
    tally.add(points, || churn.reason("churn risk", "churn risk", "churn risk"));
}

/// What a factor found: signals and the keywords that still count beside them.
struct Evidence<'a> {
    signals: Vec<SignalCue>,
    keywords: Vec<&'a Phrase>,
}

impl<'a> Evidence<'a> {
    /// Keeps the keywords that add to the signals: a built-in phrase of a cue
    /// a classifier covers counts only when no classifier ran, and a phrase
    /// of a cue already shown counts no more.
    fn gather(signals: Vec<SignalCue>, found: Vec<&'a Phrase>, classifier: bool) -> Evidence<'a> {
        let keywords = found
            .into_iter()
            .filter(|p| !(classifier && p.cue.is_some_and(|c| c.from_classifier())))
            .collect();
        Evidence { signals, keywords }
    }

    /// Distinct pieces of evidence: each signal's cue, each further cue of
    /// the built-in phrases, each operator keyword.
    fn count(&self) -> usize {
        // The cues seen, one bit each (a handful of kinds).
        let mut cues = 0u64;
        let mut own = 0;
        let signal_cues = self.signals.iter().map(|s| Some(s.cue));
        for cue in signal_cues.chain(self.keywords.iter().map(|p| p.cue)) {
            match cue {
                Some(c) => cues |= 1 << c as u32,
                None => own += 1,
            }
        }
        cues.count_ones() as usize + own
    }

    /// `urgent: intent=outage 0.86 (classifier signal)`, `urgent keyword:
    /// charged twice`, or both joined with "; ".
    fn reason(&self, signal_label: &str, one_keyword: &str, many_keywords: &str) -> String {
        let mut out = String::with_capacity(64);
        if !self.signals.is_empty() {
            out.push_str(signal_label);
            out.push_str(": ");
            for (i, s) in self.signals.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&s.name);
            }
            out.push_str(if self.signals.len() == 1 { " (classifier signal)" } else { " (classifier signals)" });
        }
        if !self.keywords.is_empty() {
            if !self.signals.is_empty() {
                out.push_str("; ");
            }
            out.push_str(if self.keywords.len() == 1 { one_keyword } else { many_keywords });
            out.push_str(": ");
            push_name_list(&mut out, self.keywords.iter().map(|p| p.label.as_str()));
        }
        out
    }
}

fn keyword_points(found: usize, first: f64, each_more: f64, cap: f64) -> f64 {
    match found {
        0 => 0.0,
        n => (first + each_more * (n - 1) as f64).min(cap),
    }
}

fn push_name_list<'n>(out: &mut String, names: impl ExactSizeIterator<Item = &'n str>) {
    use std::fmt::Write as _;
    let total = names.len();
    for (i, name) in names.take(KEYWORDS_NAMED).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
    }
    if total > KEYWORDS_NAMED {
        let _ = write!(out, " (+{} more)", total - KEYWORDS_NAMED);
    }
}

/// A negative label raises the score, a positive one lowers it a little.
/// The label, not the score, decides: sentiment lexicons of different
/// languages agree on the label far more often than on the exact score, and
/// the same message must get the same priority in every language.
fn sentiment_factor(sentiment: &Sentiment, tally: &mut Tally) {
    let score = finite_or(sentiment.score, 0.0).clamp(-1.0, 1.0);
    match sentiment.label {
        SentimentLabel::Negative => {
            tally.add(NEGATIVE_SENTIMENT, || format!("negative sentiment ({})", Fixed(score, 2)));
        }
        SentimentLabel::Positive => {
            tally.add(POSITIVE_SENTIMENT, || format!("positive sentiment ({})", Fixed(score, 2)));
        }
        SentimentLabel::Neutral => {}
    }
}

/// Repeat contact, open interactions, last CSAT and last NPS.
fn contact_factors(input: &Interaction, ctx: &Context, tally: &mut Tally) {
    let customer = &input.customer;
    let window_start = ctx.now.saturating_sub(REPEAT_WINDOW);
    let recent_inbound = input
        .inbound_history()
        .filter(|m| {
            m.at.is_some_and(|at| (window_start..=ctx.now).contains(&at))
        })
        .count();
    // History holds earlier messages; this interaction is one more contact.
    let from_history = u32::try_from(recent_inbound)
        .unwrap_or(u32::MAX)
        .saturating_add(1);
    let contacts = customer.contacts_last_30d.unwrap_or(0).max(from_history);
    let points = match contacts {
        0 | 1 => 0.0,
        2 => REPEAT_TWO,
        n => (REPEAT_THREE + REPEAT_EACH_MORE * f64::from(n - 3)).min(REPEAT_CAP),
    };
    tally.add(points, || format!("repeat contact: {contacts} in 30 days"));

    if let Some(open) = customer.open_interactions.filter(|&n| n > 0) {
        let points = if open == 1 { OPEN_ONE } else { OPEN_MANY };
        tally.add(points, || format!("open interactions: {open}"));
    }
    if let Some(csat) = customer.last_csat.filter(|c| (1..=2).contains(c)) {
        let points = if csat == 1 { CSAT_1 } else { CSAT_2 };
        tally.add(points, || format!("low last CSAT {csat}"));
    }
    if let Some(nps) = customer.last_nps.filter(|&n| n <= 6) {
        let points = if nps <= 3 { NPS_0_TO_3 } else { NPS_4_TO_6 };
        tally.add(points, || format!("detractor: last NPS {nps}"));
    }
}

/// High lifetime value and long tenure (implausible values are ignored).
fn value_factors(cfg: &Config, input: &Interaction, tally: &mut Tally) {
    let customer = &input.customer;
    if let Some(ltv) = customer
        .lifetime_value
        .filter(|v| v.is_finite() && *v >= cfg.high_value_ltv)
    {
        tally.add(HIGH_VALUE, || format!("high-value customer (LTV {})", Fixed(ltv, 0)));
    }
    if let Some(days) = customer
        .tenure_days
        .filter(|d| (LONG_TENURE_DAYS..=MAX_PLAUSIBLE_TENURE_DAYS).contains(d))
    {
        tally.add(LONG_TENURE, || format!("long tenure ({days} days)"));
    }
}

fn finite_or(value: f64, fallback: f64) -> f64 {
    if value.is_finite() { value } else { fallback }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_points_are_capped() {
        assert_eq!(keyword_points(0, 22.0, 6.0, 34.0), 0.0);
        assert_eq!(keyword_points(1, 22.0, 6.0, 34.0), 22.0);
        assert_eq!(keyword_points(3, 22.0, 6.0, 34.0), 34.0);
        assert_eq!(keyword_points(9, 22.0, 6.0, 34.0), 34.0);
    }

    #[test]
    fn long_keyword_lists_are_shortened_in_reasons() {
        let name_list = |names: &[&str]| {
            let mut out = String::new();
            push_name_list(&mut out, names.iter().copied());
            out
        };
        assert_eq!(name_list(&["a", "b"]), "a, b");
        assert_eq!(
            name_list(&["a", "b", "c", "d", "e", "f"]),
            "a, b, c, d (+2 more)"
        );
    }
}
