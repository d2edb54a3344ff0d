//! Reading the files cxr is given — plugins, pipeline and tenant files,
//! inputs named by path — with one rule, written once: the path must name a
//! regular file, and no more than a stated number of bytes is ever read.
//!
//! The file is opened with `O_NONBLOCK` (so opening a FIFO with no writer
//! returns at once instead of hanging) and its type is checked on the opened
//! descriptor (`fstat`, no race with a rename); a directory, FIFO, socket
//! or device (`/dev/zero`) is refused, naming what it is. The size is
//! checked before reading, and the read goes through `take(limit + 1)`, so a
//! file that grows while it is read cannot take more memory than the limit.
//! Errors name the file, the limit and the setting that sets it.

use anyhow::{Result, bail};
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Largest pipeline or tenant file read (TOML), in bytes: 1 MiB.
pub const MAX_PIPELINE_FILE_BYTES: u64 = 1 << 20;

/// Largest input file read whole (`cxr eval`, case files), in bytes: 256 MiB.
/// Inputs read line by line (`cxr route`, `cxr run`) have no total limit:
/// each line is capped instead (`cxr_host::policy::MAX_INTERACTION_BYTES`).
pub const MAX_WHOLE_INPUT_FILE_BYTES: u64 = 256 << 20;

/// A limit on what is read from one file.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Most bytes read.
    pub bytes: u64,
    /// What sets it, named in the error (`limits.max_component_mb`).
    pub setting: &'static str,
}

impl Limit {
    /// A pipeline or tenant file: [`MAX_PIPELINE_FILE_BYTES`].
    pub const PIPELINE: Limit = Limit {
        bytes: MAX_PIPELINE_FILE_BYTES,
        setting: "the limit for pipeline and tenant files",
    };

    /// An input file read whole: [`MAX_WHOLE_INPUT_FILE_BYTES`].
    pub const WHOLE_INPUT: Limit = Limit {
        bytes: MAX_WHOLE_INPUT_FILE_BYTES,
        setting: "the limit for input files read whole; give larger ones on stdin",
    };

    /// A plugin component of at most `max_component_mb` MiB.
    pub fn component(max_component_mb: u64) -> Limit {
        Limit {
            bytes: max_component_mb.saturating_mul(1 << 20),
            setting: "limits.max_component_mb",
        }
    }
}

/// Opens `path` for reading when it names a regular file; `what` names it
/// in errors (`plugin`, `pipeline file`, `input`). Never blocks on a FIFO.
pub fn open_regular(path: &Path, what: &str) -> Result<File> {
    let file = open_nonblocking(path).map_err(|e| anyhow::anyhow!("reading {what} {}: {e}", path.display()))?;
    let meta = file
        .metadata()
        .map_err(|e| anyhow::anyhow!("reading the metadata of {what} {}: {e}", path.display()))?;
    if !meta.is_file() {
        bail!(
            "{what} {} is not a regular file (it is a {}); only regular files are read",
            path.display(),
            kind(&meta.file_type())
        );
    }
    Ok(file)
}

/// Reads a whole regular file of at most `limit.bytes` bytes.
pub fn read_capped(path: &Path, what: &str, limit: Limit) -> Result<Vec<u8>> {
    let file = open_regular(path, what)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let over = |size: String| {
        anyhow::anyhow!(
            "{what} {} is {size} bytes, over the {}-byte limit ({})",
            path.display(),
            limit.bytes,
            limit.setting
        )
    };
    if size > limit.bytes {
        return Err(over(size.to_string()));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit.bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| anyhow::anyhow!("reading {what} {}: {e}", path.display()))?;
    if bytes.len() as u64 > limit.bytes {
        bail!(
            "{what} {} grew past the {}-byte limit ({}) while it was read",
            path.display(),
            limit.bytes,
            limit.setting
        );
    }
    Ok(bytes)
}

/// Reads a whole regular UTF-8 file of at most `limit.bytes` bytes.
pub fn read_text_capped(path: &Path, what: &str, limit: Limit) -> Result<String> {
    let bytes = read_capped(path, what, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{what} {} is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Reads a pipeline or tenant file's text, under [`Limit::PIPELINE`].
pub fn read_pipeline_text(path: &Path) -> Result<String> {
    read_text_capped(path, "pipeline file", Limit::PIPELINE)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

fn kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "character device";
        }
        if t.is_block_device() {
            return "block device";
        }
        if t.is_socket() {
            return "socket";
        }
    }
    if t.is_dir() { "directory" } else { "special file" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("cxr-fs-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn regular_files_under_the_limit_are_read() {
        let dir = scratch("ok");
        let p = dir.join("a.toml");
        std::fs::write(&p, "name = \"x\"\n").unwrap();
        assert_eq!(read_text_capped(&p, "pipeline file", Limit::PIPELINE).unwrap(), "name = \"x\"\n");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn oversize_files_are_refused_naming_the_file_and_the_limit() {
        let dir = scratch("big");
        let p = dir.join("big.toml");
        std::fs::write(&p, vec![b'#'; 2000]).unwrap();
        let limit = Limit {
            bytes: 1000,
            setting: "the test's limit",
        };
        let e = read_capped(&p, "pipeline file", limit).unwrap_err().to_string();
        assert!(e.contains("big.toml") && e.contains("2000 bytes, over the 1000-byte limit (the test's limit)"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn devices_fifos_and_directories_are_refused_without_reading_or_hanging() {
        let e = format!("{:#}", read_capped(Path::new("/dev/zero"), "plugin", Limit::component(50)).unwrap_err());
        assert!(e.contains("/dev/zero is not a regular file (it is a character device)"), "{e}");
        let dir = scratch("fifo");
        let fifo = dir.join("pipe.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        // No writer: a blocking open would never return.
        let e = format!("{:#}", read_capped(&fifo, "pipeline file", Limit::PIPELINE).unwrap_err());
        assert!(e.contains("pipe.toml is not a regular file (it is a FIFO (named pipe))"), "{e}");
        let e = format!("{:#}", read_capped(&dir, "pipeline file", Limit::PIPELINE).unwrap_err());
        assert!(e.contains("is not a regular file (it is a directory)"), "{e}");
        let e = format!("{:#}", read_capped(&dir.join("missing"), "pipeline file", Limit::PIPELINE).unwrap_err());
        assert!(e.contains("reading pipeline file") && e.contains("missing"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
