//! Generates the `export!` macro with the WIT package the kit carries
//! (`wit/`, a copy of the repository's `wit/v0.2.0`) inlined, so that a
//! plugin crate generates its export glue without access to any WIT files:
//! the kit works from crates.io, a git dependency or a path.
//!
//! `export!(T: hook, hook, ...)` accepts any non-empty set of the four hooks
//! in any order. The macro first turns the list into one flag per hook
//! (a tt-muncher), then picks the arm for that set; each arm declares a
//! world exporting exactly those hooks.

use std::{env, fs, path::PathBuf};

/// The hooks, in pipeline order: (WIT interface, flag position).
const HOOKS: [&str; 4] = ["sentiment", "classify", "priority", "routing"];

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let wit_dir = manifest.join("wit");
    // worlds.wit carries the `package` line, so it goes first.
    let mut wit = String::new();
    for file in ["worlds.wit", "types.wit", "hooks.wit"] {
        let path = wit_dir.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        wit.push_str(&fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display())));
        wit.push('\n');
    }
    assert!(!wit.contains("\"###"), "WIT text must not contain the raw-string terminator");
    let package = wit
        .lines()
        .find_map(|l| l.trim().strip_prefix("package ").map(|p| p.trim_end_matches(';').to_string()))
        .expect("worlds.wit starts with a package line");
    let version = package.rsplit_once('@').expect("versioned package").1.to_string();

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
        let world = format!("cxr-export-{}", hooks.join("-"));
        let mut world_wit = format!("\nworld {world} {{\n    import host;\n    export lifecycle;\n");
        let mut impls = String::new();
        for hook in &hooks {
            world_wit.push_str(&format!("    export {hook};\n"));
            impls.push_str(&format!("        $crate::__impl_hook!({hook}, $ty);\n"));
        }
        world_wit.push_str("}\n");
        out.push_str(&format!(
            r####"    (@scan $ty:ty; {flags}; ) => {{
        // The glue exists only in the wasm build; natively the plugin is a plain library.
        #[cfg(target_arch = "wasm32")]
        const _: () = {{
        #[doc(hidden)]
        #[allow(dead_code, clippy::all)]
        mod __cxr_export {{
            ::cxr_guest::__private::wit_bindgen::generate!({{
                inline: r###"{wit}{world_wit}"###,
                world: "{world}",
                runtime_path: "::cxr_guest::__private::wit_bindgen::rt",
                with: {{
                    "cxr:plugin/types@{version}": ::cxr_guest::bindings::cxr::plugin::types,
                    "cxr:plugin/host@{version}": ::cxr_guest::bindings::cxr::plugin::host,
                }},
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
