//! The versions of the plugin contract this host runs side by side.
//!
//! Each released version of `cxr:plugin` has its frozen WIT under `wit/`,
//! its own bindings ([`crate::bindings`]) and a module here that finds its
//! exports in a component and converts between its types and the host's
//! (the current version's). A plugin built against any supported version
//! decides exactly as it did on the host it was built for; a component of
//! an unknown or newer version is refused at load, naming both.

pub(crate) mod since_v0_1_0;
pub(crate) mod since_v0_2_0;

use crate::plugin::Hook;
use std::fmt;

/// The WIT package plugins implement.
pub const WIT_PACKAGE: &str = "cxr:plugin";

/// Every contract version this host loads, oldest first.
pub const SUPPORTED: [ContractVersion; 2] = [ContractVersion::V0_1_0, ContractVersion::V0_2_0];

/// A version of the plugin contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContractVersion {
    /// Sentiment, priority and routing; one hook or all three per component.
    V0_1_0,
    /// Adds the classify hook and signals; any non-empty set of hooks.
    V0_2_0,
}

impl ContractVersion {
    /// The version the guest kit targets and new plugins are built against.
    pub const CURRENT: ContractVersion = ContractVersion::V0_2_0;

    /// `0.1.0`, `0.2.0`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ContractVersion::V0_1_0 => "0.1.0",
            ContractVersion::V0_2_0 => "0.2.0",
        }
    }

    /// The supported version named `v`, if any.
    pub fn parse(v: &str) -> Option<Self> {
        SUPPORTED.into_iter().find(|s| s.as_str() == v)
    }

    /// The hooks a component of this version can export.
    pub fn hooks(self) -> &'static [Hook] {
        match self {
            ContractVersion::V0_1_0 => &[Hook::Sentiment, Hook::Priority, Hook::Routing],
            ContractVersion::V0_2_0 => &Hook::ALL,
        }
    }

    /// The export name of interface `name` in this version, e.g. `cxr:plugin/sentiment@0.1.0`.
    pub fn export_name(self, name: &str) -> String {
        format!("{WIT_PACKAGE}/{name}@{}", self.as_str())
    }
}

impl fmt::Display for ContractVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The supported versions as text: `0.1.0, 0.2.0`.
pub fn supported_list() -> String {
    SUPPORTED.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
}

/// What a component's exports say about the contract it was built for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    /// A supported version.
    Supported(ContractVersion),
    /// It exports `cxr:plugin/lifecycle` of a version this host does not know.
    Unsupported(String),
    /// It exports no `cxr:plugin/lifecycle` at all.
    NotAPlugin,
}

/// Finds the contract version from a component's export names.
pub fn detect<S: AsRef<str>>(exports: &[S]) -> Detected {
    let prefix = format!("{WIT_PACKAGE}/lifecycle@");
    let found: Vec<&str> = exports.iter().filter_map(|e| e.as_ref().strip_prefix(prefix.as_str())).collect();
    // A component exporting several versions would be odd; the newest supported wins.
    let mut supported: Vec<ContractVersion> = found.iter().filter_map(|v| ContractVersion::parse(v)).collect();
    supported.sort();
    match (supported.last(), found.first()) {
        (Some(v), _) => Detected::Supported(*v),
        (None, Some(v)) => Detected::Unsupported(v.to_string()),
        (None, None) => {
            // An export of the package without lifecycle still names a version.
            let any = format!("{WIT_PACKAGE}/");
            match exports.iter().find_map(|e| e.as_ref().strip_prefix(any.as_str()).and_then(|r| r.split_once('@'))) {
                Some((_, v)) if ContractVersion::parse(v).is_none() => Detected::Unsupported(v.to_string()),
                _ => Detected::NotAPlugin,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_version_from_exports() {
        assert_eq!(detect(&["cxr:plugin/lifecycle@0.1.0", "cxr:plugin/sentiment@0.1.0"]), Detected::Supported(ContractVersion::V0_1_0));
        assert_eq!(detect(&["cxr:plugin/lifecycle@0.2.0", "cxr:plugin/classify@0.2.0"]), Detected::Supported(ContractVersion::V0_2_0));
        assert_eq!(detect(&["cxr:plugin/lifecycle@0.3.0", "cxr:plugin/routing@0.3.0"]), Detected::Unsupported("0.3.0".into()));
        assert_eq!(detect(&["cxr:plugin/routing@1.0.0"]), Detected::Unsupported("1.0.0".into()));
        assert_eq!(detect(&["wasi:cli/run@0.2.0"]), Detected::NotAPlugin);
        assert_eq!(detect::<&str>(&[]), Detected::NotAPlugin);
    }

    #[test]
    fn versions_parse_and_print() {
        for v in SUPPORTED {
            assert_eq!(ContractVersion::parse(v.as_str()), Some(v));
        }
        assert_eq!(ContractVersion::parse("0.3.0"), None);
        assert_eq!(supported_list(), "0.1.0, 0.2.0");
        assert_eq!(ContractVersion::V0_1_0.export_name("routing"), "cxr:plugin/routing@0.1.0");
    }
}
