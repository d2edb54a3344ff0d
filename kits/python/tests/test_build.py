"""The build command's parts that need no componentize run, and the
freshness of what the kit ships (WIT, generated bindings)."""

import filecmp
import re
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest

from cxr_plugin import HOOKS
from cxr_plugin.build import (
    COMPONENTIZE_PY_VERSION,
    WORLD_MODULE,
    BuildError,
    entry_source,
    load_class,
    load_project,
    wit_dir,
    world_for,
)

KIT = Path(__file__).resolve().parent.parent
REPO = KIT.parent.parent


def test_every_set_of_hooks_has_its_world() -> None:
    text = (wit_dir() / "worlds.wit").read_text()
    worlds = set(re.findall(r"^world ([a-z-]+) \{", text, re.M))
    sets = [list(c) for n in range(1, 5) for c in combinations(HOOKS, n)]
    assert len(sets) == 15
    assert {world_for(s) for s in sets} == worlds
    for s in sets:
        body = text.split(f"world {world_for(s)} {{", 1)[1].split("}", 1)[0]
        assert sorted(re.findall(r"export cxr:plugin/([a-z]+)@0\.2\.0;", body)) == sorted(["lifecycle", *s])


def test_the_kits_contract_is_the_frozen_one() -> None:
    frozen = REPO / "wit" / "v0.2.0"
    if not frozen.is_dir():
        pytest.skip("not in a cxr checkout")
    deps = wit_dir() / "deps" / "cxr-plugin-0.2.0"
    for name in ["types.wit", "hooks.wit", "worlds.wit"]:
        assert (deps / name).read_bytes() == (frozen / name).read_bytes(), name


def test_the_shipped_bindings_are_what_componentize_py_generates(tmp_path: Path) -> None:
    runner = "import sys, componentize_py; sys.argv[0] = 'componentize-py'; sys.exit(componentize_py.script())"
    subprocess.run(
        [sys.executable, "-c", runner, "-d", str(wit_dir()), "-w", world_for(list(HOOKS)), "--world-module", WORLD_MODULE, "bindings", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    fresh = sorted(p.relative_to(tmp_path / WORLD_MODULE) for p in (tmp_path / WORLD_MODULE).rglob("*.py"))
    shipped = sorted(p.relative_to(KIT / WORLD_MODULE) for p in (KIT / WORLD_MODULE).rglob("*.py"))
    assert fresh == shipped
    for rel in fresh:
        assert filecmp.cmp(tmp_path / WORLD_MODULE / rel, KIT / WORLD_MODULE / rel, shallow=False), rel
    assert (tmp_path / "componentize_py_types.py").read_bytes() == (KIT / "componentize_py_types" / "__init__.py").read_bytes()


def project(tmp_path: Path, pyproject: str, module: str = "") -> Path:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    if module:
        (tmp_path / "plug_mod.py").write_text(module)
    return tmp_path


GOOD = '[project]\nname = "my-plug"\nversion = "1.2.3"\ndescription = "d"\n[tool.cxr-plugin]\nplugin = "plug_mod:Plug"\n'
MODULE = """
from cxr_plugin import ClassifyHook, RoutingHook, Pass
class Plug(RoutingHook, ClassifyHook):
    DESCRIPTION = "routes by nothing"
    def classify(self, input, ctx, sentiment): return []
    def route(self, input, ctx, sentiment, priority): return Pass("no")
class Half(RoutingHook, ClassifyHook):
    def classify(self, input, ctx, sentiment): return []
class NotOne: pass
"""


def test_a_project_builds_the_world_of_its_hooks(tmp_path: Path) -> None:
    p = load_project(project(tmp_path, GOOD, MODULE))
    assert (p.name, p.version, p.module, p.class_name) == ("my-plug", "1.2.3", "plug_mod", "Plug")
    assert p.output == tmp_path / "build" / "my_plug.wasm"
    cls = load_class(p)
    from cxr_plugin.hooks import hooks_of

    assert world_for(hooks_of(cls)) == "classify-routing"
    source = entry_source(p, cls)
    assert "from plug_mod import Plug as _Plugin" in source
    assert "name='my-plug'" in source and "version='1.2.3'" in source and "description='routes by nothing'" in source


@pytest.mark.parametrize(
    ("pyproject", "spec", "message"),
    [
        (GOOD.replace('name = "my-plug"', 'name = "my plug!"'), None, "[project] name"),
        (GOOD.replace('version = "1.2.3"\n', ""), None, "[project] version is required"),
        (GOOD.replace('plugin = "plug_mod:Plug"', 'plugin = "plug_mod.Plug"'), None, "MODULE:CLASS"),
        (GOOD, "plug_mod:Half", "does not implement: route"),
        (GOOD, "plug_mod:NotOne", "is not a plugin class"),
        (GOOD, "nowhere:Plug", "cannot import module `nowhere`"),
    ],
)
def test_project_mistakes_are_named(tmp_path: Path, pyproject: str, spec: str, message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        load_class(load_project(project(tmp_path, pyproject, MODULE), spec))


def test_a_missing_pyproject_says_where_to_run(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="not found"):
        load_project(tmp_path)


def test_the_pinned_componentize_py_is_the_installed_one() -> None:
    import importlib.metadata

    assert importlib.metadata.version("componentize-py") == COMPONENTIZE_PY_VERSION
