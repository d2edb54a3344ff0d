//! `cxr new`: a plugin project in Rust, TypeScript, JavaScript or Python,
//! for any set of hooks, that passes its own unit tests, builds to a
//! component and passes its generated `cxr test` case file as generated.
//!
//! The project depends on its language's kit by version (`cxr-guest =
//! "0.3"`, `"cxr-plugin": "^0.2.0"`, `cxr-plugin==0.2.*`: each kit's
//! version follows the contract it targets), or on a local
//! kit (a kit folder or a cxr checkout: [`find_kit`]). Each hook's sample
//! logic (templates/LANG/HOOK.*) is the same in every language, so one
//! case file ([`cases_toml`]) checks any of them. Rust plugins are built
//! with the release settings of the reference plugins (opt-level 3, LTO,
//! one codegen unit, panic=abort, +simd128).

use anyhow::{Context as _, Result, bail};
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// The hook a new plugin implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HookKind {
    Sentiment,
    Classify,
    Priority,
    Routing,
}

impl HookKind {
    /// Every kind, in pipeline order.
    pub const ALL: [HookKind; 4] = [HookKind::Sentiment, HookKind::Classify, HookKind::Priority, HookKind::Routing];

    /// The name in `export!(T: name)`, in world names and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            HookKind::Sentiment => "sentiment",
            HookKind::Classify => "classify",
            HookKind::Priority => "priority",
            HookKind::Routing => "routing",
        }
    }

    /// Parses `sentiment`, `classify`, `priority` or `routing` (`router`, `classifier` too).
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sentiment" => Ok(HookKind::Sentiment),
            "classify" | "classifier" => Ok(HookKind::Classify),
            "priority" => Ok(HookKind::Priority),
            "routing" | "router" => Ok(HookKind::Routing),
            other => bail!("unknown hook {other:?} (expected sentiment, classify, priority or routing)"),
        }
    }
}

impl fmt::Display for HookKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A comma-separated set of hooks (`sentiment,routing`), in pipeline order,
/// each once.
pub fn parse_hooks(s: &str) -> Result<Vec<HookKind>> {
    let mut hooks = s.split(',').filter(|h| !h.trim().is_empty()).map(HookKind::parse).collect::<Result<Vec<_>>>()?;
    if hooks.is_empty() {
        bail!("no hook named (expected one or more of sentiment, classify, priority, routing, separated by commas)");
    }
    hooks.sort();
    hooks.dedup();
    Ok(hooks)
}

/// The world of `cxr:plugin-worlds` for a set of hooks: the hooks in
/// pipeline order joined by `-` (wit/worlds/README.md).
pub fn world_name(hooks: &[HookKind]) -> String {
    let mut sorted = hooks.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted.iter().map(|h| h.as_str()).collect::<Vec<_>>().join("-")
}

/// The language of a new plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Rust,
    TypeScript,
    JavaScript,
    Python,
}

impl Lang {
    /// Parses `rust`, `ts` (`typescript`), `js` (`javascript`) or `python` (`py`).
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rust" | "rs" => Ok(Lang::Rust),
            "ts" | "typescript" => Ok(Lang::TypeScript),
            "js" | "javascript" => Ok(Lang::JavaScript),
            "python" | "py" => Ok(Lang::Python),
            other => bail!("unknown language {other:?} (expected rust, ts, js or python)"),
        }
    }

    /// `rust`, `ts`, `js`, `python`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Rust => "rust",
            Lang::TypeScript => "ts",
            Lang::JavaScript => "js",
            Lang::Python => "python",
        }
    }

    /// The kit's package name in the language's registry.
    pub fn kit_package(self) -> &'static str {
        match self {
            Lang::Rust => "cxr-guest",
            Lang::TypeScript | Lang::JavaScript | Lang::Python => "cxr-plugin",
        }
    }

    /// Where the kit is in a cxr checkout.
    pub fn kit_in_checkout(self) -> &'static str {
        match self {
            Lang::Rust => "guest",
            Lang::TypeScript | Lang::JavaScript => "kits/js",
            Lang::Python => "kits/python",
        }
    }

    /// The manifest that names the kit in a kit folder.
    fn kit_manifest(self) -> &'static str {
        match self {
            Lang::Rust => "Cargo.toml",
            Lang::TypeScript | Lang::JavaScript => "package.json",
            Lang::Python => "pyproject.toml",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lang::Rust => "Rust",
            Lang::TypeScript => "TypeScript",
            Lang::JavaScript => "JavaScript",
            Lang::Python => "Python",
        })
    }
}

/// The kit version a new project in `lang` asks for (`MAJOR.MINOR`): the
/// kit's own version, which follows the contract it targets. The Rust kit
/// (`cxr-guest` 0.3) targets contract 0.3.0; the TypeScript/JavaScript and
/// Python kits (`cxr-plugin` 0.2) target 0.2.0. A test checks these against
/// the kits' manifests.
pub fn kit_version(lang: Lang) -> &'static str {
    match lang {
        Lang::Rust => "0.3",
        Lang::TypeScript | Lang::JavaScript | Lang::Python => "0.2",
    }
}

/// The contract version (`cxr:plugin-worlds/...@VERSION`) of the components
/// a project in `lang` builds with its kit.
pub fn contract_version(lang: Lang) -> &'static str {
    match lang {
        Lang::Rust => "0.3.0",
        Lang::TypeScript | Lang::JavaScript | Lang::Python => "0.2.0",
    }
}

/// How the project gets its kit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KitSource {
    /// From the registry, by version (`cxr-guest = "0.3"`, `"^0.2.0"`, `==0.2.*`).
    Version,
    /// From a local folder: the path as written into the manifest (relative
    /// to the project when they share a parent folder below the root, else
    /// absolute; always absolute for Python, whose requirement is a URL).
    Path(String),
}

/// The kit folder for `lang` given `path`: either the kit itself (its
/// manifest names the kit's package) or a cxr checkout holding it.
pub fn find_kit(lang: Lang, path: &Path) -> Result<PathBuf> {
    let is_kit = |dir: &Path| {
        std::fs::read_to_string(dir.join(lang.kit_manifest())).is_ok_and(|m| {
            m.contains(&format!("name = \"{}\"", lang.kit_package())) || m.contains(&format!("\"name\": \"{}\"", lang.kit_package()))
        })
    };
    if is_kit(path) {
        return Ok(path.to_path_buf());
    }
    let inside = path.join(lang.kit_in_checkout());
    if is_kit(&inside) {
        return Ok(inside);
    }
    bail!(
        "no {} kit at {}: give the kit's folder or a cxr checkout (with {}/{})",
        lang,
        path.display(),
        lang.kit_in_checkout(),
        lang.kit_manifest()
    )
}

/// What to write: a plugin project.
#[derive(Debug, Clone)]
pub struct Spec {
    pub name: String,
    pub lang: Lang,
    /// In pipeline order, each once, not empty.
    pub hooks: Vec<HookKind>,
    pub kit: KitSource,
}

/// A file to write, relative to the new project's folder.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub path: PathBuf,
    pub contents: String,
}

/// One next step: a command to run in the project's folder, and what it does.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub command: String,
    pub what: &'static str,
}

impl Spec {
    /// A checked spec: a usable name, at least one hook (sorted, deduplicated).
    pub fn new(name: &str, lang: Lang, hooks: &[HookKind], kit: KitSource) -> Result<Spec> {
        check_name(name)?;
        let mut hooks = hooks.to_vec();
        hooks.sort();
        hooks.dedup();
        if hooks.is_empty() {
            bail!("a plugin implements at least one hook");
        }
        if lang == Lang::Python && matches!(&kit, KitSource::Path(p) if !Path::new(p).is_absolute()) {
            bail!("the Python kit's path must be absolute (it becomes a file:// requirement)");
        }
        Ok(Spec { name: name.to_string(), lang, hooks, kit })
    }

    /// The world its component is built against.
    pub fn world(&self) -> String {
        world_name(&self.hooks)
    }

    /// The hooks, comma-separated (`sentiment, routing`).
    pub fn hook_list(&self) -> String {
        self.hooks.iter().map(|h| h.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// Where the built component lands, relative to the project.
    pub fn wasm_path(&self) -> String {
        match self.lang {
            Lang::Rust => format!("target/wasm32-wasip2/release/{}.wasm", lib_name(&self.name)),
            Lang::TypeScript | Lang::JavaScript => format!("dist/{}.wasm", self.name),
            Lang::Python => format!("build/{}.wasm", lib_name(&self.name)),
        }
    }

    /// The commands that test, build and check the project, in order, run
    /// in its folder; `cxr` is how to call cxr (a name on PATH or a path).
    pub fn steps(&self, cxr: &str) -> Vec<Step> {
        let wasm = self.wasm_path();
        let mut steps = match self.lang {
            Lang::Rust => vec![
                Step { command: "cargo test".into(), what: "the unit tests, natively" },
                Step {
                    command: "cargo build --release --target wasm32-wasip2".into(),
                    what: "the component (once: rustup target add wasm32-wasip2)",
                },
            ],
            Lang::TypeScript | Lang::JavaScript => vec![
                Step { command: "npm install".into(), what: "the kit and its pinned tools" },
                Step {
                    command: "npm test".into(),
                    what: if self.lang == Lang::TypeScript { "type check, then the unit tests under Node" } else { "the unit tests under Node" },
                },
                Step { command: "npm run build".into(), what: "the component" },
            ],
            Lang::Python => vec![
                Step { command: "python3 -m venv .venv".into(), what: "a virtual environment" },
                Step { command: ".venv/bin/pip install -r requirements.txt".into(), what: "the kit and its pinned tools" },
                Step { command: ".venv/bin/python -m pytest -q".into(), what: "the unit tests, natively" },
                Step { command: ".venv/bin/python -m mypy --strict .".into(), what: "the type check" },
                Step { command: ".venv/bin/python -m cxr_plugin build".into(), what: "the component" },
            ],
        };
        steps.push(Step { command: format!("{cxr} test --plugin {wasm} cases.toml"), what: "the case file, through the reference pipeline" });
        steps.push(Step { command: format!("{cxr} run --plugin {wasm} interaction.json"), what: "one decision, explained" });
        steps
    }

    /// Every file of the project.
    pub fn files(&self) -> Result<Vec<File>> {
        let mut files = match self.lang {
            Lang::Rust => self.rust_files(),
            Lang::TypeScript | Lang::JavaScript => self.js_files(),
            Lang::Python => self.python_files(),
        }?;
        files.push(File { path: "interaction.json".into(), contents: SAMPLE_INTERACTION.to_string() });
        files.push(File { path: "cases.toml".into(), contents: cases_toml(self) });
        files.push(File { path: "README.md".into(), contents: self.readme() });
        Ok(files)
    }

    /// Substitutes the project's placeholders in a template.
    fn fill(&self, template: &str) -> String {
        let hooks_text = match self.hooks.as_slice() {
            [one] => format!("the {one} hook"),
            [init @ .., last] => format!(
                "the {} and {last} hooks",
                init.iter().map(|h| h.as_str()).collect::<Vec<_>>().join(", ")
            ),
            [] => String::new(),
        };
        template
            .replace("{{name}}", &self.name)
            .replace("{{type}}", &type_name(&self.name))
            .replace("{{lib}}", &lib_name(&self.name))
            .replace("{{hooks}}", &self.hook_list())
            .replace("{{hooks_text}}", &hooks_text)
            .replace("{{description}}", &self.description())
            .replace("{{wasm}}", &self.wasm_path())
            .replace("{{kit_version}}", kit_version(self.lang))
    }

    /// One line: what each hook's sample does.
    fn description(&self) -> String {
        self.hooks.iter().map(|h| fragment(Lang::Rust, *h).directive("description").unwrap_or_default()).collect::<Vec<_>>().join("; ")
    }

    fn rust_files(&self) -> Result<Vec<File>> {
        let kit_dep = match &self.kit {
            KitSource::Version => format!("cxr-guest = \"{}\"", kit_version(Lang::Rust)),
            KitSource::Path(p) => format!("cxr-guest = {{ version = \"{}\", path = \"{}\" }}", kit_version(Lang::Rust), p.replace('\\', "/")),
        };
        let (mut items, mut tests) = (String::new(), String::new());
        for (i, hook) in self.hooks.iter().enumerate() {
            let f = fragment(Lang::Rust, *hook);
            items.push('\n');
            items.push_str(f.section("items"));
            if i > 0 {
                tests.push('\n');
            }
            tests.push_str(f.section("tests"));
        }
        let lib = include_str!("templates/rust/lib.rs.tpl").replace("{{items}}", &items).replace("{{tests}}", &tests);
        Ok(vec![
            File { path: "Cargo.toml".into(), contents: self.fill(include_str!("templates/rust/Cargo.toml.tpl")).replace("{{kit_dep}}", &kit_dep) },
            File { path: ".cargo/config.toml".into(), contents: include_str!("templates/rust/config.toml.tpl").to_string() },
            File { path: "src/lib.rs".into(), contents: self.fill(&lib) },
            File { path: ".gitignore".into(), contents: "/target\n".into() },
        ])
    }

    fn js_files(&self) -> Result<Vec<File>> {
        let ts = self.lang == Lang::TypeScript;
        let kit_dep = match &self.kit {
            KitSource::Version => format!("^{}.0", kit_version(self.lang)),
            KitSource::Path(p) => format!("file:{}", p.replace('\\', "/")),
        };
        let (mut uses, mut test_uses, mut implements) = (Vec::new(), Vec::new(), Vec::new());
        let (mut items, mut methods, mut tests) = (String::new(), String::new(), String::new());
        for hook in &self.hooks {
            let f = fragment(self.lang, *hook);
            uses.extend(f.list("uses"));
            test_uses.extend(f.list("test-uses"));
            implements.extend(f.list("implements"));
            items.push('\n');
            items.push_str(f.section("items"));
            methods.push('\n');
            methods.push_str(f.section("method"));
            tests.push('\n');
            tests.push_str(f.section("tests"));
        }
        let (plugin, test, ext) = if ts {
            (include_str!("templates/ts/plugin.ts.tpl"), include_str!("templates/ts/test.ts.tpl"), "ts")
        } else {
            (include_str!("templates/js/plugin.js.tpl"), include_str!("templates/js/test.js.tpl"), "js")
        };
        let plugin = plugin
            .replace("{{uses}}", &join_sorted(uses, if ts { ",\n  " } else { ", " }, |u| u.trim_start_matches("type ").to_string()))
            .replace("{{implements}}", &implements.join(", "))
            .replace("{{items}}", &items)
            .replace("{{methods}}", &methods);
        let test = test.replace("{{test_uses}}", &join_sorted(test_uses, ", ", str::to_string)).replace("{{tests}}", &tests);
        let mut files = vec![
            File { path: "package.json".into(), contents: self.fill(include_str!("templates/js/package.json.tpl")).replace("{{kit_dep}}", &kit_dep) },
            File { path: format!("src/plugin.{ext}").into(), contents: self.fill(&plugin) },
            File { path: format!("test/plugin.test.{ext}").into(), contents: self.fill(&test) },
            File { path: ".gitignore".into(), contents: "node_modules/\ndist/\n.cxr/\n".into() },
        ];
        if ts {
            files.push(File { path: "tsconfig.json".into(), contents: include_str!("templates/ts/tsconfig.json.tpl").to_string() });
        }
        if matches!(self.kit, KitSource::Path(_)) {
            // Install a local kit as a copy, with its dependencies hoisted,
            // exactly as one from the registry (not as a symlink).
            files.push(File { path: ".npmrc".into(), contents: "install-links=true\n".into() });
        }
        Ok(files)
    }

    fn python_files(&self) -> Result<Vec<File>> {
        let requirement = match &self.kit {
            KitSource::Version => format!("cxr-plugin[test]=={}.*", kit_version(Lang::Python)),
            KitSource::Path(p) => format!("cxr-plugin[test] @ file://{}", p.replace('\\', "/")),
        };
        let (mut header, mut uses, mut test_uses, mut implements) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut items, mut methods, mut tests) = (String::new(), String::new(), String::new());
        for hook in &self.hooks {
            let f = fragment(Lang::Python, *hook);
            header.extend(f.list_raw("header"));
            uses.extend(f.list("uses"));
            test_uses.extend(f.list("test-uses"));
            implements.extend(f.list("implements"));
            items.push('\n');
            items.push_str(f.section("items"));
            methods.push('\n');
            methods.push_str(f.section("method"));
            tests.push_str("\n\n");
            tests.push_str(f.section("tests"));
        }
        header.sort();
        header.dedup();
        let header = if header.is_empty() { String::new() } else { format!("\n{}\n", header.join("\n")) };
        let plugin = include_str!("templates/python/plugin.py.tpl")
            .replace("{{header}}", &header)
            .replace("{{uses}}", &join_sorted(uses, ",\n    ", str::to_string))
            .replace("{{implements}}", &implements.join(", "))
            .replace("{{items}}", &items)
            .replace("{{methods}}", &methods);
        let test = include_str!("templates/python/test.py.tpl")
            .replace("{{test_uses}}", &join_sorted(test_uses, ",\n    ", str::to_string))
            .replace("{{tests}}", tests.trim_end());
        let lib = lib_name(&self.name);
        Ok(vec![
            File { path: "pyproject.toml".into(), contents: self.fill(include_str!("templates/python/pyproject.toml.tpl")) },
            File {
                path: "requirements.txt".into(),
                contents: format!("# The cxr-plugin kit with its pinned build and test tools (componentize-py, pytest, mypy).\n{requirement}\n"),
            },
            File { path: format!("{lib}.py").into(), contents: self.fill(&plugin) },
            File { path: format!("test_{lib}.py").into(), contents: format!("{}\n", self.fill(&test).trim_end()) },
            File { path: ".gitignore".into(), contents: ".venv/\nbuild/\n__pycache__/\n.mypy_cache/\n".into() },
        ])
    }

    fn readme(&self) -> String {
        let steps = self.steps("cxr");
        let width = steps.iter().map(|s| s.command.len()).max().unwrap_or(0);
        let commands: String = steps.iter().map(|s| format!("{:<width$}   # {}\n", s.command, s.what)).collect();
        let source = match self.lang {
            Lang::Rust => "`src/lib.rs`",
            Lang::TypeScript => "`src/plugin.ts` (tests in `test/plugin.test.ts`)",
            Lang::JavaScript => "`src/plugin.js` (tests in `test/plugin.test.js`)",
            Lang::Python => &format!("`{0}.py` (tests in `test_{0}.py`)", lib_name(&self.name)),
        };
        let kit = match (&self.kit, self.lang) {
            (KitSource::Version, Lang::Rust) => format!("`cxr-guest = \"{}\"` from crates.io", kit_version(Lang::Rust)),
            (KitSource::Version, Lang::TypeScript | Lang::JavaScript) => format!("`cxr-plugin` `^{}.0` from npm", kit_version(self.lang)),
            (KitSource::Version, Lang::Python) => format!("`cxr-plugin=={}.*` from PyPI", kit_version(Lang::Python)),
            (KitSource::Path(p), _) => format!("the local kit at `{p}`"),
        };
        format!(
            "# {name}\n\nA cxr plugin in {lang} implementing **{hooks}** (the component's world is \
             `cxr:plugin-worlds/{world}@{contract}`). It depends on {kit}.\n\n```sh\n{commands}```\n\n\
             The logic is in {source}. `configure` receives the plugin's `config` table from the \
             pipeline file as JSON, and each hook gets the typed interaction and a context whose \
             `now` is the only clock a plugin sees.\n\n\
             `--plugin` swaps the component into the reference pipeline for every hook it implements. \
             `cases.toml` holds one or more cases per hook (an interaction and the parts of its decision \
             that matter): add your own as the logic grows. `cxr diff --base builtin --candidate {wasm} \
             inbox.jsonl` shows what the plugin changes on real traffic; `cxr bench --plugin {wasm} \
             inbox.jsonl` what it costs.\n",
            name = self.name,
            lang = self.lang,
            hooks = self.hook_list(),
            world = self.world(),
            contract = contract_version(self.lang),
            wasm = self.wasm_path(),
        )
    }
}

/// One interaction to run the new plugin on (`cxr run --plugin ... interaction.json`).
pub const SAMPLE_INTERACTION: &str = r#"{
  "id": "SAMPLE-1",
  "channel": "email",
  "received_at": "2026-11-20T09:30:00Z",
  "subject": "Charged twice",
  "body": "I was charged twice for my order and I am angry. Where is my refund? This is urgent.",
  "customer": { "tier": "gold", "contacts_last_30d": 3 }
}
"#;

/// The case file for a project: for each of its hooks, cases that hold
/// whatever its other hooks are (the reference pipeline decides the rest).
pub fn cases_toml(spec: &Spec) -> String {
    let mut out = format!(
        "# Cases for {name}: each interaction goes through the reference pipeline with this plugin\n\
         # swapped in for its hooks ({hooks}); `expect` names the parts of the decision that matter.\n#\n\
         #   cxr test --plugin {wasm} cases.toml\n\nnow = \"2026-11-22T10:00:00Z\"\n",
        name = spec.name,
        hooks = spec.hook_list(),
        wasm = spec.wasm_path()
    );
    for hook in &spec.hooks {
        out.push_str(match hook {
            HookKind::Sentiment => SENTIMENT_CASES,
            HookKind::Classify => CLASSIFY_CASES,
            HookKind::Priority => PRIORITY_CASES,
            HookKind::Routing => ROUTING_CASES,
        });
    }
    out
}

const SENTIMENT_CASES: &str = r#"
[[case]]
name = "an angry complaint is negative"
interaction = { id = "S-1", channel = "email", body = "I was charged twice and I am angry" }
expect = { label = "negative", sentiment_at_most = -0.5 }

[[case]]
name = "praise is positive"
interaction = { id = "S-2", channel = "review", body = "Great service, thanks!" }
expect = { label = "positive", sentiment_at_least = 0.5 }
"#;

const CLASSIFY_CASES: &str = r#"
[[case]]
name = "a refund question is a billing intent"
interaction = { id = "C-1", channel = "email", body = "I was charged twice, where is my refund?" }
expect = { signals = { intent = "billing" }, signal_min_confidence = 0.5 }

[[case]]
name = "an unknown topic is another intent"
interaction = { id = "C-2", channel = "chat", body = "What are your opening hours?" }
expect = { signals = { intent = "other" } }
"#;

const PRIORITY_CASES: &str = r#"
[[case]]
name = "a VIP reporting an outage is urgent"
interaction = { id = "P-1", channel = "phone", body = "Your service is down, outage since 9am!", customer = { tier = "vip" } }
expect = { level = [1, 2], reasons_include = ["urgent word: outage", "top-tier customer"] }

[[case]]
name = "a calm question can wait"
interaction = { id = "P-2", channel = "email", body = "How do I change my address?" }
expect = { level = 4 }
"#;

const ROUTING_CASES: &str = r#"
[[case]]
name = "an invoice question goes to billing"
interaction = { id = "R-1", channel = "email", body = "Where is my invoice for March?", language = "en" }
expect = { queue = "billing", rule = "billing-words", skills_include = ["billing"], language = "en" }
"#;

/// A hook's sample in one language: `@@name value` directives and
/// `@@section` blocks (templates/LANG/HOOK.EXT).
struct Fragment(&'static str);

impl Fragment {
    /// The text of section `name`, up to the next `@@` line.
    fn section(&self, name: &str) -> &'static str {
        let marker = format!("@@{name}\n");
        let Some(start) = self.0.find(&marker).map(|i| i + marker.len()) else { return "" };
        let end = self.0[start..].find("\n@@").map_or(self.0.len(), |i| start + i + 1);
        &self.0[start..end]
    }

    /// The value of a one-line directive `@@name value`.
    fn directive(&self, name: &str) -> Option<String> {
        let prefix = format!("@@{name} ");
        self.0.lines().find_map(|l| l.strip_prefix(&prefix).map(str::to_string))
    }

    /// A comma-separated directive as items.
    fn list(&self, name: &str) -> Vec<String> {
        self.directive(name).map(|d| d.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()).unwrap_or_default()
    }

    /// Every line of a directive that may repeat (`@@header import math`).
    fn list_raw(&self, name: &str) -> Vec<String> {
        let prefix = format!("@@{name} ");
        self.0.lines().filter_map(|l| l.strip_prefix(&prefix).map(str::to_string)).collect()
    }
}

fn fragment(lang: Lang, hook: HookKind) -> Fragment {
    Fragment(match (lang, hook) {
        (Lang::Rust, HookKind::Sentiment) => include_str!("templates/rust/sentiment.rs"),
        (Lang::Rust, HookKind::Classify) => include_str!("templates/rust/classify.rs"),
        (Lang::Rust, HookKind::Priority) => include_str!("templates/rust/priority.rs"),
        (Lang::Rust, HookKind::Routing) => include_str!("templates/rust/routing.rs"),
        (Lang::TypeScript, HookKind::Sentiment) => include_str!("templates/ts/sentiment.ts"),
        (Lang::TypeScript, HookKind::Classify) => include_str!("templates/ts/classify.ts"),
        (Lang::TypeScript, HookKind::Priority) => include_str!("templates/ts/priority.ts"),
        (Lang::TypeScript, HookKind::Routing) => include_str!("templates/ts/routing.ts"),
        (Lang::JavaScript, HookKind::Sentiment) => include_str!("templates/js/sentiment.js"),
        (Lang::JavaScript, HookKind::Classify) => include_str!("templates/js/classify.js"),
        (Lang::JavaScript, HookKind::Priority) => include_str!("templates/js/priority.js"),
        (Lang::JavaScript, HookKind::Routing) => include_str!("templates/js/routing.js"),
        (Lang::Python, HookKind::Sentiment) => include_str!("templates/python/sentiment.py"),
        (Lang::Python, HookKind::Classify) => include_str!("templates/python/classify.py"),
        (Lang::Python, HookKind::Priority) => include_str!("templates/python/priority.py"),
        (Lang::Python, HookKind::Routing) => include_str!("templates/python/routing.py"),
    })
}

/// The items deduplicated and sorted (by `key`), joined by `sep`.
fn join_sorted(mut items: Vec<String>, sep: &str, key: impl Fn(&str) -> String) -> String {
    items.sort_by_key(|a| (key(a).to_ascii_lowercase(), a.clone()));
    items.dedup();
    items.join(sep)
}

/// Checks a plugin name: ASCII letters, digits, `-` and `_`, starting with a
/// letter, at most 64 characters, and not a name Cargo, npm or Python reserves.
pub fn check_name(name: &str) -> Result<()> {
    let ok_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if name.is_empty() || name.len() > 64 || !ok_chars || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        bail!(
            "{name:?} is not a usable plugin name: use ASCII letters, digits, '-' or '_', starting with a letter (at most 64 characters)"
        );
    }
    const RESERVED: [&str; 10] = ["test", "core", "std", "alloc", "proc_macro", "self", "crate", "cxr_guest", "cxr_plugin", "cxr_world"];
    if RESERVED.contains(&name.to_ascii_lowercase().replace('-', "_").as_str()) {
        bail!("{name:?} is reserved: pick another name");
    }
    Ok(())
}

/// `my-plugin` → `MyPlugin`, the type the plugin is.
pub fn type_name(name: &str) -> String {
    let mut out = String::new();
    for part in name.split(['-', '_']).filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// `my-plugin` → `my_plugin`: the `.wasm` file of a Rust or Python plugin, the Python module.
pub fn lib_name(name: &str) -> String {
    name.replace('-', "_")
}

/// A path from folder `from` to `to`: relative (`../../guest`) when they
/// share a folder below the root, else `to` made absolute. Uses `/` separators.
pub fn relative_path(from: &Path, to: &Path) -> String {
    let (Ok(from), Ok(to)) = (std::path::absolute(from), std::path::absolute(to)) else {
        return to.display().to_string();
    };
    let norm = |p: &Path| -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for c in p.components() {
            match c {
                Component::ParentDir => {
                    parts.pop();
                }
                Component::CurDir => {}
                other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
            }
        }
        parts
    };
    let (f, t) = (norm(&from), norm(&to));
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    // Sharing only the root (or not even that): a relative path would not
    // survive moving either folder, so keep the absolute one.
    if common <= 1 {
        return t.join("/").replacen("//", "/", 1);
    }
    let mut parts: Vec<&str> = vec![".."; f.len() - common];
    parts.extend(t[common..].iter().map(String::as_str));
    if parts.is_empty() { ".".to_string() } else { parts.join("/") }
}

/// Writes the files into `dir`, which must not exist yet or be empty.
pub fn write(dir: &Path, files: &[File]) -> Result<()> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?.next().is_none();
        if !empty {
            bail!("{} already exists and is not empty: choose another name or --path", dir.display());
        }
    }
    for f in files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, &f.contents).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
