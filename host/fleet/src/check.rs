//! `cxr check`: load a tenant directory or one pipeline exactly as the
//! service and the worker would (the same listing of tenant files, the same
//! [`load_pipeline`] with the same loader: plugins compiled, every plugin's
//! configuration given to its `configure`), serve nothing, and report every
//! file that would fail — not just the first.

use crate::tenants::{FileProblem, TenantSource, list_sources, load_pipeline};
use cxr_host::text::{Shown, neutralise_lines};
use cxr_host::{PipelineLoader, PipelineSource};
use serde::Serialize;
use std::fmt::Write as _;

/// A pipeline that loaded.
#[derive(Debug, Clone, Serialize)]
pub struct CheckedPipeline {
    pub tenant: String,
    /// `live` or `shadow`.
    pub role: &'static str,
    /// The file, or `builtin:reference`.
    pub file: String,
    /// The pipeline's name (its `name =`).
    pub pipeline: String,
    /// The version the service would report for it (`x-cxr-pipeline-version`).
    pub version: String,
    /// How many plugins it runs.
    pub plugins: usize,
}

/// What `cxr check` found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// True when every file loads: the service and the worker would serve
    /// every tenant.
    pub ok: bool,
    /// What was checked (the directory or the pipeline).
    pub checked: String,
    /// The pipelines that load.
    pub pipelines: Vec<CheckedPipeline>,
    /// Every problem found, one per file (a file stops at its first error,
    /// as it does when the service loads it).
    pub problems: Vec<FileProblem>,
}

/// Loads every pipeline `source` names with `loader`, as [`crate::Fleet`]
/// does at start and on reload, and reports each file's outcome.
/// Compiles plugins: call it outside an async runtime.
pub fn check(source: &TenantSource, loader: &PipelineLoader) -> CheckReport {
    let checked = match (&source.config_dir, &source.pipeline) {
        (Some(dir), _) => dir.display().to_string(),
        (None, Some(p)) => p.origin(),
        (None, None) => PipelineSource::Reference.origin(),
    };
    let mut problems = Vec::new();
    let mut pipelines = Vec::new();
    match list_sources(source, &mut problems) {
        Err(e) => problems.push(FileProblem {
            file: checked.clone(),
            tenant: None,
            role: None,
            error: format!("{e:#}"),
        }),
        Ok((live, shadows)) => {
            let shadows = shadows.into_iter().map(|(name, path)| (name, PipelineSource::File(path)));
            let all = live.into_iter().map(|(n, s)| (n, "live", s)).chain(shadows.map(|(n, s)| (n, "shadow", s)));
            for (tenant, role, file) in all {
                match load_pipeline(&file, loader) {
                    Ok(loaded) => pipelines.push(CheckedPipeline {
                        tenant,
                        role,
                        file: loaded.origin.clone(),
                        pipeline: loaded.pipeline.name().to_string(),
                        version: loaded.version.clone(),
                        plugins: distinct_plugins(&loaded.pipeline),
                    }),
                    Err(e) => problems.push(FileProblem {
                        file: file.origin(),
                        tenant: Some(tenant),
                        role: Some(role),
                        error: format!("{e:#}"),
                    }),
                }
            }
        }
    }
    CheckReport {
        ok: problems.is_empty(),
        checked,
        pipelines,
        problems,
    }
}

/// Plugins of a pipeline, one counted once even when it serves several hooks.
fn distinct_plugins(pipeline: &cxr_host::Pipeline) -> usize {
    let mut seen: Vec<*const cxr_host::PluginComponent> = pipeline.plugins().iter().map(|(_, p)| std::sync::Arc::as_ptr(p)).collect();
    seen.sort();
    seen.dedup();
    seen.len()
}

impl CheckReport {
    /// The report for a person: one line per pipeline that loads, each
    /// problem with its file and the loader's message (TOML errors show the
    /// line, the column and the field), a summary line. Text from the files
    /// is neutralised (no terminal escapes).
    pub fn render(&self) -> String {
        let mut out = String::new();
        for p in &self.pipelines {
            let shadow = if p.role == "shadow" { " (shadow)" } else { "" };
            let _ = writeln!(
                out,
                "ok    {}{shadow}: {} — pipeline `{}`, version {}, {} plugin{}",
                Shown(&p.tenant),
                Shown(&p.file),
                Shown(&p.pipeline),
                p.version,
                p.plugins,
                if p.plugins == 1 { "" } else { "s" }
            );
        }
        for p in &self.problems {
            let who = match (&p.tenant, p.role) {
                (Some(t), Some("shadow")) => format!("{} (shadow): ", Shown(t)),
                (Some(t), _) => format!("{}: ", Shown(t)),
                _ => String::new(),
            };
            let _ = writeln!(out, "FAIL  {who}{}", Shown(&p.file));
            for line in neutralise_lines(&p.error).lines() {
                let _ = writeln!(out, "      {line}");
            }
        }
        let files = self.pipelines.len() + self.problems.len();
        if self.ok {
            let all = if files == 1 { "the pipeline loads".to_string() } else { format!("all {files} pipelines load") };
            let _ = writeln!(out, "{}: {all}", Shown(&self.checked));
        } else {
            let _ = writeln!(
                out,
                "{}: {} problem{} ({} of {} pipelines load)",
                Shown(&self.checked),
                self.problems.len(),
                if self.problems.len() == 1 { "" } else { "s" },
                self.pipelines.len(),
                files
            );
        }
        out
    }
}
