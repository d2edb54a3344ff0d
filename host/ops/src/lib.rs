//! # cxr-ops — the operator workflow
//!
//! What an operator needs before a plugin goes live, as a library the `cxr`
//! command line builds on:
//!
//! - [`cases`], [`expect`], [`invariant`], [`testing`], [`junit`]: case files
//!   holding interactions with the expected parts of their decisions, and
//!   invariants that must hold over a whole input file (`cxr test`);
//! - [`diff`]: what changes between two pipelines on the same input (`cxr diff`);
//! - [`bench`], [`stats`]: calls per second and per-hook latency, fuel and
//!   memory (`cxr bench`);
//! - [`report`]: self-contained HTML pages with inline SVG charts
//!   (`cxr route --report`, `cxr diff --report`);
//! - [`eval`]: a sentiment plugin or a classifier signal against a labelled
//!   TSV/CSV file: one table reader, one set of metrics (precision, recall,
//!   F1, macro-F1, confusion matrix, Pearson r, medians), reports rendered
//!   and escaped alike (`cxr eval`);
//! - [`cache`]: sizes, ages and reports of the compile cache (`cxr cache`);
//! - [`scaffold`]: a new plugin project in Rust, TypeScript, JavaScript or
//!   Python for any set of hooks (`cxr new`);
//! - [`decide`], [`progress`], [`style`]: deciding JSON Lines in order on
//!   several threads, the stderr progress bar, and `NO_COLOR`-aware colour.
//!
//! Everything here decides through [`cxr_host::Pipeline`]; nothing in this
//! crate runs plugin code any other way.

pub mod bench;
pub mod cache;
pub mod cases;
pub mod decide;
pub mod diff;
pub mod eval;
pub mod expect;
pub mod invariant;
pub mod junit;
pub mod progress;
pub mod report;
pub mod scaffold;
pub mod stats;
pub mod style;
pub mod testing;
