//! Empty: present so that Cargo resolves this crate's `[build-dependencies]`
//! (the features of build scripts' and proc macros' dependencies).
fn main() {}
