//! Host-side bindings generated from the `cxr:plugin` WIT package.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "full-plugin",
});

pub use cxr::plugin::types as wit;
