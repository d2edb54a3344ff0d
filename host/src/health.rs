//! When a stage's plugin is quarantined: a circuit breaker that tells a
//! broken plugin from bad input.
//!
//! Quarantine protects latency (and the tenant's other customers) from a
//! plugin that is broken, not from an input that is expensive. So, as in
//! Envoy's outlier detection (a failure *rate* over an interval, with a
//! minimum volume), a stage is quarantined only when, within one window
//! of [`BreakerSettings::window`]:
//!
//! - at least [`BreakerSettings::after`] distinct **sources** failed, and
//! - they are at least [`BreakerSettings::rate`] of the sources seen.
//!
//! A source is who an interaction comes from ([`Source::of`]): its
//! customer when the interaction names one, else its text. A source counts
//! once per window however many interactions it sends, as failing when at
//! least half of its calls failed. So any number of crafted messages from
//! one customer (or repeats of one text) is one vote, which can never reach
//! `after` (5 by default) on its own; a plugin that fails on most inputs of
//! several customers is quarantined as soon as the fifth of them fails.
//!
//! Calls stopped because the *host* was late (a wall-clock limit passed
//! while the call had used little CPU, see `deadline`) are not counted at
//! all: a healthy plugin on an overloaded host is not blamed. Nor are
//! overruns (fuel, CPU deadline, memory) on an input of more than
//! [`INPUT_BLAME_BYTES`] of text: the cost is the input's, bounded by the
//! limits like every call's. Calls refused during a quarantine are not
//! counted either; the window starts afresh when the quarantine ends.
//!
//! At most [`MAX_SOURCES`] sources are tallied per window (the first ones
//! seen); later sources in that window are not counted, so the memory of a
//! breaker is bounded whatever the traffic.

use crate::model::Interaction;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Sources tallied per window, at most.
pub const MAX_SOURCES: usize = 4096;

/// Text (subject, body and history bodies) above which an overrun (fuel,
/// CPU deadline, memory) is the input's cost, not the plugin's failure.
pub const INPUT_BLAME_BYTES: usize = 16 << 10;

/// Bytes of the body that name a source without a customer: its first and
/// last [`SOURCE_TEXT_BYTES`], its length and the subject. Hashing more
/// would cost a decision time for nothing: texts that differ only in the
/// middle come from the same sender for any purpose here.
pub const SOURCE_TEXT_BYTES: usize = 4096;

/// Who an interaction comes from, as a keyed hash (a per-process random
/// key, so nobody can craft collisions).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Source(u64);

impl Source {
    /// The customer's id when the interaction has one, else its text
    /// (subject, and the body's length, start and end).
    pub fn of(ix: &Interaction) -> Source {
        static KEY: OnceLock<RandomState> = OnceLock::new();
        let mut h = KEY.get_or_init(RandomState::new).build_hasher();
        match ix.customer.id.as_deref().map(str::trim).filter(|id| !id.is_empty()) {
            Some(id) => {
                h.write_u8(b'c');
                id.hash(&mut h);
            }
            None => {
                h.write_u8(b't');
                ix.subject.hash(&mut h);
                let body = ix.body.as_bytes();
                h.write_usize(body.len());
                h.write(&body[..body.len().min(SOURCE_TEXT_BYTES)]);
                h.write(&body[body.len().saturating_sub(SOURCE_TEXT_BYTES)..]);
            }
        }
        Source(h.finish())
    }
}

/// How one call counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The call returned a value within the contract.
    Ok,
    /// The call failed: trap, fuel, CPU deadline, memory, plugin error,
    /// out-of-contract value.
    Failed,
    /// The call was stopped because the host was late (wall-clock limit
    /// passed with little CPU used): not the plugin's fault, not counted.
    HostLate,
    /// An overrun on an input larger than [`INPUT_BLAME_BYTES`]: the
    /// input's cost, not counted.
    InputCost,
    /// The stage is quarantined: the plugin was not called.
    Refused,
}

/// The knobs of a breaker (per stage, from the pipeline file).
#[derive(Debug, Clone, PartialEq)]
pub struct BreakerSettings {
    /// Distinct failing sources in one window that quarantine (0: never).
    pub after: u32,
    /// Share of the window's sources that must be failing, in (0, 1].
    pub rate: f64,
    /// Length of a window.
    pub window: Duration,
    /// Length of a quarantine.
    pub quarantine: Duration,
}

/// Why a stage was just quarantined.
#[derive(Debug, Clone, PartialEq)]
pub struct Trip {
    /// Distinct sources that failed in the window.
    pub failing: usize,
    /// Distinct sources seen in the window.
    pub sources: usize,
    /// Length of the quarantine.
    pub quarantine: Duration,
}

/// Counters of one breaker, for metrics and `Pipeline::stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    /// Calls, including those refused by a quarantine.
    pub calls: u64,
    /// Calls that failed, including refusals and host-late stops.
    pub failures: u64,
    /// Failed calls not counted against the plugin: the host was late.
    pub host_late: u64,
    /// Failed calls not counted against the plugin: an overrun on a large input.
    pub input_cost: u64,
    /// Times the stage was quarantined.
    pub quarantines: u64,
}

/// One stage's breaker. Cheap to consult; `record` takes a short lock.
#[derive(Debug)]
pub struct Breaker {
    settings: BreakerSettings,
    born: Instant,
    /// End of the current quarantine, in ms since `born` (0: none).
    until_ms: AtomicU64,
    window: Mutex<Window>,
    calls: AtomicU64,
    failures: AtomicU64,
    host_late: AtomicU64,
    input_cost: AtomicU64,
    quarantines: AtomicU64,
}

/// The sources of the current window and how each fared.
#[derive(Debug)]
struct Window {
    start: Instant,
    sources: HashMap<Source, Tally>,
    failing: usize,
}

#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    ok: u32,
    failed: u32,
}

impl Tally {
    /// A source fails when at least half of its calls failed.
    fn failing(self) -> bool {
        self.failed > 0 && self.failed >= self.ok
    }
}

impl Window {
    fn new(start: Instant) -> Window {
        Window { start, sources: HashMap::new(), failing: 0 }
    }
}

impl Breaker {
    /// A breaker with no history.
    pub fn new(settings: BreakerSettings) -> Breaker {
        let born = Instant::now();
        Breaker {
            settings,
            born,
            until_ms: AtomicU64::new(0),
            window: Mutex::new(Window::new(born)),
            calls: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            host_late: AtomicU64::new(0),
            input_cost: AtomicU64::new(0),
            quarantines: AtomicU64::new(0),
        }
    }

    /// The settings.
    pub fn settings(&self) -> &BreakerSettings {
        &self.settings
    }

    /// While the stage is quarantined, how long it still is.
    pub fn quarantined(&self) -> Option<Duration> {
        self.quarantined_at(Instant::now())
    }

    fn quarantined_at(&self, now: Instant) -> Option<Duration> {
        let until = self.until_ms.load(Ordering::Relaxed);
        let at = now.saturating_duration_since(self.born).as_millis() as u64;
        (until > at).then(|| Duration::from_millis(until - at))
    }

    /// Counts a call's outcome from `source`; returns the trip when this
    /// failure quarantines the stage.
    pub fn record(&self, source: Source, outcome: Outcome) -> Option<Trip> {
        self.record_at(source, outcome, Instant::now())
    }

    fn record_at(&self, source: Source, outcome: Outcome, now: Instant) -> Option<Trip> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let failed = match outcome {
            Outcome::Ok => false,
            Outcome::Failed => true,
            Outcome::HostLate => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                self.host_late.fetch_add(1, Ordering::Relaxed);
                return None;
            }
            Outcome::InputCost => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                self.input_cost.fetch_add(1, Ordering::Relaxed);
                return None;
            }
            Outcome::Refused => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                return None;
            }
        };
        if failed {
            self.failures.fetch_add(1, Ordering::Relaxed);
        }
        let s = &self.settings;
        if s.after == 0 {
            return None;
        }
        let mut w = self.window.lock().unwrap_or_else(|e| e.into_inner());
        if now < w.start {
            // A call that started before the quarantine it ends in.
            return None;
        }
        if now.duration_since(w.start) >= s.window {
            *w = Window::new(now);
        }
        if w.sources.len() >= MAX_SOURCES && !w.sources.contains_key(&source) {
            return None;
        }
        let tally = w.sources.entry(source).or_default();
        let before = tally.failing();
        if failed {
            tally.failed = tally.failed.saturating_add(1);
        } else {
            tally.ok = tally.ok.saturating_add(1);
        }
        let after = tally.failing();
        match (before, after) {
            (false, true) => w.failing += 1,
            (true, false) => w.failing -= 1,
            _ => {}
        }
        let tripped = failed
            && w.failing >= s.after as usize
            && w.failing as f64 >= s.rate * w.sources.len() as f64
            && self.quarantined_at(now).is_none();
        if !tripped {
            return None;
        }
        let trip = Trip { failing: w.failing, sources: w.sources.len(), quarantine: s.quarantine };
        let until = now + s.quarantine;
        self.until_ms
            .store(until.saturating_duration_since(self.born).as_millis() as u64, Ordering::Relaxed);
        self.quarantines.fetch_add(1, Ordering::Relaxed);
        // The next window starts when the quarantine ends.
        *w = Window::new(until);
        Some(trip)
    }

    /// The counters.
    pub fn counts(&self) -> Counts {
        Counts {
            calls: self.calls.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
            host_late: self.host_late.load(Ordering::Relaxed),
            input_cost: self.input_cost.load(Ordering::Relaxed),
            quarantines: self.quarantines.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Channel, Interaction};

    fn settings() -> BreakerSettings {
        BreakerSettings { after: 5, rate: 0.5, window: Duration::from_secs(10), quarantine: Duration::from_secs(30) }
    }

    fn customer(id: &str) -> Source {
        let mut ix = Interaction::new("T-1", Channel::Email, "hello");
        ix.customer.id = Some(id.to_string());
        Source::of(&ix)
    }

    #[test]
    fn sources_are_the_customer_else_the_text() {
        let text = |body: &str| Source::of(&Interaction::new("T-1", Channel::Email, body));
        assert_eq!(text("a"), Source::of(&Interaction::new("T-2", Channel::Chat, "a")), "the id does not count");
        assert_ne!(text("a"), text("b"));
        assert_eq!(customer("C-1"), customer(" C-1 "));
        assert_ne!(customer("C-1"), customer("C-2"));
        let mut ix = Interaction::new("T-3", Channel::Email, "anything else");
        ix.customer.id = Some("C-1".into());
        assert_eq!(Source::of(&ix), customer("C-1"), "one customer is one source whatever they write");
        // Long texts differing only in the middle are one source.
        let long = |c: char| format!("{}{c}{}", "x".repeat(5000), "y".repeat(5000));
        assert_eq!(text(&long('1')), text(&long('2')));
        assert_ne!(text(&long('1')), text(&format!("{}z", long('1'))));
    }

    #[test]
    fn one_source_failing_any_number_of_times_never_quarantines() {
        let b = Breaker::new(settings());
        let attacker = customer("C-attacker");
        let t = Instant::now();
        for i in 0..10_000 {
            assert_eq!(b.record_at(attacker, Outcome::Failed, t + Duration::from_millis(i)), None);
        }
        assert!(b.quarantined_at(t + Duration::from_secs(11)).is_none());
        assert_eq!(b.counts().failures, 10_000);
        assert_eq!(b.counts().quarantines, 0);
    }

    #[test]
    fn four_failing_customers_are_not_enough_five_are() {
        let b = Breaker::new(settings());
        let t = Instant::now();
        for i in 0..4 {
            assert!(b.record_at(customer(&format!("C-{i}")), Outcome::Failed, t).is_none());
        }
        let trip = b.record_at(customer("C-4"), Outcome::Failed, t).expect("the fifth failing customer trips");
        assert_eq!((trip.failing, trip.sources), (5, 5));
        assert_eq!(b.quarantined_at(t + Duration::from_secs(29)).map(|d| d.as_secs()), Some(1));
        assert!(b.quarantined_at(t + Duration::from_secs(30)).is_none());
    }

    #[test]
    fn the_rate_must_be_reached() {
        let b = Breaker::new(settings());
        let t = Instant::now();
        for i in 0..10 {
            b.record_at(customer(&format!("ok-{i}")), Outcome::Ok, t);
        }
        // 9 failing out of 19 sources: under half.
        for i in 0..9 {
            assert!(b.record_at(customer(&format!("bad-{i}")), Outcome::Failed, t).is_none());
        }
        // The tenth: 10 of 20.
        assert!(b.record_at(customer("bad-9"), Outcome::Failed, t).is_some());
    }

    #[test]
    fn a_source_fails_when_half_its_calls_fail() {
        let b = Breaker::new(settings());
        let t = Instant::now();
        for i in 0..5 {
            let c = customer(&format!("C-{i}"));
            b.record_at(c, Outcome::Ok, t);
            b.record_at(c, Outcome::Ok, t);
            // One failure in three calls: not failing.
            assert!(b.record_at(c, Outcome::Failed, t).is_none());
        }
        assert_eq!(b.window.lock().unwrap().failing, 0);
    }

    #[test]
    fn host_late_input_cost_and_refused_calls_do_not_count() {
        let b = Breaker::new(settings());
        let t = Instant::now();
        for i in 0..100 {
            assert!(b.record_at(customer(&format!("C-{i}")), Outcome::HostLate, t).is_none());
        }
        for i in 0..100 {
            assert!(b.record_at(customer(&format!("D-{i}")), Outcome::InputCost, t).is_none());
        }
        assert_eq!(b.counts(), Counts { calls: 200, failures: 200, host_late: 100, input_cost: 100, quarantines: 0 });
        assert!(b.window.lock().unwrap().sources.is_empty());
    }

    #[test]
    fn windows_roll_and_restart_after_a_quarantine() {
        let b = Breaker::new(settings());
        let t = Instant::now();
        for i in 0..4 {
            b.record_at(customer(&format!("C-{i}")), Outcome::Failed, t);
        }
        // Eleven seconds later the window has rolled: one more is not five.
        assert!(b.record_at(customer("C-4"), Outcome::Failed, t + Duration::from_secs(11)).is_none());
        let t2 = t + Duration::from_secs(12);
        for i in 5..8 {
            b.record_at(customer(&format!("C-{i}")), Outcome::Failed, t2);
        }
        assert!(b.record_at(customer("C-8"), Outcome::Failed, t2).is_some());
        // Calls finishing during the quarantine are not counted, and the
        // next window starts when it ends.
        assert!(b.record_at(customer("C-9"), Outcome::Failed, t2 + Duration::from_secs(1)).is_none());
        let after = t2 + Duration::from_secs(31);
        for i in 0..4 {
            assert!(b.record_at(customer(&format!("D-{i}")), Outcome::Failed, after).is_none());
        }
        assert!(b.record_at(customer("D-4"), Outcome::Failed, after).is_some());
        assert_eq!(b.counts().quarantines, 2);
    }

    #[test]
    fn the_window_tallies_a_bounded_number_of_sources() {
        let b = Breaker::new(settings());
        let t = Instant::now();
        for i in 0..(MAX_SOURCES + 100) {
            b.record_at(customer(&format!("C-{i}")), Outcome::Ok, t);
        }
        assert_eq!(b.window.lock().unwrap().sources.len(), MAX_SOURCES);
    }

    #[test]
    fn after_zero_never_quarantines() {
        let b = Breaker::new(BreakerSettings { after: 0, ..settings() });
        let t = Instant::now();
        for i in 0..100 {
            assert!(b.record_at(customer(&format!("C-{i}")), Outcome::Failed, t).is_none());
        }
    }
}
