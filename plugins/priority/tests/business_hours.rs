//! Business-hours SLAs.
//!
//! Hand-computed due times and waits (the UTC offsets of each case are
//! written next to it): spring-forward and fall-back in Europe/Berlin,
//! America/New_York and Australia/Sydney, overnight shifts over a DST
//! change, Christmas and New Year holidays and exceptions; a 24/7 calendar
//! decides exactly like calendar hours; properties of the arithmetic on
//! random calendars from a seeded generator (deterministic, no dependency),
//! checked against a wall-clock oracle too.

use cxr_guest::*;
use cxr_priority::PriorityPlugin;
use cxr_priority::business_time::{self, Elapsed};
use cxr_priority::calendar::{Calendar, tzdb_version};
use jiff::civil::{Date, DateTime};
use serde_json::{Value, json};

const H: i64 = 3_600_000;
const M: i64 = 60_000;

/// Milliseconds of an RFC 3339 instant.
fn t(rfc3339: &str) -> i64 {
    rfc3339
        .parse::<jiff::Timestamp>()
        .expect(rfc3339)
        .as_millisecond()
}

fn calendar(zone: &str, hours: Value) -> Calendar {
    calendar_with(json!({"time_zone": zone, "hours": hours}))
}

fn calendar_with(v: Value) -> Calendar {
    Calendar::parse("test", v).expect("valid calendar")
}

fn due(cal: &Calendar, from: &str, amount: i64) -> i64 {
    business_time::add(cal, t(from), amount).expect("due within the horizon")
}

fn waited(cal: &Calendar, from: &str, to: &str) -> i64 {
    let e = business_time::elapsed(cal, t(from), t(to));
    assert!(e.complete);
    e.ms
}

// ---------------------------------------------------------------- DST, overnight

/// Europe/Berlin: CET (+01) → CEST (+02) on 2026-03-29 at 02:00 local,
/// CEST → CET on 2026-10-25 at 03:00 local.
#[test]
fn berlin_overnight_shift_over_spring_forward_and_fall_back() {
    let cal = calendar("Europe/Berlin", json!({"sat": ["22:00-06:00"]}));
    // Sat 2026-03-28 22:00 CET = 21:00Z; Sun 06:00 CEST = 04:00Z: 7 real hours.
    assert_eq!(
        waited(&cal, "2026-03-28T20:00:00Z", "2026-03-29T12:00:00Z"),
        7 * H
    );
    assert_eq!(
        due(&cal, "2026-03-28T21:00:00Z", 7 * H),
        t("2026-03-29T04:00:00Z")
    );
    // One minute more runs into the next Saturday night: 2026-04-04 22:00 CEST = 20:00Z.
    assert_eq!(
        due(&cal, "2026-03-28T21:00:00Z", 7 * H + M),
        t("2026-04-04T20:01:00Z")
    );
    // Sat 2026-10-24 22:00 CEST = 20:00Z; Sun 06:00 CET = 05:00Z: 9 real hours.
    assert_eq!(
        waited(&cal, "2026-10-24T12:00:00Z", "2026-10-25T12:00:00Z"),
        9 * H
    );
    // Arrival in the middle of the shift, at 23:00 CEST = 21:00Z: 8 hours run to 06:00 CET.
    assert_eq!(
        due(&cal, "2026-10-24T21:00:00Z", 8 * H),
        t("2026-10-25T05:00:00Z")
    );
}

#[test]
fn berlin_office_hours_across_a_dst_weekend() {
    let cal = calendar("Europe/Berlin", json!({"mon-fri": ["09:00-17:00"]}));
    // Fri 2026-03-27 16:00 CET (15:00Z): 1 h on Friday, 3 h from Mon 09:00 CEST → 12:00 CEST = 10:00Z.
    assert_eq!(
        due(&cal, "2026-03-27T15:00:00Z", 4 * H),
        t("2026-03-30T10:00:00Z")
    );
    // Fri 2026-10-23 16:00 CEST (14:00Z): → Mon 2026-10-26 12:00 CET = 11:00Z.
    assert_eq!(
        due(&cal, "2026-10-23T14:00:00Z", 4 * H),
        t("2026-10-26T11:00:00Z")
    );
    assert_eq!(
        waited(&cal, "2026-10-23T14:00:00Z", "2026-10-26T11:00:00Z"),
        4 * H
    );
}

/// America/New_York: EST (-05) → EDT (-04) on 2026-03-08 at 02:00 local,
/// EDT → EST on 2026-11-01 at 02:00 local.
#[test]
fn new_york_overnight_shift_and_office_hours_over_dst() {
    let night = calendar("America/New_York", json!({"sat": ["22:00-06:00"]}));
    // Sat 2026-03-07 22:00 EST = Sun 03:00Z; Sun 06:00 EDT = 10:00Z: 7 h.
    assert_eq!(
        waited(&night, "2026-03-07T00:00:00Z", "2026-03-09T00:00:00Z"),
        7 * H
    );
    // Sat 2026-10-31 22:00 EDT = Sun 02:00Z; Sun 06:00 EST = 11:00Z: 9 h.
    assert_eq!(
        waited(&night, "2026-10-31T00:00:00Z", "2026-11-02T00:00:00Z"),
        9 * H
    );
    assert_eq!(
        due(&night, "2026-11-01T02:00:00Z", 9 * H),
        t("2026-11-01T11:00:00Z")
    );

    let office = calendar("America/New_York", json!({"mon-fri": ["08:00-18:00"]}));
    // Fri 2026-03-06 17:00 EST (22:00Z): 1 h, then Mon 2026-03-09 08:00 EDT (12:00Z) + 3 h = 15:00Z.
    assert_eq!(
        due(&office, "2026-03-06T22:00:00Z", 4 * H),
        t("2026-03-09T15:00:00Z")
    );
}

/// Australia/Sydney: AEDT (+11) → AEST (+10) on 2026-04-05 at 03:00 local
/// (fall back), AEST → AEDT on 2026-10-04 at 02:00 local (spring forward).
#[test]
fn sydney_overnight_shift_and_office_hours_over_dst() {
    let night = calendar("Australia/Sydney", json!({"sat": ["22:00-06:00"]}));
    // Sat 2026-04-04 22:00 AEDT = 11:00Z; Sun 06:00 AEST = 20:00Z: 9 h.
    assert_eq!(
        waited(&night, "2026-04-04T00:00:00Z", "2026-04-05T12:00:00Z"),
        9 * H
    );
    // Sat 2026-10-03 22:00 AEST = 12:00Z; Sun 06:00 AEDT = 19:00Z: 7 h.
    assert_eq!(
        waited(&night, "2026-10-03T00:00:00Z", "2026-10-04T12:00:00Z"),
        7 * H
    );
    assert_eq!(
        due(&night, "2026-10-03T12:00:00Z", 7 * H),
        t("2026-10-03T19:00:00Z")
    );

    let office = calendar("Australia/Sydney", json!({"mon-fri": ["09:00-17:00"]}));
    // Fri 2026-10-02 16:00 AEST (06:00Z): 1 h, then Mon 2026-10-05 09:00 AEDT (Sun 22:00Z) + 1 h.
    assert_eq!(
        due(&office, "2026-10-02T06:00:00Z", 2 * H),
        t("2026-10-04T23:00:00Z")
    );
}

#[test]
fn a_window_edge_the_clocks_skip_is_the_moment_they_jump() {
    // 02:30 does not exist in Berlin on 2026-03-29: the window opens when
    // the clocks jump from 02:00 CET to 03:00 CEST (01:00Z).
    let cal = calendar("Europe/Berlin", json!({"sun": ["02:30-05:00"]}));
    assert_eq!(
        waited(&cal, "2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z"),
        2 * H
    );
    // A time that occurs twice (02:30 on 2026-10-25) means its first occurrence (00:30Z):
    // 02:30 CEST to 05:00 CET (04:00Z) is 3.5 h.
    assert_eq!(
        waited(&cal, "2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z"),
        3 * H + 30 * M
    );
}

// ---------------------------------------------------------------- holidays

/// Berlin office, Mon–Fri 08:00–17:00 CET (+01 all winter). December 2026:
/// 24 Thu (closed from 12:00), 25 Fri (holiday), 26 Sat, 31 Thu (09:00–13:00
/// only), 2027-01-01 Fri (holiday).
fn berlin_christmas() -> Calendar {
    calendar_with(json!({
        "time_zone": "Europe/Berlin",
        "label": "Berlin office hours",
        "hours": {"mon-fri": ["08:00-17:00"]},
        "holidays": [
            {"date": "2026-12-24", "name": "Christmas Eve", "closed": ["12:00-24:00"]},
            "2026-12-25", "2026-12-26",
            {"date": "2027-01-01", "name": "New Year's Day"}
        ],
        "exceptions": [{"date": "2026-12-31", "name": "New Year's Eve", "hours": ["09:00-13:00"]}]
    }))
}

#[test]
fn christmas_and_new_year() {
    let cal = berlin_christmas();
    // Thu 24 Dec 10:00 CET (09:00Z), 8 h: 10–12 on the 24th (2 h), then Mon 28 Dec 08:00 + 6 h = 14:00 CET.
    assert_eq!(
        due(&cal, "2026-12-24T09:00:00Z", 8 * H),
        t("2026-12-28T13:00:00Z")
    );
    // Wed 30 Dec 15:00 CET, 8 h: 2 h on the 30th, 4 h on the 31st (09–13), then Mon 4 Jan 08:00 + 2 h.
    assert_eq!(
        due(&cal, "2026-12-30T14:00:00Z", 8 * H),
        t("2027-01-04T09:00:00Z")
    );
    // From 24 Dec 10:00 to 4 Jan 10:00 CET: 2 + 3 × 9 + 4 + 2 = 35 h.
    assert_eq!(
        waited(&cal, "2026-12-24T09:00:00Z", "2027-01-04T09:00:00Z"),
        35 * H
    );
    // The same dates a year later are ordinary days: Fri 24 Dec 2027 10:00 CET,
    // 7 h that Friday, then Mon 27 Dec 08:00 + 1 h = 09:00 CET.
    assert_eq!(
        due(&cal, "2027-12-24T09:00:00Z", 8 * H),
        t("2027-12-27T08:00:00Z")
    );
}

#[test]
fn a_holiday_in_one_zone_is_a_working_day_in_another() {
    let berlin = berlin_christmas();
    let new_york = calendar("America/New_York", json!({"mon-fri": ["09:00-17:00"]}));
    // Thu 31 Dec 2026 12:00 CET = 11:00Z = 06:00 EST, 4 h:
    // Berlin works 12:00–13:00, skips New Year's Day and the weekend, Mon 4 Jan 08:00 + 3 h = 11:00 CET.
    assert_eq!(
        due(&berlin, "2026-12-31T11:00:00Z", 4 * H),
        t("2027-01-04T10:00:00Z")
    );
    // New York opens at 09:00 EST (14:00Z) on the 31st: due 13:00 EST = 18:00Z.
    assert_eq!(
        due(&new_york, "2026-12-31T11:00:00Z", 4 * H),
        t("2026-12-31T18:00:00Z")
    );
}

#[test]
fn an_exception_can_open_a_closed_day_and_close_over_midnight() {
    let cal = calendar_with(json!({
        "time_zone": "UTC",
        "hours": {"mon-fri": ["09:00-17:00"]},
        "holidays": [{"date": "2026-12-07", "closed": ["16:00-10:00"]}],
        "exceptions": [{"date": "2026-12-05", "hours": ["10:00-14:00"]}]
    }));
    // Sat 5 Dec 2026 opens 10–14 (an extra opening).
    assert_eq!(
        due(&cal, "2026-12-05T00:00:00Z", H),
        t("2026-12-05T11:00:00Z")
    );
    // Mon 7 Dec closes at 16:00 until Tue 10:00: Mon 09–16, Tue 10–17.
    assert_eq!(
        waited(&cal, "2026-12-07T00:00:00Z", "2026-12-09T00:00:00Z"),
        7 * H + 7 * H
    );
}

// ---------------------------------------------------------------- through the hook

/// 2026-11-23 is a Monday; Berlin is on CET (+01).
fn berlin_plugin(extra_policy: Value) -> PriorityPlugin {
    let mut policy = json!({"calendar": "berlin"});
    policy
        .as_object_mut()
        .unwrap()
        .extend(extra_policy.as_object().unwrap().clone());
    let config = json!({
        "calendars": {"berlin": {"label": "Berlin office hours", "time_zone": "Europe/Berlin",
                                  "hours": {"mon-fri": ["09:00-17:00"]}}},
        "sla_policies": [policy]
    });
    PriorityPlugin::configure(&config.to_string()).expect("valid config")
}

fn contract_email(received: &str) -> Interaction {
    let mut i = Interaction::new(
        "S-1",
        Channel::Email,
        "Could you send me a copy of my contract?",
    );
    i.received_at = Some(t(received));
    i
}

fn decide(p: &PriorityPlugin, input: &Interaction, now: &str) -> Priority {
    p.prioritize(
        input,
        &Context::at(t(now)),
        &Sentiment::from_score(0.0, 0.6),
    )
    .expect("prioritize")
}

#[test]
fn the_wait_is_counted_in_business_hours_and_explained() {
    let p = berlin_plugin(json!({}));
    // Mon 09:00 CET to 12:30 CET: 3.5 business hours of a 4 h email SLA.
    let out = decide(
        &p,
        &contract_email("2026-11-23T08:00:00Z"),
        "2026-11-23T11:30:00Z",
    );
    assert!(
        out.reasons.contains(
            &"waited 3.5 business hours against a 4 h SLA (Berlin office hours)".to_string()
        ),
        "{:?}",
        out.reasons
    );
    assert_eq!(out.first_response_due, Some(t("2026-11-23T12:00:00Z")));
    assert_eq!(
        out.reasons.last().unwrap(),
        &format!(
            "first response due Mon 2026-11-23 13:00 CET after 4 business hours (Berlin office hours, Europe/Berlin, tzdb {})",
            tzdb_version()
        )
    );
}

#[test]
fn friday_afternoon_is_not_breached_on_friday_night() {
    let p = berlin_plugin(json!({}));
    let calendar_hours = PriorityPlugin::configure("{}").unwrap();
    // Fri 2026-11-20 16:30 CET, a 4 h SLA, decided at midnight.
    let input = contract_email("2026-11-20T15:30:00Z");
    let plain = decide(&calendar_hours, &input, "2026-11-20T23:00:00Z");
    assert!(
        plain.reasons.iter().any(|r| r.ends_with("(breached)")),
        "{:?}",
        plain.reasons
    );
    let out = decide(&p, &input, "2026-11-20T23:00:00Z");
    assert!(
        !out.reasons.iter().any(|r| r.contains("breached")),
        "{:?}",
        out.reasons
    );
    // 30 min on Friday, 3.5 h from Monday 09:00: Mon 12:30 CET.
    assert_eq!(out.first_response_due, Some(t("2026-11-23T11:30:00Z")));
    assert!(out.score < plain.score);
    // Monday 13:30 CET: 0.5 + 4.5 = 5 business hours: breached.
    let late = decide(&p, &input, "2026-11-23T12:30:00Z");
    assert!(
        late.reasons.contains(
            &"waited 5 business hours against a 4 h SLA (Berlin office hours, breached)"
                .to_string()
        ),
        "{:?}",
        late.reasons
    );
    // A Sunday message is not overdue before anyone is at work.
    let sunday = decide(
        &p,
        &contract_email("2026-11-22T08:00:00Z"),
        "2026-11-23T08:30:00Z",
    );
    assert!(
        !sunday.reasons.iter().any(|r| r.starts_with("waited")),
        "{:?}",
        sunday.reasons
    );
    assert_eq!(sunday.first_response_due, Some(t("2026-11-23T12:00:00Z")));
}

#[test]
fn a_level_can_run_around_the_clock_on_a_business_calendar() {
    // A gold customer's third contact about a double charge reaches level 1:
    // target 240 min × 0.6 (gold) × 0.5 (level 1) = 72 min.
    let mut input = Interaction::new(
        "S-2",
        Channel::Email,
        "I was charged twice for my order and nobody answers. Refund it now.",
    )
    .with_tier("gold");
    input.received_at = Some(t("2026-11-21T10:00:00Z")); // Saturday 11:00 CET
    input.customer.contacts_last_30d = Some(3);
    input.customer.open_interactions = Some(2);
    input.customer.lifetime_value = Some(9000.0);
    let sentiment = Sentiment::from_score(-0.8, 0.9);
    let ctx = Context::at(t("2026-11-21T10:00:00Z"));

    let business = berlin_plugin(json!({}))
        .prioritize(&input, &ctx, &sentiment)
        .unwrap();
    assert_eq!(business.level, 1, "{business:?}");
    // Business hours: Monday 09:00 CET + 72 min.
    assert_eq!(business.first_response_due, Some(t("2026-11-23T09:12:00Z")));

    let urgent_24_7 = berlin_plugin(json!({"calendar_hours_levels": [1]}))
        .prioritize(&input, &ctx, &sentiment)
        .unwrap();
    assert_eq!(
        urgent_24_7.first_response_due,
        Some(t("2026-11-21T11:12:00Z"))
    );
    assert_eq!(
        urgent_24_7.reasons.last().unwrap(),
        &format!(
            "first response due Sat 2026-11-21 12:12 CET after 72 min around the clock for level 1 \
             (Berlin office hours, Europe/Berlin, tzdb {})",
            tzdb_version()
        )
    );
    assert!(urgent_24_7.reasons.len() <= 8);
}

#[test]
fn policies_choose_a_calendar_by_channel_language_queue_and_tier_first_match_wins() {
    let config = json!({
        "calendars": {
            "berlin": {"time_zone": "Europe/Berlin", "hours": {"mon-fri": ["09:00-17:00"]}},
            "new-york": {"time_zone": "America/New_York", "hours": {"mon-fri": ["09:00-17:00"]}}
        },
        "sla_policies": [
            {"name": "live", "when": {"channel": ["phone", "chat"]}},
            {"name": "German", "when": {"language": "de"}, "calendar": "berlin", "sla_minutes": {"email": 480}},
            {"name": "US queue", "when": {"queue": "us-support"}, "calendar": "new-york"},
            {"name": "tiers", "when": {"tier": ["VIP", "free"]}, "calendar": "new-york", "level_sla_factor": [1, 1, 1, 2]}
        ]
    });
    let p = PriorityPlugin::configure(&config.to_string()).unwrap();
    let plain = PriorityPlugin::configure("{}").unwrap();
    let now = "2026-11-21T12:00:00Z"; // Saturday
    let sat = "2026-11-21T10:00:00Z";

    // German email: Berlin, 480 business minutes from Monday 09:00 CET = 17:00 CET = 16:00Z.
    let de = contract_email(sat).with_language("de-AT");
    assert_eq!(
        decide(&p, &de, now).first_response_due,
        Some(t("2026-11-23T16:00:00Z"))
    );
    // A language can also come from a classifier's `language` signal.
    let signal = Context::at(t(now)).with_signal(Signal::new("language", "de", 0.9));
    let by_signal = p
        .prioritize(
            &contract_email(sat),
            &signal,
            &Sentiment::from_score(0.0, 0.6),
        )
        .unwrap();
    assert_eq!(
        by_signal.first_response_due,
        Some(t("2026-11-23T16:00:00Z"))
    );
    // German chat: the live policy comes first: calendar hours, as without policies.
    let mut chat = de.clone();
    chat.channel = Channel::Chat;
    assert_eq!(decide(&p, &chat, now), decide(&plain, &chat, now));
    // US queue: New York, Monday 09:00 EST (14:00Z) + 4 h.
    let mut us = contract_email(sat);
    us.attributes.push(("queue".into(), "US-Support".into()));
    assert_eq!(
        decide(&p, &us, now).first_response_due,
        Some(t("2026-11-23T18:00:00Z"))
    );
    // Tier: a VIP email is level 3: 240 × 0.25 = 60 min from Monday 09:00 EST.
    let vip = decide(&p, &contract_email(sat).with_tier("vip"), now);
    assert_eq!(
        (vip.level, vip.first_response_due),
        (3, Some(t("2026-11-23T15:00:00Z"))),
        "{vip:?}"
    );
    // A free-tier email is level 4: 240 × 1.5 × 2 = 720 min = 8 h on Monday + 4 h on Tuesday.
    let free = decide(&p, &contract_email(sat).with_tier("free"), now);
    assert_eq!(
        (free.level, free.first_response_due),
        (4, Some(t("2026-11-24T18:00:00Z"))),
        "{free:?}"
    );
    // No policy matches: exactly as without calendars.
    let other = contract_email(sat);
    assert_eq!(decide(&p, &other, now), decide(&plain, &other, now));
}

#[test]
fn the_description_names_the_bundled_tzdb_release() {
    assert!(
        <PriorityPlugin as Plugin>::DESCRIPTION.contains(&format!("tzdb {}", tzdb_version())),
        "update DESCRIPTION in lib.rs to the bundled tzdb {}",
        tzdb_version()
    );
}

#[test]
fn config_errors_name_the_calendar_the_day_and_the_field() {
    let err = |v: Value| match PriorityPlugin::configure(&v.to_string()) {
        Err(PluginError::InvalidConfig(m)) => m,
        other => panic!("expected InvalidConfig, got {other:?}"),
    };
    assert_eq!(
        err(
            json!({"calendars": {"berlin": {"time_zone": "Europe/Berlin", "hours": {"tue": ["09:00-13:00", "12:00-17:00"]}}}})
        ),
        "priority config: calendars.berlin.hours.tue: window 09:00-13:00 overlaps window 12:00-17:00"
    );
    assert!(
        err(json!({"calendars": {"x": {"time_zone": "Mars/Olympus", "hours": {"mon": ["09:00-17:00"]}}}}))
            .starts_with("priority config: calendars.x.time_zone: unknown time zone `Mars/Olympus`")
    );
    assert_eq!(
        err(
            json!({"calendars": {"x": {"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": ["2027-02-29"]}}})
        ),
        "priority config: calendars.x.holidays[0]: `2027-02-29` is not a date: February 2027 has 28 days"
    );
    assert!(
        err(json!({"sla_policies": [{"calendar": "berlin"}]}))
            .contains("no calendar named `berlin` (calendars: none defined)")
    );
}

// ---------------------------------------------------------------- 24/7 = calendar hours

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[test]
fn a_24_7_calendar_decides_exactly_like_calendar_hours() {
    let around_the_clock = PriorityPlugin::configure(
        &json!({
            "calendars": {"always": {"time_zone": "Europe/Berlin", "hours": {"mon-sun": ["00:00-24:00"]}}},
            "sla_policies": [{"calendar": "always"}]
        })
        .to_string(),
    )
    .unwrap();
    let plain = PriorityPlugin::configure("{}").unwrap();
    let mut rng = Rng(247);
    let bodies = [
        "Where is my parcel?",
        "I was charged twice, this is urgent!",
        "I want to cancel my account, your service is down again.",
        "Thanks, all good.",
    ];
    let tiers = ["vip", "gold", "standard", "free", "bronze"];
    // Around the fall-back change of 2026-10-25, at any millisecond.
    let base = t("2026-10-20T00:00:00Z");
    for _ in 0..2000 {
        let channel = *rng.pick(&Channel::ALL);
        let mut input =
            Interaction::new("P", channel, *rng.pick(&bodies)).with_tier(*rng.pick(&tiers));
        let received = base + rng.below(10 * 24 * H as u64) as i64;
        input.received_at = (rng.below(10) > 0).then_some(received);
        let now = received + rng.below(4 * 24 * H as u64) as i64 - H;
        let ctx = Context::at(now);
        let sentiment = Sentiment::from_score(rng.below(200) as f64 / 100.0 - 1.0, 0.7);
        let a = around_the_clock
            .prioritize(&input, &ctx, &sentiment)
            .unwrap();
        let b = plain.prioritize(&input, &ctx, &sentiment).unwrap();
        assert_eq!(
            (a.level, a.score, a.first_response_due),
            (b.level, b.score, b.first_response_due),
            "{input:?} at {now}"
        );
    }
}

// ---------------------------------------------------------------- properties

const ZONES: [&str; 8] = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe", // 30-minute DST
    "Pacific/Chatham",     // +12:45 / +13:45
    "America/St_Johns",    // -03:30 / -02:30
    "Asia/Kolkata",
    "UTC",
];

/// A random calendar as (config, weekly windows in minutes per day) with
/// windows on a 15-minute grid whose edges (mod 24 h) lie in `edges`.
fn random_calendar(
    rng: &mut Rng,
    zone: &str,
    edges: std::ops::Range<u16>,
) -> Option<(Calendar, Value)> {
    let clock = |m: u16| match m {
        1440 => "24:00".to_string(),
        m => format!("{:02}:{:02}", (m % 1440) / 60, m % 60),
    };
    let grid =
        |rng: &mut Rng, lo: u16, hi: u16| lo + 15 * rng.below(u64::from((hi - lo) / 15 + 1)) as u16;
    let mut hours = serde_json::Map::new();
    for day in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
        if rng.below(10) < 2 {
            continue;
        }
        let mut windows = Vec::new();
        let mut at = edges.start;
        for _ in 0..1 + rng.below(3) {
            if at + 30 > edges.end {
                break;
            }
            let start = grid(rng, at, (at + 240).min(edges.end - 30));
            // An overnight window ends the next day, before its start time.
            let overnight = start >= edges.start + 15 && rng.below(6) == 0;
            let end = if overnight {
                1440 + grid(rng, edges.start, start - 15)
            } else {
                grid(rng, start + 15, (start + 600).min(edges.end))
            };
            windows.push(format!("{}-{}", clock(start), clock(end)));
            if overnight || end >= edges.end {
                break;
            }
            at = end;
        }
        hours.insert(day.to_string(), json!(windows));
    }
    let mut holidays = Vec::new();
    let mut exceptions = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    for _ in 0..rng.below(12) {
        let day = Date::new(2026, 1 + rng.below(12) as i8, 1 + rng.below(28) as i8).unwrap();
        if !used.insert(day) {
            continue;
        }
        match rng.below(3) {
            0 => holidays.push(json!(day.to_string())),
            1 => {
                let s = grid(rng, edges.start, edges.end - 15);
                let e = grid(rng, s + 15, edges.end);
                holidays.push(json!({"date": day.to_string(), "closed": [format!("{}-{}", clock(s), clock(e))]}));
            }
            _ => {
                let s = grid(rng, edges.start, edges.end - 15);
                let e = grid(rng, s + 15, edges.end);
                exceptions.push(json!({"date": day.to_string(), "hours": [format!("{}-{}", clock(s), clock(e))]}));
            }
        }
    }
    let config =
        json!({"time_zone": zone, "hours": hours, "holidays": holidays, "exceptions": exceptions});
    // Random windows may overlap a neighbouring day's: such configs are rejected; draw again.
    Calendar::parse("random", config.clone())
        .ok()
        .map(|c| (c, config))
}

#[test]
fn properties_of_due_times_and_waits_on_random_calendars() {
    let mut rng = Rng(2028);
    let year = t("2026-01-01T00:00:00Z");
    let (mut checked, mut dues) = (0, 0);
    while checked < 300 {
        let zone = *rng.pick(&ZONES);
        let Some((cal, _)) = random_calendar(&mut rng, zone, 0..1440) else {
            continue;
        };
        checked += 1;
        for _ in 0..10 {
            let arrival = year + rng.below(365 * 24 * H as u64) as i64;
            let amount = rng.below(60 * H as u64) as i64;
            let Some(due) = business_time::add(&cal, arrival, amount) else {
                // Only when the calendar opens for less than that within the horizon.
                let horizon = arrival + i64::from(business_time::HORIZON_DAYS) * 24 * H;
                assert!(
                    business_time::elapsed(&cal, arrival, horizon).ms < amount,
                    "{zone}: no due from {arrival}"
                );
                continue;
            };
            dues += 1;
            // Due is never before the arrival, and measuring gives back the target.
            assert!(due >= arrival, "{zone}: due {due} before arrival {arrival}");
            assert_eq!(
                business_time::elapsed(&cal, arrival, due),
                Elapsed {
                    ms: amount,
                    complete: true
                },
                "{zone} from {arrival}"
            );
            // A longer target is never due earlier.
            let more = amount + rng.below(4 * H as u64) as i64;
            assert!(business_time::add(&cal, arrival, more).unwrap() >= due);
            // Waits grow with `now`, never faster than real time, and add up.
            let b = arrival + rng.below(14 * 24 * H as u64) as i64;
            let c = b + rng.below(14 * 24 * H as u64) as i64;
            let (ab, ac, bc) = (
                business_time::elapsed(&cal, arrival, b).ms,
                business_time::elapsed(&cal, arrival, c).ms,
                business_time::elapsed(&cal, b, c).ms,
            );
            assert!(ab <= ac && ab <= b - arrival && bc <= c - b, "{zone}");
            assert_eq!(ab + bc, ac, "{zone}: waits add up");
        }
    }
    assert!(dues > 2900, "only {dues} of 3000 cases had a due time");
}

/// Whether the wall clock at `local` lies inside a window, decided from the
/// config alone by comparing civil date-times (no instants): the oracle.
fn open_by_wall_clock(config: &Value, local: DateTime) -> bool {
    let window = |w: &Value| {
        let (a, b) = w.as_str().unwrap().split_once('-').unwrap();
        let min = |s: &str| {
            let (h, m) = s.split_once(':').unwrap();
            h.parse::<i64>().unwrap() * 60 + m.parse::<i64>().unwrap()
        };
        let (s, e) = (min(a), min(b));
        (s, if e > s { e } else { e + 1440 })
    };
    let inside = |day: Date, (s, e): (i64, i64)| {
        let start =
            day.to_datetime(jiff::civil::Time::midnight()) + jiff::SignedDuration::from_mins(s);
        let end =
            day.to_datetime(jiff::civil::Time::midnight()) + jiff::SignedDuration::from_mins(e);
        start <= local && local < end
    };
    let dated = |field: &str, day: Date| -> Option<Value> {
        config[field].as_array().unwrap().iter().find_map(|h| {
            let date = h.as_str().or_else(|| h["date"].as_str()).unwrap();
            (date == day.to_string()).then(|| h.clone())
        })
    };
    let date = local.date();
    let days = [date.yesterday().unwrap(), date];
    for day in days {
        let windows: Vec<Value> = if let Some(e) = dated("exceptions", day) {
            e["hours"].as_array().unwrap().clone()
        } else if dated("holidays", day).is_some_and(|h| h.get("closed").is_none()) {
            Vec::new()
        } else {
            let name = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                [day.weekday().to_monday_zero_offset() as usize];
            config["hours"]
                .get(name)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        if windows.iter().any(|w| inside(day, window(w))) {
            let closed = [date.yesterday().unwrap(), date].into_iter().any(|d| {
                dated("holidays", d)
                    .and_then(|h| h.get("closed").cloned())
                    .is_some_and(|c| c.as_array().unwrap().iter().any(|w| inside(d, window(w))))
            });
            return !closed;
        }
    }
    false
}

#[test]
fn open_time_agrees_with_the_wall_clock_away_from_dst_edges() {
    // Window edges from 04:00 to 24:00 local: never inside a DST gap or fold
    // of these zones, where the wall clock alone cannot say which instant is meant.
    let mut rng = Rng(42);
    let year = t("2026-01-01T00:00:00Z");
    let mut checked = 0;
    while checked < 60 {
        let zone = *rng.pick(&ZONES[..3]);
        let Some((cal, config)) = random_calendar(&mut rng, zone, 240..1440) else {
            continue;
        };
        checked += 1;
        let tz = cal.zone().clone();
        for _ in 0..400 {
            let at = year + rng.below(365 * 24 * H as u64) as i64;
            let local = tz.to_datetime(jiff::Timestamp::from_millisecond(at).unwrap());
            let open = business_time::elapsed(&cal, at, at + 1).ms == 1;
            assert_eq!(
                open,
                open_by_wall_clock(&config, local),
                "{zone} at {local}: {config}"
            );
        }
    }
}
