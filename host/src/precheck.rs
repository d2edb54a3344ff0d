//! What a component needs, read before it is compiled.
//!
//! Compiling a component takes from a fraction of a second (a Rust plugin)
//! to 10–20 seconds (a JavaScript engine of 12 MB). A component that
//! imports what the host does not provide, or that uses the component
//! model's async ABI (which this host does not enable), would fail only
//! after that compile, with a message that names neither the cause nor the
//! fix. [`check`] reads the component's top-level imports and canonical
//! built-ins with a parser (no compile, no validation: milliseconds for
//! megabytes) and refuses such a component with a hint naming the flag of
//! the toolchain that usually produced it.
//!
//! What passes here still goes through the full check at link time: this
//! is a fast, explained refusal of the known mistakes, not the policy.

use crate::versions::{self, WIT_PACKAGE};
use anyhow::{Result, bail};
use wasmparser::{CanonicalFunction, CanonicalOption, Parser, Payload};

/// The WASI 0.2 interface families the host links (all deny by default).
const LINKED_WASI: [&str; 6] = ["cli", "clocks", "filesystem", "io", "random", "sockets"];

/// What a component asks for, as read from its sections.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    /// The top-level imports, e.g. `wasi:io/streams@0.2.6`, `cxr:plugin/host@0.2.0`.
    pub imports: Vec<String>,
    /// The first component-model async built-in or option found
    /// (`task.cancel`, `async` lift, ...), if any.
    pub async_abi: Option<&'static str>,
}

/// Reads a component's imports and whether it uses the async ABI.
pub fn scan(bytes: &[u8]) -> Result<Needs> {
    let mut needs = Needs::default();
    // Nesting depth: 0 is the component itself; nested modules and
    // components each end with their own `End`.
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(reader) if depth == 0 => {
                for import in reader {
                    needs.imports.push(import?.name.name.to_string());
                }
            }
            Payload::ComponentCanonicalSection(reader) if needs.async_abi.is_none() => {
                for f in reader {
                    if let Some(what) = async_builtin(&f?) {
                        needs.async_abi = Some(what);
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(needs)
}

/// The name of a component-model async built-in, or of an async option.
fn async_builtin(f: &CanonicalFunction) -> Option<&'static str> {
    use CanonicalFunction as F;
    let async_option = |options: &[CanonicalOption]| {
        options.iter().find_map(|o| match o {
            CanonicalOption::Async => Some("an `async` canonical option"),
            CanonicalOption::Callback(_) => Some("an async `callback` option"),
            _ => None,
        })
    };
    match f {
        F::Lift { options, .. } | F::Lower { options, .. } => async_option(options),
        F::TaskReturn { .. } => Some("task.return"),
        F::TaskCancel => Some("task.cancel"),
        F::ContextGet { .. } => Some("context.get"),
        F::ContextSet { .. } => Some("context.set"),
        F::BackpressureInc | F::BackpressureDec => Some("backpressure"),
        F::ThreadYield { .. } => Some("thread.yield"),
        F::SubtaskDrop | F::SubtaskCancel { .. } => Some("subtask"),
        F::StreamNew { .. } | F::StreamRead { .. } | F::StreamWrite { .. } => Some("stream"),
        F::FutureNew { .. } | F::FutureRead { .. } | F::FutureWrite { .. } => Some("future"),
        F::ErrorContextNew { .. } => Some("error-context.new"),
        F::WaitableSetNew | F::WaitableSetWait { .. } | F::WaitableSetPoll { .. } | F::WaitableJoin => Some("waitable-set"),
        _ => None,
    }
}

/// Refuses, before compiling, a component that needs what the host does not
/// give: an import other than `cxr:plugin` and the linked WASI 0.2
/// interfaces, or the async ABI. The error names `origin`, what it needs,
/// and the fix. Bytes that do not parse are left to the compiler, which
/// says what is wrong with them.
pub fn check(bytes: &[u8], origin: &str) -> Result<()> {
    let Ok(needs) = scan(bytes) else { return Ok(()) };
    if let Some(what) = needs.async_abi {
        bail!(
            "{origin} uses the component model's async ABI ({what}), which this host does not run: \
             build it for the synchronous ABI (a JavaScript plugin built with componentize-qjs: \
             rebuild with `--sync`; `cxr-plugin build` of the npm kit does)"
        );
    }
    for import in &needs.imports {
        if let Some(hint) = refusal(import) {
            bail!("{origin} imports `{import}`, which a cxr plugin may not use: {hint}");
        }
    }
    Ok(())
}

/// Why the host does not provide `import`, with the fix; `None` if it does.
fn refusal(import: &str) -> Option<String> {
    let (package, rest) = import.split_once('/').unwrap_or((import, ""));
    let version = rest.split_once('@').map(|(_, v)| v);
    if package == WIT_PACKAGE {
        return None; // the contract's own interfaces: checked against the version at link time
    }
    let allowed = "a plugin may import only `cxr:plugin/host`, `cxr:plugin/text` (0.3.0) and sandboxed WASI 0.2 \
                   (cli, clocks, filesystem, io, random, sockets: all deny by default)";
    if package == "wasi:http" {
        return Some(format!(
            "there is no network in the sandbox. A JavaScript plugin built with componentize-js \
             (StarlingMonkey) imports it unless built with `--disable http fetch-event` \
             (`-d http fetch-event`); `cxr-plugin build` of the npm kit passes it ({allowed})"
        ));
    }
    if let Some(family) = package.strip_prefix("wasi:") {
        if !LINKED_WASI.contains(&family) {
            return Some(format!("the host does not provide `wasi:{family}` ({allowed})"));
        }
        if let Some(v) = version.filter(|v| !v.starts_with("0.2.")) {
            return Some(format!(
                "the host provides WASI 0.2, not {v}: build the plugin for WASI 0.2 (`wasm32-wasip2`; \
                 componentize-qjs: `--sync`) ({allowed})"
            ));
        }
        return None;
    }
    let supported = versions::supported_list();
    Some(format!("the host provides nothing under `{package}` ({allowed}; contract versions {supported})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component(wat: &str) -> Vec<u8> {
        wat::parse_str(wat).unwrap()
    }

    #[test]
    fn imports_are_read_at_the_top_level_only() {
        let bytes = component(
            r#"(component
                (import "wasi:io/streams@0.2.6" (instance))
                (import "cxr:plugin/host@0.2.0" (instance))
                (component (import "inner:only/x" (instance)))
            )"#,
        );
        let needs = scan(&bytes).unwrap();
        assert_eq!(needs.imports, ["wasi:io/streams@0.2.6", "cxr:plugin/host@0.2.0"]);
        assert_eq!(needs.async_abi, None);
        assert!(check(&bytes, "p.wasm").is_ok());
    }

    #[test]
    fn wasi_http_is_refused_with_the_componentize_js_flag() {
        let bytes = component(r#"(component (import "wasi:http/types@0.2.3" (instance)))"#);
        let e = check(&bytes, "js.wasm").unwrap_err().to_string();
        assert!(e.starts_with("js.wasm imports `wasi:http/types@0.2.3`"), "{e}");
        assert!(e.contains("`-d http fetch-event`"), "{e}");
    }

    #[test]
    fn unknown_packages_and_other_wasi_versions_are_refused() {
        let e = check(&component(r#"(component (import "acme:db/query" (instance)))"#), "x").unwrap_err().to_string();
        assert!(e.contains("imports `acme:db/query`") && e.contains("nothing under `acme:db`"), "{e}");
        let e = check(&component(r#"(component (import "wasi:cli/stdout@0.3.0" (instance)))"#), "x").unwrap_err().to_string();
        assert!(e.contains("WASI 0.2, not 0.3.0"), "{e}");
        let e = check(&component(r#"(component (import "wasi:keyvalue/store@0.2.0" (instance)))"#), "x").unwrap_err().to_string();
        assert!(e.contains("does not provide `wasi:keyvalue`"), "{e}");
    }

    #[test]
    fn the_async_abi_is_refused_with_the_sync_flag() {
        let bytes = component(
            r#"(component
                (core func $cancel (canon task.cancel))
            )"#,
        );
        assert_eq!(scan(&bytes).unwrap().async_abi, Some("task.cancel"));
        let e = check(&bytes, "qjs.wasm").unwrap_err().to_string();
        assert!(e.contains("async ABI (task.cancel)") && e.contains("`--sync`"), "{e}");
    }

    #[test]
    fn unparsable_bytes_are_left_to_the_compiler() {
        assert!(check(b"\0asm\x0d\x00\x01\x00garbage", "x").is_ok());
    }
}
