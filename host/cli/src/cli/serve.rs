//! `cxr serve`: decisions over HTTP, one pipeline per tenant. The options
//! and the server are `cxr-serve`'s; this verb prints where it listens.

use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

pub use cxr_serve::ServeArgs;

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    cxr_serve::run(args, |addr| {
        println!("listening on http://{addr}");
        let _ = std::io::stdout().flush();
    })?;
    Ok(ExitCode::SUCCESS)
}
