//! Shadow mode: a tenant's candidate pipeline decides the same interactions
//! as the live one, off the response path, and only the differences are
//! counted and logged, in every field of the one vocabulary of decision
//! fields (`cxr_host::fields`, the fields `cxr diff` compares). Shadow work
//! runs in a bounded number of slots; when they are all busy the interaction
//! is skipped (and counted), so the shadow can never slow down or fail live
//! traffic beyond those slots.

use crate::state::AppState;
use chrono::{DateTime, Utc};
use cxr_fleet::Tenant;
use cxr_host::Interaction;
use cxr_host::fields::Reading;
use std::sync::Arc;

/// Runs the tenant's shadow pipeline on `work` (interactions with the
/// readings of their live decisions) as of `now`, in the background, if the
/// tenant has a shadow and a shadow slot is free; otherwise counts the
/// interactions as skipped. Returns at once.
pub fn spawn(state: &AppState, tenant: &Arc<Tenant>, work: Vec<(Interaction, Reading)>, now: DateTime<Utc>) {
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
            let diffs = live.differences(&Reading::of(&decision));
            let fields: Vec<&'static str> = diffs.iter().map(|d| d.field.name()).collect();
            state.0.metrics.shadow(&tenant, &fields);
            if !diffs.is_empty() {
                let detail: Vec<String> = diffs.iter().map(|d| format!("{}: {} -> {}", d.field, d.before, d.after)).collect();
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
