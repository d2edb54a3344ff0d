//! Any text as a pipeline file: parsing either succeeds or errs, never
//! panics; every accepted stage's config converts to JSON.
#![no_main]

use cxr_model::config::PipelineConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(config) = PipelineConfig::from_toml(text) {
        let stages = config.sentiment.iter().chain(config.priority.iter()).chain(config.routers.iter());
        for stage in stages {
            let _ = stage.config_json();
        }
    }
});
