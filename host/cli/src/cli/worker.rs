//! `cxr worker`: decisions from a NATS JetStream stream, one pipeline per
//! tenant. The options and the worker are `cxr-worker`'s; this verb prints
//! when it is ready.

use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

pub use cxr_worker::WorkerArgs;

pub fn run(args: WorkerArgs) -> Result<ExitCode> {
    let url = args.nats.clone();
    cxr_worker::run_cli(args, |ready| {
        if let Some(addr) = ready.metrics_addr {
            println!("metrics on http://{addr}");
        }
        println!("worker ready: consuming from {url}");
        let _ = std::io::stdout().flush();
    })?;
    Ok(ExitCode::SUCCESS)
}
