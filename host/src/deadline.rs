//! Hook-call deadlines in the calling thread's CPU time, so that a healthy
//! plugin on an overloaded host is not blamed for the host's lateness.
//!
//! The epoch ticker interrupts a call when `timeout_ms` of *wall-clock*
//! time have passed. The store's epoch callback then reads the calling
//! thread's CPU time (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`): when the
//! call has used its `timeout_ms` of CPU, it is stopped (the plugin's
//! fault: "exceeded its deadline of 200 ms of CPU time"); when it has used
//! less, the host was busy elsewhere and the call goes on for the CPU time
//! it has left. Only when `wall_timeout_ms` of wall-clock time pass (by
//! default ten times `timeout_ms`) is a call stopped however little CPU it
//! got: that stop is the host's fault ([`Deadline::host_late`]), and the
//! failure policy does not count it against the plugin.
//!
//! On platforms without a per-thread CPU clock the wall clock stands in for
//! it (every deadline miss then counts, as before).
//!
//! **Reading the CPU clock rarely.** `CLOCK_THREAD_CPUTIME_ID` is not in
//! the vDSO: each read is a system call (about 3% of `cxr route` when every
//! hook call read it at its start). A call needs its starting CPU time only
//! if its deadline is ever reached, which a healthy call's never is. So
//! [`Deadline::arm`] reads the CPU clock only when the thread's last reading
//! (its *anchor*, kept per thread with the wall-clock instant it was taken)
//! is older than [`anchor_max_age`] of wall-clock time (1% of the CPU
//! budget, at most 1 ms); otherwise it reuses the anchor. A thread cannot
//! use more CPU time than wall-clock time passes, so the CPU time of the
//! thread at the call's start lies between the anchor's reading and that
//! reading plus the anchor's age (the *gap*). At a deadline the call's CPU
//! time is taken as `now - anchor` (at most the call's wall-clock time):
//! never less than what it really used, at most the gap more. The bound is
//! therefore never weakened: a call that used its `timeout_ms` of CPU is
//! always stopped; a call may be stopped having used at most 1% of its
//! budget (at most 1 ms) less than `timeout_ms`, when the host worked in the
//! gap. The wall-clock limit (`wall_timeout_ms`) is read from the monotonic
//! clock, as before.

use std::cell::Cell;
use std::time::{Duration, Instant};
use wasmtime::UpdateDeadline;

/// CPU time the calling thread has used, where the platform tells it.
pub fn thread_cpu_time() -> Option<Duration> {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `ts` is a valid, writable timespec; the clock id is a
        // constant the platform defines.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        (rc == 0).then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

thread_local! {
    /// The thread's last CPU clock reading and the wall-clock instant it
    /// was taken at (see the module docs).
    static ANCHOR: Cell<Option<(Duration, Instant)>> = const { Cell::new(None) };
}

/// How old (in wall-clock time) the thread's CPU clock reading may be for
/// a call with `cpu_budget` to start from it: 1% of the budget, at most 1 ms.
pub fn anchor_max_age(cpu_budget: Duration) -> Duration {
    (cpu_budget / 100).min(Duration::from_millis(1))
}

/// The thread's CPU time at most `max_age` ago (wall-clock), with how long
/// ago it was read; reads the clock when the last reading is older.
fn cpu_anchor(now: Instant, max_age: Duration) -> Option<(Duration, Duration)> {
    ANCHOR.with(|anchor| {
        if let Some((cpu, at)) = anchor.get() {
            let age = now.saturating_duration_since(at);
            if age <= max_age {
                return Some((cpu, age));
            }
        }
        let cpu = thread_cpu_time()?;
        anchor.set(Some((cpu, now)));
        Some((cpu, Duration::ZERO))
    })
}

/// The deadline of the call running in a store.
#[derive(Debug, Clone)]
pub struct Deadline {
    /// The thread's CPU time read shortly before the call started (at most
    /// [`anchor_max_age`] before): the call's CPU time at a deadline is at
    /// most `now - cpu_anchor`.
    cpu_anchor: Option<Duration>,
    wall_start: Instant,
    cpu_budget: Duration,
    wall_budget: Duration,
    /// CPU time the call had used when it was stopped (never below the
    /// exact figure, at most the anchor's age above it).
    cpu_used: Duration,
    /// Whether the call was stopped by the wall-clock limit with CPU time
    /// left: the host, not the plugin, was late.
    host_late: bool,
}

impl Default for Deadline {
    fn default() -> Self {
        Deadline {
            cpu_anchor: None,
            wall_start: Instant::now(),
            cpu_budget: Duration::ZERO,
            wall_budget: Duration::ZERO,
            cpu_used: Duration::ZERO,
            host_late: false,
        }
    }
}

impl Deadline {
    /// Starts the clock for a call with `cpu_ms` of CPU time and at most
    /// `wall_ms` of wall-clock time. Reads the CPU clock only when the
    /// thread's last reading is too old (see the module docs).
    pub fn arm(&mut self, cpu_ms: u64, wall_ms: u64) {
        let now = Instant::now();
        let cpu_budget = Duration::from_millis(cpu_ms);
        let anchor = cpu_anchor(now, anchor_max_age(cpu_budget));
        *self = Deadline {
            cpu_anchor: anchor.map(|(cpu, _)| cpu),
            wall_start: now,
            cpu_budget,
            wall_budget: Duration::from_millis(wall_ms.max(cpu_ms)),
            cpu_used: Duration::ZERO,
            host_late: false,
        };
    }

    /// Whether the last stop was the host's fault (see the module docs).
    pub fn host_late(&self) -> bool {
        self.host_late
    }

    /// The CPU time the call had used when it was stopped (at most 1% of
    /// the budget, at most 1 ms, above the exact figure).
    pub fn cpu_used(&self) -> Duration {
        self.cpu_used
    }

    /// The wall-clock limit of the call.
    pub fn wall_budget(&self) -> Duration {
        self.wall_budget
    }

    /// What to do when the call's epoch deadline is reached (`tick`: the
    /// length of an epoch tick): stop it, or let it run for the CPU time it
    /// has left.
    pub fn on_deadline(&mut self, tick: Duration) -> UpdateDeadline {
        let (Some(anchor), Some(now)) = (self.cpu_anchor, thread_cpu_time()) else {
            return UpdateDeadline::Interrupt;
        };
        let wall = self.wall_start.elapsed();
        // Never less than the CPU time the call used (see the module docs).
        self.cpu_used = now.saturating_sub(anchor).min(wall);
        if self.cpu_used >= self.cpu_budget {
            return UpdateDeadline::Interrupt;
        }
        if wall >= self.wall_budget {
            self.host_late = true;
            return UpdateDeadline::Interrupt;
        }
        // Wake up again when the CPU time left could be used up, and no
        // later than the wall-clock limit.
        let left = (self.cpu_budget - self.cpu_used).min(self.wall_budget - wall);
        let ticks = left.as_nanos().div_ceil(tick.as_nanos().max(1)) as u64;
        UpdateDeadline::Continue(ticks.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spin_cpu(d: Duration) {
        let start = thread_cpu_time().unwrap();
        while thread_cpu_time().unwrap() - start < d {
            std::hint::black_box(0u64);
        }
    }

    #[test]
    #[cfg(unix)]
    fn sleeping_is_not_using_cpu() {
        let mut d = Deadline::default();
        d.arm(50, 10_000);
        std::thread::sleep(Duration::from_millis(60));
        // 60 ms of wall time, little CPU: go on.
        assert!(matches!(d.on_deadline(Duration::from_millis(1)), UpdateDeadline::Continue(n) if n >= 1));
        assert!(!d.host_late());
        spin_cpu(Duration::from_millis(55));
        assert!(matches!(d.on_deadline(Duration::from_millis(1)), UpdateDeadline::Interrupt));
        assert!(!d.host_late(), "a call that used its CPU time is the plugin's fault");
        assert!(d.cpu_used() >= Duration::from_millis(50));
    }

    #[test]
    #[cfg(unix)]
    fn the_wall_clock_limit_stops_a_starved_call_as_the_hosts_fault() {
        let mut d = Deadline::default();
        d.arm(50, 60);
        std::thread::sleep(Duration::from_millis(70));
        assert!(matches!(d.on_deadline(Duration::from_millis(1)), UpdateDeadline::Interrupt));
        assert!(d.host_late());
    }

    #[test]
    #[cfg(unix)]
    fn a_recent_reading_is_reused_and_an_old_one_read_again() {
        std::thread::spawn(|| {
            let t0 = Instant::now();
            let max = Duration::from_millis(1);
            let (cpu, age) = cpu_anchor(t0, max).unwrap();
            assert_eq!(age, Duration::ZERO, "the first reading of a thread is taken now");
            let later = t0 + Duration::from_micros(500);
            assert_eq!(cpu_anchor(later, max), Some((cpu, Duration::from_micros(500))), "a reading 0.5 ms old is reused");
            spin_cpu(Duration::from_millis(2));
            let (fresh, age) = cpu_anchor(t0 + Duration::from_millis(2), max).unwrap();
            assert_eq!(age, Duration::ZERO, "a reading 2 ms old is not reused");
            assert!(fresh >= cpu + Duration::from_millis(2));
        })
        .join()
        .unwrap();
    }

    #[test]
    fn the_reading_may_be_at_most_one_percent_of_the_budget_old() {
        assert_eq!(anchor_max_age(Duration::from_millis(200)), Duration::from_millis(1));
        assert_eq!(anchor_max_age(Duration::from_millis(50)), Duration::from_micros(500));
        assert_eq!(anchor_max_age(Duration::from_millis(1)), Duration::from_micros(10));
    }

    #[test]
    #[cfg(unix)]
    fn a_call_started_from_a_reused_reading_is_still_stopped_at_its_budget() {
        std::thread::spawn(|| {
            let mut d = Deadline::default();
            // The first call reads the clock; the host then works a little
            // (less than the 0.5 ms a 50 ms budget lets a reading be reused).
            d.arm(50, 10_000);
            spin_cpu(Duration::from_micros(200));
            d.arm(50, 10_000);
            let armed = thread_cpu_time().unwrap();
            spin_cpu(Duration::from_millis(30));
            assert!(matches!(d.on_deadline(Duration::from_millis(1)), UpdateDeadline::Continue(_)), "20 ms of CPU left: go on");
            while thread_cpu_time().unwrap() - armed < Duration::from_millis(50) {
                std::hint::black_box(0u64);
            }
            assert!(matches!(d.on_deadline(Duration::from_millis(1)), UpdateDeadline::Interrupt));
            assert!(!d.host_late());
            assert!(d.cpu_used() >= Duration::from_millis(50), "never less than what the call used");
        })
        .join()
        .unwrap();
    }

    #[test]
    fn the_wall_limit_is_never_below_the_cpu_limit() {
        let mut d = Deadline::default();
        d.arm(200, 100);
        assert_eq!(d.wall_budget(), Duration::from_millis(200));
    }
}
