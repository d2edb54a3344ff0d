//! A compact string-to-id table for the lexicon: open addressing with
//! linear probing over 16-byte slots and one contiguous arena of key bytes,
//! so that a lookup of a key of up to eight bytes (most words) reads its
//! slots only, and a longer key one arena span more. Keys are fixed at
//! configure time.

/// One occupied slot, 16 bytes: the key's first eight bytes, a tag
/// (the hash's upper 24 bits and the key's length, capped at 255) and the
/// id. Keys of up to eight bytes (most words) compare without touching the
/// arena; longer ones compare their tail there.
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    prefix: u64,
    tag: u32,
    /// Id + 1; 0 marks an empty slot.
    id1: u32,
}

/// Where a key lies in the arena (read only for keys longer than eight bytes).
#[derive(Clone, Copy, Debug)]
struct Key {
    start: u32,
    len: u32,
}

/// Maps words to dense ids `0..len`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Vocab {
    arena: String,
    slots: Vec<Slot>,
    /// By id.
    keys: Vec<Key>,
}

impl Vocab {
    /// The id of `key`, if present.
    pub(crate) fn get(&self, key: &str) -> Option<u32> {
        self.get_bytes(key.as_bytes())
    }

    /// The id of the key whose UTF-8 bytes are `key`, if present.
    pub(crate) fn get_bytes(&self, key: &[u8]) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let (hash, prefix) = hash_prefix(key);
        let tag = tag(hash, key.len());
        let mask = self.slots.len() - 1;
        let mut i = index(tag) & mask;
        loop {
            let slot = self.slots[i];
            if slot.id1 == 0 {
                return None;
            }
            if slot.tag == tag && slot.prefix == prefix && (key.len() <= 8 || self.tail_is(slot.id1 - 1, key)) {
                return Some(slot.id1 - 1);
            }
            i = (i + 1) & mask;
        }
    }

    /// Whether the key of `id` (longer than eight bytes) is `key`.
    fn tail_is(&self, id: u32, key: &[u8]) -> bool {
        let k = self.keys[id as usize];
        let start = k.start as usize;
        k.len as usize == key.len() && self.arena.as_bytes()[start + 8..start + key.len()] == key[8..]
    }

    /// The id of `key`, inserting it with the next free id if absent.
    pub(crate) fn insert(&mut self, key: &str) -> u32 {
        if let Some(id) = self.get(key) {
            return id;
        }
        if (self.keys.len() + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let id = self.keys.len() as u32;
        self.keys.push(Key {
            start: self.arena.len() as u32,
            len: key.len() as u32,
        });
        self.arena.push_str(key);
        let (hash, prefix) = hash_prefix(key.as_bytes());
        self.place(Slot {
            prefix,
            tag: tag(hash, key.len()),
            id1: id + 1,
        });
        id
    }

    /// The key of `id`.
    pub(crate) fn key(&self, id: u32) -> &str {
        let k = self.keys[id as usize];
        &self.arena[k.start as usize..(k.start + k.len) as usize]
    }

    /// Number of keys.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    fn place(&mut self, slot: Slot) {
        let mask = self.slots.len() - 1;
        let mut i = index(slot.tag) & mask;
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

/// A slot's tag: the hash's upper 24 bits, the length (capped) below.
fn tag(hash: u32, len: usize) -> u32 {
    (hash & !0xff) | len.min(0xff) as u32
}

/// The first slot to probe for a tag (from its hash bits).
fn index(tag: u32) -> usize {
    (tag >> 8) as usize
}

/// FxHash-style multiplicative hash over 8-byte words, folded to 32 bits,
/// and the key's first eight bytes as a number (zero-padded), which is
/// also the hash's first word. Words are assembled in registers (no stack
/// round trip for the tail).
fn hash_prefix(bytes: &[u8]) -> (u32, u64) {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let word = |b: &[u8]| {
        b.iter()
            .enumerate()
            .fold(0u64, |w, (i, &b)| w | u64::from(b) << (8 * i))
    };
    let (head, tail) = bytes.split_at(bytes.len().min(8));
    let prefix = match <[u8; 8]>::try_from(head) {
        Ok(eight) => u64::from_le_bytes(eight),
        Err(_) => word(head),
    };
    let mut h: u64 = bytes.len() as u64;
    if !head.is_empty() {
        h = (h.rotate_left(5) ^ prefix).wrapping_mul(K);
    }
    let mut chunks = tail.chunks_exact(8);
    for chunk in &mut chunks {
        let w = <[u8; 8]>::try_from(chunk).map_or(0, u64::from_le_bytes);
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        h = (h.rotate_left(5) ^ word(rest)).wrapping_mul(K);
    }
    (((h >> 32) ^ h.rotate_left(13)) as u32, prefix)
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
        // a key of 255 bytes or more (its tag holds 255) compares its length
        let long = "x".repeat(300);
        assert_eq!(v.insert(&long), 1003);
        assert_eq!(v.get(&long), Some(1003));
        assert_eq!(v.get(&"x".repeat(299)), None);
        assert_eq!(v.get(&"x".repeat(301)), None);
        // a NUL byte is not padding
        assert_eq!(v.insert("ab"), 1004);
        assert_eq!(v.get("ab\0"), None);
    }
}
