//! `cxr inspect`: what a plugin component is.

use anyhow::{Context as _, Result};
use clap::Args;
use cxr_host::text::Shown;
use cxr_host::{Limits, PluginComponent, Runtime, builtin};
use std::process::ExitCode;

/// Show a plugin component's hooks, WIT version, imports, size and hash.
///
/// Refuses, with the reason, anything that is not a component of the
/// cxr:plugin package this cxr speaks.
#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  cxr inspect target/wasm32-wasip2/release/my_plugin.wasm\n  cxr inspect builtin:router --json")]
pub struct InspectArgs {
    /// A `.wasm` component, or `builtin:sentiment|priority|router`.
    pub plugin: String,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: InspectArgs) -> Result<ExitCode> {
    let bytes = match args.plugin.strip_prefix("builtin:") {
        Some(name) => builtin::plugin_bytes(name)
            .with_context(|| format!("unknown built-in plugin {:?} (built in: {})", args.plugin, builtin::NAMES.join(", ")))?
            .to_vec(),
        None => std::fs::read(&args.plugin).with_context(|| format!("reading {}", args.plugin))?,
    };
    let runtime = Runtime::with_cache(&Limits::default(), cxr_host::runtime::default_cache_dir().as_deref())?;
    let plugin = PluginComponent::load(&runtime, &bytes, &args.plugin)?;
    let m = plugin.meta();
    if args.json {
        println!("{}", cxr_host::text::to_json_pretty(m)?);
        return Ok(ExitCode::SUCCESS);
    }
    // Name, version, description, imports and exports are the plugin's own words.
    println!("{} {}", Shown(&m.name), Shown(&m.version));
    if !m.description.is_empty() {
        println!("  {}", Shown(&m.description));
    }
    let hooks: Vec<&str> = m.hooks.iter().map(|h| h.as_str()).collect();
    println!("hooks:    {}", hooks.join(", "));
    println!("contract: cxr:plugin@{}", m.wit_version);
    println!("size:     {} bytes", m.size_bytes);
    println!("sha256:   {}", m.sha256);
    println!("imports:");
    for i in &m.imports {
        println!("  {}", Shown(i));
    }
    println!("exports:");
    for e in &m.exports {
        println!("  {}", Shown(e));
    }
    Ok(ExitCode::SUCCESS)
}
