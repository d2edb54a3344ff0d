//! `cxr new`: start a plugin crate.

use anyhow::{Result, bail};
use clap::Args;
use cxr_ops::scaffold::{self, BUILD_COMMAND, HookKind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The `guest/` folder of the checkout this `cxr` was built from.
const BUILT_GUEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../guest");

const AFTER_HELP: &str = "\
Writes Cargo.toml, src/lib.rs (the hook with a small working example and
unit tests), README.md and .gitignore. The crate depends on cxr-guest by
path: by default the guest/ folder of the checkout this cxr was built
from, written relative to the new crate when they share a parent folder.

Examples:
  cxr new acme-router --hook routing
  cxr new shouty --hook sentiment --path plugins-wip/shouty
  cxr new acme-intents --hook classify
  cxr new vip-priority --hook priority --guest-path ../cxr/guest --json

Exit status:
  0  the crate was written
  1  the command failed: bad name, folder not empty, cxr-guest not found
  2  invalid command-line usage";

/// Start a plugin crate for one hook that builds to a component and passes
/// its own tests as generated.
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct NewArgs {
    /// The crate name, e.g. `acme-router`.
    pub name: String,
    /// The hook the plugin implements: sentiment, classify, priority or routing.
    #[arg(long, value_parser = parse_hook)]
    pub hook: HookKind,
    /// Folder to create. Default: ./NAME
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,
    /// The cxr-guest crate to depend on. Default: this checkout's guest/.
    #[arg(long, value_name = "PATH")]
    pub guest_path: Option<PathBuf>,
    /// Print what was written as JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_hook(s: &str) -> Result<HookKind, String> {
    HookKind::parse(s).map_err(|e| e.to_string())
}

pub fn run(args: NewArgs) -> Result<ExitCode> {
    scaffold::check_name(&args.name)?;
    let dir = args.path.clone().unwrap_or_else(|| PathBuf::from(&args.name));
    let guest = args.guest_path.clone().unwrap_or_else(|| PathBuf::from(BUILT_GUEST));
    if !guest.join("Cargo.toml").is_file() {
        bail!(
            "no cxr-guest crate at {} (no Cargo.toml there); pass --guest-path with the guest/ folder of a cxr checkout",
            guest.display()
        );
    }
    let guest = std::fs::canonicalize(&guest).unwrap_or(guest);
    let guest_dep = scaffold::relative_path(&dir, &guest);
    let files = scaffold::files(&args.name, args.hook, &guest_dep)?;
    scaffold::write(&dir, &files)?;
    let wasm = Path::new(&dir).join(scaffold::wasm_path(&args.name));
    if args.json {
        let doc = serde_json::json!({
            "name": args.name,
            "hook": args.hook.as_str(),
            "path": dir.display().to_string(),
            "files": files.iter().map(|f| f.path.display().to_string()).collect::<Vec<_>>(),
            "cxr_guest": guest_dep,
            "build": BUILD_COMMAND,
            "wasm": wasm.display().to_string(),
        });
        println!("{}", cxr_host::text::to_json_pretty(&doc)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("created {} ({} plugin, cxr-guest at {guest_dep})", dir.display(), args.hook);
    for f in &files {
        println!("  {}", f.path.display());
    }
    println!();
    println!("test it:    cd {} && cargo test", dir.display());
    println!("run it:     cxr run --plugin {} examples/one.json   (once built)", wasm.display());
    println!("build with: {BUILD_COMMAND}   (in {})", dir.display());
    Ok(ExitCode::SUCCESS)
}
