//! Neutralising untrusted text before it reaches a terminal, a log line, an
//! HTML page or a JSON document.
//!
//! Everything a plugin returns or logs (cues, reasons, rule names, tags,
//! skills, actions, queues, error texts, its name and description) and
//! everything a customer wrote is hostile until escaped: an `ESC [2J` clears
//! an operator's screen, a `CR` or `LF` forges a log line, a Unicode bidi
//! override (U+202E) makes `evil.exe` read as `exe.live`. [`neutralise`] is
//! the one function every edge uses: it shows such characters escaped and
//! leaves every other character as it is.
//!
//! What is escaped ([`is_unsafe`]): the C0 controls U+0000–U+001F (`\n`,
//! `\r`, `\t` by name, the others as `\u{1b}`), DEL and the C1 controls
//! U+007F–U+009F, the bidi marks, embeddings, overrides and isolates
//! (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), and the Unicode
//! line and paragraph separators U+2028 and U+2029. A backslash is left as
//! it is: the escaped form is for reading, not for parsing back.
//!
//! For JSON, serde_json already escapes C0 controls; [`to_json`] and
//! [`to_json_pretty`] also write C1 controls, bidi characters and the
//! separators as `\uXXXX` escapes, so the document's *values* are unchanged
//! but its bytes are safe to print or log.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;
use std::io;

/// Whether `c` must never reach a terminal or log line raw: a C0 or C1
/// control, DEL, a bidi control, or a line/paragraph separator.
pub fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

fn push_escaped(out: &mut impl fmt::Write, c: char) -> fmt::Result {
    match c {
        '\n' => out.write_str("\\n"),
        '\r' => out.write_str("\\r"),
        '\t' => out.write_str("\\t"),
        c => write!(out, "\\u{{{:x}}}", c as u32),
    }
}

fn escape_with(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_unsafe(c) && !(keep_newlines && c == '\n');
    let Some(first) = s.find(unsafe_char) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 16);
    out.push_str(&s[..first]);
    for c in s[first..].chars() {
        if unsafe_char(c) {
            let _ = push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` with every [unsafe](is_unsafe) character shown escaped (`\n`, `\r`,
/// `\t`, `\u{1b}`, `\u{202e}`, ...): one line, nothing a terminal acts on.
/// Borrows when there is nothing to escape.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    escape_with(s, false)
}

/// Like [`neutralise`], but keeps line feeds: for multi-line text printed
/// as a block (an error with a TOML snippet). Carriage returns, escapes and
/// bidi controls are still shown escaped.
pub fn neutralise_lines(s: &str) -> Cow<'_, str> {
    escape_with(s, true)
}

/// Displays a string [neutralised](neutralise) without allocating:
/// `format!("queue {}", Shown(&route.queue))`.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a>(pub &'a str);

impl fmt::Display for Shown<'_> {
    /// Honours width and alignment (`{:<12}`) on the neutralised text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&neutralise(self.0))
    }
}

/// Neutralised and HTML-escaped (`&`, `<`, `>`, `"`, `'`): safe in element
/// text and in quoted attribute values.
pub fn html(s: &str) -> String {
    html_escape(&neutralise(s))
}

/// HTML-escaped (`&`, `<`, `>`, `"`, `'`) only: for text already
/// neutralised, such as a block of lines each neutralised by
/// [`neutralise_lines`].
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A serde_json formatter that writes every [unsafe](is_unsafe) character
/// as a `\uXXXX` escape, on top of what `F` does (compact or pretty).
#[derive(Debug, Clone, Default)]
pub struct SafeFormatter<F>(pub F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeFormatter<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        write_fragment_escaped(w, fragment)
    }
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Writes `fragment` with every [unsafe](is_unsafe) character as a
/// `\\uXXXX` escape. The fast path looks at bytes, not characters: every
/// unsafe character is either a byte below 0x20 or 0x7F (DEL), or starts
/// with the UTF-8 lead byte 0xC2 (C1 controls), 0xD8 (U+061C) or 0xE2 (the
/// bidi and separator characters at U+2000–U+2FFF); only at those bytes is a
/// character decoded and checked. Continuation bytes (0x80–0xBF) are never
/// one of those lead bytes, so stepping one byte at a time elsewhere is safe.
fn write_fragment_escaped<W: ?Sized + io::Write>(w: &mut W, fragment: &str) -> io::Result<()> {
    /// Bytes checked at once for plain printable ASCII (0x20–0x7E).
    const BLOCK: usize = 16;
    let bytes = fragment.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Whole blocks of printable ASCII are skipped in one step (the
        // check has no early exit, so it compiles to vector instructions).
        while let Some(block) = bytes.get(i..i + BLOCK)
            && block.iter().fold(true, |plain, &b| plain & (0x20..0x7f).contains(&b))
        {
            i += BLOCK;
        }
        let Some(&b) = bytes.get(i) else { break };
        let may_start_unsafe = b < 0x20 || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2);
        if !may_start_unsafe {
            i += 1;
            continue;
        }
        let c = fragment[i..].chars().next().expect("a lead byte starts a character");
        let len = c.len_utf8();
        if is_unsafe(c) {
            w.write_all(&bytes[start..i])?;
            // Every unsafe character is in the basic multilingual plane.
            let mut hex = *b"\\u0000";
            let code = c as u32;
            for (k, shift) in [12, 8, 4, 0].into_iter().enumerate() {
                hex[2 + k] = b"0123456789abcdef"[((code >> shift) & 0xf) as usize];
            }
            w.write_all(&hex)?;
            start = i + len;
        }
        i += len;
    }
    w.write_all(&bytes[start..])
}

/// Writes `value` as compact JSON whose bytes hold no raw control, bidi or
/// separator character (values unchanged: they are `\uXXXX` escapes).
pub fn to_json_writer<W: io::Write, T: ?Sized + Serialize>(writer: W, value: &T) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(writer, SafeFormatter(serde_json::ser::CompactFormatter));
    value.serialize(&mut ser)
}

/// `value` as compact JSON, safe to print (see [`to_json_writer`]).
pub fn to_json<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(256);
    to_json_writer(&mut out, value)?;
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// `value` as indented JSON, safe to print (see [`to_json_writer`]).
pub fn to_json_pretty<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, SafeFormatter(serde_json::ser::PrettyFormatter::new()));
    value.serialize(&mut ser)?;
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// An [`io::Write`] for log output that neutralises each line it is given:
/// a log formatter writes one whole event (ending in one `\n`) per call;
/// any other unsafe character in it, a line feed inside the event included,
/// is shown escaped. A safety net behind the escaping at each log call, for
/// plain (uncoloured) text and JSON logs.
#[derive(Debug)]
pub struct LineGuard<W>(pub W);

impl<W: io::Write> io::Write for LineGuard<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let (body, end) = match text.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (&*text, ""),
        };
        // One write of the line and its end: two would let another
        // thread's line in between.
        let mut line = neutralise(body).into_owned();
        line.push_str(end);
        self.0.write_all(line.as_bytes())?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a\u{1b}[2J\u{1b}]0;pwned\u{7}b\rc\nd\u{85}e\u{202e}f\u{2066}g\u{2028}h\u{7f}i\tj";

    #[test]
    fn controls_and_bidi_are_shown_escaped() {
        let s = neutralise(HOSTILE);
        assert_eq!(
            s,
            "a\\u{1b}[2J\\u{1b}]0;pwned\\u{7}b\\rc\\nd\\u{85}e\\u{202e}f\\u{2066}g\\u{2028}h\\u{7f}i\\tj"
        );
        assert!(!s.chars().any(is_unsafe));
        assert_eq!(Shown(HOSTILE).to_string(), s);
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        let text = "Grüße, 東京 — «charged twice» \\ 100 € 👍";
        assert!(matches!(neutralise(text), Cow::Borrowed(_)));
        assert_eq!(Shown(text).to_string(), text);
    }

    #[test]
    fn lines_keep_line_feeds_only() {
        assert_eq!(neutralise_lines("one\ntwo\r\u{1b}x"), "one\ntwo\\r\\u{1b}x");
    }

    #[test]
    fn html_is_escaped_and_neutralised() {
        assert_eq!(html("<b a=\"x\">'&\u{202e}"), "&lt;b a=&quot;x&quot;&gt;&#39;&amp;\\u{202e}");
    }

    #[test]
    fn json_bytes_are_safe_and_values_unchanged() {
        let value = serde_json::json!({ "k\u{202e}": [HOSTILE, "plain"] });
        for text in [to_json(&value).unwrap(), to_json_pretty(&value).unwrap()] {
            assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{text}");
            assert!(text.contains("\\u202e"), "{text}");
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, value);
        }
        assert_eq!(to_json(&"ok").unwrap(), "\"ok\"");
        assert_eq!(to_json_pretty(&serde_json::json!({"a": 1})).unwrap(), "{\n  \"a\": 1\n}");
    }

    /// The escaping `SafeFormatter` did before its byte-level fast path:
    /// every character checked.
    fn escaped_char_by_char(fragment: &str) -> String {
        let mut out = String::new();
        for c in fragment.chars() {
            if is_unsafe(c) {
                out.push_str(&format!("\\u{:04x}", c as u32));
            } else {
                out.push(c);
            }
        }
        out
    }

    fn escaped_fast(fragment: &str) -> String {
        let mut out = Vec::new();
        write_fragment_escaped(&mut out, fragment).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_byte_fast_path_escapes_exactly_what_the_character_check_does() {
        // Every character of the first three planes' interesting ranges, one
        // by one and between ASCII, then pseudo-random mixes of the
        // characters nearest every unsafe range (same lead bytes, next
        // to the boundaries), quotes, backslashes and astral characters.
        let mut chars: Vec<char> = (0u32..0x3000).filter_map(char::from_u32).collect();
        chars.extend(['\u{d7ff}', '\u{e000}', '\u{feff}', '\u{fffd}', '\u{ffff}', '\u{10000}', '\u{1f44d}', '\u{10ffff}']);
        for &c in &chars {
            let run = "plain ascii text";
            for s in [c.to_string(), format!("a{c}b"), format!("{c}{c}"), format!("ü{c}€"), format!("{run}{run}x{c}{run}é{c}")] {
                assert_eq!(escaped_fast(&s), escaped_char_by_char(&s), "{:x}", c as u32);
            }
        }
        let near: Vec<char> = chars
            .iter()
            .copied()
            .filter(|&c| {
                let u = c as u32;
                u < 0x20 || (0x70..=0xbf).contains(&u) || (0x600..=0x63f).contains(&u) || (0x2000..=0x207f).contains(&u) || u > 0xd7ff
            })
            .chain(['"', '\\', 'x', ' ', '\u{0}', '\u{202e}'])
            .collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..(state % 80) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                // Mostly printable ASCII (runs longer than the fast path's
                // blocks), now and then a character near an unsafe range.
                if state % 8 == 0 {
                    s.push(near[((state >> 3) % near.len() as u64) as usize]);
                } else {
                    s.push(char::from(b' ' + ((state >> 3) % 95) as u8));
                }
            }
            assert_eq!(escaped_fast(&s), escaped_char_by_char(&s), "{s:?}");
        }
        assert_eq!(escaped_fast("plain ascii, \"quoted\" ok"), "plain ascii, \"quoted\" ok");
        assert_eq!(escaped_fast(HOSTILE), escaped_char_by_char(HOSTILE));
    }

    #[test]
    fn a_log_line_cannot_start_another() {
        let mut out = Vec::new();
        io::Write::write_all(&mut LineGuard(&mut out), b"INFO plugin: hi\nERROR forged\r\n").unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "INFO plugin: hi\\nERROR forged\\r\n");
    }
}
