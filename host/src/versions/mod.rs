//! The versions of the plugin contract this host runs side by side, and
//! every piece of code that depends on one.
//!
//! Each released version of `cxr:plugin` has its frozen WIT under `wit/`
//! and a module here (`since_vX_Y_Z`) holding its wasmtime bindings, its
//! host interface (`host.log`), where its exports are in a component, and
//! the conversions between its types and the host's working types ([`wit`],
//! the current version's). A plugin built against any supported version
//! decides exactly as it did on the host it was built for; a component of
//! an unknown or newer version is refused at load, naming both.
//!
//! Adding a version touches `wit/` and this folder only: a new module, a
//! variant of [`ContractVersion`], [`Exports`] and [`Guests`], a line in
//! [`link`], and (when it becomes the current one) the [`wit`] alias.

/// The `Exports` (where a component's exports are, found once per
/// component) and `Guests` (the exported functions of one instance) of a
/// version module, for its lifecycle interface and the hooks it has:
/// `version_exports!("0.2.0"; sentiment => Sentiment, ...)`. The paths
/// (`lifecycle::GuestIndices`, `sentiment::Guest`, ...) are the calling
/// module's bindings, so each version gets its own types from one text.
macro_rules! version_exports {
    ($version:literal; $($hook:ident => $variant:ident),+ $(,)?) => {
        #[doc = concat!("Where the exports of a ", $version, " component are, found once per component.")]
        pub(crate) struct Exports {
            lifecycle: lifecycle::GuestIndices,
            $($hook: Option<$hook::GuestIndices>,)+
        }

        #[doc = concat!("The exported functions of one ", $version, " instance.")]
        #[derive(Clone)]
        pub(crate) struct Guests {
            lifecycle: lifecycle::Guest,
            $($hook: Option<$hook::Guest>,)+
        }

        impl Exports {
            /// Finds the lifecycle export and those of `hooks`; the error names the export that does not match.
            pub(super) fn new(pre: &InstancePre<PluginState>, hooks: &[Hook]) -> std::result::Result<Self, (&'static str, wasmtime::Error)> {
                let has = |h: Hook| hooks.contains(&h);
                Ok(Exports {
                    lifecycle: lifecycle::GuestIndices::new(pre).map_err(|e| ("lifecycle", e))?,
                    $($hook: has(Hook::$variant).then(|| $hook::GuestIndices::new(pre)).transpose().map_err(|e| (stringify!($hook), e))?,)+
                })
            }

            /// The functions of a fresh instance.
            pub(super) fn load(&self, store: &mut Store<PluginState>, instance: &Instance) -> Result<Guests> {
                Ok(Guests {
                    lifecycle: self.lifecycle.load(&mut *store, instance)?,
                    $($hook: self.$hook.as_ref().map(|i| i.load(&mut *store, instance)).transpose()?,)+
                })
            }
        }
    };
}

mod since_v0_1_0;
mod since_v0_2_0;
mod since_v0_3_0;

use crate::sandbox::PluginState;
use cxr_model::Hook;
use std::fmt;
use wasmtime::component::{Instance, InstancePre, Linker};
use wasmtime::{Result, Store};

/// The host's working types. The pipeline, the contract checks and the
/// conversions from the host's interaction use them; 0.1.0 converts into
/// them. They are 0.2.0's bindings, and 0.3.0's are the same Rust types
/// (its records and variants are 0.2.0's, field for field; its bindings
/// map them with `with`), so neither 0.2.0 nor 0.3.0 converts anything.
pub(crate) use since_v0_2_0::wit;

/// Links the host interface of every supported version (`cxr:plugin/host`).
pub(crate) fn link(linker: &mut Linker<PluginState>) -> Result<()> {
    since_v0_1_0::link(linker)?;
    since_v0_2_0::link(linker)?;
    since_v0_3_0::link(linker)?;
    Ok(())
}

/// Where a component's exports are, for its contract version; found once per component.
pub(crate) enum Exports {
    V0_1_0(since_v0_1_0::Exports),
    V0_2_0(since_v0_2_0::Exports),
    V0_3_0(since_v0_3_0::Exports),
}

/// The exported functions of one instance, for its contract version.
#[derive(Clone)]
pub(crate) enum Guests {
    V0_1_0(since_v0_1_0::Guests),
    V0_2_0(since_v0_2_0::Guests),
    V0_3_0(since_v0_3_0::Guests),
}

/// A hook call's raw result: `None` when the component does not export the hook.
pub(crate) type Returned<T> = Option<Result<std::result::Result<T, wit::PluginError>>>;

/// Calls the same function on whichever version's guests an instance has.
macro_rules! dispatch {
    ($guests:expr, $g:ident => $call:expr) => {
        match $guests {
            Guests::V0_1_0($g) => $call,
            Guests::V0_2_0($g) => $call,
            Guests::V0_3_0($g) => $call,
        }
    };
}

impl Exports {
    /// Finds the lifecycle export and those of `hooks` in a component of
    /// `version`; the error names the export that does not match.
    pub(crate) fn new(
        version: ContractVersion,
        pre: &InstancePre<PluginState>,
        hooks: &[Hook],
    ) -> std::result::Result<Self, (&'static str, wasmtime::Error)> {
        Ok(match version {
            ContractVersion::V0_1_0 => Exports::V0_1_0(since_v0_1_0::Exports::new(pre, hooks)?),
            ContractVersion::V0_2_0 => Exports::V0_2_0(since_v0_2_0::Exports::new(pre, hooks)?),
            ContractVersion::V0_3_0 => Exports::V0_3_0(since_v0_3_0::Exports::new(pre, hooks)?),
        })
    }

    /// The functions of a fresh instance.
    pub(crate) fn load(&self, store: &mut Store<PluginState>, instance: &Instance) -> Result<Guests> {
        Ok(match self {
            Exports::V0_1_0(e) => Guests::V0_1_0(e.load(store, instance)?),
            Exports::V0_2_0(e) => Guests::V0_2_0(e.load(store, instance)?),
            Exports::V0_3_0(e) => Guests::V0_3_0(e.load(store, instance)?),
        })
    }
}

impl Guests {
    pub(crate) fn info(&self, store: &mut Store<PluginState>) -> Result<wit::PluginInfo> {
        dispatch!(self, g => g.info(store))
    }

    pub(crate) fn configure(&self, store: &mut Store<PluginState>, config: &str) -> Result<std::result::Result<(), wit::PluginError>> {
        dispatch!(self, g => g.configure(store, config))
    }

    pub(crate) fn score(&self, store: &mut Store<PluginState>, input: &wit::Interaction, ctx: &wit::Context) -> Returned<wit::Sentiment> {
        dispatch!(self, g => g.score(store, input, ctx))
    }

    /// `None` for versions without the classify hook too.
    pub(crate) fn classify(
        &self,
        store: &mut Store<PluginState>,
        input: &wit::Interaction,
        ctx: &wit::Context,
        s: &wit::Sentiment,
    ) -> Returned<Vec<wit::Signal>> {
        match self {
            Guests::V0_1_0(_) => None,
            Guests::V0_2_0(g) => g.classify(store, input, ctx, s),
            Guests::V0_3_0(g) => g.classify(store, input, ctx, s),
        }
    }

    pub(crate) fn prioritize(
        &self,
        store: &mut Store<PluginState>,
        input: &wit::Interaction,
        ctx: &wit::Context,
        s: &wit::Sentiment,
    ) -> Returned<wit::Priority> {
        dispatch!(self, g => g.prioritize(store, input, ctx, s))
    }

    pub(crate) fn route(
        &self,
        store: &mut Store<PluginState>,
        input: &wit::Interaction,
        ctx: &wit::Context,
        s: &wit::Sentiment,
        p: &wit::Priority,
    ) -> Returned<wit::RoutingOutcome> {
        dispatch!(self, g => g.route(store, input, ctx, s, p))
    }
}

/// The WIT package plugins implement.
pub const WIT_PACKAGE: &str = "cxr:plugin";

/// Every contract version this host loads, oldest first.
pub const SUPPORTED: [ContractVersion; 3] = [ContractVersion::V0_1_0, ContractVersion::V0_2_0, ContractVersion::V0_3_0];

/// A version of the plugin contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContractVersion {
    /// Sentiment, priority and routing; one hook or all three per component.
    V0_1_0,
    /// Adds the classify hook and signals; any non-empty set of hooks.
    V0_2_0,
    /// Adds the host's `text` interface (normalised text, tokens, language, lexicons).
    V0_3_0,
}

impl ContractVersion {
    /// The version the guest kit targets and new plugins are built against.
    pub const CURRENT: ContractVersion = ContractVersion::V0_3_0;

    /// `0.1.0`, `0.2.0`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ContractVersion::V0_1_0 => "0.1.0",
            ContractVersion::V0_2_0 => "0.2.0",
            ContractVersion::V0_3_0 => "0.3.0",
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
            ContractVersion::V0_2_0 | ContractVersion::V0_3_0 => &Hook::ALL,
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

/// The supported versions as text: `0.1.0, 0.2.0, 0.3.0`.
pub fn supported_list() -> String {
    SUPPORTED.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
}

/// Whether version `v` is newer than every version this host supports.
pub(crate) fn newer_than_supported(v: &str) -> bool {
    let parse = |s: &str| s.split('.').map(|p| p.parse::<u64>().unwrap_or(0)).collect::<Vec<_>>();
    let newest = SUPPORTED.iter().map(|s| parse(s.as_str())).max().unwrap_or_default();
    parse(v) > newest
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
        assert_eq!(detect(&["cxr:plugin/lifecycle@0.3.0", "cxr:plugin/routing@0.3.0"]), Detected::Supported(ContractVersion::V0_3_0));
        assert_eq!(detect(&["cxr:plugin/lifecycle@0.4.0", "cxr:plugin/routing@0.4.0"]), Detected::Unsupported("0.4.0".into()));
        assert_eq!(detect(&["cxr:plugin/routing@1.0.0"]), Detected::Unsupported("1.0.0".into()));
        assert_eq!(detect(&["wasi:cli/run@0.2.0"]), Detected::NotAPlugin);
        assert_eq!(detect::<&str>(&[]), Detected::NotAPlugin);
    }

    #[test]
    fn versions_parse_and_print() {
        for v in SUPPORTED {
            assert_eq!(ContractVersion::parse(v.as_str()), Some(v));
        }
        assert_eq!(ContractVersion::parse("0.4.0"), None);
        assert_eq!(supported_list(), "0.1.0, 0.2.0, 0.3.0");
        assert_eq!(ContractVersion::V0_1_0.export_name("routing"), "cxr:plugin/routing@0.1.0");
    }
}
