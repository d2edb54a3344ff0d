//! Command-line arguments and the verbs.

mod bench;
mod cache;
mod check;
mod diff;
mod eval;
mod inspect;
mod new;
mod route;
mod run;
mod serve;
mod setup;
mod test;
mod worker;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub use setup::init_logging;

/// The command failed (bad pipeline, unreadable file, ...).
pub const EXIT_FAILURE: u8 = 1;

const AFTER_HELP: &str = "\
Exit status:
  0  success (routed batches count bad input lines as error records, not failures)
  1  the command failed: unreadable input file, invalid pipeline or plugin;
     `cxr test`: a case or invariant failed, or a case file could not be read;
     `cxr diff --fail-on`: a gated field changed
  2  invalid command-line usage

Environment:
  CXR_LOG           log filter for stderr, e.g. `info` or `cxr_host=debug` (default: warn)
  CXR_CACHE_DIR     where compiled plugins are cached (default: $XDG_CACHE_HOME/cxr or ~/.cache/cxr)
  CXR_CACHE=off     compile plugins on every run instead
  CXR_CACHE_MAX_MB  the cache's cap; least recently used entries go first (default: 512; see `cxr cache`)
  NO_COLOR          no colour in log output";

/// cxr: customer-experience routing with sandboxed WebAssembly plugins.
///
/// Every interaction (email, chat, call, review...) goes through a pipeline
/// of plugins (sentiment -> classifiers -> priority -> routers) and comes out
/// as an explained decision: queue, skills, discipline, urgency, the
/// classifiers' signals (intent, churn risk...) and why.
#[derive(Parser, Debug)]
#[command(name = "cxr", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    Route(route::RouteArgs),
    Run(run::RunArgs),
    Inspect(inspect::InspectArgs),
    Serve(serve::ServeArgs),
    Test(test::TestArgs),
    Diff(diff::DiffArgs),
    Bench(bench::BenchArgs),
    Eval(eval::EvalArgs),
    New(new::NewArgs),
    Worker(worker::WorkerArgs),
    Cache(cache::CacheArgs),
    Check(check::CheckArgs),
}

/// Runs the chosen verb.
pub fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Route(a) => route::run(a),
        Command::Run(a) => run::run(a),
        Command::Inspect(a) => inspect::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Test(a) => test::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Eval(a) => eval::run(a),
        Command::New(a) => new::run(a),
        Command::Worker(a) => worker::run(a),
        Command::Cache(a) => cache::run(a),
        Command::Check(a) => check::run(a),
    }
}
