//! What changes between two pipelines deciding the same input: counts per
//! field (every field of [`DecisionField`]: queue, discipline, level,
//! score, due time, sentiment label and score, signals, skills, language,
//! tags, actions, rule, degraded stages, error kind), the queue-to-queue
//! matrix, priority shifts, discipline and label changes, and examples.
//! Deterministic: the same decisions always give the same diff, in the
//! same order.

use crate::decide::{for_each_chunk, par_map, recent_ids};
use crate::invariant::summary;
use crate::style::Style;
use anyhow::Result;
use cxr_host::text::{Shown, neutralise};
use cxr_host::policy::Now;
use cxr_host::{Decision, DecisionField, ErrorKind, Pipeline};
use std::io::BufRead;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// A part of a decision the diff compares: the one vocabulary of decision
/// fields (`cxr_host::fields`), shared with shadow mode and the metrics.
pub type Field = DecisionField;

/// One interaction decided differently.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub id: String,
    pub line: u64,
    /// Each changed field with its base and candidate values.
    pub changes: BTreeMap<Field, (String, String)>,
    /// The base decision in one line.
    pub base: String,
    /// The candidate decision in one line.
    pub candidate: String,
    /// Reasons only the base gave.
    pub base_reasons: Vec<String>,
    /// Reasons only the candidate gave.
    pub candidate_reasons: Vec<String>,
}

/// Options for gathering a diff.
#[derive(Debug, Clone, Copy)]
pub struct DiffOptions {
    /// Examples kept per changed field.
    pub examples: usize,
    /// Keep every changed interaction (for `--json`).
    pub keep_all: bool,
}

/// Everything that changed between the base and the candidate.
#[derive(Debug, Clone, Default)]
pub struct Diff {
    /// Interactions compared.
    pub total: u64,
    /// Interactions with at least one changed field.
    pub changed: u64,
    /// Changed interactions per field.
    pub fields: BTreeMap<Field, u64>,
    /// Interactions moved from one queue (base) to another (candidate).
    pub queue_moves: BTreeMap<(String, String), u64>,
    /// Interactions per queue in the base.
    pub base_queues: BTreeMap<String, u64>,
    /// Interactions per queue in the candidate.
    pub candidate_queues: BTreeMap<String, u64>,
    /// Priority level shift (candidate − base; negative is more urgent) → count, for -3..=3.
    pub level_shift: BTreeMap<i8, u64>,
    pub discipline_moves: BTreeMap<(String, String), u64>,
    pub label_moves: BTreeMap<(String, String), u64>,
    /// The first changed interactions per field.
    pub examples: BTreeMap<Field, Vec<Change>>,
    /// Every changed interaction, when `keep_all` was set.
    pub interactions: Vec<Change>,
    /// Unknown queues, when a pipeline lists its `queues`.
    pub unknown: UnknownQueues,
}

/// Queues outside a pipeline's `queues` list, as `cxr diff` flags them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UnknownQueues {
    /// Queues the candidate decided that the base's `queues` does not list, with counts.
    pub not_in_base: BTreeMap<String, u64>,
    /// Queues the base decided that the candidate's `queues` does not list, with counts.
    pub not_in_candidate: BTreeMap<String, u64>,
    /// Routes the base refused because their queue is not in its own `queues`.
    pub refused_by_base: u64,
    /// Routes the candidate refused because their queue is not in its own `queues`.
    pub refused_by_candidate: u64,
}

impl UnknownQueues {
    /// Whether nothing was flagged.
    pub fn is_empty(&self) -> bool {
        self.not_in_base.is_empty() && self.not_in_candidate.is_empty() && self.refused_by_base == 0 && self.refused_by_candidate == 0
    }

    /// Counts the queues of one pair of decisions against the other side's list.
    pub fn add(&mut self, base: &Decision, candidate: &Decision, base_known: Option<&[String]>, candidate_known: Option<&[String]>) {
        let outside = |d: &Decision, known: Option<&[String]>| {
            let q = d.route.as_ref().map(|r| r.queue.as_str())?;
            known.filter(|k| !k.iter().any(|x| x == q)).map(|_| q.to_string())
        };
        if let Some(q) = outside(candidate, base_known) {
            *self.not_in_base.entry(q).or_default() += 1;
        }
        if let Some(q) = outside(base, candidate_known) {
            *self.not_in_candidate.entry(q).or_default() += 1;
        }
        // Refused by the failing stage's policy: the decision's error, or a
        // degraded router (the next router or the fallback decided).
        let refused = |d: &Decision| {
            d.error_kind == Some(ErrorKind::UnknownQueue) || d.degraded.iter().any(|s| s.error_kind == ErrorKind::UnknownQueue)
        };
        self.refused_by_base += u64::from(refused(base));
        self.refused_by_candidate += u64::from(refused(candidate));
    }
}

impl Diff {
    /// An empty diff.
    pub fn new() -> Self {
        Diff {
            fields: Field::ALL.into_iter().map(|f| (f, 0)).collect(),
            level_shift: (-3..=3).map(|s| (s, 0)).collect(),
            ..Diff::default()
        }
    }

    /// Adds one interaction as the base and the candidate decided it.
    pub fn add(&mut self, base: &Decision, candidate: &Decision, opts: DiffOptions) {
        self.total += 1;
        let q0 = Field::Queue.read(base);
        let q1 = Field::Queue.read(candidate);
        *self.base_queues.entry(q0.clone()).or_default() += 1;
        *self.candidate_queues.entry(q1.clone()).or_default() += 1;
        if let (Some(p0), Some(p1)) = (&base.priority, &candidate.priority) {
            let shift = (p1.level as i8 - p0.level as i8).clamp(-3, 3);
            *self.level_shift.entry(shift).or_default() += 1;
        }
        let changes: BTreeMap<Field, (String, String)> = cxr_host::fields::differences(base, candidate)
            .into_iter()
            .map(|d| (d.field, (d.before, d.after)))
            .collect();
        if changes.is_empty() {
            return;
        }
        self.changed += 1;
        for (field, (a, b)) in &changes {
            *self.fields.entry(*field).or_default() += 1;
            let moves = match field {
                Field::Queue => Some(&mut self.queue_moves),
                Field::Discipline => Some(&mut self.discipline_moves),
                Field::Label => Some(&mut self.label_moves),
                _ => None,
            };
            if let Some(m) = moves {
                *m.entry((a.clone(), b.clone())).or_default() += 1;
            }
        }
        let base_set: BTreeSet<&String> = base.reasons.iter().collect();
        let cand_set: BTreeSet<&String> = candidate.reasons.iter().collect();
        let change = Change {
            id: candidate.id.clone(),
            line: candidate.line.or(base.line).unwrap_or(self.total),
            changes,
            base: summary(base),
            candidate: summary(candidate),
            base_reasons: base.reasons.iter().filter(|r| !cand_set.contains(r)).cloned().collect(),
            candidate_reasons: candidate.reasons.iter().filter(|r| !base_set.contains(r)).cloned().collect(),
        };
        for field in change.changes.keys() {
            let list = self.examples.entry(*field).or_default();
            if list.len() < opts.examples {
                list.push(change.clone());
            }
        }
        if opts.keep_all {
            self.interactions.push(change);
        }
    }

    /// True when any of `fields` changed for some interaction.
    pub fn any_changed(&self, fields: &[Field]) -> bool {
        fields.iter().any(|f| self.fields.get(f).copied().unwrap_or(0) > 0)
    }

    /// Queues that lost interactions (rows of the matrix), sorted.
    pub fn moved_from(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self.queue_moves.keys().map(|(a, _)| a.as_str()).collect();
        set.into_iter().collect()
    }

    /// Queues that gained interactions (columns of the matrix), sorted.
    pub fn moved_to(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self.queue_moves.keys().map(|(_, b)| b.as_str()).collect();
        set.into_iter().collect()
    }

    /// The diff as JSON, with what was compared.
    pub fn to_json(&self, meta: &DiffMeta) -> Value {
        let moves = |m: &BTreeMap<(String, String), u64>| -> Vec<Value> {
            m.iter().map(|((a, b), n)| json!({"from": a, "to": b, "count": n})).collect()
        };
        json!({
            "base": meta.base,
            "candidate": meta.candidate,
            "input": meta.input,
            "now": meta.now,
            "total": self.total,
            "changed": self.changed,
            "fields": self.fields.iter().map(|(f, n)| (f.name().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "queue_moves": moves(&self.queue_moves),
            "base_queues": self.base_queues,
            "candidate_queues": self.candidate_queues,
            "level_shift": self.level_shift.iter().map(|(s, n)| (format!("{s:+}"), json!(n))).collect::<serde_json::Map<_, _>>(),
            "discipline_moves": moves(&self.discipline_moves),
            "label_moves": moves(&self.label_moves),
            "interactions": self.interactions.iter().map(change_json).collect::<Vec<_>>(),
            "unknown_queues": self.unknown,
        })
    }

    /// The diff as text for a person.
    pub fn render_text(&self, meta: &DiffMeta, style: Style) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "{} base {}  vs  candidate {}\n",
            style.bold("cxr diff:"),
            Shown(&meta.base),
            Shown(&meta.candidate)
        ));
        out.push_str(&format!(
            "input {}: {} interactions, {} changed (decided as of {})\n",
            Shown(&meta.input),
            self.total,
            self.changed,
            Shown(&meta.now)
        ));
        self.unknown_queues_text(&mut out, style);
        if self.changed == 0 {
            out.push_str("no decision changed\n");
            return out;
        }
        out.push_str(&format!("\n{}\n", style.bold("changed fields")));
        for (f, n) in &self.fields {
            out.push_str(&format!("  {:<15} {n:>6}\n", f.name()));
        }
        if !self.queue_moves.is_empty() {
            out.push_str(&format!("\n{}\n", style.bold("queue moves (rows: base queue, columns: candidate queue)")));
            out.push_str(&self.queue_matrix_text());
        }
        out.push_str(&format!(
            "\n{}\n",
            style.bold("priority level shift (candidate - base; negative = more urgent)")
        ));
        let max = self.level_shift.values().copied().max().unwrap_or(0).max(1);
        for (s, n) in &self.level_shift {
            let bar = "#".repeat(((*n as f64 / max as f64) * 40.0).ceil() as usize);
            out.push_str(format!("  {s:>+3} {n:>6}  {bar}").trim_end());
            out.push('\n');
        }
        for (title, moves) in [("discipline changes", &self.discipline_moves), ("label changes", &self.label_moves)] {
            out.push_str(&format!("\n{}\n", style.bold(title)));
            if moves.is_empty() {
                out.push_str("  (none)\n");
            }
            for ((a, b), n) in moves {
                out.push_str(&format!("  {} -> {}  {n}\n", Shown(a), Shown(b)));
            }
        }
        let examples = self.example_changes();
        if !examples.is_empty() {
            out.push_str(&format!("\n{}\n", style.bold("examples")));
        }
        for c in examples {
            out.push_str(&format!("  {} (line {})\n", style.bold(&neutralise(&c.id)), c.line));
            for (field, (a, b)) in &c.changes {
                out.push_str(&format!("      {:<15} {} -> {}\n", field.name(), Shown(a), Shown(b)));
            }
            out.push_str(&format!("      base:      {}\n", Shown(&c.base)));
            out.push_str(&format!("      candidate: {}\n", Shown(&c.candidate)));
            for r in &c.base_reasons {
                out.push_str(&format!("      {} {}\n", style.fail("-"), Shown(r)));
            }
            for r in &c.candidate_reasons {
                out.push_str(&format!("      {} {}\n", style.pass("+"), Shown(r)));
            }
        }
        out
    }

    fn unknown_queues_text(&self, out: &mut String, style: Style) {
        let u = &self.unknown;
        if u.is_empty() {
            return;
        }
        let list = |m: &BTreeMap<String, u64>| m.iter().map(|(q, n)| format!("{} ({n})", Shown(q))).collect::<Vec<_>>().join(", ");
        out.push_str(&format!("{}\n", style.fail("unknown queues")));
        if !u.not_in_base.is_empty() {
            out.push_str(&format!("  the candidate decides queues the base's `queues` does not list: {}\n", list(&u.not_in_base)));
        }
        if !u.not_in_candidate.is_empty() {
            out.push_str(&format!("  the base decides queues the candidate's `queues` does not list: {}\n", list(&u.not_in_candidate)));
        }
        if u.refused_by_base + u.refused_by_candidate > 0 {
            out.push_str(&format!(
                "  routes refused for a queue outside the pipeline's own `queues`: base {}, candidate {}\n",
                u.refused_by_base, u.refused_by_candidate
            ));
        }
    }

    /// The examples of every field, each interaction once, in input order.
    pub fn example_changes(&self) -> Vec<&Change> {
        let mut seen = BTreeSet::new();
        let mut list: Vec<&Change> = self
            .examples
            .values()
            .flatten()
            .filter(|c| seen.insert((c.line, c.id.as_str())))
            .collect();
        list.sort_by(|a, b| a.line.cmp(&b.line).then_with(|| a.id.cmp(&b.id)));
        list
    }

    /// The queue matrix as a text table with totals.
    fn queue_matrix_text(&self) -> String {
        let rows = self.moved_from();
        let cols = self.moved_to();
        let shown = |list: &[&str]| list.iter().map(|q| neutralise(q).into_owned()).collect::<Vec<String>>();
        let (row_names, col_names) = (shown(rows.as_slice()), shown(cols.as_slice()));
        let first = row_names.iter().map(|r| r.chars().count()).chain(["moved in".len()]).max().unwrap_or(8);
        let widths: Vec<usize> = col_names.iter().map(|c| c.chars().count().max(5)).collect();
        let mut out = format!("  {:<first$}", "");
        for (c, w) in col_names.iter().zip(&widths) {
            out.push_str(&format!("  {c:>w$}"));
        }
        out.push_str("  | moved out   kept\n");
        let mut col_totals = vec![0u64; cols.len()];
        for (r, name) in rows.iter().zip(&row_names) {
            out.push_str(&format!("  {name:<first$}"));
            let mut row_total = 0;
            for (i, (c, w)) in cols.iter().zip(&widths).enumerate() {
                let n = self.queue_moves.get(&(r.to_string(), c.to_string())).copied().unwrap_or(0);
                row_total += n;
                col_totals[i] += n;
                let cell = if n == 0 { ".".to_string() } else { n.to_string() };
                out.push_str(&format!("  {cell:>w$}"));
            }
            let kept = self.base_queues.get(*r).copied().unwrap_or(0) - row_total;
            out.push_str(&format!("  | {row_total:>9} {kept:>6}\n"));
        }
        out.push_str(&format!("  {:<first$}", "moved in"));
        for (n, w) in col_totals.iter().zip(&widths) {
            out.push_str(&format!("  {n:>w$}"));
        }
        let total: u64 = col_totals.iter().sum();
        out.push_str(&format!("  | {total:>9}\n"));
        out
    }
}

/// Decides every line of `reader` with both pipelines, each line as of the
/// same `now` on both sides (one clock reading per line when `now` is the
/// clock), and gathers the differences. Lines are read as `cxr route`
/// reads them: a line that is not an interaction, or repeats an id, is the
/// same error record on both sides. `progress` gets the lines done so far.
pub fn compare(
    base: &Pipeline,
    candidate: &Pipeline,
    reader: impl BufRead,
    now: Now,
    jobs: usize,
    opts: DiffOptions,
    mut progress: impl FnMut(u64),
) -> Result<Diff> {
    let mut diff = Diff::new();
    let (base_known, candidate_known) = (base.known_queues(), candidate.known_queues());
    let mut seen = recent_ids();
    for_each_chunk(reader, |chunk| {
        let decided = par_map(chunk, jobs, |input| {
            let read = input.read();
            let at = now.at();
            (read.decide(base, at), read.decide(candidate, at), read)
        });
        for (b, c, read) in decided {
            let (b, c) = match read.repeated(&mut seen) {
                Some(record) => (record.clone(), record),
                None => (b, c),
            };
            diff.add(&b, &c, opts);
            diff.unknown.add(&b, &c, base_known, candidate_known);
        }
        progress(diff.total);
        Ok(())
    })?;
    Ok(diff)
}

fn change_json(c: &Change) -> Value {
    json!({
        "id": c.id,
        "line": c.line,
        "changes": c.changes.iter().map(|(f, (a, b))| (f.name().to_string(), json!({"base": a, "candidate": b}))).collect::<serde_json::Map<_, _>>(),
        "base": c.base,
        "candidate": c.candidate,
        "base_reasons": c.base_reasons,
        "candidate_reasons": c.candidate_reasons,
    })
}

/// What was compared, for the report's header.
#[derive(Debug, Clone, Serialize)]
pub struct DiffMeta {
    pub base: String,
    pub candidate: String,
    pub input: String,
    pub now: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxr_host::model::{Discipline, PriorityResult, RouteResult};

    fn d(id: &str, queue: &str, discipline: Discipline, level: u8) -> Decision {
        let mut d = Decision::error_record(id, Some(1), cxr_host::ErrorKind::Input, "x");
        d.error = None;
        d.error_kind = None;
        d.discipline = Some(discipline);
        d.priority = Some(PriorityResult {
            level,
            score: 0,
            first_response_due: None,
        });
        d.route = Some(RouteResult {
            queue: queue.into(),
            skills: vec![],
            language: None,
            actions: vec![],
            tags: vec![],
            rule: Some(queue.into()),
            fallback: false,
        });
        d.reasons = vec![format!("rule {queue}")];
        d
    }

    const OPTS: DiffOptions = DiffOptions {
        examples: 2,
        keep_all: true,
    };

    #[test]
    fn identical_decisions_change_nothing() {
        let mut diff = Diff::new();
        let a = d("A", "billing", Discipline::Service, 2);
        diff.add(&a, &a.clone(), OPTS);
        assert_eq!(diff.changed, 0);
        assert!(!diff.any_changed(&Field::ALL));
        assert_eq!(diff.level_shift[&0], 1);
    }

    #[test]
    fn moves_shifts_and_examples_are_counted() {
        let mut diff = Diff::new();
        diff.add(&d("A", "orders", Discipline::Service, 3), &d("A", "retention", Discipline::Care, 2), OPTS);
        diff.add(&d("B", "orders", Discipline::Service, 3), &d("B", "orders", Discipline::Service, 3), OPTS);
        diff.add(&d("C", "orders", Discipline::Service, 4), &d("C", "retention", Discipline::Care, 1), OPTS);
        assert_eq!((diff.total, diff.changed), (3, 2));
        assert_eq!(diff.queue_moves[&("orders".into(), "retention".into())], 2);
        assert_eq!(diff.discipline_moves[&("service".into(), "care".into())], 2);
        assert_eq!(diff.level_shift[&-1], 1);
        assert_eq!(diff.level_shift[&-3], 1);
        assert_eq!(diff.fields[&Field::Label], 0);
        assert!(diff.any_changed(&[Field::Queue]));
        assert!(!diff.any_changed(&[Field::Label]));
        let ex = &diff.examples[&Field::Queue][0];
        assert_eq!(ex.id, "A");
        assert_eq!(ex.base_reasons, ["rule orders"]);
        assert_eq!(ex.candidate_reasons, ["rule retention"]);
        let meta = DiffMeta {
            base: "a".into(),
            candidate: "b".into(),
            input: "in.jsonl".into(),
            now: "t".into(),
        };
        let text = diff.render_text(&meta, Style::plain());
        assert!(text.contains("3 interactions, 2 changed"), "{text}");
        assert!(text.contains("service -> care  2"), "{text}");
        // The matrix row: 2 moved out of orders, 1 kept.
        assert!(text.lines().any(|l| l.trim_start().starts_with("orders") && l.ends_with("|         2      1")), "{text}");
        let j = diff.to_json(&meta);
        assert_eq!(j["queue_moves"][0], json!({"from": "orders", "to": "retention", "count": 2}));
        assert_eq!(j["interactions"].as_array().unwrap().len(), 2);
        assert_eq!(j["level_shift"]["-3"], 1);
    }

    #[test]
    fn a_candidate_that_only_drops_a_skill_and_changes_the_language_is_reported() {
        let mut diff = Diff::new();
        let base = d("A", "billing", Discipline::Service, 2);
        let mut candidate = base.clone();
        let route = candidate.route.as_mut().unwrap();
        route.skills = vec![];
        route.language = Some("de".into());
        let mut base = base;
        base.route.as_mut().unwrap().skills = vec!["billing".into(), "en".into()];
        base.route.as_mut().unwrap().language = Some("en".into());
        diff.add(&base, &candidate, OPTS);
        assert_eq!(diff.changed, 1);
        assert_eq!(diff.fields[&Field::Skills], 1);
        assert_eq!(diff.fields[&Field::Language], 1);
        assert!(diff.any_changed(&[Field::Skills]));
        assert!(!diff.any_changed(&[Field::Queue, Field::Discipline, Field::Level, Field::Label]));
        let text = diff.render_text(
            &DiffMeta { base: "a".into(), candidate: "b".into(), input: "i".into(), now: "t".into() },
            Style::plain(),
        );
        assert!(text.contains("[billing, en] -> []"), "{text}");
    }
}
