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

/// The deadline of the call running in a store.
#[derive(Debug, Clone)]
pub struct Deadline {
    cpu_start: Option<Duration>,
    wall_start: Instant,
    cpu_budget: Duration,
    wall_budget: Duration,
    /// CPU time the call had used when it was stopped.
    cpu_used: Duration,
    /// Whether the call was stopped by the wall-clock limit with CPU time
    /// left: the host, not the plugin, was late.
    host_late: bool,
}

impl Default for Deadline {
    fn default() -> Self {
        Deadline {
            cpu_start: None,
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
    /// `wall_ms` of wall-clock time.
    pub fn arm(&mut self, cpu_ms: u64, wall_ms: u64) {
        *self = Deadline {
            cpu_start: thread_cpu_time(),
            wall_start: Instant::now(),
            cpu_budget: Duration::from_millis(cpu_ms),
            wall_budget: Duration::from_millis(wall_ms.max(cpu_ms)),
            cpu_used: Duration::ZERO,
            host_late: false,
        };
    }

    /// Whether the last stop was the host's fault (see the module docs).
    pub fn host_late(&self) -> bool {
        self.host_late
    }

    /// The CPU time the call had used when it was stopped.
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
        let (Some(start), Some(now)) = (self.cpu_start, thread_cpu_time()) else {
            return UpdateDeadline::Interrupt;
        };
        self.cpu_used = now.saturating_sub(start);
        if self.cpu_used >= self.cpu_budget {
            return UpdateDeadline::Interrupt;
        }
        let wall = self.wall_start.elapsed();
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
    fn the_wall_limit_is_never_below_the_cpu_limit() {
        let mut d = Deadline::default();
        d.arm(200, 100);
        assert_eq!(d.wall_budget(), Duration::from_millis(200));
    }
}
