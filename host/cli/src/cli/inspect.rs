//! `cxr inspect`: what a plugin component is.

use anyhow::Result;
use clap::Args;
use cxr_host::inspect::inspect_spec;
use cxr_host::text::Shown;
use cxr_host::{CachePolicy, PluginSpec};
use std::process::ExitCode;

/// Show a plugin component's hooks, contract version, imports, size and hash.
///
/// Says whether this cxr supports the component's contract version (it
/// runs every released version side by side); a component of an
/// unsupported version is still described, with the reason it is refused,
/// and the exit status is 1. Anything that is not a cxr plugin at all is
/// refused with the reason.
#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  cxr inspect target/wasm32-wasip2/release/my_plugin.wasm\n  cxr inspect builtin:router --json\n\nExit status:\n  0  a cxr plugin of a contract version this cxr supports\n  1  a plugin of a contract version this cxr does not support (described, with\n     the reason), not a cxr plugin, or not readable\n  2  invalid command-line usage")]
pub struct InspectArgs {
    /// A `.wasm` component, or `builtin:sentiment|classify|priority|router`.
    pub plugin: PluginSpec,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: InspectArgs) -> Result<ExitCode> {
    let found = inspect_spec(&args.plugin, &CachePolicy::Default)?;
    let status = if found.contract_supported { ExitCode::SUCCESS } else { ExitCode::FAILURE };
    if args.json {
        println!("{}", cxr_host::text::to_json_pretty(&found)?);
        return Ok(status);
    }
    let m = &found.meta;
    // Name, version, description, imports and exports are the plugin's own words.
    if found.contract_supported {
        println!("{} {}", Shown(&m.name), Shown(&m.version));
        if !m.description.is_empty() {
            println!("  {}", Shown(&m.description));
        }
    }
    let hooks: Vec<&str> = m.hooks.iter().map(|h| h.as_str()).collect();
    println!("hooks:    {}", hooks.join(", "));
    let support = if found.contract_supported {
        "supported by this cxr".to_string()
    } else {
        format!("NOT supported by this cxr (it supports {})", found.supported_versions.join(", "))
    };
    println!("contract: cxr:plugin@{} ({support})", m.wit_version);
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
    if let Some(why) = &found.refused {
        println!("refused:  {}", Shown(why));
    }
    Ok(status)
}
