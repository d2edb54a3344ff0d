//! Files named on the command line are regular files read under a limit
//! (`cxr_host::fs`): `/dev/zero` is refused without being read, a FIFO is
//! refused without hanging, an oversize pipeline, tenant or plugin file is
//! refused naming the file and the limit — through the `cxr` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `cxr ARGS`, killed after 60 s (a hang is a failure, not a stuck
/// test); returns the exit code and stderr.
fn cxr(args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cxr"))
        .args(args)
        .env("CXR_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/cxr-cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("cxr {args:?} did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

#[test]
fn inspect_refuses_dev_zero_a_fifo_and_an_oversize_component() {
    let dir = scratch("inspect");
    let (code, err) = cxr(&["inspect", "/dev/zero"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("plugin /dev/zero is not a regular file (it is a character device)"), "{err}");
    let fifo = dir.join("plugin.wasm");
    mkfifo(&fifo);
    let (code, err) = cxr(&["inspect", fifo.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("plugin.wasm is not a regular file (it is a FIFO (named pipe))"), "{err}");
    // 50 MiB is the default component limit (limits.max_component_mb); a sparse file costs no disk.
    let big = dir.join("big.wasm");
    std::fs::File::create(&big).unwrap().set_len((50 << 20) + 1).unwrap();
    let (code, err) = cxr(&["inspect", big.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("big.wasm is 52428801 bytes, over the 52428800-byte limit (limits.max_component_mb)"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn pipeline_and_input_files_must_be_regular_and_under_their_limit() {
    let dir = scratch("pipeline");
    let input = dir.join("in.jsonl");
    std::fs::write(&input, "{\"id\":\"a\",\"body\":\"hi\"}\n").unwrap();
    let input = input.to_str().unwrap();
    let big = dir.join("big.toml");
    std::fs::write(&big, "#".repeat((1 << 20) + 1)).unwrap();
    let (code, err) = cxr(&["route", "--pipeline", big.to_str().unwrap(), input]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("pipeline file") && err.contains("big.toml is 1048577 bytes, over the 1048576-byte limit"), "{err}");
    let fifo = dir.join("pipe.toml");
    mkfifo(&fifo);
    let (code, err) = cxr(&["route", "--pipeline", fifo.to_str().unwrap(), input]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("pipe.toml is not a regular file (it is a FIFO (named pipe))"), "{err}");
    let (code, err) = cxr(&["route", "--pipeline", "/dev/zero", input]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("/dev/zero is not a regular file"), "{err}");
    // Inputs named by path too (stdin is `-`).
    let (code, err) = cxr(&["route", fifo.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("input") && err.contains("pipe.toml is not a regular file"), "{err}");
    let (code, err) = cxr(&["route", "/dev/zero"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("input /dev/zero is not a regular file"), "{err}");
    // A pipeline naming a plugin that is a device.
    let p = dir.join("p.toml");
    std::fs::write(&p, "name = \"x\"\n[sentiment]\nplugin = \"/dev/zero\"\n").unwrap();
    let (code, err) = cxr(&["route", "--pipeline", p.to_str().unwrap(), input]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("plugin /dev/zero is not a regular file"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
