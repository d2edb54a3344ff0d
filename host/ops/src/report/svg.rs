//! Inline SVG charts: horizontal bars, columns and a share bar. Labels are
//! escaped; sizes are fixed so the page lays out before anything renders.

use super::{escape, truncate};

/// Width of a chart in a half-width (grid) section, in CSS pixels.
pub const HALF: u32 = 480;
/// Width of a chart in a full-width section, in CSS pixels.
pub const FULL: u32 = 1000;
/// Approximate width of one character of the 12px label font.
const CHAR_W: f64 = 6.8;

/// Colours for series without a meaning of their own.
pub const PALETTE: [&str; 8] = ["#3b6fd8", "#e07b39", "#2f9e6f", "#8e5bd6", "#d64f6e", "#1ea5b8", "#b08a1e", "#6b7785"];

/// One bar: a label, a count and a colour.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: u64,
    pub color: String,
}

impl Bar {
    /// A bar with the given colour.
    pub fn new(label: impl Into<String>, value: u64, color: &str) -> Self {
        Bar {
            label: label.into(),
            value,
            color: color.to_string(),
        }
    }
}

fn percent(value: u64, total: u64) -> String {
    if total == 0 {
        "0%".to_string()
    } else {
        let p = value as f64 * 100.0 / total as f64;
        if p > 0.0 && p < 1.0 { "<1%".to_string() } else { format!("{p:.0}%") }
    }
}

/// Horizontal bars, one per row, labelled with the value and `unit`, and
/// with the share of `total` when one is given.
pub fn hbars(title: &str, bars: &[Bar], width: u32, total: Option<u64>, unit: &str) -> String {
    if bars.is_empty() {
        return "<p class=\"empty\">none</p>".to_string();
    }
    let row_h = 24u32;
    let label_w = (bars.iter().map(|b| truncate(&b.label, 32).chars().count()).max().unwrap_or(4) as f64 * CHAR_W + 12.0)
        .clamp(60.0, 240.0);
    let value_w = 90.0;
    let bar_area = width as f64 - label_w - value_w;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(1).max(1) as f64;
    let height = row_h * bars.len() as u32 + 4;
    let mut out = format!(
        "<svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
        t = escape(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = i as u32 * row_h + 2;
        let w = (b.value as f64 / max * bar_area).max(if b.value > 0 { 2.0 } else { 0.0 });
        out.push_str(&format!(
            "<text x=\"{lx:.1}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>\
             <rect x=\"{bx:.1}\" y=\"{ry}\" width=\"{w:.1}\" height=\"{bh}\" rx=\"3\" fill=\"{color}\"><title>{full}: {v}</title></rect>\
             <text x=\"{vx:.1}\" y=\"{ty}\">{v}{u}{p}</text>",
            lx = label_w - 8.0,
            ty = y + 15,
            label = escape(&truncate(&b.label, 32)),
            bx = label_w,
            ry = y + 3,
            bh = row_h - 8,
            color = escape(&b.color),
            full = escape(&b.label),
            v = b.value,
            u = escape(unit),
            p = total.map_or(String::new(), |t| format!(" ({})", escape(&percent(b.value, t)))),
            vx = label_w + w + 6.0,
        ));
    }
    out.push_str("</svg>");
    out
}

/// Vertical columns (a histogram), with the count above each column.
pub fn columns(title: &str, bars: &[Bar], width: u32, x_caption: &str) -> String {
    if bars.is_empty() {
        return "<p class=\"empty\">none</p>".to_string();
    }
    let height = 230u32;
    let (top, bottom, left) = (22.0, 44.0, 12.0);
    let plot_h = height as f64 - top - bottom;
    let slot = (width as f64 - 2.0 * left) / bars.len() as f64;
    let bar_w = (slot * 0.7).min(90.0);
    let max = bars.iter().map(|b| b.value).max().unwrap_or(1).max(1) as f64;
    let mut out = format!(
        "<svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
        t = escape(title)
    );
    let base_y = top + plot_h;
    out.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{base_y:.1}\" x2=\"{x2:.1}\" y2=\"{base_y:.1}\" stroke=\"#9aa5b1\" stroke-width=\"1\"/>",
        x2 = width as f64 - left
    ));
    for (i, b) in bars.iter().enumerate() {
        let cx = left + slot * (i as f64 + 0.5);
        let h = b.value as f64 / max * plot_h;
        let h = if b.value > 0 { h.max(2.0) } else { 0.0 };
        out.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar_w:.1}\" height=\"{h:.1}\" rx=\"3\" fill=\"{color}\"><title>{label}: {v}</title></rect>\
             <text x=\"{cx:.1}\" y=\"{vy:.1}\" text-anchor=\"middle\">{v}</text>\
             <text x=\"{cx:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\">{label}</text>",
            x = cx - bar_w / 2.0,
            y = base_y - h,
            color = escape(&b.color),
            label = escape(&truncate(&b.label, (slot / CHAR_W) as usize + 1)),
            v = b.value,
            vy = base_y - h - 6.0,
            ly = base_y + 17.0,
        ));
    }
    out.push_str(&format!(
        "<text x=\"{cx:.1}\" y=\"{y}\" text-anchor=\"middle\" fill=\"#616e7c\">{cap}</text></svg>",
        cx = width as f64 / 2.0,
        y = height - 6,
        cap = escape(x_caption)
    ));
    out
}

/// One bar split into shares, with a legend underneath (HTML).
pub fn share_bar(title: &str, bars: &[Bar], width: u32) -> String {
    let total: u64 = bars.iter().map(|b| b.value).sum();
    if total == 0 {
        return "<p class=\"empty\">none</p>".to_string();
    }
    let height = 34u32;
    let mut out = format!(
        "<svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
        t = escape(title)
    );
    let mut x = 0.0;
    for b in bars.iter().filter(|b| b.value > 0) {
        let w = b.value as f64 / total as f64 * width as f64;
        out.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"2\" width=\"{w:.1}\" height=\"30\" fill=\"{c}\"><title>{l}: {v} ({p})</title></rect>",
            c = escape(&b.color),
            l = escape(&b.label),
            v = b.value,
            p = escape(&percent(b.value, total)),
        ));
        if w > 44.0 {
            out.push_str(&format!(
                "<text x=\"{tx:.1}\" y=\"22\" text-anchor=\"middle\" style=\"fill:#fff;font-weight:600\">{p}</text>",
                tx = x + w / 2.0,
                p = escape(&percent(b.value, total)),
            ));
        }
        x += w;
    }
    out.push_str("</svg><div class=\"legend\">");
    for b in bars {
        out.push_str(&format!(
            "<span><span class=\"sw\" style=\"background:{}\"></span>{} {} ({})</span>",
            escape(&b.color),
            escape(&b.label),
            b.value,
            escape(&percent(b.value, total))
        ));
    }
    out.push_str("</div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_labels_and_scale_to_the_largest_value() {
        let bars = vec![Bar::new("<q>", 10, "#000"), Bar::new("b", 5, "#111")];
        for svg in [hbars("t", &bars, HALF, Some(15), ""), columns("t", &bars, HALF, "x"), share_bar("t", &bars, HALF)] {
            assert!(!svg.contains("<q>"), "{svg}");
            assert!(svg.contains("&lt;q&gt;"), "{svg}");
        }
        let h = hbars("t", &bars, HALF, Some(15), "");
        assert!(h.contains("10 (67%)") && h.contains("5 (33%)"), "{h}");
        let us = hbars("t", &bars, FULL, None, " µs");
        assert!(us.contains("10 µs<") && !us.contains('%'), "{us}");
        // The largest bar spans the whole bar area; the other half of it.
        let widths: Vec<f64> = h
            .match_indices("<rect ")
            .map(|(i, _)| {
                let rest = &h[i..];
                let w = rest.split("width=\"").nth(1).unwrap().split('"').next().unwrap();
                w.parse().unwrap()
            })
            .collect();
        assert!((widths[0] / widths[1] - 2.0).abs() < 0.01, "{widths:?}");
    }

    #[test]
    fn empty_charts_say_none() {
        assert!(hbars("t", &[], HALF, Some(0), "").contains("none"));
        assert!(share_bar("t", &[Bar::new("a", 0, "#000")], HALF).contains("none"));
    }
}
