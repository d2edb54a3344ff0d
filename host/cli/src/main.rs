//! The `cxr` command line: route, run and inspect with cxr plugins.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let log_json = matches!(&args.command, cli::Command::Serve(s) if s.fleet.log_json)
        || matches!(&args.command, cli::Command::Worker(w) if w.fleet.log_json);
    cli::init_logging(args.verbose, log_json);
    match cli::dispatch(args) {
        Ok(code) => code,
        Err(e) => {
            // Errors can quote plugins and input: neutralised, line breaks kept.
            eprintln!("error: {}", cxr_host::text::neutralise_lines(&format!("{e:#}")));
            ExitCode::from(cli::EXIT_FAILURE)
        }
    }
}
