//! What a plugin said when it failed.
//!
//! A plugin that traps (a Rust panic, an uncaught JavaScript exception in a
//! component without the kit's glue, a Python exception the kit lets
//! through) has usually just written why to its stderr: the panic message,
//! the engine's report of the exception, the traceback. The host keeps the
//! first and the last [`STDERR_KEPT_BYTES`] of what the plugin wrote to
//! stderr during the call ([`crate::sandbox::LogSink`]; an engine's report
//! starts the output, a traceback ends it) and, when the call traps, puts the
//! one line that says why into the decision's error, after the host's own
//! description of the trap.
//!
//! That line is untrusted text: it is [neutralised](crate::text::neutralise)
//! (no control, escape or bidi character), whitespace runs become one space,
//! and it is cut to [`MAX_GUEST_MESSAGE_CHARS`] characters.

use crate::text;

/// How much of a call's stderr output is kept, in bytes: this many from its
/// start and this many of its newest (8 KiB per instance at most).
pub const STDERR_KEPT_BYTES: usize = 4096;

/// The longest guest message put into an error text, in characters.
pub const MAX_GUEST_MESSAGE_CHARS: usize = 300;

/// The line of a failed call's stderr output that says why, neutralised and
/// bounded; `None` when the plugin wrote nothing useful.
///
/// Recognised, in this order: an exception reported by componentize-qjs
/// (QuickJS: `Exception { message: Some("...") ... }`), a value
/// componentize-js (StarlingMonkey) could not return
/// (``(received `Error: ...`)``), the last line of a Python traceback, and a
/// Rust panic (`panicked at FILE:LINE:COL:` and its message). Otherwise the
/// last line that is not a stack frame or a known runtime remark.
pub fn message(stderr: &str) -> Option<String> {
    let found = quickjs_exception(stderr)
        .or_else(|| starlingmonkey_received(stderr))
        .or_else(|| python_traceback(stderr))
        .or_else(|| rust_panic(stderr))
        .or_else(|| last_meaningful_line(stderr))?;
    let bounded = bound(&found);
    (!bounded.is_empty()).then_some(bounded)
}

/// `Exception { message: Some("boom"), stack: ... }`: the message, with
/// Rust's debug escapes (`\"`, `\\`, `\n`, `\u{1b}`) undone.
fn quickjs_exception(s: &str) -> Option<String> {
    let start = s.rfind("Exception { message: Some(\"")? + "Exception { message: Some(\"".len();
    let mut out = String::new();
    let mut chars = s[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                '0' => out.push('\0'),
                'u' => {
                    // \u{1b}
                    let rest: String = chars.by_ref().take_while(|c| *c != '}').collect();
                    let code = u32::from_str_radix(rest.trim_start_matches('{'), 16).ok()?;
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    // The message ran past what was kept: what there is of it.
    (!out.is_empty()).then_some(out)
}

/// componentize-js: ``invalid variant tag value `undefined` (received `Error: boom`) specified for ...``.
fn starlingmonkey_received(s: &str) -> Option<String> {
    let start = s.rfind("(received `")? + "(received `".len();
    let end = s[start..].rfind("`)")?;
    Some(s[start..start + end].to_string())
}

/// The exception line of the last Python traceback: the last line after
/// `Traceback (most recent call last):` that does not start with a space.
fn python_traceback(s: &str) -> Option<String> {
    let start = s.rfind("Traceback (most recent call last):")?;
    s[start..]
        .lines()
        .skip(1)
        // componentize-py's glue panics after the traceback ("thread
        // '<unnamed>' panicked at ...: Python function threw an unexpected
        // exception"): the traceback ends where the panic begins.
        .take_while(|l| !l.starts_with("thread '"))
        .filter(|l| !l.trim().is_empty() && !l.starts_with(' ') && !l.starts_with('\t'))
        .filter(|l| !is_remark(l))
        .last()
        .map(str::to_string)
}

/// A Rust panic (also what wit-bindgen glue and some engines report through):
/// `thread '<unnamed>' panicked at src/lib.rs:10:5:` then the message.
fn rust_panic(s: &str) -> Option<String> {
    let at = s.rfind("panicked at ")?;
    let rest = &s[at..];
    let (location, message) = rest.split_once(":\n")?;
    let message: Vec<&str> = message.lines().take_while(|l| !is_remark(l)).collect();
    Some(format!("{location}: {}", message.join(" ")))
}

/// Lines that are runtime noise, never the reason.
fn is_remark(line: &str) -> bool {
    let l = line.trim();
    l.starts_with("note: run with `RUST_BACKTRACE")
        || l.starts_with("Redirecting call to abort()")
        || l == "Stack:"
        || l.starts_with("stack backtrace:")
}

fn last_meaningful_line(s: &str) -> Option<String> {
    s.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with([' ', '\t']) && !is_remark(l))
        .last()
        .map(str::to_string)
}

/// Neutralised, on one line, at most [`MAX_GUEST_MESSAGE_CHARS`] characters.
fn bound(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let shown = text::neutralise(&one_line);
    if shown.chars().count() <= MAX_GUEST_MESSAGE_CHARS {
        return shown.into_owned();
    }
    let mut cut: String = shown.chars().take(MAX_GUEST_MESSAGE_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quickjs_exceptions_give_their_message() {
        let s = "\nthread '<unnamed>' (1) panicked at crates/runtime/src/interpreter.rs:51:31:\nFailed to call 'prioritize': Value(Exception(\nException { message: Some(\"boom \\u{1b}[31mred\\u{1b}[0m \\\"q\\\"\"), stack: Some(\"    at prioritize (/p.js:10:43)\\n\") })\n)\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        assert_eq!(message(s).unwrap(), "boom \\u{1b}[31mred\\u{1b}[0m \"q\"");
    }

    #[test]
    fn starlingmonkey_reports_give_the_received_value() {
        let s = "invalid variant tag value `undefined` (received `Error: boom`) specified for `PluginError`\nStack:\n  export_sentiment_0_2_0$score@/tmp/x/initializer.js:640:17\nRedirecting call to abort() to mozalloc_abort\n";
        assert_eq!(message(s).unwrap(), "Error: boom");
    }

    #[test]
    fn python_tracebacks_give_their_last_line() {
        let s = "Traceback (most recent call last):\n  File \"app.py\", line 3, in route\n    x = d['tier']\n        ~^^^^^^^^\nKeyError: 'tier'\n";
        assert_eq!(message(s).unwrap(), "KeyError: 'tier'");
    }

    #[test]
    fn a_python_traceback_followed_by_the_glue_panic_gives_the_exception() {
        let s = "Traceback (most recent call last):\n  File \"app.py\", line 3, in route\n    x = d['tier']\nKeyError: 'tier'\n\nthread '<unnamed>' panicked at src/lib.rs:1:1:\nPython function threw an unexpected exception\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        assert_eq!(message(s).unwrap(), "KeyError: 'tier'");
    }

    #[test]
    fn rust_panics_give_location_and_message() {
        let s = "\nthread '<unnamed>' panicked at src/lib.rs:102:25:\nhostile plugin panics on purpose\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        assert_eq!(message(s).unwrap(), "panicked at src/lib.rs:102:25: hostile plugin panics on purpose");
    }

    #[test]
    fn anything_else_gives_the_last_line_and_nothing_gives_none() {
        assert_eq!(message("starting\nfatal: the sky fell\n   at frame\n").unwrap(), "fatal: the sky fell");
        assert_eq!(message(""), None);
        assert_eq!(message("\n  \n"), None);
    }

    #[test]
    fn messages_are_neutralised_and_bounded() {
        let long = format!("Error: {}\u{202e}", "x".repeat(1000));
        let m = message(&long).unwrap();
        assert_eq!(m.chars().count(), MAX_GUEST_MESSAGE_CHARS);
        assert!(m.ends_with('…'));
        let m = message("Error: a\u{1b}[2Jb\u{202e}c\r\n").unwrap();
        assert_eq!(m, "Error: a\\u{1b}[2Jb\\u{202e}c");
    }
}
