//! Self-contained HTML reports: one file, inline CSS and SVG, no script and
//! nothing fetched from the network. Every piece of text that comes from
//! input or plugins goes through [`escape`].

pub mod diff;
pub mod route;
pub mod svg;

/// Escapes text for HTML and SVG content and attribute values. Control
/// characters, line breaks and bidi overrides are first shown escaped by
/// [`cxr_host::text::neutralise`], so plugin text can neither break the
/// markup nor reorder what a reader sees.
pub fn escape(s: &str) -> String {
    cxr_host::text::html(s)
}

/// Like [`escape`], but keeps line feeds: for a block of text the page
/// builds from lines of its own (each of which is neutralised).
pub fn escape_block(s: &str) -> String {
    cxr_host::text::html_escape(&cxr_host::text::neutralise_lines(s))
}

/// Shortens text to at most `max` characters, marking the cut with `…`.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1f2933; background: #f5f7fa; }
header { background: #1f2a44; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 6px; font-size: 22px; font-weight: 600; }
header p { margin: 2px 0; color: #c7d0e0; }
header code { color: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 20px 24px 40px; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 8px; }
.tile { background: #fff; border-radius: 8px; padding: 12px 16px; min-width: 130px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.tile .n { font-size: 24px; font-weight: 600; }
.tile .l { color: #616e7c; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.tile.bad .n { color: #c0392b; }
.tile.warn .n { color: #b7791f; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 16px; }
section { background: #fff; border-radius: 8px; padding: 14px 18px 16px; margin-top: 16px; box-shadow: 0 1px 2px rgba(0,0,0,.08); overflow-x: auto; }
section h2 { font-size: 16px; margin: 0 0 10px; font-weight: 600; }
section p.note { color: #616e7c; margin: 4px 0 10px; font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
th { color: #52606d; font-weight: 600; background: #f8fafc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.msg { max-width: 560px; overflow-wrap: anywhere; }
ul.reasons { margin: 0; padding-left: 0; list-style: none; }
ul.reasons li.minus { color: #9b2c2c; }
ul.reasons li.plus { color: #276749; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #323f4b; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; margin-top: 8px; font-size: 13px; }
.legend span.sw { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.empty { color: #7b8794; font-style: italic; }
footer { text-align: center; color: #7b8794; font-size: 12px; padding: 16px; }
"#;

/// An HTML page under construction.
#[derive(Debug, Clone)]
pub struct Page {
    title: String,
    header: Vec<String>,
    body: String,
}

impl Page {
    /// A page with a title (plain text; it is escaped).
    pub fn new(title: &str) -> Self {
        Page {
            title: title.to_string(),
            header: Vec::new(),
            body: String::new(),
        }
    }

    /// Adds a header line made of a label and a value (both plain text).
    pub fn header_line(&mut self, label: &str, value: &str) -> &mut Self {
        self.header
            .push(format!("{}: <code>{}</code>", escape(label), escape(value)));
        self
    }

    /// Adds number tiles: (label, value, tone) where tone is "", "warn" or "bad".
    pub fn tiles(&mut self, tiles: &[(&str, String, &str)]) -> &mut Self {
        self.body.push_str("<div class=\"tiles\">");
        for (label, value, tone) in tiles {
            self.body.push_str(&format!(
                "<div class=\"tile {}\"><div class=\"n\">{}</div><div class=\"l\">{}</div></div>",
                escape(tone),
                escape(value),
                escape(label)
            ));
        }
        self.body.push_str("</div>\n");
        self
    }

    /// Adds raw, already-escaped HTML.
    pub fn raw(&mut self, html: &str) -> &mut Self {
        self.body.push_str(html);
        self
    }

    /// The finished document.
    pub fn finish(&self) -> String {
        let header: String = self.header.iter().map(|h| format!("<p>{h}</p>")).collect();
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header><h1>{title}</h1>{header}</header>\n<main>\n{body}</main>\n<footer>made by cxr {version}; self-contained, nothing is loaded from the network</footer>\n</body>\n</html>\n",
            title = escape(&self.title),
            body = self.body,
            version = env!("CARGO_PKG_VERSION"),
        )
    }
}

/// A `<section>` with a heading, an optional note and content (already HTML).
pub fn section(title: &str, note: Option<&str>, content: &str) -> String {
    let note = note.map_or(String::new(), |n| format!("<p class=\"note\">{}</p>", escape(n)));
    format!("<section><h2>{}</h2>{note}{content}</section>\n", escape(title))
}

/// A table from header cells and rows of cells (all plain text). Columns
/// whose index is in `numeric` are right-aligned.
pub fn table(head: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> String {
    if rows.is_empty() {
        return "<p class=\"empty\">none</p>".to_string();
    }
    let class = |i: usize| if numeric.contains(&i) { " class=\"num\"" } else { "" };
    let mut out = String::from("<table><thead><tr>");
    for (i, h) in head.iter().enumerate() {
        out.push_str(&format!("<th{}>{}</th>", class(i), escape(h)));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let class = if numeric.contains(&i) { " class=\"num\"" } else { " class=\"msg\"" };
            out.push_str(&format!("<td{class}>{}</td>", escape(cell)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(escape("<script>alert('x' & \"y\")</script>"), "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;");
        assert_eq!(escape("a\u{0}b\u{1b}[2J\u{202e}c\r"), "a\\u{0}b\\u{1b}[2J\\u{202e}c\\r");
    }

    #[test]
    fn pages_escape_titles_headers_tiles_and_tables() {
        let mut p = Page::new("<b>report</b>");
        p.header_line("input", "<img src=x>")
            .tiles(&[("<i>", "<1>".into(), "")])
            .raw(&section("<s>", Some("<n>"), &table(&["<h>"], &[vec!["<td>".into()]], &[])));
        let html = p.finish();
        for raw in ["<b>", "<img", "<i>", "<1>", "<s>", "<n>", "<h>", "<td>"] {
            assert!(!html.contains(raw), "{raw} leaked into {html}");
        }
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("http://") && !html.contains("https://"), "nothing is fetched");
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
