//! Shared by the `native_vs_wasm` bench and the `profile_loop` example:
//! the host's interaction as the guest kit's type.

use cxr_host::model::{self, Interaction};

/// The host's interaction as the guest kit's type (what a native build of a plugin takes).
pub fn guest_interaction(ix: &Interaction) -> cxr_guest::Interaction {
    let channel = |c: model::Channel| {
        cxr_guest::Channel::parse(c.as_str()).expect("a channel the guest kit knows")
    };
    cxr_guest::Interaction {
        id: ix.id.clone(),
        channel: channel(ix.channel),
        received_at: ix.received_at.map(|t| t.timestamp_millis()),
        subject: ix.subject.clone(),
        body: ix.body.clone(),
        language: ix.language.clone(),
        customer: cxr_guest::Customer {
            id: ix.customer.id.clone(),
            tier: ix.customer.tier.clone(),
            lifetime_value: ix.customer.lifetime_value,
            tenure_days: ix.customer.tenure_days,
            contacts_last_30d: ix.customer.contacts_last_30d,
            open_interactions: ix.customer.open_interactions,
            last_csat: ix.customer.last_csat,
            last_nps: ix.customer.last_nps,
        },
        history: ix
            .history
            .iter()
            .map(|m| cxr_guest::Message {
                at: m.at.map(|t| t.timestamp_millis()),
                channel: m.channel.map(channel),
                direction: match m.direction {
                    model::Direction::Inbound => cxr_guest::Direction::Inbound,
                    model::Direction::Outbound => cxr_guest::Direction::Outbound,
                },
                body: m.body.clone(),
            })
            .collect(),
        attributes: ix
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}
