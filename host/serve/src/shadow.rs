//! Shadow mode: a tenant's candidate pipeline decides the same interactions
//! as the live one, off the response path, and only the differences are
//! counted and logged. Shadow work runs in a bounded number of slots; when
//! they are all busy the interaction is skipped (and counted), so the shadow
//! can never slow down or fail live traffic beyond those slots.

use crate::state::AppState;
use crate::tenants::Tenant;
use chrono::{DateTime, Utc};
use cxr_host::{Decision, Interaction};
use std::sync::Arc;

/// The fields of a decision a shadow is compared on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub queue: Option<String>,
    pub discipline: Option<&'static str>,
    pub priority_level: Option<u8>,
    pub sentiment_label: Option<&'static str>,
}

impl Summary {
    /// The compared fields of a decision.
    pub fn of(d: &Decision) -> Self {
        Summary {
            queue: d.route.as_ref().map(|r| r.queue.clone()),
            discipline: d.discipline.map(|x| x.as_str()),
            priority_level: d.priority.as_ref().map(|p| p.level),
            sentiment_label: d.sentiment.as_ref().map(|s| s.label.as_str()),
        }
    }
}

/// The compared fields that differ, each with the live and shadow values.
pub fn differences(live: &Summary, shadow: &Summary) -> Vec<(&'static str, String, String)> {
    fn show<T: ToString>(v: &Option<T>) -> String {
        v.as_ref().map_or_else(|| "none".to_string(), T::to_string)
    }
    let mut out = Vec::new();
    if live.queue != shadow.queue {
        out.push(("queue", show(&live.queue), show(&shadow.queue)));
    }
    if live.discipline != shadow.discipline {
        out.push(("discipline", show(&live.discipline), show(&shadow.discipline)));
    }
    if live.priority_level != shadow.priority_level {
        out.push(("priority_level", show(&live.priority_level), show(&shadow.priority_level)));
    }
    if live.sentiment_label != shadow.sentiment_label {
        out.push(("sentiment_label", show(&live.sentiment_label), show(&shadow.sentiment_label)));
    }
    out
}

/// Runs the tenant's shadow pipeline on `work` (interactions with the live
/// decisions' summaries) in the background, if the tenant has a shadow and
/// a shadow slot is free; otherwise counts the interactions as skipped.
/// Returns at once.
pub fn spawn(state: &AppState, tenant: &Arc<Tenant>, work: Vec<(Interaction, Summary)>, now: DateTime<Utc>) {
    let Some(shadow) = tenant.shadow.clone() else { return };
    if work.is_empty() {
        return;
    }
    let Ok(permit) = state.0.shadow_slots.clone().try_acquire_owned() else {
        state.0.metrics.shadow_skipped(&tenant.name, work.len() as u64);
        return;
    };
    let state = state.clone();
    let tenant = tenant.name.clone();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        for (ix, live) in work {
            let decision = shadow.pipeline.decide(&ix, now);
            let diffs = differences(&live, &Summary::of(&decision));
            let fields: Vec<&'static str> = diffs.iter().map(|(f, _, _)| *f).collect();
            state.0.metrics.shadow(&tenant, &fields);
            if !diffs.is_empty() {
                let detail: Vec<String> = diffs.iter().map(|(f, l, s)| format!("{f}: {l} -> {s}")).collect();
                tracing::info!(
                    tenant = %tenant,
                    id = %cxr_host::text::Shown(&ix.id),
                    shadow_version = %shadow.version,
                    differences = %cxr_host::text::Shown(&detail.join("; ")),
                    "shadow decision differs"
                );
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_each_field_with_both_values() {
        let live = Summary {
            queue: Some("billing".into()),
            discipline: Some("service"),
            priority_level: Some(1),
            sentiment_label: Some("negative"),
        };
        assert!(differences(&live, &live.clone()).is_empty());
        let shadow = Summary {
            queue: Some("general".into()),
            priority_level: Some(3),
            ..live.clone()
        };
        let d = differences(&live, &shadow);
        assert_eq!(
            d,
            vec![
                ("queue", "billing".to_string(), "general".to_string()),
                ("priority_level", "1".to_string(), "3".to_string())
            ]
        );
    }
}
