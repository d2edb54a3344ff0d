[package]
name = "{{name}}"
description = "A cxr plugin: {{description}}"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
# cdylib: the wasm component; rlib: native `cargo test` of the logic.
crate-type = ["cdylib", "rlib"]

[dependencies]
{{kit_dep}}

# The settings the reference plugins are built with (plus +simd128 in
# .cargo/config.toml): fast components, no debug info.
[profile.release]
opt-level = 3
lto = true
codegen-units = 1
panic = "abort"
debug = false
strip = "debuginfo"

# A crate of its own, not part of any surrounding workspace.
[workspace]
