//! Evaluation against labelled files (`cxr eval`): reading the table
//! ([`table`]), one set of figures ([`metrics`]), and the reports, all laid
//! out and escaped the same way ([`render`]):
//!
//! - [`sentiment`]: a sentiment plugin against gold ratings or labels;
//! - [`signal`]: a classifier's signal (`intent`, ...) against gold labels;
//! - [`privacy`]: the `[privacy]` masker against labelled personal data and
//!   near misses: recall per kind and format, false positives per class.
//!
//! Each report is plain data (`Serialize`, for `--json` through
//! `cxr_host::text::to_json_pretty`) with a `text()` for a terminal.

pub mod metrics;
pub mod privacy;
pub mod render;
pub mod sentiment;
pub mod signal;
pub mod table;
