"""``python -m cxr_plugin build``: a plugin project to a wasm component.

The project is a folder with a ``pyproject.toml``::

    [project]
    name = "shouty"            # the plugin's name (cxr inspect, traces)
    version = "0.1.0"          # its version
    description = "..."        # shown when the class sets no DESCRIPTION

    [tool.cxr-plugin]
    plugin = "shouty:Shouty"   # MODULE:CLASS
    # output = "build/shouty.wasm"    (the default)
    # python-path = ["."]             (folders holding the modules; "src" too when it exists)

The build imports the class natively to find its hooks (the hook base
classes it derives from), picks the world of ``cxr:plugin-worlds`` for that
set of hooks, writes a small entry module, and runs componentize-py
(the version this kit pins) on it.
"""

import argparse
import importlib
import importlib.metadata
import inspect
import os
import re
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from .hooks import Plugin, hooks_of

#: The componentize-py release this kit is built and tested with.
COMPONENTIZE_PY_VERSION = "0.25.1"
#: The contract the kit targets.
CONTRACT = "cxr:plugin@0.2.0"
#: The Python module componentize-py generates the bindings as (the kit's
#: ``cxr_world`` package is the same code, for native use and type checks).
WORLD_MODULE = "cxr_world"
#: The entry module the build writes (it must not be named like a world).
ENTRY_MODULE = "cxr_plugin_entry"


class BuildError(Exception):
    """A problem with the project, said so that the user can fix it."""


@dataclass
class Project:
    """What the build needs to know about a plugin project."""

    root: Path
    name: str
    version: str
    description: str
    module: str
    class_name: str
    output: Path
    python_path: list[Path]


def kit_root() -> Path:
    """The folder that holds the ``cxr_plugin`` package (site-packages, or kits/python)."""
    return Path(__file__).resolve().parent.parent


def wit_dir() -> Path:
    """The worlds package the kit carries (``cxr:plugin-worlds`` and its deps)."""
    inside = Path(__file__).resolve().parent / "wit"  # an installed kit
    if (inside / "worlds.wit").is_file():
        return inside
    beside = kit_root() / "wit"  # a source checkout (kits/python/wit)
    if (beside / "worlds.wit").is_file():
        return beside
    raise BuildError(f"the kit's WIT is missing (looked in {inside} and {beside}); reinstall cxr-plugin")


def world_for(hooks: list[str]) -> str:
    """The world of ``cxr:plugin-worlds`` for a set of hooks (given in pipeline order)."""
    return "-".join(hooks)


def _project_name_ok(name: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", name) is not None


def load_project(root: Path, plugin: Optional[str] = None, output: Optional[str] = None) -> Project:
    """Reads ``root/pyproject.toml``; ``plugin`` and ``output`` override its settings."""
    pyproject = root / "pyproject.toml"
    try:
        data: dict[str, Any] = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(f"{pyproject}: not found (run the build in the plugin's folder, or pass --project DIR)") from None
    except tomllib.TOMLDecodeError as e:
        raise BuildError(f"{pyproject}: {e}") from None
    meta = data.get("project", {})
    tool = data.get("tool", {}).get("cxr-plugin", {})
    name = meta.get("name")
    version = meta.get("version")
    if not isinstance(name, str) or not _project_name_ok(name):
        raise BuildError(f"{pyproject}: [project] name must be 1-64 letters, digits, '.', '_' or '-', got {name!r}")
    if not isinstance(version, str) or not version.strip():
        raise BuildError(f"{pyproject}: [project] version is required (e.g. version = \"0.1.0\")")
    spec = plugin if plugin is not None else tool.get("plugin")
    if not isinstance(spec, str) or spec.count(":") != 1:
        raise BuildError(f"{pyproject}: [tool.cxr-plugin] plugin must be \"MODULE:CLASS\", e.g. plugin = \"shouty:Shouty\"; got {spec!r}")
    module, class_name = (part.strip() for part in spec.split(":"))
    out = output if output is not None else tool.get("output", f"build/{name.replace('-', '_').replace('.', '_')}.wasm")
    if not isinstance(out, str):
        raise BuildError(f"{pyproject}: [tool.cxr-plugin] output must be a path, got {out!r}")
    paths = tool.get("python-path")
    if paths is None:
        paths = ["."] + (["src"] if (root / "src").is_dir() else [])
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise BuildError(f"{pyproject}: [tool.cxr-plugin] python-path must be a list of folders, got {paths!r}")
    description = meta.get("description", "")
    return Project(
        root=root,
        name=name,
        version=version.strip(),
        description=description if isinstance(description, str) else "",
        module=module,
        class_name=class_name,
        output=(root / out),
        python_path=[(root / p).resolve() for p in paths],
    )


def load_class(project: Project) -> type[Plugin]:
    """Imports the plugin class natively (to find its hooks and check it)."""
    for p in reversed(project.python_path):
        sys.path.insert(0, str(p))
    try:
        module = importlib.import_module(project.module)
    except ImportError as e:
        raise BuildError(f"cannot import module `{project.module}` (python-path {[str(p) for p in project.python_path]}): {e}") from None
    cls = getattr(module, project.class_name, None)
    where = f"{project.module}:{project.class_name}"
    if not isinstance(cls, type) or not issubclass(cls, Plugin):
        raise BuildError(f"`{where}` is not a plugin class (derive it from SentimentHook, ClassifyHook, PriorityHook and/or RoutingHook)")
    if not hooks_of(cls):
        raise BuildError(f"`{where}` implements no hook: derive it from SentimentHook, ClassifyHook, PriorityHook and/or RoutingHook")
    if inspect.isabstract(cls):
        missing = ", ".join(sorted(getattr(cls, "__abstractmethods__", ())))
        raise BuildError(f"`{where}` does not implement: {missing}")
    return cls


def entry_source(project: Project, cls: type[Plugin]) -> str:
    """The entry module componentize-py wraps: the export classes for ``cls``."""
    description = cls.DESCRIPTION or project.description
    return (
        "# Generated by `python -m cxr_plugin build`: the component's entry module.\n"
        "from cxr_plugin._glue import export\n"
        "from cxr_plugin.types import PluginInfo\n"
        f"from {project.module} import {project.class_name} as _Plugin\n"
        "\n"
        "globals().update(export(_Plugin, PluginInfo(\n"
        f"    name={project.name!r},\n"
        f"    version={project.version!r},\n"
        f"    description={description!r},\n"
        ")))\n"
    )


def check_componentize_py() -> None:
    """Refuses another componentize-py than the pinned one."""
    try:
        found = importlib.metadata.version("componentize-py")
    except importlib.metadata.PackageNotFoundError:
        raise BuildError(f"componentize-py is not installed: pip install componentize-py=={COMPONENTIZE_PY_VERSION}") from None
    if found != COMPONENTIZE_PY_VERSION:
        raise BuildError(f"componentize-py {found} is installed; this kit is tested with {COMPONENTIZE_PY_VERSION}: pip install componentize-py=={COMPONENTIZE_PY_VERSION}")


def componentize_args(project: Project, hooks: list[str], stage: Path) -> list[str]:
    """The componentize-py command line (after the program name)."""
    args = ["-d", str(wit_dir()), "-w", world_for(hooks), "--world-module", WORLD_MODULE, "componentize"]
    for p in [stage, *project.python_path, kit_root()]:
        args += ["-p", str(p)]
    args += [ENTRY_MODULE, "-o", str(project.output)]
    return args


def build(project: Project, quiet: bool = False) -> Path:
    """Builds the component; returns its path."""
    check_componentize_py()
    cls = load_class(project)
    hooks = hooks_of(cls)
    stage = project.root / "build" / "cxr-plugin-entry"
    stage.mkdir(parents=True, exist_ok=True)
    (stage / f"{ENTRY_MODULE}.py").write_text(entry_source(project, cls), encoding="utf-8")
    project.output.parent.mkdir(parents=True, exist_ok=True)
    if not quiet:
        print(f"building {project.name} {project.version}: {project.module}:{project.class_name}, hooks {', '.join(hooks)} "
              f"(world {world_for(hooks)}, {CONTRACT}, componentize-py {COMPONENTIZE_PY_VERSION})", file=sys.stderr)
    started = time.monotonic()
    # componentize-py is a Python extension with a command-line entry point:
    # run that entry point with this interpreter, so the same environment
    # (and its site-packages, where the kit is) is used.
    runner = "import sys, componentize_py; sys.argv[0] = 'componentize-py'; sys.exit(componentize_py.script())"
    cmd = [sys.executable, "-c", runner, *componentize_args(project, hooks, stage)]
    result = subprocess.run(cmd, cwd=project.root, capture_output=True, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    if result.returncode != 0:
        details = (result.stderr or result.stdout).strip()
        raise BuildError(f"componentize-py failed (exit {result.returncode}):\n{details}")
    if not quiet:
        size = project.output.stat().st_size
        print(f"wrote {project.output} ({size / 1e6:.1f} MB) in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return project.output


def main(argv: Optional[list[str]] = None) -> int:
    """The command line: ``python -m cxr_plugin build|wit``."""
    parser = argparse.ArgumentParser(prog="python -m cxr_plugin", description="Build cxr plugins written in Python.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the plugin project in the current folder to a wasm component",
                       description="Build the plugin of a project (pyproject.toml with [tool.cxr-plugin] plugin = \"MODULE:CLASS\") to a component.")
    b.add_argument("plugin", nargs="?", help="MODULE:CLASS (default: [tool.cxr-plugin] plugin)")
    b.add_argument("--project", default=".", help="the project folder (default: the current one)")
    b.add_argument("-o", "--output", help="the component to write (default: build/NAME.wasm)")
    b.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    w = sub.add_parser("wit", help="print the folder of the WIT worlds package the kit carries, and the world for a set of hooks")
    w.add_argument("hooks", nargs="*", help="sentiment, classify, priority, routing")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            project = load_project(Path(args.project).resolve(), args.plugin, args.output)
            build(project, quiet=args.quiet)
        else:
            print(wit_dir())
            if args.hooks:
                from .hooks import HOOKS

                unknown = [h for h in args.hooks if h not in HOOKS]
                if unknown:
                    raise BuildError(f"unknown hook(s) {', '.join(unknown)} (the hooks are {', '.join(HOOKS)})")
                print(world_for([h for h in HOOKS if h in args.hooks]))
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0
