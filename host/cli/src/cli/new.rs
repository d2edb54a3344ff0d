//! `cxr new`: start a plugin project (the logic is in `cxr_ops::scaffold`).

use anyhow::Result;
use clap::Args;
use cxr_ops::scaffold::{self, HookKind, KitSource, Lang, Spec};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Writes a project that passes its own unit tests, builds to a component and
passes its case file as generated: the plugin (each hook with a small
working example), its unit tests, cases.toml (cxr test), interaction.json
(cxr run), README.md and .gitignore. The component's world is the one of
cxr:plugin-worlds for the hooks (wit/worlds/README.md), at the contract
version its kit targets: 0.3.0 for Rust, 0.2.0 for the other languages.

The project depends on its language's kit by version: cxr-guest 0.3 from
crates.io (Rust), cxr-plugin ^0.2.0 from npm (TypeScript, JavaScript),
cxr-plugin==0.2.* from PyPI (Python). With --kit-path (or CXR_KIT_PATH) it
uses a local kit instead: the kit's folder, or a cxr checkout (its guest/,
kits/js/ or kits/python/).

The next steps are printed; run them in order, as printed. Rust plugins are
built with the reference plugins' release settings (opt-level 3, LTO, one
codegen unit, panic=abort, +simd128).

Examples:
  cxr new acme-router --hook routing
  cxr new shouty --lang ts --hook sentiment,routing
  cxr new acme-intents --lang python --hook classify --kit-path ~/src/cxr
  cxr new vip-priority --lang js --hook priority --path plugins-wip/vip --json

Exit status:
  0  the project was written
  1  the command failed: bad name, folder not empty, no kit at --kit-path
  2  invalid command-line usage";

/// Start a plugin project (Rust, TypeScript, JavaScript or Python) for any
/// set of hooks that builds, tests and passes its case file as generated.
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct NewArgs {
    /// The plugin's name, e.g. `acme-router`.
    pub name: String,
    /// The hooks it implements, comma-separated: sentiment, classify, priority, routing.
    #[arg(long, value_name = "HOOKS", value_parser = parse_hooks, required = true)]
    pub hook: Vec<HookSet>,
    /// The language: rust, ts, js or python.
    #[arg(long, value_name = "LANG", default_value = "rust", value_parser = parse_lang)]
    pub lang: Lang,
    /// Folder to create. Default: ./NAME
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,
    /// A local kit instead of the registry's: the kit's folder or a cxr checkout.
    #[arg(long, value_name = "PATH", env = "CXR_KIT_PATH", alias = "guest-path")]
    pub kit_path: Option<PathBuf>,
    /// Print what was written, and the next steps, as JSON.
    #[arg(long)]
    pub json: bool,
}

/// One `--hook` value: a comma-separated set of hooks.
#[derive(Debug, Clone)]
pub struct HookSet(Vec<HookKind>);

fn parse_hooks(s: &str) -> Result<HookSet, String> {
    scaffold::parse_hooks(s).map(HookSet).map_err(|e| e.to_string())
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).map_err(|e| e.to_string())
}

/// How to call this cxr in the printed steps: `cxr` when that name on PATH
/// is this program, else its path.
fn cxr_command() -> String {
    let Ok(me) = std::env::current_exe().and_then(std::fs::canonicalize) else {
        return "cxr".to_string();
    };
    let on_path = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|d| std::fs::canonicalize(d.join("cxr")).is_ok_and(|p| p == me))
    });
    if on_path { "cxr".to_string() } else { shell_word(&me.display().to_string()) }
}

pub fn run(args: NewArgs) -> Result<ExitCode> {
    scaffold::check_name(&args.name)?;
    let dir = args.path.clone().unwrap_or_else(|| PathBuf::from(&args.name));
    let hooks: Vec<HookKind> = args.hook.iter().flat_map(|set| set.0.iter().copied()).collect();
    let kit = match &args.kit_path {
        None => KitSource::Version,
        Some(path) => {
            let found = scaffold::find_kit(args.lang, path)?;
            let found = std::fs::canonicalize(&found).unwrap_or(found);
            KitSource::Path(if args.lang == Lang::Python {
                std::path::absolute(&found)?.display().to_string()
            } else {
                scaffold::relative_path(&dir, &found)
            })
        }
    };
    let spec = Spec::new(&args.name, args.lang, &hooks, kit)?;
    let files = spec.files()?;
    scaffold::write(&dir, &files)?;
    let steps = spec.steps(&cxr_command());
    let kit_text = match &spec.kit {
        KitSource::Version => format!("{} {} from the registry", args.lang.kit_package(), scaffold::kit_version(args.lang)),
        KitSource::Path(p) => format!("{} at {p}", args.lang.kit_package()),
    };
    if args.json {
        let doc = serde_json::json!({
            "name": spec.name,
            "lang": spec.lang.as_str(),
            "hooks": spec.hooks.iter().map(|h| h.as_str()).collect::<Vec<_>>(),
            "world": spec.world(),
            "path": dir.display().to_string(),
            "files": files.iter().map(|f| f.path.display().to_string()).collect::<Vec<_>>(),
            "kit": kit_text,
            "wasm": Path::new(&dir).join(spec.wasm_path()).display().to_string(),
            "steps": steps.iter().map(|s| s.command.clone()).collect::<Vec<_>>(),
        });
        println!("{}", cxr_host::text::to_json_pretty(&doc)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "created {} ({} plugin: {}; world {}; {kit_text})",
        dir.display(),
        spec.lang,
        spec.hook_list(),
        spec.world()
    );
    for f in &files {
        println!("  {}", f.path.display());
    }
    println!("\nnext steps:");
    let cd = format!("cd {}", shell_word(&dir.display().to_string()));
    let width = steps.iter().map(|s| s.command.len()).chain([cd.len()]).max().unwrap_or(0);
    println!("  {cd}");
    for s in &steps {
        println!("  {:<width$}   # {}", s.command, s.what);
    }
    Ok(ExitCode::SUCCESS)
}

/// `s` quoted for a POSIX shell when it needs to be.
fn shell_word(s: &str) -> String {
    if s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+:@%~".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
