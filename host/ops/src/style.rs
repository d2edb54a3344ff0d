//! Colour for terminal output, off when `NO_COLOR` is set or the output is
//! not a terminal.

use std::io::IsTerminal;

/// Whether to colour text; copy it around freely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    color: bool,
}

impl Style {
    /// No colour at all.
    pub fn plain() -> Self {
        Style { color: false }
    }

    /// Colour when `out` is a terminal and `NO_COLOR` is unset or empty
    /// (see no-color.org).
    pub fn for_stream(out: &impl IsTerminal) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: !no_color && out.is_terminal(),
        }
    }

    /// Whether colour is on.
    pub fn is_color(self) -> bool {
        self.color
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Green: passes, expected values.
    pub fn pass(self, text: &str) -> String {
        self.paint("32", text)
    }

    /// Red: failures, actual values that are wrong.
    pub fn fail(self, text: &str) -> String {
        self.paint("31", text)
    }

    /// Bold: names and headings.
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Dim: side notes.
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_style_adds_no_escape_codes() {
        let s = Style::plain();
        assert_eq!(s.fail("FAIL"), "FAIL");
        assert_eq!(s.bold("x"), "x");
        let c = Style { color: true };
        assert_eq!(c.pass("PASS"), "\x1b[32mPASS\x1b[0m");
    }
}
