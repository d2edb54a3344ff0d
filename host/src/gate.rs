//! A counting gate: at most N decisions in flight, the rest wait.
//!
//! With the pooling allocator a runtime has a fixed number of instance
//! slots; a call that finds them all taken would fail. The pipeline sizes a
//! gate so that the decisions it lets through can never need more slots
//! than there are, and callers beyond that wait for a slot instead of
//! getting an error.

use std::sync::{Condvar, Mutex};

/// Lets at most `capacity` holders in at once.
pub(crate) struct Gate {
    free: Mutex<u32>,
    freed: Condvar,
}

/// A place inside the gate, given back on drop.
pub(crate) struct Pass<'a>(&'a Gate);

impl Gate {
    pub(crate) fn new(capacity: u32) -> Self {
        Gate {
            free: Mutex::new(capacity.max(1)),
            freed: Condvar::new(),
        }
    }

    /// Waits for a free place and takes it.
    pub(crate) fn enter(&self) -> Pass<'_> {
        let mut free = self.free.lock().unwrap();
        while *free == 0 {
            free = self.freed.wait(free).unwrap();
        }
        *free -= 1;
        Pass(self)
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap() += 1;
        self.0.freed.notify_one();
    }
}
