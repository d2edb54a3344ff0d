//! Reading JSON Lines input for the operator verbs: in chunks, with the
//! host's one line reader (`cxr_host::io`), so `cxr diff`, `cxr test`
//! invariants and `cxr bench` read a file exactly as `cxr route` does (the
//! same size cap, blank lines and invalid UTF-8 flagged, repeated ids found).

use anyhow::{Context as _, Result};
use cxr_host::io::{Input, LineReader, RecentIds};
use cxr_host::policy;
use std::io::BufRead;
use std::path::Path;

pub use cxr_host::io::par::default_jobs;
pub use cxr_host::io::par_map;

/// Lines read and decided together before the caller sees them.
pub const CHUNK_LINES: usize = 512;

/// Reads `reader` in chunks of [`CHUNK_LINES`] lines and hands each chunk to
/// `f`. Every input line is passed on, usable or not (too long, not UTF-8,
/// blank), so every line is accounted for.
pub fn for_each_chunk(reader: impl BufRead, mut f: impl FnMut(&[Input]) -> Result<()>) -> Result<()> {
    let mut lines = LineReader::new(reader, policy::MAX_INTERACTION_BYTES);
    loop {
        let chunk: Vec<Input> = lines.chunk(CHUNK_LINES).context("reading input")?.into_iter().map(Input::from).collect();
        if chunk.is_empty() {
            return Ok(());
        }
        f(&chunk)?;
    }
}

/// The repeated-id check of one input file, as `cxr route` applies it.
pub fn recent_ids() -> RecentIds {
    RecentIds::new(policy::DUPLICATE_WINDOW)
}

/// Opens a JSON Lines file for [`for_each_chunk`], naming the file on error.
pub fn open_input(path: &Path) -> Result<std::io::BufReader<std::fs::File>> {
    let file = cxr_host::fs::open_regular(path, "input")?;
    Ok(std::io::BufReader::with_capacity(1 << 16, file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxr_host::io::{Position, Problem};

    #[test]
    fn chunks_keep_every_line_and_flag_unusable_ones() {
        let input: &[u8] = b"{\"a\":1}\r\n\n\xff\nlast";
        let mut seen = Vec::new();
        for_each_chunk(input, |chunk| {
            seen.extend(chunk.iter().cloned());
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.len(), 4);
        assert!(matches!(&seen[0].text, Ok(cxr_host::io::Text::Json(t)) if t == "{\"a\":1}"));
        assert_eq!(seen[1].text.as_ref().err(), Some(&Problem::Empty));
        assert_eq!(seen[2].text.as_ref().err(), Some(&Problem::NotUtf8 { at: 0 }));
        assert_eq!(seen[3].position, Position::Line(4));
    }
}
