//! Running case files: each case and invariant passes or fails, with the
//! expected and actual values and the decision's reasons when it fails.

use crate::cases::{Case, CaseFile};
use cxr_host::policy::Now;
use crate::expect::Mismatch;
use crate::invariant::{self, InvariantOutcome, InvariantSpec, summary};
use crate::style::Style;
use anyhow::Result;
use chrono::{DateTime, SecondsFormat, Utc};
use cxr_host::input::interaction_from_value;
use cxr_host::text::{Shown, neutralise, neutralise_lines};
use cxr_host::{Decision, Pipeline};
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Gives the pipeline for a case file: its own `pipeline` (resolved), or
/// `None` for the default the caller chose.
pub trait PipelineLoader {
    /// Loads (or returns a cached) pipeline.
    fn load(&mut self, pipeline: Option<&Path>) -> Result<Arc<Pipeline>>;
}

impl<F: FnMut(Option<&Path>) -> Result<Arc<Pipeline>>> PipelineLoader for F {
    fn load(&mut self, pipeline: Option<&Path>) -> Result<Arc<Pipeline>> {
        self(pipeline)
    }
}

/// How case files run.
#[derive(Debug, Clone)]
pub struct TestOptions {
    /// "now" for files that do not set one; the clock (read for each case,
    /// and for each line of an invariant) when `None`.
    pub now: Option<DateTime<Utc>>,
    /// Threads for invariants over input files.
    pub jobs: usize,
}

/// The results of one case file.
#[derive(Debug, Clone, Serialize)]
pub struct FileResult {
    /// The case file as given.
    pub file: String,
    /// The pipeline the file ran against (`reference` for the built-in one).
    pub pipeline: String,
    /// The "now" the decisions were made at: a time, or `clock`.
    pub now: Option<String>,
    /// Why the file could not be run at all (then `results` is empty).
    pub error: Option<String>,
    pub results: Vec<TestResult>,
    /// Wall time for the whole file, in seconds.
    pub seconds: f64,
}

/// The result of one case or invariant.
#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    /// `case` or `invariant`.
    pub kind: &'static str,
    pub name: String,
    pub passed: bool,
    /// Wall time, in seconds.
    pub seconds: f64,
    #[serde(flatten)]
    pub detail: Detail,
}

/// What a case or invariant found.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Detail {
    /// A case: the mismatches (none when it passed) and the decision.
    Case {
        id: String,
        mismatches: Vec<Mismatch>,
        decision: String,
        reasons: Vec<String>,
    },
    /// An invariant: the property and what the check found.
    Invariant {
        property: String,
        input: String,
        #[serde(flatten)]
        outcome: InvariantOutcome,
    },
    /// The case or invariant could not run (bad interaction, unreadable input).
    Error { error: String },
}

/// Totals over a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
}

impl Totals {
    /// Counts results over files; a file that could not run counts as one failure.
    pub fn of(files: &[FileResult]) -> Self {
        let mut t = Totals::default();
        for f in files {
            if f.error.is_some() {
                t.failed += 1;
            }
            for r in &f.results {
                if r.passed {
                    t.passed += 1;
                } else {
                    t.failed += 1;
                }
            }
        }
        t
    }
}

/// Runs one case file. Never fails: a file that cannot be run is a result
/// with `error` set.
pub fn run_file(path: &Path, loader: &mut dyn PipelineLoader, opts: &TestOptions) -> FileResult {
    let started = Instant::now();
    let mut result = FileResult {
        file: path.display().to_string(),
        pipeline: String::new(),
        now: None,
        error: None,
        results: Vec::new(),
        seconds: 0.0,
    };
    let file = match CaseFile::load(path) {
        Ok(f) => f,
        Err(e) => {
            result.error = Some(format!("{e:#}"));
            return result;
        }
    };
    result.pipeline = file.pipeline.as_ref().map_or("default".to_string(), |p| p.display().to_string());
    let pipeline = match loader.load(file.pipeline.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            result.error = Some(format!("{e:#}"));
            return result;
        }
    };
    let now = Now::from(file.now.or(opts.now));
    result.now = Some(match now {
        Now::Fixed(t) => t.to_rfc3339_opts(SecondsFormat::Secs, true),
        Now::Clock => "clock".to_string(),
    });
    for case in &file.cases {
        result.results.push(run_case(case, &pipeline, now));
    }
    for inv in &file.invariants {
        result.results.push(run_invariant(inv, &pipeline, now, opts.jobs));
    }
    result.seconds = started.elapsed().as_secs_f64();
    result
}

/// The interaction of a case: `id` defaults to the case name, then parsed
/// like an input line.
fn interaction(case: &Case) -> Result<cxr_host::Interaction, String> {
    let mut value = case.interaction.clone();
    let Value::Object(obj) = &mut value else {
        return Err("interaction: expected a table".to_string());
    };
    obj.entry("id").or_insert_with(|| Value::String(case.name.clone()));
    interaction_from_value(value).map_err(|e| format!("interaction: {e}"))
}

fn run_case(case: &Case, pipeline: &Pipeline, now: Now) -> TestResult {
    let started = Instant::now();
    let (passed, detail) = match interaction(case) {
        Err(error) => (false, Detail::Error { error }),
        Ok(ix) => {
            let d: Decision = pipeline.decide(&ix, now.at());
            let mut mismatches = case.expect.check(&d);
            mismatches.extend(unknown_queues(case, pipeline, &d));
            (
                mismatches.is_empty(),
                Detail::Case {
                    id: ix.id.clone(),
                    mismatches,
                    decision: summary(&d),
                    reasons: d.reasons,
                },
            )
        }
    };
    TestResult {
        kind: "case",
        name: case.name.clone(),
        passed,
        seconds: started.elapsed().as_secs_f64(),
        detail,
    }
}

/// The queues a case expects that the pipeline's `queues` list does not
/// have: such a case can never pass (a router naming them is out of contract).
fn unknown_queues(case: &Case, pipeline: &Pipeline, d: &Decision) -> Vec<Mismatch> {
    let (Some(known), Some(expected)) = (pipeline.known_queues(), &case.expect.queue) else {
        return Vec::new();
    };
    expected
        .as_slice()
        .iter()
        .filter(|q| !known.iter().any(|k| k.eq_ignore_ascii_case(q)))
        .map(|q| Mismatch {
            field: "queue".to_string(),
            expected: format!("{q} (unknown: not in the pipeline's `queues`: {})", known.join(", ")),
            actual: d.route.as_ref().map_or_else(|| "(none)".to_string(), |r| r.queue.clone()),
        })
        .collect()
}

fn run_invariant(spec: &InvariantSpec, pipeline: &Pipeline, now: Now, jobs: usize) -> TestResult {
    let started = Instant::now();
    let (passed, detail) = match invariant::check(spec, pipeline, now, jobs) {
        Err(e) => (false, Detail::Error { error: format!("{e:#}") }),
        Ok(outcome) => (
            outcome.violation_count == 0 && outcome.checked > 0,
            Detail::Invariant {
                property: spec.describe(),
                input: spec.input.display().to_string(),
                outcome,
            },
        ),
    };
    TestResult {
        kind: "invariant",
        name: spec.name.clone(),
        passed,
        seconds: started.elapsed().as_secs_f64(),
        detail,
    }
}

/// The case files to run for the given paths: files as given, folders
/// searched (not recursively) for `*.toml` and `*.json`, sorted.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| anyhow::anyhow!("reading folder {}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "toml" || x == "json"))
                .collect();
            found.sort();
            if found.is_empty() {
                anyhow::bail!("folder {} holds no case files (*.toml, *.json)", p.display());
            }
            out.extend(found);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            anyhow::bail!("case file {} does not exist", p.display());
        }
    }
    Ok(out)
}

/// The results as text for a person: a PASS/FAIL line per case and
/// invariant, details of each failure, and the summary line.
pub fn render_text(files: &[FileResult], style: Style) -> String {
    let mut out = String::new();
    for f in files {
        out.push_str(&format!("{}\n", style.bold(&neutralise(&f.file))));
        if let Some(e) = &f.error {
            out.push_str(&format!("  {}  the file could not be run\n", style.fail("FAIL")));
            push_indented(&mut out, &neutralise_lines(e), 8);
            continue;
        }
        for r in &f.results {
            let mark = if r.passed { style.pass("PASS") } else { style.fail("FAIL") };
            let what = if r.kind == "invariant" { format!("invariant: {}", Shown(&r.name)) } else { neutralise(&r.name).into_owned() };
            let note = match &r.detail {
                Detail::Invariant { outcome, .. } => format!(" ({} of {} interactions checked)", outcome.checked, outcome.lines),
                _ => String::new(),
            };
            out.push_str(&format!("  {mark}  {what}{}\n", style.dim(&note)));
            if !r.passed {
                render_failure(&mut out, r, style);
            }
        }
    }
    let t = Totals::of(files);
    let line = format!("{} passed, {} failed", t.passed, t.failed);
    out.push_str(&if t.failed == 0 { style.pass(&line) } else { style.fail(&line) });
    out.push('\n');
    out
}

fn render_failure(out: &mut String, r: &TestResult, style: Style) {
    match &r.detail {
        Detail::Error { error } => push_indented(out, &format!("error: {}", neutralise_lines(error)), 8),
        Detail::Case {
            id,
            mismatches,
            decision,
            reasons,
        } => {
            let width = mismatches.iter().map(|m| m.field.len()).max().unwrap_or(0);
            for m in mismatches {
                out.push_str(&format!(
                    "        {:<width$}  expected {}, actual {}\n",
                    m.field,
                    style.pass(&neutralise(&m.expected)),
                    style.fail(&neutralise(&m.actual))
                ));
            }
            out.push_str(&format!("        decision  {}: {}\n", Shown(id), Shown(decision)));
            push_reasons(out, reasons, 10);
        }
        Detail::Invariant { property, input, outcome } => {
            out.push_str(&format!("        property  {}\n        input     {}\n", Shown(property), Shown(input)));
            if outcome.checked == 0 {
                out.push_str("        no interaction of the input matched `where`: the invariant checked nothing\n");
            }
            if outcome.violation_count > 0 {
                out.push_str(&format!("        {} violation(s):\n", outcome.violation_count));
            }
            // The reasons trail of the first few violations; the rest in one line each.
            for (i, v) in outcome.violations.iter().take(10).enumerate() {
                out.push_str(&format!("        {} (line {}): {}\n", style.bold(&neutralise(&v.id)), v.line, Shown(&v.message)));
                if i < 3 {
                    push_reasons(out, &v.reasons, 12);
                }
            }
            if outcome.violation_count > 10 {
                out.push_str(&format!("        ... and {} more (see --json)\n", outcome.violation_count - 10));
            }
        }
    }
}

fn push_reasons(out: &mut String, reasons: &[String], indent: usize) {
    if reasons.is_empty() {
        return;
    }
    out.push_str(&format!("{:indent$}reasons:\n", ""));
    for r in reasons {
        out.push_str(&format!("{:indent$}  - {}\n", "", Shown(r)));
    }
}

fn push_indented(out: &mut String, text: &str, indent: usize) {
    for line in text.lines() {
        out.push_str(&format!("{:indent$}{line}\n", ""));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case_result(passed: bool) -> TestResult {
        TestResult {
            kind: "case",
            name: "gold <billing>".into(),
            passed,
            seconds: 0.001,
            detail: Detail::Case {
                id: "c1".into(),
                mismatches: if passed {
                    vec![]
                } else {
                    vec![Mismatch {
                        field: "queue".into(),
                        expected: "billing".into(),
                        actual: "orders".into(),
                    }]
                },
                decision: "queue orders (service, level 3, sentiment neutral +0.00), rule orders".into(),
                reasons: vec!["rule orders: keyword 'order' in body".into()],
            },
        }
    }

    #[test]
    fn text_shows_expected_actual_reasons_and_the_summary() {
        let files = vec![FileResult {
            file: "cases/a.toml".into(),
            pipeline: "default".into(),
            now: None,
            error: None,
            results: vec![case_result(true), case_result(false)],
            seconds: 0.0,
        }];
        let text = render_text(&files, Style::plain());
        assert!(text.contains("  PASS  gold <billing>\n"), "{text}");
        assert!(text.contains("  FAIL  gold <billing>\n"), "{text}");
        assert!(text.contains("queue  expected billing, actual orders"), "{text}");
        assert!(text.contains("- rule orders: keyword 'order' in body"), "{text}");
        assert!(text.ends_with("1 passed, 1 failed\n"), "{text}");
        assert_eq!(Totals::of(&files), Totals { passed: 1, failed: 1 });
    }

    #[test]
    fn a_file_that_cannot_run_is_a_failure() {
        let files = vec![FileResult {
            file: "cases/bad.toml".into(),
            pipeline: String::new(),
            now: None,
            error: Some("invalid TOML: expected `=`".into()),
            results: vec![],
            seconds: 0.0,
        }];
        let text = render_text(&files, Style::plain());
        assert!(text.contains("invalid TOML"), "{text}");
        assert!(text.ends_with("0 passed, 1 failed\n"), "{text}");
    }
}
