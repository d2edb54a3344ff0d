//! Generates the `export!` macro with the WIT the kit carries (`wit/`, a
//! copy of the repository's generated worlds tree `wit/worlds/v0.3.0`:
//! the worlds package `cxr:plugin-worlds@0.3.0` and, in `deps/`, the frozen
//! contract `cxr:plugin@0.3.0`) inlined, so that a plugin crate generates
//! its export glue without access to any WIT files: the kit works from
//! crates.io, a git dependency or a path.
//!
//! `export!(T: hook, hook, ...)` accepts any non-empty set of the four hooks
//! in any order. The macro first turns the list into one flag per hook
//! (a tt-muncher), then picks the arm for that set; each arm names the
//! world of the worlds package that exports exactly those hooks (the same
//! worlds the TypeScript and Python kits build against).

use std::{env, fs, path::PathBuf};

/// The hooks, in pipeline order (flag position = index).
const HOOKS: [&str; 4] = ["sentiment", "classify", "priority", "routing"];

/// The contract files in `wit/deps/cxr-plugin-VERSION/`; `worlds.wit` carries the `package` line.
const CONTRACT_FILES: [&str; 3] = ["worlds.wit", "types.wit", "hooks.wit"];

fn read(path: &std::path::Path) -> String {
    println!("cargo:rerun-if-changed={}", path.display());
    fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The `package` line's name (`cxr:plugin@0.2.0`) of a WIT file.
fn package_of(wit: &str) -> Option<String> {
    wit.lines().find_map(|l| l.trim().strip_prefix("package ").map(|p| p.trim_end_matches(';').trim().to_string()))
}

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let wit_dir = manifest.join("wit");
    // The worlds package, as the top-level package of the inlined text ...
    let worlds = read(&wit_dir.join("worlds.wit"));
    let worlds_package = package_of(&worlds).expect("wit/worlds.wit has a package line");
    let version = worlds_package.rsplit_once('@').expect("versioned package").1.to_string();
    // ... and the contract it refers to, as a nested package.
    let contract_dir = wit_dir.join("deps").join(format!("cxr-plugin-{version}"));
    let mut contract = String::new();
    let mut contract_package = None;
    for file in CONTRACT_FILES {
        let text = read(&contract_dir.join(file));
        for line in text.lines() {
            if line.trim_start().starts_with("package ") {
                contract_package = Some(line.trim().trim_start_matches("package ").trim_end_matches(';').trim().to_string());
            } else {
                contract.push_str(line);
                contract.push('\n');
            }
        }
    }
    let contract_package = contract_package.expect("the contract's worlds.wit has a package line");
    assert_eq!(contract_package, format!("cxr:plugin@{version}"), "wit/deps holds the contract of the worlds' version");
    let wit = format!("{worlds}\npackage {contract_package} {{\n{contract}}}\n");
    assert!(!wit.contains("\"###"), "WIT text must not contain the raw-string terminator");
    let worlds_name = worlds_package.split_once('@').unwrap().0.to_string();

    let mut out = String::from(
        "/// Exports a plugin type as a wasm component implementing the named hooks.\n\
         ///\n\
         /// Name any non-empty set of `sentiment`, `classify`, `priority` and `routing`,\n\
         /// in any order: `export!(MyPlugin: routing)`, `export!(MyPlugin: sentiment, routing)`,\n\
         /// `export!(MyPlugin: sentiment, classify, priority, routing)`. The type must\n\
         /// implement [`Plugin`] and the trait of each hook named.\n\
         #[macro_export]\nmacro_rules! export {\n\
         \x20   ($ty:ty : $($hook:ident),+ $(,)?) => {\n\
         \x20       $crate::__export_hooks!(@scan $ty; [] [] [] []; $($hook)+);\n\
         \x20   };\n}\n\n",
    );
    out.push_str("#[doc(hidden)]\n#[macro_export]\nmacro_rules! __export_hooks {\n");
    // The muncher: one arm per hook name adds an `x` to that hook's flag.
    for (i, hook) in HOOKS.iter().enumerate() {
        let flags_in: Vec<String> = (0..4).map(|j| format!("[$($f{j}:tt)*]")).collect();
        let flags_out: Vec<String> = (0..4)
            .map(|j| if j == i { format!("[$($f{j})* x]") } else { format!("[$($f{j})*]") })
            .collect();
        out.push_str(&format!(
            "    (@scan $ty:ty; {}; {hook} $($rest:ident)*) => {{\n        $crate::__export_hooks!(@scan $ty; {}; $($rest)*);\n    }};\n",
            flags_in.join(" "),
            flags_out.join(" ")
        ));
    }
    out.push_str(
        "    (@scan $ty:ty; $a:tt $b:tt $c:tt $d:tt; $other:ident $($rest:ident)*) => {\n\
         \x20       compile_error!(concat!(\"cxr_guest::export!: unknown hook `\", stringify!($other), \"` (the hooks are sentiment, classify, priority, routing)\"));\n\
         \x20   };\n",
    );
    // One arm per non-empty set of hooks.
    for set in 1u32..16 {
        let hooks: Vec<&str> = HOOKS.iter().enumerate().filter(|(i, _)| set & (1 << i) != 0).map(|(_, h)| *h).collect();
        let flags: Vec<&str> = (0..4).map(|i| if set & (1 << i) != 0 { "[x]" } else { "[]" }).collect();
        // The worlds package's name for this set: the hooks in pipeline order, joined by `-`.
        let world = format!("{worlds_name}/{}@{version}", hooks.join("-"));
        assert!(worlds.contains(&format!("\nworld {} {{", hooks.join("-"))), "wit/worlds.wit lacks the world {world}");
        let mut impls = String::new();
        for hook in &hooks {
            impls.push_str(&format!("        $crate::__impl_hook!({hook}, $ty);\n"));
        }
        out.push_str(&format!(
            r####"    (@scan $ty:ty; {flags}; ) => {{
        // The glue exists only in the wasm build; natively the plugin is a plain library.
        #[cfg(target_arch = "wasm32")]
        const _: () = {{
        #[doc(hidden)]
        #[allow(dead_code, clippy::all)]
        mod __cxr_export {{
            ::cxr_guest::__private::wit_bindgen::generate!({{
                inline: r###"{wit}"###,
                world: "{world}",
                runtime_path: "::cxr_guest::__private::wit_bindgen::rt",
                with: {{
                    "cxr:plugin/types@{version}": ::cxr_guest::bindings::cxr::plugin::types,
                    "cxr:plugin/host@{version}": ::cxr_guest::bindings::cxr::plugin::host,
{text_with}                }},
            }});
        }}
        #[doc(hidden)]
        pub struct __CxrExport;
        $crate::__impl_hook!(lifecycle, $ty);
{impls}        __cxr_export::export!(__CxrExport with_types_in __cxr_export);
        }};
    }};
"####,
            flags = flags.join(" "),
            // Since 0.3.0 the worlds import the host's `text` too.
            text_with = if worlds.contains(&format!("import cxr:plugin/text@{version};")) {
                format!("                    \"cxr:plugin/text@{version}\": ::cxr_guest::bindings::cxr::plugin::text,\n")
            } else {
                String::new()
            },
        ));
    }
    out.push_str(
        "    (@scan $ty:ty; $a:tt $b:tt $c:tt $d:tt; ) => {\n\
         \x20       compile_error!(\"cxr_guest::export!: name each hook once\");\n\
         \x20   };\n}\n",
    );
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    fs::write(out_dir.join("export_macro.rs"), out).unwrap();
    fs::write(out_dir.join("wit_version.rs"), format!("{version:?}")).unwrap();
}
