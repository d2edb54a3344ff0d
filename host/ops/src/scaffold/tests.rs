use super::*;
use crate::cases::{CaseFile, toml_to_json};

const LANGS: [Lang; 4] = [Lang::Rust, Lang::TypeScript, Lang::JavaScript, Lang::Python];

/// Every non-empty set of hooks.
fn every_set() -> Vec<Vec<HookKind>> {
    (1u32..16)
        .map(|mask| HookKind::ALL.into_iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, h)| h).collect())
        .collect()
}

fn spec(lang: Lang, hooks: &[HookKind], kit: KitSource) -> Spec {
    Spec::new("acme-vip_router", lang, hooks, kit).unwrap()
}

#[test]
fn names_are_checked_and_converted() {
    assert!(check_name("acme-vip-router").is_ok());
    for bad in ["", "9lives", "has space", "ünicode", "test", "cxr-guest", "cxr_plugin"] {
        assert!(check_name(bad).is_err(), "{bad:?} accepted");
    }
    assert_eq!(type_name("acme-vip_router"), "AcmeVipRouter");
    assert_eq!(lib_name("acme-vip"), "acme_vip");
}

#[test]
fn hook_sets_are_parsed_into_pipeline_order_and_named_like_the_worlds() {
    let hooks = parse_hooks("routing, sentiment,router").unwrap();
    assert_eq!(hooks, [HookKind::Sentiment, HookKind::Routing]);
    assert_eq!(world_name(&hooks), "sentiment-routing");
    assert_eq!(world_name(&HookKind::ALL), "sentiment-classify-priority-routing");
    assert!(parse_hooks("").is_err() && parse_hooks("mood").is_err());
    // Every world the scaffold can ask for is in the worlds packages the kits carry.
    for worlds in [include_str!("../../../../wit/worlds/v0.2.0/worlds.wit"), include_str!("../../../../wit/worlds/v0.3.0/worlds.wit")] {
        for set in every_set() {
            assert!(worlds.contains(&format!("\nworld {} {{", world_name(&set))), "{set:?}");
        }
    }
}

#[test]
fn each_language_asks_for_its_kits_own_version_and_names_the_contract_it_targets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    // The version line of each kit's manifest, and the contract its sources target.
    let guest: toml::Table = read("guest/Cargo.toml").parse().unwrap();
    let rust = guest["package"]["version"].as_str().expect("guest/Cargo.toml sets its own version");
    let js: serde_json::Value = serde_json::from_str(&read("kits/js/package.json")).unwrap();
    let python: toml::Table = read("kits/python/pyproject.toml").parse().unwrap();
    let kits = [
        (Lang::Rust, rust.to_string(), read("guest/src/lib.rs")),
        (Lang::TypeScript, js["version"].as_str().unwrap().to_string(), String::new()),
        (Lang::Python, python["project"]["version"].as_str().unwrap().to_string(), String::new()),
    ];
    for (lang, version, _) in &kits {
        assert!(version.starts_with(&format!("{}.", kit_version(*lang))), "{lang}: the kit is {version}, cxr new asks for {}", kit_version(*lang));
        // A kit's MAJOR.MINOR is the contract's it targets.
        assert!(contract_version(*lang).starts_with(&format!("{}.", kit_version(*lang))), "{lang}");
    }
    assert!(kits[0].2.contains(&format!("@{}\"", contract_version(Lang::Rust))), "the Rust kit's bindings name another world version");
    // The README of a generated project names its contract.
    for lang in LANGS {
        let files = spec(lang, &[HookKind::Routing], KitSource::Version).files().unwrap();
        let readme = &files.iter().find(|f| f.path == Path::new("README.md")).unwrap().contents;
        assert!(readme.contains(&format!("cxr:plugin-worlds/routing@{}", contract_version(lang))), "{lang}: {readme}");
    }
}

#[test]
fn relative_paths_climb_to_the_common_folder() {
    assert_eq!(relative_path(Path::new("/a/b/c"), Path::new("/a/guest")), "../../guest");
    assert_eq!(relative_path(Path::new("/a"), Path::new("/a/guest")), "guest");
    assert_eq!(relative_path(Path::new("/a/x/../b"), Path::new("/a/guest")), "../guest");
    assert_eq!(relative_path(Path::new("/tmp/p"), Path::new("/opt/guest")), "/opt/guest");
}

#[test]
fn every_language_and_hook_set_fills_every_placeholder() {
    for lang in LANGS {
        for set in every_set() {
            let s = spec(lang, &set, KitSource::Version);
            let files = s.files().unwrap();
            for f in &files {
                assert!(!f.contents.contains("{{"), "{lang} {set:?}: unfilled placeholder in {}:\n{}", f.path.display(), f.contents);
                assert!(!f.contents.contains("@@"), "{lang} {set:?}: template directive left in {}", f.path.display());
            }
            let names: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
            for common in ["README.md", "cases.toml", "interaction.json", ".gitignore"] {
                assert!(names.iter().any(|n| n == common), "{lang}: no {common} in {names:?}");
            }
            // The case file is one `cxr test` reads, with cases for each hook.
            let cases = &files.iter().find(|f| f.path == Path::new("cases.toml")).unwrap().contents;
            let table: toml::Table = cases.parse().unwrap();
            let parsed = CaseFile::from_value(toml_to_json(toml::Value::Table(table)), Path::new("cases.toml"), Path::new(".")).unwrap();
            let expected = set.iter().map(|h| if *h == HookKind::Routing { 1 } else { 2 }).sum::<usize>();
            assert_eq!(parsed.cases.len(), expected, "{lang} {set:?}");
            let _: serde_json::Value = serde_json::from_str(SAMPLE_INTERACTION).unwrap();
        }
    }
}

#[test]
fn rust_projects_export_their_hooks_and_build_like_the_reference_plugins() {
    let s = spec(Lang::Rust, &[HookKind::Routing, HookKind::Sentiment], KitSource::Version);
    let files = s.files().unwrap();
    let get = |p: &str| files.iter().find(|f| f.path == Path::new(p)).unwrap_or_else(|| panic!("no {p}")).contents.clone();
    let lib = get("src/lib.rs");
    assert!(lib.contains("cxr_guest::export!(AcmeVipRouter: sentiment, routing);"), "{lib}");
    assert!(lib.contains("impl SentimentHook for AcmeVipRouter") && lib.contains("impl RoutingHook for AcmeVipRouter"));
    assert_eq!(lib.matches("#[test]").count(), 6);
    let cargo = get("Cargo.toml");
    assert!(cargo.contains(&format!("cxr-guest = \"{}\"\n", kit_version(Lang::Rust))), "{cargo}");
    for setting in ["opt-level = 3", "lto = true", "codegen-units = 1", "panic = \"abort\"", "strip = \"debuginfo\"", "\n[workspace]\n"] {
        assert!(cargo.contains(setting), "{setting} missing:\n{cargo}");
    }
    assert!(get(".cargo/config.toml").contains("target-feature=+simd128"));
    let local = spec(Lang::Rust, &[HookKind::Classify], KitSource::Path("../cxr/guest".into()));
    let cargo = local.files().unwrap().into_iter().find(|f| f.path == Path::new("Cargo.toml")).unwrap().contents;
    assert!(cargo.contains(&format!("cxr-guest = {{ version = \"{}\", path = \"../cxr/guest\" }}", kit_version(Lang::Rust))), "{cargo}");
}

#[test]
fn js_projects_depend_on_the_npm_kit_by_version_or_as_a_local_copy() {
    for lang in [Lang::TypeScript, Lang::JavaScript] {
        let s = spec(lang, &[HookKind::Classify, HookKind::Priority], KitSource::Version);
        let files = s.files().unwrap();
        let get = |p: &str| files.iter().find(|f| f.path == Path::new(p)).map(|f| f.contents.clone());
        let pkg: serde_json::Value = serde_json::from_str(&get("package.json").unwrap()).unwrap();
        assert_eq!(pkg["dependencies"]["cxr-plugin"], format!("^{}.0", kit_version(lang)));
        assert_eq!(pkg["scripts"]["build"], "cxr-plugin build");
        assert!(get(".npmrc").is_none());
        let ext = if lang == Lang::TypeScript { "ts" } else { "js" };
        let plugin = get(&format!("src/plugin.{ext}")).unwrap();
        assert!(plugin.contains("classify(") && plugin.contains("prioritize(") && !plugin.contains("route("), "{plugin}");
        assert_eq!(get("tsconfig.json").is_some(), lang == Lang::TypeScript);
        let local = spec(lang, &[HookKind::Sentiment], KitSource::Path("/opt/cxr/kits/js".into())).files().unwrap();
        let pkg = &local.iter().find(|f| f.path == Path::new("package.json")).unwrap().contents;
        assert!(pkg.contains("\"cxr-plugin\": \"file:/opt/cxr/kits/js\""), "{pkg}");
        assert!(local.iter().any(|f| f.path == Path::new(".npmrc") && f.contents.contains("install-links=true")));
    }
}

#[test]
fn python_projects_name_their_class_and_require_the_kit() {
    let s = spec(Lang::Python, &[HookKind::Priority, HookKind::Routing], KitSource::Version);
    let files = s.files().unwrap();
    let get = |p: &str| files.iter().find(|f| f.path == Path::new(p)).unwrap().contents.clone();
    assert!(get("pyproject.toml").contains("plugin = \"acme_vip_router:AcmeVipRouter\""));
    assert!(get("requirements.txt").contains(&format!("cxr-plugin[test]=={}.*", kit_version(Lang::Python))));
    let module = get("acme_vip_router.py");
    assert!(module.contains("class AcmeVipRouter(PriorityHook, RoutingHook):") && module.contains("\nimport math\n"), "{module}");
    assert!(get("test_acme_vip_router.py").contains("from acme_vip_router import AcmeVipRouter"));
    assert!(Spec::new("p", Lang::Python, &[HookKind::Routing], KitSource::Path("../kits/python".into())).is_err());
    let local = spec(Lang::Python, &[HookKind::Routing], KitSource::Path("/opt/cxr/kits/python".into())).files().unwrap();
    assert!(local.iter().any(|f| f.contents.contains("cxr-plugin[test] @ file:///opt/cxr/kits/python")));
}

#[test]
fn steps_test_build_and_check_with_the_case_file() {
    for lang in LANGS {
        let s = spec(lang, &[HookKind::Routing], KitSource::Version);
        let steps: Vec<String> = s.steps("/bin/cxr").into_iter().map(|s| s.command).collect();
        let wasm = s.wasm_path();
        assert_eq!(steps[steps.len() - 2], format!("/bin/cxr test --plugin {wasm} cases.toml"), "{lang}");
        assert_eq!(steps[steps.len() - 1], format!("/bin/cxr run --plugin {wasm} interaction.json"));
        let readme = s.files().unwrap().into_iter().find(|f| f.path == Path::new("README.md")).unwrap().contents;
        assert!(readme.contains(&format!("cxr test --plugin {wasm} cases.toml")), "{readme}");
    }
}

#[test]
fn kits_are_found_in_their_folder_or_a_checkout() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for lang in [Lang::Rust, Lang::TypeScript] {
        let kit = find_kit(lang, &root).unwrap();
        assert!(kit.ends_with(lang.kit_in_checkout()), "{}", kit.display());
        assert_eq!(find_kit(lang, &kit).unwrap(), kit);
    }
    let e = find_kit(Lang::Rust, Path::new("/")).unwrap_err().to_string();
    assert!(e.contains("no Rust kit at /"), "{e}");
}

#[test]
fn writing_refuses_a_folder_with_files() {
    let dir = std::env::temp_dir().join(format!("cxr-scaffold-unit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let f = spec(Lang::Rust, &[HookKind::Routing], KitSource::Version).files().unwrap();
    write(&dir, &f).unwrap();
    assert!(dir.join("src/lib.rs").is_file() && dir.join(".cargo/config.toml").is_file());
    let e = write(&dir, &f).unwrap_err().to_string();
    assert!(e.contains("not empty"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
