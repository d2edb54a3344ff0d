//! The repeated-id check: the most recent ids of a batch or stream, to
//! flag an interaction whose id was already seen.

use super::records::Position;
use std::collections::{HashMap, VecDeque};

/// Remembers the most recent ids (up to a window) and where each was first
/// seen. Ids are kept as 64-bit hashes, so memory is fixed by the window,
/// not by id lengths.
#[derive(Debug, Clone)]
pub struct RecentIds {
    window: usize,
    seen: HashMap<u64, Position>,
    order: VecDeque<u64>,
}

impl RecentIds {
    /// Remembers the last `window` ids; `0` turns the check off.
    pub fn new(window: usize) -> Self {
        RecentIds {
            window,
            // Twice the window: with at most half the table in use, removals
            // and inserts rehash in place instead of growing the table.
            seen: HashMap::with_capacity(window.min(1 << 20) * 2),
            order: VecDeque::with_capacity(window.min(1 << 20)),
        }
    }

    /// Where `id` was first seen, if it was seen recently; else remembers it
    /// as seen at `at`.
    pub fn first_seen(&mut self, id: &str, at: Position) -> Option<Position> {
        if self.window == 0 {
            return None;
        }
        let key = {
            let mut h = std::hash::DefaultHasher::new();
            std::hash::Hash::hash(id, &mut h);
            std::hash::Hasher::finish(&h)
        };
        if let Some(&first) = self.seen.get(&key) {
            return Some(first);
        }
        if self.order.len() == self.window
            && let Some(old) = self.order.pop_front()
        {
            self.seen.remove(&old);
        }
        self.seen.insert(key, at);
        self.order.push_back(key);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_repeats_within_the_window() {
        let mut r = RecentIds::new(2);
        assert_eq!(r.first_seen("a", Position::Line(1)), None);
        assert_eq!(r.first_seen("a", Position::Line(2)), Some(Position::Line(1)));
        assert_eq!(r.first_seen("b", Position::Line(3)), None);
        assert_eq!(r.first_seen("c", Position::Line(4)), None); // "a" leaves the window
        assert_eq!(r.first_seen("a", Position::Line(5)), None);
        let mut off = RecentIds::new(0);
        assert_eq!(off.first_seen("a", Position::Line(1)), None);
        assert_eq!(off.first_seen("a", Position::Line(2)), None);
    }
}
