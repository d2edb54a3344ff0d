//! Logging to the host's log. In a native build (tests) lines go to stderr.

use crate::LogLevel;

/// Writes one line to the host log at `level`.
pub fn log(level: LogLevel, message: &str) {
    #[cfg(target_arch = "wasm32")]
    crate::bindings::cxr::plugin::host::log(level, message);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("[{level:?}] {message}");
}

/// Logs at debug level.
pub fn debug(message: &str) {
    log(LogLevel::Debug, message)
}

/// Logs at info level.
pub fn info(message: &str) {
    log(LogLevel::Info, message)
}

/// Logs at warn level.
pub fn warn(message: &str) {
    log(LogLevel::Warn, message)
}

/// Logs at error level.
pub fn error(message: &str) {
    log(LogLevel::Error, message)
}
