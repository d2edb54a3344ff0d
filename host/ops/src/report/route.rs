//! The report of a routed batch: queues, disciplines, priorities,
//! sentiment, rules, fallbacks and errors, and the slowest plugins.

use super::svg::{Bar, FULL, HALF, PALETTE, columns, hbars, share_bar};
use super::{Page, section, table, truncate};
use crate::stats::Summary;
use cxr_host::Decision;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Problems (fallbacks, errors) listed in the report.
pub const MAX_PROBLEMS: usize = 30;
/// Slowest single calls listed in the report.
pub const MAX_SLOW_CALLS: usize = 10;

/// Colour of a discipline.
pub fn discipline_color(d: &str) -> &'static str {
    match d {
        "service" => "#3b6fd8",
        "care" => "#e07b39",
        "experience" => "#2f9e6f",
        _ => "#9aa5b1",
    }
}

/// Colour of a sentiment label.
pub fn label_color(l: &str) -> &'static str {
    match l {
        "negative" => "#d64545",
        "neutral" => "#9aa5b1",
        "positive" => "#2f9e6f",
        _ => "#6b7785",
    }
}

/// Colour of a priority level (1 is most urgent).
pub fn level_color(level: usize) -> &'static str {
    ["#c53030", "#e07b39", "#d69e2e", "#718096"].get(level.wrapping_sub(1)).copied().unwrap_or("#6b7785")
}

/// A decision that fell back or failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub id: String,
    pub line: Option<u64>,
    /// `input error`, `plugin error`, `fallback` or `degraded`.
    pub kind: &'static str,
    pub message: String,
}

/// One slow hook call.
#[derive(Debug, Clone, PartialEq)]
pub struct SlowCall {
    pub micros: f64,
    pub id: String,
    pub plugin: String,
    pub hook: String,
}

#[derive(Debug, Clone, Default)]
struct PluginTimes {
    version: String,
    micros: Vec<f32>,
    fuel_sum: f64,
    fuel_calls: u64,
    max_memory: u64,
    errors: u64,
}

/// Counts gathered from decisions, one at a time (memory grows only with
/// the per-call times kept for percentiles).
#[derive(Debug, Clone, Default)]
pub struct RouteStats {
    pub lines: u64,
    pub routed: u64,
    pub fallbacks: u64,
    pub plugin_errors: u64,
    pub input_errors: u64,
    /// Decisions that went on without a failed stage.
    pub degraded: u64,
    /// Degraded stages by `stage (plugin)`.
    pub degraded_stages: BTreeMap<String, u64>,
    pub queues: BTreeMap<String, u64>,
    pub disciplines: BTreeMap<String, u64>,
    pub labels: BTreeMap<String, u64>,
    /// Decisions per priority level 1..=4 (index 0 is level 1).
    pub levels: [u64; 4],
    /// Sentiment scores in eleven bins 0.2 wide centred on -1.0, -0.8, …, 0, …, +1.0.
    pub score_bins: [u64; 11],
    pub rules: BTreeMap<String, u64>,
    pub problems: Vec<Problem>,
    pub slowest: Vec<SlowCall>,
    plugins: BTreeMap<(String, String), PluginTimes>,
}

impl RouteStats {
    /// Counts one decision.
    pub fn add(&mut self, d: &Decision) {
        self.lines += 1;
        let Some(route) = &d.route else {
            self.input_errors += 1;
            self.problem(d, "input error", d.error.clone().unwrap_or_default());
            return;
        };
        if route.fallback {
            self.fallbacks += 1;
        } else {
            self.routed += 1;
        }
        *self.queues.entry(route.queue.clone()).or_default() += 1;
        let rule = match (&route.rule, route.fallback) {
            (_, true) => "(fallback)".to_string(),
            (Some(r), false) => r.clone(),
            (None, false) => "(unnamed)".to_string(),
        };
        *self.rules.entry(rule).or_default() += 1;
        if let Some(disc) = d.discipline {
            *self.disciplines.entry(disc.as_str().to_string()).or_default() += 1;
        }
        if let Some(p) = &d.priority
            && (1..=4).contains(&p.level)
        {
            self.levels[p.level as usize - 1] += 1;
        }
        if let Some(s) = &d.sentiment {
            *self.labels.entry(s.label.as_str().to_string()).or_default() += 1;
            let bin = (((s.score + 1.0) / 0.2).round() as i64).clamp(0, 10) as usize;
            self.score_bins[bin] += 1;
        }
        if !d.degraded.is_empty() {
            self.degraded += 1;
        }
        for g in &d.degraded {
            *self.degraded_stages.entry(format!("{} ({})", g.stage, g.plugin)).or_default() += 1;
            self.problem(d, "degraded", format!("{}: {}", g.stage, g.error));
        }
        if let Some(e) = &d.error {
            self.plugin_errors += 1;
            self.problem(d, "plugin error", e.clone());
        } else if route.fallback {
            let why = d.reasons.iter().rev().find(|r| r.starts_with("fallback")).cloned().unwrap_or_default();
            self.problem(d, "fallback", why);
        }
        for t in &d.trace {
            let p = self.plugins.entry((t.plugin.clone(), t.hook.to_string())).or_default();
            p.version.clone_from(&t.version);
            p.micros.push(t.micros as f32);
            if let Some(f) = t.fuel {
                p.fuel_sum += f as f64;
                p.fuel_calls += 1;
            }
            p.max_memory = p.max_memory.max(t.memory_bytes);
            p.errors += u64::from(t.outcome == "error");
            self.slow_call(t.micros, d, &t.plugin, t.hook.as_str());
        }
    }

    fn problem(&mut self, d: &Decision, kind: &'static str, message: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem {
                id: d.id.clone(),
                line: d.line,
                kind,
                message,
            });
        }
    }

    fn slow_call(&mut self, micros: f64, d: &Decision, plugin: &str, hook: &str) {
        if self.slowest.len() == MAX_SLOW_CALLS && self.slowest.last().is_some_and(|s| s.micros >= micros) {
            return;
        }
        let call = SlowCall {
            micros,
            id: d.id.clone(),
            plugin: plugin.to_string(),
            hook: hook.to_string(),
        };
        let at = self.slowest.partition_point(|s| s.micros >= micros);
        self.slowest.insert(at, call);
        self.slowest.truncate(MAX_SLOW_CALLS);
    }

    /// One row per plugin and hook, slowest (by p99) first.
    pub fn plugin_table(&self) -> Vec<PluginRow> {
        let mut rows: Vec<PluginRow> = self
            .plugins
            .iter()
            .map(|((plugin, hook), p)| {
                let mut v: Vec<f64> = p.micros.iter().map(|m| *m as f64).collect();
                PluginRow {
                    plugin: plugin.clone(),
                    version: p.version.clone(),
                    hook: hook.clone(),
                    micros: Summary::of(&mut v),
                    mean_fuel: (p.fuel_calls > 0).then(|| p.fuel_sum / p.fuel_calls as f64),
                    max_memory_bytes: p.max_memory,
                    errors: p.errors,
                }
            })
            .collect();
        rows.sort_by(|a, b| b.micros.p99.total_cmp(&a.micros.p99).then_with(|| a.plugin.cmp(&b.plugin)));
        rows
    }
}

/// What one plugin hook used over a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginRow {
    pub plugin: String,
    pub version: String,
    pub hook: String,
    /// Call times in microseconds.
    pub micros: Summary,
    pub mean_fuel: Option<f64>,
    pub max_memory_bytes: u64,
    pub errors: u64,
}

/// Passes decision JSON Lines through to `inner` and counts each decision
/// into [`RouteStats`] on the way.
pub struct DecisionTap<W: Write> {
    inner: W,
    pending: Vec<u8>,
    /// What was counted so far.
    pub stats: RouteStats,
    /// Lines that were not decisions (should stay 0).
    pub unreadable: u64,
}

impl<W: Write> DecisionTap<W> {
    /// Wraps a writer.
    pub fn new(inner: W) -> Self {
        DecisionTap {
            inner,
            pending: Vec::new(),
            stats: RouteStats::default(),
            unreadable: 0,
        }
    }

    /// The wrapped writer, to write past the tap.
    pub fn inner_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    fn take_lines(&mut self) {
        let mut start = 0;
        while let Some(i) = self.pending[start..].iter().position(|b| *b == b'\n') {
            let line = &self.pending[start..start + i];
            match serde_json::from_slice::<Decision>(line) {
                Ok(d) => self.stats.add(&d),
                Err(_) => self.unreadable += 1,
            }
            start += i + 1;
        }
        self.pending.drain(..start);
    }
}

impl<W: Write> Write for DecisionTap<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.pending.extend_from_slice(&buf[..n]);
        self.take_lines();
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// What the report says about the run besides the counts.
#[derive(Debug, Clone, Default)]
pub struct RouteMeta {
    pub input: String,
    pub pipeline: String,
    /// The fixed "now", when one was given.
    pub now: Option<String>,
    pub seconds: f64,
    pub threads: usize,
}

/// The route report as a self-contained HTML page.
pub fn render(stats: &RouteStats, meta: &RouteMeta) -> String {
    let mut page = Page::new("cxr route report");
    page.header_line("input", &meta.input).header_line("pipeline", &meta.pipeline);
    if let Some(now) = &meta.now {
        page.header_line("decided as of", now);
    }
    let rate = stats.lines as f64 / meta.seconds.max(1e-9);
    let tone = |n: u64, t: &'static str| if n > 0 { t } else { "" };
    page.tiles(&[
        ("interactions", stats.lines.to_string(), ""),
        ("routed by a rule", stats.routed.to_string(), ""),
        ("fallbacks", stats.fallbacks.to_string(), tone(stats.fallbacks, "warn")),
        ("plugin errors", stats.plugin_errors.to_string(), tone(stats.plugin_errors, "bad")),
        ("degraded", stats.degraded.to_string(), tone(stats.degraded, "warn")),
        ("input errors", stats.input_errors.to_string(), tone(stats.input_errors, "bad")),
        ("per second", format!("{rate:.0} ({} threads)", meta.threads), ""),
    ]);
    let decided = stats.lines - stats.input_errors;

    let mut queues: Vec<(&String, &u64)> = stats.queues.iter().collect();
    queues.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let queue_bars: Vec<Bar> = queues.iter().map(|(q, n)| Bar::new(q.as_str(), **n, PALETTE[0])).collect();
    let disc_bars: Vec<Bar> = ["service", "care", "experience"]
        .iter()
        .map(|d| Bar::new(*d, stats.disciplines.get(*d).copied().unwrap_or(0), discipline_color(d)))
        .collect();
    let level_bars: Vec<Bar> = (1..=4)
        .map(|l| Bar::new(format!("level {l}"), stats.levels[l - 1], level_color(l)))
        .collect();
    let label_bars: Vec<Bar> = ["negative", "neutral", "positive"]
        .iter()
        .map(|l| Bar::new(*l, stats.labels.get(*l).copied().unwrap_or(0), label_color(l)))
        .collect();
    let score_bars: Vec<Bar> = (0..11)
        .map(|i| {
            let centre = -1.0 + 0.2 * i as f64;
            let (label, color) = match i {
                0..=4 => (format!("{centre:.1}"), label_color("negative")),
                5 => ("0".to_string(), label_color("neutral")),
                _ => (format!("+{centre:.1}"), label_color("positive")),
            };
            Bar::new(label, stats.score_bins[i], color)
        })
        .collect();
    let mut html = String::from("<div class=\"grid\">");
    html.push_str(&section(
        "Queues",
        Some("Where the interactions were routed."),
        &hbars("interactions per queue", &queue_bars, HALF, Some(decided), ""),
    ));
    html.push_str(&section(
        "Disciplines",
        Some("Customer service (one issue), care (the relationship) and experience (the journey)."),
        &share_bar("discipline split", &disc_bars, HALF),
    ));
    html.push_str(&section(
        "Priority",
        Some("Level 1 is the most urgent."),
        &columns("interactions per priority level", &level_bars, HALF, "priority level"),
    ));
    html.push_str(&section(
        "Sentiment",
        Some("Labels, and scores from -1 (negative) to +1 (positive) in bins 0.2 wide."),
        &format!(
            "{}<div style=\"height:12px\"></div>{}",
            share_bar("sentiment labels", &label_bars, HALF),
            columns("sentiment score histogram", &score_bars, HALF, "sentiment score (bin centre)")
        ),
    ));
    html.push_str("</div>");

    let mut rules: Vec<(&String, &u64)> = stats.rules.iter().collect();
    rules.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let rule_bars: Vec<Bar> = rules
        .iter()
        .map(|(r, n)| Bar::new(r.as_str(), **n, if r.as_str() == "(fallback)" { "#d69e2e" } else { PALETTE[3] }))
        .collect();
    html.push_str(&section("Rules that decided", None, &hbars("decisions per rule", &rule_bars, FULL, Some(decided), "")));

    let problem_rows: Vec<Vec<String>> = stats
        .problems
        .iter()
        .map(|p| {
            vec![
                p.kind.to_string(),
                p.id.clone(),
                p.line.map_or("-".to_string(), |l| l.to_string()),
                truncate(&p.message, 400),
            ]
        })
        .collect();
    let shown = if stats.problems.len() == MAX_PROBLEMS {
        format!("The first {MAX_PROBLEMS} are listed.")
    } else {
        String::new()
    };
    html.push_str(&section(
        "Fallbacks and errors",
        Some(&format!(
            "{} fallbacks, {} plugin errors, {} decisions with degraded stages{}, {} input errors. {shown}",
            stats.fallbacks,
            stats.plugin_errors,
            stats.degraded,
            if stats.degraded_stages.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    stats.degraded_stages.iter().map(|(s, n)| format!("{s}: {n}")).collect::<Vec<_>>().join(", ")
                )
            },
            stats.input_errors
        )),
        &table(&["kind", "id", "line", "why"], &problem_rows, &[2]),
    ));

    let plugins = stats.plugin_table();
    let p99_bars: Vec<Bar> = plugins
        .iter()
        .enumerate()
        .map(|(i, p)| Bar::new(format!("{} ({})", p.plugin, p.hook), p.micros.p99.round() as u64, PALETTE[(i + 1) % PALETTE.len()]))
        .collect();
    let plugin_rows: Vec<Vec<String>> = plugins
        .iter()
        .map(|p| {
            let s = &p.micros;
            vec![
                format!("{} {}", p.plugin, p.version),
                p.hook.clone(),
                s.count.to_string(),
                format!("{:.1}", s.mean),
                format!("{:.1}", s.p50),
                format!("{:.1}", s.p99),
                format!("{:.1}", s.max),
                p.mean_fuel.map_or("-".to_string(), |f| format!("{f:.0}")),
                format!("{:.1}", p.max_memory_bytes as f64 / (1 << 20) as f64),
                p.errors.to_string(),
            ]
        })
        .collect();
    let slow_rows: Vec<Vec<String>> = stats
        .slowest
        .iter()
        .map(|s| vec![format!("{:.1}", s.micros), s.plugin.clone(), s.hook.clone(), s.id.clone()])
        .collect();
    html.push_str(&section(
        "Slowest plugins",
        Some("Time per hook call in microseconds (a fresh instance's set-up included); slowest p99 first."),
        &format!(
            "{}<div style=\"height:10px\"></div>{}<h2 style=\"margin-top:16px\">Slowest calls</h2>{}",
            hbars("p99 microseconds per plugin hook", &p99_bars, FULL, None, " µs p99"),
            table(
                &["plugin", "hook", "calls", "mean µs", "p50 µs", "p99 µs", "max µs", "fuel/call", "max MiB", "errors"],
                &plugin_rows,
                &[2, 3, 4, 5, 6, 7, 8, 9]
            ),
            table(&["µs", "plugin", "hook", "interaction"], &slow_rows, &[0]),
        ),
    ));
    page.raw(&html);
    page.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxr_host::model::{Discipline, PriorityResult, RouteResult, SentimentLabel, SentimentResult, TraceEntry};

    fn decision(id: &str, queue: &str, micros: f64) -> Decision {
        Decision {
            id: id.into(),
            line: Some(1),
            discipline: Some(Discipline::Care),
            sentiment: Some(SentimentResult {
                score: -0.95,
                label: SentimentLabel::Negative,
                confidence: 0.9,
                cues: vec![],
            }),
            signals: vec![],
            priority: Some(PriorityResult {
                level: 1,
                score: 90,
                first_response_due: None,
            }),
            route: Some(RouteResult {
                queue: queue.into(),
                skills: vec![],
                language: None,
                actions: vec![],
                tags: vec![],
                rule: Some("r".into()),
                fallback: false,
            }),
            reasons: vec![],
            trace: vec![TraceEntry {
                plugin: "p".into(),
                version: "1".into(),
                sha256: String::new(),
                hook: cxr_host::Hook::Routing,
                fuel: Some(100),
                micros,
                memory_bytes: 1 << 20,
                outcome: cxr_host::TraceOutcome::Ok,
            }],
            error: None,
            error_kind: None,
            degraded: vec![],
            request_id: None,
            masked: Default::default(),
        }
    }

    #[test]
    fn the_tap_passes_lines_through_and_counts_them() {
        let mut out = Vec::new();
        let mut tap = DecisionTap::new(&mut out);
        let a = serde_json::to_string(&decision("A", "billing", 5.0)).unwrap();
        let bad = serde_json::to_string(&Decision::error_record("line 2", Some(2), cxr_host::ErrorKind::Input, "line 2: invalid JSON")).unwrap();
        let text = format!("{a}\n{bad}\n");
        // Written in two pieces that split a line.
        tap.write_all(&text.as_bytes()[..10]).unwrap();
        tap.write_all(&text.as_bytes()[10..]).unwrap();
        let stats = tap.stats.clone();
        assert_eq!(tap.unreadable, 0);
        assert_eq!(out, text.as_bytes());
        assert_eq!((stats.lines, stats.routed, stats.input_errors), (2, 1, 1));
        assert_eq!(stats.levels, [1, 0, 0, 0]);
        assert_eq!(stats.score_bins[0], 1, "-0.95 is in the bin centred on -1.0");
        assert_eq!(stats.problems[0].kind, "input error");
    }

    #[test]
    fn degraded_stages_are_counted_and_listed() {
        let mut stats = RouteStats::default();
        let mut d = decision("D", "billing", 5.0);
        d.degraded = vec![cxr_host::model::DegradedStage {
            stage: "sentiment".into(),
            plugin: "acme".into(),
            error: "sentiment hook of plugin `acme` 1.0.0: call: trapped".into(),
            error_kind: cxr_host::ErrorKind::Trap,
        }];
        stats.add(&d);
        stats.add(&decision("E", "billing", 5.0));
        assert_eq!((stats.degraded, stats.plugin_errors, stats.routed), (1, 0, 2));
        assert_eq!(stats.degraded_stages.get("sentiment (acme)"), Some(&1));
        assert_eq!(stats.problems.len(), 1);
        assert_eq!(stats.problems[0].kind, "degraded");
        assert!(stats.problems[0].message.starts_with("sentiment: sentiment hook of plugin `acme`"));
    }

    #[test]
    fn slowest_calls_are_kept_in_order() {
        let mut stats = RouteStats::default();
        for i in 0..30 {
            stats.add(&decision(&format!("T-{i}"), "q", (i * 7 % 30) as f64));
        }
        assert_eq!(stats.slowest.len(), MAX_SLOW_CALLS);
        let times: Vec<f64> = stats.slowest.iter().map(|s| s.micros).collect();
        assert_eq!(times, (20..30).rev().map(f64::from).collect::<Vec<_>>());
    }

    #[test]
    fn input_text_is_escaped_in_the_page() {
        let mut stats = RouteStats::default();
        stats.add(&decision("<script>alert(1)</script>", "<b>queue</b>", 9.0));
        let mut bad = Decision::error_record("<img src=x onerror=alert(1)>", Some(2), cxr_host::ErrorKind::Input, "line 2: field `channel`: unknown channel \"<script>\"");
        bad.line = Some(2);
        stats.add(&bad);
        let html = render(
            &stats,
            &RouteMeta {
                input: "<in>.jsonl".into(),
                pipeline: "reference".into(),
                now: None,
                seconds: 1.0,
                threads: 2,
            },
        );
        assert!(!html.contains("<script"), "raw script tag in the page");
        assert!(!html.contains("<img"), "raw img tag in the page");
        assert!(!html.contains("<b>queue"), "raw markup from a queue name");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;b&gt;queue&lt;/b&gt;"));
        for part in ["Queues", "Disciplines", "Priority", "Sentiment", "Fallbacks and errors", "Slowest plugins"] {
            assert!(html.contains(part), "missing section {part}");
        }
    }
}
