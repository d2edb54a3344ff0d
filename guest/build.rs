//! Generates the `export!` macro arms with the WIT package inlined, so that a
//! plugin crate can generate its export glue without access to `wit/`.

use std::{env, fs, path::PathBuf};

const WORLDS: &[(&str, &[&str])] = &[
    ("sentiment-plugin", &["sentiment"]),
    ("priority-plugin", &["priority"]),
    ("routing-plugin", &["routing"]),
    ("full-plugin", &["sentiment", "priority", "routing"]),
];

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let wit_dir = manifest.join("../wit");
    // worlds.wit carries the `package` line, so it goes first.
    let mut wit = String::new();
    for file in ["worlds.wit", "types.wit", "hooks.wit"] {
        let path = wit_dir.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        wit.push_str(&fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display())));
        wit.push('\n');
    }
    assert!(!wit.contains("\"###"), "WIT text must not contain the raw-string terminator");

    let mut out = String::from(
        "/// Exports a plugin type as a wasm component implementing the named hooks.\n\
         ///\n\
         /// `export!(MyPlugin: sentiment)`, `export!(MyPlugin: priority)`, `export!(MyPlugin: routing)`\n\
         /// or `export!(MyPlugin: sentiment, priority, routing)`.\n\
         #[macro_export]\nmacro_rules! export {\n",
    );
    for (world, hooks) in WORLDS {
        let pattern = hooks.join(", ");
        let mut impls = String::new();
        for hook in *hooks {
            impls.push_str(&format!("$crate::__impl_hook!({hook}, $ty);\n"));
        }
        out.push_str(&format!(
            r####"    ($ty:ty : {pattern}) => {{
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
                    "cxr:plugin/types@0.1.0": ::cxr_guest::bindings::cxr::plugin::types,
                    "cxr:plugin/host@0.1.0": ::cxr_guest::bindings::cxr::plugin::host,
                }},
            }});
        }}
        #[doc(hidden)]
        pub struct __CxrExport;
        $crate::__impl_hook!(lifecycle, $ty);
        {impls}
        __cxr_export::export!(__CxrExport with_types_in __cxr_export);
        }};
    }};
"####
        ));
    }
    out.push_str("}\n");
    let dest = PathBuf::from(env::var("OUT_DIR").unwrap()).join("export_macro.rs");
    fs::write(dest, out).unwrap();
}
