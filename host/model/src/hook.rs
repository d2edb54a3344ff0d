//! The four hooks of the plugin contract, and how a hook call ended.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One of the four hooks a plugin may implement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hook {
    Sentiment,
    /// Since contract 0.2.0.
    Classify,
    Priority,
    Routing,
}

impl Hook {
    /// Every hook, in pipeline order.
    pub const ALL: [Hook; 4] = [Hook::Sentiment, Hook::Classify, Hook::Priority, Hook::Routing];

    /// The hook's WIT interface name (also its JSON name).
    pub const fn as_str(self) -> &'static str {
        match self {
            Hook::Sentiment => "sentiment",
            Hook::Classify => "classify",
            Hook::Priority => "priority",
            Hook::Routing => "routing",
        }
    }

    /// The hook named `name`, if any.
    pub fn parse(name: &str) -> Option<Hook> {
        Hook::ALL.into_iter().find(|h| h.as_str() == name)
    }
}

impl fmt::Display for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `trace.hook == "sentiment"` reads as it did when hooks were strings.
impl PartialEq<&str> for Hook {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// How one hook call ended, as the decision's trace records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceOutcome {
    /// The hook returned a value within the contract.
    Ok,
    /// A router passed: the next router (or the fallback) decides.
    Pass,
    /// The call failed; the decision's `error` and `error_kind` say how.
    Error,
}

impl TraceOutcome {
    /// The JSON name.
    pub const fn as_str(self) -> &'static str {
        match self {
            TraceOutcome::Ok => "ok",
            TraceOutcome::Pass => "pass",
            TraceOutcome::Error => "error",
        }
    }
}

impl fmt::Display for TraceOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `trace.outcome == "ok"` reads as it did when outcomes were strings.
impl PartialEq<&str> for TraceOutcome {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// What kind of failure a decision's `error` is: the same names in the
/// decision JSON (`error_kind`), the metrics and `cxr diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A plugin ran out of fuel (`limits.fuel`).
    Fuel,
    /// A plugin ran past its deadline (`limits.timeout_ms`).
    Deadline,
    /// A plugin tried to grow its memory past `limits.memory_mb`.
    Memory,
    /// A plugin trapped: a panic, an abort, a stack overflow, a bad memory access.
    Trap,
    /// A plugin returned its own error value.
    Plugin,
    /// A plugin returned a value outside the contract (a score of 7.3, level
    /// 9, an empty queue name, an output over `limits.output_kb`, ...).
    Contract,
    /// A router named a queue the pipeline's `queues` does not list.
    UnknownQueue,
    /// The plugin is quarantined after repeated failures and was not called.
    Quarantined,
    /// The input could not be read as an interaction (the record stands in
    /// for it; nothing was decided).
    Input,
    /// The interaction's id was already seen in the same batch or stream
    /// (nothing was decided).
    Duplicate,
}

impl ErrorKind {
    /// Every kind, in the order above.
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::Fuel,
        ErrorKind::Deadline,
        ErrorKind::Memory,
        ErrorKind::Trap,
        ErrorKind::Plugin,
        ErrorKind::Contract,
        ErrorKind::UnknownQueue,
        ErrorKind::Quarantined,
        ErrorKind::Input,
        ErrorKind::Duplicate,
    ];

    /// The JSON name (`unknown_queue`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Fuel => "fuel",
            ErrorKind::Deadline => "deadline",
            ErrorKind::Memory => "memory",
            ErrorKind::Trap => "trap",
            ErrorKind::Plugin => "plugin",
            ErrorKind::Contract => "contract",
            ErrorKind::UnknownQueue => "unknown_queue",
            ErrorKind::Quarantined => "quarantined",
            ErrorKind::Input => "input",
            ErrorKind::Duplicate => "duplicate",
        }
    }

    /// Whether the input, not a plugin, is at fault (an error record).
    pub const fn is_input(self) -> bool {
        matches!(self, ErrorKind::Input | ErrorKind::Duplicate)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_are_the_display_names() {
        for h in Hook::ALL {
            assert_eq!(serde_json::to_value(h).unwrap(), h.as_str());
            assert_eq!(Hook::parse(h.as_str()), Some(h));
            assert!(h == h.as_str());
        }
        for o in [TraceOutcome::Ok, TraceOutcome::Pass, TraceOutcome::Error] {
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
        for k in ErrorKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
            assert_eq!(serde_json::from_value::<ErrorKind>(k.as_str().into()).unwrap(), k);
        }
    }
}
