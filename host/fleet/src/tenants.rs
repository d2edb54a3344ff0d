//! Tenants: one pipeline per tenant, loaded from a config directory (or
//! one pipeline as tenant `default`), plus an optional shadow candidate per
//! tenant. Loading builds every pipeline anew on the process runtime
//! (components already loaded are reused, none is compiled twice); a
//! tenant whose file fails to load keeps its previous pipeline, or, if it
//! had none, is reported broken and not served.

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Utc};
use cxr_host::{Pipeline, PipelineConfig, PipelineLoader, PipelineSource, builtin};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The tenant served when no `--config-dir` is given, and the one a request
/// or message naming no tenant goes to (when it exists).
pub const DEFAULT_TENANT: &str = "default";

/// The longest tenant name accepted.
pub const MAX_TENANT_NAME: usize = 64;

/// Checks a tenant name: 1 to 64 characters of `a-z`, `0-9`, `_` and `-`.
pub fn valid_tenant_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_TENANT_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// Where the tenants' pipelines come from.
#[derive(Debug, Clone, Default)]
pub struct TenantSource {
    /// A directory of `TENANT.toml` pipeline files, one tenant each. Without
    /// it, a single tenant `default` runs `pipeline` (or the reference pipeline).
    pub config_dir: Option<PathBuf>,
    /// The pipeline of tenant `default` when there is no `config_dir`
    /// (any spelling of [`PipelineSource`]); the reference pipeline when `None`.
    pub pipeline: Option<PipelineSource>,
    /// A directory of `TENANT.toml` candidate pipelines run in shadow beside
    /// the live pipeline of the tenant of the same name.
    pub shadow_dir: Option<PathBuf>,
    /// Poll these files this often and reload when they change
    /// (`--watch`, [`crate::watch`]); `None`: reload on SIGHUP only.
    pub watch: Option<std::time::Duration>,
}

/// A loaded pipeline and where it came from.
pub struct Loaded {
    /// The pipeline, shared by the requests using it.
    pub pipeline: Arc<Pipeline>,
    /// The file it was loaded from, or `builtin:reference`.
    pub origin: String,
    /// A short content hash of the pipeline file and its plugins: changes
    /// whenever either does.
    pub version: String,
    /// When it was loaded.
    pub loaded_at: DateTime<Utc>,
}

/// One tenant: its live pipeline and, optionally, a shadow candidate. Its
/// pipelines have instances of their own (never shared with another
/// tenant's); compiled components are shared.
pub struct Tenant {
    /// The tenant's name (its file stem).
    pub name: String,
    /// The pipeline whose decisions are returned.
    pub live: Arc<Loaded>,
    /// The candidate whose decisions are only compared and counted.
    pub shadow: Option<Arc<Loaded>>,
}

/// Every tenant, as served at one moment. Swapped whole on reload.
#[derive(Default)]
pub struct TenantMap {
    /// Tenants served, by name.
    pub tenants: BTreeMap<String, Arc<Tenant>>,
    /// Tenants whose pipeline failed to load and who have no earlier one: not
    /// served; why, by name.
    pub broken: BTreeMap<String, String>,
    /// Incremented by every load or reload that changed the map.
    pub generation: u64,
}

/// How a tenant stands after a load or reload.
#[derive(Debug, Clone, Serialize)]
pub struct TenantStatus {
    pub tenant: String,
    pub pipeline: String,
    pub version: String,
    pub origin: String,
    pub loaded_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shadow: Option<ShadowStatus>,
}

/// The shadow candidate of a tenant.
#[derive(Debug, Clone, Serialize)]
pub struct ShadowStatus {
    pub pipeline: String,
    pub version: String,
    pub origin: String,
}

/// A tenant that is not served because its pipeline failed to load.
#[derive(Debug, Clone, Serialize)]
pub struct BrokenTenant {
    pub tenant: String,
    pub error: String,
}

/// A tenant no longer served because its file disappeared.
#[derive(Debug, Clone, Serialize)]
pub struct RemovedTenant {
    pub tenant: String,
    /// The file its pipeline was loaded from.
    pub file: String,
}

/// A file that could not be used, and why.
#[derive(Debug, Clone, Serialize)]
pub struct FileProblem {
    /// The file (or directory) concerned.
    pub file: String,
    /// The tenant it belongs to, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// `live` or `shadow` (the shadow candidate of the tenant).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<&'static str>,
    /// What is wrong: the loader's error chain, with line and field when known.
    pub error: String,
}

/// What a load or reload did.
#[derive(Debug, Clone, Serialize)]
pub struct ReloadReport {
    /// True when every file loaded.
    pub ok: bool,
    /// The generation now served.
    pub generation: u64,
    pub finished_at: DateTime<Utc>,
    /// Every tenant now served.
    pub tenants: Vec<TenantStatus>,
    /// Tenants not served: their pipeline failed to load and they had no earlier one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub broken: Vec<BrokenTenant>,
    /// Tenants whose file disappeared, no longer served.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<RemovedTenant>,
    /// Why files failed to load; each such tenant keeps its previous
    /// pipeline, or is broken.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

impl ReloadReport {
    /// A reload that changed nothing: every tenant keeps its pipeline.
    pub fn failed(current: &TenantMap, error: String) -> Self {
        ReloadReport {
            ok: false,
            generation: current.generation,
            finished_at: Utc::now(),
            tenants: current.statuses(),
            broken: current.broken_list(),
            removed: Vec::new(),
            errors: vec![error],
        }
    }

    /// `ok`, `partial` (some files failed) or `failed` (nothing changed),
    /// against the generation served before.
    pub fn outcome(&self, generation_before: u64) -> &'static str {
        match (self.ok, self.generation == generation_before) {
            (true, _) => "ok",
            (false, false) => "partial",
            (false, true) => "failed",
        }
    }
}

impl TenantMap {
    /// The status of every tenant served.
    pub fn statuses(&self) -> Vec<TenantStatus> {
        self.tenants.values().map(|t| t.status()).collect()
    }

    /// The tenants not served, with why.
    pub fn broken_list(&self) -> Vec<BrokenTenant> {
        self.broken
            .iter()
            .map(|(tenant, error)| BrokenTenant {
                tenant: tenant.clone(),
                error: error.clone(),
            })
            .collect()
    }
}

impl Tenant {
    /// This tenant's status.
    pub fn status(&self) -> TenantStatus {
        TenantStatus {
            tenant: self.name.clone(),
            pipeline: self.live.pipeline.name().to_string(),
            version: self.live.version.clone(),
            origin: self.live.origin.clone(),
            loaded_at: self.live.loaded_at,
            shadow: self.shadow.as_ref().map(|s| ShadowStatus {
                pipeline: s.pipeline.name().to_string(),
                version: s.version.clone(),
                origin: s.origin.clone(),
            }),
        }
    }
}

/// Loads one pipeline with `loader`: its file's text (or the reference
/// pipeline's), hashed with its plugins for the version.
pub fn load_pipeline(source: &PipelineSource, loader: &PipelineLoader) -> Result<Loaded> {
    let origin = source.origin();
    let (text, base, loader) = match source {
        PipelineSource::File(path) => {
            let text = cxr_host::fs::read_pipeline_text(path)?;
            (text, path.parent().map(Path::to_path_buf).unwrap_or_default(), loader.clone())
        }
        PipelineSource::Reference => (builtin::REFERENCE_PIPELINE.to_string(), PathBuf::from("."), loader.clone()),
        PipelineSource::Plugin(spec) => (
            builtin::REFERENCE_PIPELINE.to_string(),
            PathBuf::from("."),
            loader.clone().plugin(spec.clone()),
        ),
    };
    let config = PipelineConfig::from_toml(&text).with_context(|| format!("in pipeline file {origin}"))?;
    let pipeline = loader.config(&config, &base).with_context(|| format!("loading pipeline {origin}"))?;
    let mut hash = Sha256::new();
    hash.update(text.as_bytes());
    for (_, plugin) in pipeline.plugins() {
        hash.update(plugin.meta().sha256.as_bytes());
    }
    Ok(Loaded {
        pipeline: Arc::new(pipeline),
        origin,
        version: hex::encode(&hash.finalize()[..6]),
        loaded_at: Utc::now(),
    })
}

/// Lists the `*.toml` files of a directory by tenant name. Files whose stem
/// is not a valid tenant name are reported in `problems` and skipped.
pub(crate) fn list_dir(dir: &Path, problems: &mut Vec<FileProblem>) -> Result<BTreeMap<String, PathBuf>> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading directory {}", dir.display()))?;
    let mut files = BTreeMap::new();
    for entry in entries {
        let path = entry.with_context(|| format!("reading directory {}", dir.display()))?.path();
        if path.extension().is_none_or(|e| e != "toml") || !path.is_file() {
            continue;
        }
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if valid_tenant_name(&stem) {
            files.insert(stem, path);
        } else {
            problems.push(FileProblem {
                file: path.display().to_string(),
                tenant: None,
                role: None,
                error: format!("`{stem}` is not a valid tenant name (1-{MAX_TENANT_NAME} characters of a-z, 0-9, _ and -); file skipped"),
            });
        }
    }
    Ok(files)
}

/// The live pipeline of every tenant.
pub(crate) fn live_sources(source: &TenantSource, problems: &mut Vec<FileProblem>) -> Result<BTreeMap<String, PipelineSource>> {
    match &source.config_dir {
        Some(dir) => {
            let files = list_dir(dir, problems)?;
            if files.is_empty() {
                bail!("no tenant pipeline (*.toml) in {}", dir.display());
            }
            Ok(files.into_iter().map(|(name, path)| (name, PipelineSource::File(path))).collect())
        }
        None => Ok(BTreeMap::from([(
            DEFAULT_TENANT.to_string(),
            source.pipeline.clone().unwrap_or(PipelineSource::Reference),
        )])),
    }
}

/// The live pipeline of every tenant and the shadow candidates' files;
/// shadow files naming no tenant are reported in `problems` (and ignored).
/// Fails when a directory cannot be read or holds no tenant pipeline.
pub(crate) fn list_sources(
    source: &TenantSource,
    problems: &mut Vec<FileProblem>,
) -> Result<(BTreeMap<String, PipelineSource>, BTreeMap<String, PathBuf>)> {
    let live = live_sources(source, problems)?;
    let mut shadows = match &source.shadow_dir {
        Some(dir) => list_dir(dir, problems)?,
        None => BTreeMap::new(),
    };
    shadows.retain(|name, path| {
        let known = live.contains_key(name);
        if !known {
            problems.push(FileProblem {
                file: path.display().to_string(),
                tenant: Some(name.clone()),
                role: Some("shadow"),
                error: format!("shadow pipeline for `{name}` ignored: there is no tenant `{name}`"),
            });
        }
        known
    });
    Ok((live, shadows))
}

/// Builds the next tenant map from `source`, starting from `old`: each tenant
/// whose live (or shadow) file fails to load keeps its previous live (or
/// shadow) pipeline, or is broken when it has none; the failure is
/// reported. Nothing is swapped here.
///
/// Fails as a whole (keeping `old` entirely) when a directory cannot be read
/// or no tenant at all would be served.
pub fn build(source: &TenantSource, loader: &PipelineLoader, old: &TenantMap) -> Result<(TenantMap, ReloadReport)> {
    let mut problems = Vec::new();
    let (live, shadows) = list_sources(source, &mut problems)?;
    let mut errors: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.file, p.error)).collect();
    let mut tenants = BTreeMap::new();
    let mut broken = BTreeMap::new();
    for (name, file) in &live {
        let previous = old.tenants.get(name);
        let live = match load_pipeline(file, loader) {
            Ok(loaded) => Some(Arc::new(loaded)),
            Err(e) => {
                let kept = previous.map(|t| t.live.clone());
                let error = format!("{e:#}");
                if kept.is_some() {
                    errors.push(format!("tenant `{name}`: {error}; the previous pipeline keeps serving"));
                } else {
                    errors.push(format!("tenant `{name}`: {error}; tenant not served"));
                    broken.insert(name.clone(), error);
                }
                kept
            }
        };
        let Some(live) = live else { continue };
        let shadow = match shadows.get(name) {
            None => None,
            Some(path) => match load_pipeline(&PipelineSource::File(path.clone()), loader) {
                Ok(loaded) => Some(Arc::new(loaded)),
                Err(e) => {
                    let kept = previous.and_then(|t| t.shadow.clone());
                    let consequence = if kept.is_some() {
                        "the previous shadow keeps running"
                    } else {
                        "no shadow"
                    };
                    errors.push(format!("shadow of tenant `{name}`: {e:#}; {consequence}"));
                    kept
                }
            },
        };
        tenants.insert(
            name.clone(),
            Arc::new(Tenant {
                name: name.clone(),
                live,
                shadow,
            }),
        );
    }
    if tenants.is_empty() {
        bail!("no tenant could be loaded: {}", errors.join("; "));
    }
    let removed: Vec<RemovedTenant> = old
        .tenants
        .values()
        .filter(|t| !tenants.contains_key(&t.name) && !broken.contains_key(&t.name))
        .map(|t| RemovedTenant {
            tenant: t.name.clone(),
            file: t.live.origin.clone(),
        })
        // A tenant that was not served (broken) and whose file is gone too.
        .chain(old.broken.keys().filter(|n| !live.contains_key(*n)).map(|name| RemovedTenant {
            tenant: name.clone(),
            file: source
                .config_dir
                .as_ref()
                .map_or_else(|| name.clone(), |dir| dir.join(format!("{name}.toml")).display().to_string()),
        }))
        .collect();
    let map = TenantMap {
        tenants,
        broken,
        generation: old.generation + 1,
    };
    let report = ReloadReport {
        ok: errors.is_empty(),
        generation: map.generation,
        finished_at: Utc::now(),
        tenants: map.statuses(),
        broken: map.broken_list(),
        removed,
        errors,
    };
    Ok((map, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_names_are_checked() {
        for ok in ["default", "acme", "acme-eu_2", "a"] {
            assert!(valid_tenant_name(ok), "{ok}");
        }
        for bad in ["", "Acme", "a b", "../etc", "a.b", "é", &"x".repeat(65)] {
            assert!(!valid_tenant_name(bad), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn tenant_files_are_regular_files_under_the_limit() {
        let dir = std::env::temp_dir().join(format!("cxr-fleet-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("acme.toml");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let loader = PipelineLoader::new();
        let e = format!("{:#}", load_pipeline(&PipelineSource::File(fifo), &loader).err().expect("a FIFO is refused"));
        assert!(e.contains("acme.toml is not a regular file (it is a FIFO (named pipe))"), "{e}");
        let big = dir.join("big.toml");
        std::fs::write(&big, "#".repeat((1 << 20) + 1)).unwrap();
        let e = format!("{:#}", load_pipeline(&PipelineSource::File(big), &loader).err().expect("an oversize file is refused"));
        assert!(e.contains("over the 1048576-byte limit"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
