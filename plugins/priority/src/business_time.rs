//! Business-time arithmetic on a [`Calendar`]: the instant that lies a
//! number of business milliseconds after an arrival (the due time), and the
//! business time between two instants (the time waited).
//!
//! Both walk the calendar's open intervals day by day in its time zone, so
//! DST changes, midnight, month and year ends, holidays and overnight
//! windows go through the same few lines. All times are milliseconds since
//! the Unix epoch; results are exact to the millisecond.

use jiff::civil::Date;

use crate::calendar::Calendar;

/// Local days either computation walks at most, counted from the day
/// before the arrival (a year and a month). A due time further away is
/// reported as none; a wait longer than that counts the business time
/// within it and says so ([`Elapsed::complete`]). It bounds the work of one
/// hook call (about 5 000 fuel per day walked, see the README).
pub const HORIZON_DAYS: u32 = 400;

/// Business time between two instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed {
    /// Business milliseconds.
    pub ms: i64,
    /// False when the end lies beyond the horizon: `ms` then counts only
    /// the first [`HORIZON_DAYS`] days.
    pub complete: bool,
}

/// How a walk over the open intervals ended.
enum Walk {
    /// The visitor stopped it, or no later date exists.
    Stopped,
    /// It reached the horizon: this local date is the first it did not walk.
    Ran(Date),
    /// The start lies outside the dates the time-zone library represents.
    OutOfRange,
}

/// Visits the calendar's open intervals, in order and without overlap,
/// from the local day before `from`'s (whose overnight window may cover
/// `from`) for at most `HORIZON_DAYS + 1` days; `visit` returns false to stop.
fn walk(cal: &Calendar, from: i64, mut visit: impl FnMut(i64, i64) -> bool) -> Walk {
    let Some(start) = cal.local_date(from) else {
        return Walk::OutOfRange;
    };
    let mut date = start.yesterday().unwrap_or(start);
    let mut intervals = Vec::new();
    let mut covered = i64::MIN;
    for _ in 0..=HORIZON_DAYS {
        intervals.clear();
        cal.open_intervals(date, &mut intervals);
        for &(s, e) in &intervals {
            let s = s.max(covered);
            if e <= s {
                continue;
            }
            covered = e;
            if !visit(s, e) {
                return Walk::Stopped;
            }
        }
        match date.tomorrow() {
            Ok(next) => date = next,
            // The last date the library represents: nothing opens later.
            Err(_) => return Walk::Stopped,
        }
    }
    Walk::Ran(date)
}

/// The instant `amount` business milliseconds after `from`: the end of the
/// business time that starts at `from` (or at the next opening) and lasts
/// `amount`. A due time that falls exactly on a closing time is that
/// closing time. `None` when it lies beyond the horizon.
pub fn add(cal: &Calendar, from: i64, amount: i64) -> Option<i64> {
    if amount <= 0 {
        return Some(from);
    }
    let mut left = amount;
    let mut due = None;
    walk(cal, from, |s, e| {
        let s = s.max(from);
        if e <= s {
            return true;
        }
        if e - s >= left {
            due = Some(s + left);
            return false;
        }
        left -= e - s;
        true
    });
    due
}

/// The business time in `[from, to)`; zero when `to` is not after `from`.
pub fn elapsed(cal: &Calendar, from: i64, to: i64) -> Elapsed {
    if to <= from {
        return Elapsed {
            ms: 0,
            complete: true,
        };
    }
    let mut ms = 0i64;
    let walked = walk(cal, from, |s, e| {
        if s >= to {
            return false;
        }
        let (a, b) = (s.max(from), e.min(to));
        if b > a {
            ms += b - a;
        }
        e < to
    });
    let complete = match walked {
        Walk::Stopped | Walk::OutOfRange => true,
        // Intervals of later dates start after that date's end.
        Walk::Ran(next) => cal.local_date(to).is_none_or(|d| d < next),
    };
    Elapsed { ms, complete }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const H: i64 = 3_600_000;

    fn ms(rfc3339: &str) -> i64 {
        rfc3339.parse::<jiff::Timestamp>().unwrap().as_millisecond()
    }

    #[test]
    fn a_walk_stops_at_the_horizon() {
        // Open one hour on 2026-01-01 only.
        let cal = Calendar::parse(
            "once",
            json!({"time_zone": "UTC", "hours": {},
                   "exceptions": [{"date": "2026-01-01", "hours": ["09:00-10:00"]}]}),
        )
        .unwrap();
        let from = ms("2025-12-31T12:00:00Z");
        assert_eq!(add(&cal, from, H), Some(ms("2026-01-01T10:00:00Z")));
        assert_eq!(
            add(&cal, from, H + 1),
            None,
            "no more opening hours within the horizon"
        );
        let e = elapsed(&cal, from, ms("2027-01-01T00:00:00Z"));
        assert_eq!(
            e,
            Elapsed {
                ms: H,
                complete: true
            }
        );
        let e = elapsed(&cal, from, ms("2027-03-01T00:00:00Z"));
        assert_eq!(
            e,
            Elapsed {
                ms: H,
                complete: false
            }
        );
    }

    #[test]
    fn instants_the_tz_library_cannot_represent_count_as_closed() {
        let cal = Calendar::parse(
            "all",
            json!({"time_zone": "UTC", "hours": {"mon-sun": ["00:00-24:00"]}}),
        )
        .unwrap();
        assert_eq!(add(&cal, i64::MAX - 5, H), None);
        assert_eq!(elapsed(&cal, i64::MIN, i64::MIN + 10).ms, 0);
    }
}
