//! `cxr check`: load a tenant directory or a pipeline as `cxr serve` and
//! `cxr worker` would, serve nothing, report every problem. The loading and
//! the report are `cxr-fleet`'s (`cxr_fleet::check`).

use anyhow::Result;
use clap::Args;
use cxr_fleet::TenantSource;
use cxr_host::{PipelineLoader, PipelineSource};
use std::path::PathBuf;
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Loads exactly as `cxr serve --config-dir DIR` and `cxr worker --config-dir
DIR` do at start and on reload: the same tenant files (TENANT.toml; other
files are ignored, a .toml whose name is not a tenant name is a problem),
every plugin compiled, every plugin's configuration (privacy, calendars,
rules...) checked by the plugin itself. Every file is tried, so one run lists
every problem, each with its file and, for TOML errors, the line, column and
field. Run it before sending SIGHUP or replacing a config map.

Examples:
  cxr check tenants/                     # every TENANT.toml in the directory
  cxr check tenants/ --shadow-dir candidates/
  cxr check pipeline.toml                # one pipeline, as `cxr serve -p` loads it
  cxr check tenants/ --json | jq '.problems[] | .file'

Exit status:
  0  every pipeline loads
  1  a problem: a file that does not parse or load (unknown field, missing
     plugin, a plugin refusing its configuration...), an invalid tenant file
     name, an unreadable or empty directory
  2  invalid command-line usage";

/// Check a tenant directory or a pipeline file without serving: every problem, with file and line.
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct CheckArgs {
    /// A directory of TENANT.toml pipelines (as --config-dir), or one
    /// pipeline: a file, a .wasm plugin in the reference pipeline, `builtin`.
    #[arg(value_name = "PATH")]
    pub path: String,
    /// Also check the shadow candidates of this directory (as serve's --shadow-dir).
    #[arg(long, value_name = "DIR")]
    pub shadow_dir: Option<PathBuf>,
    /// Print the report as JSON: {ok, checked, pipelines: [...], problems: [{file, tenant, role, error}]}.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let path = PathBuf::from(&args.path);
    let source = if path.is_dir() {
        TenantSource {
            config_dir: Some(path),
            shadow_dir: args.shadow_dir,
            ..TenantSource::default()
        }
    } else {
        TenantSource {
            pipeline: Some(PipelineSource::parse(&args.path)),
            shadow_dir: args.shadow_dir,
            ..TenantSource::default()
        }
    };
    let report = cxr_fleet::check(&source, &PipelineLoader::new());
    if args.json {
        println!("{}", cxr_host::text::to_json_pretty(&report)?);
    } else {
        print!("{}", report.render());
    }
    Ok(if report.ok { ExitCode::SUCCESS } else { ExitCode::from(super::EXIT_FAILURE) })
}
