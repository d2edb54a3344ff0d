//! Conversions from the host's interaction type into the WIT types plugins see.

use crate::versions::wit;
use crate::model::{Channel, Customer, Direction, HistoryMessage, Interaction};
use chrono::{DateTime, Utc};

/// Milliseconds since the epoch.
pub(crate) fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The time for milliseconds since the epoch (clamped to chrono's range).
pub(crate) fn from_millis(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
}

/// The WIT channel for a host channel.
pub(crate) fn channel(c: Channel) -> wit::Channel {
    match c {
        Channel::Email => wit::Channel::Email,
        Channel::Chat => wit::Channel::Chat,
        Channel::Phone => wit::Channel::Phone,
        Channel::Social => wit::Channel::Social,
        Channel::Sms => wit::Channel::Sms,
        Channel::WebForm => wit::Channel::WebForm,
        Channel::InApp => wit::Channel::InApp,
        Channel::Review => wit::Channel::Review,
        Channel::Survey => wit::Channel::Survey,
    }
}

fn customer(c: &Customer) -> wit::Customer {
    wit::Customer {
        id: c.id.clone(),
        tier: c.tier.clone(),
        lifetime_value: c.lifetime_value,
        tenure_days: c.tenure_days,
        contacts_last_30d: c.contacts_last_30d,
        open_interactions: c.open_interactions,
        last_csat: c.last_csat,
        last_nps: c.last_nps,
    }
}

fn message(m: &HistoryMessage) -> wit::Message {
    wit::Message {
        at: m.at.map(millis),
        channel: m.channel.map(channel),
        direction: match m.direction {
            Direction::Inbound => wit::Direction::Inbound,
            Direction::Outbound => wit::Direction::Outbound,
        },
        body: m.body.clone(),
    }
}

/// The WIT interaction for a host interaction.
pub(crate) fn interaction(ix: &Interaction) -> wit::Interaction {
    wit::Interaction {
        id: ix.id.clone(),
        channel: channel(ix.channel),
        received_at: ix.received_at.map(millis),
        subject: ix.subject.clone(),
        body: ix.body.clone(),
        language: ix.language.clone(),
        customer: customer(&ix.customer),
        history: ix.history.iter().map(message).collect(),
        attributes: ix.attributes.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    }
}
