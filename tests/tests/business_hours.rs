//! Business-hours SLAs through the real priority component (wasm) in a
//! pipeline: hand-computed due times and breach states for several
//! calendars (lunch breaks, a DST week, Christmas and New Year, a night
//! shift over a DST change, another hemisphere), each decided with a fixed
//! `now`; the component cannot read the host's zone files; the reference
//! pipeline's calendars.

use cxr_e2e::{ix, load, now, reference_with};
use cxr_host::{Decision, Hook, Pipeline, PipelineConfig, PluginComponent, Runtime, builtin};
use std::sync::OnceLock;

/// Email SLA 240 min (4 h) by default; the interactions have no tier.
const PIPELINE: &str = r#"
name = "business-hours-test"
[sentiment]
plugin = "builtin:sentiment"
[priority]
plugin = "builtin:priority"
[[priority.config.sla_policies]]
when = { queue = "de-support" }
calendar = "berlin"
[[priority.config.sla_policies]]
when = { queue = "us-nights" }
calendar = "ny-nights"
[[priority.config.sla_policies]]
when = { queue = "au-support" }
calendar = "sydney"

[priority.config.calendars.berlin]
label = "Berlin office hours"
time_zone = "Europe/Berlin"
hours = { mon-fri = ["08:00-12:30", "13:30-18:00"] }
holidays = ["2026-12-25", "2026-12-26", "2027-01-01", { date = "2026-12-24", closed = ["12:00-24:00"] }]
exceptions = [{ date = "2026-12-31", hours = ["09:00-13:00"] }]

[priority.config.calendars.ny-nights]
label = "New York night desk"
time_zone = "America/New_York"
hours = { mon-sun = ["22:00-06:00"] }

[priority.config.calendars.sydney]
label = "Sydney office"
time_zone = "Australia/Sydney"
hours = { mon-fri = ["09:00-17:00"] }

[[routers]]
plugin = "builtin:router"
"#;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| load(&PipelineConfig::from_toml(PIPELINE).expect("parses")).expect("loads"))
}

fn at(rfc3339: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(rfc3339).expect(rfc3339).to_utc()
}

/// An invoice question by email in `queue`, received at `received`, decided at `now`.
fn decide(queue: &str, received: &str, now: &str) -> Decision {
    let json = format!(
        r#"{{"id":"BH","channel":"email","received_at":"{received}","body":"Could you send me a copy of my invoice, please?","attributes":{{"queue":"{queue}"}}}}"#
    );
    let d = pipeline().decide(&ix(&json), at(now));
    assert!(d.error.is_none(), "{:?}", d.error);
    d
}

/// The due time and the wait reason (if the wait moved the score).
fn due_and_wait(d: &Decision) -> (String, Option<String>) {
    let due = d.priority.as_ref().unwrap().first_response_due.expect("a due time");
    let wait = d.reasons.iter().find(|r| r.starts_with("waited")).cloned();
    (due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), wait)
}

fn expect(d: Decision, due: &str, wait: Option<&str>) {
    assert_eq!(due_and_wait(&d), (due.to_string(), wait.map(str::to_string)), "{:#?}", d.reasons);
}

#[test]
fn berlin_lunch_break() {
    // Mon 2026-11-23 11:00 CET: 11:00–12:30 and 13:30–16:00 make 4 h; at 15:30, 3.5 h waited.
    expect(
        decide("de-support", "2026-11-23T10:00:00Z", "2026-11-23T14:30:00Z"),
        "2026-11-23T15:00:00Z",
        Some("waited 3.5 business hours against a 4 h SLA (Berlin office hours)"),
    );
}

#[test]
fn berlin_dst_week() {
    // Fri 2026-10-23 17:00 CEST: 1 h on Friday; clocks go back on Sunday;
    // Mon 08:00 CET (07:00Z) + 3 h = 11:00 CET. At 11:30 CET, 4.5 h waited: breached.
    expect(
        decide("de-support", "2026-10-23T15:00:00Z", "2026-10-26T10:30:00Z"),
        "2026-10-26T10:00:00Z",
        Some("waited 4.5 business hours against a 4 h SLA (Berlin office hours, breached)"),
    );
}

#[test]
fn berlin_christmas_and_new_year() {
    // Thu 24 Dec 11:00 CET, closed from 12:00: 1 h; 25th, weekend; Mon 28 Dec 08:00 + 3 h.
    // At Mon 10:00 CET, 3 h waited: over half the SLA, not breached.
    expect(
        decide("de-support", "2026-12-24T10:00:00Z", "2026-12-28T09:00:00Z"),
        "2026-12-28T10:00:00Z",
        Some("waited 3 business hours against a 4 h SLA (Berlin office hours)"),
    );
    // Wed 30 Dec 16:00 CET: 2 h, then 31 Dec opens 09:00–13:00: due 11:00 CET.
    // On Sat 2 Jan (New Year's Day a holiday): 2 + 4 = 6 h waited.
    expect(
        decide("de-support", "2026-12-30T15:00:00Z", "2027-01-02T12:00:00Z"),
        "2026-12-31T10:00:00Z",
        Some("waited 6 business hours against a 4 h SLA (Berlin office hours, breached)"),
    );
}

#[test]
fn new_york_night_shift_over_fall_back() {
    // Sat 2026-10-31 23:00 EDT (Sun 03:00Z), inside the 22:00–06:00 shift, which
    // lasts until 06:00 EST (11:00Z): 4 real hours later is 07:00Z (02:00 EST).
    // At 10:00Z, 7 h waited.
    expect(
        decide("us-nights", "2026-11-01T03:00:00Z", "2026-11-01T10:00:00Z"),
        "2026-11-01T07:00:00Z",
        Some("waited 7 business hours against a 4 h SLA (New York night desk, breached)"),
    );
}

#[test]
fn sydney_spring_forward() {
    // Fri 2026-10-02 15:00 AEST (05:00Z): 2 h; clocks go forward on Sunday;
    // Mon 09:00 AEDT (Sun 22:00Z) + 2 h = 11:00 AEDT. At 10:30 AEDT, 3.5 h waited.
    expect(
        decide("au-support", "2026-10-02T05:00:00Z", "2026-10-04T23:30:00Z"),
        "2026-10-05T00:00:00Z",
        Some("waited 3.5 business hours against a 4 h SLA (Sydney office)"),
    );
}

#[test]
fn without_a_matching_policy_the_sla_runs_in_calendar_hours() {
    expect(
        decide("somewhere-else", "2026-11-21T10:00:00Z", "2026-11-21T15:00:00Z"),
        "2026-11-21T14:00:00Z",
        Some("waited 5 h against a 4 h SLA (breached)"),
    );
}

#[test]
fn the_due_reason_names_the_calendar_zone_and_tzdb_release() {
    let d = decide("de-support", "2026-11-21T10:00:00Z", "2026-11-21T15:00:00Z");
    let reason = d.reasons.iter().find(|r| r.starts_with("first response due")).expect("a due reason");
    let tzdb = builtin_priority_description().split("tzdb ").nth(1).unwrap().trim_end_matches(')').to_string();
    assert_eq!(
        reason,
        &format!("first response due Mon 2026-11-23 12:00 CET after 4 business hours (Berlin office hours, Europe/Berlin, tzdb {tzdb})")
    );
}

fn builtin_priority_description() -> String {
    let runtime = Runtime::shared().unwrap();
    PluginComponent::load(&runtime, builtin::PRIORITY, "builtin:priority").unwrap().meta().description.clone()
}

#[test]
fn the_priority_component_cannot_read_the_hosts_zone_files() {
    let runtime = Runtime::shared().unwrap();
    let p = PluginComponent::load(&runtime, builtin::PRIORITY, "builtin:priority").unwrap();
    assert_eq!(p.meta().hooks, [Hook::Priority]);
    assert!(!p.meta().imports.iter().any(|i| i.starts_with("wasi:filesystem")), "{:?}", p.meta().imports);
    // `cxr inspect` shows which tz database release the component bundles.
    let d = &p.meta().description;
    let release = d.split("bundled IANA tzdb ").nth(1).expect(d);
    assert!(release.len() >= 6 && release[..4].bytes().all(|b| b.is_ascii_digit()), "{d}");
}

#[test]
fn a_bad_calendar_is_a_load_error_naming_the_calendar_and_field() {
    let bad = PIPELINE.replace("time_zone = \"Australia/Sydney\"", "time_zone = \"Australia/Sydnee\"");
    let err = format!("{:#}", load(&PipelineConfig::from_toml(&bad).unwrap()).err().expect("refused"));
    assert!(err.contains("calendars.sydney.time_zone: unknown time zone `Australia/Sydnee`"), "{err}");
    let bad = PIPELINE.replace("\"13:30-18:00\"", "\"12:00-18:00\"");
    let err = format!("{:#}", load(&PipelineConfig::from_toml(&bad).unwrap()).err().expect("refused"));
    assert!(err.contains("calendars.berlin.hours.mon-fri: window 08:00-12:30 overlaps window 12:00-18:00"), "{err}");
}

#[test]
fn the_reference_pipeline_counts_german_email_in_berlin_office_hours() {
    let p = reference_with(|t| t);
    // Saturday evening in Berlin: due on Monday at noon (08:00 + 4 h), not breached on Sunday.
    let d = p.decide(
        &ix(r#"{"id":"R-DE","channel":"email","language":"de","received_at":"2026-11-21T16:31:00Z",
                "body":"Guten Tag, können Sie mir bitte eine Kopie meiner Rechnung schicken?"}"#),
        now(),
    );
    assert_eq!(due_and_wait(&d), ("2026-11-23T11:00:00Z".to_string(), None), "{:#?}", d.reasons);
    // The same message by phone runs around the clock.
    let d = p.decide(
        &ix(r#"{"id":"R-DE2","channel":"phone","language":"de","received_at":"2026-11-22T09:59:00Z",
                "body":"Guten Tag, können Sie mir bitte eine Kopie meiner Rechnung schicken?"}"#),
        now(),
    );
    assert!(d.priority.unwrap().first_response_due.unwrap() <= now() + chrono::Duration::minutes(2));
}
