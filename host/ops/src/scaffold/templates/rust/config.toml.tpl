# wasm SIMD for the component, as the reference plugins use (wasmtime
# compiles it to native vector instructions).
[target.wasm32-wasip2]
rustflags = ["-C", "target-feature=+simd128"]
