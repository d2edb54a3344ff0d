"""Shared fixtures: the repository, the built `cxr` binary and test plugin,
and pipelines around the hostile test plugin.

The tests run against the installed `cxr` package (``pip install ./host/python``)
and compare it with the real command line built from the same sources.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
NOW = "2026-11-22T10:00:00Z"
EXAMPLES = ROOT / "examples" / "interactions.jsonl"


def _built(path: Path, package: str) -> Path:
    """`path`, building `package` with cargo first when it is missing."""
    if not path.exists():
        subprocess.run(["cargo", "build", "--release", "-p", package], cwd=ROOT, check=True)
    assert path.exists(), f"{path} is missing after `cargo build --release -p {package}`"
    return path


@pytest.fixture(scope="session", autouse=True)
def compile_cache(tmp_path_factory):
    """Compiled plugins go to a cache of this test session, not the user's."""
    os.environ["CXR_CACHE_DIR"] = str(tmp_path_factory.mktemp("compile-cache"))
    yield


@pytest.fixture(scope="session")
def cxr_bin() -> Path:
    """The `cxr` command line of this checkout."""
    return _built(TARGET / "release" / "cxr", "cxr")


@pytest.fixture(scope="session")
def hostile_wasm() -> Path:
    """The deliberately misbehaving plugin of tests/plugins/hostile (built by tests/build.rs)."""
    return _built(TARGET / "wasm-plugins" / "wasm32-wasip2" / "release" / "cxr_test_hostile.wasm", "cxr-e2e")


@pytest.fixture(scope="session")
def examples() -> list:
    """The sample interactions, as text lines."""
    return [line for line in EXAMPLES.read_text().splitlines() if line.strip()]


@pytest.fixture
def hostile_pipeline(tmp_path, hostile_wasm):
    """A pipeline file where the sentiment stage is the hostile plugin in
    `mode` (misbehaving on bodies containing `when`, or always), failing as
    `on_failure` says (the fallback decision with `error` by default here)."""

    def make(mode: str, limits: str = "fuel = 0\ntimeout_ms = 250", when: str = None, on_failure: str = "fallback") -> Path:
        config = {"mode": mode} if when is None else {"mode": mode, "when": when}
        table = "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in config.items()) + " }"
        path = tmp_path / f"hostile-{mode}.toml"
        path.write_text(
            'name = "hostile-test"\n'
            f"[limits]\n{limits}\n"
            '[fallback]\nqueue = "triage"\ndiscipline = "service"\nlevel = 2\n'
            f"[sentiment]\nplugin = {json.dumps(str(hostile_wasm))}\nconfig = {table}\non_failure = {json.dumps(on_failure)}\n"
            '[priority]\nplugin = "builtin:priority"\n'
            '[[routers]]\nplugin = "builtin:router"\n'
        )
        return path

    return make


def comparable(decision: dict) -> dict:
    """A decision without what measures the call rather than decides
    (trace micros, memory and fuel: a reused instance's caches make repeated
    calls cheaper) and the batch line number."""
    d = dict(decision)
    d.pop("line", None)
    d["trace"] = [
        {k: v for k, v in t.items() if k not in ("micros", "memory_bytes", "fuel")} for t in d.get("trace", [])
    ]
    return d
