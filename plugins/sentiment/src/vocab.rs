//! A compact string-to-id table for the lexicon: open addressing with
//! linear probing over one contiguous arena of key bytes, so that a lookup
//! touches two cache lines at most. Keys are fixed at configure time.

/// One occupied slot: hash, the key's first eight bytes, its position in
/// the arena, id. Keys of up to eight bytes (most words) compare without
/// touching the arena.
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    hash: u32,
    len: u32,
    prefix: u64,
    start: u32,
    /// Id + 1; 0 marks an empty slot.
    id1: u32,
}

/// Maps words to dense ids `0..len`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Vocab {
    arena: String,
    slots: Vec<Slot>,
    len: u32,
}

impl Vocab {
    /// The id of `key`, if present.
    pub(crate) fn get(&self, key: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let key = key.as_bytes();
        let hash = hash(key);
        let prefix = prefix(key);
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.id1 == 0 {
                return None;
            }
            if slot.hash == hash && slot.prefix == prefix && slot.len as usize == key.len() {
                let start = slot.start as usize;
                if key.len() <= 8 || self.arena.as_bytes()[start + 8..start + key.len()] == key[8..]
                {
                    return Some(slot.id1 - 1);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// The id of `key`, inserting it with the next free id if absent.
    pub(crate) fn insert(&mut self, key: &str) -> u32 {
        if let Some(id) = self.get(key) {
            return id;
        }
        if (self.len as usize + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let id = self.len;
        self.len += 1;
        let start = self.arena.len() as u32;
        self.arena.push_str(key);
        self.place(Slot {
            hash: hash(key.as_bytes()),
            len: key.len() as u32,
            prefix: prefix(key.as_bytes()),
            start,
            id1: id + 1,
        });
        id
    }

    /// Number of keys.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    fn place(&mut self, slot: Slot) {
        let mask = self.slots.len() - 1;
        let mut i = slot.hash as usize & mask;
        while self.slots[i].id1 != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
    }

    /// Doubles the table (the load factor stays at most three quarters).
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        for slot in old.into_iter().filter(|s| s.id1 != 0) {
            self.place(slot);
        }
    }
}

/// The first eight bytes of a key as a number (zero-padded).
fn prefix(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .take(8)
        .enumerate()
        .fold(0u64, |w, (i, &b)| w | u64::from(b) << (8 * i))
}

/// FxHash-style multiplicative hash over 8-byte words, folded to 32 bits.
/// Words are assembled in registers (no stack round trip for the tail).
fn hash(bytes: &[u8]) -> u32 {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let mut h: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = <[u8; 8]>::try_from(chunk).map_or(0, u64::from_le_bytes);
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let word = rest
            .iter()
            .enumerate()
            .fold(0u64, |w, (i, &b)| w | u64::from(b) << (8 * i));
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    ((h >> 32) ^ h.rotate_left(13)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_and_get() {
        let mut v = Vocab::default();
        assert_eq!(v.get("x"), None);
        let words: Vec<String> = (0..1000).map(|i| format!("w{i}")).collect();
        for (i, w) in words.iter().enumerate() {
            assert_eq!(v.insert(w), i as u32);
        }
        assert_eq!(v.insert("w17"), 17);
        assert_eq!(v.len(), 1000);
        for (i, w) in words.iter().enumerate() {
            assert_eq!(v.get(w), Some(i as u32));
        }
        assert_eq!(v.get("w1000"), None);
        assert_eq!(v.get(""), None);
        assert_eq!(v.insert("😡"), 1000);
        assert_eq!(v.get("😡"), Some(1000));
        // keys sharing their first eight bytes
        assert_eq!(v.insert("unacceptable"), 1001);
        assert_eq!(v.insert("unaccepted"), 1002);
        assert_eq!(v.get("unacceptable"), Some(1001));
        assert_eq!(v.get("unaccepted"), Some(1002));
        assert_eq!(v.get("unacceptabl"), None);
        assert_eq!(v.get("unacceptablf"), None);
    }
}
