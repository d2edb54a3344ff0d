//! The scoring rules. Every factor adds (or removes) points and, when it
//! moves the score by at least half a point, a reason; the score is the
//! clamped sum, the reasons are sorted by how much they moved it.

use cxr_guest::{Channel, Context, HOUR, Interaction, Priority, Sentiment, Timestamp};

use crate::config::Config;
use crate::{keywords, sla};

/// Reasons kept in the output, strongest first.
pub const MAX_REASONS: usize = 8;

const DAY: Timestamp = 24 * HOUR;
/// Window for counting repeat contacts.
const REPEAT_WINDOW: Timestamp = 30 * DAY;

/// Most points negative sentiment can add (score -1 at full confidence).
const NEGATIVE_SENTIMENT_MAX: f64 = 30.0;
/// Most points strongly positive sentiment can remove (score +1 at full confidence).
const POSITIVE_SENTIMENT_MAX: f64 = 6.0;
/// Positive sentiment only lowers the score above this.
const POSITIVE_SENTIMENT_FROM: f64 = 0.5;

const URGENT_FIRST: f64 = 22.0;
const URGENT_EACH_MORE: f64 = 6.0;
const URGENT_CAP: f64 = 34.0;
const CHURN_FIRST: f64 = 12.0;
const CHURN_EACH_MORE: f64 = 4.0;
const CHURN_CAP: f64 = 18.0;
/// Keywords named in one reason before "+N more".
const KEYWORDS_NAMED: usize = 4;

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
#[derive(Default)]
struct Tally {
    points: f64,
    reasons: Vec<(f64, String)>,
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

    text_factors(cfg, input, &mut tally);
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

/// Empty message, urgency keywords and churn keywords.
fn text_factors(cfg: &Config, input: &Interaction, tally: &mut Tally) {
    let subject = input.subject.as_deref().unwrap_or("");
    if subject.trim().is_empty() && input.body.trim().is_empty() {
        tally.add(EMPTY_MESSAGE, || {
            "empty message (no subject or body)".to_string()
        });
        return;
    }
    let mut text = String::with_capacity(subject.len() + input.body.len() + 1);
    keywords::normalize_into(subject, &mut text);
    // A line break keeps phrases from spanning subject and body.
    text.push('\n');
    keywords::normalize_into(&input.body, &mut text);

    let urgent = keywords::matches(&cfg.urgent, &text);
    let points = keyword_points(urgent.len(), URGENT_FIRST, URGENT_EACH_MORE, URGENT_CAP);
    let label = if urgent.len() == 1 {
        "urgent keyword"
    } else {
        "urgent keywords"
    };
    tally.add(points, || format!("{label}: {}", name_list(&urgent)));

    let churn = keywords::matches(&cfg.churn, &text);
    let points = keyword_points(churn.len(), CHURN_FIRST, CHURN_EACH_MORE, CHURN_CAP);
    tally.add(points, || format!("churn risk: {}", name_list(&churn)));
}

fn keyword_points(found: usize, first: f64, each_more: f64, cap: f64) -> f64 {
    match found {
        0 => 0.0,
        n => (first + each_more * (n - 1) as f64).min(cap),
    }
}

fn name_list(names: &[&str]) -> String {
    let mut out = names[..names.len().min(KEYWORDS_NAMED)].join(", ");
    if names.len() > KEYWORDS_NAMED {
        out.push_str(&format!(" (+{} more)", names.len() - KEYWORDS_NAMED));
    }
    out
}

/// Negative sentiment raises the score, strongly positive lowers it a little;
/// both weighted by confidence. Never increases as the score rises.
fn sentiment_factor(sentiment: &Sentiment, tally: &mut Tally) {
    let score = finite_or(sentiment.score, 0.0).clamp(-1.0, 1.0);
    let confidence = finite_or(sentiment.confidence, 0.5).clamp(0.0, 1.0);
    let weight = 0.5 + 0.5 * confidence;
    if score < 0.0 {
        let points = -score * weight * NEGATIVE_SENTIMENT_MAX;
        tally.add(points, || format!("negative sentiment ({score:.2})"));
    } else if score > POSITIVE_SENTIMENT_FROM {
        let strength = (score - POSITIVE_SENTIMENT_FROM) / (1.0 - POSITIVE_SENTIMENT_FROM);
        let points = -strength * weight * POSITIVE_SENTIMENT_MAX;
        tally.add(points, || format!("positive sentiment ({score:.2})"));
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
        tally.add(HIGH_VALUE, || format!("high-value customer (LTV {ltv:.0})"));
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
        assert_eq!(name_list(&["a", "b"]), "a, b");
        assert_eq!(
            name_list(&["a", "b", "c", "d", "e", "f"]),
            "a, b, c, d (+2 more)"
        );
    }
}
