//! A counting gate: at most N holders at once, the others wait.
//!
//! With the pooling allocator an engine has a fixed number of instance
//! slots; an instantiation that finds them all taken would fail. Every
//! instance made on a pooled engine holds a place of its engine's gate for
//! as long as it lives, so a caller beyond the pool's size waits for a slot
//! instead of getting an error. (A decision in `isolate` mode, the only one
//! that runs on the pooled engine, holds one instance at a time, so waiting
//! cannot deadlock.)

use std::sync::{Arc, Condvar, Mutex, PoisonError};

/// Lets at most `capacity` holders in at once.
pub(crate) struct Gate {
    free: Mutex<u32>,
    freed: Condvar,
}

/// A place inside the gate, given back on drop.
pub(crate) struct Place(Arc<Gate>);

impl Gate {
    pub(crate) fn new(capacity: u32) -> Arc<Self> {
        Arc::new(Gate {
            free: Mutex::new(capacity.max(1)),
            freed: Condvar::new(),
        })
    }

    /// Waits for a free place and takes it.
    pub(crate) fn enter(self: &Arc<Self>) -> Place {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        Place(self.clone())
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_beyond_the_capacity_wait_for_a_place() {
        let gate = Gate::new(2);
        let a = gate.enter();
        let _b = gate.enter();
        let waiter = {
            let gate = gate.clone();
            std::thread::spawn(move || drop(gate.enter()))
        };
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(!waiter.is_finished(), "a third holder waits");
        drop(a);
        waiter.join().unwrap();
    }
}
