//! The one parser of what names a plugin or a pipeline, so that every verb
//! of the command line, the service, the worker, Python and pipeline files
//! accept the same spellings:
//!
//! | spelling | a plugin ([`PluginSpec`]) | a pipeline ([`PipelineSource`]) |
//! |---|---|---|
//! | `builtin:NAME` (`sentiment`, `classify`, `priority`, `router`) | that reference plugin | the reference pipeline with that plugin swapped in |
//! | `builtin`, `reference`, `builtin:reference` | — | the reference pipeline |
//! | `PATH.wasm` | that component | the reference pipeline with it swapped in (as `--plugin` does) |
//! | any other `PATH` | that component | that pipeline file (TOML) |
//!
//! Paths in a pipeline file are relative to the file's folder; on the
//! command line, to the working directory.

use crate::builtin;
use anyhow::{Context as _, Result, anyhow};
use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Where a plugin component comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PluginSpec {
    /// One of the reference plugins compiled into this build.
    Builtin(String),
    /// A component file.
    File(PathBuf),
}

impl PluginSpec {
    /// Reads a spelling; relative paths stay relative (to the working directory).
    pub fn parse(spec: &str) -> PluginSpec {
        Self::parse_in(spec, Path::new(""))
    }

    /// Reads a spelling from a pipeline file in folder `base`: relative
    /// paths are resolved against it.
    pub fn parse_in(spec: &str, base: &Path) -> PluginSpec {
        match spec.trim().strip_prefix("builtin:") {
            Some(name) => PluginSpec::Builtin(name.to_string()),
            None => PluginSpec::File(base.join(spec)),
        }
    }

    /// The component's bytes, a file of at most `max_component_mb` MiB
    /// (`limits.max_component_mb`; a regular file, read under the limit by
    /// [`crate::fs`]); the error names the file, or lists the built-in
    /// plugins for an unknown name.
    pub fn read(&self, max_component_mb: u64) -> Result<Cow<'static, [u8]>> {
        match self {
            PluginSpec::Builtin(name) => builtin::plugin_bytes(name).map(Cow::Borrowed).ok_or_else(|| {
                anyhow!("unknown built-in plugin `builtin:{name}` (built in: {})", builtin::NAMES.join(", "))
            }),
            PluginSpec::File(path) => crate::fs::read_capped(path, "plugin", crate::fs::Limit::component(max_component_mb)).map(Cow::Owned),
        }
    }

    /// This spec as a pipeline file's `plugin` value that means the same
    /// from any folder (files as absolute paths).
    pub fn to_stage_value(&self) -> Result<String> {
        Ok(match self {
            PluginSpec::Builtin(name) => format!("builtin:{name}"),
            PluginSpec::File(path) => std::path::absolute(path)
                .with_context(|| format!("resolving {}", path.display()))?
                .display()
                .to_string(),
        })
    }
}

impl fmt::Display for PluginSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PluginSpec::Builtin(name) => write!(f, "builtin:{name}"),
            PluginSpec::File(path) => write!(f, "{}", path.display()),
        }
    }
}

impl FromStr for PluginSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.trim().is_empty() {
            return Err("an empty plugin name: give `builtin:NAME` or a path to a .wasm component".into());
        }
        Ok(PluginSpec::parse(s))
    }
}

/// Where a pipeline comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PipelineSource {
    /// The reference pipeline built into cxr (`examples/pipeline.toml`).
    Reference,
    /// A pipeline file (TOML).
    File(PathBuf),
    /// The reference pipeline with this plugin swapped in for the hooks it implements.
    Plugin(PluginSpec),
}

impl PipelineSource {
    /// Reads a spelling (see the [module](self) table).
    pub fn parse(spec: &str) -> PipelineSource {
        let spec = spec.trim();
        match spec {
            "builtin" | "reference" | "builtin:reference" => PipelineSource::Reference,
            _ if spec.starts_with("builtin:") => PipelineSource::Plugin(PluginSpec::parse(spec)),
            _ if Path::new(spec).extension().is_some_and(|e| e.eq_ignore_ascii_case("wasm")) => {
                PipelineSource::Plugin(PluginSpec::parse(spec))
            }
            _ => PipelineSource::File(PathBuf::from(spec)),
        }
    }

    /// `builtin:reference`, the file's path, or `builtin + PLUGIN`.
    pub fn origin(&self) -> String {
        match self {
            PipelineSource::Reference => "builtin:reference".to_string(),
            PipelineSource::File(p) => p.display().to_string(),
            PipelineSource::Plugin(p) => format!("builtin:reference + {p}"),
        }
    }
}

impl fmt::Display for PipelineSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin())
    }
}

impl FromStr for PipelineSource {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.trim().is_empty() {
            return Err("an empty pipeline name: give a pipeline file, a .wasm plugin, or `builtin`".into());
        }
        Ok(PipelineSource::parse(s))
    }
}

impl From<PathBuf> for PipelineSource {
    fn from(p: PathBuf) -> Self {
        PipelineSource::parse(&p.to_string_lossy())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_means_one_thing() {
        for r in ["builtin", "reference", "builtin:reference", " builtin "] {
            assert_eq!(PipelineSource::parse(r), PipelineSource::Reference, "{r}");
        }
        assert_eq!(
            PipelineSource::parse("builtin:router"),
            PipelineSource::Plugin(PluginSpec::Builtin("router".into()))
        );
        assert_eq!(
            PipelineSource::parse("my/router.WASM"),
            PipelineSource::Plugin(PluginSpec::File("my/router.WASM".into()))
        );
        assert_eq!(PipelineSource::parse("prod.toml"), PipelineSource::File("prod.toml".into()));
        assert_eq!(PluginSpec::parse_in("p/x.wasm", Path::new("/etc/cxr")), PluginSpec::File("/etc/cxr/p/x.wasm".into()));
        assert_eq!(PluginSpec::parse_in("builtin:priority", Path::new("/etc")), PluginSpec::Builtin("priority".into()));
        assert!("".parse::<PipelineSource>().is_err());
    }

    #[test]
    fn unknown_builtins_and_missing_files_are_named() {
        let e = PluginSpec::parse("builtin:nope").read(50).unwrap_err().to_string();
        assert!(e.contains("unknown built-in plugin `builtin:nope`") && e.contains("router"), "{e}");
        let e = format!("{:#}", PluginSpec::parse("/no/such/plugin.wasm").read(50).unwrap_err());
        assert!(e.contains("/no/such/plugin.wasm"), "{e}");
        assert!(PluginSpec::parse("builtin:router").read(50).unwrap().starts_with(b"\0asm"));
    }
}
