//! Starting the real `cxr serve` for the tests that talk to it over loopback.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Spawns `command` (a `cxr [...] serve --listen 127.0.0.1:0 ...`; its
/// stdout is taken here) and waits for its `listening on http://ADDR` line:
/// the child and `ADDR`. A child that exits first is reaped and the test
/// fails with `logs()` (what it wrote elsewhere). `cxr serve` prints
/// nothing else on stdout, so the pipe is closed once the line is read.
pub fn spawn_listening(command: &mut Command, logs: impl FnOnce() -> String) -> (Child, String) {
    let mut child = command.stdout(Stdio::piped()).spawn().expect("starting cxr serve");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut line = String::new();
    while !line.starts_with("listening on http://") {
        line.clear();
        if stdout.read_line(&mut line).unwrap_or(0) == 0 {
            let _ = child.kill();
            let _ = child.wait();
            panic!("cxr serve exited before listening: {}", logs());
        }
    }
    let addr = line.trim().trim_start_matches("listening on http://").to_string();
    (child, addr)
}
