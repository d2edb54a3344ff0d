//! Any bytes as an input line: reading an interaction never panics, and a
//! record that reads is written back as JSON that reads again the same.
#![no_main]

use cxr_model::input::parse_interaction;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = parse_interaction(text);
    if let Ok(ix) = parsed.result {
        assert_eq!(parsed.id.as_deref(), Some(ix.id.as_str()));
        let json = serde_json_roundtrip(&ix);
        let again = parse_interaction(&json).result.expect("a written interaction reads back");
        assert_eq!(again.id, ix.id);
        assert_eq!(again.body, ix.body);
        assert_eq!(again.channel, ix.channel);
    }
});

fn serde_json_roundtrip(ix: &cxr_model::model::Interaction) -> String {
    cxr_model::model::to_json(ix)
}
