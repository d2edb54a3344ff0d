//! Where an input was, what was wrong with it, and the error record that
//! stands in for it: worded here once for every front end.
//!
//! An error record is a decision with no route, `error` = `"POSITION:
//! PROBLEM"` (`line 3: empty (no interaction)`, `[2]: field \`body\`: is
//! required`; the problem is worded alike by every front end) and
//! `error_kind` = `input` or `duplicate`; its `id` is the input's id when
//! one could be read, else the position (`line 3`, `[2]`); `line` is set
//! for lines.

use crate::input::InputError;
use crate::model::Decision;
use cxr_model::ErrorKind;
use std::fmt;

/// Where an input was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Position {
    /// The 1-based line of a JSON Lines input.
    Line(u64),
    /// The 0-based element of a list (a JSON array body, Python's `decide_many`).
    Element(usize),
    /// A single interaction (a request body, a message, one Python call).
    Single,
}

impl Position {
    /// The input's `line` in its record.
    pub fn line(self) -> Option<u64> {
        match self {
            Position::Line(n) => Some(n),
            _ => None,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Line(n) => write!(f, "line {n}"),
            Position::Element(i) => write!(f, "[{i}]"),
            Position::Single => f.write_str("the interaction"),
        }
    }
}

/// Why an input yields an error record instead of a decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Blank (or only white space).
    Empty,
    /// Over the size cap.
    TooLong { bytes: usize, max: usize },
    /// Not UTF-8.
    NotUtf8 { at: usize },
    /// Not an interaction; the error names the field.
    Input(InputError),
    /// The id was seen before in the same batch or stream.
    Duplicate { id: String, first: Position },
    /// Something a front end could not turn into an interaction text (a
    /// Python value of the wrong type, ...); the text says what.
    Other(String),
}

impl Problem {
    /// The error kind of the record: `duplicate` or `input`.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Problem::Duplicate { .. } => ErrorKind::Duplicate,
            _ => ErrorKind::Input,
        }
    }

    /// The input field at fault, when the problem is one field's.
    pub fn field(&self) -> Option<&str> {
        match self {
            Problem::Input(InputError::Field { field, .. }) => Some(field),
            _ => None,
        }
    }
}

/// The problem in words, the same for every front end: `empty (no
/// interaction)`, `52428822 bytes, over the 1048576-byte limit`,
/// `duplicate id "T-1" (first seen on line 1)`; only the first sighting of a
/// repeated id names a position (an error record adds where the input was).
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Empty => f.write_str("empty (no interaction)"),
            Problem::TooLong { bytes, max } => write!(f, "{bytes} bytes, over the {max}-byte limit"),
            Problem::NotUtf8 { at } => write!(f, "invalid UTF-8 at byte {at}"),
            Problem::Input(e) => write!(f, "{e}"),
            Problem::Other(why) => f.write_str(why),
            Problem::Duplicate { id, first } => match first {
                Position::Line(n) => write!(f, "duplicate id {id:?} (first seen on line {n})"),
                other => write!(f, "duplicate id {id:?} (first seen at {other})"),
            },
        }
    }
}

/// The error record standing in for the input at `at`: its id (when one
/// could be read), `error` = `"{at}: {problem}"`, the problem's kind.
pub fn error_record(at: Position, id: Option<String>, problem: &Problem) -> Decision {
    let error = match at {
        Position::Single => problem.to_string(),
        _ => format!("{at}: {problem}"),
    };
    Decision::error_record(id.unwrap_or_else(|| at.to_string()), at.line(), problem.kind(), error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_name_the_position_and_the_problem() {
        let r = error_record(Position::Line(3), None, &Problem::Empty);
        assert_eq!((r.id.as_str(), r.line, r.error.as_deref()), ("line 3", Some(3), Some("line 3: empty (no interaction)")));
        assert_eq!(r.error_kind, Some(ErrorKind::Input));
        assert!(r.is_error_record());
        let dup = Problem::Duplicate { id: "T-1".into(), first: Position::Element(0) };
        let r = error_record(Position::Element(4), Some("T-1".into()), &dup);
        assert_eq!((r.id.as_str(), r.line, r.error.as_deref()), ("T-1", None, Some("[4]: duplicate id \"T-1\" (first seen at [0])")));
        assert_eq!(r.error_kind, Some(ErrorKind::Duplicate));
        let long = Problem::TooLong { bytes: 10, max: 5 };
        assert_eq!(error_record(Position::Single, None, &long).error.as_deref(), Some("10 bytes, over the 5-byte limit"));
    }
}
