//! The report of a diff: what changed between a base and a candidate.

use super::route::{discipline_color, label_color};
use super::svg::{Bar, HALF, PALETTE, columns, hbars};
use super::{Page, escape, section, table, truncate};
use crate::diff::{Diff, DiffMeta, Field};

/// The diff report as a self-contained HTML page.
pub fn render(diff: &Diff, meta: &DiffMeta) -> String {
    let mut page = Page::new("cxr diff report");
    page.header_line("base", &meta.base)
        .header_line("candidate", &meta.candidate)
        .header_line("input", &meta.input)
        .header_line("decided as of", &meta.now);
    let mut tiles = vec![
        ("interactions", diff.total.to_string(), ""),
        ("changed", diff.changed.to_string(), if diff.changed > 0 { "warn" } else { "" }),
    ];
    for f in Field::ALL {
        let n = diff.fields.get(&f).copied().unwrap_or(0);
        tiles.push((f.name(), n.to_string(), if n > 0 { "warn" } else { "" }));
    }
    page.tiles(&tiles);
    let mut html = String::new();
    if diff.changed == 0 {
        html.push_str(&section(
            "No change",
            None,
            "<p>Both sides decided every interaction the same way.</p>",
        ));
    }
    html.push_str(&section(
        "Queue moves",
        Some("Rows: the base's queue; columns: the candidate's. Only queues with moves are shown."),
        &matrix(diff),
    ));
    let mut moves: Vec<(&(String, String), &u64)> = diff.queue_moves.iter().collect();
    moves.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let move_bars: Vec<Bar> = moves
        .iter()
        .map(|((a, b), n)| Bar::new(format!("{a} → {b}"), **n, PALETTE[1]))
        .collect();
    html.push_str("<div class=\"grid\">");
    html.push_str(&section(
        "Largest queue moves",
        None,
        &hbars("interactions per queue move", &move_bars, HALF, Some(diff.total), ""),
    ));
    let shift_bars: Vec<Bar> = diff
        .level_shift
        .iter()
        .map(|(s, n)| {
            let color = match s {
                s if *s < 0 => "#c53030",
                0 => "#9aa5b1",
                _ => "#3b6fd8",
            };
            Bar::new(format!("{s:+}"), *n, color)
        })
        .collect();
    html.push_str(&section(
        "Priority level shift",
        Some("Candidate level minus base level: negative is more urgent."),
        &columns("interactions per level shift", &shift_bars, HALF, "level shift"),
    ));
    html.push_str("</div><div class=\"grid\">");
    for (title, moves, color) in [
        ("Discipline changes", &diff.discipline_moves, discipline_color as fn(&str) -> &'static str),
        ("Label changes", &diff.label_moves, label_color),
    ] {
        let bars: Vec<Bar> = moves
            .iter()
            .map(|((a, b), n)| Bar::new(format!("{a} → {b}"), *n, color(b)))
            .collect();
        html.push_str(&section(title, None, &hbars(title, &bars, HALF, Some(diff.total), "")));
    }
    html.push_str("</div>");
    let mut examples = String::new();
    for c in diff.example_changes() {
        let changes: String = c
            .changes
            .iter()
            .map(|(f, (a, b))| format!("<div><strong>{}</strong> {} → {}</div>", escape(f.name()), escape(a), escape(b)))
            .collect();
        let reasons: String = c
            .base_reasons
            .iter()
            .map(|r| format!("<li class=\"minus\">− {}</li>", escape(&truncate(r, 300))))
            .chain(c.candidate_reasons.iter().map(|r| format!("<li class=\"plus\">+ {}</li>", escape(&truncate(r, 300)))))
            .collect();
        examples.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\">{}</td><td>{changes}</td><td class=\"msg\"><ul class=\"reasons\">{reasons}</ul></td></tr>",
            escape(&c.id),
            c.line,
        ));
    }
    let examples = if examples.is_empty() {
        "<p class=\"empty\">none</p>".to_string()
    } else {
        format!(
            "<table><thead><tr><th>id</th><th class=\"num\">line</th><th>changed (base → candidate)</th><th>reasons only the base (−) or the candidate (+) gave</th></tr></thead><tbody>{examples}</tbody></table>"
        )
    };
    html.push_str(&section("Examples", Some("The first changed interactions for each field."), &examples));
    page.raw(&html);
    page.finish()
}

/// The queue-to-queue matrix as an HTML table, cells shaded by count.
fn matrix(diff: &Diff) -> String {
    let rows = diff.moved_from();
    let cols = diff.moved_to();
    if rows.is_empty() {
        return table(&[], &[], &[]);
    }
    let max = diff.queue_moves.values().copied().max().unwrap_or(1).max(1) as f64;
    let mut out = String::from("<table><thead><tr><th>base \\ candidate</th>");
    for c in &cols {
        out.push_str(&format!("<th class=\"num\">{}</th>", escape(c)));
    }
    out.push_str("<th class=\"num\">moved out</th><th class=\"num\">kept</th></tr></thead><tbody>");
    let mut col_totals = vec![0u64; cols.len()];
    for r in &rows {
        out.push_str(&format!("<tr><th>{}</th>", escape(r)));
        let mut row_total = 0;
        for (i, c) in cols.iter().enumerate() {
            let n = diff.queue_moves.get(&(r.to_string(), c.to_string())).copied().unwrap_or(0);
            row_total += n;
            col_totals[i] += n;
            if n == 0 {
                out.push_str("<td class=\"num\" style=\"color:#cbd2d9\">·</td>");
            } else {
                let alpha = 0.15 + 0.6 * n as f64 / max;
                out.push_str(&format!(
                    "<td class=\"num\" style=\"background:rgba(224,123,57,{alpha:.2});font-weight:600\">{n}</td>"
                ));
            }
        }
        let kept = diff.base_queues.get(*r).copied().unwrap_or(0) - row_total;
        out.push_str(&format!("<td class=\"num\">{row_total}</td><td class=\"num\">{kept}</td></tr>"));
    }
    out.push_str("<tr><th>moved in</th>");
    for n in &col_totals {
        out.push_str(&format!("<td class=\"num\">{n}</td>"));
    }
    let total: u64 = col_totals.iter().sum();
    out.push_str(&format!("<td class=\"num\">{total}</td><td></td></tr></tbody></table>"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::DiffOptions;
    use cxr_host::Decision;
    use cxr_host::model::RouteResult;

    fn d(id: &str, queue: &str, reason: &str) -> Decision {
        let mut d = Decision::error_record(id, Some(1), cxr_host::ErrorKind::Input, "x");
        d.error = None;
        d.error_kind = None;
        d.route = Some(RouteResult {
            queue: queue.into(),
            skills: vec![],
            language: None,
            actions: vec![],
            tags: vec![],
            rule: None,
            fallback: false,
        });
        d.reasons = vec![reason.into()];
        d
    }

    #[test]
    fn the_page_shows_moves_and_escapes_input_text() {
        let mut diff = Diff::new();
        let opts = DiffOptions {
            examples: 3,
            keep_all: false,
        };
        diff.add(
            &d("<script>x</script>", "orders", "keyword '<script>' in body"),
            &d("<script>x</script>", "<i>retention</i>", "rule <b>"),
            opts,
        );
        let html = render(
            &diff,
            &DiffMeta {
                base: "a.toml".into(),
                candidate: "b<c>.toml".into(),
                input: "in.jsonl".into(),
                now: "2026-11-22T10:00:00Z".into(),
            },
        );
        assert!(!html.contains("<script") && !html.contains("<i>") && !html.contains("<b>") && !html.contains("<c>"));
        assert!(html.contains("&lt;i&gt;retention&lt;/i&gt;"));
        assert!(html.contains("Queue moves") && html.contains("Priority level shift") && html.contains("Examples"));
    }
}
