//! Host-side bindings, one module per supported version of the `cxr:plugin`
//! WIT package, each generated from its frozen copy under `wit/`.
//!
//! The current version's types are the host's working types ([`wit`]);
//! [`crate::versions`] converts every older version's values into them.

/// Bindings of `cxr:plugin@0.1.0` (frozen: `wit/v0.1.0`).
pub mod v0_1_0 {
    wasmtime::component::bindgen!({
        path: "wit/v0.1.0",
        world: "full-plugin",
    });
}

/// Bindings of `cxr:plugin@0.2.0` (frozen: `wit/v0.2.0`), the current version.
pub mod v0_2_0 {
    wasmtime::component::bindgen!({
        path: "wit/v0.2.0",
        world: "full-plugin",
    });
}

/// The host's working types: those of the current contract version.
pub use v0_2_0::cxr::plugin::types as wit;
