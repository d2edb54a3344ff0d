//! `cxr cache`: see, prune and clear the compile cache.

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use cxr_host::cache::{self, CacheDir, Keep};
use cxr_ops::cache::{parse_age, parse_size, render_pruned, render_show};
use std::path::PathBuf;
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Every verb keeps the plugins it compiles in this cache, so that the next
run maps them instead of compiling (seconds per plugin). After each write
the least recently used entries are removed until the cache is under its
cap: 512 MiB, or CXR_CACHE_MAX_MB mebibytes (0: no cap). Only files named
like cache entries are ever counted or removed.

Examples:
  cxr cache                          # where, how big, every entry
  cxr cache --json
  cxr cache prune --max-size 200M    # least recently used first
  cxr cache prune --max-age 30d      # entries unused for 30 days
  cxr cache clear
  cxr cache --dir /var/cache/cxr clear

Exit status:
  0  done
  1  the cache directory cannot be read or an entry cannot be removed;
     no directory given and no home directory known
  2  invalid command-line usage

Environment:
  CXR_CACHE_DIR     the cache directory (default: $XDG_CACHE_HOME/cxr or ~/.cache/cxr)
  CXR_CACHE_MAX_MB  the cap applied after each write (default 512; 0: no cap)
  CXR_CACHE=off     other verbs neither read nor write the cache";

/// See the compile cache (size, entries), prune it to a size or age, or clear it.
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub action: Option<CacheAction>,
    /// The cache directory. Default: CXR_CACHE_DIR, else $XDG_CACHE_HOME/cxr, else ~/.cache/cxr.
    #[arg(long, value_name = "DIR", global = true)]
    pub dir: Option<PathBuf>,
    /// Print as JSON.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum CacheAction {
    /// Where the cache is, its size against the cap, and every entry (the default).
    Show,
    /// Remove entries unused for longer than --max-age, then the least
    /// recently used until at most --max-size remain (default: the cap).
    Prune(PruneArgs),
    /// Remove every entry.
    Clear,
}

#[derive(Args, Debug)]
pub struct PruneArgs {
    /// Keep at most this much: bytes, or with K, M, G (powers of 1024), e.g. 200M.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_size: Option<u64>,
    /// Remove entries unused for longer than this: 30d, 12h, 90m, 2w.
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    pub max_age: Option<std::time::Duration>,
}

pub fn run(args: CacheArgs) -> Result<ExitCode> {
    let dir = match args.dir {
        Some(d) => d,
        None => cache::default_dir().context("no cache directory: CXR_CACHE_DIR, XDG_CACHE_HOME and HOME are all unset; pass --dir")?,
    };
    let store = CacheDir::new(&dir);
    let cap = cache::max_bytes_from_env().map_err(anyhow::Error::msg)?;
    let read = |e: std::io::Error| anyhow::anyhow!("{}: {e}", dir.display());
    match args.action.unwrap_or(CacheAction::Show) {
        CacheAction::Show => {
            let entries = store.entries().map_err(read)?;
            if args.json {
                let doc = serde_json::json!({
                    "dir": dir.display().to_string(),
                    "entries": entries.len(),
                    "bytes": entries.iter().map(|e| e.bytes).sum::<u64>(),
                    "max_bytes": cap,
                    "caching_off": cxr_host::runtime::caching_off(),
                    "files": entries,
                });
                println!("{}", cxr_host::text::to_json_pretty(&doc)?);
            } else {
                print!("{}", render_show(&dir, &entries, cap, cxr_host::runtime::caching_off()));
            }
        }
        CacheAction::Prune(p) => {
            let keep = Keep {
                max_bytes: if p.max_size.is_none() && p.max_age.is_none() { cap } else { p.max_size },
                max_age: p.max_age,
            };
            let pruned = store.prune(keep, None, std::time::SystemTime::now()).map_err(read)?;
            print_pruned(&dir, &pruned, args.json)?;
        }
        CacheAction::Clear => {
            let pruned = store.clear().map_err(read)?;
            print_pruned(&dir, &pruned, args.json)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_pruned(dir: &std::path::Path, pruned: &cache::Pruned, json: bool) -> Result<()> {
    if json {
        let mut doc = serde_json::to_value(pruned)?;
        doc["dir"] = dir.display().to_string().into();
        println!("{}", cxr_host::text::to_json_pretty(&doc)?);
    } else {
        print!("{}", render_pruned(dir, pruned));
    }
    Ok(())
}
